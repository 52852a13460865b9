"""Services: consultations and evaluations, home care, facility care and transportation.

What the rules ask of each (FACTS-beyond-physmed.md 9.2, 9.3, 14):
1. consultation (office visit, specialist referral, functional capacity evaluation, psychological
   evaluation ...): its service and specialty as the item reader gives them, whether a specialty is
   named (`specialty_stated`), the visits requested; the record's reason for a follow-up and whether
   work capability is at issue (checker.kinds.function_facts).
2. home care: hours a day, days of service, whether the line gives the services' frequency and
   duration and the provider's level or licensure (CPMTG Home health services: "the expected kinds of
   services ... with an estimate of the duration and frequency", "the level of expertise and/or
   professional licensure"), and the period it spans: beyond 60 days an in-home evaluation is due
   (`home_evaluation_when_due`).
3. facility care (inpatient rehabilitation, skilled nursing, programs): its setting, days, the
   therapy disciplines the line names and the hours of therapy a day it states.
4. transportation: trips; no criteria encoded (FACTS H5 is MEMORY only).
Every item also carries the patient's function, care needs and work facts (function_facts).
Vocabularies: services.yaml and item_cues.yaml (what the reader gives), service_details.yaml (providers,
therapy disciplines).
"""
from __future__ import annotations

import math
import re
from functools import lru_cache
from typing import Literal, Optional

from pydantic import Field, model_validator

from checker.engine.fact_fields import UNKNOWN
from checker.kb.data import vocabulary
from checker.kb.fields import StrictModel, VocabSource
from checker.kinds.base import Attribute, KindFact, ServiceKind
from checker.kinds.function_facts import function_fields
from checker.kinds.registry import register
from checker.normalize.vocabulary import ENUMS, cues_vocabulary, services_vocabulary
from checker.vocab import Family, Kind, Tri

SERVICES = frozenset(f for f in Family if f.kind is Kind.services)
# "For home health care extending beyond a period of 60 days, the physician's treatment plan should include
# referral for an in-home evaluation" (CPMTG 2016 Home health services, pp. 89-90).
HOME_EVALUATION_DAYS = 60
_HOURS = re.compile(r"(?<![\d.])(\d{1,2}(?:\.\d)?)\s*-?\s*(?:hours?|hrs?)\b(?:\s*(?:of\s+)?(?:\w+\s+){0,3}?"
                    r"(?:(?:a|per|each|every|/)\s*day|daily))", re.I)


def _values(family: Family, attribute: str) -> tuple[str, ...]:
    return tuple(sorted({str(e.attributes[attribute]) for e in services_vocabulary().services
                         if e.family is family and attribute in e.attributes}))


SERVICE_VALUES = _values(Family.consultation, "service")
SPECIALTIES = tuple(sorted({c.value for c in cues_vocabulary().cues if c.cue == "specialty"}))
SETTINGS = tuple(sorted(ENUMS["setting"]))


# ------------------------------------------------------------------ providers and disciplines named on a line

class _Words(StrictModel):
    terms: list[str] = Field(default_factory=list)
    abbreviations: list[str] = Field(default_factory=list)
    source: str

    @model_validator(mode="after")
    def _named(self):
        if not (self.terms or self.abbreviations):
            raise ValueError("terms: an entry needs terms or abbreviations")
        return self


class Provider(_Words):
    level: Literal["aide", "nurse", "therapist"]


class Discipline(_Words):
    discipline: Literal["physical_therapy", "occupational_therapy", "speech_language_pathology", "prosthetics_orthotics"]


class ServiceDetailsFile(StrictModel):
    sources: dict[str, VocabSource] = Field(min_length=1)
    providers: list[Provider] = Field(min_length=1)
    disciplines: list[Discipline] = Field(min_length=1)

    @model_validator(mode="after")
    def _sources(self):
        for group in ("providers", "disciplines"):
            for i, entry in enumerate(getattr(self, group)):
                if entry.source not in self.sources:
                    raise ValueError(f"{group}[{i}].source: {entry.source!r} is not one of {', '.join(self.sources)}")
        return self


def _regex(entry: _Words) -> re.Pattern:
    words = [r"(?i:" + r"[\s-]+".join(map(re.escape, re.split(r"[\s-]+", w))) + ")" for w in entry.terms]
    words += [re.escape(a) for a in entry.abbreviations]
    return re.compile(r"(?<![\w-])(?:" + "|".join(words) + r")(?![\w-])")


@lru_cache(maxsize=1)
def _readers() -> tuple[list[tuple[str, re.Pattern]], list[tuple[str, re.Pattern]]]:
    data = vocabulary("service_details", ServiceDetailsFile)
    return ([(p.level, _regex(p)) for p in data.providers], [(d.discipline, _regex(d)) for d in data.disciplines])


def provider_levels(text: str) -> list[str]:
    return [level for level, pattern in _readers()[0] if pattern.search(text)]


def therapy_disciplines(text: str) -> list[str]:
    return [name for name, pattern in _readers()[1] if pattern.search(text)]


def therapy_hours_per_day(text: str) -> float:
    """Hours of therapy a day the line states ("3 hours of therapy per day"), -1 when none."""
    m = _HOURS.search(text)
    return float(m[1]) if m else UNKNOWN


# ------------------------------------------------------------------ the kind

