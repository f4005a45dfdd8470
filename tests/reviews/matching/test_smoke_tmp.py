from reviews.matching.data import load_matching_data
from reviews.matching.engine import propose
from reviews.matching.options import RunSettings
from tests.reviews.matching.conftest import HAND_WEIGHTS


def test_smoke(hand_instance):
    data = load_matching_data(workshop=hand_instance.workshop)
    p = propose(data=data, settings=RunSettings(k=2, weights=HAND_WEIGHTS))
    pairs = sorted(
        (data.sub_codes[s], data.rev_emails[r], sc) for s, r, sc in zip(p.sub, p.rev, p.score)
    )
    print(pairs)
    import json

    print(json.dumps(p.summary, indent=1)[:3000])
    print(p.why)
