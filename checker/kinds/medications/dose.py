"""What follows from a medication line's numbers: units a day, days' supply, mg a day, MME a day,
and what a reviewer would find missing.

Policy:
1. Units a day = units per dose x the most doses a day the directions allow; with no dose
   written, one unit per dose is assumed for tablets, capsules and patches (units_per_dose_source
   says "assumed"). Without directions, units a day = quantity / days' supply when both are
   written: the CDC formula strength x (quantity / days' supply) x factor.
2. Days' supply, when not written, = a counted quantity / units a day ("computed").
3. mg a day per ingredient with a mass strength per unit; MME a day per CDC table over the
   opioid ingredients (a transdermal strength in mcg/hr times its factor, one system at a time;
   methadone's 2016 factor by the daily dose). An opioid without a factor leaves the table out
   and `unread` says why.
4. Incomplete (FACTS-beyond-physmed X2): no strength written and none on a single-strength
   product label; no quantity; no quantity and no days' supply (duration).
"""
from __future__ import annotations

from .lexicon import Lexicon
from .model import MedicationItem

def complete(lx: Lexicon, item: MedicationItem) -> None:
    form = next((f for f in lx.terms.forms if f.id == item.form), None)
    counted = item.quantity_unit == "unit" or item.quantity_unit in {f.unit for f in lx.terms.forms if f.unit}
    mass = item.strength is not None and item.strength.unit in lx.mg_per_unit and item.strength.per_ml is None
    per_unit_form = (form.solid or form.unit is not None) if form is not None else mass
    if item.doses_per_day is not None and item.units_per_dose is None and per_unit_form:
        item.units_per_dose, item.units_per_dose_source = 1.0, "assumed"
        item.notes.append("one unit per dose assumed (the directions give none)")
    if item.units_per_dose is not None and item.doses_per_day is not None:
        item.units_per_day = round(item.units_per_dose * item.doses_per_day, 6)
    elif counted and item.quantity and item.days_supply:
        item.units_per_day = round(item.quantity / item.days_supply, 6)
    if item.days_supply is None:
        if counted and item.quantity and item.units_per_day:
            item.days_supply, item.days_supply_source = round(item.quantity / item.units_per_day, 2), "computed"
        else:
            item.unread["days_supply"] = _why_no_supply(item, counted)
    if item.doses_per_day is None and "doses_per_day" not in item.unread:
        item.unread["doses_per_day"] = "no directions (frequency) written" if not item.sig else \
            f"no frequency in the directions {item.sig!r}"
    _mg_and_mme(lx, item)
    _incomplete(item)


def _why_no_supply(item: MedicationItem, counted: bool) -> str:
    if item.quantity is None:
        return "neither a days' supply nor a quantity written"
    if not counted:
        return f"the quantity is an amount ({item.quantity:g} {item.quantity_unit or ''}) and no days' supply is written".replace(" )", ")")
    return "no days' supply and no directions to compute it from"


def _mg_and_mme(lx: Lexicon, item: MedicationItem) -> None:
    form = next((f for f in lx.terms.forms if f.id == item.form), None)
    per_unit_strength = form is None or form.solid or form.unit is not None  # a strength per tablet, patch ...
    totals: dict[str, float] = {}
    blocked: dict[str, str] = {}  # table -> why it cannot be summed
    opioid = False
    for ing in item.ingredients:
        s = ing.strength
        mg_day = None
        if s is not None and s.unit in lx.mg_per_unit and s.per_ml is None and per_unit_strength and item.units_per_day:
            mg_day = round(s.value * lx.mg_per_unit[s.unit] * item.units_per_day, 4)
            item.mg_per_day[ing.generic or ing.written] = mg_day
        if "opioid" not in ing.classes or ing.generic is None:
            continue
        opioid = True
        drug = lx.drugs[ing.generic]
        for table in lx.classes.mme_tables:
            f = drug.mme.get(table)
            if f is None or (f.factor is None and not f.tiers):
                blocked.setdefault(table, f.note if f and f.note else f"no factor for {ing.generic}")
            elif f.per == "mcg/hr":
                if s is None or s.unit != "mcg/hr":
                    blocked.setdefault(table, f"{ing.generic} strength in mcg/hr not written")
                else:
                    totals[table] = totals.get(table, 0.0) + s.value * f.factor
            elif mg_day is None:
                blocked.setdefault(table, f"mg a day of {ing.generic} unknown (needs strength and directions or days' supply)")
            else:
                totals[table] = totals.get(table, 0.0) + mg_day * f.for_daily_mg(mg_day)
    if opioid:
        item.mme_per_day = {k: round(v, 2) for k, v in totals.items() if k not in blocked}
        if blocked:
            item.unread["mme_per_day"] = "; ".join(f"{k}: {v}" for k, v in blocked.items())


def _incomplete(item: MedicationItem) -> None:
    out = []
    has_written = any(i.strength_source == "written" for i in item.ingredients)
    has_label = any(i.strength_source == "label" for i in item.ingredients)
    written_ingredients = [i for i in item.ingredients if i.match != "product"]
    if not has_written and not has_label:
        out.append("strength")
    elif len(written_ingredients) >= 2 and any(i.strength is None for i in written_ingredients):
        out.append("strength")
    if item.quantity is None:
        out.append("quantity")
        if item.days_supply is None or item.days_supply_source != "written":
            out.append("duration")
    if "strength" in out and "strength" not in item.unread:
        item.unread["strength"] = "no strength written" + (
            f" and {item.product} has no single label strength" if item.product else "")
    if item.quantity is None and "quantity" not in item.unread:
        item.unread["quantity"] = "no quantity written"
    item.incomplete = out
