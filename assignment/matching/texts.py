"""The sentences of the explanations, one per code, rendered from the stored params in the
active language (when the run finishes, and again for each reader)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, ngettext_lazy

from portal.languages import LANGUAGE_NAMES
from submissions.models.taxonomy import LABELS

# Short names of the specified systemic risks for sentences; other areas use their label.
SHORT_NAMES = {
    "cbrn": "CBRN",
}


def _n(value: int) -> str:
    return number_format(int(value), force_grouping=True)


def _area_name(code: str) -> str:
    if code in SHORT_NAMES:
        return _(SHORT_NAMES[code])
    return str(LABELS.get(code, code))


# Sentences about a risk area and a count of submissions: the plural follows "n".
_AREA_COUNT = {
    "coverage_no_experts": ngettext_lazy(
        "%(area)s coverage impossible for %(count)s submission: no approved reviewer "
        "declares %(area)s expertise; approve reviewers with that expertise.",
        "%(area)s coverage impossible for %(count)s submissions: no approved reviewer "
        "declares %(area)s expertise; approve reviewers with that expertise.",
        "n",
    ),
    "coverage_conflicted": ngettext_lazy(
        "%(area)s coverage impossible for %(count)s submission: every approved reviewer "
        "who declares %(area)s expertise has a conflict with it; dismiss conflicts that "
        "do not apply or approve more reviewers.",
        "%(area)s coverage impossible for %(count)s submissions: every approved reviewer "
        "who declares %(area)s expertise has a conflict with them; dismiss conflicts "
        "that do not apply or approve more reviewers.",
        "n",
    ),
    "coverage_same_organisation": ngettext_lazy(
        "%(area)s coverage impossible for %(count)s submission: every approved reviewer "
        "who declares %(area)s expertise and still has room works for an organisation "
        "already represented among its reviewers; raise other experts' capacity or "
        "approve more reviewers.",
        "%(area)s coverage impossible for %(count)s submissions: every approved reviewer "
        "who declares %(area)s expertise and still has room works for an organisation "
        "already represented among their reviewers; raise other experts' capacity or "
        "approve more reviewers.",
        "n",
    ),
    "coverage_not_found": ngettext_lazy(
        "%(area)s coverage missed for %(count)s submission although an approved reviewer "
        "with %(area)s expertise has room: the solver found no exchange that covers it; "
        "raise the candidates per submission or add the expert by hand.",
        "%(area)s coverage missed for %(count)s submissions although approved reviewers "
        "with %(area)s expertise have room: the solver found no exchange that covers "
        "them; raise the candidates per submission or add the experts by hand.",
        "n",
    ),
}


def _area_count(code: str) -> Callable[[dict[str, Any]], str]:
    def render(p: dict[str, Any]) -> str:
        return _AREA_COUNT[code] % {
            "n": p["count"],
            "area": _area_name(p["area"]),
            "count": _n(p["count"]),
        }

    return render


def _language_name(code: str) -> str:
    return str(LANGUAGE_NAMES.get(code, code))


def _language_short(p: dict[str, Any]) -> str:
    language = _language_name(p["language"])
    values = {
        "count": _n(p["count"]),
        "k": p["k"],
        "language": language,
        "readers": _n(p["readers"]),
        "needed": _n(p["needed"]),
    }
    if not p["readers"]:
        readers = _("no approved reviewer reads %(language)s") % values
    else:
        readers = (
            ngettext(
                "only %(readers)s approved reviewer reads %(language)s",
                "only %(readers)s approved reviewers read %(language)s",
                p["readers"],
            )
            % values
        )
    needed = (
        ngettext("%(needed)s more is needed", "%(needed)s more are needed", p["needed"]) % values
    )
    return ngettext(
        "%(count)s evaluation in %(language)s cannot get %(k)s reviewers: %(readers)s; "
        "%(needed)s. Approve reviewers who review in %(language)s, or assign by hand.",
        "%(count)s evaluations in %(language)s cannot get %(k)s reviewers: %(readers)s; "
        "%(needed)s. Approve reviewers who review in %(language)s, or assign by hand.",
        p["count"],
    ) % {**values, "readers": readers, "needed": needed}


def _language_capacity(p: dict[str, Any]) -> str:
    return ngettext(
        "%(count)s evaluation in %(language)s cannot get %(k)s reviewers: the %(readers)s "
        "approved reviewers who read %(language)s are at their maximum load (%(capacity)s "
        "reviews together); raise their maximum loads or approve more reviewers who review "
        "in %(language)s.",
        "%(count)s evaluations in %(language)s cannot get %(k)s reviewers: the %(readers)s "
        "approved reviewers who read %(language)s are at their maximum load (%(capacity)s "
        "reviews together); raise their maximum loads or approve more reviewers who review "
        "in %(language)s.",
        p["count"],
    ) % {
        "count": _n(p["count"]),
        "k": p["k"],
        "language": _language_name(p["language"]),
        "readers": _n(p["readers"]),
        "capacity": _n(p["capacity"]),
    }


def _capacity_short(p: dict[str, Any]) -> str:
    return ngettext(
        "%(count)s submission cannot get %(k)s reviewers: total reviewer capacity is "
        "%(capacity)s for %(slots)s slots; raise reviewers' maximum loads or approve "
        "more reviewers.",
        "%(count)s submissions cannot get %(k)s reviewers: total reviewer capacity is "
        "%(capacity)s for %(slots)s slots; raise reviewers' maximum loads or approve "
        "more reviewers.",
        p["count"],
    ) % {
        "count": _n(p["count"]),
        "k": p["k"],
        "capacity": _n(p["capacity"]),
        "slots": _n(p["slots"]),
    }


def _too_few_reviewers(p: dict[str, Any]) -> str:
    if not p["total"]:
        return ngettext(
            "%(count)s submission cannot get %(k)s reviewers: no reviewer is approved yet; "
            "approve reviewers.",
            "%(count)s submissions cannot get %(k)s reviewers: no reviewer is approved yet; "
            "approve reviewers.",
            p["count"],
        ) % {"count": _n(p["count"]), "k": p["k"]}
    reviewers = ngettext(
        "only %(total)s reviewer is approved",
        "only %(total)s reviewers are approved",
        p["total"],
    ) % {"total": _n(p["total"])}
    return ngettext(
        "%(count)s submission cannot get %(k)s reviewers: %(reviewers)s, fewer than the "
        "%(k)s reviewers per submission asked for; approve more reviewers or ask for fewer "
        "reviewers per submission.",
        "%(count)s submissions cannot get %(k)s reviewers: %(reviewers)s, fewer than the "
        "%(k)s reviewers per submission asked for; approve more reviewers or ask for fewer "
        "reviewers per submission.",
        p["count"],
    ) % {"count": _n(p["count"]), "k": p["k"], "reviewers": reviewers}


def _too_few_candidates(p: dict[str, Any]) -> str:
    return _(
        "Submission %(submission)s can get only %(assigned)s of %(k)s reviewers: too few "
        "non-conflicted candidates (%(free)s of %(total)s approved reviewers are free of "
        "conflicts with it); dismiss conflicts that do not apply or approve more "
        "reviewers."
    ) % {**p, "free": _n(p["free"]), "total": _n(p["total"])}


def _candidates_full(p: dict[str, Any]) -> str:
    return ngettext(
        "%(count)s submission cannot get %(k)s reviewers although total capacity would "
        "suffice: the reviewers free of conflicts with it are at their maximum load or "
        "share an organisation with its other reviewers; raise those reviewers' maximum "
        "loads.",
        "%(count)s submissions cannot get %(k)s reviewers although total capacity would "
        "suffice: the reviewers free of conflicts with them are at their maximum load or "
        "share an organisation with their other reviewers; raise those reviewers' "
        "maximum loads.",
        p["count"],
    ) % {"count": _n(p["count"]), "k": p["k"]}


def _coverage_capacity(p: dict[str, Any]) -> str:
    area = _area_name(p["area"])
    return ngettext(
        "%(area)s coverage impossible for %(count)s submission: only %(experts)s approved "
        "reviewers declare %(area)s expertise and their combined capacity is "
        "%(capacity)s; raise capacity or approve more reviewers.",
        "%(area)s coverage impossible for %(count)s submissions: only %(experts)s approved "
        "reviewers declare %(area)s expertise and their combined capacity is "
        "%(capacity)s; raise capacity or approve more reviewers.",
        p["count"],
    ) % {
        "area": area,
        "count": _n(p["count"]),
        "experts": _n(p["experts"]),
        "capacity": _n(p["capacity"]),
    }


def _coverage_capacity_one(p: dict[str, Any]) -> str:
    area = _area_name(p["area"])
    return ngettext(
        "%(area)s coverage impossible for %(count)s submission: only 1 approved reviewer "
        "declares %(area)s expertise and their capacity is %(capacity)s; raise capacity "
        "or approve more reviewers.",
        "%(area)s coverage impossible for %(count)s submissions: only 1 approved reviewer "
        "declares %(area)s expertise and their capacity is %(capacity)s; raise capacity "
        "or approve more reviewers.",
        p["count"],
    ) % {"area": area, "count": _n(p["count"]), "capacity": _n(p["capacity"])}


def _min_load_slots(p: dict[str, Any]) -> str:
    return ngettext(
        "%(count)s reviewer stays below the minimum load of %(min)s: the %(slots)s open "
        "slots are fewer than the %(needed)s needed to give every reviewer the minimum; "
        "lower the minimum load.",
        "%(count)s reviewers stay below the minimum load of %(min)s: the %(slots)s open "
        "slots are fewer than the %(needed)s needed to give every reviewer the minimum; "
        "lower the minimum load.",
        p["count"],
    ) % {
        "count": _n(p["count"]),
        "min": p["min"],
        "slots": _n(p["slots"]),
        "needed": _n(p["needed"]),
    }


def _min_load_candidates(p: dict[str, Any]) -> str:
    return ngettext(
        "%(count)s reviewer stays below the minimum load of %(min)s: too few open "
        "submissions are free of conflicts with them; lower the minimum load or dismiss "
        "conflicts that do not apply.",
        "%(count)s reviewers stay below the minimum load of %(min)s: too few open "
        "submissions are free of conflicts with them; lower the minimum load or dismiss "
        "conflicts that do not apply.",
        p["count"],
    ) % {"count": _n(p["count"]), "min": p["min"]}


def _existing_conflicted(p: dict[str, Any]) -> str:
    return ngettext(
        "%(count)s existing assignment is now conflicted and is dropped from the "
        "proposal: %(pairs)s.",
        "%(count)s existing assignments are now conflicted and are dropped from the "
        "proposal: %(pairs)s.",
        p["count"],
    ) % {"count": _n(p["count"]), "pairs": ", ".join(p["pairs"])}


def _existing_conflicted_started(p: dict[str, Any]) -> str:
    return ngettext(
        "%(count)s existing assignment is conflicted but its review was started, so it "
        "stays; remove it by hand if it must go: %(pairs)s.",
        "%(count)s existing assignments are conflicted but their reviews were started, "
        "so they stay; remove them by hand if they must go: %(pairs)s.",
        p["count"],
    ) % {"count": _n(p["count"]), "pairs": ", ".join(p["pairs"])}


def _coverage_too_large(p: dict[str, Any]) -> str:
    return _(
        "Coverage was left out: an integer program over %(pairs)s candidate pairs is too "
        "large to solve in reasonable time, so the assignment is the optimal one without "
        "coverage; lower the candidates per submission or run coverage on a smaller call."
    ) % {"pairs": _n(p["pairs"])}


def _coverage_dropped(p: dict[str, Any]) -> str:
    return (
        _(
            "The integer program found no assignment within its time limit of "
            "%(seconds)s s, so coverage was left out: the assignment is optimal without "
            "it; raise the time limit to try again with coverage."
        )
        % p
    )


def _coverage_relaxed(p: dict[str, Any]) -> str:
    values = {
        "pairs": _n(p["pairs"]),
        "gap": number_format(p["gap"], decimal_pos=2),
        "seconds": p["seconds"],
    }
    if p["seconds"]:
        return (
            _(
                "The integer program found no assignment within its time limit of "
                "%(seconds)s s, so coverage was solved by Lagrangian relaxation over the "
                "min-cost flow: the total affinity is proven within %(gap)s %% of the best "
                "assignment that fills as many slots and covers the same risks."
            )
            % values
        )
    return (
        _(
            "Coverage over %(pairs)s candidate pairs was solved by Lagrangian relaxation "
            "over the min-cost flow, as an exact integer program would be too large: the "
            "total affinity is proven within %(gap)s %% of the best assignment that fills "
            "as many slots and covers the same risks."
        )
        % values
    )


def _time_limit(p: dict[str, Any]) -> str:
    return (
        _(
            "The integer program stopped at its time limit of %(seconds)s s: the assignment "
            "is the best found, not proven optimal; raise the time limit or turn coverage "
            "off."
        )
        % p
    )


_SENTENCES: dict[str, Callable[[dict[str, Any]], str]] = {
    "capacity_short": _capacity_short,
    "language_short": _language_short,
    "language_capacity": _language_capacity,
    "too_few_reviewers": _too_few_reviewers,
    "too_few_candidates": _too_few_candidates,
    "candidates_full": _candidates_full,
    "coverage_capacity": _coverage_capacity,
    "coverage_capacity_one": _coverage_capacity_one,
    "coverage_no_experts": _area_count("coverage_no_experts"),
    "coverage_conflicted": _area_count("coverage_conflicted"),
    "coverage_same_organisation": _area_count("coverage_same_organisation"),
    "coverage_not_found": _area_count("coverage_not_found"),
    "coverage_relaxed": _coverage_relaxed,
    "min_load_slots": _min_load_slots,
    "min_load_candidates": _min_load_candidates,
    "existing_conflicted": _existing_conflicted,
    "existing_conflicted_started": _existing_conflicted_started,
    # Runs before coverage.py (stored explanations are rendered again for each reader).
    "coverage_too_large": _coverage_too_large,
    "coverage_dropped": _coverage_dropped,
    "time_limit": _time_limit,
}


def sentence(code: str, params: dict[str, Any]) -> str:
    """The sentence of an explanation; an unknown code (from a newer version, say) is shown
    as it is."""
    render = _SENTENCES.get(code)
    return render(params) if render else code
