"""The diagnosis reader's shortcuts answer what the full scans answer (generated cases).

Each pre-test or index that lets the reader skip work must be lossless: a code's categories
and region are those of the plain prefix scans, for every ICD-10-CM code; a phrase's
encounter, one-letter abbreviation and spinal-level scans are skipped only where they could
not match, for every title and encounter phrase written the ways tests/diagnosis_gen.py writes
them; cleaning stops trimming only where another round would trim nothing.
"""
from __future__ import annotations

import itertools
import random
import re

import pytest

from checker.diagnosis import phrases
from checker.diagnosis.regions import REGIONS_FILE, DiagnosisRegions, default_regions
from checker.diagnosis.words import _DIGIT, _LEVEL, default_reader
from checker.kb.data import vocabulary
from checker.kb.load import default_kb
from tests.diagnosis_gen import VARIANTS, base_codes, variant

KB = default_kb()


@pytest.fixture(scope="module")
def codes() -> dict[str, str]:
    return base_codes()


def _probe_codes(codes: dict[str, str]) -> list[str]:
    """Every code, without its dot, every prefix of it, and a few odd shapes."""
    out = set(codes) | {c.replace(".", "") for c in codes}
    out |= {c[:n] for c in codes for n in range(1, len(c))}
    out |= {"", "m54.5", "Z", "M54.5X", "S13.4XXA"}
    return sorted(out)


def test_a_codes_categories_are_those_whose_prefix_it_starts_with(codes):
    specs = KB.diagnoses.specs
    for code in _probe_codes(codes):
        expected = [s.id for s in specs if code.startswith(s.prefixes)] if code else []
        assert KB.diagnoses.of_code(code) == expected, code


def test_a_codes_region_is_the_first_longest_prefix_that_matches(codes):
    data = vocabulary(REGIONS_FILE, DiagnosisRegions)
    ordered = [(re.compile(re.escape(e.prefix).replace(r"\?", ".")), e.region)
               for e in sorted(data.prefixes, key=lambda e: -len(e.prefix))]
    table = default_regions()
    no_title = lambda code: None  # noqa: E731 - only the prefixes decide here
    for code in _probe_codes(codes):
        expected = next(((r or None) for p, r in ordered if p.match(code)), None)
        if expected is None and code.startswith("M"):
            continue  # the title's site decides (not what is tested here)
        assert table.region(code, no_title) == expected, code


@pytest.fixture(scope="module")
def phrasings(codes) -> list[str]:
    return _phrasings(codes)


def _phrasings(codes: dict[str, str]) -> list[str]:
    """Every title, one wording of each (round robin over VARIANTS), and every encounter phrase
    and one-letter abbreviation written after and before a diagnosis."""
    reader = default_reader()
    rng = random.Random(5)
    out = []
    for i, (code, title) in enumerate(sorted(codes.items())):
        out.append(title)
        out.append(variant(VARIANTS[i % len(VARIANTS)], code, title, rng))
    for p in reader.words.encounter.phrases:
        for sep, case in itertools.product((", ", " ", "; ", " - "), (str.lower, str.upper, str.title)):
            out.append("strain of lumbar region" + sep + case(p.words))
            out.append(case(p.words) + sep + "fracture of femur")
    for a in reader._abbr:  # every abbreviation (lower case), the one-letter ones too
        for after in (" knee pain", ". knee pain", "  hip", ".\tshoulder", " L4-5", "", "/R knee"):
            out.append(a + after)
            out.append(a.upper() + after)
            out.append("pain " + a + after)
    for level in ("L4-5", "L5-S1", "C5/6", "T12", "l4", "C 5", "L\u0664"):
        out.append(f"disc displacement {level}")
    return out


def test_the_encounter_scan_is_skipped_only_where_it_finds_nothing(phrasings):
    reader = default_reader()
    words = reader._enc_words
    assert words, "every encounter phrase holds a word the pre-test looks for"
    for text in phrasings:
        if reader._enc_re.search(text) is not None:
            assert not text.isascii() or any(w in text.lower() for w in words), text


