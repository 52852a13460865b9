"""The MTUS Drug List the user loads from a rule pack (_drug_list.csv, checker/kb/drug_list.py) and the
formulary facts and advice rules it feeds (checker/kinds/medications/formulary.py, rules/mtus_drug_formulary.yaml).

Every status x fill mark x date before / after 2018-01-01 x list loaded or not gives its fact and its rule;
the header names the DWC spreadsheet writes are read in their variants; every malformed file is one error
line with exit status 2; a product takes its strictest ingredient's status. Drug names are the drug
dictionary's own generics (rules/vocab/drug_classes.yaml), generated, not picked from a letter. The lists
written here are invented test data, not the DWC MTUS Drug List.
"""
from __future__ import annotations

import datetime as dt
import itertools
import json
import os
from pathlib import Path

import pytest
import yaml

from checker.check import Checker
from checker.decide import Decision
from checker.engine.facts import build_fact, pick_dates
from checker.errors import InputError
from checker.kb.load import load_kb
from checker.kinds.medications.vocab import drug_classes
from checker.normalize.item import normalize_item
from checker.normalize.item_text import parse_item
from checker.request.model import TreatmentRequest
from tests.test_check_cli import imr_check

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_PACK = ROOT / "samples" / "drug_list_pack"
SAMPLE_REQUEST = ROOT / "samples" / "requests" / "medications_drug_list_2019.yaml"
BUNDLED = load_kb()
STATUSES = {"Exempt": "exempt", "Non-Exempt": "non_exempt"}
FLAGS = {"Yes": "yes", "No": "no", "": "not_stated"}
HEADER = "Drug Ingredient,Exempt/Non-Exempt,Special Fill,Perioperative Fill"
FORMULARY_RULES = ("formulary.drug_list", "formulary.exempt", "formulary.non_exempt", "formulary.special_fill",
                   "formulary.perioperative_fill", "formulary.compounded")


def single_ingredient_drugs(n: int, decided: bool = False) -> list[str]:
    """Generics of the drug dictionary whose plain line reads as that one ingredient, not compounded;
    `decided`: only those the bundled rules decide (not "not covered", which carries no finding, e.g. an
    opioid after 2017-12-01) on every in-force date and fill window the grid below uses."""
    out = []
    for drug in drug_classes().drugs:
        parsed = parse_item(f"{drug.generic} 10mg #30")
        if parsed.attributes.get("generics") == [drug.generic] and not parsed.attributes.get("compounded"):
            out.append(drug.generic)
    if decided:
        checker = Checker(BUNDLED)
        for day, (injury, surgery) in itertools.product(IN_FORCE_DAYS, WINDOWS.values()):
            results = checker.check(request([f"{d} 10mg #30" for d in out], day, injury, surgery))
            out = [d for d, r in zip(out, results) if r.decision is not Decision.not_covered]
    if len(out) < n:
        raise AssertionError(f"the drug dictionary has fewer than {n} such generics: {out}")
    return out[:n]


def write_pack(root: Path, name: str, csv_text: str | bytes | None, effective: str = "2018-01-01",
               info: bool = True) -> Path:
    pack = root / name
    pack.mkdir(parents=True)
    meta = {"name": name}
    if info:
        meta["drug_list"] = {"version": f"test-{name}", "effective": effective}
    (pack / "_pack.yaml").write_text(yaml.safe_dump(meta))
    if isinstance(csv_text, bytes):
        (pack / "_drug_list.csv").write_bytes(csv_text)
    elif csv_text is not None:
        (pack / "_drug_list.csv").write_text(csv_text, encoding="utf-8")
    return pack


def request(items: list[str], day: dt.date, injury_days: int, surgery_days: int | None = None) -> TreatmentRequest:
    surgeries = [] if surgery_days is None else [
        {"procedure": "knee arthroscopy", "date": (day - dt.timedelta(days=surgery_days)).isoformat()}]
    return TreatmentRequest.model_validate({
        "request_date": day.isoformat(),
        "patient": {"injury_date": (day - dt.timedelta(days=injury_days)).isoformat(),
                    "diagnoses": ["knee sprain"], "surgeries": surgeries},
        "items": items,
    })


def facts_of(kb, req: TreatmentRequest) -> list[dict]:
    dates = pick_dates(req, None, req.request_date)
    return [build_fact(req, normalize_item(item), kb, dates) for item in req.items]


def formulary_rules(result) -> set[str]:
    return {f.rule for f in result.findings + result.superseded if f.rule in FORMULARY_RULES}


# ------------------------------------------------------------------ every status x fill mark x date x loaded

