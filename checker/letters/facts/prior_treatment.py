"""Prior physical-medicine treatment per family: visit counts and objective functional improvement.

1. A family mention is prior treatment in a history sentence ("has had", "treatment to date
   included") unless it is what was requested or planned; "additional PT" implies a prior
   course without a count.
2. Its count is the quantity next to it ("18 visits of physical therapy", "at least 8",
   "20 to 22"); "no prior" / "never had" is zero; the largest total stated wins.
3. Benefit statements ("improved range of motion" yes; "without documentation of
   functional improvement" strong no; "minimal benefit" weak no) are attributed to the
   families they are about; a generic one ("with any of these modalities") to every prior
   course. The strongest verdict wins: strong no, then yes, then weak no.
"""
from __future__ import annotations

import re
from typing import Optional

from checker.regex_gate import Folded
from checker.request.model import PriorCourse, VisitCount
from checker.vocab import Family, Tri

from .negation import BENEFIT, HYPOTHETICAL, LIMITED_BENEFIT
from .sentences import Out, Sent
from .stems import holding, stems
from .terms import Mention
from .text import NUM, to_int


_PLAN_BEFORE = re.compile(
    r"\b(?:request(?:ed|s)?|authori[sz]\w*|recommend\w*|order(?:ed)?|prescrib\w*|plan(?:ned)?|referr\w*|refer|"
    r"consist\w*|schedul\w*|certif\w*|approv\w*|modif\w*|denied|receive)\b(?:\s(?:for|of|to|an?|the|initial))*"
    r"(?:\s[\w#/().-]+){0,4}\s?$",
    re.I,
)
_PLAN_AFTER = re.compile(
    r"^[^.;]{0,60}?\b(?:was|were|is|are|be|been)\s(?:\w+\s)?(?:ordered|requested|recommended|prescribed|endorsed"
    r"|authorized|certified|denied|modified|non-?\s?certified|planned|scheduled|approved)\b",
    re.I,
)
_WEAK_PRIOR = re.compile(
    r"\b(?:continu\w*|additional|further|ongoing|resum\w*|another|extension\sof|renewal\sof|more)\s(?:of\s)?(?:the\s)?"
    r"(?:[\w-]+\s){0,2}$",
    re.I,
)
# a history verb before a request word: "previously received ... 6 physical therapy session"
_RECEIVED_BEFORE = re.compile(r"\b(?:received|completed|underwent|attended|had|included|tried|include|includes)\b"
                             r"[^.;]{0,50}$", re.I)
_DRUG_CONTEXT = re.compile(
    r"\b(?:medications?|meds|drugs?|opioids?|narcotics?|analgesics?|NSAIDs?|injections?|epidural|surgery|surgical"
    r"|block|nerve\sablation|rhizotomy)\b",
    re.I,
)


