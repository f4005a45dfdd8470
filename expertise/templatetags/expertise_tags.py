"""The publication list's section of the profile page, for a page owned by a lower layer:
portal must not import expertise (imports point downwards only), so its template loads
this tag instead."""

from django import template

from expertise import selectors

register = template.Library()


@register.inclusion_tag("expertise/_profile_section.html", takes_context=True)
def publications_profile_section(context):
    user = context["user"]
    return {"count": selectors.publications_of(user=user).count()}
