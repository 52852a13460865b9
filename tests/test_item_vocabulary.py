"""The item-line reader against lines generated from its own vocabularies (issue 8, "a generalization test").

Every code and every term of rules/vocab/services.yaml, in every case, with the quantity phrasings
offices write and every body-part term of regions.yaml before and after the service, must read as
its entry's family, quantity, regions and attributes; a line made for one family never reads as
another. Nothing here comes from a letter: the letters' own item lines are measured in
bench/bench_item_reading.py.
"""
from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
import yaml

from checker.errors import InputError
from checker.kb.data import load_vocabulary
from checker.normalize.item_text import parse_item
from checker.normalize.services import entry_for_code
from checker.normalize.vocabulary import CuesFile, RegionsFile, ServicesFile, services_vocabulary
from checker.vocab import Family
from tests import itemgen

SERVICE_LINES = itemgen.service_lines()
CODE_LINES = itemgen.code_lines()


def _report(lines: list[itemgen.Line]) -> list[str]:
    return [f"{line.text!r} ({line.entry.id}): {', '.join(bad)}" for line in lines if (bad := itemgen.misread(line))]


def test_thousands_of_lines_are_generated_from_every_entry():
    assert len(SERVICE_LINES) + len(CODE_LINES) > 5000
    entries = {e.id for e in services_vocabulary().services if e.role != "neutral"}
    assert {line.entry.id for line in SERVICE_LINES} | {line.entry.id for line in CODE_LINES} >= entries
    assert {line.region_term for line in SERVICE_LINES} == {t for _, _, t in itemgen.region_phrases()}
    quantities = Counter(line.text for line in SERVICE_LINES for q, *_ in itemgen.QUANTITIES if f" {q}" in line.text)
    assert quantities  # every phrasing is used (checked below per phrasing)
    for phrase, *_ in itemgen.QUANTITIES:
        assert any(f" {phrase}" in line.text for line in SERVICE_LINES), phrase


def test_every_term_reads_as_its_entry():
    bad = _report(SERVICE_LINES)
    assert not bad, f"{len(bad)} of {len(SERVICE_LINES)} lines misread, e.g.\n" + "\n".join(bad[:25])


def test_every_code_reads_as_its_entry():
    assert itemgen.all_codes() <= {line.term for line in CODE_LINES}
    bad = _report(CODE_LINES)
    assert not bad, f"{len(bad)} of {len(CODE_LINES)} lines misread, e.g.\n" + "\n".join(bad[:25])


def test_no_line_made_for_one_family_reads_as_another():
    confusion = Counter((line.family, parse_item(line.text).family) for line in SERVICE_LINES + CODE_LINES)
    crossed = {pair: n for pair, n in confusion.items() if pair[0] is not pair[1]}
    assert not crossed, crossed


def test_overlapping_code_ranges_nest():
    """A code belongs to the smallest range that holds it: two ranges may overlap only if one holds the other."""
    pairs = itemgen.ranges()
    for i, (a, ea) in enumerate(pairs):
        for b, eb in pairs[i + 1:]:
            if ea.id == eb.id or a.low[0].isalpha() != b.low[0].isalpha():
                continue
            overlap = a.contains(b.low) or a.contains(b.high) or b.contains(a.low) or b.contains(a.high)
            nested = (a.contains(b.low) and a.contains(b.high)) or (b.contains(a.low) and b.contains(a.high))
            assert not overlap or (nested and a.size != b.size), f"{a} ({ea.id}) and {b} ({eb.id})"


def test_codes_outside_the_table_are_not_read():
    for code in ("99999", "M5416", "A9999", "00001", "W1234"):
        assert entry_for_code(code) is None, code
    p = parse_item("Physical therapy M54.16 x 6")
    assert (p.codes, p.family, p.visits) == ([], Family.physical_therapy, 6)


@pytest.mark.parametrize("text, entry, read", itemgen.conditional_lines())
def test_conditional_abbreviations_count_only_beside_their_service(text, entry, read):
    from checker.normalize.lexicon import tokenize
    from checker.normalize.services import read_services

    services = read_services(text, tokenize(text)).services
    assert (entry in services) is read


@pytest.mark.parametrize("text, cue, what, expected", itemgen.cue_lines())
def test_every_cue_term(text, cue, what, expected):
    p = parse_item(text)
    got = getattr(p, what) if what in ("postoperative", "associated_surgery") else p.attributes.get(what)
    assert got == expected, (cue, p.family.value, p.attributes)


def test_guidance_words_name_no_service():
    assert parse_item("Under fluoroscopy").family is Family.other
    p = parse_item("Transforaminal epidural steroid injection L4-5 and L5-S1 under fluoroscopy, left")
    assert (p.family, p.attributes) == (Family.injection, {"type": "transforaminal", "levels": 2, "side": "left"})


# ------------------------------------------------------------------ the files' schemas

def _write(tmp_path: Path, name: str, data) -> Path:
    (tmp_path / "vocab").mkdir(exist_ok=True)
    path = tmp_path / "vocab" / f"{name}.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


SERVICE = {"id": "ther_ex", "codes": ["97110"], "family": "physical_therapy", "description": "exercises",
           "terms": ["therapeutic exercise"], "attributes": {"therapy": "active"}, "source": "AMA CPT"}