_UNIT = r"(?:sessions?|visits?|treatments?|appointments?)"
_QTY = (
    r"(?:(?P<al>at\sleast|more\sthan|over|a\sminimum\sof|minimum\sof|greater\sthan|in\sexcess\sof)\s)?"
    r"(?:approximately\s|about\s|around\s|roughly\s|a\stotal\sof\s|total\sof\s)?#?\s?(?P<n1>" + NUM + r")"
    r"(?:\s?(?:to|-|–|or)\s?(?P<n2>" + NUM + r")(?!\s?(?:times|x|/|per))|\s(?:of|out\sof)\s(?P<of>" + NUM + r"))?"
)
_COUNT_BEFORE_UNIT = Folded(re.compile(
    _QTY + r"\s(?:(?:prior|previous|additional|completed|total|authorized|approved|certified|recent)\s)?"
    + _UNIT + r"\s(?:of\s)?(?:the\s)?(?:prior\s|previous\s)?$",
    re.I,
))
_COUNT_BEFORE = re.compile(_QTY + r"\s(?:(?:prior|previous|completed|authorized|approved|certified|total|recent)\s)?$", re.I)
_UNIT_AFTER = re.compile(r"^\s" + _UNIT + r"\b", re.I)
_COUNT_AFTER = re.compile(r"^\s(?:x|×|times)\s?(?P<n1>" + NUM + r")\b(?!\s?(?:x|×|times|per|/))", re.I)
_COUNT_AFTER_FOR = re.compile(r"^\s(?:for\s)?" + _QTY + r"\s" + _UNIT + r"\b", re.I)
_UNIT_AT_END = re.compile(_UNIT + r"$", re.I)  # "12 physical therapy sessions": the unit in the mention
_ZERO_BEFORE = re.compile(
    r"\b(?:no|never\s(?:had|received|tried|undergone|attended)(?:\sany)?|not\s(?:had|received|tried|undergone|attended"
    r"|started|begun)(?:\sany)?|without\s(?:any\s)?)\s(?:(?:prior|previous|formal|past)\s)?$",
    re.I,
)
_UNKNOWN_BEFORE = re.compile(
    r"\b(?:unspecified|unknown|undetermined|unclear|uncertain|some|several|multiple|various|an?\sunknown|an?\sunspecified"
    r"|unknown\show\smany|how\smany|extensive)\s(?:(?:amounts?|numbers?|quantity|quantities|courses?|rounds?)\s)?(?:of\s)?$",
    re.I,
)


def _qty_count(m: re.Match) -> Optional[VisitCount]:
    n1 = to_int(m.group("n1"))
    if n1 is None or n1 > 200:
        return None
    n2 = to_int(m.group("n2")) if m.groupdict().get("n2") else None
    if m.groupdict().get("al"):
        return VisitCount(min=n1, max=None)
    if n2 is not None and n2 >= n1 and n2 <= 200:
        return VisitCount(min=n1, max=n2)
    return VisitCount(min=n1, max=n1)


_Count = Optional[VisitCount]


def _mention_count(st: Sent, mt: Mention) -> tuple[bool, _Count]:
    """(count stated?, count) for a prior-treatment mention."""
    text = st.text
    before = text[max(0, mt.start - 70): mt.start]
    after = text[mt.end: mt.end + 40]
    if _ZERO_BEFORE.search(before[-40:]):
        return True, VisitCount(min=0, max=0)
    if _UNKNOWN_BEFORE.search(before[-45:]):
        return False, None
    m = _COUNT_BEFORE_UNIT.search(before)
    if m:
        return True, _qty_count(m)
    unit_in_mention = _UNIT_AT_END.search(mt.text) is not None
    if unit_in_mention or _UNIT_AFTER.match(after):
        m = _COUNT_BEFORE.search(before)
        if m:
            return True, _qty_count(m)
    m = _COUNT_AFTER.match(after) or _COUNT_AFTER_FOR.match(after)
    if m:
        return True, _qty_count(m)
    return False, None


def _is_prior_mention(st: Sent, mt: Mention) -> tuple[bool, bool]:
    """(prior?, weak?) — weak: 'additional PT', 'continue chiropractic' (prior implied, no count)."""
    before = st.text[max(0, mt.start - 60): mt.start]
    after = st.text[mt.end: mt.end + 90]
    weak = bool(_WEAK_PRIOR.search(before))
    if not st.hist:
        return weak, True
    if _PLAN_BEFORE.search(before) or _PLAN_AFTER.match(after):
        # "the request for 12 additional sessions of physical therapy": a request, even in a
        # history sentence; but "previously received ... 6 physical therapy session" stays
        if not _RECEIVED_BEFORE.search(before):
            return weak, True
    return True, False


def _better(a: _Count, b: _Count) -> bool:
    """Is count ``a`` a larger total than ``b``?"""
    if a is None:
        return False
    if b is None:
        return True
    return (a.min, a.max if a.max is not None else a.min) > (b.min, b.max if b.max is not None else b.min)