COMBOS = list(itertools.product(STATUSES, FLAGS, FLAGS))  # status, special fill, perioperative fill
IN_FORCE_DAYS = (dt.date(2018, 1, 1), dt.date(2021, 6, 1))
WINDOWS = {True: (3, 2), False: (45, None)}  # in the fill windows: (days since injury, since surgery)


@pytest.fixture(scope="module")
def grid(tmp_path_factory):
    drugs = single_ingredient_drugs(len(COMBOS) + 1, decided=True)
    rows = [f"{d},{s},{sf},{pf}" for d, (s, sf, pf) in zip(drugs, COMBOS)]  # the last drug is not listed
    pack = write_pack(tmp_path_factory.mktemp("grid"), "grid", "\n".join([HEADER, *rows]) + "\n")
    return drugs, load_kb(packs=[pack])


@pytest.mark.parametrize("loaded", [True, False], ids=["list", "no_list"])
@pytest.mark.parametrize("day", [dt.date(2017, 12, 31), *IN_FORCE_DAYS], ids=str)
@pytest.mark.parametrize("windows", [True, False], ids=["in_fill_windows", "outside"])
def test_every_status_and_fill_mark_gives_its_fact_and_rule(grid, loaded, day, windows):
    drugs, kb = grid
    kb = kb if loaded else BUNDLED
    req = request([f"{d} 10mg #30" for d in drugs], day, *WINDOWS[windows])
    facts = facts_of(kb, req)
    results = Checker(kb).check(req)
    plain = Checker(BUNDLED).check(req)
    in_force = day >= dt.date(2018, 1, 1)
    decided: dict[str, set] = {}
    for i, drug in enumerate(drugs):
        fact, result = facts[i], results[i]
        assert fact["special_fill_window"] is windows and fact["perioperative_fill_window"] is windows
        if i < len(COMBOS):
            status, sf, pf = STATUSES[COMBOS[i][0]], FLAGS[COMBOS[i][1]], FLAGS[COMBOS[i][2]]
        else:
            status, sf, pf = "unlisted", "no", "no"
        if not (loaded and in_force):
            status, sf, pf = "unknown", "not_stated", "not_stated"
        got = (fact["formulary_status"], fact["formulary_special_fill"], fact["formulary_perioperative_fill"])
        assert got == (status, sf, pf), drug
        want = set()
        if in_force:
            want = {"unknown": {"formulary.drug_list"}, "exempt": {"formulary.exempt"}}.get(
                status, {"formulary.non_exempt"})
            if status == "non_exempt" and windows and sf == "yes":
                want.add("formulary.special_fill")
            if status == "non_exempt" and windows and pf == "yes":
                want.add("formulary.perioperative_fill")
        assert formulary_rules(result) == want, (drug, got)
        decided.setdefault(status, set()).update(want)
        # advice only: the same decision as without any list
        assert (result.decision, result.certifiable_quantity) == (plain[i].decision, plain[i].certifiable_quantity)
        assert all(f.effect in ("advise", "ok") for f in result.findings if f.rule in FORMULARY_RULES)
        lines = dict(result.understood.details)
        if status == "unknown":
            assert ("Formulary" in lines) is in_force
        else:
            assert lines["Formulary"].startswith(status.replace("_", "-"))
            assert "MTUS Drug List test-grid, effective 2018-01-01, pack grid" in lines["Formulary"]
    # every status's rules fired (each drug is one the rules decide)
    if in_force:
        expected = {"unknown": {"formulary.drug_list"}} if not loaded else {
            "exempt": {"formulary.exempt"}, "unlisted": {"formulary.non_exempt"},
            "non_exempt": {"formulary.non_exempt"} | (
                {"formulary.special_fill", "formulary.perioperative_fill"} if windows else set())}
        assert {k: v for k, v in decided.items() if v} == expected


def test_a_request_before_the_lists_effective_date_is_unknown_and_the_list_in_force_is_read(tmp_path):
    drug = single_ingredient_drugs(1)[0]
    old = write_pack(tmp_path, "old", f"{HEADER}\n{drug},Exempt,,\n", effective="2018-01-01")
    new = write_pack(tmp_path, "new", f"{HEADER}\n{drug},Non-Exempt,Yes,\n", effective="2020-01-15")
    only_new = load_kb(packs=[new])
    both = load_kb(packs=[new, old])
    line = f"{drug} 10mg #30"
    for kb, day, status, label in [
        (only_new, dt.date(2020, 1, 14), "unknown", ""),
        (only_new, dt.date(2020, 1, 15), "non_exempt", "MTUS Drug List test-new, effective 2020-01-15, pack new"),
        (both, dt.date(2019, 6, 1), "exempt", "MTUS Drug List test-old, effective 2018-01-01, pack old"),
        (both, dt.date(2020, 2, 1), "non_exempt", "MTUS Drug List test-new, effective 2020-01-15, pack new"),
    ]:
        (fact,) = facts_of(kb, request([line], day, 45))
        assert (fact["formulary_status"], fact["formulary_list"]) == (status, label), day


