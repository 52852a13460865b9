"""The extractors' stem pre-test (checker.letters.facts.stems) says what a substring test says.

An extractor skips a sentence for which ``has`` is false, so a stem it misses loses a fact: every
registered stem is checked alone, inside other words, beside and overlapping the others, and on
generated text, against ``any(s in sentence.low for s in stems)``.
"""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from checker.kinds.medications.mentions import drug_mentions, first_words
from checker.letters.facts import extract_facts
from checker.letters.facts import stems as S
from checker.letters.facts.drug_use import sentence_drugs
from checker.letters.facts.sentences import Sent, summary_sentences
from checker.letters.facts.text import Sentence

extract_facts("He takes Norco daily.")  # the drug names' stems are registered on first use
ALL = tuple(S.REGISTERED)


def sent(text: str) -> Sent:
    return Sent(Sentence(0, len(text), text))


def test_extractors_registered_their_stems():
    assert {"week", "utilization", "surg", "improv", "toler", "side effect", "work"} <= set(ALL)


@pytest.mark.parametrize("stem", ALL)
def test_every_stem_is_found_alone_inside_words_and_upper_case(stem):
    for text in (stem, f"x{stem}y", f"The {stem.upper()}ED patient.", f"{stem}{stem}"):
        held = S.held(sent(text))
        assert stem in held, text
        assert sent(text).has(S.Stems([stem]))  # a registered stem: answered by the word scan


def test_overlapping_and_nested_stems_are_all_found():
    # "surg" holds "ur"; "side effect" begins inside "besides"; every stem beside every other
    for a in ALL:
        text = "".join(f"{a}{b}" for b in ALL)
        low = text.lower()
        assert S.held(sent(text)) == {s for s in ALL if s in low}


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(ALL + (" ", "x", "e", "u", "-", "ur", "s", "Side", "Effe")), max_size=12))
def test_held_is_the_substring_test(parts):
    text = "".join(parts)
    st_ = sent(text)
    assert S.held(st_) == {s for s in ALL if s in st_.low}
    for group in (frozenset(parts[:2]) & set(ALL), frozenset(ALL[:5])):
        assert st_.has(S.Stems(group)) == any(s in st_.low for s in group)


@pytest.mark.parametrize("word", first_words())
def test_the_drug_gate_keeps_every_name(word):
    """drug_use reads only sentences holding a name's first word: none is lost, in any case."""
    for text in (f"He takes {word} daily.", f"Current medications: {word.upper()} 10 mg.", f"{word.title()}."):
        sents = summary_sentences(text)
        found = sentence_drugs(sents, {})
        assert found == {id(st): drug_mentions(st.text) for st in sents if drug_mentions(st.text)}, text


def test_a_stem_must_be_lower_case():
    with pytest.raises(ValueError):
        S.stems("Work")


_FAMILY_PIECES = ("physical therapy", "PT", "pt", "OT", "TENS", "tens", "chiropractic", "Spinal manipulation", "massage",
                  "acupuncture", "aquatic therapy", "pool therapy", "work hardening", "Work conditioning", "physiotherapy",
                  "hand therapy", "myofascial release", "transcutaneous nerve stimulation", "therapy", "the", "patient",
                  " ", ", ", ". ", "had", "(", "12 visits of ")


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_FAMILY_PIECES), max_size=8))
def test_may_mention_is_false_only_where_family_mentions_finds_none(parts):
    from checker.letters.facts.terms import family_mentions

    text = " ".join(parts)
    if not sent(text).may_mention():
        assert family_mentions(text) == []


_UR_CUES = ("utilization review", "UR", "prior determination", "previous review", "original denial",
            "previously been non-certified", "previously denied", "claims administrator failed to approve",
            "claims administrator partially approved", "were non-certified on", "decision date", "denial was made",
            "case was previously denied", "treatment was non certified")


@pytest.mark.parametrize("cue", _UR_CUES)
def test_the_ur_date_gate_keeps_every_cue(cue):
    """dates reads the UR cues only in sentences holding one of their words (or "UR"): each cue still dates."""
    f = extract_facts(f"The patient had knee pain. In this case the {cue} 11/29/2016 for the knee brace.")
    assert f.ur_date is not None and f.ur_date.isoformat() == "2016-11-29", cue


@pytest.mark.parametrize("word", ["since", "started", "starting", "began", "begun", "beginning", "initiated", "commenced",
                                  "Since", "BEGAN", "Commenced"])
def test_the_care_start_gate_keeps_every_start_word(word):
    """conservative_care reads a start date only in sentences holding a start word's stem: each still dates."""
    care = extract_facts(f"She {word} physical therapy on 10/03/2016.").clinical.conservative_care
    assert care.since is not None and care.since.isoformat() == "2016-10-03", word
