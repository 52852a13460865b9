"""Medications and urine drug tests as a kind of service: item attributes, engine facts, quantity, report lines.

1. Attributes rules may test (`applies_to.item`), with their closed values: the drug's generic
   ingredients and classes (rules/vocab/drug_classes.yaml), its form and route
   (medication_terms.yaml), product kind, release, compounded, and `use` (topical: applied for a local
   effect; systemic); a urine drug test's method and whether the line says drug testing. The values
   that come from the vocabularies are read when a rule first names the attribute, not at import:
   the CLI's cold start does not load the drug table.
2. Facts: checker.kinds.medications.facts (the request line, the record's history of the drug, GI
   risk, opioid monitoring, formulary windows).
3. Quantity: the line's tablets, capsules, patches, grams or mL (a urine drug test: its count, else
   one); a drug request without one is incomplete, which the rule of FACTS-beyond-physmed X2 says in
   its own finding rather than the decision's generic "no quantity".
4. Report lines: the drug as understood (name, ingredients, class, strength, form, quantity,
   directions, days' supply, MME a day, what the line leaves out) and its status on the MTUS Drug
   List loaded from a rule pack, with the list's version.
"""
from __future__ import annotations

from dataclasses import replace
from functools import lru_cache
from typing import Optional

from checker.kinds.base import Attribute, KindFact, ServiceKind
from checker.kinds.registry import register
from checker.vocab import Family, Kind

_UNITS = {"tablet": "tablets", "capsule": "capsules", "patch": "patches", "g": "grams", "ml": "mL", "unit": "units",
          "film": "films", "lozenge": "lozenges", "suppository": "suppositories"}
_TOP_CLASSES_HIDDEN = ("topical_analgesic",)  # a parent shown only when it is the only class


@lru_cache(maxsize=1)
def _vocabulary_values() -> dict[str, tuple]:
    """The closed values of the attributes the drug vocabularies define. The rule base asks for them at
    load, so they are read unvalidated, ids only (1 ms from the parsed-YAML cache, where the validated
    vocabularies take 60 ms of every CLI start); a file that does not read so is loaded and validated,
    with its one-line error."""
    from checker.kb.data import vocabulary_data

    try:
        dc = vocabulary_data("drug_classes")
        mt = vocabulary_data("medication_terms")
        return {
            "generics": tuple(d["generic"] for d in dc["drugs"]),
            "classes": tuple(c["id"] for c in dc["classes"]),
            "form": tuple(f["id"] for f in mt["forms"]),
            "route": tuple(r["id"] for r in mt["routes"]),
        }
    except Exception:  # the validated vocabularies say what is wrong, in one line
        from .vocab import drug_classes, medication_terms

        dc, mt = drug_classes(), medication_terms()
        return {
            "generics": tuple(d.generic for d in dc.drugs),
            "classes": tuple(c.id for c in dc.classes),
            "form": tuple(f.id for f in mt.forms),
            "route": tuple(r.id for r in mt.routes),
        }


