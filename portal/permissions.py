"""The one way the portal decides who may do what.

Every permission is a `rules` predicate, registered by its app's AppConfig from the app's
`rules.PERMISSIONS` (see `register`), and checked through `has_perm` here. Nothing else
decides: `User.has_perm` routes portal permissions here too, so templates (`perms`) and
third-party code take the same path.

There is no superuser shortcut. Django's `PermissionsMixin.has_perm` answers True for any
active superuser; here a superuser is AI Office staff (see `User.is_ai_office_staff`) and
an administrator of the Django admin, not a member of every organisation or a reviewer of
every submission.

Views state their permission once, at their top, with `permission_required`:

    @permission_required("submissions.edit_submission", lookup=submission_for_member)
    def submission_edit(request, submission): ...

The lookup fetches the object through a selector and answers 404 for what the user may
not see; the permission then answers 403 for what they may see but not do.
"""

import inspect
from collections.abc import Callable, Mapping
from functools import cache, wraps
from typing import Any

import rules
from django.apps import apps
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.http import HttpRequest, HttpResponse

# Views without an object to check: the predicate gets None.
Lookup = Callable[..., Any]

# Set on every decorated view, so the permission matrix test can tell a view that states
# its permission from one that forgot.
VIEW_PERMISSION_ATTRIBUTE = "portal_permission"


def register(permissions: Mapping[str, rules.Predicate]) -> None:
    """Register an app's permissions; called from its AppConfig.ready()."""
    shadowed = sorted(set(permissions) & _model_permissions())
    if shadowed:
        # User.has_perm answers a registered name by its rule, so a rule called
        # "portal.view_organisation" would also answer the admin's model permission of
        # that name: granted to whoever the rule lets in, refused to whoever was granted it.
        raise ImproperlyConfigured(
            f"{', '.join(shadowed)}: named like a Django model permission; choose a name "
            "the admin does not use (e.g. see_<model> instead of view_<model>)."
        )
    for name, predicate in permissions.items():
        # set_perm rather than add_perm: ready() may run twice (tests, autoreload).
        rules.set_perm(name, predicate)


def _model_permissions() -> set[str]:
    """ "app_label.codename" of every model permission Django creates or a model declares."""
    names = set()
    for model in apps.get_models():
        opts = model._meta
        names.update(
            f"{opts.app_label}.{action}_{opts.model_name}" for action in opts.default_permissions
        )
        names.update(f"{opts.app_label}.{codename}" for codename, _ in opts.permissions)
    return names


def has_perm(user, perm: str, obj: Any = None) -> bool:
    """Whether `user` may `perm` (on `obj`). The only permission check in the portal."""
    if not rules.perm_exists(perm):
        # A typo or an app whose rules were never registered must not read as "no".
        raise ImproperlyConfigured(f"Unknown permission {perm!r}")
    return rules.has_perm(perm, user, obj)


def require_perm(user, perm: str, obj: Any = None) -> None:
    """403 unless `user` may `perm` (on `obj`)."""
    if not has_perm(user, perm, obj):
        raise PermissionDenied


def permission_required(
    perm: str,
    *,
    lookup: Lookup | None = None,
    login_required: bool = True,
    anonymous: Callable[[HttpRequest], HttpResponse] | None = None,
) -> Callable:
    """Decorate a view with the permission it needs.

    - `login_required` (the default): an anonymous visitor is sent to sign in first, or
      gets `anonymous(request)` instead where a redirect would not be understood (a
      script's JSON endpoint answers 401).
    - `lookup(request, **url_kwargs)`: fetches the object the permission is about through
      a selector, raising Http404 when the user may not see it. It takes the URL keyword
      arguments its signature names; the view receives the object after `request`, and the
      remaining URL keyword arguments.
    - Then `perm` is checked on the object (or on None without a lookup): 403 if refused.
    """
    if not rules.perm_exists(perm):
        raise ImproperlyConfigured(
            f"Unknown permission {perm!r}: registered permissions come from each app's "
            "rules.PERMISSIONS, through its AppConfig."
        )
    consumed = lookup_parameters(lookup)

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if login_required and not request.user.is_authenticated:
                if anonymous is not None:
                    return anonymous(request)
                return redirect_to_login(request.get_full_path())
            if lookup is None:
                require_perm(request.user, perm)
                return view(request, *args, **kwargs)
            lookup_kwargs = {name: kwargs.pop(name) for name in consumed if name in kwargs}
            obj = lookup(request, **lookup_kwargs)
            require_perm(request.user, perm, obj)
            return view(request, obj, *args, **kwargs)

        setattr(wrapper, VIEW_PERMISSION_ATTRIBUTE, perm)
        return wrapper

    return decorator


@cache
def lookup_parameters(lookup: Lookup | None) -> tuple[str, ...]:
    # Cached: the API asks on every request (api/views/base.py), and a lookup's signature
    # does not change.
    if lookup is None:
        return ()
    parameters = list(inspect.signature(lookup).parameters.values())
    if not parameters or parameters[0].name != "request":
        raise ImproperlyConfigured(f"{lookup.__qualname__} must take the request first")
    return tuple(p.name for p in parameters[1:])


def view_permission(view) -> str | None:
    """The permission a view states, or None (for the permission matrix test)."""
    return getattr(view, VIEW_PERMISSION_ATTRIBUTE, None)
