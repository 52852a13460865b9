"""Read a requested item, written as offices and IMR letters write it, into structured fields.

"PHYSICAL THERAPY 2 X 6 FOR THE CERVICAL SPINE" -> physical therapy, 2/week for 6 weeks =
12 visits, cervical. The service comes from the vocabularies (checker.normalize.services: CPT/HCPCS
codes and the words offices use, rules/vocab/services.yaml), the regions from regions.yaml, the
attributes each kind's rules test from checker.normalize.item_attributes; the quantities from the
patterns below. Item text is untrusted: every pattern runs on whitespace-collapsed text and has only
bounded backtracking, and the word scan is linear, so parsing stays linear in the input.

Policy for what cannot be read: a line that names no known service is family `other` with
`unread` saying so; a quantity larger than any real request (more than MAX_QUANTITY) is "could not
read the quantity", not "no quantity stated".
"""
from __future__ import annotations

import math
import re
from functools import lru_cache
from typing import Any, Literal, NamedTuple, Optional

from pydantic import BaseModel, ConfigDict

from checker.normalize.item_attributes import read_attributes
from checker.normalize.lexicon import tokenize
from checker.normalize.regions import detect_regions, read_regions
from checker.normalize.services import read_services
from checker.regex_gate import required_literals
from checker.vocab import PHYSICAL_MEDICINE, Family, Kind, Region

__all__ = ["ParsedItem", "parse_item", "detect_family", "detect_regions"]

MAX_CHARS = 4000  # an item line, or an IMR "original request" heading, is far shorter
MAX_QUANTITY = 999  # no request asks for more visits, units or days; a longer number is not read as one


class ParsedItem(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    family: Family
    visits: Optional[int] = None  # requested (disputed) visits; upper end of a range
    visits_min: Optional[int] = None  # lower end of a range, else == visits
    frequency_per_week: Optional[float] = None  # upper end
    weeks: Optional[float] = None  # upper end
    regions: list[Region] = []
    quantity_specified: bool = False
    original_visits: Optional[int] = None  # partial authorization: the original request
    authorized_visits: int = 0  # partial authorization: what UR authorized
    mode: Optional[Literal["rental", "purchase"]] = None
    duration_days: Optional[int] = None  # device rental length or inpatient days
    maintenance: bool = False
    evaluation_only: bool = False
    postoperative: bool = False
    additional: bool = False
    associated_surgery: bool = False  # a service of a surgery ("Associated surgical service: X", pre-/post-op X)
    attributes: dict[str, Any] = {}  # what the kind's rules test (checker.normalize.item_attributes)
    codes: list[str] = []  # the CPT/HCPCS codes of the table found on the line
    unread: Optional[str] = None  # "could not read ..." when the service or the quantity cannot be read


# ------------------------------------------------------------------ family

def detect_family(text: str) -> Family:
    """The treatment family an item line (or a treatment mention) names."""
    text = " ".join((text or "")[:MAX_CHARS].split())
    return read_services(text, tokenize(text)).family


# ------------------------------------------------------------------ numbers

class _Gated(NamedTuple):
    """A pattern and words one of which every match of it holds (a literal of each of its alternatives):
    a text that holds none of them is not searched. Most lines name no month, rental or evaluation."""

    pattern: re.Pattern
    words: tuple[str, ...]

    def search(self, text: str) -> Optional[re.Match]:
        for word in self.words:
            if word in text:
                return self.pattern.search(text)
        return None


def _gated(pattern: re.Pattern, words: tuple[str, ...] | None = None) -> _Gated:
    """``pattern`` gated by the words read off it (regex_gate.required_literals, those holding none of
    the others), or by ``words`` where they cannot be read off (literals of one character)."""
    if words is None:
        found = required_literals(pattern.pattern, pattern.flags)
        if found is None:
            raise ValueError(f"no required words can be read off {pattern.pattern!r}: give them")
        words = tuple(sorted(w for w in found if not any(o != w and o in w for o in found)))
    return _Gated(pattern, words)


_ONES = "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen " \
        "seventeen eighteen nineteen".split()
_NUMBER_WORDS = {word: str(n) for n, word in enumerate(_ONES, start=1)}
_NUMBER_WORDS.update({f"twenty{sep}{word}": str(20 + n) for n, word in enumerate(_ONES[:4], start=1) for sep in "- "})
_NUMBER_WORDS.update({"twenty": "20", "thirty": "30", "once": "1 times", "twice": "2 times", "thrice": "3 times"})
_NUMBER_WORD_RE = re.compile(  # the lookahead for the words' first letters saves scanning other words
    r"(?=[" + "".join(sorted({w[0] for w in _NUMBER_WORDS})) + r"])\b(?:"
    + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True)) + r")\b"
)
_SPELLED_TWICE = re.compile(r"(?<![\d.])(\d{1,3})\s*\(\s*\1\s*\)")  # "three (3) times": one number

