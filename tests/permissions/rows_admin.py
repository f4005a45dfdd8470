"""The Django admin: generated rows, one set per registered model, plus the site's own pages.

Generating is right here because the admin decides its own access the same way for every
model: AdminSite.admin_view lets in active users with `is_staff` only (everyone else is
sent to the admin's sign-in, which allauth's secure_admin_login turns into the portal's),
and each ModelAdmin then asks the model permissions (add/change/delete/view), which only
the superuser holds among the personas. The portal's rules never answer those (their names
may not coincide with a model permission: portal.permissions.register refuses). So every
persona gets the same answer from every model's pages: the superuser gets the page, AI
Office staff without `is_staff` are not admin users, staff without a second factor are
sent to set one up first.
"""

from django.contrib import admin
from django.contrib.contenttypes.models import ContentType

from tests.permissions.matrix import LOGIN, MFA, OK, REDIRECT, Row, expect

# Registered models the world has no object of: their change pages send the superuser
# back to the admin's index ("does not exist, perhaps it was deleted?").
_NOT_IN_THE_WORLD = {
    "socialaccount.socialaccount",
    "socialaccount.socialapp",
    "socialaccount.socialtoken",
}
# Written by the portal alone, never added by hand (their ModelAdmin says so).
_NO_ADD = {"portal.outgoingemail"}


def admin_only(outcome=200):
    """`outcome` for the superuser; everyone else is sent to sign in to the admin."""
    return expect(REDIRECT, staff_nomfa=MFA, superuser=outcome)


def _object_id(model):
    def kwargs(w):
        first = model._default_manager.order_by("pk").first()
        return {"object_id": first.pk if first is not None else 0}

    return kwargs


def _model_rows(model) -> list[Row]:
    opts = model._meta
    name = f"admin:{opts.app_label}_{opts.model_name}"
    object_id = _object_id(model)
    in_world = opts.label_lower not in _NOT_IN_THE_WORLD
    page = 200 if in_world else REDIRECT
    add = 403 if opts.label_lower in _NO_ADD else None
    return [
        Row(f"{name}_changelist", get=admin_only()),
        # An empty form: the admin says what is missing.
        Row(f"{name}_add", get=admin_only(add or 200), post=admin_only(add or OK)),
        Row(f"{name}_change", kwargs=object_id, get=admin_only(page), post=admin_only(OK)),
        Row(
            f"{name}_delete",
            kwargs=object_id,
            get=admin_only(page),
            post=admin_only(OK),
            data=lambda w: {"post": "yes"},
        ),
        Row(f"{name}_history", kwargs=object_id, get=admin_only(page)),
    ]


def _app_rows() -> list[Row]:
    labels = sorted({model._meta.app_label for model in admin.site._registry})
    return [
        Row(
            "admin:app_list",
            state=label,
            kwargs=lambda w, label=label: {"app_label": label},
            get=admin_only(),
        )
        for label in labels
    ]


def _organisation_shortcut(w):
    content_type = ContentType.objects.get_for_model(w.organisation)
    return {"content_type_id": content_type.pk, "object_id": w.organisation.pk}


SITE_ROWS = [
    Row("admin:index", get=admin_only()),
    # allauth signs everyone in (rate limits, second factor); the signed-in superuser is
    # sent on to the index, other signed-in people are refused.
    Row(
        "admin:login",
        get=expect(403, anonymous=LOGIN, staff_nomfa=MFA, superuser=REDIRECT),
    ),
    Row("admin:logout", get=admin_only(405), post=admin_only(OK)),
    Row(
        "admin:password_change",
        get=admin_only(),
        post=admin_only(200),
        data=lambda w: {
            "old_password": "not-the-password",
            "new_password1": "a-long-and-unusual-passphrase-42",
            "new_password2": "a-long-and-unusual-passphrase-42",
        },
    ),
    Row("admin:password_change_done", get=admin_only()),
    Row("admin:jsi18n", get=admin_only()),
    Row("admin:autocomplete", get=admin_only(403)),
    Row(
        "admin:auth_user_password_change",
        kwargs=lambda w: {"id": w.evaluator.pk},
        get=admin_only(),
        post=admin_only(200),
    ),
    # "View on site": no portal model has a get_absolute_url, so there is nowhere to go.
    Row("admin:view_on_site", kwargs=_organisation_shortcut, get=admin_only(404)),
    # An object's bare URL sends on to its change page.
    Row(
        "admin:<unnamed <path:object_id>/>",
        path=lambda w: f"/admin/portal/organisation/{w.organisation.pk}/",
        get=admin_only(REDIRECT),
    ),
    Row(
        "admin:<unnamed (?P<url>.*)$>",
        path=lambda w: "/admin/no-such-page/",
        get=admin_only(404),
    ),
]

ROWS = [row for model in admin.site._registry for row in _model_rows(model)]
ROWS += _app_rows() + SITE_ROWS
