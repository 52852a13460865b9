"""Physical medicine: therapy, chiropractic, acupuncture, massage, aquatic therapy, work
conditioning, TENS and passive modalities.

Its items are courses of visits (a TENS unit: a rental of days, or a purchase): a request must
state how many, and the rules set how many are certifiable (course, trial, cap, postsurgical
course). The visit counts of its fact (prior course, cap, surgery) are built in
checker.engine.facts, which every family's fact shares the surgery fields with.
"""
from __future__ import annotations

from typing import Optional

from checker.kinds.base import Attribute, ServiceKind
from checker.kinds.registry import register
from checker.vocab import PHYSICAL_MEDICINE, Family, Kind


class PhysicalMedicine(ServiceKind):
    def quantity(self, item) -> tuple[Optional[int], str, bool]:
        if item.family is Family.tens:
            # A device: a rental is judged by its days, a purchase by its trial; the device rule
            # itself says when the request does not say which (checker.engine.checks._device_trial).
            if item.mode == "rental" and item.duration_days is not None:
                return item.duration_days, "days", True
            return item.visits, "visits", True
        return item.visits, "visits", item.quantity_specified


KIND = register(PhysicalMedicine(
    Kind.physical_medicine,
    PHYSICAL_MEDICINE,
    attributes=(
        Attribute("therapy", "active or passive therapy (CPMTG Physical Medicine)", ("active", "passive")),
        Attribute("modality", "the passive modality named (services.yaml)"),
        Attribute("electrical_stimulation", "acupuncture with electrical stimulation", (True, False)),
    ),
    quantity_unit="visits",
    needs_quantity=True,
))