# Numbers that are never a visit count: dates, years, ICD-10 codes, spinal levels, strengths, times.
_NOT_VISITS = re.compile(
    r"(?=[a-z]?\d)(?:"  # every alternative starts with a digit or a letter then a digit (saves scanning words)
    r"\b\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}\b|\b\d{4}-\d{1,2}-\d{1,2}\b|\b(?:19|20)\d{2}\b"
    r"|\b[a-wyz]\d{2}(?:\.[0-9a-z]{1,4})?\b"  # ICD-10 (not x: "x12" is a count)
    r"|\b[ctls]\d{1,2}(?:\s*-\s*[ctls]?\d{1,2})?\b"  # L4-5, C5-6, L5-S1
    r"|\d+(?:\.\d+)?\s*(?:mg|mcg|ml|cc|gm?|grams?|%|iu|tesla|hours?|hrs?|minutes?|mins?|lbs?|pounds?|refills?"
    r"|tabs?|tablets?|capsules?|pills?|pads?|patch(?:es)?|units?)(?![a-z])"
    r"|\d+\.\d+"
    r")"
)


def _range(name: str) -> str:
    """A number or a range ("2", "1-2", "1 to 2", "1 or 2"); never part of a longer number."""
    return rf"(?<![\d.])(?P<{name}_lo>\d{{1,3}})(?:\s*(?:-|–|to|or)\s*(?P<{name}_hi>\d{{1,3}}))?(?![\d.])"


_UNIT = r"(?:visits?|sessions?|treatments?|tx|appointments?)"
_PER = r"(?:a|per|each|every|in\s+a|/)"
_FREQUENCY = _gated(re.compile(  # "2x/wk", "3 times a week", "2-3 visits per week", "2 times weekly", "1x/month"
    r"(?=\d)(?:"  # both alternatives start with a number (saves trying them at every position)
    + _range("f") + rf"\s*(?:(?:x|times?|{_UNIT}|days?)\s*(?:{_PER}\s*)?|{_PER}\s*)"
    + r"(?:(?P<per_wk>wks?|weeks?)|mo(?:nth)?s?)\b"
    + "|" + _range("g") + rf"\s*(?:(?:x|times?|{_UNIT})\s*)?(?:(?P<weekly>weekly)|monthly)\b"
    + ")"
))
_WEEKS_AFTER = re.compile(  # right after a frequency: "for 6 weeks", "x 4 wks", "x 4", "for 2 months"
    r"\s*,?\s*(?:(?:x|for|times|over|during|lasting|\*)\s*)?(?:(?:a\s+(?:total|period)\s+of|the\s+next)\s+)?"
    + _range("w") + r"\s*-?\s*(?:(?P<wk>wks?|weeks?)|mo(?:nth)?s?)\b"
    + r"|\s*(?:x|times|\*)\s*" + _range("v") + rf"(?!\s*(?:{_UNIT}|days?|months?)\b)"
)
_WEEKS = _gated(re.compile(_range("w") + r"\s*-?\s*(?:(?P<wk>wks?|weeks?)|mo(?:nth)?s?)\b"))
_FREQ_X_WEEKS = _gated(re.compile(  # "2 X 6", "2x6", "1 times 6": first per week, second weeks (IMR usage)
    _range("f") + r"\s*(?:x|×|\*|times)\s*" + _range("w") + r"(?:\s*(?:wks?|weeks?)\b)?"
    + rf"(?!\s*(?:(?:{_UNIT}|days?|hours?|months?|mos?|per|daily)\b|a\s+day\b|/))"
), ("x", "×", "*", "times"))  # (one-character literals: given)
_DAYS = _gated(re.compile(_range("d") + r"\s*-?\s*days?\b"))
_MONTHS = _gated(re.compile(_range("m") + r"\s*-?\s*mo(?:nth)?s?\b"))
_COUNT = re.compile(
    r"(?=[x×t#qnvsa(,]|\d)(?:"  # the first characters of the alternatives (saves scanning words)
    # "x 6", "X8", "#6", "times 6", "QTY: 8", "sessions: 12"
    rf"(?:(?<![a-z])x|(?<=\b[po]t)x|×|\btimes|#|\bqty|\bquantity|\b(?:number\s+of\s+)?{_UNIT})"
    + r"\s*:?\s*(?:of\s+)?" + _range("a")
    # "12 sessions", "6-8 visits", "six physical therapy visits", "5 sessions of chiropractic"
    + "|" + _range("b") + rf"\s*(?:[a-z][\w&/'-]*\s+){{0,4}}?(?:{_UNIT}|times)\b"
    + rf"(?!\s*(?:{_PER}\s*(?:day|wk|week|month|mo)\b|(?:daily|weekly|monthly)\b))"
    + r"|\(\s*" + _range("c") + r"\s*\)"  # "(12)"
    + r"|,\s*" + _range("e") + r"\s*\.?\s*$"  # "..., 2" at the end
    + r")"
)
_UNSPECIFIED = _gated(re.compile(r"\b(?:unspecified|unknown|unstated|not\s+specified)\s+(?:quantity|number|amount)\b"))
# A count written with more digits than any request has ("x 99999999"): not a quantity to read.
_HUGE = re.compile(
    r"(?=[x×t#qvsa]|\d)(?:(?:(?<![a-z])x|×|\btimes|#|\bqty|\bquantity|\b" + _UNIT + r")\s*:?\s*(?:of\s+)?\d{4,}"
    r"|(?<![\d.])\d{4,}\s*(?:" + _UNIT + r"|times)\b)"
)
_HOURS_PER_DAY = _gated(re.compile(  # "6 hours per day", "4 hrs/day", "8 hours daily"
    r"(?<![\d.])(\d{1,2}(?:\.\d)?)\s*-?\s*(?:hours?|hrs?)\s*(?:(?:a|per|each|every|/)\s*day|daily)\b"
))