def test_a_compounded_drug_is_compounded_whatever_its_ingredients_status(tmp_path):
    pack = write_pack(tmp_path, "c", f"{HEADER}\nketoprofen,Exempt,,\nmenthol,Exempt,,\n")
    line = "Ketoprofen 20%, menthol 5% in cream base 240 grams"
    for kb in (load_kb(packs=[pack]), BUNDLED):
        (fact,) = facts_of(kb, request([line], dt.date(2019, 1, 1), 45))
        assert fact["formulary_status"] == "compounded"
        (result,) = Checker(kb).check(request([line], dt.date(2019, 1, 1), 45))
        assert formulary_rules(result) == {"formulary.compounded"}


# ------------------------------------------------------------------ products of several ingredients

@pytest.mark.parametrize("first,second", list(itertools.product(["Exempt", "Non-Exempt", None], repeat=2)))
def test_a_product_of_several_ingredients_takes_the_strictest_status(tmp_path, first, second):
    rows = [f"{name},{status},Yes,Yes" for name, status in (("Hydrocodone Bitartrate", first),
                                                          ("Acetaminophen", second)) if status]
    kb = load_kb(packs=[write_pack(tmp_path, "p", "\n".join([HEADER, *rows, "Ibuprofen,Exempt,,"]) + "\n")])
    (fact,) = facts_of(kb, request(["Norco 10/325mg every 6 hours #30"], dt.date(2019, 1, 1), 45))
    order = ["exempt", "non_exempt", "unlisted"]
    want = max((STATUSES[s] if s else "unlisted" for s in (first, second)), key=order.index)
    assert fact["formulary_status"] == want
    assert fact["formulary_special_fill"] == ("no" if want == "unlisted" else "yes")


def test_a_row_naming_the_combination_is_read_for_the_product_as_a_whole(tmp_path):
    csv_text = f"{HEADER}\nHydrocodone/Acetaminophen,Non-Exempt,Yes,No\nHydrocodone,Exempt,,\nAcetaminophen,Exempt,,\n"
    kb = load_kb(packs=[write_pack(tmp_path, "p", csv_text)])
    combo, single = facts_of(kb, request(["Norco 10/325mg #30", "Acetaminophen 500mg #30"], dt.date(2019, 1, 1), 45))
    assert (combo["formulary_status"], combo["formulary_special_fill"], combo["formulary_perioperative_fill"]) == (
        "non_exempt", "yes", "no")
    assert single["formulary_status"] == "exempt"


def test_an_ingredient_on_several_rows_takes_its_strictest_row(tmp_path):
    csv_text = f"{HEADER}\nGabapentin,Exempt,Yes,Yes\ngabapentin,Non-Exempt,Yes,\n"
    kb = load_kb(packs=[write_pack(tmp_path, "p", csv_text)])
    (fact,) = facts_of(kb, request(["Gabapentin 300mg #90"], dt.date(2019, 1, 1), 45))
    assert (fact["formulary_status"], fact["formulary_special_fill"], fact["formulary_perioperative_fill"]) == (
        "non_exempt", "yes", "not_stated")


# ------------------------------------------------------------------ header names and cell words

HEADER_VARIANTS = [
    ("Drug Ingredient", "Exempt/Non-Exempt", "Special Fill", "Perioperative Fill"),
    ("DRUG INGREDIENT", "EXEMPT / NON-EXEMPT", "SPECIAL FILL", "PERIOPERATIVE FILL"),
    (" drug ingredient ", "exempt or non-exempt", "special-fill", "peri-operative fill"),
    ("Ingredient", "Status", None, None),
    ("Drug Name", "Formulary Status", "Special Fill", None),
    ("Generic Name", "Exempt Non Exempt", None, "Perioperative Fill"),
]


