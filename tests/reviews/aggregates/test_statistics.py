"""Exact statistics on the hand-made data set, and Krippendorff's alpha against the
published worked example and against the library called directly."""

import math

import krippendorff
import numpy as np
import pytest

from reviews.selectors.aggregates import (
    ordinal_alpha,
    score_stats,
    submission_aggregates,
    workshop_aggregates,
)

pytestmark = pytest.mark.django_db

NAN = np.nan

# Krippendorff, "Computing Krippendorff's Alpha-Reliability" (2011), section C: four
# observers (A-D) x twelve units, values 1-5, missing entries as NaN.
KRIPPENDORFF_2011 = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, NAN, NAN, NAN],  # A
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, NAN, 3],  # B
    [NAN, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, NAN],  # C
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, NAN],  # D
]


@pytest.mark.parametrize(
    ("level", "published"), [("nominal", 0.743), ("interval", 0.849), ("ordinal", 0.815)]
)
def test_krippendorff_library_reproduces_published_example(level, published):
    alpha = krippendorff.alpha(reliability_data=KRIPPENDORFF_2011, level_of_measurement=level)

    assert round(alpha, 3) == published


def test_ordinal_alpha_reproduces_published_example():
    units = [
        [int(coder[unit]) for coder in KRIPPENDORFF_2011 if not math.isnan(coder[unit])]
        for unit in range(12)
    ]

    assert round(ordinal_alpha(units, value_domain=[1, 2, 3, 4, 5]), 3) == 0.815


def test_ordinal_alpha_unused_scale_levels_change_nothing():
    units = [
        [int(coder[unit]) for coder in KRIPPENDORFF_2011 if not math.isnan(coder[unit])]
        for unit in range(12)
    ]

    assert ordinal_alpha(units, value_domain=range(0, 10)) == ordinal_alpha(
        units, value_domain=[1, 2, 3, 4, 5]
    )


@pytest.mark.parametrize(
    "units",
    [
        pytest.param([], id="no-units"),
        pytest.param([[3], [2]], id="no-unit-with-two-levels"),
        pytest.param([[2, 2], [2, 2, 2], [4]], id="one-value-only"),
    ],
)
def test_ordinal_alpha_undefined_is_none(units):
    assert ordinal_alpha(units, value_domain=range(5)) is None


def test_score_stats_without_levels():
    stats = score_stats([], na_count=2)

    assert (stats.count, stats.na_count, stats.mean, stats.median, stats.sd) == (
        0,
        2,
        None,
        None,
        None,
    )
    assert (stats.min, stats.max, stats.disagreement) == (None, None, False)
    assert stats.tag_shares == {"aligned": None, "gap": None, "refine": None}


def test_score_stats_single_level_has_no_sd():
    stats = score_stats([3])

    assert (stats.count, stats.mean, stats.median, stats.sd) == (1, 3.0, 3.0, None)


@pytest.mark.parametrize(
    ("levels", "disagreement"), [([1, 2], False), ([1, 3], True), ([4, 0, 4], True)]
)
def test_score_stats_disagreement_is_two_levels_apart(levels, disagreement):
    assert score_stats(levels).disagreement is disagreement


def _by_code(version):
    return {row.criterion.code: row for row in version.criteria_rows}


def _cells(version, submission):
    row = next(r for r in version.submission_rows if r.submission_id == submission.pk)
    return row, {c.code: cell for c, cell in zip(version.criteria, row.cells, strict=True)}


def test_per_submission_statistics_exact(scored):
    alpha_sub, beta_sub = scored["submissions"]
    [version] = workshop_aggregates(workshop=alpha_sub.workshop)

    alpha_row, alpha = _cells(version, alpha_sub)
    beta_row, beta = _cells(version, beta_sub)

    # Alpha evaluation, REL-1: 1, 3, 4.
    rel = alpha["REL-1"]
    assert (rel.count, rel.na_count, rel.min, rel.max) == (3, 0, 1, 4)
    assert rel.mean == 8 / 3
    assert rel.median == 3.0
    assert rel.sd == math.sqrt(7 / 3)
    assert rel.disagreement is True
    # Alpha evaluation, ELI-2: 2, N/A, 3.
    eli = alpha["ELI-2"]
    assert (eli.count, eli.na_count, eli.min, eli.max) == (2, 1, 2, 3)
    assert (eli.mean, eli.median, eli.sd) == (2.5, 2.5, math.sqrt(0.5))
    assert eli.disagreement is False
    # Beta evaluation, REL-1: 2, 2, 2; ELI-2: 0, 2, 4.
    assert (beta["REL-1"].mean, beta["REL-1"].median, beta["REL-1"].sd) == (2.0, 2.0, 0.0)
    assert beta["REL-1"].disagreement is False
    assert (beta["ELI-2"].mean, beta["ELI-2"].median, beta["ELI-2"].sd) == (2.0, 2.0, 2.0)
    assert (beta["ELI-2"].min, beta["ELI-2"].max, beta["ELI-2"].disagreement) == (0, 4, True)
    # VAL-1 was not scored at all.
    assert (alpha["VAL-1"].count, alpha["VAL-1"].mean, alpha["VAL-1"].sd) == (0, None, None)
    # The draft (a fourth reviewer, level 0 everywhere) is not counted.
    assert (alpha_row.review_count, beta_row.review_count) == (3, 3)
    assert (alpha_row.disagreement_count, beta_row.disagreement_count) == (1, 1)


