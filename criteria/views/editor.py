"""Staff pages for a workshop's criteria set: versions, editor, preview, import and export.

Groups and criteria are addressed by code: a code survives the copy into a new version, so
a form opened on a version that froze meanwhile still saves (into the new version).
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from criteria import selectors, services
from criteria.forms import CriterionForm, GroupForm, ImportForm, LevelFormSet, SetForm
from criteria.models import CriteriaSet
from portal.models import Workshop
from portal.views.decorators import staff_required

CONTENT_TYPES = {"json": "application/json", "yaml": "application/yaml"}
NEW_LEVELS = [{"level": level, "descriptor": ""} for level in range(5)]


def _get_workshop_for_staff(request, code: str) -> Workshop:
    workshop = get_object_or_404(Workshop, code=code)
    if not request.user.has_perm("criteria.manage_criteria", workshop):
        raise PermissionDenied
    return workshop


def _get_current_set(workshop: Workshop) -> CriteriaSet:
    criteria_set = selectors.criteria_set_current(workshop=workshop)
    if criteria_set is None:
        raise Http404
    return criteria_set


def _editor_url(workshop: Workshop, anchor: str = "") -> str:
    url = reverse("criteria:editor", args=[workshop.code])
    return f"{url}#{anchor}" if anchor else url


def _add_errors(form, error: ValidationError, extra: list | None = None) -> None:
    """A service's ValidationError onto the form's fields; `levels` into `extra`."""
    if hasattr(error, "error_dict"):
        for field, field_messages in error.message_dict.items():
            for message in field_messages:
                if field == "levels" and extra is not None:
                    extra.append(message)
                else:
                    form.add_error(field if field in form.fields else None, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


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


# --- overview and versions --------------------------------------------------------------


@staff_required
def overview(request, workshop_code: str):
    workshop = _get_workshop_for_staff(request, workshop_code)
    versions = list(selectors.criteria_sets_of_workshop(workshop=workshop))
    return render(
        request,
        "criteria/overview.html",
        {"workshop": workshop, "versions": versions, "current": versions[0] if versions else None},
    )


@staff_required
@require_POST
def new_version(request, workshop_code: str):
    workshop = _get_workshop_for_staff(request, workshop_code)
    current = _get_current_set(workshop)
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


@staff_required
@require_POST
def create_default(request, workshop_code: str):
    workshop = _get_workshop_for_staff(request, workshop_code)
    services.criteria_set_create_default(workshop=workshop)
    messages.success(request, _("The proposed default criteria set was created."))
    return redirect("criteria:editor", workshop.code)


# --- editor -----------------------------------------------------------------------------


@staff_required
def editor(request, workshop_code: str):
    workshop = _get_workshop_for_staff(request, workshop_code)
    current = _get_current_set(workshop)
    form = SetForm(
        request.POST or None,
        initial={"title": current.title, "description": current.description},
    )
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.criteria_set_update(
                criteria_set=current, user=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Title and description saved."))
            _report_version(request, current, saved)
            return redirect(_editor_url(workshop))
    criteria_set = selectors.criteria_set_with_criteria(criteria_set=current)
    groups = list(criteria_set.groups.all())
    return render(
        request,
        "criteria/editor.html",
        {"workshop": workshop, "criteria_set": criteria_set, "groups": groups, "form": form},
    )


@staff_required
def group_edit(request, workshop_code: str, group_code: str | None = None):
    workshop = _get_workshop_for_staff(request, workshop_code)
    current = _get_current_set(workshop)
    group = get_object_or_404(current.groups, code=group_code) if group_code else None
    initial = {"code": group.code, "title": group.title} if group else {}
    form = GroupForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.criterion_group_save(
                criteria_set=current, group=group, user=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Group %(code)s saved.") % {"code": saved.code})
            _report_version(request, current, saved.criteria_set)
            return redirect(_editor_url(workshop, f"group-{saved.code}"))
    return render(
        request,
        "criteria/group_form.html",
        {"workshop": workshop, "criteria_set": current, "group": group, "form": form},
    )


@staff_required
def group_delete(request, workshop_code: str, group_code: str):
    workshop = _get_workshop_for_staff(request, workshop_code)
    current = _get_current_set(workshop)
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
        return redirect(_editor_url(workshop))
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


@staff_required
@require_POST
def group_move(request, workshop_code: str, group_code: str):
    workshop = _get_workshop_for_staff(request, workshop_code)
    current = _get_current_set(workshop)
    group = get_object_or_404(current.groups, code=group_code)
    try:
        moved = services.criterion_group_move(
            group=group, direction=request.POST.get("direction", ""), user=request.user
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect(_editor_url(workshop, f"group-{group.code}"))
    _report_version(request, current, moved.criteria_set)
    return redirect(_editor_url(workshop, f"group-{group.code}"))


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


@staff_required
def criterion_edit(request, workshop_code: str, criterion_code: str | None = None):
    workshop = _get_workshop_for_staff(request, workshop_code)
    current = _get_current_set(workshop)
    groups = list(current.groups.order_by("position", "pk"))
    if not groups:
        messages.error(request, _("Add a group first: every criterion belongs to a group."))
        return redirect(_editor_url(workshop))
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
        }
        levels = criterion.levels
    else:
        initial = {"group": request.GET.get("group", groups[0].code)}
        levels = NEW_LEVELS
    data = request.POST if request.method == "POST" else None
    form = CriterionForm(data, groups=groups, initial=initial)
    formset = LevelFormSet(data, initial=levels, prefix="levels")
    level_errors: list[str] = []
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
            except ValidationError as error:
                _add_errors(form, error, level_errors)
            else:
                messages.success(request, _("Criterion %(code)s saved.") % {"code": saved.code})
                _report_version(request, current, saved.criteria_set)
                return redirect(_editor_url(workshop, f"criterion-{saved.code}"))
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
        },
    )


@staff_required
def criterion_delete(request, workshop_code: str, criterion_code: str):
    workshop = _get_workshop_for_staff(request, workshop_code)
    current = _get_current_set(workshop)
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
        return redirect(_editor_url(workshop))
    return render(
        request,
        "criteria/delete_confirm.html",
        {"workshop": workshop, "criteria_set": current, "criterion": criterion},
    )


@staff_required
@require_POST
def criterion_move(request, workshop_code: str, criterion_code: str):
    workshop = _get_workshop_for_staff(request, workshop_code)
    current = _get_current_set(workshop)
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
    return redirect(_editor_url(workshop, f"criterion-{criterion.code}"))


# --- preview, export, import ------------------------------------------------------------


@staff_required
def preview(request, workshop_code: str, set_code: str):
    workshop = _get_workshop_for_staff(request, workshop_code)
    criteria_set = selectors.criteria_set_with_criteria(
        criteria_set=selectors.criteria_set_get(workshop=workshop, code=set_code)
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


@staff_required
def export(request, workshop_code: str, set_code: str, format: str):
    if format not in CONTENT_TYPES:
        raise Http404
    workshop = _get_workshop_for_staff(request, workshop_code)
    criteria_set = selectors.criteria_set_get(workshop=workshop, code=set_code)
    text = services.criteria_set_export(criteria_set=criteria_set, format=format)
    response = HttpResponse(text, content_type=f"{CONTENT_TYPES[format]}; charset=utf-8")
    filename = f"criteria-{workshop.code}-v{criteria_set.version}.{format}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@staff_required
def import_set(request, workshop_code: str):
    workshop = _get_workshop_for_staff(request, workshop_code)
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
            return redirect(_editor_url(workshop))
    return render(
        request,
        "criteria/import.html",
        {"workshop": workshop, "criteria_set": current, "form": form, "problems": problems},
    )
