"""The versions of a workshop's criteria set: list, preview, a new version, the default."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from criteria import selectors, services
from criteria.views.editor import current_set
from portal import lookups
from portal.audit.selectors import audit_history_for
from portal.models import Workshop
from portal.permissions import permission_required


@permission_required("criteria.manage_criteria", lookup=lookups.workshop)
def overview(request, workshop: Workshop):
    versions = list(selectors.criteria_sets_of_workshop(workshop=workshop))
    return render(
        request,
        "criteria/overview.html",
        {
            "workshop": workshop,
            "versions": versions,
            "current": versions[0] if versions else None,
            # Every version of the set, its groups and criteria: what was edited when.
            "history": audit_history_for(
                user=request.user,
                object_type=("criteriaset", "criteriongroup", "criterion"),
                workshop=workshop,
            ),
        },
    )


@permission_required("criteria.manage_criteria", lookup=lookups.workshop)
@require_POST
def new_version(request, workshop: Workshop):
    current = current_set(workshop)
    try:
        created = services.criteria_set_new_version(criteria_set=current, user=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("criteria:overview", workshop.code)
    messages.success(
        request,
        _("Version %(new)d created from version %(old)d. New reviews will use it.")
        % {"new": created.version, "old": current.version},
    )
    return redirect("criteria:editor", workshop.code)


@permission_required("criteria.manage_criteria", lookup=lookups.workshop)
@require_POST
def create_default(request, workshop: Workshop):
    services.criteria_set_create_default(workshop=workshop, user=request.user)
    messages.success(request, _("The proposed default criteria set was created."))
    return redirect("criteria:editor", workshop.code)


@permission_required("criteria.manage_criteria", lookup=lookups.workshop)
def preview(request, workshop: Workshop, set_code: str):
    criteria_set = selectors.criteria_set_with_criteria(
        criteria_set=selectors.criteria_set_get(workshop=workshop, code=set_code),
        with_proposals=True,
        localise=True,
    )
    return render(
        request,
        "criteria/preview.html",
        {
            "workshop": workshop,
            "criteria_set": criteria_set,
            "groups": list(criteria_set.groups.all()),
        },
    )
