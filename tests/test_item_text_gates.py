"""The item reader's gated patterns (a pattern searched only when the text holds one of its words) find
what the pattern alone finds: on every phrasing of each alternative of each pattern, alone, among the
others and fillers, in generated item lines of every service term, and in upper case. Each word of each
gate is needed: some phrasing matches holding that word and none of the gate's others, so a gate missing
a word would fail here."""
from __future__ import annotations

import random

import pytest

from checker.normalize import item_text
from tests.itemgen import service_lines

GATES = {name: g for name, g in vars(item_text).items() if isinstance(g, item_text._Gated)}

PHRASINGS = [
    # frequencies, weeks, months, days
    "2x/wk", "2 x/wks", "2x week", "3 times a week", "3 time per weeks", "2-3 visits per week", "1 to 2 sessions each week",
    "2 or 3 treatments every week", "2 tx in a week", "2 appointments / wk", "2 days a week", "2 per week", "2/wk",
    "2 times weekly", "2 weekly", "2 visits monthly", "1x/month", "1 x mo", "1 per mos", "1 visit a months",
    "for 6 weeks", "x 4 wks", "6 wk", "6-weeks", "2 months", "3 mos", "3 mo", "1 month", "2–3 weeks",
    "2 X 6", "2x6", "1 times 6", "2*6", "2 × 6", "2x6 wks", "1-2 x 4-6 weeks",
    "30 day", "30-days", "7 days", "1 or 2 day",
    "6 hours per day", "4 hrs/day", "8 hours daily", "8 hr a day", "2.5 hrs each day", "12 hour every day",
    "unspecified quantity", "unknown number", "unstated amount", "not specified quantity", "not  specified amount",
    # flags
    "evaluation", "eval", "evaluate", "re-eval", "reevaluation", "consult", "consultation", "re-exam", "reexam",
    "examination", "assessment", "maintenance", "elective", "additional", "continued", "continuation", "continue",
    "more", "extra", "further", "another", "ongoing", "rent", "rental", "rented", "lease", "purchase", "purchased",
    "purchasing", "buy",
]
FILLERS = ["physical therapy", "for the lumbar spine", "x 6", "12 visits", "tens unit", "the", "and", "of", "day",
           "mo", "week", "wk", "x", "times", "daily", "monthly", "weekly", "specified", "unknown", "exam", "current",
           "rentals", "leases", "buying", "extras", "l4-5", "2016", "5 mg", "#60", "(12)", ", 2"]


def _texts() -> list[str]:
    rng = random.Random(5)
    texts = list(PHRASINGS)
    for _ in range(6000):
        texts.append(" ".join(rng.choice(PHRASINGS) if rng.random() < 0.4 else rng.choice(FILLERS)
                              for _ in range(rng.randint(1, 8))))
    lines = [line.text for line in service_lines()]
    texts += lines + [t.lower() for t in lines]
    return texts + [t.upper() for t in texts[:2000]]


TEXTS = _texts()


def _found(m):
    return None if m is None else (m.span(), m.groups())


@pytest.mark.parametrize("name", sorted(GATES))
def test_a_gated_pattern_finds_what_the_pattern_finds(name):
    gate = GATES[name]
    matched = 0
    for text in TEXTS:
        expected = _found(gate.pattern.search(text))
        assert _found(gate.search(text)) == expected, text
        matched += expected is not None
    assert matched > 50


@pytest.mark.parametrize("name", sorted(GATES))
def test_every_word_of_a_gate_is_needed(name):
    gate = GATES[name]
    for word in gate.words:
        others = [w for w in gate.words if w != word]
        assert any(gate.pattern.search(p) and not any(w in p for w in others) for p in PHRASINGS), word
