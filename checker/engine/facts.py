"""Build the flat fact the rules are evaluated on, for one item of one request.

Every field is a plain JSON value (durable-rules matches on JSON). Counts of earlier care that
are only known as a range use the lower bound: a limit is exceeded only when it is certainly
exceeded. A requested range is judged by its high end (RANGE_END below).

An item written as "additional", "continued", "further" or "more" therapy was preceded by a
course of its family: when the case records none, the fact says there was one of unknown size
(has_prior true, prior_known false), so the rules on continuing treatment apply.

Surgery facts are the item's own (a knee meniscectomy says nothing about therapy for the
shoulder), so every postsurgical rule stays in its region:
  1. A surgery's regions are, per surgery category it falls in, the category's regions
     (rules/_categories.yaml), narrowed to the regions the rest of its procedure text names
     (not the words that put it in the category: "radial head ORIF"); a category the text
     contradicts ("arthroscopic debridement of the knee" also reads as shoulder arthroscopy)
     is dropped. A procedure in no category has the regions its text names.
  2. An item's regions are those it names, else the patient's (request_regions). A surgery
     concerns the item when their regions meet (an extremity holds its joints), or when
     either side's regions are unknown, or when the item is post-operative and names none.
  3. `surgeries`, `days_since_surgery` and `surgery_performed` come from the latest
     performed surgery that concerns the item, with only its categories that concern it.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable, Literal

from checker.engine.checks import item_field
from checker.kb.load import KnowledgeBase
from checker.kinds.clinical_facts import clinical_fields
from checker.kinds.base import ServiceKind
from checker.kinds.registry import kind_of
from checker.kinds.surgery import after_surgery, as_performed, surgery_link
from checker.normalize.item import NormalizedItem
from checker.normalize.item_text import detect_regions
from checker.normalize.regions import names_the_spine
from checker.request.model import PriorCourse, Surgery, TreatmentRequest, VisitCount
from checker.vocab import CAP_GROUP, COURSE_POOL, SPINE, Family, Region, Tri

HISTORY_TRI = (
    "home_exercise_program", "flare_up", "medication_reduced_or_not_tolerated", "adjunct_to_exercise",
    "reduced_weight_bearing_needed", "returned_to_work", "other_modalities_failed", "return_to_work_goal",
    "plateau_after_therapy", "indication_documented",
)
CHRONIC_DAYS = 90  # 8 CCR 9792.20(b): pain lasting three or more months
ACUTE_DAYS = 28  # MTUS Opioids TG 2016 section 1: acute pain, up to four weeks after injury
WORK_CONDITIONING_DAYS = 730  # no more than 2 years past the date of injury
RECENT_SURGERY_DAYS = 365
# An extremity named as a whole holds its joints: "PT for the right leg" after knee surgery.
EXTREMITY_PARTS = {
    Region.upper_extremity: frozenset({Region.shoulder, Region.elbow, Region.wrist_hand}),
    Region.lower_extremity: frozenset({Region.hip, Region.knee, Region.ankle_foot}),
}

# How a requested range ("1-2 times a week for 4 weeks" = 4 to 8 visits, "8-12 visits") is
# judged: by its high end, all that certifying it would authorize. The dev letters' reviewers
# read a range the guideline gives as an allowance up to its high end ("9-10 visits" as "up to
# 10 sessions", CM17-0013754 and CM17-0018279; "3 to 6 treatments" as "an initial trial of 6",
# CM17-0007857 and CM16-0249536) and measure a request by all it asks for ("2 times a week for 6
# weeks" as "12 additional PT sessions", CM17-0018279); none of them disputes a requested range.
# checker.decide reads the item's requested quantity as its high end too (NormalizedItem.visits).
RANGE_END: Literal["high", "low"] = "high"


@dataclass(frozen=True)
class Dates:
    guideline: dt.date  # selects the rules in force (--as-of, else the request date, else today)
    clinical: dt.date  # measures intervals: days since injury and surgery
    basis: str = "request_date"  # what `guideline` is: request_date, as_of or today


def pick_dates(request: TreatmentRequest, as_of: dt.date | None, today: dt.date) -> Dates:
    clinical = request.request_date or as_of or today
    basis = "as_of" if as_of else "request_date" if request.request_date else "today"
    return Dates(guideline=as_of or request.request_date or today, clinical=clinical, basis=basis)


def phase(injury_days: int | None) -> str:
    """acute (up to 4 weeks), subacute (to 3 months), chronic (3 months or more), or unknown."""
    if injury_days is None or injury_days < 0:
        return "unknown"
    return "acute" if injury_days <= ACUTE_DAYS else "subacute" if injury_days < CHRONIC_DAYS else "chronic"


_YES, _NO, _NOT_STATED = Tri.yes._value_, Tri.no._value_, Tri.not_stated._value_
_TRI_YES = Tri.yes  # (a module constant: looking a member up on its Enum class is slow in this hot path)


def _tri(known: bool, true: bool) -> str:
    return _NOT_STATED if not known else _YES if true else _NO


def patient_conditions(request: TreatmentRequest, kb: KnowledgeBase) -> list[str]:
    found: list[str] = []
    for d in request.patient.diagnoses:
        for c in kb.classify_conditions(d.text, d.code):
            if c not in found:
                found.append(c)
    return found


def patient_regions(request: TreatmentRequest, kb: KnowledgeBase, conditions: list[str]) -> list[Region]:
    regions = set(request.patient.regions) | set(kb.implied_regions(conditions))
    for d in request.patient.diagnoses:
        regions |= set(kb.diagnosis_regions(d.text, d.code))
        if d.text:
            regions |= _regions_named(d.text)
    return sorted(regions, key=lambda r: r.value)


@lru_cache(maxsize=4096)
def _regions_named(diagnosis: str) -> frozenset[Region]:
    """The regions a diagnosis's words name; memoized: the same diagnoses recur across requests."""
    return frozenset(detect_regions(diagnosis))


