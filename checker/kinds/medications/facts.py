"""The engine facts of a medication or urine drug test item: the drug as requested, and the record's history of it.

Policy (numbers are -1 when unknown; yes/no facts are not_stated when the record is silent):
1. The request line: strength and quantity stated (FACTS-beyond-physmed X2), days' supply, MME a
   day (the CDC 2016 table, else 2022's), oral suspension.
2. The drug's history is the record's medications (checker.request.clinical.Medications) that name
   one of the item's active ingredients: a combination's acetaminophen or caffeine does not make
   Tylenol a history of Norco; for a class whose guideline judges the class's treatment (opioids:
   drug_criteria.yaml history_by_class), any drug of the class. Taken before: a status current or past, a start date, a duration
   or an effect reported; new: started now, and nothing says it was taken before. Days taken: from
   its start date to the request date, or the duration stated. The course is the days taken plus
   the days' supply; with no history it counts from zero, taken for an unknown time it is unknown.
   What the record says of "medications" in general counts for a drug taken before, when nothing
   is said of the drug by name.
3. Indications, ingredients not recommended topically, first-line drugs: rules/vocab/
   drug_criteria.yaml (criteria.py). Severe acute injury: a fracture, crush or major trauma among
   the diagnoses, or a fracture found (not suspected) in the record.
4. GI risk, opioid monitoring and oral intake: Clinical.medications; the last urine drug test by date.
5. MTUS Drug Formulary windows (8 CCR 9792.27.12-13): special fill within 7 days after the injury,
   perioperative fill within 4 days before or after a surgery.
6. MTUS Drug Formulary status on the list the user loaded, in force on the guideline date
   (checker.kinds.medications.formulary).
"""
from __future__ import annotations

from functools import lru_cache
from typing import Iterable, Optional

from checker.engine.fact_fields import UNKNOWN
from checker.normalize.item_text import parse_item  # (at import: a function-level import costs 0.5 us a call)
from checker.request.clinical import DrugStatus, DrugTestResult, DrugUse, RedFlagName
from checker.vocab import Family, Tri

from . import criteria, formulary
from .mentions import classes_of, resolve_cached

ACUTE_DAYS = 28  # Opioids TG 2016 section 1: acute pain, up to four weeks (checker.engine.facts.ACUTE_DAYS)
SPECIAL_FILL_DAYS = 7  # 8 CCR 9792.27.12: the initial visit within 7 days of the injury
PERIOPERATIVE_DAYS = 4  # 8 CCR 9792.27.13: within 4 days before or after the surgery
MME_TABLES = ("cdc_2016", "cdc_2022")
# ingredients that do not make a drug what it is: a combination's analgesic partner, a supplement
PARTNER_CLASSES = frozenset({"acetaminophen", "stimulant"})
# NSAID-class ingredients that are counterirritants on the skin (methyl salicylate), not NSAID therapy
_NOT_NSAID_THERAPY = frozenset({"counterirritant"})
# Enum members as module constants: looking a member up on its Enum class is slow in this hot path
YES, NO, NOT_STATED = Tri.yes, Tri.no, Tri.not_stated
CURRENT, NEW, PAST = DrugStatus.current, DrugStatus.new, DrugStatus.past
_TAKEN = (CURRENT, PAST)
_ACTIVE_CARE = frozenset({"physical_therapy", "chiropractic", "acupuncture", "home_exercise"})
_ACTIVE_FAMILIES = frozenset({Family.physical_therapy, Family.chiropractic, Family.acupuncture,
                              Family.aquatic_therapy, Family.work_conditioning})



def _any(values: Iterable[Tri]) -> Tri:
    seen = set(values)
    return YES if YES in seen else NO if NO in seen else NOT_STATED


def active(generics: Iterable[str]) -> list[str]:
    """The ingredients that make the drug what it is (policy 2); all of them when none is."""
    generics = list(generics)
    main = [g for g in generics if not _is_partner(g)]
    return main or generics


