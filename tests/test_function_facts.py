"""The case-summary reader of function, care needs, hearing and work capability (checker.letters.facts.function),
on generated sentences: every alternative of every term of rules/vocab/clinical_function.yaml (read off its
pattern) x sentence templates x negation, request, hypothesis and silence.

1. A term of presence in a plain sentence sets its fact yes (the loss of hearing it names; a hearing-aid
   recommendation only when an audiologist or otolaryngologist is named in the summary), with that sentence as
   evidence; a term of absence sets it no.
2. Negated ("There was no ...", "He denies ..."), a term of presence sets it no (hearing: none).
3. In a sentence about the request or its review, deficits, walking, care needs and hospital stays say nothing.
4. Hypothetical ("If ... later, ...") or silent ("There was no documentation of ..."), nothing.
5. The request file states the same facts; the engine fact of an equipment or service item carries them.
"""
from __future__ import annotations

import datetime as dt
import itertools
import re

import pytest

from checker.engine.facts import build_fact, patient_context, pick_dates
from checker.kb.load import default_kb
from checker.letters.facts import extract_facts
from checker.letters.facts.function import HEARING, NOT_FROM_REQUESTS, TRI_FIELDS, VOCAB
from checker.normalize.item import normalize_item
from checker.request.clinical import HearingLoss
from checker.request.model import TreatmentRequest

try:
    from re import _parser as sre_parse  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - Python 3.10
    import sre_parse  # type: ignore[no-redef]

C = sre_parse
LIMIT = 24  # examples per pattern at most
_CATEGORY = {C.CATEGORY_SPACE: " ", C.CATEGORY_WORD: "a", C.CATEGORY_DIGIT: "1"}


def examples(pattern: str) -> list[str]:
    """One string per way through the pattern's alternatives (at most LIMIT), each matched by the pattern."""
    out = []
    for s in _seq(list(sre_parse.parse(pattern, re.I))):
        s = " ".join(s.split())
        if s and s not in out and re.search(pattern, s, re.I):
            out.append(s)
    return out[:LIMIT]


def _seq(items) -> list[str]:
    results = [""]
    for op, arg in items:
        results = [a + b for a, b in itertools.islice(itertools.product(results, _item(op, arg)), LIMIT * 4)]
    return results


def _item(op, arg) -> list[str]:
    if op is C.LITERAL:
        return [chr(arg)]
    if op is C.NOT_LITERAL or op is C.ANY:
        return ["a"]
    if op is C.IN:
        first = arg[0]
        if first[0] is C.NEGATE:
            return ["a"]
        if first[0] is C.LITERAL:
            return [chr(first[1])]
        if first[0] is C.RANGE:
            return [chr(first[1][0])]
        return [_CATEGORY.get(first[1], "a")]
    if op is C.BRANCH:
        return [s for alt in arg[1] for s in _seq(list(alt))]
    if op is C.SUBPATTERN:
        return _seq(list(arg[-1]))
    if op in (C.MAX_REPEAT, C.MIN_REPEAT):
        low, _high, sub = arg
        if low == 0:
            return [""]
        return [s * low for s in _seq(list(sub))]
    if op in (C.AT, C.ASSERT, C.ASSERT_NOT):
        return [""]
    if op is C.CATEGORY:
        return [_CATEGORY.get(arg, "a")]
    raise AssertionError(f"unhandled regex op {op}")


def phrases(term) -> list[str]:
    return [term.phrase] if term.phrase is not None else examples(term.regex({n: VOCAB.list_regex(n) for n in VOCAB.lists}))


CASES = [(i, phrase) for i, term in enumerate(VOCAB.terms) for phrase in phrases(term)]
AUDIOLOGY = "An audiological evaluation was completed."
PLAIN = ["On 11/14/2016, the physician noted {x}.", "Findings included {x}."]


def clinical_of(text: str):
    facts = extract_facts(text)
    assert facts.problems == []
    return facts


def expected(term, present: bool) -> dict:
    """The Clinical fields a term sets, and their values."""
    out = {}
    for name in term.name:
        if name in TRI_FIELDS:
            out[name] = "yes" if present else "no"
        elif name in HEARING:
            out["hearing_loss"] = HEARING[name].value if present else HearingLoss.none.value
        elif name == "hearing_normal":
            out["hearing_loss"] = HearingLoss.none.value if present else None
        elif name == "hearing_aid_recommended":
            out[name] = "yes" if present else "not_stated"
    return out


def value(facts, name: str):
    v = getattr(facts.clinical, name)
    return None if v is None else v.value


def test_every_term_has_generated_phrases():
    assert len(CASES) >= len(VOCAB.terms)
    assert {i for i, _ in CASES} == set(range(len(VOCAB.terms)))