def prior(sents: list[Sent], out: Out, ctx: dict) -> None:
    courses: dict[Family, dict] = {}
    for st in sents:
        for mt in st.mentions:
            fam = mt.family
            if fam is Family.other:
                continue
            prior, weak = _is_prior_mention(st, mt)
            if not prior:
                continue
            c = courses.setdefault(fam, {"count": None, "stated": False, "sentence": st.text, "fi": None})
            if weak:
                continue
            stated, count = _mention_count(st, mt)
            if stated and count is not None and (not c["stated"] or _better(count, c["count"])):
                c["count"], c["stated"], c["sentence"] = count, True, st.text
    ctx["courses"] = courses


# ---------------------------------------------------------------- functional improvement

# rules/vocab/benefit_phrases.yaml: objective gains (MTUS functional improvement), reported benefit
_OBJ_GAIN = Folded(BENEFIT.compile(BENEFIT.select("objective_gain")))
_SUBJ_GAIN = Folded(BENEFIT.compile(BENEFIT.select("subjective_gain")))


_PREP_AFTER = re.compile(r"\b(?:with|from|after|since|following|of|to|by|due\sto|using)\s", re.I)
_GENERIC_TX = re.compile(
    r"\b(?:prior|previous|earlier|past|the|this|these|such|his|her|their|all)?\s?(?:treatments?|therapy|therapies|sessions"
    r"|visits|modalities|care)\b",
    re.I,
)


_FI_RANK = {"strong_no": 3, "yes": 2, "weak_no": 1}


_BENEFIT_STEMS = stems(*BENEFIT.keywords)  # a sentence without one holds no benefit phrase


def _benefit_phrases(st: Sent) -> list[tuple[int, int, str]]:
    """(start, end, verdict) for each benefit statement: verdict yes / strong_no / weak_no / none."""
    text = st.text
    out: list[tuple[int, int, str]] = []
    if not st.has(_BENEFIT_STEMS):
        return out
    taken: list[tuple[int, int]] = []
    for m in LIMITED_BENEFIT.finditer(text):
        if st.negated(m.start(), m.end()):
            continue
        out.append((m.start(), m.end(), "weak_no"))
        taken.append((m.start(), m.end()))
    for m in _OBJ_GAIN.finditer(text):
        if any(a <= m.start() < b for a, b in taken):
            continue
        if HYPOTHETICAL.search(text[max(0, m.start() - 40): m.start()]):
            continue
        verdict = "strong_no" if st.negated(m.start(), m.end()) else "yes"
        out.append((m.start(), m.end(), verdict))
        taken.append((m.start(), m.end()))
    for m in _SUBJ_GAIN.finditer(text):
        if any(a <= m.start() < b for a, b in taken):
            continue
        if HYPOTHETICAL.search(text[max(0, m.start() - 40): m.start()]):
            continue
        if st.negated(m.start(), m.end()):
            out.append((m.start(), m.end(), "weak_no"))
        taken.append((m.start(), m.end()))
    return out


