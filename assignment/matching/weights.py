"""The weights of the affinity score (see affinity.py), which staff may override per run."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, fields
from typing import Any

import numpy as np
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .data import BID_CODES


@dataclass(frozen=True)
class AffinityWeights:
    """Weights of the affinity score; staff can override any of them per run.

    Defaults: the text weight multiplies the calibrated text term (affinity.TextScale: 0 at
    the workshop's median text similarity, 1 at its 99th percentile, at most 1.5), so at
    1.0 a pair in the top 1 % of text similarity adds as much as one declared level-3
    match (expertise 1.0), and a strong text match outweighs a weak declared one (level 1:
    0.4). Before issue 15 the weight was 0.5 on the raw TF-IDF cosine of one joined
    statement: the median pair's text then added about 0.05 and text only broke ties. An
    "eager" bid adds as much as half a perfect expertise match, "willing" a quarter; "not
    willing" subtracts more than any pair can otherwise score, so it loses to every other
    option.
    """

    expertise: float = 1.0
    text: float = 1.0
    risk_area_share: float = 0.6
    level_1: float = 0.4
    level_2: float = 0.7
    level_3: float = 1.0
    bid_eager: float = 0.5
    bid_willing: float = 0.25
    bid_not_willing: float = -2.0

    def __post_init__(self):
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ValidationError(_("Affinity weights must be numbers."))
            if not math.isfinite(value) or abs(value) > 100:
                raise ValidationError(_("Affinity weights must be between -100 and 100."))
        if self.expertise < 0 or self.text < 0:
            raise ValidationError(_("The expertise and text weights cannot be negative."))
        if not 0 <= self.risk_area_share <= 1:
            raise ValidationError(_("The risk-area share must be between 0 and 1."))
        if not 0 <= self.level_1 <= self.level_2 <= self.level_3:
            raise ValidationError(_("Expertise level weights must grow with the level."))
        if not self.bid_eager >= self.bid_willing >= 0 >= self.bid_not_willing:
            raise ValidationError(
                _("Bid weights must keep the order eager ≥ willing ≥ 0 ≥ not willing.")
            )

    def to_json(self) -> dict[str, float]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any] | AffinityWeights | None) -> AffinityWeights:
        if isinstance(data, AffinityWeights):
            return data
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in (data or {}).items() if k in known})

    def bid_bonus(self) -> np.ndarray:
        """Bonus by bid code (data.BID_CODES); the conflict code is never scored."""
        bonus = np.zeros(max(BID_CODES.values()) + 1, dtype=np.float32)
        bonus[BID_CODES["eager"]] = self.bid_eager
        bonus[BID_CODES["willing"]] = self.bid_willing
        bonus[BID_CODES["not_willing"]] = self.bid_not_willing
        return bonus