def _number(value) -> Optional[float]:
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def home_evaluation_when_due(period_days: float, evaluation: Tri) -> str:
    """yes within HOME_EVALUATION_DAYS or with an in-home evaluation; no beyond them when the record says
    none was done; not_stated when the period is unknown or the evaluation is not mentioned."""
    if evaluation is Tri.yes or 0 <= period_days <= HOME_EVALUATION_DAYS:
        return Tri.yes.value
    if period_days > HOME_EVALUATION_DAYS and evaluation is Tri.no:
        return Tri.no.value
    return Tri.not_stated.value


def service_days(item) -> Optional[float]:
    """Days of home care asked for: the line's visits (or days), else every day of the weeks stated with
    hours a day ("4 hours a day for 2 weeks": 14), else the duration in days; None when not stated."""
    days = _number(item.attributes.get("days"))
    if days is not None:
        return days
    if item.weeks and _number(item.attributes.get("hours_per_day")) is not None:
        return item.weeks * 7
    return item.duration_days


def _tri(condition: bool) -> str:
    return (Tri.yes if condition else Tri.no).value


class Services(ServiceKind):
    def quantity(self, item) -> tuple[Optional[int], str, bool]:
        """Home care: days of service (its visits; daily for the weeks stated with hours a day); facility
        care: days of the stay; a consultation: its visits, one when the line names no number; transport:
        trips. A quantity the line leaves out is for the rules to call incomplete, not a reason of its own."""
        if item.family is Family.home_care:
            days = service_days(item)
            return (math.ceil(days) if days is not None else None), "days", True
        if item.family is Family.facility_care:
            return item.duration_days, "days", True
        if item.family is Family.transportation:
            return item.visits, "trips", True
        return (item.visits if item.visits is not None else 1), "visits", True

    def facts(self, item, context) -> dict:
        a = item.attributes
        hours = _number(a.get("hours_per_day"))
        days = service_days(item) if item.family is Family.home_care else _number(a.get("days"))
        if item.weeks:
            period = item.weeks * 7
        elif item.duration_days is not None:
            period = item.duration_days
        else:
            period = days if days is not None else UNKNOWN
        return {
            "specialty_stated": _tri(bool(a.get("specialty"))),
            "hours_per_day": hours if hours is not None else UNKNOWN,
            "service_days": days if days is not None else UNKNOWN,
            "service_period_days": period,
            "home_evaluation_when_due": home_evaluation_when_due(period, context.request.clinical.in_home_evaluation),
            "frequency_stated": _tri(bool(item.frequency_per_week or hours)),
            "service_duration_stated": _tri(bool(item.weeks or item.duration_days or days)),
            "provider_level_stated": _tri(bool(provider_levels(item.text))),
            "therapy_disciplines": len(therapy_disciplines(item.text)),
            "therapy_hours_per_day": therapy_hours_per_day(item.text),
            **function_fields(context.request, context.dates.clinical),
        }

    def understood(self, item) -> list[tuple[str, str]]:
        a = item.attributes
        lines: list[tuple[str, str]] = []
        if item.family is Family.consultation:
            lines.append(("Service", str(a.get("service") or "not named").replace("_", " ")))
            lines.append(("Specialty", str(a.get("specialty") or "not named").replace("_", " ")))
        elif item.family is Family.home_care:
            hours = _number(a.get("hours_per_day"))
            lines.append(("Hours a day", f"{hours:g} hours" if hours is not None else "not stated"))
            days = service_days(item)
            lines.append(("Days of service", f"{days:g} days" if days is not None else "not stated"))
            levels = provider_levels(item.text)
            lines.append(("Provider", ", ".join(levels) if levels else "level not stated"))
        elif item.family is Family.facility_care:
            lines.append(("Setting", str(a.get("setting") or "not named").replace("_", " ")))
            lines.append(("Stay", f"{item.duration_days} days" if item.duration_days is not None else "not stated"))
            named = therapy_disciplines(item.text)
            lines.append(("Therapy disciplines", ", ".join(n.replace("_", " ") for n in named) or "none named"))
        return lines


KIND = register(Services(
    Kind.services,
    SERVICES,
    attributes=(
        Attribute("service", "consultation: the service (services.yaml)", SERVICE_VALUES),
        Attribute("specialty", "consultation: the specialty named (item_cues.yaml)", SPECIALTIES),
        Attribute("hours_per_day", "home care: hours a day"),
        Attribute("days", "home care: days of service; facility care: days of the stay"),
        Attribute("setting", "facility care: the setting (services.yaml)", SETTINGS),
    ),
    fact_defs=(
        KindFact("specialty_stated", "tri", "a consultation names the specialty"),
        KindFact("hours_per_day", "number", "home care: hours a day (-1 not stated)"),
        KindFact("service_days", "number", "home care: days of service requested (-1 not stated)"),
        KindFact("service_period_days", "number", "the period the services span, in days (-1 not stated)"),
        KindFact("home_evaluation_when_due", "tri", f"home care within {HOME_EVALUATION_DAYS} days, or an in-home "
                 "evaluation beyond them"),
        KindFact("frequency_stated", "tri", "the line states how often (times a week, hours a day)"),
        KindFact("service_duration_stated", "tri", "the line states for how long (weeks, days)"),
        KindFact("provider_level_stated", "tri", "the line names the provider's level (aide, nurse, therapist)"),
        KindFact("therapy_disciplines", "number", "therapy disciplines the line names (PT, OT, speech, P&O)"),
        KindFact("therapy_hours_per_day", "number", "hours of therapy a day the line states (-1 not stated)"),
    ),
    quantity_unit="visits",
))