@pytest.mark.parametrize("index, phrase", CASES, ids=[f"{i}:{p}" for i, p in CASES])
def test_a_term_in_a_plain_sentence_sets_its_fact(index, phrase):
    term = VOCAB.terms[index]
    if term.name == ["audiology"]:
        facts = clinical_of(f"The patient is a 50 year old male. {PLAIN[1].format(x=phrase)}")
        assert facts.clinical.hearing_aid_recommended.value == "not_stated"  # a specialist named, no recommendation
        return
    for template in PLAIN:
        sentence = template.format(x=phrase)
        facts = clinical_of(f"{AUDIOLOGY} {sentence}" if "hearing_aid_recommended" in term.name else sentence)
        for name, want in expected(term, term.present == "yes").items():
            assert value(facts, name) == want, (sentence, name)
            if want not in (None, "not_stated"):
                assert any(e.fact == f"clinical.{name}" and e.sentence == sentence for e in facts.evidence)


@pytest.mark.parametrize("index, phrase", [(i, p) for i, p in CASES if VOCAB.terms[i].name[0] == "hearing_aid_recommended"])
def test_a_recommendation_of_hearing_aids_needs_the_specialist(index, phrase):
    facts = clinical_of(PLAIN[1].format(x=phrase))
    assert facts.clinical.hearing_aid_recommended.value == "not_stated"


NEGATED = ["There was no {x}.", "The patient denies {x}."]
NEGATABLE = [(i, p) for i, p in CASES if VOCAB.terms[i].present == "yes"
             and VOCAB.terms[i].name[0] not in ("audiology", "hearing_aid_recommended", "hearing_normal")
             and not re.match(r"(?i)(?:not|no|non|unable|in)\b", p)]


@pytest.mark.parametrize("index, phrase", NEGATABLE, ids=[f"{i}:{p}" for i, p in NEGATABLE])
def test_a_negated_term_says_no(index, phrase):
    term = VOCAB.terms[index]
    for template in NEGATED:
        sentence = template.format(x=phrase)
        facts = clinical_of(sentence)
        for name, want in expected(term, False).items():
            assert value(facts, name) == want, (sentence, name)


REQUEST_BLIND = [(i, p) for i, p in CASES if set(VOCAB.terms[i].name) & NOT_FROM_REQUESTS]


@pytest.mark.parametrize("index, phrase", REQUEST_BLIND, ids=[f"{i}:{p}" for i, p in REQUEST_BLIND])
def test_what_a_request_asks_for_is_no_evidence_of_the_need(index, phrase):
    for sentence in (f"Utilization review modified the request for a home aide to help with {phrase}.",
                     f"The request for authorization noted {phrase}."):
        facts = clinical_of(sentence)
        for name in set(VOCAB.terms[index].name) & NOT_FROM_REQUESTS:
            assert value(facts, name) == "not_stated", sentence


QUIET = ["If {x} occurs later, home care would be considered.", "There was no documentation of {x}."]


@pytest.mark.parametrize("index, phrase", NEGATABLE, ids=[f"{i}:{p}" for i, p in NEGATABLE])
def test_a_hypothetical_or_silent_record_says_nothing(index, phrase):
    term = VOCAB.terms[index]
    for template in QUIET:
        sentence = template.format(x=phrase)
        facts = clinical_of(sentence)
        for name in expected(term, True):
            assert value(facts, name) in (None, "not_stated"), (sentence, name)


# ------------------------------------------------------------------ 5. request files and the engine fact

KB = default_kb()
DAY = dt.date(2017, 3, 1)
STATED = {"adl_deficit": "yes", "mobility_limitation": "no", "unable_to_ambulate": "no", "skilled_care_needed": "yes",
          "inpatient_stay": "yes", "medically_stable": "no", "hearing_loss": "Mixed", "hearing_aid_recommended": "yes",
          "mmi": "yes", "return_to_work_failed": "no", "full_duty": "no", "visit_purpose_stated": "yes",
          "in_home_evaluation": "not stated"}


@pytest.mark.parametrize("line", ["Home health aide 4 hours per day for 2 weeks", "Bilateral BTE hearing aids",
                                  "Functional capacity evaluation", "Inpatient rehabilitation 10 days"])
def test_a_request_states_the_facts_and_the_item_fact_carries_them(line):
    request = TreatmentRequest.model_validate({"request_date": DAY.isoformat(), "clinical": STATED, "items": [line]})
    item = normalize_item(request.items[0])
    fact = build_fact(request, item, KB, pick_dates(request, None, DAY), patient_context(request, KB))
    for name in TRI_FIELDS:
        assert fact[name] == {"not stated": "not_stated"}.get(STATED[name], STATED[name])
    assert fact["hearing_loss_qualifies"] == "yes"  # a mixed loss
    assert fact["after_surgery_or_hospital_stay"] == "yes"  # the hospital stay
    assert fact["work_capability_at_issue"] == "yes"  # at MMI
