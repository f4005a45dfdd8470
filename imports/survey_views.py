"""Staff map an EU Survey export's columns onto portal fields, once per survey."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from imports.lookups import import_run
from imports.models import ImportRun
from imports.services import import_run_set_options, survey_mapping_save
from imports.survey_forms import SurveyMappingForm
from portal.permissions import permission_required


@permission_required("imports.run_imports", lookup=import_run)
def survey_mapping(request, run: ImportRun):
    if run.source != ImportRun.Source.EUSURVEY or not run.preview.get("columns"):
        raise Http404
    headers = run.preview["columns"]
    mapping = run.preview.get("mapping", {})
    initial = {"alias": (run.options or {}).get("alias", "")}
    form = SurveyMappingForm(
        request.POST or None,
        headers=headers,
        target=run.target,
        examples=run.preview.get("examples", {}),
        initial=initial,
    )
    if not request.POST:
        for name, header, _example in form.columns:
            form.initial[name] = mapping.get(header, "")
    if request.method == "POST" and form.is_valid():
        try:
            survey_mapping_save(
                workshop=run.workshop,
                target=run.target,
                headers=headers,
                mapping=form.mapping(),
                user=request.user,
                alias=form.cleaned_data["alias"],
            )
            import_run_set_options(
                run=run,
                options={
                    **(run.options or {}),
                    "mapping": form.mapping(),
                    "alias": form.cleaned_data["alias"],
                },
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("The mapping is saved and the preview was made again."))
            return redirect("imports:detail", run_code=run.code)
    return render(
        request,
        "imports/survey_mapping.html",
        {"run": run, "form": form, "preview": run.preview},
    )
