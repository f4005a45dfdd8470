"""The summary's texts: the executive summary, the insights and the notes per criterion,
edited and saved as one page."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from portal import lookups as portal_lookups
from portal.concurrency import StaleEditError
from portal.forms import add_service_errors
from portal.models import Workshop
from portal.permissions import permission_required
from reports import selectors
from reports.forms import CriterionNoteForm, SummaryForm
from reports.services import texts
from reports.views.common import render_staff


def _stale_summary_message() -> str:
    return _(
        "Someone else saved these texts after you opened this page. Nothing was saved and "
        "your texts are kept below; open the page in a new tab to compare, then save again "
        "to replace theirs."
    )


def _loaded_forms(workshop: Workshop, criteria: list) -> tuple[SummaryForm, list]:
    """The page's forms with the texts as saved, and the version they were saved at."""
    summary, notes = selectors.summary_texts(workshop=workshop)
    form = SummaryForm(
        initial={
            "executive_summary_md": summary.executive_summary_md if summary else "",
            "insights_md": summary.insights_md if summary else "",
            "version": texts.summary_texts_version(workshop=workshop),
        }
    )
    note_forms = [
        CriterionNoteForm(
            prefix=f"note-{index}",
            initial={"criterion_code": criterion.code, "notes_md": notes.get(criterion.code, "")},
        )
        for index, criterion in enumerate(criteria)
    ]
    return form, note_forms


def _save(request, workshop: Workshop, form: SummaryForm, note_forms: list) -> None:
    texts.summary_texts_save(
        workshop=workshop,
        executive_summary_md=form.cleaned_data["executive_summary_md"],
        insights_md=form.cleaned_data["insights_md"],
        notes={
            note.cleaned_data["criterion_code"]: note.cleaned_data["notes_md"]
            for note in note_forms
        },
        user=request.user,
        version=form.cleaned_data["version"],
    )


def _stale_form(request, error: StaleEditError) -> SummaryForm:
    """Nothing was saved: the texts stay as typed, and saving again replaces theirs."""
    data = request.POST.copy()
    data["version"] = error.current
    form = SummaryForm(data)
    form.is_valid()
    form.add_error(None, _stale_summary_message())
    return form


@permission_required("reports.manage_reports", lookup=portal_lookups.workshop)
def summary_edit(request, workshop: Workshop):
    _criteria_set, criteria = selectors.scored_criteria(workshop=workshop)
    status = 200
    if request.method != "POST":
        form, note_forms = _loaded_forms(workshop, criteria)
    else:
        form = SummaryForm(request.POST)
        note_forms = [
            CriterionNoteForm(request.POST, prefix=f"note-{index}")
            for index, _criterion in enumerate(criteria)
        ]
        if not (form.is_valid() and all(note.is_valid() for note in note_forms)):
            status = 400
        else:
            try:
                _save(request, workshop, form, note_forms)
            except StaleEditError as error:
                form, status = _stale_form(request, error), 409
            except ValidationError as error:
                add_service_errors(form, error)
                status = 400
            else:
                messages.success(request, _("Summary texts saved."))
                return redirect(reverse("reports:summary_edit", args=[workshop.code]))
    return render_staff(
        request,
        "reports/staff/summary_form.html",
        workshop,
        {"form": form, "notes": list(zip(criteria, note_forms, strict=True))},
        status=status,
    )