def prior_course(request: TreatmentRequest, family: Family) -> PriorCourse | None:
    """The earlier treatment that counts toward this family's course (pooled, see COURSE_POOL)."""
    given = request.history.prior_treatment
    if not given:  # the common case: no earlier treatment stated
        return None
    courses = [c for f in COURSE_POOL.get(family, (family,)) if (c := given.get(f)) is not None]
    if len(courses) <= 1:
        return courses[0] if courses else None
    if any(c.visits is None for c in courses):
        visits = None
    else:
        highs = [c.visits.max for c in courses]
        visits = VisitCount(min=sum(c.visits.min for c in courses), max=None if None in highs else sum(highs))
    marks = {c.functional_improvement for c in courses}
    fi = Tri.no if Tri.no in marks else Tri.yes if marks == {Tri.yes} else Tri.not_stated
    return PriorCourse(visits=visits, functional_improvement=fi)


def requested_visits(item: NormalizedItem) -> int:
    """The visits the rules judge a request by: the RANGE_END of a range (0 when none are stated)."""
    if RANGE_END == "low" and item.visits_min is not None:
        return item.visits_min
    return item.visits or 0


def item_attributes(item: NormalizedItem, kb: KnowledgeBase) -> dict[str, list]:
    """The item attributes the rules test (applies_to.item), each as a list under item_<name>:
    the item's values (NormalizedItem.attributes, read from the item line by checker.normalize),
    or none, so that a rule naming an attribute the item lacks does not apply."""
    attributes = item.attributes
    out = {}
    for name, field in _item_fields(kb.item_attribute_names):
        value = attributes.get(name)
        out[field] = [] if value is None else list(value) if isinstance(value, (list, tuple)) else [value]
    return out


_FIELDS_OF: list = [None, ()]  # the last tuple of names and its pairs (one rule base in use, mostly)


