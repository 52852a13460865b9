"""Text helpers for case-summary fact extraction: whitespace, sentences, numbers, dates.

Everything here works on the *whitespace-normalized* summary (runs of whitespace, line
breaks and form feeds collapsed to one space), so a sentence handed out as evidence is
always a substring of ``normalize(summary)``.

All regexes are linear: no nested unbounded quantifiers; bounded gaps only.
"""
from __future__ import annotations

import datetime as dt
import re
from typing import NamedTuple, Optional

from checker.regex_gate import Folded

# A case summary is 0.5-4 KB (the longest of the real letters at hand: 3.2 KB); text past this
# is not read. It bounds the work on hostile input: a sentence full of negation cues and
# benefit phrases costs a few microseconds per character (bench/bench_text.py).
MAX_CHARS = 50_000


def normalize(text: object) -> str:
    """Collapse whitespace; tolerate None and non-strings; cap the length."""
    if text is None:
        return ""
    if not isinstance(text, str):
        try:
            text = str(text)
        except Exception:
            return ""
    text = text[:MAX_CHARS]
    return " ".join(text.split())


# ---------------------------------------------------------------- sentences

class Sentence(NamedTuple):
    start: int
    end: int
    text: str


_ABBREV = frozenset(
    "dr mr mrs ms no nos vs e.g i.e etc approx st jr sr fig al inc co ft pt. sr. dept univ".split()
)
# a candidate boundary: terminal punctuation (and closing quotes/brackets), then either
# whitespace or, as pdftotext often glues sentences ("2014.Thus", "Norco.Subjective"),
# an upper-case letter directly.
_BOUNDARY = re.compile(r"[.!?][\"')\]]*(?=\s|[A-Z])")


MAX_SENTENCE = 1200  # real summary sentences are < 800 chars; longer runs are cut (keeps scope scans bounded)


_PARAGRAPH = re.compile(r"\n[ \t\r\f\v]*\n")


def normalize_paragraphs(text: object) -> tuple[str, list[int]]:
    """``normalize(text)`` and the offsets in it where a paragraph (blank-line break) starts."""
    if not isinstance(text, str):
        return normalize(text), []
    text = text[:MAX_CHARS]
    parts = [" ".join(p.split()) for p in _PARAGRAPH.split(text)]
    parts = [p for p in parts if p]
    starts, pos = [], 0
    for p in parts:
        starts.append(pos)
        pos += len(p) + 1
    return " ".join(parts), starts[1:]


def sentences(text: str, breaks: list[int] | None = None) -> list[Sentence]:
    """Split normalized text into sentences (spans into ``text``); over-long ones are cut into pieces.

    ``breaks``: offsets where a new sentence must start (paragraph starts)."""
    out: list[Sentence] = []
    pieces: list[Sentence] = []
    if breaks:
        bounds = [0] + [b for b in breaks if 0 < b < len(text)] + [len(text)]
        for a, b in zip(bounds, bounds[1:]):
            for s in _sentences(text[a:b]):
                pieces.append(Sentence(s.start + a, s.end + a, s.text))
    else:
        pieces = _sentences(text)
    for s in pieces:
        if len(s.text) <= MAX_SENTENCE:
            out.append(s)
            continue
        a = s.start
        while a < s.end:
            b = min(s.end, a + MAX_SENTENCE)
            if b < s.end:
                cut = max(text.rfind("; ", a, b), text.rfind(", ", a, b))
                if cut <= a + MAX_SENTENCE // 2:
                    cut = text.rfind(" ", a + MAX_SENTENCE // 2, b)
                b = cut + 1 if cut > a else b
            seg = text[a:b].strip()
            if seg:
                k = text.find(seg, a)
                out.append(Sentence(k, k + len(seg), seg))
            a = b
    return out


def _sentences(text: str) -> list[Sentence]:
    out: list[Sentence] = []
    n = len(text)
    start = 0
    for m in _BOUNDARY.finditer(text):
        end = m.end()
        nxt = end
        while nxt < n and text[nxt] == " ":
            nxt += 1
        if nxt >= n:
            break
        ch = text[nxt]
        glued = nxt == end
        if glued:
            # "2014.Thus" / "10 mg.The": accept only when the period follows a letter or digit
            # and what comes next starts a capitalised word (not "U.S." style initials).
            if not (m.start() > 0 and text[m.start() - 1].isalnum()):
                continue
            if nxt + 1 < n and text[nxt + 1] == ".":
                continue
        if not (ch.isupper() or ch.isdigit() or ch in "\"'(["):
            continue
        # the word before the period
        ws = max(text.rfind(" ", start, m.start()) + 1, start)
        word = text[ws:m.start()].lower().lstrip("(\"'")
        if word in _ABBREV or (len(word) == 1 and word.isalpha()):
            continue
        if text[m.start()] == "." and ch.isdigit() and word.isdigit() and glued:
            continue  # a decimal number
        seg = text[start:end].strip()
        if seg:
            s = text.find(seg, start)
            out.append(Sentence(s, s + len(seg), seg))
        start = nxt
    seg = text[start:].strip()
    if seg:
        s = text.find(seg, start)
        out.append(Sentence(s, s + len(seg), seg))
    return out


# ---------------------------------------------------------------- numbers

_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19,
}
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50}
NUM_WORDS = (
    r"(?:(?:twenty|thirty|forty|fifty)(?:[- ](?:one|two|three|four|five|six|seven|eight|nine))?"
    r"|zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen"
    r"|fifteen|sixteen|seventeen|eighteen|nineteen|a dozen|dozen)"
)
NUM = r"(?:\d{1,3}|" + NUM_WORDS + r")"


