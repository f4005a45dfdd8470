import json
from decimal import Decimal
from textwrap import dedent

import pytest
import yaml
from django.core.exceptions import ValidationError

from criteria import services
from criteria.models import CriteriaSet
from criteria.selectors import criteria_set_current
from tests.factories import CriterionScoreFactory, ReviewFactory

from .conftest import snapshot

pytestmark = pytest.mark.django_db

SMALL_YAML = dedent(
    """\
    title: Small set
    description: Two criteria.
    groups:
    - code: A
      title: Relevance
      criteria:
      - code: REL-1
        title: Relevance
        levels:
        - level: 0
          descriptor: None
        - level: 1
          descriptor: Some
      - code: VAL-1
        title: Validity
        levels:
        - level: 0
          descriptor: None
        - level: 1
          descriptor: Some
    """
)

SMALL_JSON = """\
{
  "title": "Small set",
  "groups": [
    {
      "code": "A",
      "title": "Relevance",
      "criteria": [
        {
          "code": "REL-1",
          "title": "Relevance",
          "levels": [
            {"level": 0, "descriptor": "None"},
            {"level": 1, "descriptor": "Some"}
          ]
        },
        {
          "code": "VAL-1",
          "title": "Validity",
          "levels": [
            {"level": 0, "descriptor": "None"},
            {"level": 1, "descriptor": "Some"}
          ]
        }
      ]
    }
  ]
}
"""


def _import(workshop, text, format):
    return services.criteria_set_import(workshop=workshop, text=text, format=format, user=None)


def _errors(workshop, text, format):
    with pytest.raises(ValidationError) as caught:
        _import(workshop, text, format)
    return caught.value.messages


# --- round trip ---------------------------------------------------------------------------


@pytest.mark.parametrize("format", ["json", "yaml"])
def test_round_trip_default_set_is_lossless(workshop, criteria_set, format):
    exported = services.criteria_set_export(criteria_set=criteria_set, format=format)

    imported = _import(workshop, exported, format)

    assert imported == criteria_set
    assert services.criteria_set_export(criteria_set=imported, format=format) == exported


@pytest.mark.parametrize("format", ["json", "yaml"])
def test_round_trip_awkward_values_is_lossless(workshop, criteria_set, format):
    criterion = criteria_set.criteria.get(code="VAL-1")
    services.criterion_save(
        criteria_set=criteria_set,
        criterion=criterion,
        group=criterion.group,
        code="VAL-1",
        title="yes",  # a YAML 1.1 boolean unless quoted
        description="Line one\n\n  indented: with a colon\nlast line  ",
        guidance="“Quotes”, ünïcödé, # not a comment, - not a list\n\n\n",
        sources="",
        levels=[
            {"level": -1, "descriptor": "1.5"},
            {"level": 0, "descriptor": "null"},
            {"level": 1, "descriptor": "multi\nline"},
        ],
        allow_na=True,
        weight=Decimal("0.25"),
        justification_required=False,
        user=None,
    )
    services.criteria_set_update(
        criteria_set=criteria_set, title="Set: with colon", description="", user=None
    )
    exported = services.criteria_set_export(criteria_set=criteria_set, format=format)
    before = snapshot(criteria_set)

    _import(workshop, exported, format)

    assert services.criteria_set_export(criteria_set=criteria_set, format=format) == exported
    assert snapshot(criteria_set) == before


def test_export_json_and_yaml_hold_the_same_content(criteria_set):
    as_json = json.loads(services.criteria_set_export(criteria_set=criteria_set, format="json"))
    as_yaml = yaml.safe_load(services.criteria_set_export(criteria_set=criteria_set, format="yaml"))

    assert as_json == as_yaml
    assert as_json["schema"] == 1
    assert [g["code"] for g in as_json["groups"]] == list("ABCDEF")
    eli2 = as_json["groups"][2]["criteria"][1]
    assert (eli2["code"], eli2["allow_na"], eli2["weight"]) == ("ELI-2", True, 1)


