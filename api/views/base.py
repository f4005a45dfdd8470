"""The base of every API endpoint: the same permission path as the browser's views.

An endpoint states, per HTTP method, the `Access` it needs: the portal permission (the
one its browser page checks), the token scope, and the lookup that fetches the object
through a selector. The order is the browser's, with the API's two additions:

    authenticate (401) -> MFA for staff (403) -> token scope (403)
    -> lookup through a selector (404) -> the permission, by portal.permissions (403)

so a token never does more than its owner could in the browser, and what the owner may
not see answers 404 whatever the token's scopes.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC
from typing import Any, ClassVar

from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.generics import GenericAPIView
from rest_framework.mixins import ListModelMixin
from rest_framework.negotiation import DefaultContentNegotiation

from api.auth import BearerTokenAuthentication, BrowserSessionAuthentication
from api.pagination import Pagination
from api.throttling import TokenRateThrottle
from portal.models import ApiToken
from portal.permissions import (
    VIEW_PERMISSION_ATTRIBUTE,
    lookup_parameters,
    require_perm,
)
from portal.selectors import user_needs_second_factor


@dataclass(frozen=True)
class Access:
    perm: str
    # None: no scope needed (the public schema).
    scope: str | None
    lookup: Callable[..., Any] | None = None
    login_required: bool = True


class Endpoint(GenericAPIView):
    access: ClassVar[dict[str, Access]] = {}
    authentication_classes = [BearerTokenAuthentication, BrowserSessionAuthentication]
    permission_classes: ClassVar[list] = []
    throttle_classes = [TokenRateThrottle]
    pagination_class = Pagination
    # Set by initial(): the object the lookup found (None without a lookup).
    object: Any = None

    @classmethod
    def as_view(cls, **initkwargs):
        if not cls.access:
            raise ImproperlyConfigured(f"{cls.__qualname__} states no access")
        for access in cls.access.values():
            lookup_parameters(access.lookup)  # fails early on a malformed lookup
        view = super().as_view(**initkwargs)
        perms = sorted({access.perm for access in cls.access.values()})
        setattr(view, VIEW_PERMISSION_ATTRIBUTE, " ".join(perms))
        return view

    def dispatch(self, request, *args, **kwargs):
        # Every date in the API is written in UTC, whoever asks; the thread's own time zone
        # is back as it was afterwards.
        with timezone.override(UTC):
            return super().dispatch(request, *args, **kwargs)

    @classmethod
    def access_for(cls, method: str) -> Access | None:
        method = "GET" if method == "HEAD" else method
        return cls.access.get(method)

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)  # authenticates and throttles
        access = self.access_for(request.method)
        if access is None:
            return  # OPTIONS, or a method the endpoint lacks: DRF answers 405
        user = request.user
        if access.login_required and not user.is_authenticated:
            raise exceptions.NotAuthenticated
        if access.login_required and user_needs_second_factor(user=user):
            raise exceptions.PermissionDenied(
                _("AI Office staff must set up two-factor authentication before using the portal."),
                code="mfa_required",
            )
        token = request.auth if isinstance(request.auth, ApiToken) else None
        if token is not None and access.scope and access.scope not in token.scopes:
            raise exceptions.PermissionDenied(
                _("This token lacks the scope %(scope)s.") % {"scope": access.scope},
                code="insufficient_scope",
            )
        if access.lookup is not None:
            names = lookup_parameters(access.lookup)
            self.object = access.lookup(request, **{n: kwargs[n] for n in names if n in kwargs})
        if access.perm:
            require_perm(user, access.perm, self.object)

    def http_method_not_allowed(self, request, *args, **kwargs):
        raise exceptions.MethodNotAllowed(request.method)


class FileFormatNegotiation(DefaultContentNegotiation):
    """For file downloads whose `?format=` names the file's format (CSV, XLSX, JSON, YAML),
    not a renderer as REST framework reads it: the answer's own errors stay JSON."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class ListEndpoint(ListModelMixin, Endpoint):
    """A paginated list: define `get_queryset()` (through a selector) and
    `serializer_class`; filters come from `filterset_class` (django-filter)."""

    def get(self, request, *args, **kwargs):
        return self.list(request, *args, **kwargs)
