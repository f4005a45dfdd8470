"""The OpenAPI description: each operation says the token scope it needs (in the security
requirement, as OpenAPI 3.1 allows for any scheme, and as `x-required-scope`)."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.auth.BearerTokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": (
                "A personal API token, created on the profile page: `Authorization: Bearer gpai_…`."
            ),
        }


class PortalAutoSchema(AutoSchema):
    def _access(self):
        access_for = getattr(self.view, "access_for", None)
        return access_for(self.method) if access_for else None

    def get_auth(self):
        access = self._access()
        if access is None or not access.login_required:
            return []
        scopes = [access.scope] if access.scope else []
        return [{"bearerAuth": scopes}, {"cookieAuth": []}]

    def get_operation(self, *args, **kwargs):
        operation = super().get_operation(*args, **kwargs)
        access = self._access()
        if operation is not None and access is not None:
            if access.scope:
                operation["x-required-scope"] = access.scope
            operation["x-portal-permission"] = access.perm
        return operation
