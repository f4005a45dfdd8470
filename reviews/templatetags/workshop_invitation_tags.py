"""The invitee's workshop invitations on the dashboard, a page owned by a lower layer.

portal must not import reviews (imports point downwards only); its templates load these
tags instead, so the dependency stays in the template layer.
"""

from django import template

from reviews.workshop_invitations import selectors

register = template.Library()


@register.inclusion_tag("reviews/workshop_invitations/_dashboard_section.html", takes_context=True)
def workshop_invitations_dashboard(context):
    return {"invitations": selectors.invitations_open_for_invitee(user=context["user"])}
