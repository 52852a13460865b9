"""Medication and urine drug test request lines, generated from the vocabularies: every drug of the
class table by its generic name, aliases and brands, with strengths, forms, quantities, directions,
days' supply and refills written the ways prescriptions write them; compounds of 2-5 ingredients
in any order; combination products; UDT phrasings; and lines that are not medications."""
from __future__ import annotations

import csv
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from checker.kinds.medications import looks_like_medication, parse_medication, parse_urine_drug_test
from checker.kinds.medications.lexicon import lexicon
from checker.kinds.medications.vocab import drug_classes, medication_terms

DC = drug_classes()
LX = lexicon()


def _names():
    """(name as written, generic, is brand) for every name of every drug in the table."""
    out = []
    for d in DC.drugs:
        out.append((d.generic, d.generic, False))
        out.extend((a, d.generic, False) for a in d.aliases)
        out.extend((b, d.generic, True) for b in d.brand_names())
    return out


NAMES = _names()

# (written, value, unit)
STRENGTHS = [("50mg", 50, "mg"), ("50 mg", 50, "mg"), ("7.5 mg", 7.5, "mg"), ("0.5mg", 0.5, "mg"),
             ("100 MG", 100, "mg"), ("37.5mg", 37.5, "mg"), ("200 mcg", 200, "mcg")]
# (written, form, route, release)
FORMS = [("", None, None, None), ("tablets", "tablet", "oral", None), ("tab", "tablet", "oral", None),
         ("capsules", "capsule", "oral", None), ("caps", "capsule", "oral", None),
         ("ER tablets", "tablet", "oral", "extended"), ("extended-release capsules", "capsule", "oral", "extended"),
         ("DR tab", "tablet", "oral", "delayed"), ("oral suspension", "oral_suspension", "oral", None),
         ("patch", "patch", "transdermal", None)]
# (written, quantity) - "{n} tablets" counts the units itself and is used with no form written
QUANTITIES = [("#60", 60), ("# 60", 60), ("x 60", 60), ("QTY 60", 60), ("Qty: 60", 60), ("quantity 60", 60),
              ("disp #60", 60), ("dispense 60", 60), ("", None)]
# (written, units per dose, doses a day (max), doses a day (min), prn)
SIGS = [("1 tab PO BID", 1, 2, 2, False), ("take 1 tablet by mouth twice daily", 1, 2, 2, False),
        ("1 po tid", 1, 3, 3, False), ("one by mouth three times a day", 1, 3, 3, False),
        ("2 tabs q6h prn", 2, 4, 4, True), ("1-2 tabs q4-6h prn", 2, 6, 4, True),
        ("take 1 tablet every 8 hours as needed", 1, 3, 3, True), ("1 tab qhs", 1, 1, 1, False),
        ("1 tab daily", 1, 1, 1, False), ("1 cap QID", 1, 4, 4, False), ("take 1 tab every 12 hours", 1, 2, 2, False),
        ("1 tab 2 times a day", 1, 2, 2, False), ("1 tab 3x daily", 1, 3, 3, False),
        ("take two tablets four times daily", 2, 4, 4, False), ("BID", None, 2, 2, False),
        ("twice daily", None, 2, 2, False), ("q8h prn", None, 3, 3, True), ("every 4 to 6 hours as needed", None, 6, 4, True),
        ("", None, None, None, False)]
# (written, days)
SUPPLIES = [("day supply: 30", 30), ("30-day supply", 30), ("30 days supply", 30), ("30 day's supply", 30),
            ("for 30 days", 30), ("x 30 days", 30), ("1 month supply", 30), ("3 months coverage", 90),
            ("days supply 15", 15), ("x2 weeks", 14), ("", None)]
# (written, refills)
REFILLS = [("2 refills", 2), ("refills: 3", 3), ("RF x1", 1), ("no refills", 0), ("with 5 refills", 5), ("", None)]


def _line(name, strength, form, quantity, sig, supply, refill):
    return " ".join(p for p in (name, strength, form, quantity, sig, supply, refill) if p)


def _expected_classes(generic):
    return set(LX.expand(LX.drugs[generic].classes))


