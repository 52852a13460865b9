"""The medication vocabularies (rules/vocab/drug_classes.yaml, medication_terms.yaml): valid at load,
consistent with their sources, and one-line errors when broken."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from checker.errors import InputError
from checker.kb.data import load_vocabulary
from checker.kinds.medications.vocab import Brand, DrugClassesFile, MedicationTermsFile, drug_classes, medication_terms

ROOT = Path(__file__).resolve().parent.parent


def test_vocabularies_load():
    dc, mt = drug_classes(), medication_terms()
    assert len(dc.drugs) > 100 and dc.products and dc.classes
    assert mt.forms and mt.directions.frequencies


def test_atc_codes_agree_with_the_classes_they_put_a_drug_in():
    """A drug in a class defined by ATC groups has a code in one of them (ppi -> A02BC ...)."""
    dc = drug_classes()
    by_id = {c.id: c for c in dc.classes}
    wrong = []
    for d in dc.drugs:
        for cid in d.classes:
            c = by_id[cid]
            if c.source == "who_atc" and c.atc and d.source == "who_atc":
                if not any(code.startswith(p) for code in d.atc for p in c.atc):
                    wrong.append(f"{d.generic} {d.atc} in {cid} {c.atc}")
    assert not wrong, wrong


def test_each_atc_code_is_well_formed():
    import re

    for d in drug_classes().drugs:
        for code in d.atc:
            assert re.fullmatch(r"[A-Z]\d\d[A-Z][A-Z]\d\d", code), (d.generic, code)


def test_every_opioid_has_an_mme_entry_per_table():
    dc = drug_classes()
    for d in dc.drugs:
        if "opioid" in d.classes:
            assert set(d.mme) == set(dc.mme_tables), d.generic


def test_cdc_2022_factors_are_the_published_table():
    """CDC 2022 Table: codeine 0.15, fentanyl 2.4 (mcg/hr), hydrocodone 1, hydromorphone 5, methadone 4.7,
    morphine 1, oxycodone 1.5, oxymorphone 3, tapentadol 0.4, tramadol 0.2."""
    published = {"codeine": 0.15, "fentanyl": 2.4, "hydrocodone": 1.0, "hydromorphone": 5.0, "methadone": 4.7,
                 "morphine": 1.0, "oxycodone": 1.5, "oxymorphone": 3.0, "tapentadol": 0.4, "tramadol": 0.2}
    drugs = {d.generic: d for d in drug_classes().drugs}
    assert {g: drugs[g].mme["cdc_2022"].factor for g in published} == published


def test_product_forms_and_route_ids_are_known_terms():
    mt = medication_terms()
    forms = {f.id for f in mt.forms}
    routes = {r.id for r in mt.routes}
    for p in drug_classes().products:
        if p.form:
            assert p.form.replace(" ", "_") in forms, p.name
    for rc in drug_classes().route_classes:
        assert set(rc.routes) <= routes


def test_unconfirmed_entries_say_so():
    """Nothing is silently guessed: a brand or product without a source in hand is marked unconfirmed."""
    dc = drug_classes()
    for p in dc.products:
        if p.source in ("not_consulted", "facts_beyond_physmed"):
            assert p.confidence == "unconfirmed", p.name
    for d in dc.drugs:
        for b in d.brands:
            if isinstance(b, Brand) and b.source == "not_consulted":
                assert b.confidence == "unconfirmed", b.name


def test_plain_brand_names_are_confirmed_by_the_drug_dictionary():
    """Brands written as plain strings claim the drug-named-entity-recognition dictionary as source:
    it must resolve each one to the same ingredient (a typo or a wrong mapping fails here)."""
    pytest.importorskip("drug_named_entity_recognition", reason="test extra drug-named-entity-recognition not installed")
    from drug_named_entity_recognition import drugs_finder as df

    wrong = []
    for d in drug_classes().drugs:
        for b in d.brands:
            if not isinstance(b, str):
                continue
            canon = df.drug_variant_to_canonical.get(b.lower()) or []
            names = {df.drug_canonical_to_data.get(c, {}).get("name", c).lower() for c in canon}
            if not any(d.generic in n or any(a.lower() in n for a in d.aliases) for n in names):
                wrong.append(f"{b} -> {sorted(names) or 'absent'} (table: {d.generic})")
    assert not wrong, wrong


def _copy_vocab(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "rules" / "vocab", tmp_path / "vocab")
    return tmp_path


@pytest.mark.parametrize(
    "old, new, where",
    [
        ("classes: [ppi], brands: [Prilosec]", "classes: [ppx], brands: [Prilosec]", "drugs[40].classes: unknown class 'ppx' (drug omeprazole); expected one of"),
        ("brands: [Protonix]", "brands: [Prilosec]", "drugs[41]: 'Prilosec' already names omeprazole"),
        ("source: label_norco", "source: label_nocro", "products[0].source: unknown source 'label_nocro' (product Norco); expected one of"),
        ("ingredients: [{generic: hydrocodone}, {generic: acetaminophen}]\n    form: tablet\n    source: label_norco",
         "ingredients: [{generic: hydrocodon}, {generic: acetaminophen}]\n    form: tablet\n    source: label_norco",
         "products[0].ingredients: 'hydrocodon' (product Norco) is not in the drug list"),
    ],
)
def test_a_broken_drug_table_is_one_line_naming_the_entry(tmp_path, old, new, where):
    d = _copy_vocab(tmp_path)
    path = d / "vocab" / "drug_classes.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(InputError) as e:
        load_vocabulary("drug_classes", DrugClassesFile, d)
    message = str(e.value)
    assert "\n" not in message and f"drug_classes.yaml: {where}" in message


def test_a_broken_terms_file_is_one_line(tmp_path):
    d = _copy_vocab(tmp_path)
    path = d / "vocab" / "medication_terms.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("route: oral, unit: tablet", "route: orl, unit: tablet", 1), encoding="utf-8")
    with pytest.raises(InputError) as e:
        load_vocabulary("medication_terms", MedicationTermsFile, d)
    assert str(e.value).endswith("forms[0].route: unknown route 'orl'; expected one of "
                                 "['buccal', 'injection', 'intramuscular', 'intranasal', 'intravenous', 'oral', "
                                 "'rectal', 'subcutaneous', 'sublingual', 'topical', 'transdermal']")
