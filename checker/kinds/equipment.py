"""Equipment: durable medical equipment and supplies (family dme); TENS and interferential units stay
with physical medicine.

An item is a device (services.yaml's dme entries: cold therapy unit, brace, walker, hearing aid ...),
rented for a number of days or purchased. What the rules ask of it (FACTS-beyond-physmed.md 8, 2):
1. Its terms: whether it is rented or bought, and for how long a rental runs (X2, an incomplete
   request: `mode_stated`, `duration_stated`); a hearing aid also its type (`device_type_stated`),
   a heat or cold device whether it is a unit or a pack, pad or wrap (`heat_cold_unit`; the types
   a line names: rules/vocab/equipment_types.yaml).
2. Its place after a surgery: days since the latest surgery (`postoperative_days`, 0 when the
   surgery is planned) and whether a surgery of the patient is a knee arthroplasty
   (`knee_arthroplasty`, for continuous passive motion).
3. The patient's function, hearing and care needs (checker.kinds.function_facts).
The requested quantity is the rental's days (its weeks x 7 when the line gives weeks), or one device
bought (or of unstated terms).
"""
from __future__ import annotations

import math
import re
from functools import lru_cache
from typing import Optional

from pydantic import Field, field_validator, model_validator

from checker.engine.fact_fields import UNKNOWN
from checker.kb.data import vocabulary
from checker.kb.fields import StrictModel, VocabSource
from checker.kinds.base import Attribute, KindFact, ServiceKind
from checker.kinds.function_facts import function_fields
from checker.kinds.registry import register
from checker.normalize.vocabulary import CodeRange, services_vocabulary
from checker.vocab import Family, Kind, Tri

EQUIPMENT = frozenset(f for f in Family if f.kind is Kind.equipment)
KNEE_ARTHROPLASTY = "knee_arthroplasty"  # rules/_categories.yaml surgery category


def device_values() -> tuple[str, ...]:
    """The devices the item reader gives (services.yaml's dme entries), as the closed values of `device`."""
    found = {str(e.attributes["device"]) for e in services_vocabulary().services
             if e.family in EQUIPMENT and "device" in e.attributes}
    return tuple(sorted(found | {"unspecified"}))


DEVICES = device_values()


# ------------------------------------------------------------------ the types a device request names

class DeviceType(StrictModel):
    device: str
    type: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    terms: list[str] = Field(default_factory=list, description="words naming the type, any case")
    abbreviations: list[str] = Field(default_factory=list, description="only as written")
    codes: list[str] = Field(default_factory=list, description="HCPCS codes or ranges whose descriptors name it")
    source: str
    note: Optional[str] = None

    @field_validator("device")
    @classmethod
    def _device(cls, v):
        if v not in DEVICES:
            raise ValueError(f"expected a device of services.yaml ({', '.join(DEVICES)}), got {v!r}")
        return v

    @field_validator("codes")
    @classmethod
    def _codes(cls, v):
        for c in v:
            CodeRange.parse(c)
        return v

    @model_validator(mode="after")
    def _named(self):
        if not (self.terms or self.abbreviations or self.codes):
            raise ValueError("terms: a type needs terms, abbreviations or codes")
        return self


class DeviceTypesFile(StrictModel):
    sources: dict[str, VocabSource] = Field(min_length=1)
    types: list[DeviceType] = Field(min_length=1)

    @model_validator(mode="after")
    def _sources(self):
        for i, t in enumerate(self.types):
            if t.source not in self.sources:
                raise ValueError(f"types[{i}].source: {t.source!r} is not one of {', '.join(self.sources)}")
        return self


_NEVER = re.compile(r"(?!)")


@lru_cache(maxsize=1)
def _type_readers() -> dict[str, list[tuple[str, re.Pattern, list[CodeRange]]]]:
    """Per device, its types in file order: each with one regex of its words (abbreviations as written) and codes."""
    data = vocabulary("equipment_types", DeviceTypesFile)
    out: dict[str, list[tuple[str, re.Pattern, list[CodeRange]]]] = {}
    for t in data.types:
        words = [r"(?i:" + r"[\s-]+".join(map(re.escape, re.split(r"[\s-]+", w))) + ")" for w in t.terms]
        words += [re.escape(a) for a in t.abbreviations]
        pattern = re.compile(r"(?<![\w-])(?:" + "|".join(words) + r")(?![\w-])") if words else _NEVER
        out.setdefault(t.device, []).append((t.type, pattern, [CodeRange.parse(c) for c in t.codes]))
    return out