@pytest.mark.parametrize("names", HEADER_VARIANTS, ids=lambda n: "|".join(x or "-" for x in n))
@pytest.mark.parametrize("framing", ["plain", "title_rows", "bom_crlf", "comments", "reordered"])
def test_the_header_names_the_dwc_spreadsheet_writes_are_read_in_their_variants(tmp_path, names, framing):
    ing, st, sf, pf = names
    columns = [(ing, "Naproxen", "Tramadol"), (st, "exempt", "NON-EXEMPT"), ("Notes", "x", "y")]
    if sf:
        columns.append((sf, "", "Y"))
    if pf:
        columns.append((pf, "n", "yes"))
    if framing == "reordered":
        columns = columns[::-1]
    rows = [",".join(f'"{c[k]}"' if "," in c[k] else c[k] for c in columns) for k in range(3)]
    if framing == "title_rows":
        rows = ["MTUS Drug List,,", "Effective date: see the AD order,,", *rows]
    if framing == "comments":
        rows = ["# exported from the spreadsheet", *rows[:2], "", "# a comment between rows", rows[2]]
    text = "\n".join(rows) + "\n"
    data = ("\ufeff" + text.replace("\n", "\r\n")).encode() if framing == "bom_crlf" else text.encode()
    kb = load_kb(packs=[write_pack(tmp_path, "p", data)])
    (drug_list,) = kb.drug_lists
    naproxen, tramadol = drug_list.lookup("naproxen"), drug_list.lookup("tramadol")
    assert (naproxen.status, tramadol.status) == ("exempt", "non_exempt")
    assert (naproxen.special_fill, tramadol.special_fill) == (("not_stated", "yes") if sf else ("not_stated",) * 2)
    assert (naproxen.perioperative_fill, tramadol.perioperative_fill) == (("no", "yes") if pf else ("not_stated",) * 2)


@pytest.mark.parametrize("word,status", [("Exempt", "exempt"), ("EXEMPT", "exempt"), (" exempt ", "exempt"),
                                         ("Non-Exempt", "non_exempt"), ("non exempt", "non_exempt"),
                                         ("NonExempt", "non_exempt"), ("NON-EXEMPT", "non_exempt")])
def test_status_words_are_read_whatever_their_case_and_hyphen(tmp_path, word, status):
    kb = load_kb(packs=[write_pack(tmp_path, "p", f"{HEADER}\nNaproxen,{word},,\n")])
    assert kb.drug_lists[0].lookup("Naproxen").status == status


@pytest.mark.parametrize("word,flag,days", [("Yes", "yes", None), ("y", "yes", None), ("NO", "no", None),
                                             ("", "not_stated", None), ("4-day supply", "yes", 4),
                                             ("4 days", "yes", 4), ("7", "yes", 7), ("Yes (4 days)", "yes", 4)])
def test_fill_cells_are_yes_no_blank_or_a_days_supply(tmp_path, word, flag, days):
    kb = load_kb(packs=[write_pack(tmp_path, "p", f'{HEADER}\nTramadol,Non-Exempt,"{word}","{word}"\n')])
    entry = kb.drug_lists[0].lookup("tramadol")
    assert (entry.special_fill, entry.special_fill_days) == (flag, days)
    assert (entry.perioperative_fill, entry.perioperative_fill_days) == (flag, days)


# ------------------------------------------------------------------ malformed files: one line, exit 2

def _oversize(pack: Path) -> None:
    with open(pack / "_drug_list.csv", "wb") as f:
        f.truncate(20_000_001)  # sparse: refused from its size, never read


