"""Facts for engine tests: a neutral base fact, and one that satisfies a rule's applicability."""
from __future__ import annotations

from checker.engine.checks import DAYS_PER_MONTH, item_field
from checker.engine.fact_fields import UNKNOWN, all_fields
from checker.kb.load import default_kb
from checker.kb.schema import Rule
from checker.kinds.registry import all_kinds

all_kinds()  # the kinds register their fact fields on import
# A field the record does not give: tri not stated, numbers -1, no list items, no text (no surgery served).
UNKNOWN_VALUE = {"tri": "not_stated", "number": UNKNOWN, "list": [], "bool": False, "text": "",
                 "surgery_status": "none"}

TRI_FIELDS = (
    "home_exercise_program", "flare_up", "medication_reduced_or_not_tolerated", "adjunct_to_exercise",
    "reduced_weight_bearing_needed", "returned_to_work", "other_modalities_failed", "return_to_work_goal",
    "plateau_after_therapy", "indication_documented", "chronic_pain", "within_two_years_of_injury",
    "surgery_performed",
)


def base_fact(**overrides) -> dict:
    fact = {
        "family": "physical_therapy", "day": 736330, "conditions": [], "regions": [],
        "quantity_specified": True, "requested": 6, "authorized": 0, "has_prior": False, "prior_known": True,
        "prior_min": 0, "fi": "not_stated", "before": 0, "total": 6, "cap_before": 0, "cap_total": 6,
        "surgeries": [], "days_since_surgery": -1, "recurrence": False, "postoperative": False, "maintenance": False,
        "mode": "unspecified", "duration_days": -1, "days_since_injury": -1, "phase": "unknown",
    }
    fact.update({name: "not_stated" for name in TRI_FIELDS})
    # every other registered field (the clinical fields, the kinds' own) at its unknown value
    for name, f in all_fields().items():
        if name not in fact:
            fact[name] = UNKNOWN_VALUE.get(name, UNKNOWN_VALUE[f.type])
    # item attributes the rule base tests (applies_to.item): none, as for an item that names none
    fact.update({item_field(n): [] for r in default_kb().rules for n in r.applies_to.item})
    fact.update(overrides)
    return fact


def fact_for(rule: Rule, **overrides) -> dict:
    """A fact inside `rule`'s applicability (first family, first date, first condition ...)."""
    a = rule.applies_to
    fact = base_fact(family=rule.family[0].value, day=rule.effective.start.toordinal())
    if a.conditions:
        fact["conditions"] = [a.conditions[0]]
    if a.regions:
        fact["regions"] = [a.regions[0].value]
    if a.surgeries:
        fact["surgeries"] = [a.surgeries[0]]
        fact["days_since_surgery"] = int(rule.parameters.period_months * DAYS_PER_MONTH) // 2
    if a.recurrence is not None:
        fact["recurrence"] = a.recurrence
        if a.recurrence:
            fact.update(flare_up="yes", has_prior=True, prior_min=max(fact["prior_min"], 1))
    if a.maintenance is not None:
        fact["maintenance"] = a.maintenance
    if a.with_prior:
        fact.update(has_prior=True, prior_min=1)
    if a.postoperative is not None:
        fact["postoperative"] = a.postoperative
    if a.phase:
        fact["phase"] = a.phase[0]
        fact["days_since_injury"] = {"acute": 14, "subacute": 45, "chronic": 200}[a.phase[0]]
    for name, values in a.item.items():
        fact[item_field(name)] = [values[0]]
    if a.surgery_status:
        fact.update(surgery_status=a.surgery_status[0], linked_surgery="a surgery")
    fact.update(overrides)
    return fact


def with_total(fact: dict, total: int, **more) -> dict:
    """Requested visits making `total`, nothing prior."""
    return {**fact, "requested": total, "total": total, "before": 0, "cap_before": 0, "cap_total": total, **more}
