"""Agreement between predicted and real IMR outcomes on two classes, Upheld and Overturned.

Pure functions over (actual, predicted) pairs. Overturned is the positive class: it is the
outcome a requester hopes for, and the rare one. Every ratio whose denominator is zero is
None ("undefined"), never a division error and never a made-up number:

* accuracy of no items is None;
* Overturned precision when nothing is predicted Overturned is None;
* Overturned recall when no item was Overturned is None;
* Cohen's kappa when chance agreement is 1 (both sides give one and the same class to
  every item, so agreement says nothing beyond chance) is None. When only the prediction
  is constant (the always-"Upheld" baseline on mixed outcomes) kappa is defined and 0.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Iterable, Optional

UPHELD, OVERTURNED = "Upheld", "Overturned"
CLASSES = (UPHELD, OVERTURNED)


@dataclass(frozen=True)
class Confusion:
    """Counts of (actual, predicted): tp = Overturned predicted Overturned, and so on."""

    tp: int = 0  # actual Overturned, predicted Overturned
    fn: int = 0  # actual Overturned, predicted Upheld
    fp: int = 0  # actual Upheld, predicted Overturned
    tn: int = 0  # actual Upheld, predicted Upheld

    @property
    def n(self) -> int:
        return self.tp + self.fn + self.fp + self.tn

    @classmethod
    def of(cls, pairs: Iterable[tuple[str, str]]) -> "Confusion":
        """From (actual, predicted) pairs, each Upheld or Overturned."""
        counts = {"tp": 0, "fn": 0, "fp": 0, "tn": 0}
        for actual, predicted in pairs:
            if actual not in CLASSES or predicted not in CLASSES:
                raise ValueError(f"expected Upheld or Overturned, got ({actual!r}, {predicted!r})")
            key = ("t" if actual == predicted else "f") + ("p" if predicted == OVERTURNED else "n")
            counts[key] += 1
        return cls(**counts)


def _ratio(num: float, den: float) -> Optional[float]:
    return None if den == 0 else num / den


def accuracy(c: Confusion) -> Optional[float]:
    return _ratio(c.tp + c.tn, c.n)


def recall(c: Confusion) -> Optional[float]:
    """Share of the Overturned items predicted Overturned."""
    return _ratio(c.tp, c.tp + c.fn)


def precision(c: Confusion) -> Optional[float]:
    """Share of the Overturned predictions that were Overturned."""
    return _ratio(c.tp, c.tp + c.fp)


def kappa(c: Confusion) -> Optional[float]:
    """Cohen's kappa: (observed - chance agreement) / (1 - chance agreement)."""
    n = c.n
    if n == 0:
        return None
    observed = (c.tp + c.tn) / n
    actual_over, predicted_over = (c.tp + c.fn) / n, (c.tp + c.fp) / n
    chance = actual_over * predicted_over + (1 - actual_over) * (1 - predicted_over)
    if chance >= 1.0:
        return None
    return (observed - chance) / (1 - chance)


@dataclass(frozen=True)
class Scores:
    n: int
    accuracy: Optional[float]
    overturned_recall: Optional[float]
    overturned_precision: Optional[float]
    kappa: Optional[float]
    confusion: dict

    def as_dict(self) -> dict:
        return asdict(self)


def scores(c: Confusion) -> Scores:
    return Scores(n=c.n, accuracy=accuracy(c), overturned_recall=recall(c), overturned_precision=precision(c),
                  kappa=kappa(c), confusion=asdict(c))


def baseline(c: Confusion) -> Confusion:
    """The same items predicted "Upheld" every time."""
    return Confusion(tp=0, fn=c.tp + c.fn, fp=0, tn=c.fp + c.tn)
