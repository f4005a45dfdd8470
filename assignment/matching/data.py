"""Everything an assignment run needs, loaded in a dozen set-based queries.

Submissions and reviewers are numbered by position (0..P-1, 0..R-1, in primary-key order);
every per-pair fact (bids, conflicts, assignments) is a pair of position arrays, never a
Python object per pair. The vocabularies are small (about ten risk areas and ten methods),
so expertise and scope are dense boolean or level matrices of P x A and R x A.

Languages (the documents' language, the languages a reviewer reviews in) are a small
vocabulary too: column 0 is English, which every reviewer reads, then each other language
some submission is in. A reviewer whose application lists no language is taken to review
in English only.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from django.db.models import Exists, OuterRef

from assignment.models import Bid
from expertise.models import Publication, publication_text
from portal.languages import ENGLISH
from portal.models import Membership, Workshop
from reviews.models import Assignment, Review, ReviewerApplication, ReviewerExpertise
from reviews.selectors.applications import reviewers_of_workshop
from reviews.selectors.conflicts import conflicted_pairs
from submissions.models import Method, RiskArea, Submission

from .textsim import Documents

# Bids as small integers in arrays; NO_BID is the value of every pair without a bid.
NO_BID = 0
BID_CODES = {
    Bid.Value.EAGER: 1,
    Bid.Value.WILLING: 2,
    Bid.Value.NOT_WILLING: 3,
    Bid.Value.CONFLICT: 4,
}
BID_NAMES = {code: value for value, code in BID_CODES.items()}
# The kind of a reviewer's document that is their application's statement of expertise.
STATEMENT = "statement"


@dataclass
class MatchingData:
    workshop_id: int
    # Submissions, by position.
    sub_ids: np.ndarray  # int64, ascending
    sub_codes: list[str]
    sub_texts: list[str]  # title and abstract, for text similarity
    sub_confidential: np.ndarray  # bool: "AI Office only"
    sub_area: np.ndarray  # bool P x A
    sub_method: np.ndarray  # bool P x M
    sub_lang: np.ndarray  # int64: column of lang_codes the documents are in, 0 = English
    # Reviewers (approved, active), by position.
    rev_ids: np.ndarray  # int64 user ids, ascending
    rev_codes: list[str]  # application codes: stable, opaque reviewer ids for exports
    rev_emails: list[str]
    rev_max: np.ndarray  # int32, from the application
    rev_cleared: np.ndarray  # bool: cleared for "AI Office only"
    rev_statements: list[str]
    rev_reads: np.ndarray  # bool R x len(lang_codes): column 0 (English) is all True
    # Reviewers' documents (textsim.py), flat: reviewer r's are [rev_doc_ptr[r],
    # rev_doc_ptr[r + 1]). Each publication of the reviewer (title and abstract, in
    # primary-key order), then the application's statement when it is not blank.
    rev_doc_ptr: np.ndarray  # int64, R + 1
    rev_doc_texts: list[str]
    rev_doc_titles: list[str]  # a publication's title; "" for the statement
    rev_doc_kinds: list[str]  # Publication.Kind values, or STATEMENT
    rev_area_level: np.ndarray  # int8 R x A, 0 = none, else 1..3
    rev_method_level: np.ndarray  # int8 R x M
    # Organisation memberships of reviewers (same-organisation rule): parallel arrays.
    member_rev: np.ndarray
    member_org: np.ndarray
    # Vocabularies, by column.
    area_ids: np.ndarray
    area_codes: list[str]
    area_specified: np.ndarray  # bool: a specified systemic risk (coverage applies)
    method_ids: np.ndarray
    method_codes: list[str]
    lang_codes: list[str]  # "en", then the other languages of the submissions, sorted
    # Pairs, as parallel position arrays.
    bid_sub: np.ndarray
    bid_rev: np.ndarray
    bid_value: np.ndarray  # int8, BID_CODES
    conflict_sub: np.ndarray
    conflict_rev: np.ndarray
    assign_sub: np.ndarray
    assign_rev: np.ndarray
    assign_declined: np.ndarray  # bool
    assign_started: np.ndarray  # bool: a review row exists (opened or written)

    @property
    def n_sub(self) -> int:
        return len(self.sub_ids)

    @property
    def n_rev(self) -> int:
        return len(self.rev_ids)

    def sub_positions(self, ids: np.ndarray) -> np.ndarray:
        """Positions of submission ids; -1 for ids outside the instance."""
        return _positions(self.sub_ids, ids)

    def rev_positions(self, ids: np.ndarray) -> np.ndarray:
        return _positions(self.rev_ids, ids)

    def language_ok(self, sub: np.ndarray, rev: np.ndarray) -> np.ndarray:
        """Which pairs the language allows: the reviewer reads the documents' language."""
        return self.rev_reads[rev, self.sub_lang[sub]]

    def blocked(self, sub: np.ndarray, rev: np.ndarray) -> np.ndarray:
        """Pairs ruled out whatever the settings, besides the forbidden pairs: an "AI
        Office only" submission for a reviewer not cleared for it, or documents in a
        language the reviewer does not read."""
        return (self.sub_confidential[sub] & ~self.rev_cleared[rev]) | ~self.language_ok(sub, rev)

    def readers_per_sub(self) -> np.ndarray:
        """Per submission, how many reviewers the two rules of `blocked` leave it."""
        reads = self.rev_reads.astype(np.int64)
        readers = reads.sum(axis=0)
        cleared = reads[self.rev_cleared].sum(axis=0)
        return np.where(self.sub_confidential, cleared[self.sub_lang], readers[self.sub_lang])

    @property
    def documents(self) -> Documents:
        return Documents(texts=self.rev_doc_texts, ptr=self.rev_doc_ptr)