def _bounds(m: re.Match, name: str) -> tuple[int, int]:
    lo = int(m[f"{name}_lo"])
    hi = int(m[f"{name}_hi"]) if m[f"{name}_hi"] else lo
    return (lo, hi) if lo <= hi else (hi, lo)


def _first_range(m: re.Match, names: str) -> tuple[int, int]:
    return next(_bounds(m, n) for n in names if m[f"{n}_lo"])


def _weeks(m: re.Match, names: str) -> tuple[float, float]:
    lo, hi = _first_range(m, names)
    return (lo, hi) if m["wk"] or not m["w_lo"] else (4 * lo, 4 * hi)  # months: 4 weeks each


def _whole(visits: float) -> int:
    return math.ceil(visits - 1e-9)  # 1 a month for 5 weeks is 2 visits; float noise is not


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


def _blank(text: str, start: int, end: int) -> str:
    """Take a span out of play for the patterns that run after it."""
    return text[:start] + " ~ " + text[end:]


# ------------------------------------------------------------------ flags

_EVALUATION = _gated(re.compile(r"\b(?:eval\w*|re-?eval\w*|consult\w*|re-?exam\w*|examination|assessment)\b"))
_TREATMENT = re.compile(rf"\b(?:treat\w*|{_UNIT}|(?:and|with|plus|then|&)\s+(?:therapy|care|manipulation))\b")
_MAINTENANCE = _gated(re.compile(r"\b(?:maintenance|elective)\b"))
_ADDITIONAL = _gated(re.compile(r"\b(?:additional|continu\w*|more|extra|further|another|ongoing)\b"))
_MODE = _gated(re.compile(r"\b(?:(?P<rental>rent(?:al|ed)?|lease)|(?P<purchase>purchase\w*|buy))\b"))


