"""openreview-matcher files, so staff can cross-check a run with the tool they know.

Export (headerless CSV, as the matcher reads them):
- scores: `paper,reviewer,score` for every candidate pair of the instance (the matcher
  treats a missing pair as score 0, which it does not assign by default);
- constraints: `paper,reviewer,-1` for every pair that may never be assigned (conflict of
  interest, declined, "AI Office only" for a reviewer not cleared, a colleague of a
  reviewer who stays), `paper,reviewer,1` for every existing assignment the settings keep;
- max loads: `reviewer,max`.

`paper` is the submission code; `reviewer` is the reviewer's email address or, with
reviewer_key="code", their application code (stable and opaque, for files that leave the
AI Office).

Import: the matcher's `assignments.json`, {"<paper>": [{"user": "<reviewer>",
"aggregate_score": x}, ...]}, becomes a finished run whose pairs staff can preview, edit
and publish like any other. Unknown ids, duplicates, conflicts and every other pair that
may not be assigned are refused, all reasons listed, and nothing is stored.

Run it as: python -m matcher --scores scores.csv --constraints constraints.csv
--max_papers max_loads.csv --num_reviewers <k> --min_papers_default <min_load>
--max_papers_default <largest max> --solver MinMax
"""

from __future__ import annotations

import csv
import itertools
import json
import math
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import IO, Any

import numpy as np
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assignment.matching.affinity import AffinityModel
from assignment.matching.data import load_matching_data
from assignment.matching.options import RunSettings
from assignment.matching.pairs import PairSet
from assignment.matching.prepare import candidates_for, prepare
from assignment.matching.store import write_pairs
from assignment.matching.summary import assignment_stats
from assignment.models import AssignmentRun, ProposedPair
from portal.languages import LANGUAGE_NAMES
from portal.models import User, Workshop
from portal.services.audit import audit_record

REVIEWER_KEYS = ("email", "code")
# Refusal reasons listed at most; the count says how many there were.
MAX_REASONS = 50


def _reviewer_names(data, reviewer_key: str) -> list[str]:
    if reviewer_key not in REVIEWER_KEYS:
        raise ValueError(f"reviewer_key must be one of {REVIEWER_KEYS}")
    return data.rev_emails if reviewer_key == "email" else data.rev_codes


INSTANCE_FILES = ("scores", "constraints", "max_loads")