def test_per_criterion_statistics_exact(scored):
    [version] = workshop_aggregates(workshop=scored["criteria_set"].workshop)
    rows = _by_code(version)

    assert version.criteria_set == scored["criteria_set"]
    assert version.review_count == 6
    assert [c.code for c in version.criteria] == ["REL-1", "VAL-1", "ELI-2"]
    rel = rows["REL-1"]
    # 1, 3, 4, 2, 2, 2
    assert (rel.stats.count, rel.stats.na_count, rel.stats.min, rel.stats.max) == (6, 0, 1, 4)
    assert rel.stats.mean == 14 / 6
    assert rel.stats.median == 2.0
    assert rel.stats.sd == pytest.approx(4 / math.sqrt(15), rel=1e-15)
    assert (rel.submission_count, rel.disagreement_count) == (2, 1)
    assert rel.stats.tag_counts == {"aligned": 4, "gap": 2, "refine": 0}
    assert rel.stats.tag_shares == {"aligned": 4 / 6, "gap": 2 / 6, "refine": 0.0}
    eli = rows["ELI-2"]
    # 2, N/A, 3, 0, 2, 4
    assert (eli.stats.count, eli.stats.na_count, eli.stats.min, eli.stats.max) == (5, 1, 0, 4)
    assert eli.stats.mean == 2.2
    assert eli.stats.median == 2.0
    assert eli.stats.sd == pytest.approx(math.sqrt(2.2), rel=1e-15)
    assert (eli.submission_count, eli.disagreement_count) == (2, 1)
    # Tagged: aligned, refine, gap, refine (one N/A and one score carry no tag).
    assert eli.stats.tag_shares == {"aligned": 0.25, "gap": 0.25, "refine": 0.5}
    val = rows["VAL-1"]
    assert (val.stats.count, val.alpha, val.submission_count) == (0, None, 0)


def test_alpha_per_criterion_matches_library(scored):
    [version] = workshop_aggregates(workshop=scored["criteria_set"].workshop)
    rows = _by_code(version)
    # Reviewers x submissions, N/A as missing.
    rel = [[1, 2], [3, 2], [4, 2]]
    eli = [[2, 0], [NAN, 2], [3, 4]]

    expected_rel = krippendorff.alpha(
        reliability_data=rel, value_domain=[0, 1, 2, 3, 4], level_of_measurement="ordinal"
    )
    expected_eli = krippendorff.alpha(
        reliability_data=eli, value_domain=[0, 1, 2, 3, 4], level_of_measurement="ordinal"
    )

    assert rows["REL-1"].alpha == pytest.approx(expected_rel, rel=1e-12)
    assert rows["ELI-2"].alpha == pytest.approx(expected_eli, rel=1e-12)
    assert rows["REL-1"].alpha != rows["ELI-2"].alpha


def test_submission_aggregates_reviewer_levels(scored):
    alpha_sub = scored["submissions"][0]
    r1, r2, r3 = scored["reviewers"]

    [version] = submission_aggregates(submission=alpha_sub, reviewer_order=[r3.pk, r1.pk])

    assert version.reviewer_ids == [r3.pk, r1.pk, r2.pk]
    rows = {row.criterion.code: row for row in version.rows}
    assert [c.level if c else None for c in rows["REL-1"].cells] == [4, 1, 3]
    assert [c.not_applicable for c in rows["ELI-2"].cells] == [False, False, True]
    assert [c.tag for c in rows["ELI-2"].cells] == ["refine", "aligned", ""]
    assert rows["VAL-1"].cells == [None, None, None]
    assert rows["REL-1"].stats.sd == math.sqrt(7 / 3)


def test_versions_are_aggregated_apart(scored, workshop):
    from .conftest import approved_reviewer, make_review, new_criteria_set

    newer = new_criteria_set(workshop, title="Revised criteria")
    make_review(
        submission=scored["submissions"][0],
        reviewer=approved_reviewer(workshop),
        criteria_set=newer,
        scores={"REL-1": 0, "VAL-1": 4},
    )

    versions = workshop_aggregates(workshop=workshop)

    assert [v.criteria_set for v in versions] == [newer, scored["criteria_set"]]
    assert versions[0].review_count == 1
    assert _by_code(versions[0])["REL-1"].stats.mean == 0.0
    # Version 1 is untouched by the version-2 review of the same criterion code.
    assert _by_code(versions[1])["REL-1"].stats.mean == 14 / 6


def test_workshop_without_reviews_has_no_versions(workshop):
    assert workshop_aggregates(workshop=workshop) == []


def test_workshop_aggregates_two_queries(scored, django_assert_num_queries):
    with django_assert_num_queries(2):
        workshop_aggregates(workshop=scored["criteria_set"].workshop)