def _item_fields(names: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """Each attribute name with its fact field; kept for the last tuple of names, checked by identity
    (a rule base has one tuple; hashing it per item cost more than the rest of item_attributes)."""
    if _FIELDS_OF[0] is not names:
        _FIELDS_OF[1] = tuple((name, item_field(name)) for name in names)
        _FIELDS_OF[0] = names
    return _FIELDS_OF[1]


_CAP_MEMBERS = {g: tuple(f for f, of in CAP_GROUP.items() if of == g) for g in set(CAP_GROUP.values())}


def _prior_min(course: PriorCourse | None) -> int:
    return course.visits.min if course and course.visits else 0


@dataclass(frozen=True)
class Patient:
    """What every item of one request shares: the patient's condition categories and regions, and
    the surgery categories of each of the request's surgeries (surgery_sites, in their order)."""

    conditions: list[str]
    regions: list[Region]
    surgery_sites: tuple[dict[str, frozenset[Region]], ...]


_PATIENTS: dict[tuple, tuple[KnowledgeBase, Patient]] = {}


def patient_context(request: TreatmentRequest, kb: KnowledgeBase) -> Patient:
    """Memoized per rule base on what it reads (the diagnoses, regions and surgical procedures):
    a letter's items are checked as requests of their own about the same patient."""
    p = request.patient
    key = (id(kb), tuple((d.text, d.code) for d in p.diagnoses), tuple(p.regions),
           tuple(s.procedure for s in p.surgeries))
    hit = _PATIENTS.get(key)
    if hit is None or hit[0] is not kb:
        conditions = patient_conditions(request, kb)
        sites = tuple(surgery_sites(s.procedure, kb) for s in p.surgeries)
        if len(_PATIENTS) >= 4096:
            _PATIENTS.clear()
        hit = _PATIENTS[key] = (kb, Patient(conditions, patient_regions(request, kb, conditions), sites))
    patient = hit[1]  # copies: callers get lists and dicts of their own, as before the memo
    return Patient(list(patient.conditions), list(patient.regions), tuple(dict(s) for s in patient.surgery_sites))


def request_regions(item: NormalizedItem, patient: Patient) -> list[Region]:
    """The regions of an item that names none: the patient's, or only their spine for a
    spinal item ("spinal manipulation" is not a request for the patient's elbow)."""
    if names_the_spine(item.text):
        return [r for r in patient.regions if r in SPINE] or sorted(SPINE, key=lambda r: r.value)
    return patient.regions


def regions_meet(a: Iterable[Region], b: Iterable[Region]) -> bool:
    """Whether two sets of regions share one (an extremity meets each of its joints)."""
    b = set(b)
    for x in a:
        for y in b:
            if x == y or y in EXTREMITY_PARTS.get(x, ()) or x in EXTREMITY_PARTS.get(y, ()):
                return True
    return False


_SITES: dict[int, tuple[KnowledgeBase, dict[str, dict[str, frozenset[Region]]]]] = {}


def surgery_sites(procedure: str, kb: KnowledgeBase) -> dict[str, frozenset[Region]]:
    """Each surgery category of `procedure` with its regions (empty: unknown), point 1 above;
    a procedure in no category is keyed "" with the regions its text names. Memoized per rule
    base: a patient's surgeries are read for every request about them."""
    hit = _SITES.get(id(kb))
    if hit is None or hit[0] is not kb:
        hit = _SITES[id(kb)] = (kb, {})
    memo = hit[1]
    if procedure not in memo:
        if len(memo) >= 4096:
            memo.clear()
        memo[procedure] = _read_surgery_sites(procedure, kb)
    return dict(memo[procedure])


def _read_surgery_sites(procedure: str, kb: KnowledgeBase) -> dict[str, frozenset[Region]]:
    sites: dict[str, frozenset[Region]] = {}
    for matcher in kb.surgeries:
        if not matcher.matches(procedure, None):
            continue
        regions = set(matcher.category.regions)
        # Only words beside the category's own name it: "radial head ORIF" is no surgery of the head.
        named = set(detect_regions(matcher.pattern.sub(" ", procedure))) if matcher.pattern else set()
        if regions and named:
            regions = {r for r in regions if regions_meet([r], named)}
            if not regions:
                continue  # the procedure names another part of the body
        sites[matcher.category.id] = frozenset(regions)
    if not sites:  # in no category (or only in ones its text contradicts)
        sites[""] = frozenset(detect_regions(procedure))
    return sites


def _concerns(site: frozenset[Region], item_regions: list[Region]) -> bool:
    if not site or not item_regions:
        return True  # one side's regions are unknown: nothing shows the surgery is elsewhere
    return regions_meet(site, item_regions)


def _item_surgeries(request: TreatmentRequest, patient: Patient, item: NormalizedItem,
                    regions: list[Region]) -> list[tuple[Surgery, list[str]]]:
    """The patient's surgeries that concern the item, each with the categories that do (point 2)."""
    # A post-operative item naming no region is for whatever surgery was done.
    item_regions = [] if item.postoperative and not item.regions else regions
    found = []
    for surgery, sites in zip(request.patient.surgeries, patient.surgery_sites, strict=True):
        kept = [c for c, site in sites.items() if _concerns(site, item_regions)]
        if kept:
            found.append((surgery, [c for c in kept if c]))
    return found


def build_fact(request: TreatmentRequest, item: NormalizedItem, kb: KnowledgeBase, dates: Dates,
               patient: Patient | None = None) -> dict:
    """The item's fact; `patient` (patient_context of the same request) saves classifying it again."""
    patient = patient or patient_context(request, kb)
    conditions = patient.conditions
    regions = item.regions or request_regions(item, patient)
    prior = prior_course(request, item.family)
    # "Additional PT" when the case records no earlier course of the family: one of unknown size.
    # "no prior chiropractic" is recorded as 0 visits: a family mentioned with 0 visits was not
    # given, and the case's word for it stands against the item line's.
    implied = item.additional and prior is None
    has_prior = implied or (
        prior is not None and (prior.visits is None or prior.visits.max is None or prior.visits.max > 0))
    prior_min = _prior_min(prior)
    requested = requested_visits(item)
    before = prior_min + item.authorized_visits

    group = CAP_GROUP.get(item.family)
    if group:
        given = request.history.prior_treatment
        cap_prior = sum(_prior_min(given.get(f)) for f in _CAP_MEMBERS[group]) if given else 0
    cap_before = (cap_prior if group else prior_min) + item.authorized_visits

    # (no surgery: none concerns the item; spares the walk)
    surgeries = _item_surgeries(request, patient, item, regions) if request.patient.surgeries else []
    # A service of a surgery follows it (checker.kinds.surgery); after a certified surgery not yet
    # performed, the item is judged as on day 0 of the surgery's postsurgical period.
    link = surgery_link(item, request, [s for s, _ in surgeries], dates.clinical)
    if link.status == "certified" and link.surgery is not None and after_surgery(item):
        surgeries = [(as_performed(s, dates.clinical) if s is link.surgery else s, c) for s, c in surgeries]
    if surgeries:
        performed = [(s, c) for s, c in surgeries if s.date and s.date <= dates.clinical and not s.planned]
        latest, latest_categories = max(performed, key=lambda sc: sc[0].date, default=(None, []))
        planned = [s for s, _ in surgeries if s.planned or s.date is None or s.date > dates.clinical]
    else:  # the common case: no surgery concerns the item (spares the walks)
        latest, latest_categories, planned = None, [], []
    if latest and (dates.clinical - latest.date).days <= RECENT_SURGERY_DAYS:
        surgery_performed = _YES
    elif planned:
        surgery_performed = _NO
    else:
        surgery_performed = _NOT_STATED

    injury = request.patient.injury_date
    injury_days = (dates.clinical - injury).days if injury else None
    history = request.history
    fact = {
        # _value_ below: Enum.value is a property, slow in this hot path
        "family": item.family._value_,
        "day": dates.guideline.toordinal(),
        "conditions": list(conditions),
        "regions": [r._value_ for r in regions],
        "quantity_specified": item.quantity_specified,
        "requested": requested,
        "authorized": item.authorized_visits,
        "has_prior": has_prior,
        "prior_known": not implied and (prior is None or prior.visits is not None),
        "prior_min": prior_min,
        "fi": prior.functional_improvement._value_ if prior else _NOT_STATED,
        "before": before,
        "total": before + requested,
        "cap_before": cap_before,
        "cap_total": cap_before + requested,
        "surgeries": latest_categories,
        "days_since_surgery": (dates.clinical - latest.date).days if latest else -1,
        "surgery_performed": surgery_performed,
        # a flare-up is a recurrence for a family only after earlier care of that family
        "recurrence": has_prior and history.flare_up is _TRI_YES,
        "postoperative": item.postoperative,
        "maintenance": item.maintenance,
        "mode": item.mode or "unspecified",
        "duration_days": item.duration_days if item.duration_days is not None else -1,
        "chronic_pain": _tri(injury_days is not None, (injury_days or 0) >= CHRONIC_DAYS),
        "days_since_injury": injury_days if injury_days is not None and injury_days >= 0 else -1,
        "phase": phase(injury_days),
        "within_two_years_of_injury": _tri(injury_days is not None, (injury_days or 0) <= WORK_CONDITIONING_DAYS),
    }
    stated = history.__dict__  # (a model's fields, read without an attribute lookup each)
    for name in HISTORY_TRI:
        fact[name] = stated[name]._value_  # Enum.value is a slow property in this hot path
    fact.update(item_attributes(item, kb))
    fact.update(clinical_fields(request.clinical, regions, request.patient.age, dates.clinical))
    fact.update(link.fields())
    kind = kind_of(item.family)
    if type(kind).facts is not ServiceKind.facts:  # a kind with no facts of its own needs no context made
        fact.update(kind.facts(item, FactContext(request, regions, dates, kb)))
    return fact


@dataclass(frozen=True)
class FactContext:
    """What a kind's facts may read besides its item: the request, the item's regions, the dates,
    and the rule base in use (its condition and surgery categories, rule packs included)."""

    request: TreatmentRequest
    regions: list[Region]
    dates: Dates
    kb: KnowledgeBase