# Memoized per generic (the drug table's, bounded by it): each item asks of the same few drugs many times.
@lru_cache(maxsize=4096)
def _is_partner(generic: str) -> bool:
    return set(classes_of(generic)) <= PARTNER_CLASSES


@lru_cache(maxsize=4096)
def _is_nsaid(generic: str) -> bool:
    classes = set(classes_of(generic))
    return "nsaid" in classes and not classes & _NOT_NSAID_THERAPY


@lru_cache(maxsize=4096)
def _not_topical(generic: str, form: Optional[str]) -> bool:
    return criteria.not_recommended_topically(generic, classes_of(generic), form) is not None


@lru_cache(maxsize=4096)
def _record_entry(drug: str) -> tuple[frozenset[str], frozenset[str]]:
    """A record's drug as written: its active ingredients and its classes (memoized per name, like resolve_cached)."""
    generics, classes = resolve_cached(drug)
    return frozenset(active(generics)), frozenset(classes)


def _taken(use: DrugUse) -> bool:
    return use.status in _TAKEN or use.since is not None or use.weeks is not None or any(
        v is not NOT_STATED for v in (use.pain_relief, use.functional_benefit, use.side_effects, use.failed)
    ) or use.relief() is not None


class History:
    """The record's medications, each with its active ingredients and classes resolved once."""

    def __init__(self, drugs: list[DrugUse]):
        self.entries = [(use, *_record_entry(use.drug)) for use in drugs]

    def of(self, generics: Iterable[str], classes: Iterable[str] = ()) -> list[DrugUse]:
        """The entries of these ingredients, or of any drug of these classes."""
        wanted, classes = set(active(generics)), set(classes)
        return [use for use, gs, cs in self.entries if gs & wanted or cs & classes]

    def general(self) -> list[DrugUse]:
        return [use for use, gs, _ in self.entries if not gs]

    def taken_with_class(self, klass: str, statuses=_TAKEN, not_with: Iterable[str] = ()) -> list[DrugUse]:
        """The drugs of this class taken before (or tried and failed), none of the classes ``not_with``."""
        not_with = set(not_with)
        return [use for use, gs, cs in self.entries
                if klass in cs and not cs & not_with and (use.status in statuses or use.failed is not NOT_STATED)
                and not (klass == "nsaid" and not any(_is_nsaid(g) for g in gs))]

    def nsaids(self, statuses) -> set[str]:
        return {g for use, gs, _ in self.entries if use.status in statuses for g in gs if _is_nsaid(g)}