def named_types(device: str, text: str, item_codes: list[str]) -> list[str]:
    """The types of ``device`` the line names, by words or by a code, in the vocabulary's order."""
    return [name for name, pattern, ranges in _type_readers().get(device, [])
            if pattern.search(text) or any(r.contains(c) for c in item_codes for r in ranges)]


def device_type_stated(device: str, text: str, item_codes: list[str]) -> str:
    """yes when the line names the device's type (words or a code), no when it does not; not_stated for a
    device whose types the vocabulary does not list."""
    if device not in _type_readers():
        return Tri.not_stated.value
    return (Tri.yes if named_types(device, text, item_codes) else Tri.no).value


def heat_cold_unit(device: str, text: str, item_codes: list[str]) -> str:
    """A heat or cold device: yes when the line names a unit, no when it names only packs, pads or wraps."""
    if device != "heat_cold_wrap":
        return Tri.not_stated.value
    types = named_types(device, text, item_codes)
    return (Tri.yes if "unit" in types else Tri.no if "pack" in types else Tri.not_stated).value


# ------------------------------------------------------------------ surgery

def knee_arthroplasty(request, kb) -> str:
    """yes when a surgery of the patient (done or planned) is a knee arthroplasty, no when the surgeries
    named are others, not_stated when none is named."""
    surgeries = request.patient.surgeries
    if not surgeries:
        return Tri.not_stated.value
    hit = any(KNEE_ARTHROPLASTY in kb.classify_surgery(s.procedure) for s in surgeries)
    return (Tri.yes if hit else Tri.no).value


# ------------------------------------------------------------------ the kind

def rental_days(item) -> Optional[int]:
    """The rental's length: its days, or its weeks ("rental for 3 weeks": 21 days); None when not stated."""
    if item.duration_days is not None:
        return item.duration_days
    return math.ceil(item.weeks * 7) if item.weeks else None


class Equipment(ServiceKind):
    def quantity(self, item) -> tuple[Optional[int], str, bool]:
        days = rental_days(item)
        if days is not None and item.mode != "purchase":
            return days, "days", True
        if item.mode == "rental":
            return None, "days", False  # a rental of unstated length (rfa.dme.rental_length says so)
        return 1, "device", True

    def facts(self, item, context) -> dict:
        device = str(item.attributes.get("device") or "unspecified")
        purchase = item.mode == "purchase"
        days = rental_days(item)
        return {
            "mode_stated": (Tri.yes if item.mode else Tri.no).value,
            "duration_stated": (Tri.yes if purchase or days is not None else Tri.no).value,
            "rental_days": days if days is not None and not purchase else UNKNOWN,
            "device_type_stated": device_type_stated(device, item.text, item.codes),
            "heat_cold_unit": heat_cold_unit(device, item.text, item.codes),
            "knee_arthroplasty": knee_arthroplasty(context.request, context.kb),
            **function_fields(context.request, context.dates.clinical),
        }

    def understood(self, item) -> list[tuple[str, str]]:
        device = str(item.attributes.get("device") or "unspecified")
        lines = [("Device", device.replace("_", " "))]
        if item.mode:
            lines.append(("Mode", item.mode))
        else:
            lines.append(("Mode", "rental or purchase not stated"))
        days = rental_days(item)
        if days is not None and item.mode != "purchase":
            lines.append(("Rental length", f"{days} days"))
        if device in _type_readers():
            types = named_types(device, item.text, item.codes)
            lines.append(("Type", ", ".join(t.replace("_", " ") for t in types) if types else "not named"))
        return lines


KIND = register(Equipment(
    Kind.equipment,
    EQUIPMENT,
    attributes=(
        Attribute("device", "the device named (services.yaml dme entries)", DEVICES),
        Attribute("mode", "rental or purchase, when the line says", ("rental", "purchase")),
        Attribute("duration_days", "the rental's length in days, when the line says"),
    ),
    fact_defs=(
        KindFact("mode_stated", "tri", "the request says rental or purchase"),
        KindFact("rental_days", "number", "the rental's length in days (its weeks x 7; -1 not stated or bought)"),
        KindFact("duration_stated", "tri", "a rental states its length (a purchase has none to state)"),
        KindFact("device_type_stated", "tri", "the request names the device's type (hearing aid style ...)"),
        KindFact("heat_cold_unit", "tri", "a heat or cold device is a unit (yes) or a pack, pad or wrap (no)"),
        KindFact("knee_arthroplasty", "tri", "a surgery of the patient, done or planned, is a knee arthroplasty"),
    ),
    quantity_unit="device",
))