@pytest.mark.parametrize(("text", "format"), [(SMALL_YAML, "yaml"), (SMALL_JSON, "json")])
def test_import_replaces_unfrozen_content(workshop, criteria_set, text, format):
    imported = _import(workshop, text, format)

    assert imported == criteria_set
    criteria_set.refresh_from_db()
    assert criteria_set.title == "Small set"
    assert list(criteria_set.groups.values_list("code", flat=True)) == ["A"]
    assert list(criteria_set.criteria.values_list("code", "position")) == [
        ("REL-1", 0),
        ("VAL-1", 1),
    ]
    rel1 = criteria_set.criteria.get(code="REL-1")
    assert (rel1.weight, rel1.allow_na, rel1.justification_required, rel1.guidance) == (
        Decimal("1.00"),
        False,
        True,
        "",
    )


def test_import_keeps_criteria_scored_in_drafts(workshop, criteria_set):
    review = ReviewFactory(assignment__submission__workshop=workshop)
    score = CriterionScoreFactory(review=review, criterion=criteria_set.criteria.get(code="REL-1"))

    _import(workshop, SMALL_YAML, "yaml")

    score.refresh_from_db()
    assert score.criterion.criteria_set == criteria_set
    assert score.criterion.title == "Relevance"


def test_import_refuses_to_remove_criteria_scored_in_drafts(workshop, criteria_set):
    review = ReviewFactory(assignment__submission__workshop=workshop)
    CriterionScoreFactory(review=review, criterion=criteria_set.criteria.get(code="CND-1"))
    before = snapshot(criteria_set)

    assert _errors(workshop, SMALL_YAML, "yaml") == [
        "CND-1 already scored in draft reviews against version 1, so cannot be removed from "
        "it. Start a new version on the overview page and remove it there; the drafts keep "
        "version 1."
    ]
    assert snapshot(criteria_set) == before


def test_import_into_frozen_version_creates_next(workshop, criteria_set):
    review = ReviewFactory(assignment__submission__workshop=workshop, state="submitted")
    score = CriterionScoreFactory(review=review)
    services.criteria_set_freeze(criteria_set=criteria_set)
    before = snapshot(criteria_set)

    imported = _import(workshop, SMALL_JSON, "json")

    assert (imported.version, imported.based_on) == (2, criteria_set)
    assert imported.criteria.count() == 2
    assert snapshot(criteria_set) == before
    score.refresh_from_db()
    assert score.criterion.criteria_set == criteria_set


def test_import_for_workshop_without_set_creates_version_1(workshop, criteria_set):
    criteria_set.delete()

    imported = _import(workshop, SMALL_YAML, "yaml")

    assert imported.version == 1
    assert criteria_set_current(workshop=workshop) == imported


# --- malformed files --------------------------------------------------------------------------


def test_bad_json_syntax_reports_line(workshop, criteria_set):
    text = SMALL_JSON.replace('"title": "Validity",', '"title": "Validity"')
    before = snapshot(criteria_set)

    assert _errors(workshop, text, "json") == ["line 19: Expecting ',' delimiter"]
    assert snapshot(criteria_set) == before


def test_bad_yaml_syntax_reports_line(workshop, criteria_set):
    text = SMALL_YAML.replace("    title: Validity", "   title: Validity")
    before = snapshot(criteria_set)

    assert _errors(workshop, text, "yaml") == [
        "line 15: expected <block end>, but found '<block mapping start>'"
    ]
    assert snapshot(criteria_set) == before


@pytest.mark.parametrize(
    ("text", "format", "line", "first"),
    [
        (SMALL_YAML.replace("code: VAL-1", "code: REL-1"), "yaml", 14, 7),
        (SMALL_JSON.replace('"code": "VAL-1"', '"code": "REL-1"'), "json", 17, 9),
    ],
)
def test_duplicate_code_reports_line(workshop, criteria_set, text, format, line, first):
    before = snapshot(criteria_set)

    assert _errors(workshop, text, format) == [
        f"line {line}: criterion code REL-1 is used twice (first on line {first})"
    ]
    assert snapshot(criteria_set) == before


