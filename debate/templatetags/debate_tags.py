"""The criteria debate on the dashboard, a page owned by a lower layer.

portal must not import debate (imports point downwards only); its dashboard template loads
this tag instead, so the dependency stays in the template layer.
"""

from django import template

from debate import selectors

register = template.Library()


@register.inclusion_tag("debate/_dashboard_section.html", takes_context=True)
def debate_dashboard(context):
    """The workshops whose invitation the user accepted: their agenda and proposals."""
    return {"workshops": selectors.workshops_taken_part_in(user=context["user"])}
