"""Who is asking: a personal token (`Authorization: Bearer <token>`), or the browser's
session with its CSRF token."""

from django.utils.translation import gettext as _
from rest_framework.authentication import BaseAuthentication, SessionAuthentication
from rest_framework.exceptions import AuthenticationFailed

from portal.services.tokens import api_token_authenticate


class BearerTokenAuthentication(BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = request.META.get("HTTP_AUTHORIZATION", "")
        if not header:
            return None
        keyword, _space, secret = header.partition(" ")
        if keyword.lower() != self.keyword.lower():
            return None
        token = api_token_authenticate(secret=secret.strip())
        if token is None:
            raise AuthenticationFailed(
                _("The token is unknown, expired or revoked."), code="invalid_token"
            )
        return token.user, token

    def authenticate_header(self, request):
        # Makes DRF answer 401 (not 403) to a request without credentials.
        return f'{self.keyword} realm="api"'


class BrowserSessionAuthentication(SessionAuthentication):
    """The signed-in browser, with DRF's CSRF check on unsafe methods."""
