"""Reading a medication request line ("Oxycodone HCL ER 20mg #60 day supply: 30") into a MedicationItem.

Policy, in the order the line is read:
1. Drug names first (names.py: generic, alias, brand or product of rules/vocab/drug_classes.yaml), the
   longest name first; a salt word after a name belongs to it ("Oxycodone HCL"). Only when no
   name matches is a misspelling accepted: one table name within an edit distance of 1 (2 for
   names of 8 letters or more), said so in `notes`.
2. A line is a medication when it names a drug, gives a strength in a drug unit (mg, mcg, %,
   mcg/hr ...) or counts tablets or capsules; otherwise parse_medication returns None.
3. A strength belongs to the name before it ("Flurbiprofen 20%, Baclofen 5%"); a combination
   strength ("10/325 mg") is shared out in order over a product's ingredients or over the names
   written together ("hydrocodone/acetaminophen"). A product's label strength fills an ingredient
   the line gives none for.
4. Then, each number used once: days' supply, refills, the dose per administration, the frequency,
   the quantity ("#60", "qty 60", "x 60", "60 tablets"), else an amount ("240 grams", "500 ml").
5. Form and route as written; else the route of the form, of the product's form, and a % strength
   with no form is read as topical (route_source says which).
6. Doses per day are the most the directions allow ("q4-6h" -> 6); the arithmetic is dose.py's.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from typing import Optional

from checker.unvalidated import build

from .dose import complete
from .lexicon import Lexicon, fold, lexicon
from .model import Ingredient, MedicationItem, Strength
from .names import find_names, fuzzy_names
from .text import MARK, Line



@dataclass
class _Ing:
    generic: Optional[str]
    written: list[str] = field(default_factory=list)
    brand: Optional[str] = None
    strength: Optional[Strength] = None
    strength_source: Optional[str] = None
    match: str = "exact"
    from_product: bool = False


def looks_like_medication(text: str) -> bool:
    """Cheap test for the item-line reader: a drug name, a drug strength, or counted tablets."""
    if not text:
        return False
    lx = lexicon()
    s = fold(text)
    return bool(lx.name_re.search(s) or lx.strength_re.search(s) or _solid_count(lx, s))


def _solid_count(lx: Lexicon, s: str) -> bool:
    m = lx.quantity_res[2].search(s)
    if not m:
        return False
    noun = s[m.start("n"):m.end()].lstrip("0123456789 ").strip()
    form = lx.forms.get(noun)
    return bool(form and form.solid)


def parse_medication(text: str) -> Optional[MedicationItem]:
    """The line as a medication request, or None when it is not one (an MRI, "Physical therapy 2x6")."""
    if not text or not text.strip():
        return None
    lx = lexicon()
    t = Line(text)
    hits = find_names(lx, t)
    notes: list[str] = []
    strengths = sorted(_find_strengths(lx, t) + _unitless_combination(lx, t, hits, notes), key=lambda x: x[0])
    if not hits and not strengths and not _solid_count(lx, t.folded):
        return None
    if not hits:
        hits = fuzzy_names(lx, t, notes)
    ingredients, product, product_hit = _ingredients(lx, hits, strengths, t)
    # built unvalidated (13 -> 1.4 us: no validation, no deep copy of the list and dict defaults): both values are
    # str (tests/test_medication_items.py revalidates every reading)
    item = build(MedicationItem, text=text, drug=_drug_as_written(t, hits, strengths))
    if product is not None:
        item.product, item.product_kind, item.product_confidence = product.name, product.kind, product.confidence
        if product.confidence == "unconfirmed":
            notes.append(f"contents of {product.name} unconfirmed (source: {lx.classes.sources[product.source].title})")
    brands = [i.brand for i in ingredients if i.brand]
    item.brand = product_hit.entry.name if product_hit is not None else (brands[0] if brands else None)
    item.strength = strengths[0][2] if strengths else None
    item.compounded = bool(lx.compound_re.search(t.folded)) or (
        product is not None and product.kind in ("compounding_kit", "compounded"))
    _read_directions_and_amounts(lx, t, item)
    _read_form_route(lx, t, item, product, strengths)
    if len([i for i in ingredients if not i.from_product]) >= 2 and all(
            i.strength is not None and i.strength.unit == "%" for i in ingredients if not i.from_product):
        item.compounded = True
    item.ingredients = [_ingredient(lx, i, item.route) for i in ingredients]
    item.generics = [i.generic for i in item.ingredients if i.generic]
    item.classes = _classes(lx, item, product)
    if not item.generics:
        item.unread["drug"] = "no drug of the class table named; classes unknown"
    item.notes = notes + item.notes
    complete(lx, item)
    return item


def text_span(t: Line, start: int, end: int) -> str:
    return t.original[start:end].strip()


def _drug_as_written(t: Line, hits: list, strengths) -> str:
    if hits:
        return ", ".join(dict.fromkeys(text_span(t, h.start, h.end) for h in hits))
    stop = strengths[0][0] if strengths else len(t.original)
    m = re.search(r"[\d#(]", t.original[:stop])
    lead = t.original[: m.start() if m else stop]
    return lead.strip(" ,;:-")


# ------------------------------------------------------------------ strengths and ingredients
def strength_from(lx: Lexicon, m: re.Match, original: str) -> Strength:
    raw = m.group("values")
    values = [float(v) for v in re.findall(r"\d+(?:\.\d+)?|\.\d+", raw)]
    per = None
    if m.group("per_unit"):
        per_ml = lx.amount_ml.get(lx.amount_units[m.group("per_unit")], 1.0)
        per = (float(m.group("per")) if m.group("per") else 1.0) * per_ml
    return Strength(text=original[m.start():m.end()].strip(), values=values,
                    unit=lx.strength_units[m.group("unit")], per_ml=per)


def _find_strengths(lx: Lexicon, t: Line) -> list[tuple[int, int, Strength]]:
    out = [(m.start(), m.end(), strength_from(lx, m, t.original)) for m in lx.strength_re.finditer(str(t))]
    for start, end, _ in out:
        t.take(start, end)
    return out


_COMBINATION = re.compile(r"(?<![a-z0-9./])(?P<a>\d+(?:\.\d+)?)\s*/\s*(?P<b>\d+(?:\.\d+)?)(?![a-z0-9%./])")


def _unitless_combination(lx: Lexicon, t: Line, hits, notes: list[str]) -> list[tuple[int, int, Strength]]:
    """ "Norco 10/325 #120": a combination strength right after a name, written without its unit,
    is read in mg (the unit of every oral combination product) and said so."""
    if not hits:
        return []
    out = []
    for m in _COMBINATION.finditer(str(t)):
        before = [h for h in hits if h.end <= m.start()]
        if not before:
            continue
        gap = str(t)[before[-1].end:m.start()]
        gap = lx.release_re.sub("", gap)
        if gap.strip(" (,-" + MARK):
            continue
        st = Strength(text=t.original[m.start():m.end()].strip(), values=[float(m["a"]), float(m["b"])], unit="mg")
        out.append((m.start(), m.end(), st))
        t.take(m.start(), m.end())
    if out:
        notes.append(f"no unit written after {', '.join(s.text for _, _, s in out)}; read as mg")
    return out


def label_strength(lx: Lexicon, text: Optional[str]) -> Optional[Strength]:
    if not text:
        return None
    m = lx.strength_re.search(fold(text))
    return strength_from(lx, m, text) if m else None


def _ingredients(lx: Lexicon, hits: list, strengths, t: Line):
    ings: list[_Ing] = []
    by_generic: dict[str, _Ing] = {}
    owner: dict[int, list[_Ing]] = {}  # hit index -> the ingredients a strength after it goes to
    product = product_hit = None
    for k, h in enumerate(hits):
        e = h.entry
        written = text_span(t, h.start, h.end)
        if e.kind == "product":
            if product is None:
                product, product_hit = e.product, h
            group = []
            for pi in e.product.ingredients:
                ing = by_generic.get(pi.generic)
                if ing is None:
                    ing = by_generic[pi.generic] = _Ing(pi.generic, match="product", from_product=True)
                    ings.append(ing)
                ing.written.append(written)
                if ing.strength is None and (ls := label_strength(lx, pi.strength)) is not None:
                    ing.strength, ing.strength_source = ls, "label"
                group.append(ing)
            owner[k] = group
            continue
        ing = by_generic.get(e.generic)
        if ing is None:
            ing = by_generic[e.generic] = _Ing(e.generic, match=h.match)
            ings.append(ing)
        ing.from_product = False
        ing.written.append(written)
        if e.kind == "brand" and ing.brand is None:
            ing.brand = e.name
        owner[k] = [ing]
    if not hits:
        unknown = _Ing(None, written=[_drug_as_written(t, hits, strengths)])
        ings.append(unknown)
    starts = [h.start for h in hits]
    for start, _end, s in strengths:
        targets = _strength_targets(lx, hits, starts, owner, start, len(s.values), t) if hits else [ings[0]]
        if len(targets) > 1 and len(s.values) == len(targets):
            for ing, v in zip(targets, s.values):
                _give(ing, Strength(text=s.text, values=[v], unit=s.unit, per_ml=s.per_ml))
        elif targets:
            _give(targets[0], s)
    return ings, product, product_hit


def _give(ing: _Ing, s: Strength) -> None:
    if ing.strength is None or ing.strength_source == "label":
        ing.strength, ing.strength_source = s, "written"


def _strength_targets(lx: Lexicon, hits: list, starts: list[int], owner: dict[int, list[_Ing]], start: int,
                      n: int, t: Line) -> list[_Ing]:
    k = bisect.bisect_left(starts, start) - 1  # the last name before the strength
    if k < 0:
        return owner[0]
    if len(owner[k]) > 1:
        return owner[k]
    # names written together ("hydrocodone/APAP 10/325"): the run of names joined by / and , ...
    run = [k]
    while run[0] > 0 and n > len(run):
        prev = hits[run[0] - 1]
        if not lx.joiners_re.match(t.folded[prev.end:hits[run[0]].start]) or len(owner[run[0] - 1]) != 1:
            break
        run.insert(0, run[0] - 1)
    if len(run) == n:
        return [owner[j][0] for j in run]
    return owner[k]


def _ingredient(lx: Lexicon, i: _Ing, route: Optional[str]) -> Ingredient:
    classes = []
    if i.generic:
        classes = lx.expand(lx.drugs[i.generic].classes)
        for rc in lx.classes.route_classes:
            if route in rc.routes and rc.when_class in classes:
                classes = lx.expand([*classes, *rc.add])
    return Ingredient(written=", ".join(dict.fromkeys(i.written)), generic=i.generic, brand=i.brand,
                      classes=classes, strength=i.strength, strength_source=i.strength_source, match=i.match)


def _classes(lx: Lexicon, item: MedicationItem, product) -> list[str]:
    out: list[str] = []
    for ing in item.ingredients:
        out.extend(c for c in ing.classes if c not in out)
    if product is not None:
        out.extend(c for c in lx.expand(product.classes) if c not in out)
    return out


# ------------------------------------------------------------------ directions, supply, quantity
def _number(lx: Lexicon, text: str) -> tuple[float, float]:
    """(low, high) of "1", "1-2", "one", "1/2"."""
    parts = re.split(rf"\s*(?:{'|'.join(re.escape(w) for w in lx.terms.directions.range_words if w.strip())})\s*",
                     text.strip(), maxsplit=1)
    parts = [p for p in parts if p]
    values = [lx.number_value(p) for p in parts] if len(parts) == 2 else [lx.number_value(text)]
    return min(values), max(values)


def _read_directions_and_amounts(lx: Lexicon, t: Line, item: MedicationItem) -> None:
    sig_spans: list[tuple[int, int]] = []
    # a quantity with its prefix ("#60", "Qty: 60") is unambiguous: read first ("#60 day supply: 30", "60 BID")
    count = None
    m = lx.quantity_res[0].search(str(t))
    if m:
        count = float(m.group("n"))
        t.take(m.start(), m.end())
    # days' supply (the line as it stands is joined once per loop: nothing is taken until a match ends it)
    s = str(t)
    for rx in lx.supply_res:
        m = rx.search(s)
        if m:
            unit = m.groupdict().get("u2") or m.group("u") or "days"
            item.days_supply = lx.number_value(m.group("n")) * lx.supply_units.get(unit, 1)
            item.days_supply_source = "written"
            t.take(m.start(), m.end())
            break
    # refills
    s = str(t)
    if (m := lx.refill_none_re.search(s)) is not None:
        item.refills = 0
        t.take(m.start(), m.end())
    else:
        for rx in lx.refill_res:
            m = rx.search(s)
            if m:
                item.refills = int(lx.number_value(m.group("n")))
                t.take(m.start(), m.end())
                break
    if count is None and (m := lx.quantity_res[1].search(str(t))) is not None:  # "x 60"
        count = float(m.group("n"))
        t.take(m.start(), m.end())
    # dose per administration (before the route and frequency words it is recognised by)
    s = str(t)
    for rx in lx.dose_res:
        m = rx.search(s)
        if m:
            item.units_per_dose = _number(lx, m.group("n"))[1]
            item.units_per_dose_source = "written"
            sig_spans.append((m.start(), m.end()))
            t.take(m.start(), m.end())
            break
    # frequency
    low = high = None
    s = str(t)
    candidates = []
    for m in lx.interval_re.finditer(s):
        a, b = lx.number_value(m.group("a")), lx.number_value(m.group("b") or m.group("a"))
        if min(a, b) > 0:
            candidates.append((m.start(), m.end(), 24 / max(a, b), 24 / min(a, b)))
    for m in lx.interval_days_re.finditer(s):  # "every 7 days": a dose every N days
        a, b = lx.number_value(m.group("a")), lx.number_value(m.group("b") or m.group("a"))
        if min(a, b) > 0:
            candidates.append((m.start(), m.end(), 1 / max(a, b), 1 / min(a, b)))
    for m in lx.times_re.finditer(s):
        a, b = lx.number_value(m.group("a")), lx.number_value(m.group("b") or m.group("a"))
        candidates.append((m.start(), m.end(), min(a, b), max(a, b)))
    for m in lx.frequency_re.finditer(s):
        per_day = lx.frequencies[re.sub(r"\s+", " ", m.group(0))]
        candidates.append((m.start(), m.end(), per_day, per_day))
    if candidates:
        candidates.sort()
        start, end, low, high = candidates[0]
        item.doses_per_day, item.doses_per_day_min = round(high, 6), round(low, 6)
        for c in candidates:
            sig_spans.append((c[0], c[1]))
            t.take(c[0], c[1])
    if (m := lx.prn_re.search(str(t))) is not None:
        item.prn = True
        sig_spans.append((m.start(), m.end()))
        t.take(m.start(), m.end())
    for m in lx.route_re.finditer(t.folded):
        if sig_spans:
            sig_spans.append((m.start(), m.end()))
    if sig_spans:
        a, b = min(s for s, _ in sig_spans), max(e for _, e in sig_spans)
        item.sig = t.original[a:b].strip(" ,;")
    # quantity
    if (m := lx.unknown_quantity_re.search(str(t))) is not None:
        item.unread["quantity"] = "the request says the quantity is unknown"
        t.take(m.start(), m.end())
    s = str(t)
    for rx in lx.quantity_res[2:] if count is None else ():
        m = rx.search(s)
        if m:
            count = float(m.group("n"))
            t.take(m.start(), m.end())
            break
    amount = lx.amount_re.search(str(t))
    if amount is not None:
        unit = lx.amount_units[amount.group("unit")]
        value = float(amount.group("value"))
        if count is None or unit == "g":
            if count is not None:
                item.notes.append(f"count {count:g} beside the amount {value:g} {unit}; the amount is the quantity")
            item.quantity, item.quantity_unit = value, unit
            t.take(amount.start(), amount.end())
            return
    if count is not None:
        item.quantity = count


def _read_form_route(lx: Lexicon, t: Line, item: MedicationItem, product, strengths) -> None:
    s = str(t)
    form = None
    if (m := lx.form_re.search(s)) is not None:
        form = lx.forms[re.sub(r"\s+", " ", m.group(0))]
    elif product is not None and product.form:
        form = next((f for f in lx.terms.forms if f.id == product.form.replace(" ", "_")), None)
    item.form = form.id if form else None
    if (m := lx.release_re.search(s)) is not None:
        item.release = lx.releases[re.sub(r"\s+", " ", m.group(0))]
    if (m := lx.route_re.search(t.folded)) is not None:
        item.route, item.route_source = lx.routes[re.sub(r"\s+", " ", m.group(0))], "written"
    elif form is not None and form.route:
        item.route = form.route
        item.route_source = "form" if lx.form_re.search(s) else "product"
    elif form is None and any(st.unit == "%" for _, _, st in strengths):
        item.route, item.route_source = "topical", "percent_strength"
        item.notes.append("no form written; a % strength is read as topical")
    if item.quantity is not None and item.quantity_unit is None:
        if form is not None and form.unit:
            item.quantity_unit = form.unit
        elif form is None or form.solid:
            item.quantity_unit = "unit"