def to_int(token: str) -> Optional[int]:
    """'24' -> 24, 'eight' -> 8, 'twenty-four' -> 24, 'a dozen' -> 12; else None."""
    t = token.strip().lower().replace("-", " ")
    if not t:
        return None
    if t.isdecimal():  # int() refuses digits such as "²"
        return int(t)
    if t in ("dozen", "a dozen"):
        return 12
    if t in _UNITS:
        return _UNITS[t]
    parts = t.split()
    if parts and parts[0] in _TENS:
        v = _TENS[parts[0]]
        if len(parts) == 2 and parts[1] in _UNITS and _UNITS[parts[1]] < 10:
            return v + _UNITS[parts[1]]
        if len(parts) == 1:
            return v
    return None


# ---------------------------------------------------------------- dates

_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8,
    "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}
_MONTH_RE = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
)
# 11/07/2011, 11-14-2016, 10-12-16, 11/7/07; pdftotext line joins leave "11-22- 16", "10/10/ 2016".
# Its first group is written \d\d? (the same as \d{1,2}): re then skips to the next digit by a fast scan,
# where a leading repeat has it try the pattern at every position.
_NUMERIC_DATE = re.compile(r"(\d\d?) ?([/-]) ?(\d{1,2}) ?\2 ?(\d{4}|\d{2})(?![\d/])")
# November 02, 2016 / Nov. 2, 2016 / August 14, 2009
_TEXT_DATE = Folded(re.compile(r"\b(?=[JFMASOND])(" + _MONTH_RE + r")\.? (\d{1,2})(?:st|nd|rd|th)?,? ?(\d{4})\b", re.I))
# month-year and year alone: only for "surgery in 2010" / "in March 2015"
_MONTH_YEAR = re.compile(r"\b(" + _MONTH_RE + r")\.?,? (\d{4})\b", re.I)
_YEAR = re.compile(r"\b(?:in|during|of|circa|around) ((?:19|20)\d\d)\b", re.I)


class DateHit(NamedTuple):
    start: int
    end: int
    date: dt.date
    precision: str  # "day", "month", "year"


def _year(y: str) -> int:
    v = int(y)
    if len(y) == 2:
        v += 2000 if v < 50 else 1900
    return v


def _mk(y: int, m: int, d: int) -> Optional[dt.date]:
    if not (1900 <= y <= 2100):
        return None
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


_DIGIT = re.compile(r"\d")


def find_dates(text: str, coarse: bool = False) -> list[DateHit]:
    """Day-precision dates in ``text``, in order; with ``coarse``, also month-year and year."""
    hits: list[DateHit] = []
    if not _DIGIT.search(text):  # every form has digits; most sentences have none (one scan, not four)
        return hits
    for m in _NUMERIC_DATE.finditer(text):
        if m.start() > 0 and text[m.start() - 1] in "0123456789/-":
            continue
        d = _mk(_year(m[4]), int(m[1]), int(m[3]))
        if d:
            hits.append(DateHit(m.start(), m.end(), d, "day"))
    for m in _TEXT_DATE.finditer(text):
        d = _mk(int(m[3]), _MONTHS[m[1][:3].lower()], int(m[2]))
        if d:
            hits.append(DateHit(m.start(), m.end(), d, "day"))
    if coarse:
        taken = [(h.start, h.end) for h in hits]

        def free(a: int, b: int) -> bool:
            return all(b <= s or a >= e for s, e in taken)

        for m in _MONTH_YEAR.finditer(text):
            if free(m.start(), m.end()):
                d = _mk(int(m[2]), _MONTHS[m[1][:3].lower()], 1)
                if d:
                    hits.append(DateHit(m.start(), m.end(), d, "month"))
                    taken.append((m.start(), m.end()))
        for m in _YEAR.finditer(text):
            if free(m.start(1), m.end(1)):
                d = _mk(int(m[1]), 1, 1)
                if d:
                    hits.append(DateHit(m.start(1), m.end(1), d, "year"))
    hits.sort(key=lambda h: h.start)
    return hits
