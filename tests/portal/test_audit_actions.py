"""Every verb the code records has a label on the staff's audit log page."""

import re
from pathlib import Path

from portal.audit.actions import ACTIONS, action_choices, action_label

ROOT = Path(__file__).resolve().parents[2]
APPS = ["portal", "criteria", "submissions", "reviews", "assignment", "reports", "imports"]
APPS += ["api", "privacy"]
RECORDED = re.compile(r'action="([a-z_]+\.[a-z_]+)"')


def _recorded_verbs() -> set[str]:
    verbs = set()
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" not in path.parts:
                verbs.update(RECORDED.findall(path.read_text(encoding="utf-8")))
    return verbs


def test_every_recorded_verb_has_a_label():
    verbs = _recorded_verbs()
    assert len(verbs) > 80  # the scan found the services
    assert sorted(v for v in verbs if v not in ACTIONS) == []


def test_labels_are_translated_text_and_unknown_verbs_show_as_themselves():
    assert action_label("submission.screened") == "Submission screened"
    assert action_label("something.new") == "something.new"
    verbs = [verb for verb, _label in action_choices()]
    assert "erasure.approved" in verbs and "bid.set" in verbs and "user.signed_in" in verbs