class Medications(ServiceKind):
    def attribute(self, name: str) -> Optional[Attribute]:
        a = super().attribute(name)
        if a is not None and a.values is None and name in ("generics", "classes", "form", "route"):
            return replace(a, values=_vocabulary_values()[name])
        return a

    def facts(self, item, context) -> dict:
        from .facts import item_facts

        return item_facts(item, context)

    def understood_facts(self, fact: dict) -> list[tuple[str, str]]:
        """The drug's MTUS Drug List status and the list it came from (checker.kinds.medications.formulary)."""
        status = fact.get("formulary_status")
        if fact.get("family") != Family.medication.value or status is None:
            return []
        if status == "unknown":  # said only where the formulary applies (8 CCR 9792.27.3)
            from .formulary import FORMULARY_START

            if fact.get("day", 0) < FORMULARY_START.toordinal():
                return []
            return [("Formulary", "unknown (no MTUS Drug List in force on this date is loaded; a rule pack's "
                                  "_drug_list.csv)")]
        flags = []
        for name, key in (("special fill", "formulary_special_fill"), ("perioperative fill", "formulary_perioperative_fill")):
            if fact.get(key) == "yes":
                days = fact.get(f"{key}_days", -1)
                flags.append(f"{name} ({days}-day supply)" if days is not None and days > 0 else name)
        marked = f", {' and '.join(flags)}" if flags else ""
        return [("Formulary", f"{status.replace('_', '-')}{marked} ({fact.get('formulary_list')})")]

    def quantity(self, item) -> tuple[Optional[int], str, bool]:
        a = item.attributes
        if item.family is Family.urine_drug_test:
            return (a.get("count") or 1), "tests", True
        q = a.get("quantity")
        unit = _UNITS.get(a.get("quantity_unit") or "", a.get("quantity_unit") or "units")
        return (round(q) if isinstance(q, (int, float)) and not isinstance(q, bool) else None), unit, True

    def understood(self, item) -> list[tuple[str, str]]:
        a = item.attributes
        if item.family is Family.urine_drug_test:
            return _udt_lines(a)
        lines = [("Drug", a.get("drug") or item.text)]
        if a.get("product"):
            lines.append(("Product", f"{a['product']} ({(a.get('product_kind') or '').replace('_', ' ')})"))
        if a.get("generics"):
            lines.append(("Ingredients", ", ".join(a["generics"])))
        classes = [c for c in a.get("classes") or [] if c not in _TOP_CLASSES_HIDDEN] or list(a.get("classes") or [])
        if classes:
            lines.append(("Class", ", ".join(c.replace("_", " ") for c in classes)))
        if a.get("strength"):
            lines.append(("Strength", a["strength"]))
        form = " ".join(x.replace("_", " ") for x in (a.get("release"), a.get("form")) if x)
        how = ", ".join(x for x in (form, a.get("route"), f"{a.get('use')} use" if a.get("use") else None,
                                     "compounded" if a.get("compounded") else None) if x)
        if how:
            lines.append(("Form", how))
        if a.get("sig") or a.get("doses_per_day"):
            per_day = f" (up to {a['doses_per_day']:g} a day)" if a.get("doses_per_day") else ""
            lines.append(("Directions", f"{a.get('sig') or ''}{per_day}".strip()))
        if a.get("days_supply") is not None:
            lines.append(("Days' supply", f"{a['days_supply']:g} days"))
        if a.get("refills"):
            lines.append(("Refills", f"{a['refills']} refill{'s' if a['refills'] > 1 else ''}"))
        mme = a.get("mme_per_day") or {}
        if mme:
            lines.append(("MME a day", ", ".join(f"{v:g} ({k.replace('_', ' ').upper()})" for k, v in mme.items())))
        elif (a.get("unread") or {}).get("mme_per_day"):
            lines.append(("MME a day", "unknown: " + a["unread"]["mme_per_day"]))
        if a.get("incomplete"):
            lines.append(("Not stated", ", ".join(a["incomplete"])))
        return lines


def _udt_lines(a: dict) -> list[tuple[str, str]]:
    lines = [("Test", "urine drug test" if a.get("explicit") else "urine test (read as a drug test)")]
    if a.get("method"):
        lines.append(("Method", a["method"]))
    if a.get("codes"):
        lines.append(("Codes", ", ".join(a["codes"])))
    if a.get("count"):
        lines.append(("Tests requested", f"{a['count']} test{'s' if a['count'] > 1 else ''}"))
    if a.get("per_year"):
        lines.append(("Tests a year", f"{a['per_year']:g} a year"))
    return lines


def _fact_defs() -> tuple[KindFact, ...]:
    from .fact_defs import FACT_DEFS

    return tuple(KindFact(name, kind, description) for name, kind, description in FACT_DEFS)


KIND = register(Medications(
    Kind.medications,
    frozenset({Family.medication, Family.urine_drug_test}),
    attributes=(
        Attribute("generics", "the drug's generic ingredients (rules/vocab/drug_classes.yaml)", many=True),
        Attribute("classes", "the drug's classes with their parents (drug_classes.yaml)", many=True),
        Attribute("product_kind", "a product of the table: combination, compounding kit, compounded, OTC topical, "
                                  "brand form", ("combination", "compounding_kit", "compounded", "topical_otc",
                                                 "brand_form")),
        Attribute("form", "dosage form (rules/vocab/medication_terms.yaml)"),
        Attribute("route", "route of administration (medication_terms.yaml)"),
        Attribute("release", "extended, delayed or immediate release", ("extended", "delayed", "immediate")),
        Attribute("compounded", "a compounded product (its ingredients mixed for the patient)", (True, False)),
        Attribute("use", "topical (applied for a local effect) or systemic", ("topical", "systemic")),
        Attribute("prn", "taken as needed", (True, False)),
        Attribute("incomplete", "what the line leaves out (FACTS-beyond-physmed X2)", ("strength", "quantity", "duration"),
                  many=True),
        Attribute("explicit", "a urine test line that says drug testing", (True, False)),
        Attribute("method", "urine drug test method", ("presumptive", "definitive")),
    ),
    fact_defs=_fact_defs(),
    quantity_unit="units",
    needs_quantity=False,
))