@pytest.mark.parametrize(
    ("text", "format", "line"),
    [
        (SMALL_YAML[: SMALL_YAML.rindex("descriptor: Some")] + 'descriptor: ""\n', "yaml", 20),
        (
            SMALL_JSON[: SMALL_JSON.rindex('{"level": 1, "descriptor": "Some"}')]
            + '{"level": 1}'
            + SMALL_JSON[SMALL_JSON.rindex('{"level": 1, "descriptor": "Some"}') + 34 :],
            "json",
            21,
        ),
    ],
)
def test_missing_descriptor_reports_line(workshop, criteria_set, text, format, line):
    before = snapshot(criteria_set)

    assert _errors(workshop, text, format) == [
        f"line {line}: criterion VAL-1: level 1 has no descriptor"
    ]
    assert snapshot(criteria_set) == before


def test_several_problems_reported_in_line_order(workshop, criteria_set):
    text = dedent(
        """\
        title: Broken
        groups:
        - code: A
          title: Relevance
          criteria:
          - code: REL-1
            title: Relevance
            wieght: 2
            levels:
            - level: 0
              descriptor: None
            - level: 2
              descriptor: Much
          - code: VAL 1
            title: yes
            levels:
            - level: 0
              descriptor: None
            weight: -1
        - code: A
          title: Again
          criteria: []
        """
    )

    assert _errors(workshop, text, "yaml") == [
        "line 8: criterion REL-1: unknown field “wieght” (allowed: allow_na, code, "
        "description, guidance, justification_required, levels, sources, title, weight)",
        "line 9: criterion REL-1: levels must be consecutive whole numbers in ascending "
        "order (found 0, 2)",
        "line 14: criterion VAL 1: code “VAL 1” may contain only letters, digits, “.”, “_” "
        "and “-”, and must start with a letter or digit",
        "line 15: criterion VAL 1: field “title” must be text, not True; put it in quotes",
        "line 16: criterion VAL 1: needs at least 2 levels, has 1",
        "line 19: criterion VAL 1: the weight must be zero or more",
        "line 20: group code A is used twice (first on line 3)",
    ]


@pytest.mark.parametrize(
    ("text", "format", "message"),
    [
        ("", "yaml", "The file is empty."),
        ("- a\n- b\n", "yaml", "line 1: the file must be a mapping of fields, not a list"),
        ("title: x\n", "yaml", "line 1: field “groups” is missing"),
        ("title: &t x\ngroups: *t\n", "yaml", "line 2: aliases (*name) are not allowed"),
        (
            "title: x\ntitle: y\ngroups: []\n",
            "yaml",
            "line 2: field “title” appears more than once",
        ),
        (
            "schema: 2\ntitle: x\ngroups: []\n",
            "yaml",
            "line 1: schema 2 is not supported; this portal reads schema 1",
        ),
        (
            '{"title": "x",\n "groups": {}}',
            "json",
            "line 2: field “groups” must be a list, not a mapping",
        ),
        ("title: x\ngroups: []\n", "toml", "Unknown format “toml”: choose JSON or YAML."),
        ("[" * 100_000, "json", "The file is nested too deeply to be a criteria set."),
        ("[" * 100_000, "yaml", "The file is nested too deeply to be a criteria set."),
    ],
)
def test_other_malformed_files(workshop, criteria_set, text, format, message):
    before = snapshot(criteria_set)

    assert _errors(workshop, text, format) == [message]
    assert snapshot(criteria_set) == before


@pytest.mark.parametrize(
    ("text", "format"),
    [
        ('{"groups": [],\n "title": "x\\u0000y"}', "json"),
        ('groups: []\ntitle: "x\\0y"\n', "yaml"),
    ],
)
def test_null_character_is_reported_not_saved(workshop, criteria_set, text, format):
    # PostgreSQL refuses a NUL in text: saving it was a server error.
    before = snapshot(criteria_set)

    assert _errors(workshop, text, format) == ["line 2: Null characters are not allowed."]
    assert snapshot(criteria_set) == before


def test_failed_import_into_frozen_version_creates_nothing(workshop, criteria_set):
    services.criteria_set_freeze(criteria_set=criteria_set)

    _errors(workshop, SMALL_YAML.replace("code: VAL-1", "code: REL-1"), "yaml")

    assert CriteriaSet.objects.filter(workshop=workshop).count() == 1