def test_the_letter_abbreviation_scan_is_skipped_only_where_it_finds_nothing(phrasings):
    reader = default_reader()
    for text in phrasings:
        text = reader._abbr_re.sub(" x ", text)
        if reader._letter_re.search(text) is not None:
            assert reader._letter_gate.search(text) is not None, text


def test_the_spinal_level_scan_is_skipped_only_where_it_finds_nothing(phrasings):
    for text in phrasings:
        if _LEVEL.search(text) is not None:
            assert _DIGIT.search(text) is not None, text


def test_every_several_word_group_member_is_tried_under_its_first_word():
    reader = default_reader()
    listed = sorted(i for members in reader._multi_first.values() for i in members)
    assert listed == list(range(len(reader._multi)))
    for word, members in reader._multi_first.items():
        assert all(reader._multi[i][0] == word for i in members)


def _clean_three_rounds(part: str) -> str:
    """phrases.clean as it read before it stopped at the first round that trims nothing."""
    p = part.strip()
    for _ in range(3):
        p = phrases._TRIM.sub("", p).strip()
    p = phrases._HYPHEN_SUFFIX.sub(r"\1\2", p)
    p = phrases._HYPHEN_SPACE.sub(r"\1-\2", p)
    return " ".join(p.split()).strip(" ,;.")


def test_cleaning_stops_only_where_another_round_would_trim_nothing(codes):
    lead = ["", "the ", "a ", "of ", "having ", "with ", "and ", ": ", "1. ", "2) ", "[", "(\"", "the a of "]
    tail = ["", ".", ",;", " ]", "\"'", ". ;", "("]
    heads = ["lumbar radicul- opathy", "shoulder- upper arm pain", "strain of lumbar region", "as needed",
             "anxiety", "low back pain - chronic", "c- spine"]
    for a, b, h in itertools.product(lead, tail, heads):
        for text in (a + h + b, a + a + h + b + b, a.upper() + h + b):
            assert phrases.clean(text) == _clean_three_rounds(text), text
    for title in list(codes.values())[::50]:
        assert phrases.clean(title) == _clean_three_rounds(title)


def test_the_first_scores_are_the_head_of_all_scores(codes):
    """_scored's head (pruned by title length, or every title scored when they are few) is the
    head of every title's score, for titles and their wordings."""
    from checker.diagnosis.index import default_index

    index = default_index()
    rng = random.Random(11)
    for i, (code, title) in enumerate(sorted(codes.items())[::40]):
        for text in (title, variant(VARIANTS[i % len(VARIANTS)], code, title, rng)):
            phrase = index.parse(text)
            for injury in (False, True):
                every = index._scored(phrase.concepts, injury)
                for k in (1, 3, 36):
                    assert index._scored(phrase.concepts, injury, head=k) == every[:k], (text, k)


def test_the_abbreviation_scan_is_skipped_only_where_it_finds_nothing(phrasings):
    """Every abbreviation, in any case, at a phrase's start, end or middle, beside every kind of
    character; and every title and wording."""
    from checker.diagnosis.words import _RUN

    reader = default_reader()
    keys = reader._abbr_keys
    assert keys, "every abbreviation starts with a run the pre-test looks for"
    around = ["", " ", ",", ".", "(", ")", "/", "-", "_", "x", "1", ";", ":", "'", "\u2019", "\t", "]"]
    texts = list(phrasings)
    for e in reader._abbr:
        for a in (e, e.upper(), e.title()):
            for before, after in itertools.product(around, around):
                texts.append(f"{before}{a}{after}")
                texts.append(f"low back pain {before}{a}{after} knee")
    for text in texts:
        if reader._abbr_re.search(text) is not None and text.isascii():
            assert not keys.isdisjoint(_RUN.findall(text.lower())), text


def test_raw_words_are_read_alike_with_and_without_their_pre_tests(phrasings):
    from checker.diagnosis.words import _PAREN_S, _POSSESSIVE, _WORD

    reader = default_reader()
    extra = ["muscle(s) strain", "boxer's fracture", "boxer\u2019s fracture", "disc(es)", "ITS (S) 'S"]
    for text in list(phrasings)[::7] + extra:
        assert reader.raw_words(text) == _WORD.findall(_POSSESSIVE.sub("", _PAREN_S.sub("", text.lower()))), text
