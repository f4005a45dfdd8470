from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

from portal.views import audit, i18n, organisations, pages, staff, tokens

# The admin logs in through allauth, so it gets the same rate limits and MFA.
admin.autodiscover()
admin.site.login = secure_admin_login(admin.site.login)

portal_patterns = [
    path("", pages.home, name="home"),
    path("dashboard/", pages.dashboard, name="dashboard"),
    path("profile/", pages.profile, name="profile"),
    path("profile/api-tokens/", tokens.api_token_create_view, name="api_token_create"),
    path(
        "profile/api-tokens/<str:token_code>/revoke/",
        tokens.api_token_revoke_view,
        name="api_token_revoke",
    ),
    path("i18n/setlang/", pages.set_language, name="set_language"),
    # Under /i18n/ so that staff setting up MFA get it too (portal.middleware).
    path("i18n/js/<str:language>/", i18n.javascript_catalog, name="javascript_catalog"),
    path("privacy/", pages.privacy, name="privacy"),
    path("accessibility/", pages.accessibility, name="accessibility"),
    path("workshops/<str:workshop_code>/", pages.workshop_detail, name="workshop_detail"),
    path("organisations/", organisations.organisation_list, name="organisation_list"),
    path("organisations/new/", organisations.organisation_create, name="organisation_create"),
    path(
        "organisations/<str:code>/",
        organisations.organisation_detail,
        name="organisation_detail",
    ),
    path(
        "organisations/<str:code>/edit/",
        organisations.organisation_edit,
        name="organisation_edit",
    ),
    path(
        "organisations/<str:code>/invite/",
        organisations.organisation_invite,
        name="organisation_invite",
    ),
    path(
        "organisations/<str:code>/invitations/<str:invitation_code>/revoke/",
        organisations.invitation_revoke,
        name="invitation_revoke",
    ),
    path(
        "organisations/<str:code>/members/<str:membership_code>/remove/",
        organisations.membership_remove,
        name="membership_remove",
    ),
    path("invitations/<str:token>/", organisations.invitation_accept, name="invitation_accept"),
    path("staff/workshops/", staff.workshop_list, name="staff_workshop_list"),
    path("staff/workshops/new/", staff.workshop_create, name="staff_workshop_create"),
    path(
        "staff/workshops/<str:workshop_code>/edit/", staff.workshop_edit, name="staff_workshop_edit"
    ),
    path(
        "staff/workshops/<str:workshop_code>/release-reviews/",
        staff.workshop_release_reviews,
        name="staff_workshop_release_reviews",
    ),
    path("staff/audit/", audit.audit_log, name="audit_log"),
    path("staff/audit/events.csv", audit.audit_log_csv, name="audit_log_csv"),
]

urlpatterns = [
    path("", include((portal_patterns, "portal"))),
    path("", include("submissions.urls")),
    path("", include("reviews.urls")),
    path("", include("assignment.urls")),
    path("", include("reports.urls")),
    path("", include("criteria.urls")),
    path("", include("imports.urls")),
    path("", include("discussion.urls")),
    path("", include("privacy.urls")),
    path("", include("debate.urls")),
    path("", include("expertise.urls")),
    path("api/v1/", include("api.urls")),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
]

# Error pages in the portal's layout (api.problems still answers /api/ as problem documents).
handler400 = "portal.views.errors.bad_request"
handler403 = "portal.views.errors.permission_denied"
handler404 = "portal.views.errors.page_not_found"
handler500 = "portal.views.errors.server_error"