def instance_rows(
    *,
    workshop: Workshop,
    settings: RunSettings,
    files: Iterable[str] = INSTANCE_FILES,
    reviewer_key: str = "email",
    cell: Callable[[str], str] = str,
) -> dict[str, Iterator[tuple]]:
    """The rows of the instance a run with `settings` would solve, per file of the matcher
    named in `files`, as lazy iterators (a download streams them).

    Everything is computed here, before the first row: the instance is loaded once and the
    affinity model (the costly part: TF-IDF over every text) is built only for the scores.
    The rows are formatted as they are read. Id cells (submission codes, reviewer names)
    pass through `cell` once per id, not once per row (a download makes them formula-safe).
    """
    files = set(files)
    data = load_matching_data(workshop=workshop)
    names = [cell(name) for name in _reviewer_names(data, reviewer_key)]
    papers = [cell(code) for code in data.sub_codes]
    prepared = prepare(data=data, settings=settings)
    n_rev = max(data.n_rev, 1)
    fixed_sub, fixed_rev = prepared.fixed_sub, prepared.fixed_rev
    rows: dict[str, Iterator[tuple]] = {}

    if "scores" in files:
        model = AffinityModel(data, settings.weights)
        candidates = candidates_for(prepared=prepared, model=model, settings=settings)
        # A kept pair is not a solver variable, so it may not be a candidate; the matcher
        # still needs its score.
        unscored = ~PairSet.of(candidates.sub, candidates.rev, n_rev).contains(fixed_sub, fixed_rev)
        score_sub = np.concatenate([candidates.sub, fixed_sub[unscored]]).tolist()
        score_rev = np.concatenate([candidates.rev, fixed_rev[unscored]]).tolist()
        score_val = np.concatenate(
            [candidates.score, model.scores(fixed_sub[unscored], fixed_rev[unscored])]
        ).tolist()
        rows["scores"] = (
            (papers[s], names[r], f"{score:.3f}")
            for s, r, score in zip(score_sub, score_rev, score_val, strict=True)
        )

    if "constraints" in files:
        keys = np.union1d(prepared.forbidden.keys, _blocked_keys(data, n_rev))
        never = zip((keys // n_rev).tolist(), (keys % n_rev).tolist(), strict=True)
        kept = zip(fixed_sub.tolist(), fixed_rev.tolist(), strict=True)
        rows["constraints"] = itertools.chain(
            ((papers[s], names[r], -1) for s, r in never),
            ((papers[s], names[r], 1) for s, r in kept),
        )

    if "max_loads" in files:
        rows["max_loads"] = zip(names, prepared.max_load.tolist(), strict=True)
    return rows


def _blocked_keys(data, n_rev: int) -> np.ndarray:
    """Pair keys of every pair data.blocked rules out: "AI Office only" submissions for
    reviewers not cleared, documents in a language the reviewer does not read."""
    groups = [(np.flatnonzero(data.sub_confidential), np.flatnonzero(~data.rev_cleared))]
    groups += [
        (np.flatnonzero(data.sub_lang == column), np.flatnonzero(~data.rev_reads[:, column]))
        for column in range(1, len(data.lang_codes))
    ]
    keys = [np.repeat(subs, len(revs)) * n_rev + np.tile(revs, len(subs)) for subs, revs in groups]
    return np.unique(np.concatenate(keys)) if keys else np.empty(0, dtype=np.int64)


def instance_export(
    *,
    workshop: Workshop,
    settings: RunSettings,
    scores: IO[str],
    constraints: IO[str],
    max_loads: IO[str],
    reviewer_key: str = "email",
) -> None:
    """Write the instance a run with `settings` would solve, in the matcher's formats."""
    rows = instance_rows(workshop=workshop, settings=settings, reviewer_key=reviewer_key)
    for name, out in (("scores", scores), ("constraints", constraints), ("max_loads", max_loads)):
        csv.writer(out, lineterminator="\n").writerows(rows[name])


def _parse(assignments: dict | str | bytes) -> tuple[list[tuple[str, str, Any]], list[str]]:
    errors: list[str] = []
    if isinstance(assignments, str | bytes):
        try:
            assignments = json.loads(assignments)
        except (ValueError, RecursionError):  # RecursionError: nested thousands deep
            return [], [_("The file is not valid JSON.")]
    if not isinstance(assignments, dict):
        return [], [_("Expected an object mapping each paper to a list of reviewers.")]
    rows = []
    for paper, entries in assignments.items():
        if not isinstance(entries, list):
            errors.append(_("Paper “%(paper)s”: expected a list of reviewers.") % {"paper": paper})
            continue
        for entry in entries:
            if not isinstance(entry, dict) or not isinstance(entry.get("user"), str):
                errors.append(
                    _("Paper “%(paper)s”: every entry needs a “user”.") % {"paper": paper}
                )
                continue
            score = entry.get("aggregate_score")
            if score is not None and not _finite_number(score):
                # Stored with the pair (a JSON column): NaN or Infinity would fail there.
                errors.append(
                    _("Paper “%(paper)s”: “aggregate_score” must be a number.") % {"paper": paper}
                )
                continue
            rows.append((str(paper), entry["user"].strip(), score))
    return rows, errors


def _finite_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def assignment_run_import(
    *,
    workshop: Workshop,
    user: User | None,
    assignments: dict | str | bytes,
    settings: RunSettings | None = None,
    reviewer_key: str = "email",
) -> AssignmentRun:
    """A finished run holding the pairs of a matcher `assignments.json`, after the same
    checks a run's proposal gets. Raises ValidationError with every reason (at most
    MAX_REASONS listed) and stores nothing when any pair is refused."""
    settings = settings or RunSettings()
    rows, errors = _parse(assignments)
    data = load_matching_data(workshop=workshop)
    names = _reviewer_names(data, reviewer_key)
    prepared = prepare(data=data, settings=settings)
    pairs = _resolve(rows, data, names, errors)
    if len(pairs.sub):
        errors.extend(_refusals(data, prepared, pairs, names))
    if errors:
        shown = errors[:MAX_REASONS]
        if len(errors) > MAX_REASONS:
            shown.append(_("… and %(count)s more problems.") % {"count": len(errors) - MAX_REASONS})
        raise ValidationError(shown)
    return _imported_run(workshop, user, settings, data, prepared, pairs)


@dataclass
class _ImportedPairs:
    sub: np.ndarray  # positions
    rev: np.ndarray
    matcher_scores: list[Any]  # the file's aggregate_score, as given


def _resolve(
    rows: list[tuple[str, str, Any]], data, names: list[str], errors: list[str]
) -> _ImportedPairs:
    """The file's pairs by position; unknown ids and duplicates are added to `errors`."""
    sub_of = {code: i for i, code in enumerate(data.sub_codes)}
    rev_of = {name.lower(): i for i, name in enumerate(names)}
    seen: set[tuple[int, int]] = set()
    subs, revs, matcher_scores = [], [], []
    for paper, reviewer, aggregate in rows:
        s = sub_of.get(paper)
        r = rev_of.get(reviewer.lower())
        if s is None:
            errors.append(
                _("Unknown paper “%(paper)s”: not an eligible submission of this call.")
                % {"paper": paper}
            )
        elif r is None:
            errors.append(
                _("Unknown reviewer “%(reviewer)s”: not an approved reviewer of this call.")
                % {"reviewer": reviewer}
            )
        elif (s, r) in seen:
            errors.append(
                _("“%(reviewer)s” is listed twice for paper “%(paper)s”.")
                % {"reviewer": reviewer, "paper": paper}
            )
        else:
            seen.add((s, r))
            subs.append(s)
            revs.append(r)
            matcher_scores.append(aggregate)
    return _ImportedPairs(
        sub=np.array(subs, dtype=np.int64),
        rev=np.array(revs, dtype=np.int64),
        matcher_scores=matcher_scores,
    )


def _refusals(data, prepared, pairs: _ImportedPairs, names: list[str]) -> list[str]:
    """Every pair a run could not have proposed, and every kept assignment left out."""
    sub, rev = pairs.sub, pairs.rev
    errors = []
    refused = prepared.forbidden.contains(sub, rev) | data.blocked(sub, rev)
    wrong_language = ~data.language_ok(sub, rev)
    for i in np.flatnonzero(refused).tolist():
        values = {"reviewer": names[rev[i]], "paper": data.sub_codes[sub[i]]}
        if wrong_language[i]:
            language = LANGUAGE_NAMES.get(data.lang_codes[data.sub_lang[sub[i]]], "")
            errors.append(
                _(
                    "%(reviewer)s may not review “%(paper)s”: its documents are in "
                    "%(language)s, which they do not review in."
                )
                % {**values, "language": language}
            )
            continue
        errors.append(
            _(
                "%(reviewer)s may not review “%(paper)s”: conflict of interest, a declined "
                "assignment, or an “AI Office only” submission they are not cleared for."
            )
            % values
        )
    errors.extend(_same_org_problems(data, sub, rev, names))
    # Existing assignments the settings keep must be in the file: the matcher had them as
    # constraint 1.
    imported = PairSet.of(sub, rev, data.n_rev)
    fixed_sub, fixed_rev = prepared.fixed_sub, prepared.fixed_rev
    missing = ~imported.contains(fixed_sub, fixed_rev)
    for s, r in zip(fixed_sub[missing].tolist(), fixed_rev[missing].tolist(), strict=True):
        errors.append(
            _("The kept assignment of %(reviewer)s to “%(paper)s” is missing.")
            % {"reviewer": names[r], "paper": data.sub_codes[s]}
        )
    return errors


def _imported_run(
    workshop: Workshop,
    user: User | None,
    settings: RunSettings,
    data,
    prepared,
    pairs: _ImportedPairs,
) -> AssignmentRun:
    """The finished run holding the pairs, scored as a run with `settings` scores them."""
    sub, rev = pairs.sub, pairs.rev
    model = AffinityModel(data, settings.weights)
    scores = model.scores(sub, rev)
    why = model.why(sub, rev)
    for entry, matcher_score in zip(why, pairs.matcher_scores, strict=True):
        entry["matcher_score"] = matcher_score
    kept = PairSet.of(prepared.ex_sub, prepared.ex_rev, data.n_rev).contains(sub, rev)
    summary = assignment_stats(
        data=data,
        k=settings.k,
        sub=sub,
        rev=rev,
        score=scores,
        kept=kept,
        max_load=prepared.max_load,
        coverage_requested=settings.coverage,
    )
    summary.update({"solver": "openreview-matcher import", "lp_bound": None, "explanations": []})
    now = timezone.now()
    with transaction.atomic():
        run = AssignmentRun.objects.create(
            workshop=workshop,
            created_by=user,
            state=AssignmentRun.State.DONE,
            progress=100,
            settings={**settings.to_json(), "imported": True},
            summary=summary,
            started_at=now,
            finished_at=now,
        )
        write_pairs(
            run_id=run.pk,
            submission_ids=data.sub_ids[sub],
            reviewer_ids=data.rev_ids[rev],
            scores=scores,
            kept=kept,
            why=why,
            origin=ProposedPair.Origin.IMPORTED,
        )
        audit_record(
            action="assignment_run.imported",
            obj=run,
            actor=user,
            details={
                "pairs": summary["pairs"],
                "objective": summary["objective"],
                "settings": run.settings,
            },
        )
    return run


def _same_org_problems(data, sub: np.ndarray, rev: np.ndarray, names: list[str]) -> list[str]:
    orgs_of: dict[int, set[int]] = {}
    for r, o in zip(data.member_rev.tolist(), data.member_org.tolist(), strict=True):
        orgs_of.setdefault(r, set()).add(o)
    problems = []
    by_sub: dict[int, list[int]] = {}
    for s, r in zip(sub.tolist(), rev.tolist(), strict=True):
        by_sub.setdefault(s, []).append(r)
    for s, reviewers in by_sub.items():
        seen: dict[int, int] = {}
        for r in reviewers:
            for o in orgs_of.get(r, ()):
                if o in seen:
                    problems.append(
                        _("%(a)s and %(b)s, of the same organisation, both review “%(paper)s”.")
                        % {"a": names[seen[o]], "b": names[r], "paper": data.sub_codes[s]}
                    )
                else:
                    seen[o] = r
    return problems
