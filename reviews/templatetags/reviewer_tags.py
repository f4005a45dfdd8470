"""Reviewer-application pieces for pages owned by lower layers (dashboard, workshop page).

portal must not import reviews (imports point downwards only); its templates load these
tags instead, so the dependency stays in the template layer.
"""

from django import template

from portal.permissions import has_perm
from reviews import selectors

register = template.Library()


@register.inclusion_tag("reviews/_dashboard_section.html", takes_context=True)
def reviewer_dashboard(context, workshops=()):
    """The person's applications, and the calls among `workshops` (those the dashboard
    already lists, so no further query) that they could still apply to review."""
    user = context["user"]
    applications = list(selectors.applications_of_user(user=user)) if user.is_authenticated else []
    applied = {application.workshop_id for application in applications}
    can_apply_to = [
        workshop
        for workshop in workshops
        if workshop.pk not in applied and has_perm(user, "reviews.apply", workshop)
    ]
    return {"applications": applications, "can_apply_to": can_apply_to}


@register.inclusion_tag("reviews/_workshop_box.html", takes_context=True)
def reviewer_application_box(context, workshop):
    user = context["user"]
    application = None
    if user.is_authenticated:
        application = selectors.application_of_user_for_workshop(user=user, workshop=workshop)
    return {
        "workshop": workshop,
        "application": application,
        "can_apply": has_perm(user, "reviews.apply", workshop),
        "can_list_applications": has_perm(user, "reviews.view_all_applications"),
        "user": user,
    }


@register.inclusion_tag("reviews/reviewing/_dashboard_assignments.html", takes_context=True)
def reviewer_assignments(context):
    user = context["user"]
    rows = (
        selectors.visibility.assignment_rows_for_reviewer(user=user)
        if user.is_authenticated
        else []
    )
    return {"rows": rows, "request": context.get("request")}
