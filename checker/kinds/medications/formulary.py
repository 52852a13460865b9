"""A medication item's status on the MTUS Drug List the user loaded (checker.kb.drug_list).

Policy:
1. unknown: no list is loaded, or the item's date (the date the rules in force are chosen by) is
   before 2018-01-01 (8 CCR 9792.27.3: drugs dispensed on or after that date) or before the
   effective date of every loaded list. Otherwise the list in force on that date is read.
2. compounded: a compounded drug needs prospective review whatever its ingredients (8 CCR
   9792.27.9), so its ingredients' statuses are not read, and no list is needed (from 2018-01-01).
3. A list row is matched through the drug dictionary: its ingredient name resolves to generics
   ("Hydrocodone Bitartrate" -> hydrocodone) as the item line's do. A row naming a combination
   ("Hydrocodone/Acetaminophen") matches an item of exactly those generics.
4. Otherwise each of the item's ingredients is looked up, and the product takes the STRICTEST
   status of its ingredients: unlisted over non-exempt over exempt. Our choice, not the
   regulation's words (no section read here addresses combinations): an exempt drug is one the
   formulary lets be dispensed without prospective review, and a product whose non-exempt or
   unlisted ingredient would need that review cannot escape it through an exempt partner.
   Related text (8 CCR 9792.27.16(c), http://www.dir.ca.gov/t8/9792_27_16.html, read in a search
   excerpt): the DWC's product listing "shall include combination drugs with multiple active
   ingredients only if the combination of active ingredients is listed on the MTUS Drug List";
   hence a row naming the combination is read first (policy 3).
   Unlisted is strictest because special and perioperative fills are open to listed non-exempt
   drugs only (8 CCR 9792.27.12-.13, FACTS-beyond-physmed F4-F5).
5. Fill flags (yes / no / not_stated) come from the ingredients that set the status: yes only when
   each says yes, no when one says no; the days' supply the list allows, the fewest of theirs (-1:
   not given). An unlisted drug has none (no); unknown or compounded: not_stated.
"""
from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import Optional

from checker.engine.fact_fields import UNKNOWN
from checker.kb.drug_list import DrugList, Entry, ingredient_key

FORMULARY_START = dt.date(2018, 1, 1)  # 8 CCR 9792.27.3
ORDER = ("exempt", "non_exempt", "unlisted")  # later is stricter (policy 4)
_FLAG_ORDER = ("yes", "not_stated", "no")


@lru_cache(maxsize=8)
def _index(drug_list: DrugList) -> dict[frozenset, Entry]:
    """The list's rows by the generics their names resolve to (policy 3); a name the drug
    dictionary does not know is kept under its own words."""
    from .mentions import resolve_cached

    out: dict[frozenset, Entry] = {}
    for key, entry in drug_list.entries.items():
        generics = resolve_cached(entry.name)[0]
        k = frozenset(generics) if generics else frozenset({key})
        old = out.get(k)
        if old is None or ORDER.index(entry.status) > ORDER.index(old.status):
            out[k] = entry
    return out


def _strictest(values, order) -> str:
    return max(values, key=order.index)


def status(generics: list[str], compounded: bool, drug_list: Optional[DrugList], day: dt.date) -> dict:
    """The formulary facts of one item (fact_defs: formulary_status, _special_fill, _perioperative_fill)."""
    unknown = {"formulary_status": "unknown", "formulary_special_fill": "not_stated",
               "formulary_perioperative_fill": "not_stated", "formulary_special_fill_days": UNKNOWN,
               "formulary_perioperative_fill_days": UNKNOWN}
    if day < FORMULARY_START:
        return unknown
    if compounded:  # whatever the list says of its ingredients (policy 2)
        return {**unknown, "formulary_status": "compounded"}
    if drug_list is None or day < drug_list.effective or not generics:
        return unknown
    index = _index(drug_list)
    whole = index.get(frozenset(ingredient_key(g) for g in generics))
    entries = [whole] if whole is not None else [index.get(frozenset({ingredient_key(g)})) for g in generics]
    if any(e is None for e in entries):
        return {**unknown, "formulary_status": "unlisted", "formulary_special_fill": "no",
                "formulary_perioperative_fill": "no"}
    worst = _strictest([e.status for e in entries], ORDER)
    setting = [e for e in entries if e.status == worst]
    return {
        "formulary_status": worst,
        "formulary_special_fill": _strictest([e.special_fill for e in setting], _FLAG_ORDER),
        "formulary_perioperative_fill": _strictest([e.perioperative_fill for e in setting], _FLAG_ORDER),
        "formulary_special_fill_days": min((e.special_fill_days for e in setting if e.special_fill_days), default=UNKNOWN),
        "formulary_perioperative_fill_days": min(
            (e.perioperative_fill_days for e in setting if e.perioperative_fill_days), default=UNKNOWN),
    }
