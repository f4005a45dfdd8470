"""A criteria set as a file: export one version as JSON or YAML, import into the current."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from criteria import selectors, services
from criteria.forms import ImportForm
from criteria.views.editor import editor_url
from portal import lookups
from portal.models import Workshop
from portal.permissions import permission_required

CONTENT_TYPES = {"json": "application/json", "yaml": "application/yaml"}


@permission_required("criteria.manage_criteria", lookup=lookups.workshop)
def export(request, workshop: Workshop, set_code: str, format: str):
    if format not in CONTENT_TYPES:
        raise Http404
    criteria_set = selectors.criteria_set_get(workshop=workshop, code=set_code)
    text = services.criteria_set_export(criteria_set=criteria_set, format=format, user=request.user)
    response = HttpResponse(text, content_type=f"{CONTENT_TYPES[format]}; charset=utf-8")
    filename = f"criteria-{workshop.code}-v{criteria_set.version}.{format}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@permission_required("criteria.manage_criteria", lookup=lookups.workshop)
def import_set(request, workshop: Workshop):
    current = selectors.criteria_set_current(workshop=workshop)
    form = ImportForm(request.POST or None, request.FILES or None)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            imported = services.criteria_set_import(
                workshop=workshop,
                text=form.cleaned_data["content"],
                format=form.cleaned_data["resolved_format"],
                user=request.user,
            )
        except ValidationError as error:
            problems = error.messages
        else:
            if current is not None and imported.pk != current.pk:
                messages.success(
                    request,
                    _(
                        "Version %(old)d is frozen, so the import was saved as version "
                        "%(new)d. Version %(old)d and its scores are unchanged."
                    )
                    % {"old": current.version, "new": imported.version},
                )
            else:
                messages.success(
                    request,
                    _("Imported into version %(version)d.") % {"version": imported.version},
                )
            return redirect(editor_url(workshop))
    return render(
        request,
        "criteria/import.html",
        {"workshop": workshop, "criteria_set": current, "form": form, "problems": problems},
    )