def _parse_plain(text: str) -> ParsedItem:
    """One item line with no partial-authorization heading."""
    raw = " ".join(text[:MAX_CHARS].split())
    tokens = tokenize(raw)
    services = read_services(raw, tokens)
    where = read_regions(raw, tokens)
    unblanked = raw
    for start, end in reversed(_merged(services.code_spans)):  # a code is never a count ("97110 x 4")
        unblanked = unblanked[:start] + " ~ " + unblanked[end:]
    t = _NUMBER_WORD_RE.sub(lambda m: _NUMBER_WORDS[m[0]], unblanked.lower())
    if "(" in t:  # most lines have none: no need to scan them
        t = _SPELLED_TWICE.sub(r"\1", t)
    hours = _HOURS_PER_DAY.search(t)
    t = _NOT_VISITS.sub(" ~ ", t)

    freq = weeks = None
    if m := _FREQUENCY.search(t):
        freq, end = _first_range(m, "fg"), m.end()
        monthly = not (m["per_wk"] or m["weekly"])
        if monthly:  # per month: a month is 4 weeks here
            freq = (freq[0] / 4, freq[1] / 4)
        if w := _WEEKS_AFTER.match(t, end):
            weeks, end = _weeks(w, "wv"), w.end()
            if monthly and w["v_lo"]:  # "1 visit per month x 6": six months, the frequency's own unit
                weeks = (4 * weeks[0], 4 * weeks[1])
        t = _blank(t, m.start(), end)
    elif m := _FREQ_X_WEEKS.search(t):
        freq, weeks = _bounds(m, "f"), _bounds(m, "w")
        t = _blank(t, m.start(), m.end())
    if weeks is None and (w := _WEEKS.search(t)) and (w["wk"] or freq):
        weeks = _weeks(w, "w")
        t = _blank(t, w.start(), w.end())

    duration_days = None
    if d := _DAYS.search(t) or _MONTHS.search(t):
        duration_days = _bounds(d, "d")[1] if d.re is _DAYS.pattern else 30 * _bounds(d, "m")[1]
        t = _blank(t, d.start(), d.end())

    visits = visits_min = None
    unread = services.unread
    if _UNSPECIFIED.search(t):
        pass
    elif c := _COUNT.search(t):
        visits_min, visits = _first_range(c, "abce")
    elif freq and weeks:
        visits_min, visits = _whole(freq[0] * weeks[0]), _whole(freq[1] * weeks[1])
    if visits is None and unread is None and _HUGE.search(t):
        unread = f"could not read the quantity: more than {MAX_QUANTITY} is not a request"

    lowered = raw.lower()
    family = services.family
    coded_evaluation = bool(services.coded) and all(e.attributes.get("evaluation") for e in services.coded
                                                     if e.family in PHYSICAL_MEDICINE)
    evaluation_only = bool(
        (_EVALUATION.search(lowered) or coded_evaluation) and not _TREATMENT.search(lowered) and freq is None
        and (visits or 0) <= 1
    )
    mode = _MODE.search(lowered)
    mode = mode.lastgroup if mode else None
    associated = bool(services.cue("associated_surgery") or services.cue("preoperative")
                      or services.cue("postoperative") or family is Family.surgical_service)
    postoperative = bool(services.cue("postoperative") or family.kind is Kind.physical_medicine and (
        services.cue("associated_surgery")  # "Associated surgical service: Physical therapy x 12"
        or services.cue("surgery_relation") and any(e.family is Family.surgery for e in services.services)))
    regions = where.regions
    if not regions and services.entry is not None and services.entry.attributes.get("region"):
        regions = [Region(services.entry.attributes["region"])]  # the code's region ("72148": lumbar)
    attributes = read_attributes(services, where, raw, mode=mode, duration_days=duration_days, visits=visits,
                                 hours_per_day=float(hours[1]) if hours else None)
    if family in (Family.other, Family.urine_drug_test):
        drug = _drug_reading(raw, family)
        if drug is not None:
            family, attributes, unread = drug
            if family is Family.medication:  # its quantity is tablets or grams (attributes), never visits
                visits = visits_min = None
                freq = weeks = None
    return ParsedItem(
        family=family,
        visits=visits,
        visits_min=visits_min,
        frequency_per_week=float(freq[1]) if freq else None,
        weeks=float(weeks[1]) if weeks else None,
        regions=regions,
        quantity_specified=visits is not None,
        mode=mode,
        duration_days=duration_days,
        maintenance=bool(_MAINTENANCE.search(lowered)),
        evaluation_only=evaluation_only,
        postoperative=postoperative,
        additional=bool(_ADDITIONAL.search(lowered)),
        associated_surgery=associated,
        attributes=attributes,
        codes=services.codes,
        unread=unread,
    )


def _drug_reading(raw: str, family: Family) -> Optional[tuple[Family, dict, Optional[str]]]:
    """A medication or urine drug test line, read by the medications kind (its own vocabularies)."""
    from checker.kinds import medications  # the drug vocabularies load on first use only

    if family is Family.urine_drug_test:
        test = medications.parse_urine_drug_test(raw)
        return (family, test.attributes(), None) if test is not None else None
    if not medications.looks_like_medication(raw):
        return None
    med = medications.parse_medication(raw)
    return (Family.medication, med.attributes(), None) if med is not None else None