def _cases():
    """Every name once, each phrasing list cycled at a different pace, so every phrasing meets many
    drugs and every drug many phrasings."""
    cases = []
    for i, (name, generic, brand) in enumerate(NAMES):
        cases.append((name, generic, STRENGTHS[i % len(STRENGTHS)], FORMS[(i // 2) % len(FORMS)],
                      QUANTITIES[(i // 3) % len(QUANTITIES)], SIGS[i % len(SIGS)], SUPPLIES[(i // 5) % len(SUPPLIES)],
                      REFILLS[(i // 7) % len(REFILLS)]))
    return cases


def _all_phrasings(name):
    """Every quantity x directions x days' supply phrasing for one name."""
    generic = LX.names[name.lower()].generic
    combos = [(q, s, sup) for q in QUANTITIES for s in SIGS for sup in SUPPLIES]
    return [(name, generic, STRENGTHS[k % len(STRENGTHS)], FORMS[k % 5], q, s, sup, REFILLS[k % len(REFILLS)])
            for k, (q, s, sup) in enumerate(combos)]


def _ident(c):
    return _line(c[0], c[2][0], c[3][0], c[4][0], c[5][0], c[6][0], c[7][0])


def _check(case):
    name, generic, (st, value, unit), (form_w, form, route, release), (q_w, qty), sig, (sup_w, supply), (rf_w, refills) = case
    sig_w, per_dose, per_day, per_day_min, prn = sig
    if form == "patch" and sig_w and ("tab" in sig_w or "cap" in sig_w or "by mouth" in sig_w or " po" in f" {sig_w.lower()}"):
        sig_w, per_dose, per_day, per_day_min, prn = "1 patch daily", 1, 1, 1, False
    line = _line(name, st, form_w, q_w, sig_w, sup_w, rf_w)
    item = parse_medication(line)
    assert item is not None, line
    assert looks_like_medication(line)
    assert generic in item.generics, (line, item.generics)
    assert _expected_classes(generic) <= set(item.classes), (line, item.classes)
    ing = next(i for i in item.ingredients if i.generic == generic)
    assert ing.strength is not None and ing.strength.value == value and ing.strength.unit == unit, (line, ing.strength)
    assert item.form == form, (line, item.form)
    if route:
        assert item.route == route, (line, item.route)
    if release:
        assert item.release == release, line
    assert item.quantity == qty, (line, item.quantity)
    assert item.doses_per_day == per_day and item.doses_per_day_min == per_day_min, (line, item.doses_per_day)
    assert item.prn == prn, line
    if per_day is not None:
        expected_per_dose = per_dose if per_dose is not None else (1 if form is None or form != "oral_suspension" else None)
        assert item.units_per_dose == expected_per_dose, (line, item.units_per_dose)
        if per_dose is None and expected_per_dose is not None:
            assert item.units_per_dose_source == "assumed"
    if supply is not None:
        assert item.days_supply == supply and item.days_supply_source == "written", (line, item.days_supply)
    elif qty is not None and item.units_per_day and form != "oral_suspension":
        assert item.days_supply == round(qty / item.units_per_day, 2) and item.days_supply_source == "computed", line
    else:
        assert item.days_supply is None and "days_supply" in item.unread, line
    assert item.refills == refills, (line, item.refills)
    assert ("quantity" in item.incomplete) == (qty is None), (line, item.incomplete)
    assert "strength" not in item.incomplete, line
    if unit == "mg" and item.units_per_day and form not in ("oral_suspension",):
        assert item.mg_per_day[generic] == pytest.approx(value * item.units_per_day, abs=1e-3), line


@pytest.mark.parametrize("case", _cases(), ids=_ident)
def test_every_name_of_every_drug_is_read_with_its_numbers(case):
    _check(case)


@pytest.mark.parametrize("name", ["Tramadol", "Flexeril", "Cymbalta", "oxycodone"])
def test_every_quantity_directions_and_supply_phrasing(name):
    failures = []
    for case in _all_phrasings(name):
        try:
            _check(case)
        except AssertionError as e:
            failures.append(str(e).splitlines()[0])
    assert not failures, f"{len(failures)} lines misread, first: {failures[:5]}"


@pytest.mark.parametrize("drug", [d for d in DC.drugs if "opioid" in d.classes], ids=lambda d: d.generic)
def test_mme_per_day_is_mg_per_day_times_the_table_factor(drug):
    """Strength x units a day x factor, per CDC table; methadone 2016 by its dose tier; no factor, no MME."""
    line = f"{drug.generic} 10 mg 1 tab PO q8h #90"
    if drug.generic == "fentanyl":
        line = "fentanyl 25 mcg/hr patch, apply 1 patch every 72 hours #10"
    item = parse_medication(line)
    for table in DC.mme_tables:
        f = drug.mme[table]
        if f.factor is None and not f.tiers:
            assert table not in item.mme_per_day and table in item.unread["mme_per_day"]
        elif drug.generic == "fentanyl":
            assert item.mme_per_day[table] == pytest.approx(25 * f.factor)
        else:
            assert item.mg_per_day[drug.generic] == 30
            assert item.mme_per_day[table] == pytest.approx(30 * f.for_daily_mg(30))


@pytest.mark.parametrize("sig, per_day", [("apply 1 patch every 72 hours", 1 / 3), ("1 patch q72h", 1 / 3),
                                          ("1 patch every 7 days", 1 / 7), ("1 patch weekly", 1 / 7),
                                          ("apply 1 patch 12 hours on, 12 hours off", 1), ("1 patch 12 hrs on/12 hrs off", 1),
                                          ("1 patch every 3 days", 1 / 3), ("1 patch daily", 1)])
def test_patch_regimens(sig, per_day):
    item = parse_medication(f"Lidoderm 5% patch, {sig}, #30")
    assert item.doses_per_day == pytest.approx(per_day, abs=1e-5) and item.units_per_dose == 1
    assert item.days_supply == pytest.approx(30 / per_day, abs=0.01) and item.days_supply_source == "computed"
    assert "topical_analgesic" in item.classes and item.form == "patch"


def test_mme_from_quantity_and_days_supply_when_no_directions():
    """CDC formula: strength x (quantity / days' supply) x factor."""
    item = parse_medication("Oxycodone HCl ER 20mg #60 day supply: 30")
    assert item.units_per_day == 2 and item.mg_per_day["oxycodone"] == 40
    assert item.mme_per_day == {"cdc_2016": 60, "cdc_2022": 60}


def test_methadone_2016_factor_rises_with_the_daily_dose():
    low = parse_medication("Methadone 5 mg 1 tab bid #60")  # 10 mg/day: factor 4
    high = parse_medication("Methadone 10 mg 2 tabs tid #180")  # 60 mg/day: factor 10
    assert low.mme_per_day["cdc_2016"] == 40 and high.mme_per_day["cdc_2016"] == 600


@pytest.mark.parametrize("product", DC.products, ids=lambda p: p.name)
def test_every_product_resolves_to_its_ingredients(product):
    item = parse_medication(f"{product.name} #30")
    assert item.product == product.name and item.product_confidence == product.confidence
    assert item.generics == [i.generic for i in product.ingredients]
    if product.confidence == "unconfirmed":
        assert any("unconfirmed" in n for n in item.notes)
    if product.kind in ("compounding_kit", "compounded"):
        assert item.compounded
    has_label_strength = any(i.strength for i in product.ingredients)
    assert ("strength" in item.incomplete) == (not has_label_strength), item.incomplete


@pytest.mark.parametrize("product", [p for p in DC.products if len(p.ingredients) == 2 and p.kind == "combination"],
                         ids=lambda p: p.name)
def test_a_combination_strength_is_shared_over_the_product_ingredients_in_order(product):
    item = parse_medication(f"{product.name} 10/325 mg 1 tab q6h prn #120")
    first, second = (next(i for i in item.ingredients if i.generic == p.generic) for p in product.ingredients)
    assert (first.strength.value, second.strength.value) == (10, 325)
    assert item.doses_per_day == 4 and item.days_supply == 30


@pytest.mark.parametrize("product", [p for p in DC.products if len(p.ingredients) == 2 and p.kind == "combination"],
                         ids=lambda p: p.name)
def test_a_combination_strength_without_unit_is_read_in_mg_and_said_so(product):
    item = parse_medication(f"{product.name} 7.5/325 #60")
    first, second = (next(i for i in item.ingredients if i.generic == p.generic) for p in product.ingredients)
    assert (first.strength.value, second.strength.value, first.strength.unit) == (7.5, 325, "mg")
    assert item.quantity == 60 and any("read as mg" in n for n in item.notes)


def test_a_fraction_of_a_tablet_is_a_dose_not_a_strength():
    item = parse_medication("Norco #60 1/2 tab bid")
    assert item.units_per_dose == 0.5 and item.doses_per_day == 2 and item.quantity == 60
    assert "strength" in item.incomplete


@pytest.mark.parametrize("joiner", ["/", " / ", " and ", "-", " with "])
def test_a_combination_strength_is_shared_over_names_written_together(joiner):
    item = parse_medication(f"Hydrocodone{joiner}acetaminophen 7.5/325mg #90 30 day supply")
    strengths = {i.generic: i.strength.value for i in item.ingredients}
    assert strengths == {"hydrocodone": 7.5, "acetaminophen": 325}
    assert item.mme_per_day["cdc_2022"] == pytest.approx(7.5 * 3)


TOPICAL_BASES = [("in cream base", "cream"), ("cream", "cream"), ("gel", "gel"), ("in Lipoderm base", None),
                 ("ointment", "ointment"), ("compounded cream", "cream")]


@pytest.mark.parametrize("seed", range(60))
def test_compound_of_two_to_five_ingredients_in_any_order(seed):
    rng = random.Random(seed)
    n = rng.randint(2, 5)
    drugs = rng.sample([d for d in DC.drugs if d.classes], n)
    strengths = [rng.choice(["20%", "5%", "2%", "0.025%", "10%", "6%", "0.0375%", "1.3%"]) for _ in drugs]
    names = [rng.choice([d.generic, d.generic.upper(), d.generic.title()]) for d in drugs]
    sep = rng.choice([", ", " / ", " + ", "; ", " and "])
    base, form = rng.choice(TOPICAL_BASES)
    amount = rng.choice([("240g", 240, "g"), ("120 grams", 120, "g"), ("30 gm", 30, "g"), ("", None, None)])
    line = sep.join(f"{n_} {s}" for n_, s in zip(names, strengths)) + f" {base} {amount[0]}".rstrip()
    item = parse_medication(line)
    assert item is not None, line
    assert item.generics == [d.generic for d in drugs], (line, item.generics)
    for d, s in zip(drugs, strengths):
        ing = next(i for i in item.ingredients if i.generic == d.generic)
        assert ing.strength.unit == "%" and ing.strength.value == float(s.rstrip("%")), (line, ing)
        assert set(LX.expand(d.classes)) <= set(ing.classes)
    assert item.compounded and item.route == "topical", line
    assert item.form == form, (line, item.form)
    assert item.quantity == amount[1] and item.quantity_unit == amount[2], line
    if any("nsaid" in LX.expand(d.classes) for d in drugs):
        assert "topical_nsaid" in item.classes and "topical_analgesic" in item.classes
    assert "strength" not in item.incomplete


def test_a_compound_ingredient_without_strength_is_incomplete():
    item = parse_medication("Gabapentin 10%, Cyclobenzaprine, Lidocaine 5% in cream base 240g")
    assert item.incomplete == ["strength"]


def test_topical_nsaid_only_when_applied_to_the_skin():
    assert "topical_nsaid" not in parse_medication("Diclofenac sodium 75 mg tab bid #60").classes
    assert "topical_nsaid" in parse_medication("Diclofenac 1% gel apply to affected area qid 100 g").classes
    assert "topical_analgesic" in parse_medication("Lidocaine 5% patch 12 hours on, 12 off #30").classes


def test_a_misspelt_name_is_read_and_said_so():
    item = parse_medication("Ketoprophen 20% cream 120 grams")
    assert item.generics == ["ketoprofen"] and item.ingredients[0].match == "fuzzy"
    assert any("spelling" in n for n in item.notes)


def test_an_unknown_drug_with_a_strength_is_a_medication_without_class():
    item = parse_medication("Metforminex 500mg #60")
    assert item is not None and item.generics == [] and item.classes == [] and "drug" in item.unread
    assert item.drug == "Metforminex" and item.quantity == 60


def test_unknown_quantity_is_incomplete_and_said_so():
    item = parse_medication("Deprizine (unknown quantity)")
    assert item.quantity is None and "quantity" in item.incomplete and "duration" in item.incomplete
    assert item.unread["quantity"].startswith("the request says")


def test_brand_beside_generic_is_one_ingredient():
    item = parse_medication("Diazepam (Valium) 5mg take 1 tab orally 1 hour before exam")
    assert item.generics == ["diazepam"] and item.brand == "Valium" and item.units_per_dose == 1
    assert item.doses_per_day is None and "doses_per_day" in item.unread


NOT_MEDICATIONS = [
    "MRI of the lumbar spine without contrast", "Physical therapy 2x6", "PHYSICAL THERAPY 2 X 6 FOR THE CERVICAL SPINE",
    "PT/INR", "CBC, CMP, PT/INR", "TENS unit", "TENS unit purchase", "EMG/NCS of the bilateral upper extremities",
    "Acupuncture x 6 sessions", "Chiropractic treatment 2 times a week for 4 weeks", "Hot/cold therapy unit rental x 30 days",
    "Lumbar epidural steroid injection at L4-5", "Pre-operative EKG", "Home health aide 4 hours a day x 2 weeks",
    "Functional capacity evaluation", "Urine drug screen", "Knee brace", "Follow-up visit in 4 weeks",
    "Chest x-ray 2 views", "Cervical pillow", "Gym membership x 6 months", "Massage therapy 1 x week x 6 weeks",
    "Orthopedic consultation", "Shockwave therapy x 3 sessions", "Work conditioning 10 visits", "Aquatic therapy 2x4",
    "Heating pad", "Interferential unit 30 day rental", "Right shoulder arthroscopy", "Transportation to and from appointments",
]


@pytest.mark.parametrize("line", NOT_MEDICATIONS)
def test_service_lines_are_not_medications(line):
    assert parse_medication(line) is None
    assert not looks_like_medication(line)


UDT_TEMPLATES = [("{t}", None, None, None), ("{t} x2", None, 2, None), ("Quantitative {t}", "definitive", None, None),
                 ("Qualitative {t}", "presumptive", None, None), ("{t} quarterly", None, None, 4),
                 ("Point of care {t} every 6 months", "presumptive", None, 2), ("Confirmatory {t} #3", "definitive", 3, None),
                 ("2 random {t}", None, 2, None)]


@pytest.mark.parametrize("term", medication_terms().urine_drug_test.terms)
@pytest.mark.parametrize("template", UDT_TEMPLATES, ids=lambda t: t[0])
def test_urine_drug_test_phrasings(term, template):
    written, method, count, per_year = template
    line = written.format(t=term if written.startswith("{") else term.lower())
    item = parse_urine_drug_test(line)
    assert item is not None and item.explicit, line
    assert (item.method, item.count, item.per_year) == (method, count, per_year), line
    assert parse_medication(line) is None


@pytest.mark.parametrize("code, method", [("80305", "presumptive"), ("80307", "presumptive"), ("G0481", "definitive"),
                                          ("80320", "definitive"), ("80377", "definitive")])
def test_urine_drug_test_by_code(code, method):
    item = parse_urine_drug_test(f"CPT {code} x1")
    assert item.explicit and item.codes == [code] and item.method == method and item.count == 1


@pytest.mark.parametrize("term", medication_terms().urine_drug_test.weak_terms)
def test_a_bare_urine_test_is_read_as_a_drug_test_and_labelled(term):
    item = parse_urine_drug_test(term.title())
    assert item is not None and not item.explicit and "explicit" in item.unread


@pytest.mark.parametrize("line", ["Urinalysis", "MRI lumbar spine", "Pre-operative labs: CBC, BMP, UA", "Drug Formulary review"])
def test_other_lines_are_not_urine_drug_tests(line):
    assert parse_urine_drug_test(line) is None


def test_real_item_lines_of_other_kinds_are_not_read_as_medications(dev_dir, seeds_dir):
    """No disputed item labelled imaging, therapy, equipment ... in the real letters reads as a medication."""
    wrong = []
    for directory in (dev_dir, seeds_dir):
        with open(directory / "labels.csv", newline="", encoding="utf-8") as f:
            for row in csv.DictReader(f):
                if row["category"] != "medication" and parse_medication(row["item"]) is not None:
                    wrong.append(row["item"])
    assert not wrong, wrong


_PIECES = sorted({*(n for n, _, _ in NAMES[::7]), "mg", "%", "#", "x", "/", "q", "h", "tab", "tabs", "bid", "prn", "po",
                  "patch", "cream", "day", "supply", "refills", "every", "hours", "urine", "drug", "screen", "(", ")",
                  ",", "-", ":", "compound", "base", "1", "2", "10", "325", "0.5", "30", "60", "unknown quantity", "x2"})


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_PIECES) | st.text(max_size=6), max_size=14).map(" ".join))
def test_any_text_reads_without_error_and_the_cheap_test_agrees(text):
    item = parse_medication(text)
    assert looks_like_medication(text) == (item is not None)
    if item is not None:
        assert item.family == "medication" and set(item.incomplete) <= {"strength", "quantity", "duration"}
        assert all(v >= 0 for v in item.mme_per_day.values())
    udt = parse_urine_drug_test(text)
    assert udt is None or udt.family == "urine_drug_test"
