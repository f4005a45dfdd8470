"""The translation page of the current version: every text in one language beside the
English source."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from criteria import selectors, services
from criteria.forms import TranslationForm
from criteria.localisation import translation_languages
from criteria.views.editor import current_set
from portal import lookups
from portal.concurrency import StaleEditError
from portal.forms import add_service_errors
from portal.models import Workshop
from portal.permissions import permission_required

# Language names head the tabs; inside a sentence Danish and French write them in lower case.
LOWER_CASE_NAMES = {"da", "fr"}


def _name_in_sentence(name: str) -> str:
    return name.lower() if (get_language() or "").split("-")[0] in LOWER_CASE_NAMES else name


def _refuse_stale(form, error: StaleEditError) -> int:
    """Nothing was saved: someone else saved some of the same texts after the page was
    loaded. Each such text says what it reads now; the page keeps what was typed, and now
    carries the stored versions' tokens, so saving again knowingly replaces them."""
    form.add_error(
        None,
        _(
            "Someone else saved some of these translations after you opened the page, and "
            "you changed them too, so nothing was saved. What you entered is still below; "
            "the texts concerned are marked. Save again to replace their versions with "
            "yours, or reload the page to start from theirs."
        ),
    )
    form.data = form.data.copy()
    for prefix, token in error.current.items():
        form.data[f"{prefix}-loaded"] = token
        row = error.current_value.get(prefix)
        form.add_error(
            f"{prefix}-title",
            _("Saved meanwhile by someone else as “%(title)s”.") % {"title": row.title}
            if row is not None
            else _("Removed meanwhile by someone else."),
        )
    return 409


@permission_required("criteria.manage_criteria", lookup=lookups.workshop)
def translations(request, workshop: Workshop, language: str):
    languages = translation_languages()
    if language not in dict(languages):
        raise Http404
    current = current_set(workshop)
    criteria_set = selectors.criteria_set_with_criteria(criteria_set=current)
    groups = list(criteria_set.groups.all())
    rows = selectors.criteria_set_translations(criteria_set=current, language=language)
    form = TranslationForm(
        request.POST or None,
        criteria_set=criteria_set,
        groups=groups,
        rows=rows,
        language=language,
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            changed = services.criteria_set_translations_save(
                criteria_set=current, language=language, texts=form.texts(), user=request.user
            )
        except StaleEditError as error:
            status = _refuse_stale(form, error)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            count = int(changed["set"]) + len(changed["groups"]) + len(changed["criteria"])
            messages.success(
                request,
                _("Translations saved: %(count)d changed.") % {"count": count}
                if count
                else _("Nothing changed."),
            )
            return redirect("criteria:translations", workshop.code, language)
    entries = form.entries(rows)
    statuses = [c["status"] for entry in entries for c in entry["criteria"]]
    return render(
        request,
        "criteria/translations.html",
        {
            "workshop": workshop,
            "criteria_set": criteria_set,
            "language": language,
            "language_name": _name_in_sentence(str(dict(languages)[language])),
            "translation_languages": languages,
            "form": form,
            "entries": entries,
            "set_entry": form.set_entry(rows),
            "counts": {s: statuses.count(s) for s in ("current", "stale", "missing")},
        },
        status=status,
    )