def item_facts(item, context) -> dict:
    attrs = item.attributes
    request = context.request
    meds = request.clinical.medications
    on = context.dates.clinical
    history = History(meds.drugs)
    generics = list(attrs.get("generics") or [])
    classes = list(attrs.get("classes") or [])
    diagnoses = [(d.text, d.code) for d in request.patient.diagnoses]
    injury = request.patient.injury_date
    injury_days = (on - injury).days if injury and injury <= on else None

    rules = criteria.drug_criteria()  # (once: the vocabulary look-up costs a call chain)

    # 2. the drug's history
    by_class = set(classes) & set(rules.history_by_class.classes)
    mine = history.of(generics, by_class) if generics else []
    if any(_taken(u) for u in mine):
        taken = YES
    elif any(u.status is NEW for u in mine):
        taken = NO
    else:
        taken = NOT_STATED
    days = [(on - u.since).days for u in mine if u.since and u.since <= on] + [u.weeks * 7 for u in mine if u.weeks]
    days_taken = round(max(days)) if days else (0 if taken is NO else UNKNOWN)
    supply = attrs.get("days_supply")
    so_far = days_taken if days_taken != UNKNOWN else (0 if taken is not YES else None)
    course = round(supply + so_far) if supply is not None and so_far is not None else UNKNOWN
    said = mine if any(_response_told(u) for u in mine) else (history.general() if taken is YES else [])
    reliefs = [r for u in said if (r := u.relief()) is not None]
    pain_relief = _any([u.pain_relief for u in said] + [YES for r in reliefs if r > 0]
                       + [NO for u in said if u.failed is YES])

    # 3. indications, topical ingredients, first-line drugs
    indicated, _ = criteria.indication(active(generics), classes, diagnoses) if generics else (NOT_STATED, None)
    form = attrs.get("form")
    bad_topical = [g for g in generics if _not_topical(g, form)]
    topical_nsaid = _topical_nsaid(generics, injury_days, diagnoses)

    # 4. GI risk, monitoring
    gi = meds.gi_risk
    gi_event = _any([gi.peptic_ulcer, gi.gi_bleeding, gi.perforation])
    if gi_event is NO and NOT_STATED in (gi.peptic_ulcer, gi.gi_bleeding, gi.perforation):
        gi_event = NOT_STATED  # one denied, the others unknown
    nsaids_now = history.nsaids((CURRENT, NEW))
    requested = None  # the classes of the request's drug items, read when first needed
    if nsaids_now:
        on_nsaid = True
    else:
        requested = _requested_classes(request)
        on_nsaid = "nsaid" in requested
    multiple = YES if gi.high_dose_nsaid is YES or len(nsaids_now) >= 2 else gi.high_dose_nsaid
    if gi.dyspepsia is YES:
        dyspepsia = YES if on_nsaid else (NO if meds.drugs else NOT_STATED)
    else:
        dyspepsia = gi.dyspepsia
    tests = meds.urine_drug_tests
    dated = [t.date for t in tests if t.date and t.date <= on]
    now = (CURRENT, NEW)
    opioid_now = any(u.status in now for u, _, cs in history.entries if "opioid" in cs)
    if not opioid_now and requested is None:
        requested = _requested_classes(request)
    on_opioids = YES if opioid_now or "opioid" in requested else NOT_STATED
    high_risk = _any([meds.aberrant_behavior, meds.substance_abuse]
                     + [YES for t in tests if t.result is DrugTestResult.inconsistent])
    if high_risk is NO and NOT_STATED in (meds.aberrant_behavior, meds.substance_abuse):
        high_risk = NOT_STATED
    assessed = YES if (meds.aberrant_behavior is not NOT_STATED or tests
                           or meds.cures_checked is YES) else NOT_STATED

    mme = attrs.get("mme_per_day") or {}
    table = next((t for t in MME_TABLES if t in mme), None)
    surgery_days = [abs((on - s.date).days) for s in request.patient.surgeries if s.date]
    # _value_ below: Enum.value is a property, slow in this hot path
    return {
        "strength_stated": (NO if "strength" in (attrs.get("incomplete") or []) else YES)._value_,
        "quantity_stated": (NO if "quantity" in (attrs.get("incomplete") or []) else YES)._value_,
        "days_supply": round(supply, 2) if supply is not None else UNKNOWN,
        "mme_per_day": mme[table] if table else UNKNOWN,
        "form_oral_suspension": attrs.get("form") == "oral_suspension",
        "drug_indication": indicated._value_,
        "any_ingredient_not_recommended_topically": (
            YES if bad_topical else NO if generics and not attrs.get("unread", {}).get("drug") else NOT_STATED
        )._value_,
        "topical_nsaid_acute_or_oa": topical_nsaid._value_,
        "drug_taken_before": taken._value_,
        "drug_days_taken": days_taken,
        "course_days": course,
        "drug_relief_percent": max(reliefs) if reliefs else UNKNOWN,
        "pain_moderate_or_severe": _pain_severity(meds, rules)._value_,
        "drug_pain_relief": pain_relief._value_,
        "drug_functional_benefit": _any(u.functional_benefit for u in said)._value_,
        "drug_side_effects_assessed": (YES if any(u.side_effects is not NOT_STATED for u in said)
                                       else NOT_STATED)._value_,
        "non_opioid_tried": _first_line(history, meds, rules.first_line["non_opioid"])._value_,
        "neuropathic_first_line_tried": _first_line(history, meds, rules.first_line["topical"])._value_,
        "first_line_failed": meds.first_line_failed._value_,
        "oral_intolerance": meds.oral_intolerance._value_,
        "gi_event_history": gi_event._value_,
        "nsaid_high_dose_or_multiple": multiple._value_,
        "dyspepsia_on_nsaid": dyspepsia._value_,
        "opioid_risk_screen": meds.risk_screen._value_,
        "cures_checked": meds.cures_checked._value_,
        "udt_done": (YES if tests else NOT_STATED)._value_,
        "treatment_agreement": meds.treatment_agreement._value_,
        "aberrant_behavior_assessed": assessed._value_,
        "on_opioids": on_opioids._value_,
        "days_since_last_udt": (on - max(dated)).days if dated else UNKNOWN,
        "udt_high_risk": high_risk._value_,
        "severe_acute_injury": _severe_injury(request, diagnoses)._value_,
        "neuropathic_pain": _neuropathic(request, diagnoses)._value_,
        "active_care": _active_care(request)._value_,
        "special_fill_window": injury_days is not None and 0 <= injury_days <= SPECIAL_FILL_DAYS,
        "perioperative_fill_window": any(d <= PERIOPERATIVE_DAYS for d in surgery_days),
        **_formulary(generics, bool(attrs.get("compounded")), context),
    }