# ------------------------------------------------------------------ partial authorization
# "<original> was the original request. <authorized> was authorized by the Claims Administrator.
#  The remaining IMR eligible portion of the original request, <disputed> is: Upheld"
# or "... The Claims Administrator authorized <authorized>, leaving the original request IMR eligible."

_ORIGINAL = re.compile(r"(?i)\bwas\s+the\s+original\s+request\b")
_SENTENCE_END = re.compile(r"(?<=\.)\s+")
_AUTHORIZED_BEFORE = re.compile(r"(?i)\s+(?:was|were)\s+(?:authorized|certified|approved)\b")
_AUTHORIZED_AFTER = re.compile(r"(?i)\b(?:authorized|certified|approved)\s+")
_LEAVING = re.compile(r"(?i),?\s+leaving\b")
_REMAINING = re.compile(r"(?i)\bremaining\s+(?:imr\s+)?eligible\s+portion\s+of\s+the\s+original\s+request\b")
_WHOLE_ELIGIBLE = re.compile(r"(?i)\bleaving\s+the\s+original\s+request\s+(?:imr\s+)?eligible\b")
_LEAD = re.compile(r"(?i)^\s*(?:,|:|is\b|was\b|the\s+request\s+for\b)?\s*")
_DECISION_TAIL = re.compile(r"(?i)\s*(?:\bis\b)?\s*:?\s*(?:\b(?:upheld|overturned)\b.*)?$")


def _clean(segment: str) -> str:
    segment = _LEAD.sub("", segment, count=1)
    return _DECISION_TAIL.sub("", segment, count=1).rstrip(" .,:")


def _partial_segments(text: str) -> Optional[tuple[str, Optional[str], Optional[str]]]:
    """(original, authorized, remaining) when ``text`` is a partial-authorization heading."""
    m = _ORIGINAL.search(text)
    if not m:
        return None
    original = _clean(_SENTENCE_END.split(text[: m.start()])[-1])
    authorized = remaining = None
    for sentence in _SENTENCE_END.split(text[m.end():]):
        if r := _REMAINING.search(sentence):
            remaining = _clean(sentence[r.end():])
        elif authorized is None and (a := _AUTHORIZED_BEFORE.search(sentence)):
            authorized = _clean(sentence[: a.start()])
        elif authorized is None and (a := _AUTHORIZED_AFTER.search(sentence)):
            rest = sentence[a.end():]
            cut = _LEAVING.search(rest)
            authorized = _clean(rest[: cut.start()] if cut else rest)
    return original, authorized, remaining or None


@lru_cache(maxsize=4096)  # ParsedItem is frozen; a letter's item line is read by several steps
def parse_item(text: str) -> ParsedItem:
    """Structured fields of one requested item written as free text."""
    text = " ".join((text or "")[:MAX_CHARS].split())
    segments = _partial_segments(text)
    if segments is None:
        return _parse_plain(text)
    original_text, authorized_text, remaining_text = segments
    original = _parse_plain(original_text)
    disputed = _parse_plain(remaining_text) if remaining_text else original
    family = disputed.family if disputed.family is not Family.other else original.family
    authorized = 0
    if authorized_text:
        granted = _parse_plain(authorized_text)
        if granted.family is family and granted.visits:
            authorized = granted.visits
    visits, visits_min = disputed.visits, disputed.visits_min
    # the heading names the original and the authorized part but not the remainder
    if remaining_text is None and not _WHOLE_ELIGIBLE.search(text) and original.visits and authorized:
        if original.visits > authorized:
            visits = visits_min = original.visits - authorized
    described = disputed if disputed.family is not Family.other else original
    return disputed.model_copy(update={
        "family": family,
        "attributes": described.attributes,
        "codes": described.codes,
        "unread": described.unread,
        "associated_surgery": disputed.associated_surgery or original.associated_surgery,
        "visits": visits,
        "visits_min": visits_min,
        "quantity_specified": visits is not None,
        "regions": disputed.regions or original.regions,
        "original_visits": original.visits,
        "authorized_visits": authorized,
        "duration_days": disputed.duration_days or original.duration_days,
        "maintenance": disputed.maintenance or original.maintenance,
        "postoperative": disputed.postoperative or original.postoperative,
        "additional": disputed.additional or original.additional,
    })