@pytest.mark.parametrize("change, where, problem", [
    ({"family": "physio"}, "services[ther_ex].family", "expected 'physical_therapy'"),
    ({"codes": ["9711"]}, "services[ther_ex].codes", "expected a CPT/HCPCS code"),
    ({"codes": ["97168-97161"]}, "services[ther_ex].codes", "a range runs from a lower to a higher code"),
    ({"attributes": {"therapy": "sometimes"}}, "services[ther_ex].attributes.therapy", "expected one of"),
    ({"attributes": {"contrast": "with"}}, "services[ther_ex].attributes.contrast", "not an attribute of"),
    ({"source": None}, "services[ther_ex].source", "expected a valid string"),
    ({"terms": [{"term": "ultrasound", "with": "yoga"}]}, "services[ther_ex].terms", "with: expected a family"),
    ({"terms": ["chiro**"]}, "services[ther_ex].terms", "'*' marks a prefix"),
    ({"colour": "red"}, "services[ther_ex].colour", "Extra inputs"),
])
def test_a_malformed_service_entry_is_one_error_naming_file_entry_and_field(tmp_path, change, where, problem):
    entry = {**SERVICE, **change}
    _write(tmp_path, "services", {"services": [entry]})
    with pytest.raises(InputError) as caught:
        load_vocabulary("services", ServicesFile, tmp_path)
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(f"{tmp_path / 'vocab' / 'services.yaml'}: {where}"), message
    assert problem in message


def test_a_term_in_two_service_entries_is_an_error(tmp_path):
    other = {**SERVICE, "id": "massage", "family": "massage", "codes": ["97124"], "attributes": {}}
    _write(tmp_path, "services", {"services": [SERVICE, other]})
    with pytest.raises(InputError, match=r"services\[massage\]\.terms: 'therapeutic exercise' is already a term of "
                                         r"ther_ex"):
        load_vocabulary("services", ServicesFile, tmp_path)


def test_malformed_region_and_cue_entries_name_the_entry(tmp_path):
    regions = {"regions": [{"id": "neck", "region": "necks", "terms": ["neck"], "source": "ICD-10-CM"}],
               "sides": [], "levels": [], "spine": {"terms": ["spine"], "source": "ICD-10-CM"}}
    _write(tmp_path, "regions", regions)
    with pytest.raises(InputError, match=r"regions\.yaml: regions\[neck\]\.region: expected "):
        load_vocabulary("regions", RegionsFile, tmp_path)
    cues = {"cues": [{"id": "w", "cue": "contrast", "value": "sometimes", "terms": ["with"], "source": "CPT"}]}
    _write(tmp_path, "item_cues", cues)
    with pytest.raises(InputError, match=r"item_cues\.yaml: cues\[w\]\.value: expected one of"):
        load_vocabulary("item_cues", CuesFile, tmp_path)


def test_every_entry_of_the_bundled_files_has_a_source():
    for e in services_vocabulary().services:
        assert len(e.source) > 10 and len(e.description) > 5, e.id


# ------------------------------------------------------------------ sides and spinal levels (regions.yaml)

def _side_terms():
    from checker.normalize.vocabulary import regions_vocabulary

    for entry in regions_vocabulary().sides:
        for t in [*entry.terms, *entry.abbreviations]:
            yield (t if isinstance(t, str) else t.text), entry.side
    for entry in regions_vocabulary().regions:
        for t in entry.terms:
            if not isinstance(t, str) and t.side:
                yield t.text, t.side


@pytest.mark.parametrize("term, side", list(_side_terms()))
def test_every_side_term_is_read(term, side):
    assert parse_item(f"EMG {term} upper extremity").attributes["sides"] == [side]
    assert parse_item(f"Cortisone injection to the {term} knee").attributes["side"] == side


def _levels():
    from checker.normalize.vocabulary import regions_vocabulary

    levels = regions_vocabulary().levels
    for i, lv in enumerate(levels):
        for n in range(lv.first, lv.last + 1):
            yield f"{lv.letter}{n}", ({lv.region} if lv.alone else set()), (1 if lv.alone else 0)
            if n < lv.last:
                yield f"{lv.letter}{n}-{n + 1}", {lv.region}, 1
                yield f"{lv.letter}{n}-{lv.letter}{n + 1}", {lv.region}, 1
        if i + 1 < len(levels):  # across the junction: C7-T1, T12-L1, L5-S1
            nxt = levels[i + 1]
            yield f"{lv.letter}{lv.last}-{nxt.letter}{nxt.first}", {lv.region, nxt.region}, 1


@pytest.mark.parametrize("level, named, count", list(_levels()))
def test_every_spinal_level(level, named, count):
    p = parse_item(f"Epidural steroid injection at {level}")
    assert set(p.regions) == named
    assert p.attributes["levels"] == count


def test_levels_are_counted_once_each():
    assert parse_item("Facet injections L3-4, L4-5 and L5-S1").attributes["levels"] == 3
    assert parse_item("Facet injections L4-5, L4-5 bilateral").attributes["levels"] == 1
    assert parse_item("Radiofrequency ablation L3-L5").attributes["levels"] == 2
