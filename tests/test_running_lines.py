"""The running-line pass of the letter layout (checker.letters.parse._drop_running_lines) finds each page's
edge lines from the page's ends and collapses each edge line once: on generated pages (running headers and
footers with page numbers and dates, field labels, decisions, section titles, sentences, blank edges, pages
of one or two lines, letters of one to six pages) it blanks exactly the lines the pass it replaced (kept
here) blanked."""
from __future__ import annotations

import random

from checker.letters import parse
from checker.letters.parse import _MARKERS, _PAGE_NUMBER, _decision, _ends_sentence, _field_start


def every_line_pass(pages: list[list[str]]) -> None:
    """The pass as it was: every line of every page tested for text."""
    if len(pages) < 2:
        return
    filled = [[i for i, line in enumerate(page) if line.strip()] for page in pages]
    tops = [[(p, i) for i in filled[p][:2]] for p in range(1, len(pages))]
    bottoms = [[(p, i) for i in filled[p][-2:]] for p in range(len(pages))]
    for group in (tops, bottoms):
        seen: dict[str, set[int]] = {}
        keys = [(p, i, parse._DIGITS.sub("#", " ".join(pages[p][i].split()))) for page in group for p, i in page]
        for p, _, key in keys:
            seen.setdefault(key, set()).add(p)
        for p, i, key in keys:
            line = " ".join(pages[p][i].split())
            if _field_start(line) or _decision(line) or line.upper() in _MARKERS:
                continue
            running = len(seen[key]) >= max(2, len(group) - 1) and len(line) <= 60
            if (running and not _ends_sentence(line)) or _PAGE_NUMBER.fullmatch(line) or (
                p > 0 and line.startswith("Case Number:")
            ):
                pages[p][i] = ""


EDGES = ["Page {n} of 6", "- {n} -", "{n}", "Case Number: CM13-00{n}", "  IMR  Case  {n}  ", "Date: 01/0{n}/2014",
         "Maximus Federal Services", "Upheld", "Is the request medically necessary: Upheld", "HOW THE IMR FINAL DETERMINATION WAS MADE",
         "Claims Administrator guideline: Decision based on MTUS", "The patient was seen on 1/{n}/2014.", "", "   ",
         "A line that runs on without an end", "A very long line of text that is surely longer than sixty characters {n}"]
BODY = ["The injured worker has low back pain.", "Physical therapy 2x6 was requested", "", "Rationale for the Decision:",
        "and continued on this line", "Page 3 is not a header here"]


def _page(rng: random.Random, n: int) -> list[str]:
    top = [rng.choice(EDGES).format(n=n) for _ in range(rng.randint(0, 3))]
    body = [rng.choice(BODY) for _ in range(rng.randint(0, 5))]
    bottom = [rng.choice(EDGES).format(n=n) for _ in range(rng.randint(0, 3))]
    return top + body + bottom


def test_the_running_lines_dropped_are_those_the_every_line_pass_dropped():
    rng = random.Random(11)
    dropped = 0
    for _ in range(20000):
        pages = [_page(rng, n + 1) for n in range(rng.randint(1, 6))]
        original = [list(p) for p in pages]
        expected = [list(p) for p in pages]
        every_line_pass(expected)
        parse._drop_running_lines(pages)
        assert pages == expected, original
        dropped += sum(bool(a.strip()) and not b for p, q in zip(original, expected) for a, b in zip(p, q))
    assert dropped > 5000  # the pages do have running lines to drop