def _attribute(st: Sent, start: int, end: int) -> Optional[list[Family]]:
    """Families a benefit statement is about; [] = generic (all prior courses); None = not physical medicine."""
    text = st.text
    ments = [m for m in st.mentions if m.family is not Family.other]
    # 1. inside parentheses right after a mention: "6 chiropractic treatments (without ...)"
    op = text.rfind("(", 0, start)
    if op >= 0 and text.find(")", op, start) < 0:
        prev = text[:op].rstrip()
        for m in ments:
            if m.end == len(prev) or (0 < len(prev) - m.end <= 12 and "," not in prev[m.end:]):
                return [m.family]
    # 2. what it is attributed to: "... with physical therapy", "... with Norco"
    window_end = min(len(text), end + 70)
    for sep in (";", ". "):
        k = text.find(sep, end, window_end)
        if k >= 0:
            window_end = k
    fams: list[Family] = []
    non_family = False
    generic = False
    for p in _PREP_AFTER.finditer(text, end, window_end):
        seg_start = p.end()
        for m in ments:
            if seg_start <= m.start <= seg_start + 25 and m.family not in fams:
                fams.append(m.family)
        if any(seg_start <= d[0] <= seg_start + 12 for d in st.drugs) or _DRUG_CONTEXT.match(text, seg_start):
            non_family = True
        g = _GENERIC_TX.match(text, seg_start)
        if g and g.group(0).strip():
            generic = True
    if fams:
        return fams
    if non_family and not generic:
        return None
    if generic:  # "... with prior therapy": the families named before it, else every prior course
        before = []
        for m in ments:
            if m.end <= start and m.family not in before:
                before.append(m.family)
        return before
    # 3. the subject: family mentions earlier in the same clause
    clause_start = max(text.rfind(";", 0, start), text.rfind(" but ", 0, start), text.rfind(")", 0, start), 0)
    subj = [m for m in ments if clause_start <= m.start and m.end <= start]
    drugs_before = [d for d in st.drugs if clause_start <= d[0] and d[1] <= start]
    if subj:
        if drugs_before and drugs_before[-1][0] > subj[-1].end:
            return None
        out: list[Family] = []
        for m in subj:
            if m.family not in out:
                out.append(m.family)
        return out
    if drugs_before:
        return None
    # 4. any family in the sentence; 5. generic
    if ments:
        out = []
        for m in ments:
            if m.family not in out:
                out.append(m.family)
        return out
    # OTHER_TX in text[clause_start:start]: its matches are whole words, text[clause_start]
    # is a separator (or the sentence start) and text[start - 1] is not a word character (a
    # benefit phrase starts at a word boundary), so a match of the slice is exactly a match
    # of the sentence inside it. Found once per sentence: a long sentence with many benefit
    # phrases no longer rescans its clause for each (hostile input, bench/bench_text.py).
    if st.drugs or any(clause_start <= a and b <= start for a, b in st.other_tx) or st.non_pm:
        return None
    return []


def functional_improvement(sents: list[Sent], out: Out, ctx: dict) -> None:
    courses: dict[Family, dict] = ctx["courses"]
    verdicts: list[tuple[list[Family], str, str]] = []
    for st in holding(sents, _BENEFIT_STEMS):  # the others hold no benefit phrase
        phrases = _benefit_phrases(st)
        if not phrases or (st.request and not st.hist):
            continue
        for start, end, verdict in phrases:
            if verdict == "none":
                continue
            fams = _attribute(st, start, end)
            if fams is None:
                continue
            verdicts.append((fams, verdict, st.text))
            for f in fams:  # a benefit statement about a family implies a prior course of it
                courses.setdefault(f, {"count": None, "stated": False, "sentence": st.text, "fi": None})
    for fams, verdict, sentence in verdicts:
        targets = fams or list(courses)
        for f in targets:
            c = courses.get(f)
            if c is None:
                continue
            cur = c["fi"]
            if cur is None or _FI_RANK[verdict] > _FI_RANK[cur[0]]:
                c["fi"] = (verdict, sentence)


def emit_prior(out: Out, ctx: dict) -> None:
    prior: dict[Family, PriorCourse] = {}
    for fam, c in ctx["courses"].items():
        fi = Tri.not_stated
        if c["fi"]:
            fi = Tri.yes if c["fi"][0] == "yes" else Tri.no
        prior[fam] = PriorCourse(visits=c["count"], functional_improvement=fi)
        out.ev(f"prior.{fam.value}.visits", str(c["count"]) if c["count"] is not None else "unknown", c["sentence"])
        if c["fi"]:
            out.ev(f"prior.{fam.value}.functional_improvement", fi.value, c["fi"][1])
    out.fields["prior"] = prior