@dataclass
class TextCorpus:
    """The texts of a whole workshop, in the order a run loads them: what TF-IDF is fitted
    on and what the text similarity is calibrated against (affinity.py), so that a few
    pairs scored by hand score as they would in a run."""

    sub_texts: list[str]
    documents: Documents


def _positions(sorted_ids: np.ndarray, ids: np.ndarray) -> np.ndarray:
    ids = np.asarray(ids, dtype=np.int64)
    if len(sorted_ids) == 0:
        return np.full(len(ids), -1, dtype=np.int64)
    pos = np.searchsorted(sorted_ids, ids)
    pos = np.minimum(pos, len(sorted_ids) - 1)
    return np.where(sorted_ids[pos] == ids, pos, -1)


def _pair_arrays(
    data_sub: np.ndarray, data_rev: np.ndarray, sub_ids: np.ndarray, rev_ids: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Positions of (submission id, reviewer id) pairs, keeping only pairs in the instance."""
    s = _positions(sub_ids, data_sub)
    r = _positions(rev_ids, data_rev)
    keep = (s >= 0) & (r >= 0)
    return s[keep], r[keep], keep


def _renamed(only: dict, key: str) -> dict:
    """The narrowing filter `only` (one key or none) under another lookup name."""
    return {key: value for value in only.values()}  # noqa: B035 - at most one value


def _column_of(ids: np.ndarray, values) -> np.ndarray:
    return np.searchsorted(ids, np.asarray(values, dtype=np.int64))


def _id_pairs(queryset, *fields: str) -> np.ndarray:
    """Rows of integer columns as an n x len(fields) int64 array (also when empty)."""
    return np.array(queryset.values_list(*fields), dtype=np.int64).reshape(-1, len(fields))


@dataclass
class _Scope:
    """Which part of the workshop is loaded: all of it, or some submissions and reviewers
    (`only_subs`, `only_revs`: a narrowing filter of one key, or empty)."""

    workshop: Workshop
    only_subs: dict
    only_revs: dict


def load_matching_data(
    *,
    workshop: Workshop,
    submission_ids: Iterable[int] | None = None,
    reviewer_ids: Iterable[int] | None = None,
) -> MatchingData:
    """The instance of the assignment problem for `workshop`, as it is in the database now.

    `submission_ids` and `reviewer_ids` narrow it (to score a few pairs by hand, say).
    Fifteen queries, whatever the size.
    """
    # Each query filters on plain columns of the workshop; rows of reviewers who are not
    # approved (or submissions not eligible) are dropped by position afterwards, which is
    # far cheaper than nested subqueries in every query.
    scope = _Scope(
        workshop=workshop,
        only_subs={} if submission_ids is None else {"submission_id__in": list(submission_ids)},
        only_revs={} if reviewer_ids is None else {"reviewer_id__in": list(reviewer_ids)},
    )
    vocabularies = _vocabularies()
    submissions = _submissions(scope, vocabularies)
    reviewers = _reviewers(scope, vocabularies, submissions["lang_codes"])
    sub_ids, rev_ids = submissions["sub_ids"], reviewers["rev_ids"]
    return MatchingData(
        workshop_id=workshop.pk,
        **submissions,
        **reviewers,
        **_memberships(scope, rev_ids),
        **vocabularies,
        **_bids(scope, sub_ids, rev_ids),
        **_conflicts(scope, sub_ids, rev_ids),
        **_assignments(scope, sub_ids, rev_ids),
    )


def _vocabularies() -> dict:
    areas = list(RiskArea.objects.order_by("pk").values_list("pk", "code", "kind"))
    methods = list(Method.objects.order_by("pk").values_list("pk", "code"))
    return {
        "area_ids": np.array([a[0] for a in areas], dtype=np.int64),
        "area_codes": [a[1] for a in areas],
        "area_specified": np.array([a[2] == RiskArea.Kind.SPECIFIED for a in areas], dtype=bool),
        "method_ids": np.array([m[0] for m in methods], dtype=np.int64),
        "method_codes": [m[1] for m in methods],
    }


def _submissions(scope: _Scope, vocabularies: dict) -> dict:
    """The eligible submissions, with their risk areas and methods as P x A and P x M."""
    subs = list(
        _eligible(scope).values_list(
            "pk", "code", "title", "abstract", "confidentiality", "language"
        )
    )
    lang_codes = [ENGLISH, *sorted({s[5] for s in subs} - {ENGLISH})]
    lang_column = {code: i for i, code in enumerate(lang_codes)}
    sub_ids = np.array([s[0] for s in subs], dtype=np.int64)
    through_filter = {
        "submission__workshop": scope.workshop,
        "submission__state": Submission.State.ELIGIBLE,
        **scope.only_subs,
    }
    scopes = {}
    for name, through, column, ids in (
        ("sub_area", Submission.risk_areas.through, "riskarea_id", vocabularies["area_ids"]),
        ("sub_method", Submission.methods.through, "method_id", vocabularies["method_ids"]),
    ):
        matrix = np.zeros((len(subs), len(ids)), dtype=bool)
        rows = _id_pairs(through.objects.filter(**through_filter), "submission_id", column)
        matrix[_positions(sub_ids, rows[:, 0]), _column_of(ids, rows[:, 1])] = True
        scopes[name] = matrix
    return {
        "sub_ids": sub_ids,
        "sub_codes": [s[1] for s in subs],
        "sub_texts": [submission_text(s[2], s[3]) for s in subs],
        "sub_confidential": np.array(
            [s[4] == Submission.Confidentiality.AI_OFFICE_ONLY for s in subs], dtype=bool
        ),
        "sub_lang": np.array([lang_column[s[5]] for s in subs], dtype=np.int64),
        "lang_codes": lang_codes,
        **scopes,
    }


def _reviewers(scope: _Scope, vocabularies: dict, lang_codes: list[str]) -> dict:
    """The approved, active reviewers, with their expertise levels as R x A and R x M,
    the submissions' languages they read as R x L, and their documents."""
    apps = list(
        _approved(scope).values_list(
            "user_id",
            "code",
            "user__email",
            "max_reviews",
            "cleared_for_confidential",
            "statement",
            "languages",
        )
    )
    rev_ids = np.array([a[0] for a in apps], dtype=np.int64)
    return {
        "rev_ids": rev_ids,
        "rev_codes": [a[1] for a in apps],
        "rev_emails": [a[2] for a in apps],
        "rev_max": np.array([a[3] for a in apps], dtype=np.int32),
        "rev_cleared": np.array([a[4] for a in apps], dtype=bool),
        "rev_statements": [a[5] for a in apps],
        "rev_reads": _reads(lang_codes, [a[6] for a in apps]),
        **_documents(scope, rev_ids, [a[5] for a in apps]),
        **_expertise(scope, rev_ids, vocabularies),
    }


def _reads(lang_codes: list[str], languages: list[list[str] | None]) -> np.ndarray:
    """R x L: reviewer r reads language column l. Everyone reads English (column 0); a
    reviewer with no languages listed reads English only."""
    column = {code: i for i, code in enumerate(lang_codes)}
    reads = np.zeros((len(languages), len(lang_codes)), dtype=bool)
    reads[:, 0] = True
    rows = [(r, column[c]) for r, codes in enumerate(languages) for c in codes or () if c in column]
    if rows:
        pairs = np.array(rows, dtype=np.int64)
        reads[pairs[:, 0], pairs[:, 1]] = True
    return reads


def submission_text(title: str, abstract: str) -> str:
    """What text similarity compares of a submission: its title and abstract."""
    return f"{title}\n{abstract}"


def _eligible(scope: _Scope):
    eligible = Submission.objects.filter(workshop=scope.workshop, state=Submission.State.ELIGIBLE)
    if scope.only_subs:
        eligible = eligible.filter(pk__in=scope.only_subs["submission_id__in"])
    return eligible.order_by("pk")


def _approved(scope: _Scope):
    """The approved applications of active reviewers, by user id."""
    workshop = scope.workshop
    approved = ReviewerApplication.objects.filter(
        workshop=workshop,
        state=ReviewerApplication.State.APPROVED,
        user__in=reviewers_of_workshop(workshop=workshop).values("pk"),
    )
    if scope.only_revs:
        approved = approved.filter(user_id__in=scope.only_revs["reviewer_id__in"])
    return approved.order_by("user_id")


def _documents(scope: _Scope, rev_ids: np.ndarray, statements: list[str]) -> dict:
    """The reviewers' documents in one query: their publications, then their statement."""
    # Filtered on the applications of the workshop (a join, no list of ids); rows of
    # reviewers outside the instance are dropped by position.
    rows = Publication.objects.filter(
        user__reviewer_applications__workshop=scope.workshop,
        user__reviewer_applications__state=ReviewerApplication.State.APPROVED,
        **_renamed(scope.only_revs, "user_id__in"),
    ).order_by("user_id", "pk")
    per_rev: list[list[tuple[str, str, str]]] = [[] for _ in range(len(rev_ids))]
    pubs = list(rows.values_list("user_id", "kind", "title", "abstract"))
    positions = _positions(rev_ids, np.array([p[0] for p in pubs], dtype=np.int64))
    for pos, (_user, kind, title, abstract) in zip(positions.tolist(), pubs, strict=True):
        if pos >= 0:
            per_rev[pos].append((publication_text(title, abstract), title, kind))
    for pos, statement in enumerate(statements):
        if statement and statement.strip():
            per_rev[pos].append((statement, "", STATEMENT))
    flat = [doc for docs in per_rev for doc in docs]
    return {
        "rev_doc_ptr": np.concatenate([[0], np.cumsum([len(d) for d in per_rev])]).astype(np.int64),
        "rev_doc_texts": [d[0] for d in flat],
        "rev_doc_titles": [d[1] for d in flat],
        "rev_doc_kinds": [d[2] for d in flat],
    }


def load_text_corpus(*, workshop: Workshop) -> TextCorpus:
    """The texts of the whole workshop as a run loads them (three queries)."""
    scope = _Scope(workshop=workshop, only_subs={}, only_revs={})
    subs = list(_eligible(scope).values_list("title", "abstract"))
    apps = list(_approved(scope).values_list("user_id", "statement"))
    rev_ids = np.array([a[0] for a in apps], dtype=np.int64)
    docs = _documents(scope, rev_ids, [a[1] for a in apps])
    return TextCorpus(
        sub_texts=[submission_text(title, abstract) for title, abstract in subs],
        documents=Documents(texts=docs["rev_doc_texts"], ptr=docs["rev_doc_ptr"]),
    )


def _expertise(scope: _Scope, rev_ids: np.ndarray, vocabularies: dict) -> dict:
    area_ids, method_ids = vocabularies["area_ids"], vocabularies["method_ids"]
    rev_area_level = np.zeros((len(rev_ids), len(area_ids)), dtype=np.int8)
    rev_method_level = np.zeros((len(rev_ids), len(method_ids)), dtype=np.int8)
    rows = np.array(
        [
            (user_id, area or 0, method or 0, level)
            for user_id, area, method, level in ReviewerExpertise.objects.filter(
                application__workshop=scope.workshop,
                application__state=ReviewerApplication.State.APPROVED,
                **_renamed(scope.only_revs, "application__user_id__in"),
            ).values_list("application__user_id", "risk_area_id", "method_id", "level")
        ],
        dtype=np.int64,
    ).reshape(-1, 4)
    rpos = _positions(rev_ids, rows[:, 0])
    is_area = (rows[:, 1] > 0) & (rpos >= 0)
    rev_area_level[rpos[is_area], _column_of(area_ids, rows[is_area, 1])] = rows[is_area, 3]
    is_method = (rows[:, 2] > 0) & (rpos >= 0)
    rev_method_level[rpos[is_method], _column_of(method_ids, rows[is_method, 2])] = rows[
        is_method, 3
    ]
    return {"rev_area_level": rev_area_level, "rev_method_level": rev_method_level}


def _memberships(scope: _Scope, rev_ids: np.ndarray) -> dict:
    """Organisation memberships of the reviewers (the same-organisation rule)."""
    rows = _id_pairs(
        Membership.objects.filter(
            user__reviewer_applications__workshop=scope.workshop,
            user__reviewer_applications__state=ReviewerApplication.State.APPROVED,
            **_renamed(scope.only_revs, "user_id__in"),
        ),
        "user_id",
        "organisation_id",
    )
    member_rev = _positions(rev_ids, rows[:, 0])
    return {
        "member_rev": member_rev[member_rev >= 0],
        "member_org": rows[:, 1][member_rev >= 0],
    }


def _bids(scope: _Scope, sub_ids: np.ndarray, rev_ids: np.ndarray) -> dict:
    rows = list(
        Bid.objects.filter(
            workshop=scope.workshop, **scope.only_subs, **scope.only_revs
        ).values_list("submission_id", "reviewer_id", "value")
    )
    bid_sub, bid_rev, keep = _pair_arrays(
        np.array([b[0] for b in rows], dtype=np.int64),
        np.array([b[1] for b in rows], dtype=np.int64),
        sub_ids,
        rev_ids,
    )
    bid_value = np.array([BID_CODES[b[2]] for b in rows], dtype=np.int8)[keep]
    return {"bid_sub": bid_sub, "bid_rev": bid_rev, "bid_value": bid_value}


def _conflicts(scope: _Scope, sub_ids: np.ndarray, rev_ids: np.ndarray) -> dict:
    # The one conflict definition (reviews.selectors.conflicts), as a set of id pairs;
    # flattened straight into an array, without an intermediate list of tuples.
    pairs = conflicted_pairs(workshop=scope.workshop, reviewer_ids=set(rev_ids.tolist()))
    flat = np.fromiter(
        itertools.chain.from_iterable(pairs), dtype=np.int64, count=2 * len(pairs)
    ).reshape(-1, 2)
    del pairs
    conflict_sub, conflict_rev, _keep = _pair_arrays(flat[:, 0], flat[:, 1], sub_ids, rev_ids)
    return {"conflict_sub": conflict_sub, "conflict_rev": conflict_rev}


def _assignments(scope: _Scope, sub_ids: np.ndarray, rev_ids: np.ndarray) -> dict:
    rows = np.array(
        Assignment.objects.filter(workshop=scope.workshop, **scope.only_subs, **scope.only_revs)
        .annotate(started=Exists(Review.objects.filter(assignment=OuterRef("pk"))))
        .values_list("pk", "submission_id", "reviewer_id", "state", "started")
        .order_by("pk"),
        dtype=object,
    ).reshape(-1, 5)
    assign_sub, assign_rev, keep = _pair_arrays(
        rows[:, 1].astype(np.int64), rows[:, 2].astype(np.int64), sub_ids, rev_ids
    )
    rows = rows[keep]
    return {
        "assign_sub": assign_sub,
        "assign_rev": assign_rev,
        "assign_declined": (rows[:, 3] == Assignment.State.DECLINED).astype(bool),
        "assign_started": rows[:, 4].astype(bool),
    }
