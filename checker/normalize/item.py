"""A request item as the rules see it: the free text read by the normalizer, overridden
by whatever structured fields the request gives."""
from __future__ import annotations

import math
from typing import Any, Literal, Optional

from pydantic import BaseModel, ConfigDict

from checker.normalize.item_text import parse_item
from checker.normalize.services import NO_SERVICE
from checker.request.model import RequestItem
from checker.unvalidated import adopt
from checker.vocab import Family, Region


class NormalizedItem(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    text: str  # as written (or a description built from the structured fields)
    family: Family
    visits: Optional[int]  # requested / disputed visits
    visits_min: Optional[int]
    frequency_per_week: Optional[float]
    weeks: Optional[float]
    regions: list[Region]
    quantity_specified: bool
    authorized_visits: int
    original_visits: Optional[int]
    mode: Optional[Literal["rental", "purchase"]]
    duration_days: Optional[int]
    maintenance: bool
    evaluation_only: bool
    postoperative: bool
    additional: bool = False  # "additional", "continued", "further", "more" ... therapy: a course was given before
    associated_surgery: bool = False  # a service of a surgery ("Associated surgical service: X", pre-/post-op X)
    attributes: dict[str, Any] = {}  # what the kind's rules test (modality, contrast, studies, type, device ...)
    codes: list[str] = []  # CPT/HCPCS codes found on the item line
    unread: Optional[str] = None  # "could not read the service" / "could not read the quantity"


def _describe(item: RequestItem) -> str:
    parts = [item.family.label if item.family else "Treatment"]
    if item.visits is not None:
        parts.append(f"x {item.visits}")
    elif item.frequency_per_week and item.weeks:
        parts.append(f"{item.frequency_per_week:g} x {item.weeks:g}")
    if item.regions:
        parts.append("for " + ", ".join(r.value for r in item.regions))
    return " ".join(parts)


def _by_value(region: Region) -> str:
    return region._value_  # Enum.value is a property, slow in this hot path


def _in_order(regions) -> list[Region]:
    """The regions once each, by name (most items name one or none)."""
    if len(regions) < 2:
        return list(regions)
    return sorted(set(regions), key=_by_value)


def normalize_item(item: RequestItem) -> NormalizedItem:
    text = (item.text or "").strip() or _describe(item)
    parsed = parse_item(text)
    given = item.model_fields_set

    frequency = item.frequency_per_week if "frequency_per_week" in given else parsed.frequency_per_week
    weeks = item.weeks if "weeks" in given else parsed.weeks
    if "visits" in given:
        visits = visits_min = item.visits
    elif {"frequency_per_week", "weeks"} & given and frequency and weeks:
        visits = visits_min = math.ceil(frequency * weeks)
    else:
        visits, visits_min = parsed.visits, parsed.visits_min
        if visits == 0:  # "x 0" asks for nothing: read as a quantity not stated, not as 0 visits to certify
            visits = visits_min = None
    evaluation_only = parsed.evaluation_only and "visits" not in given
    if evaluation_only and visits is None:
        # An evaluation is a visit of its family: it counts toward the course, the trial and
        # the 24-visit cap, and is judged like any other visit (prior care, regions ...).
        visits = visits_min = 1
    mode = item.mode if "mode" in given else parsed.mode
    family = item.family if item.family is not None else parsed.family
    specified = visits is not None if family is not Family.tens else mode is not None
    unread = parsed.unread
    if unread == NO_SERVICE and item.family is not None:
        unread = None  # the request names the family
    elif unread and unread != NO_SERVICE and visits is not None:
        unread = None  # the request's own quantity fields
    # built unvalidated: every value comes from the validated RequestItem and ParsedItem (or is an int
    # or list made here); the parse is memoized, so its attributes and codes are copied. Every field is
    # given, in declaration order, in a fresh dict: adopt (no keyword packing, no field-set made)
    return adopt(NormalizedItem, {
        "text": text,
        "family": family,
        "visits": visits,
        "visits_min": visits_min if visits_min is not None else visits,
        "frequency_per_week": frequency,
        "weeks": weeks,
        "regions": _in_order(item.regions or parsed.regions),
        "quantity_specified": specified,
        "authorized_visits": item.authorized_visits if "authorized_visits" in given else parsed.authorized_visits,
        "original_visits": parsed.original_visits,
        "mode": mode,
        "duration_days": item.duration_days if "duration_days" in given else parsed.duration_days,
        "maintenance": item.maintenance or parsed.maintenance,
        "evaluation_only": evaluation_only,
        "postoperative": parsed.postoperative,
        "additional": parsed.additional,
        "associated_surgery": parsed.associated_surgery,
        "attributes": dict(parsed.attributes),
        "codes": list(parsed.codes),
        "unread": unread,
    })
