"""The "Delete my account" section of the profile page, a page owned by a lower layer.

portal must not import privacy (imports point downwards only); its template loads this
tag instead, so the dependency stays in the template layer.
"""

from django import template

from privacy import selectors

register = template.Library()


@register.inclusion_tag("privacy/_profile_erasure.html", takes_context=True)
def erasure_profile_section(context):
    return {
        "erasure_request": selectors.erasure_request_latest_of(user=context["user"]),
        "csrf_token": context.get("csrf_token"),
    }
