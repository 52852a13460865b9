"""The attributes of an item line that rules of each kind test (plain JSON values).

From the entries the line names (services.yaml: an entry's attributes, and a code's own, such as
the contrast of 72148), the cues around them (item_cues.yaml) and the regions, sides and levels:
- physical medicine: therapy (active / passive), modality, electrical_stimulation; a device's mode
  and rental days (TENS, interferential units);
- imaging: modality, contrast (with / without / with_and_without / none_stated; the words win over
  the code), open, upright, repeat, and the code's region or site;
- electrodiagnostic: studies, limbs (from the regions named; a spinal region alone stands for the
  limbs it supplies: cervical -> upper, lumbar -> lower), sides;
- injection: type (the most specific named: transforaminal over epidural over a bare injection;
  a bare injection into a peripheral joint is a joint injection), levels, side;
- surgery: procedure (the words of the line); surgical service: service, tests;
- dme: device, mode, duration_days; consultation: service, specialty;
- home care: hours_per_day, days; facility care: setting, days.
"""
from __future__ import annotations

import re
from typing import Any, Optional

from checker.normalize.regions import RegionReading
from checker.normalize.services import ServiceReading
from checker.normalize.vocabulary import ServiceEntry
from checker.vocab import Family, Kind, Region

UPPER = {Region.upper_extremity, Region.shoulder, Region.elbow, Region.wrist_hand}
LOWER = {Region.lower_extremity, Region.hip, Region.knee, Region.ankle_foot}
SPINE_LIMB = {Region.cervical: "upper", Region.lumbar: "lower"}
JOINTS = {Region.shoulder, Region.elbow, Region.wrist_hand, Region.hip, Region.knee, Region.ankle_foot}
_TYPE_RANK = {"other": 0, "epidural": 1}
_HEADING = re.compile(r"(?i)^\s*associated\s+surgical\s+services?\s*:?\s*")


def _of(services: list[ServiceEntry], family: Family) -> list[ServiceEntry]:
    return [e for e in services if e.family is family]


def _unique(values) -> list:
    out = []
    for v in values:
        if v is not None and v not in out:
            out.append(v)
    return out


def _side(regions: RegionReading) -> Optional[str]:
    if "bilateral" in regions.sides:
        return "bilateral"
    return regions.sides[0] if regions.sides else None


def _code_attributes(reading: ServiceReading) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for code, entry in zip(reading.codes, reading.coded):
        out.update({k: v for k, v in entry.code_attributes.get(code, {}).items() if k not in out})
    return out


def read_attributes(reading: ServiceReading, regions: RegionReading, text: str, *, mode: Optional[str],
                    duration_days: Optional[int], visits: Optional[int], hours_per_day: Optional[float]) -> dict:
    family, entry = reading.family, reading.entry
    if entry is None:
        return {}
    base = {k: v for k, v in entry.attributes.items() if k != "preoperative_test"}
    kind = family.kind
    if kind is Kind.physical_medicine:
        out = {k: v for k, v in base.items() if k in ("therapy", "modality", "electrical_stimulation", "technique",
                                                      "device")}
        if "device" in base or family is Family.tens or mode:
            out.update(mode=mode, duration_days=duration_days)
        return out
    if family is Family.imaging:
        flags = reading.cue("imaging_flag")
        contrast = reading.cue("contrast")
        out = {"modality": base.get("modality"),
               "contrast": contrast[0] if contrast else _code_attributes(reading).get("contrast", "none_stated"),
               "open": "open" in flags, "upright": "upright" in flags, "repeat": "repeat" in flags}
        for key in ("region", "site"):
            if key in base:
                out[key] = base[key]
        return out
    if family is Family.electrodiagnostic:
        limbs = _unique(["upper" if r in UPPER else "lower" if r in LOWER else None for r in regions.regions])
        if not limbs:
            limbs = _unique(SPINE_LIMB.get(r) for r in regions.regions)
        studies = _unique(e.attributes.get("study") for e in _of(reading.services, family))
        return {"studies": sorted(studies), "limbs": sorted(limbs), "sides": list(regions.sides)}
    if family is Family.injection:
        named = _of(reading.services, family) or [entry]
        types = [e.attributes.get("type", "other") for e in named]
        best = max(types, key=lambda t: _TYPE_RANK.get(t, 2))
        if best == "other" and regions.regions and set(regions.regions) <= JOINTS:
            best = "joint"
        return {"type": best, "levels": regions.levels, "side": _side(regions)}
    if family is Family.surgery:
        return {"procedure": _HEADING.sub("", text).strip(" .,;:")}
    if family is Family.surgical_service:
        named = _of(reading.services, family)
        tests = _unique([e.attributes.get("test") for e in named]
                        + ["chest_xray" for e in reading.services if e.attributes.get("preoperative_test")])
        services = [e.attributes.get("service") for e in named]
        if "assistant_surgeon" in services:
            service = "assistant_surgeon"
        elif "clearance" in services:
            service = "clearance"
        elif "anesthesia" in services and not tests:
            service = "anesthesia"
        elif tests in (["ekg"], ["chest_xray"]):
            service = tests[0]
        else:
            service = "labs"
        return {"service": service, "tests": tests}
    if family is Family.dme:
        return {"device": base.get("device", "unspecified"), "mode": mode, "duration_days": duration_days}
    if family is Family.consultation:
        specialty = reading.cue("specialty")
        return {"service": base.get("service"), "specialty": specialty[0] if specialty else None}
    if family is Family.home_care:
        return {"hours_per_day": hours_per_day, "days": visits if visits is not None else duration_days}
    if family is Family.facility_care:
        return {"setting": base.get("setting"), "days": duration_days}
    return base