MALFORMED = {
    # name: (csv text or bytes or a writer, what the one line must say)
    "missing_status_column": ("Drug Ingredient,Special Fill\nNaproxen,Yes\n", ["line 1", "no status column"]),
    "missing_ingredient_column": ("Exempt/Non-Exempt,Special Fill\nExempt,Yes\n",
                                  ["line 1", "drug ingredient column"]),
    "unknown_status_word": (f"{HEADER}\nNaproxen,Exempt,,\nTramadol,Maybe,,\n",
                            ["line 3, column 2", "'Exempt/Non-Exempt'", "unknown status 'Maybe'",
                             "expected Exempt or Non-Exempt"]),
    "unknown_fill_word": (f"{HEADER}\nTramadol,Non-Exempt,Sometimes,\n",
                          ["line 2, column 3", "'Special Fill'", "unknown value 'Sometimes'"]),
    "empty_ingredient": (f"{HEADER}\n,Exempt,,\n", ["line 2, column 1", "empty drug ingredient"]),
    "duplicate_column": ("Drug Ingredient,Status,Exempt/Non-Exempt\nNaproxen,Exempt,Exempt\n",
                         ["line 1, column 3", "a second status column"]),
    "empty": ("", ["is empty"]),
    "only_comments": ("# nothing here\n\n", ["no rows, only comments"]),
    "header_only": (HEADER + "\n", ["line 1", "no drug rows"]),
    "binary": (b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00", ["is binary", "CSV"]),
    "not_utf8": (b"Drug Ingredient,Status\nNaprox\xe8n,Exempt\n", ["UTF-8"]),
    "oversize": (_oversize, ["larger than 20 MB"]),
}


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_every_malformed_drug_list_is_one_error_line_with_exit_2(tmp_path, case):
    content, words = MALFORMED[case]
    pack = write_pack(tmp_path, "bad", None if callable(content) else content)
    if callable(content):
        content(pack)
    done = imr_check("check", "--rules", pack, SAMPLE_REQUEST)
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in done.stderr, done.stderr
    assert str(pack / "_drug_list.csv") in lines[0]
    for word in words:
        assert word in lines[0], (word, lines[0])
    with pytest.raises(InputError):  # the library says the same to a caller
        load_kb(packs=[pack])


@pytest.mark.parametrize("case", ["list_without_info", "info_without_list", "bad_effective_date", "same_effective"])
def test_a_drug_list_the_pack_does_not_name_or_dates_twice_is_one_error_line(tmp_path, case):
    packs = []
    if case == "list_without_info":
        packs.append(write_pack(tmp_path, "p", f"{HEADER}\nNaproxen,Exempt,,\n", info=False))
        words = ["_pack.yaml", "drug_list", "version and effective date"]
    elif case == "info_without_list":
        packs.append(write_pack(tmp_path, "p", None))
        words = ["_pack.yaml", "drug_list", "holds no _drug_list.csv"]
    elif case == "bad_effective_date":
        packs.append(write_pack(tmp_path, "p", f"{HEADER}\nNaproxen,Exempt,,\n", effective="2019-13-01"))
        words = ["_pack.yaml", "drug_list.effective"]
    else:
        packs += [write_pack(tmp_path, n, f"{HEADER}\nNaproxen,Exempt,,\n") for n in ("a", "b")]
        words = ["_drug_list.csv", "already loaded from pack a"]
    args = [x for p in packs for x in ("--rules", p)]
    done = imr_check("check", *args, SAMPLE_REQUEST)
    lines = done.stderr.strip().splitlines()
    assert done.returncode == 2 and len(lines) == 1 and "Traceback" not in done.stderr, done.stderr
    for word in words:
        assert word in lines[0], (word, lines[0])


def test_a_rule_testing_an_unknown_fact_or_value_is_one_error_line(tmp_path):
    pack = tmp_path / "r"
    pack.mkdir()
    rule = {"id": "x.formulary", "kind": "advice", "primary": False, "source": "mtus_drug_formulary",
            "section": "s", "pages": "1", "effective": {"from": "2018-01-01"}, "family": "medication",
            "rationale": "r", "missing": "m", "confidence": {"level": "unconfirmed", "note": "test"}}
    for facts, words in [({"formulary_stat": ["exempt"]}, "unknown fact 'formulary_stat'"),
                         ({"formulary_special_fill": ["maybe"]}, "expected yes, no or not_stated"),
                         ({"special_fill_window": ["yes"]}, "expected true or false")]:
        (pack / "rules.yaml").write_text(yaml.safe_dump({"rules": [{**rule, "applies_to": {"facts": facts}}]}))
        done = imr_check("check", "--rules", pack, SAMPLE_REQUEST)
        lines = done.stderr.strip().splitlines()
        assert done.returncode == 2 and len(lines) == 1, done.stderr
        assert "rule x.formulary: applies_to.facts." in lines[0] and words in lines[0], lines[0]


# ------------------------------------------------------------------ the sample pack

def test_the_sample_pack_is_labelled_an_illustration_and_its_request_reads_every_status():
    meta = yaml.safe_load((SAMPLE_PACK / "_pack.yaml").read_text())
    assert "NOT the DWC MTUS Drug List" in meta["description"] and "placeholder" in meta["description"]
    assert "NOT the DWC MTUS Drug List" in (SAMPLE_PACK / "_drug_list.csv").read_text().splitlines()[0]
    with_pack = json.loads(imr_check("check", "--rules", SAMPLE_PACK, SAMPLE_REQUEST, "--json").stdout)["items"]
    without = json.loads(imr_check("check", SAMPLE_REQUEST, "--json").stdout)["items"]
    formulary = [dict(i["understood"]["details"])["Formulary"] for i in with_pack]
    source = " (MTUS Drug List example-not-dwc, effective 2019-01-01, pack example-drug-list)"
    assert formulary == [s + source for s in (
        "exempt", "non-exempt, special fill", "non-exempt, special fill (4-day supply) and perioperative fill "
        "(4-day supply)", "unlisted")]
    assert [i["decision"] for i in with_pack] == [i["decision"] for i in without]
    assert all(dict(i["understood"]["details"])["Formulary"].startswith("unknown") for i in without)
