"""The OpenAPI description: each operation says the token scope it needs (in the security
requirement, as OpenAPI 3.1 allows for any scheme, and as `x-required-scope`)."""

from django.conf import settings
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

    def get_security_requirement(self, auto_schema):
        access = auto_schema.access()
        scope = access.scope if access is not None else None
        return {self.name: [scope] if scope else []}


class BrowserSessionScheme(OpenApiAuthenticationExtension):
    target_class = "api.auth.BrowserSessionAuthentication"
    name = "cookieAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "cookie",
            "name": settings.SESSION_COOKIE_NAME,
            "description": "The browser's session; writes also need the X-CSRFToken header.",
        }


class PortalAutoSchema(AutoSchema):
    def access(self):
        access_for = getattr(self.view, "access_for", None)
        return access_for(self.method) if access_for else None

    def get_auth(self):
        requirements = super().get_auth()  # also registers the schemes' definitions
        access = self.access()
        if access is not None and not access.login_required:
            return []  # public: no credentials needed
        return requirements

    def get_operation(self, *args, **kwargs):
        operation = super().get_operation(*args, **kwargs)
        access = self.access()
        if operation is not None and access is not None:
            if access.scope:
                operation["x-required-scope"] = access.scope
            operation["x-portal-permission"] = access.perm
        return operation


PROBLEM_SCHEMA = {
    "type": "object",
    "description": "An error, as RFC 9457 describes (application/problem+json).",
    "properties": {
        "type": {"type": "string", "format": "uri-reference"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "code": {"type": "string", "description": "A stable, machine-readable reason."},
        "errors": {
            "type": "object",
            "description": "Invalid input: the messages per field (non_field_errors: the rest).",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        },
    },
    "required": ["type", "title", "status", "detail"],
}


def add_problem_responses(result, generator, request, public):
    """Every operation may answer an error as a problem document."""
    result.setdefault("components", {}).setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
    for item in result.get("paths", {}).values():
        for operation in item.values():
            operation.setdefault("responses", {})["default"] = {
                "description": "An error (401, 403, 404, 409, 412, 428, 429, …).",
                "content": {
                    "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}
                },
            }
    return result
