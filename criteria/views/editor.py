"""The editor of a workshop's current criteria set: title, groups and criteria."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from criteria import selectors, services
from criteria.forms import CriterionForm, GroupForm, LevelFormSet, SetForm
from criteria.localisation import translation_languages
from criteria.models import CriteriaSet
from portal import lookups
from portal.concurrency import StaleEditError
from portal.forms import add_service_errors
from portal.models import Workshop
from portal.permissions import permission_required

NEW_LEVELS = [{"level": level, "descriptor": ""} for level in range(5)]


def current_set(workshop: Workshop) -> CriteriaSet:
    criteria_set = selectors.criteria_set_current(workshop=workshop)
    if criteria_set is None:
        raise Http404
    return criteria_set


def editor_url(workshop: Workshop, anchor: str = "") -> str:
    url = reverse("criteria:editor", args=[workshop.code])
    return f"{url}#{anchor}" if anchor else url


def _report_version(request, before: CriteriaSet, after: CriteriaSet) -> None:
    if after.pk != before.pk:
        messages.info(
            request,
            _(
                "Version %(old)d is frozen because reviews have been submitted against it, "
                "so your change was saved as version %(new)d. Version %(old)d and its "
                "scores are unchanged."
            )
            % {"old": before.version, "new": after.version},
        )


def refuse_stale(form, error: StaleEditError) -> dict:
    """Explain a save refused because someone else changed the object meanwhile; keep what
    was typed. The form now carries the token stored now, so saving again knowingly
    replaces their version (an object renamed or deleted meanwhile cannot be saved).
    Returns the context the page adds: the object as stored now, and status 409."""
    if error.current is None:
        form.add_error(
            None,
            _(
                "Someone else renamed or deleted this after you opened the page, so your "
                "changes were not saved. What you entered is still in the form below; open "
                "the criteria editor again to see the set as it is now."
            ),
        )
        return {"status": 409}
    form.add_error(
        None,
        _(
            "Someone else saved a change here after you opened the page, so yours was not "
            "saved: it would have replaced theirs. What you entered is still in the form "
            "below, and what is saved now is shown above it. Save again to replace their "
            "version with yours, or reload the page to start from theirs."
        ),
    )
    form.data = form.data.copy()
    form.data["loaded_token"] = error.current
    return {"saved_now": error.current_value, "status": 409}


@permission_required("criteria.manage_criteria", lookup=lookups.workshop)
def editor(request, workshop: Workshop):
    current = current_set(workshop)
    form = SetForm(
        request.POST or None,
        initial={
            "title": current.title,
            "description": current.description,
            "loaded_token": current.edit_token(),
        },
    )
    stale: dict = {}
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.criteria_set_update(
                criteria_set=current, user=request.user, **form.cleaned_data
            )
        except StaleEditError as error:
            stale = refuse_stale(form, error)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Title and description saved."))
            _report_version(request, current, saved)
            return redirect(editor_url(workshop))
    criteria_set = selectors.criteria_set_with_criteria(criteria_set=current, with_proposals=True)
    groups = list(criteria_set.groups.all())
    return render(
        request,
        "criteria/editor.html",
        {
            "workshop": workshop,
            "criteria_set": criteria_set,
            "groups": groups,
            "form": form,
            "translation_languages": translation_languages(),
            "saved_now": stale.get("saved_now"),
        },
        status=stale.get("status", 200),
    )


@permission_required("criteria.manage_criteria", lookup=lookups.workshop)
def group_edit(request, workshop: Workshop, group_code: str | None = None):
    current = current_set(workshop)
    group = get_object_or_404(current.groups, code=group_code) if group_code else None
    initial = (
        {"code": group.code, "title": group.title, "loaded_token": group.edit_token()}
        if group
        else {}
    )
    form = GroupForm(request.POST or None, initial=initial)
    stale: dict = {}
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.criterion_group_save(
                criteria_set=current, group=group, user=request.user, **form.cleaned_data
            )
        except StaleEditError as error:
            stale = refuse_stale(form, error)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Group %(code)s saved.") % {"code": saved.code})
            _report_version(request, current, saved.criteria_set)
            return redirect(editor_url(workshop, f"group-{saved.code}"))
    return render(
        request,
        "criteria/group_form.html",
        {
            "workshop": workshop,
            "criteria_set": current,
            "group": group,
            "form": form,
            "saved_now": stale.get("saved_now"),
        },
        status=stale.get("status", 200),
    )


@permission_required("criteria.manage_criteria", lookup=lookups.workshop)
def group_delete(request, workshop: Workshop, group_code: str):
    current = current_set(workshop)
    group = get_object_or_404(current.groups, code=group_code)
    if request.method == "POST":
        try:
            saved = services.criterion_group_delete(group=group, user=request.user)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Group %(code)s deleted.") % {"code": group.code})
            _report_version(request, current, saved)
        return redirect(editor_url(workshop))
    return render(
        request,
        "criteria/delete_confirm.html",
        {
            "workshop": workshop,
            "criteria_set": current,
            "group": group,
            "criteria": list(group.criteria.order_by("position", "pk")),
        },
    )


@permission_required("criteria.manage_criteria", lookup=lookups.workshop)
@require_POST
def group_move(request, workshop: Workshop, group_code: str):
    current = current_set(workshop)
    group = get_object_or_404(current.groups, code=group_code)
    try:
        moved = services.criterion_group_move(
            group=group, direction=request.POST.get("direction", ""), user=request.user
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect(editor_url(workshop, f"group-{group.code}"))
    _report_version(request, current, moved.criteria_set)
    return redirect(editor_url(workshop, f"group-{group.code}"))


def _levels_from_rows(formset) -> tuple[list[dict], list[str]]:
    """Rows with a number become levels, in ascending order; empty rows are dropped."""
    levels, problems = [], []
    for row, form in enumerate(formset.forms, start=1):
        number = form.cleaned_data.get("level")
        descriptor = form.cleaned_data.get("descriptor", "")
        if number is None and not descriptor.strip():
            continue
        if number is None:
            problems.append(_("Row %(row)d: enter the level number.") % {"row": row})
            continue
        levels.append({"level": number, "descriptor": descriptor})
    return sorted(levels, key=lambda item: item["level"]), problems


@permission_required("criteria.manage_criteria", lookup=lookups.workshop)
def criterion_edit(request, workshop: Workshop, criterion_code: str | None = None):
    current = current_set(workshop)
    groups = list(current.groups.order_by("position", "pk"))
    if not groups:
        messages.error(request, _("Add a group first: every criterion belongs to a group."))
        return redirect(editor_url(workshop))
    criterion = (
        get_object_or_404(current.criteria.select_related("group"), code=criterion_code)
        if criterion_code
        else None
    )
    if criterion is not None:
        initial = {
            "group": criterion.group.code,
            "code": criterion.code,
            "title": criterion.title,
            "description": criterion.description,
            "guidance": criterion.guidance,
            "sources": criterion.sources,
            "weight": criterion.weight,
            "allow_na": criterion.allow_na,
            "justification_required": criterion.justification_required,
            "loaded_token": criterion.edit_token(),
        }
        levels = criterion.levels
    else:
        initial = {"group": request.GET.get("group", groups[0].code)}
        levels = NEW_LEVELS
    data = request.POST if request.method == "POST" else None
    form = CriterionForm(data, groups=groups, initial=initial)
    formset = LevelFormSet(data, initial=levels, prefix="levels")
    level_errors: list[str] = []
    stale: dict = {}
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        levels, level_errors = _levels_from_rows(formset)
        if not level_errors:
            fields = dict(form.cleaned_data)
            group_code = fields.pop("group")
            group = next(g for g in groups if g.code == group_code)
            try:
                saved = services.criterion_save(
                    criteria_set=current,
                    criterion=criterion,
                    group=group,
                    levels=levels,
                    user=request.user,
                    **fields,
                )
            except StaleEditError as error:
                stale = refuse_stale(form, error)
            except ValidationError as error:
                add_service_errors(form, error, divert={"levels": level_errors})
            else:
                messages.success(request, _("Criterion %(code)s saved.") % {"code": saved.code})
                _report_version(request, current, saved.criteria_set)
                return redirect(editor_url(workshop, f"criterion-{saved.code}"))
    return render(
        request,
        "criteria/criterion_form.html",
        {
            "workshop": workshop,
            "criteria_set": current,
            "criterion": criterion,
            "form": form,
            "formset": formset,
            "level_errors": level_errors + list(formset.non_form_errors()),
            "saved_now": stale.get("saved_now"),
        },
        status=stale.get("status", 200),
    )


@permission_required("criteria.manage_criteria", lookup=lookups.workshop)
def criterion_delete(request, workshop: Workshop, criterion_code: str):
    current = current_set(workshop)
    criterion = get_object_or_404(current.criteria, code=criterion_code)
    if request.method == "POST":
        try:
            saved = services.criterion_delete(criterion=criterion, user=request.user)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Criterion %(code)s deleted.") % {"code": criterion.code})
            _report_version(request, current, saved)
        return redirect(editor_url(workshop))
    return render(
        request,
        "criteria/delete_confirm.html",
        {"workshop": workshop, "criteria_set": current, "criterion": criterion},
    )


@permission_required("criteria.manage_criteria", lookup=lookups.workshop)
@require_POST
def criterion_move(request, workshop: Workshop, criterion_code: str):
    current = current_set(workshop)
    criterion = get_object_or_404(current.criteria, code=criterion_code)
    try:
        moved = services.criterion_move(
            criterion=criterion, direction=request.POST.get("direction", ""), user=request.user
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        _report_version(request, current, moved.criteria_set)
    return redirect(editor_url(workshop, f"criterion-{criterion.code}"))