def _formulary(generics: list[str], compounded: bool, context) -> dict:
    day = context.dates.guideline
    drug_list = context.kb.drug_list_on(day)
    facts = formulary.status(generics, compounded, drug_list, day)
    facts["formulary_list"] = drug_list.label if drug_list and facts["formulary_status"] != "unknown" else ""
    return facts


def _pain_severity(meds, rules) -> Tri:
    bands = rules.pain_bands
    if meds.pain_score is not None:
        return YES if meds.pain_score >= bands.moderate_from else NO
    if meds.pain_level is not None:
        return NO if meds.pain_level == "mild" else YES
    return NOT_STATED


def _response_told(use: DrugUse) -> bool:
    return use.relief() is not None or any(
        v is not NOT_STATED for v in (use.pain_relief, use.functional_benefit, use.side_effects, use.failed))


def _requested_classes(request) -> set[str]:
    """The classes of the request's drug items (an opioid started with its drug test), in one pass."""
    found: set[str] = set()
    for it in request.items:
        if it.text:
            parsed = parse_item(it.text)
            if parsed.family is Family.medication:
                found.update(parsed.attributes.get("classes") or ())
    return found


def _first_line(history: History, meds, rule) -> Tri:
    if rule.all_of:
        tried = all(history.taken_with_class(c, not_with=rule.not_with) for c in rule.all_of)
    else:
        tried = any(history.taken_with_class(c, not_with=rule.not_with) for c in rule.any_of)
    if tried or meds.first_line_failed is YES:
        return YES
    return NOT_STATED


def _topical_nsaid(generics: list[str], injury_days: Optional[int], diagnoses) -> Tri:
    """A topical NSAID (every active ingredient an NSAID) for acute pain or osteoarthritis."""
    if not generics or not all(_is_nsaid(g) for g in active(generics)):
        return NO
    if criteria.has_condition("osteoarthritis", diagnoses):
        return YES
    if injury_days is None:
        return NOT_STATED
    return YES if injury_days <= ACUTE_DAYS else NO


def _severe_injury(request, diagnoses) -> Tri:
    if criteria.has_condition("severe_acute_injury", diagnoses):
        return YES
    fractures = [f for f in request.clinical.red_flag_list if f.name is RedFlagName.fracture and not f.suspected]
    return _any(f.present for f in fractures)


def _neuropathic(request, diagnoses) -> Tri:
    if criteria.has_condition("neuropathic_pain", diagnoses):
        return YES
    return _any(request.clinical.radicular_symptoms.values())


def _active_care(request) -> Tri:
    tried = {k.value for k in request.clinical.conservative_care.tried}
    prior = [f for f, c in request.history.prior_treatment.items()
             if f in _ACTIVE_FAMILIES and (c.visits is None or c.visits.max is None or c.visits.max > 0)]
    if tried & _ACTIVE_CARE or prior or request.history.home_exercise_program is YES:
        return YES
    return NOT_STATED
