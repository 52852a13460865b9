"""Clinical facts of an IMR letter's CLINICAL CASE SUMMARY, each with the sentence it came from.

``extract_facts(summary)`` reads only the case-summary text (``Letter.summary``) and returns
a :class:`CaseFacts`: patient, injury, diagnoses, regions, surgeries, prior treatment per
family (visit counts and objective functional improvement), work status, medications,
the request / utilization-review dates and what UR already authorized. Every fact comes
with an :class:`Evidence` whose sentence is a substring of the whitespace-normalized
summary (``" ".join(summary.split())``).

Design: the summary is split into sentences once; each extractor is a small set of linear
regexes over sentences plus the negation scope of :mod:`facts_negation`. Extractors are
independent and guarded, so a surprise in one never loses the others, and
``extract_facts`` never raises: a failed extractor is named, on one line, in
``CaseFacts.problems`` (a bug to report; the tests require it empty on every letter).
"""
from __future__ import annotations

import datetime as dt
import re
from typing import Callable, Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from checker.request.model import Evidence, PriorCourse, Surgery, VisitCount
from checker.vocab import Family, Region, Tri

from .facts_negation import LIMITED_BENEFIT, negating_cue, scopes as negation_scopes
from .facts_terms import Mention, drug_mentions, family_mentions, generic_therapy, regions_in, scan_regions
from .facts_text import NUM, DateHit, Sentence, find_dates, normalize_paragraphs, sentences, to_int


__all__ = ["CaseFacts", "extract_facts"]


class CaseFacts(BaseModel):
    """What the case summary says, fact by fact (see module docstring)."""

    model_config = ConfigDict(extra="forbid")

    age: Optional[int] = None
    sex: Optional[Literal["male", "female"]] = None
    injury_date: Optional[dt.date] = None
    diagnoses: list[str] = Field(default_factory=list)
    regions: list[Region] = Field(default_factory=list)
    surgeries: list[Surgery] = Field(default_factory=list)
    prior: dict[Family, PriorCourse] = Field(default_factory=dict)
    home_exercise_program: Tri = Tri.not_stated
    returned_to_work: Tri = Tri.not_stated
    work_status: Optional[str] = None
    medications: list[str] = Field(default_factory=list)
    medication_reduced_or_not_tolerated: Tri = Tri.not_stated
    adjunct_to_exercise: Tri = Tri.not_stated
    flare_up: Tri = Tri.not_stated
    indication_documented: Tri = Tri.not_stated
    request_date: Optional[dt.date] = None
    ur_date: Optional[dt.date] = None
    latest_date: Optional[dt.date] = None  # the latest day-precise date the summary mentions
    ur_authorized: dict[Family, int] = Field(default_factory=dict)
    evidence: list[Evidence] = Field(default_factory=list)
    # extractors that failed on this summary, one line each: their facts are missing
    problems: list[str] = Field(default_factory=list)


# =============================================================== shared context

_I = re.I


def _gated(first_letters: str, pattern: str) -> re.Pattern:
    """``pattern`` (case-insensitive) behind a lookahead for the letters its matches can start with.

    The same matches, found faster: re has no fast scan for a case-insensitive pattern, so it
    tries every alternative at every position of a sentence; the lookahead leaves only the
    positions where one of ``first_letters`` (any case) stands. ``first_letters`` must hold
    the first letter of every alternative: a pattern's new alternative needs its letter here.
    (Measured: 11% of the case-summary work, the most searched patterns gated.)
    """
    return re.compile(f"(?=[{first_letters}])(?:{pattern})", _I)
_BOILERPLATE = re.compile(
    r"^(?:CLINICAL CASE SUMMARY\s*)?The expert reviewer developed the following clinical case summary based on a"
    r" review of the case file, including all medical records:?\s*",
    _I,
)
# "prior review", "previously denied" ... are about utilization review, not prior treatment
_UR_PRIOR = re.compile(
    r"\b(?:prior|previous|original|earlier)\s(?:utilization\s)?(?:review|determination|denial|decision|UR|request)\w*"
    r"|\bpreviously\s(?:been\s)?(?:denied|modified|non-?\s?certified|certified|reviewed|deemed|authorized|approved|requested)"
    r"|\bprior\sto\b|\bhad\sbeen\spreviously\b",
    _I,
)
_HIST = _gated("abcehinprstuw",
    r"\bto\sdate\b|\bthus\sfar\b|\bso\sfar\b|\bprior\b|\bprevious(?:ly)?\b|\bpast\b|\bearlier\b|\bhistory\sof\b"
    r"|\btreatments?\s(?:(?!plan\b|recommend\w*|request\w*)[\w-]+\s){0,3}?(?:has\s|have\s|had\s)?(?:included|includes|include|consisted|rendered)\b"
    r"|\b(?:has|have|had)\s(?:also\s)?(?:had|completed|attended|tried|received|undergone|participated|used|done"
    r"|been\s(?:treated|receiving|doing|getting|attending|undergoing|through|in))\b"
    r"|\b(?:underwent|completed|attended|tried|trialed)\b"
    r"|\b(?:was|is|were|are|has\sbeen)\s(?:currently\s|still\s)?(?:doing|receiving|getting|attending|undergoing|participating|using)\b"
    r"|\buses\b|\btreated\swith\b|\bstatus\spost\b|\bs/p\b|\bcourse\sof\b"
    r"|\b(?:has|have|had)\s(?:not\s)?(?:helped|decreased|improved|provided|proven|resulted|failed)\b"
    r"|\b(?:has|have|had)\s(?:not|never)\s(?:yet\s)?(?:had|received|tried|undergone|attended|started|begun)\b"
    r"|\bnever\s(?:had|received|tried|undergone|attended)\b"
    r"|\b(?:helped|helping|benefit\w*|improvement|improved|relief)\b",
)
_REQUEST_SENT = re.compile(
    r"\b(?=[racundmi])(?:request\w*|\bRFA\b|\bauthori[sz]\w*|utilization\sreview|\bUR\b|\bnon-?\s?certif\w*|\bcertif\w*|\bdenied\b"
    r"|\bmodified\b|\bmodification\b|\bdetermination\b|\bappeal\w*|\bIMR\b|\bclaims\sadministrator\b)",
    _I,
)
_PLAN_BEFORE = re.compile(
    r"\b(?:request(?:ed|s)?|authori[sz]\w*|recommend\w*|order(?:ed)?|prescrib\w*|plan(?:ned)?|referr\w*|refer|"
    r"consist\w*|schedul\w*|certif\w*|approv\w*|modif\w*|denied|receive)\b(?:\s(?:for|of|to|an?|the|initial))*"
    r"(?:\s[\w#/().-]+){0,4}\s?$",
    _I,
)
_PLAN_AFTER = re.compile(
    r"^[^.;]{0,60}?\b(?:was|were|is|are|be|been)\s(?:\w+\s)?(?:ordered|requested|recommended|prescribed|endorsed"
    r"|authorized|certified|denied|modified|non-?\s?certified|planned|scheduled|approved)\b",
    _I,
)
_WEAK_PRIOR = re.compile(
    r"\b(?:continu\w*|additional|further|ongoing|resum\w*|another|extension\sof|renewal\sof|more)\s(?:of\s)?(?:the\s)?"
    r"(?:[\w-]+\s){0,2}$",
    _I,
)
_DRUG_CONTEXT = re.compile(
    r"\b(?:medications?|meds|drugs?|opioids?|narcotics?|analgesics?|NSAIDs?|injections?|epidural|surgery|surgical"
    r"|block|nerve\sablation|rhizotomy)\b",
    _I,
)


class _Sent:
    """One sentence with what several extractors need, computed lazily."""

    __slots__ = ("s", "text", "low", "_mentions", "_cues", "_dates", "_drugs", "_hist", "_req", "_other_tx", "_non_pm")

    def __init__(self, s: Sentence):
        self.s = s
        self.text = s.text
        self._mentions = self._cues = self._dates = self._drugs = None
        self._hist = self._req = self._other_tx = self._non_pm = None
        self.low = s.text.lower()

    def has(self, stems: tuple[str, ...]) -> bool:
        """Cheap pre-filter: does the sentence contain any of these lower-case substrings?"""
        low = self.low
        return any(k in low for k in stems)

    @property
    def mentions(self) -> list[Mention]:
        if self._mentions is None:
            self._mentions = family_mentions(self.text)
        return self._mentions

    @property
    def cues(self):
        if self._cues is None:
            self._cues = negation_scopes(self.text)
        return self._cues

    @property
    def dates(self) -> list[DateHit]:
        if self._dates is None:
            self._dates = find_dates(self.text)
        return self._dates

    @property
    def drugs(self):
        if self._drugs is None:
            self._drugs = drug_mentions(self.text)
        return self._drugs

    @property
    def hist(self) -> bool:
        if self._hist is None:
            self._hist = bool(_HIST.search(_UR_PRIOR.sub(" ", self.text)))
        return self._hist

    @property
    def request(self) -> bool:
        if self._req is None:
            self._req = bool(_REQUEST_SENT.search(self.text))
        return self._req

    @property
    def other_tx(self) -> list[tuple[int, int]]:
        """Spans of the non-physical-medicine treatment words (_OTHER_TX) of the sentence."""
        if self._other_tx is None:
            self._other_tx = [m.span() for m in _OTHER_TX.finditer(self.text)]
        return self._other_tx

    @property
    def non_pm(self) -> bool:
        """Does the sentence name a non-physical-medicine treatment (_NON_PM_TX) anywhere?"""
        if self._non_pm is None:
            self._non_pm = _NON_PM_TX.search(self.text) is not None
        return self._non_pm

    def negated(self, start: int, end: int) -> bool:
        return negating_cue(self.text, start, end, self.cues) is not None


class _Out:
    """Collects field values and their evidence."""

    def __init__(self) -> None:
        self.fields: dict = {}
        self.evidence: list[Evidence] = []

    def ev(self, fact: str, value: object, sentence: str) -> None:
        self.evidence.append(Evidence(fact=fact, value=str(value), sentence=sentence))


# =============================================================== demographics

_AGE = re.compile(r"\b(\d{1,3})\s?-?\s?(?:years?|yrs?|y/o)[\s-]?(?:-\s?)?old\b|\b(\d{1,3})\s?(?:y/o|yo)\b|\baged?\s(\d{1,3})\b", _I)
_SEX = re.compile(r"\b(?:year[\s-]?old|y/?o|aged?\s\d+)\s(?:\w+\s)?(male|female|man|woman|gentleman|lady)\b"
                  r"|\b(?:a|an)\s(?:\w+\s)?(male|female)\b", _I)
_PRONOUN = re.compile(r"\b(he|his|him|she|her|hers)\b", _I)
_SEX_WORD = {"male": "male", "man": "male", "gentleman": "male", "female": "female", "woman": "female", "lady": "female"}


def _demographics(sents: list[_Sent], out: _Out) -> None:
    for st in sents[:6]:
        m = _AGE.search(st.text)
        if m:
            age = int(m[1] or m[2] or m[3])
            if 14 <= age <= 110:
                out.fields["age"] = age
                out.ev("age", age, st.text)
                break
    for st in sents[:6]:
        m = _SEX.search(st.text)
        if m:
            sex = _SEX_WORD[(m[1] or m[2]).lower()]
            out.fields["sex"] = sex
            out.ev("sex", sex, st.text)
            return
    # pronouns, only when clearly one-sided
    male = female = 0
    first: dict[str, str] = {}
    for st in sents:
        for m in _PRONOUN.finditer(st.text):
            w = m[1].lower()
            if w in ("he", "his", "him"):
                male += 1
                first.setdefault("male", st.text)
            else:
                female += 1
                first.setdefault("female", st.text)
    if male >= 2 and female == 0:
        out.fields["sex"] = "male"
        out.ev("sex", "male", first["male"])
    elif female >= 2 and male == 0:
        out.fields["sex"] = "female"
        out.ev("sex", "female", first["female"])


_INJURY_CUE = re.compile(
    r"(?:\binjur(?:y|ies)|\bclaim|\bDOI)\W{0,3}(?:(?:date|on|of|from|dated|was|is|that|occurred)\W{1,3}){0,3}$", _I
)


def _injury_date(sents: list[_Sent], out: _Out) -> None:
    for st in sents:
        for d in st.dates:
            before = st.text[max(0, d.start - 45):d.start]
            if _INJURY_CUE.search(before) and not re.search(r"\bsince\b|\bafter\b", before[-25:], _I):
                out.fields["injury_date"] = d.date
                out.ev("injury_date", d.date.isoformat(), st.text)
                return


# =============================================================== diagnoses and regions

def _diagnoses(sents: list[_Sent], out: _Out) -> None:
    # lists after "diagnoses", "diagnosed with", "assessment:" ..., split with the ICD-10-CM
    # title index (checker.diagnosis.phrases); a request sentence only when it says "diagnos"
    from checker.diagnosis.phrases import diagnosis_phrases

    texts = [st.text for st in sents if not (st.request and "diagnos" not in st.low)]
    diags = []
    for d in diagnosis_phrases(texts):
        diags.append(d.text)
        out.ev("diagnoses", d.text, d.sentence)
    out.fields["diagnoses"] = diags


_RADIATING_STEMS = ("radiat", "numb", "tingl", "pares", "paras", "going", "referred", "travel", "shoot", "extend", "radicular")
_EXAM = re.compile(r"\bexam\w*|\bobjective\b|\breflex\w*|\bpalpation\b|\btests?\b|\bsigns?\b|\bMRI\b|\bx-?\s?rays?\b", _I)
_COMPLAINT = _gated("cdeprst",
    r"\bcomplain\w*|\b(?:report\w*|present\w*|describ\w*|endors\w*)\b[^.]{0,60}?\b(?:pain|discomfort|injury|symptoms?|ache|stiffness)"
    r"|\bsubjective\b|\bchief\b|\bc/o\b|\bthere\s(?:was|is|were)\s(?:\w+\s)?pain\b|\brated\s(?:his\s|her\s|the\s)?(?:[\w-]+\s){0,3}?pains?\b",
)
_RADIATING = _gated("egnprst",
    r"\b(?:radiat\w*|going|referred|travel\w*|shoot\w*|extend\w*)\s(?:\w+\s){0,2}?(?:down|into|to|toward|towards)\b[^,;.]*"
    r"|\b(?:numbness|tingling|paresthesias?|parasthesias?|radicular\s(?:pain|symptoms))\b[^,;.]*",
)


def _regions(sents: list[_Sent], out: _Out) -> None:
    found: list[Region] = []
    by_sentence: dict[str, list[str]] = {}
    for e in out.evidence:
        if e.fact == "diagnoses":
            by_sentence.setdefault(e.sentence, []).append(e.value)
    sources: list[tuple[str, str]] = [("; ".join(v), k) for k, v in by_sentence.items()]
    for st in sents:
        if not st.has(("complain", "subjective", "report", "present", "describ", "endors", "chief", "c/o", "pain")):
            continue
        if st.request or not _COMPLAINT.search(st.text):
            continue
        if "complain" not in st.low and _EXAM.search(st.text):
            continue
        src = st.text
        if st.has(_RADIATING_STEMS):
            src = _RADIATING.sub(" ", src)
        sources.append((src, st.text))
    if not sources:
        out.fields["regions"] = found
        return
    # one call to the region classifier for the whole summary; each region's evidence is the first
    # source sentence that names it (found with the fast word scan, else by asking the classifier)
    wanted = regions_in(" | ".join(src for src, _ in sources))
    quick: list[set[Region]] = []  # scan_regions of the first sources, scanned only as far as needed

    def first_naming(r: Region) -> Optional[int]:
        for i, (src, _) in enumerate(sources):
            if i == len(quick):
                quick.append(set(scan_regions(src)))
            if r in quick[i]:
                return i
        return None

    for r in wanted:
        idx = first_naming(r)
        if idx is None:
            idx = next((i for i, (src, _) in enumerate(sources) if r in regions_in(src)), 0)
        found.append(r)
        out.ev("regions", r.value, sources[idx][1])
    order = {sentence: i for i, (_, sentence) in enumerate(sources)}
    pairs = sorted(zip(found, out.evidence[len(out.evidence) - len(found):]), key=lambda p: order.get(p[1].sentence, 0))
    found = [r for r, _ in pairs]
    out.evidence[len(out.evidence) - len(pairs):] = [e for _, e in pairs]
    out.fields["regions"] = found


# =============================================================== surgeries

_SURG_HEAD = (
    r"(?:surgery|surgeries|replacement|arthroplasty|fusion|laminectomy|laminotomy|discectomy|microdiscectomy"
    r"|hemilaminectomy|foraminotomy|ORIF|open\sreduction(?:\sand\sinternal\sfixation)?|arthroscopy|repair"
    r"|reconstruction|excision|release|decompression|meniscectomy|acromioplasty|amputation|debridement"
    r"|osteotomy|tenotomy|synovectomy|capsulotomy|carpectomy|corpectomy|arthrodesis|fixation|exploration"
    r"|transposition|tenodesis|bursectomy|resection|implantation|kyphoplasty|vertebroplasty|operation)"
)
_SURG_STOPWORD = (
    r"(?:has|had|have|included|includes|include|underwent|undergone|and|with|of|the|a|an|to|in|on|for|post|status"
    r"|s/p|after|since|prior|previous|was|were|is|are|his|her|their|this|that|including|date|plan|planned|treatment"
    r"|included:|history|relevant|recommended|requested|request|consideration|before|candidate|awaiting)"
)
_SURGERY = re.compile(
    r"(?P<proc>(?:\b(?!" + _SURG_STOPWORD + r"\b)[A-Za-z][\w/-]*\s){0,4}?\b" + _SURG_HEAD + r"\b(?!\ssyndrome|\scandidate)"
    # the operated part ("of the right ankle", "on the left knee"), never a date ("on 11/02/2017")
    r"(?:\s(?:of|to|on)\s(?:the\s)?(?:(?!on\b|in\b|dated\b|\d)[\w/-]+\s){0,3}?(?!on\b|in\b|dated\b|\d)[\w/-]+"
    r"(?=\s(?:on|in|dated)\s|\s?[(,;.]|$))?)",
    _I,
)
_SURG_STEMS = (
    "surg", "replace", "plasty", "fusion", "ectomy", "otomy", "open reduction", "arthroscop", "repair", "reconstruct",
    "excision", "release", "decompress", "amputat", "fixation", "exploration", "transposition", "tenodesis",
    "resection", "implant", "kyphopl", "vertebropl", "operation", "desis", "debridement", "orif",
)
_SURG_PLAN = re.compile(
    r"\b(?:plan\w*|recommend\w*|request\w*|scheduled|pending|awaiting|candidate|consult\w*|consider\w*|will|would"
    r"|authorization|referr\w*|proposed|needs?|indicated)\b",
    _I,
)
_NOT_SURGERY = re.compile(
    r"surgical\shistory|history\s(?:was|were)\snon|release(?:d)?\sto|hormone\sreplacement|fluid\sreplacement"
    r"|joint\sreplacement\scandidate|\bno\s(?:relevant\s)?surg|nerve\sdecompression\stest|pain\srelease",
    _I,
)


def _surgeries(sents: list[_Sent], out: _Out) -> None:
    found: list[tuple[Surgery, str]] = []
    for st in sents:
        low = st.text.lower()
        if not any(k in low for k in _SURG_STEMS) and "ORIF" not in st.text:
            continue
        if _NOT_SURGERY.search(st.text) and not re.search(r"\bunderwent\b", st.text, _I):
            continue
        for m in _SURGERY.finditer(st.text):
            proc = m.group("proc").strip(" ,;.(")
            if not proc or re.fullmatch(r"(?:surgical\s)?(?:repair|release|exploration|fixation|operation)", proc, _I):
                continue
            if st.negated(m.start(), m.end()):
                continue
            # a date right after: "(10-22-2016)", "on 10-20-2016", "in 2010", "dated ..."
            tail = st.text[m.end(): m.end() + 80]
            date: Optional[dt.date] = None
            dm = re.match(r"\s?(?:\(|,?\s(?:on|in|dated|performed\son|done\son|performed\sin)\s)", tail, _I)
            if dm:
                hits = find_dates(tail, coarse=True)
                if hits and hits[0].start <= dm.end() + 2:
                    date = hits[0].date
            if date is None:
                clause = re.split(r"[;.]\s", tail, maxsplit=1)[0]
                for h in find_dates(clause, coarse=True):
                    if re.search(r"\b(?:on|in|dated)\s$", clause[max(0, h.start - 8):h.start], _I):
                        date = h.date
                        break
            if date is None:  # "On 10-20-2016 he underwent ORIF ...": the date leads the sentence
                lead = st.text[: m.start()]
                if len(lead) < 80 and re.match(r"(?:On|In)\s", lead) and re.search(r"\b(?:underwent|had)\b", lead, _I):
                    hits = find_dates(lead[:40], coarse=True)
                    if hits:
                        date = hits[0].date
            planned = False
            before = st.text[max(0, m.start() - 70): m.start()]
            if date is None and (_SURG_PLAN.search(before) or re.search(r"\b(?:plan|planned|scheduled)\b", st.text[: m.start()], _I)):
                if not re.search(r"\b(?:underwent|status\spost|s/p|since|after|post-?operative|had\s(?:an?\s)?)", before, _I):
                    planned = True
            if re.search(r"\bconsideration\sof\b|\bbefore\b|\bcandidate\b", before[-40:], _I) and not date:
                continue  # "before consideration of surgical intervention": not planned yet
            found.append((Surgery(procedure=proc, date=date, planned=planned), st.text))
    # de-duplicate: same date, or an undated mention of a procedure already listed
    kept: list[tuple[Surgery, str]] = []
    for s, sent in found:
        dup = False
        for i, (k, _) in enumerate(kept):
            same_words = bool(set(re.findall(r"[a-z]{4,}", s.procedure.lower())) & set(re.findall(r"[a-z]{4,}", k.procedure.lower())))
            if (s.date and k.date and s.date == k.date) or (same_words and (not s.date or not k.date)):
                if not k.date and s.date:
                    kept[i] = (s, sent)
                dup = True
                break
        if not dup:
            kept.append((s, sent))
    # a bare "surgery" is only kept when nothing more specific was found
    specific = [x for x in kept if x[0].procedure.lower() not in ("surgery", "surgeries")]
    if specific:
        kept = specific + [x for x in kept if x[0].procedure.lower() in ("surgery", "surgeries") and x[0].planned]
    out.fields["surgeries"] = [s for s, _ in kept]
    for s, sent in kept:
        val = s.procedure + (f" ({s.date.isoformat()})" if s.date else "") + (" [planned]" if s.planned else "")
        out.ev("surgeries", val, sent)


# =============================================================== prior treatment

_UNIT = r"(?:sessions?|visits?|treatments?|appointments?)"
_QTY = (
    r"(?:(?P<al>at\sleast|more\sthan|over|a\sminimum\sof|minimum\sof|greater\sthan|in\sexcess\sof)\s)?"
    r"(?:approximately\s|about\s|around\s|roughly\s|a\stotal\sof\s|total\sof\s)?#?\s?(?P<n1>" + NUM + r")"
    r"(?:\s?(?:to|-|–|or)\s?(?P<n2>" + NUM + r")(?!\s?(?:times|x|/|per))|\s(?:of|out\sof)\s(?P<of>" + NUM + r"))?"
)
_COUNT_BEFORE_UNIT = re.compile(
    _QTY + r"\s(?:(?:prior|previous|additional|completed|total|authorized|approved|certified|recent)\s)?"
    + _UNIT + r"\s(?:of\s)?(?:the\s)?(?:prior\s|previous\s)?$",
    _I,
)
_COUNT_BEFORE = re.compile(_QTY + r"\s(?:(?:prior|previous|completed|authorized|approved|certified|total|recent)\s)?$", _I)
_UNIT_AFTER = re.compile(r"^\s" + _UNIT + r"\b", _I)
_COUNT_AFTER = re.compile(r"^\s(?:x|×|times)\s?(?P<n1>" + NUM + r")\b(?!\s?(?:x|×|times|per|/))", _I)
_COUNT_AFTER_FOR = re.compile(r"^\s(?:for\s)?" + _QTY + r"\s" + _UNIT + r"\b", _I)
_ZERO_BEFORE = re.compile(
    r"\b(?:no|never\s(?:had|received|tried|undergone|attended)(?:\sany)?|not\s(?:had|received|tried|undergone|attended"
    r"|started|begun)(?:\sany)?|without\s(?:any\s)?)\s(?:(?:prior|previous|formal|past)\s)?$",
    _I,
)
_UNKNOWN_BEFORE = re.compile(
    r"\b(?:unspecified|unknown|undetermined|unclear|uncertain|some|several|multiple|various|an?\sunknown|an?\sunspecified"
    r"|unknown\show\smany|how\smany|extensive)\s(?:(?:amounts?|numbers?|quantity|quantities|courses?|rounds?)\s)?(?:of\s)?$",
    _I,
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


def _mention_count(st: _Sent, mt: Mention) -> tuple[bool, _Count]:
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
    unit_in_mention = re.search(_UNIT + r"$", mt.text, _I) is not None
    if unit_in_mention or _UNIT_AFTER.match(after):
        m = _COUNT_BEFORE.search(before)
        if m:
            return True, _qty_count(m)
    m = _COUNT_AFTER.match(after) or _COUNT_AFTER_FOR.match(after)
    if m:
        return True, _qty_count(m)
    return False, None


def _is_prior_mention(st: _Sent, mt: Mention) -> tuple[bool, bool]:
    """(prior?, weak?) — weak: 'additional PT', 'continue chiropractic' (prior implied, no count)."""
    before = st.text[max(0, mt.start - 60): mt.start]
    after = st.text[mt.end: mt.end + 90]
    weak = bool(_WEAK_PRIOR.search(before))
    if not st.hist:
        return weak, True
    if _PLAN_BEFORE.search(before) or _PLAN_AFTER.match(after):
        # "the request for 12 additional sessions of physical therapy": a request, even in a
        # history sentence; but "previously received ... 6 physical therapy session" stays
        if not re.search(r"\b(?:received|completed|underwent|attended|had|included|tried|include|includes)\b"
                         r"[^.;]{0,50}$", before, _I):
            return weak, True
    return True, False


def _better(a: _Count, b: _Count) -> bool:
    """Is count ``a`` a larger total than ``b``?"""
    if a is None:
        return False
    if b is None:
        return True
    return (a.min, a.max if a.max is not None else a.min) > (b.min, b.max if b.max is not None else b.min)


def _prior(sents: list[_Sent], out: _Out, ctx: dict) -> None:
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

_OBJ_AREA = (
    r"(?:range\sof\smotion|ROM|mobility|strength|function\w*|flexibility|ADLs?|activities\sof\sdaily\sliving|endurance"
    r"|motion|gait|tolerance|ability|capacity|ambulation|work\scapacity|grip|posture|balance)"
)
_OBJ_GAIN = _gated("abcdefgilmnopqrstw",
    r"\b(?:improv\w*|increas\w*|better|gain\w*|restor\w*|progress\w*|normaliz\w*|enhanc\w*)\s(?:in\s|of\s|with\s)?"
    r"(?:the\s|his\s|her\s|their\s|overall\s)?(?:pain\sand\s|pain,\s|symptoms\sand\s)?(?:(?:lumbar|cervical|thoracic|shoulder|knee|hip|wrist|elbow|ankle|spine|spinal"
    r"|joint|active|passive|physical|functional|grip|muscle|motor|walking|sitting|standing|lifting|carrying|bending"
    r"|kneeling|reaching|activity|exercise|work|daily)\s){0,2}" + _OBJ_AREA +
    r"|\b" + _OBJ_AREA + r"\s(?:has\s|had\s|have\s|was\s|were\s|is\s)?(?:\w+\s)?(?:improved|increased|better|restored|normalized)"
    r"|\b(?:decreas\w*|reduc\w*|less|lessened|resolution\sof|resolved)\s(?:in\s)?(?:the\s)?(?:tenderness|spasms?|swelling|stiffness"
    r"|work\srestrictions|restrictions|guarding)"
    r"|\b(?:reduc\w*|decreas\w*|less|lower)\s(?:in\s|of\s)?(?:the\s|his\s|her\s)?(?:\w+\s)?(?:medications?|opioids?|narcotics?"
    r"|analgesics?|pain\smedications?)\s?(?:use|intake|consumption|requirements?|needs?)"
    r"|\b(?:objective|measurable|quantifiable|functional|documented)\s(?:functional\s)?(?:improvement|gains?|progress|benefit|change)"
    r"|\bfunctional\simprovements?|\bimprovement\sin\sfunction\w*|\bquantifiable\sclinical\schange",
)
_SUBJ_GAIN = _gated("bdeghilprsw",
    r"\b(?:improv(?:ed|ement|ements|ing)|benefi\w*|help(?:ed|ing|ful|s)?|relief|better|respond\w*\sfavorably"
    r"|(?:decreas|reduc|lessen)\w*\s(?:his\s|her\s|the\s)?(?:\w+\s)?pain|effective|success\w*|progress(?:ed|ing)?"
    r"|gains?|worked|responded)\b",
)
_HYPOTHETICAL = re.compile(
    r"\b(?:if|whether|to\ssee|should|would|could|may|might|goals?|expected|hopes?|hoped|order\sto)\s(?:\w+\s){0,3}$"
    r"|(?<!failed\s)(?<!unable\s)(?<!able\s)\bto\s$",
    _I,
)
_PREP_AFTER = re.compile(r"\b(?:with|from|after|since|following|of|to|by|due\sto|using)\s", _I)
_GENERIC_TX = re.compile(
    r"\b(?:prior|previous|earlier|past|the|this|these|such|his|her|their|all)?\s?(?:treatments?|therapy|therapies|sessions"
    r"|visits|modalities|care)\b",
    _I,
)
# a non-physical-medicine treatment as the subject: "Home traction unit was noted to be ineffective"
_OTHER_TX = re.compile(
    r"\b(?:traction|unit|brace|bracing|splint|injections?|medications?|meds|drugs?|surgery|ice|heat|rest|orthotics?|cane"
    r"|crutch\w*|pillow|shockwave|ultrasound|creams?|patch\w*|blocks?|ESI|TENS|pills?|tablets?|inhaler|device|sling)\b",
    _I,
)
_NON_PM_TX = re.compile(r"\b(?:medications?|opioids?|injections?|epidural|surgery|ESI|TENS|block)\b", _I)
_FI_RANK = {"strong_no": 3, "yes": 2, "weak_no": 1}


_BENEFIT_STEMS = (
    "improv", "increas", "better", "gain", "restor", "progress", "normaliz", "enhanc", "decreas", "reduc", "less",
    "resol", "lower", "benefi", "help", "relief", "respond", "effective", "success", "worked", "objective",
    "measurable", "quantifiable", "functional", "minimal", "minimum", "limited", "little", "slight", "temporary",
    "transient", "short", "marginal", "questionable", "plateau", "failed", "unsuccessful",
)


def _benefit_phrases(st: _Sent) -> list[tuple[int, int, str]]:
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
        if _HYPOTHETICAL.search(text[max(0, m.start() - 40): m.start()]):
            continue
        verdict = "strong_no" if st.negated(m.start(), m.end()) else "yes"
        out.append((m.start(), m.end(), verdict))
        taken.append((m.start(), m.end()))
    for m in _SUBJ_GAIN.finditer(text):
        if any(a <= m.start() < b for a, b in taken):
            continue
        if _HYPOTHETICAL.search(text[max(0, m.start() - 40): m.start()]):
            continue
        if st.negated(m.start(), m.end()):
            out.append((m.start(), m.end(), "weak_no"))
        taken.append((m.start(), m.end()))
    return out


def _attribute(st: _Sent, start: int, end: int) -> Optional[list[Family]]:
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
    # _OTHER_TX in text[clause_start:start]: its matches are whole words, text[clause_start]
    # is a separator (or the sentence start) and text[start - 1] is not a word character (a
    # benefit phrase starts at a word boundary), so a match of the slice is exactly a match
    # of the sentence inside it. Found once per sentence: a long sentence with many benefit
    # phrases no longer rescans its clause for each (hostile input, bench/bench_text.py).
    if st.drugs or any(clause_start <= a and b <= start for a, b in st.other_tx) or st.non_pm:
        return None
    return []


def _functional_improvement(sents: list[_Sent], out: _Out, ctx: dict) -> None:
    courses: dict[Family, dict] = ctx["courses"]
    verdicts: list[tuple[list[Family], str, str]] = []
    for st in sents:
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


def _emit_prior(out: _Out, ctx: dict) -> None:
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


# =============================================================== home exercise, work, medications, flags

_HEP = re.compile(
    r"\bhome\s(?:-?based\s)?(?:exercises?|exercising|stretch\w*|program|therapy\sprogram)(?:\s(?:program|regimen|plan))?\b"
    r"|\bHEP\b|\bself[- ]directed\s(?:home\s)?(?:exercise|therapy|program|PT|physical\stherapy)\w*"
    r"|\bindependent\s(?:home\s)?exercise\s(?:program|regimen)",
)
_HEP_I = re.compile(_HEP.pattern.replace(r"\bHEP\b", r"\b(?-i:HEP)\b"), _I)


def _tri_last(sents: list[_Sent], pattern: re.Pattern, fact: str, out: _Out, stems: tuple[str, ...],
              negated_is_no: bool = True) -> Optional[Tri]:
    value: Optional[Tri] = None
    sentence = ""
    for st in sents:
        if not st.has(stems):
            continue
        for m in pattern.finditer(st.text):
            neg = st.negated(m.start(), m.end())
            if neg and not negated_is_no:
                continue
            value, sentence = (Tri.no if neg else Tri.yes), st.text
    if value is not None:
        out.fields[fact] = value
        out.ev(fact, value.value, sentence)
    return value


def _home_exercise(sents: list[_Sent], out: _Out) -> None:
    _tri_last(sents, _HEP_I, "home_exercise_program", out, ("home", "hep", "self", "independent"))


_RTW_NO = _gated("hnortu",
    r"\btemporar(?:y|ily)\s(?:total(?:ly)?\s|totally\s)?disab\w*|\btotal(?:ly)?\stemporar\w*\sdisab\w*|\bTTD\b"
    r"|\b(?:not|no\slonger|never)\s(?:currently\s|been\s)?(?:working|employed|at\swork)\b|\bunable\sto\s(?:return\sto\s)?work\b"
    r"|\boff\s(?:of\s)?work\b|\bhas\snot\s(?:yet\s)?returned\sto\s(?:work|duty)|\bremains?\soff\b|\bunemployed\b",
)
_RTW_YES = _gated("abcefhilmoprsuw",
    r"\b(?:worker|patient|applicant|claimant|employee|IW|he|she)\s(?:\w+\s){0,2}?(?:is|was|were|are|been|continues?|continued"
    r"|remains?)\s(?:\w+\s){0,2}?(?:working|employed)\b"
    r"|\breturned\sto\s(?:[\w-]+\s){0,2}?(?:work|duty|duties)\b|\bback\s(?:at|to)\swork\b"
    r"|\b(?:modified|light|full|regular|restricted|part[- ]time|usual|customary)\s(?:duty|duties|work)\b"
    r"|\bworking\s(?:with\srestrictions|modified|full|light|part|regular)\w*|\breleased\sto\s(?:full\s|regular\s|modified\s)?(?:duty|work)"
    r"|\bon\sa\spart[- ]time\sbasis\b|\bcontinued\s(?:to\swork|performing|working)\b",
)
# "... return to full duty", "goal of returning to regular work": the duty named is a goal, not a status
# (but "work status as return to modified work" is a status)
_RTW_GOAL = re.compile(
    r"\b(?:to|goals?|plan\w*|hope\w*|expect\w*|would|could|can|may|might|aim\w*|intend\w*|towards?)\s(?:\w+\s){0,3}?"
    r"return(?:ing)?\s(?:\w+\s)?to\s(?:\w+\s)?$",
    _I,
)
_PART_TIME_HOURS = re.compile(r"\b(\d{1,2}|" + NUM + r")\s(?:hours?|hrs?)\s(?:per|a|each|/)\s?day\b", _I)
_CAPACITY = re.compile(r"\b(?:able|can|could|cleared|may)\s(?:to\s)?return\sto\s(?:\w+\s){0,2}?(?:work|duty)(?:\swith(?:out)?\srestrictions)?", _I)


def _work(sents: list[_Sent], out: _Out) -> None:
    last: Optional[tuple[int, Tri, str, str]] = None  # (position, value, status, sentence)
    capacity: Optional[tuple[str, str]] = None
    for i, st in enumerate(sents):
        text = st.text
        if not st.has(("work", "duty", "duties", "disab", "ttd", "employ")):
            continue
        for m in _RTW_NO.finditer(text):
            if "request" in text[max(0, m.start() - 40): m.start()].lower() or re.search(r"\b(?:to\s)?place\s\w+\s$", text[max(0, m.start() - 20): m.start()], _I):
                continue
            status = "temporary total disability" if re.search(r"disab|TTD", m.group(0), _I) else (
                "off work" if "off" in m.group(0).lower() else "not working")
            last = (i * 10_000 + m.start(), Tri.no, status, text)
        for m in _RTW_YES.finditer(text):
            if st.negated(m.start(), m.end()) or _RTW_NO.search(text[max(0, m.start() - 12): m.end()]):
                continue
            if _RTW_GOAL.search(text[max(0, m.start() - 60): m.start()]):
                continue  # "to allow her to return to full duty": a goal, not where she works
            g = m.group(0).lower()
            if "part" in g:
                hours = _PART_TIME_HOURS.search(text)
                n = to_int(hours.group(1)) if hours else None
                status = f"part-time, {n} hours/day" if n else "part-time"
            elif "modified" in g or "restricted" in g or "restriction" in g:
                status = "modified duty"
            elif re.match(r"\swith\s(?:work\s)?restrictions", text[m.end():m.end() + 30], _I):
                status = "working with restrictions"
            elif "light" in g:
                status = "light duty"
            elif any(w in g for w in ("full", "regular", "usual", "customary")):
                status = "full duty"
            else:
                status = "working"
            pos = i * 10_000 + m.start()
            if last is None or pos >= last[0]:
                last = (pos, Tri.yes, status, text)
        cm = _CAPACITY.search(text) if "return" in st.low else None
        if cm and capacity is None:
            capacity = (cm.group(0).lower(), text)
    if last is not None:
        out.fields["returned_to_work"] = last[1]
        out.fields["work_status"] = last[2]
        out.ev("returned_to_work", last[1].value, last[3])
        out.ev("work_status", last[2], last[3])
    elif capacity is not None:
        phrase = re.sub(r"^(?:can|could|may|cleared)\s(?:to\s)?", "able to ", capacity[0])
        out.fields["work_status"] = phrase
        out.ev("work_status", phrase, capacity[1])


def _medications(sents: list[_Sent], out: _Out) -> None:
    meds: list[str] = []
    seen: set[str] = set()
    for st in sents:
        limit = len(st.text)
        if st.request:
            if not re.search(r"\bmedications?\s(?:\w+\s){0,2}?(?:include|included|includes|listed|regimen)|\bcurrently\staking"
                             r"|\bcurrent\smedications?|\bwas\s(?:taking|using|prescribed)", st.text, _I):
                continue
            r = re.search(r"\brequest|\bRFA\b|\bauthori[sz]|\bdenied|\bnon-?\s?certif|\bmodified", st.text, _I)
            limit = r.start() if r else limit
        for a, b, name in st.drugs:
            if a >= limit:
                continue
            if re.match(r"\s?(?:was|were)\s(?:\w+\s)?(?:denied|requested|non-?certified|modified)", st.text[b:b + 40], _I):
                continue
            key = name.lower().split()[0]
            if key in seen:
                continue
            seen.add(key)
            meds.append(name)
            out.ev("medications", name, st.text)
    out.fields["medications"] = meds


_MED_WORD = r"(?:medications?|meds|opioids?|narcotics?|analgesics?|NSAIDs?|pain\spills|nonsteroidal\santi-inflammatory\s(?:drugs|medications)|oral\smedications?|pain\smedications?)"
_MED_REDUCED = re.compile(
    r"\b(?:reduc\w*|decreas\w*|lower\w*|less|taper\w*|wean\w*|discontinu\w*|stop\w*|cut\sback|eliminat\w*)\s(?:in\s|of\s|on\s|the\s|his\s|her\s|use\sof\s|taking\s){0,3}(?:\w+\s)?" + _MED_WORD + r"|\b" + _MED_WORD + r"\s(?:use\s)?(?:was|were|has\sbeen|have\sbeen)\s(?:\w+\s)?(?:reduced|decreased|tapered|discontinued|stopped)",
    _I,
)
_MED_NOT_TOLERATED = re.compile(
    r"\b(?:not|unable\sto|could\snot|cannot|can't|failed\sto)\s(?:\w+\s)?tolerat\w*\s(?:\w+\s){0,2}?" + _MED_WORD +
    r"|\bintoleran\w*\s(?:to|of)\s(?:\w+\s){0,2}?(?:" + _MED_WORD + r"|[A-Z]\w+)"
    r"|\b" + _MED_WORD + r"\s(?:\w+\s){0,3}?(?:caus\w*|result\w*\sin)\s(?:\w+\s){0,2}?(?:upset|side\seffects|nausea|GI|gastrointestinal|dyspepsia|gastritis|drowsiness|sedation)"
    r"|\bside\seffects\s(?:from|with|of|to)\s(?:\w+\s)?" + _MED_WORD,
    _I,
)
_MED_STEMS = ("medication", "meds", "opioid", "narcotic", "analgesic", "nsaid", "pill", "anti-inflammatory")
_REDUCE_STEMS = ("reduc", "decreas", "lower", "less", "taper", "wean", "discontinu", "stop", "cut back", "eliminat")
_MED_TOLERATED = re.compile(r"\b(?:tolerating|tolerates|tolerated|able\sto\stolerate)\s(?:\w+\s){0,2}?" + _MED_WORD, _I)


_DRUG_NOT_TOLERATED_BEFORE = re.compile(
    r"\b(?:not|unable\sto|could\snot|cannot|can't|failed\sto)\s(?:\w+\s)?tolerat\w*\s(?:\w+\s){0,2}?$"
    r"|\bintoleran\w*\s(?:to|of)\s(?:\w+\s){0,2}?$|\bside\seffects\s(?:from|with|of|to)\s(?:\w+\s)?$",
    _I,
)
_DRUG_NOT_TOLERATED_AFTER = re.compile(
    r"^[\s\d.,]{0,12}(?:mg\s)?(?:\w+\s){0,3}?(?:caus\w*|result\w*\sin|gave\s(?:him|her))\s(?:\w+\s){0,2}?(?:upset|side\seffects"
    r"|nausea|GI|gastrointestinal|dyspepsia|gastritis|drowsiness|sedation|dizziness|constipation|rash)"
    r"|^[\s\d.,]{0,12}(?:mg\s)?(?:was|were|has\sbeen|had\sbeen)\s(?:\w+\s)?(?:discontinued|stopped|tapered|reduced|decreased)\b",
    _I,
)
_DRUG_FLAG_STEMS = ("toler", "side effect", "caus", "result", "discontinu", "stopped", "tapered", "reduced", "decreased",
                    "gave")


def _drug_not_tolerated(st: _Sent) -> bool:
    """A named drug not tolerated, causing side effects, or stopped/reduced: "Ibuprofen caused gastritis"."""
    if not st.has(_DRUG_FLAG_STEMS):
        return False
    for a, b, _name in st.drugs:
        if _DRUG_NOT_TOLERATED_BEFORE.search(st.text[max(0, a - 50): a]):
            return True  # the "not" of "unable to tolerate X" is the intolerance itself
        if _DRUG_NOT_TOLERATED_AFTER.match(st.text[b: b + 80]) and not st.negated(a, b):
            return True  # "X caused gastritis", but not "denies that X caused gastritis"
    return False


def _medication_flag(sents: list[_Sent], out: _Out) -> None:
    value: Optional[tuple[Tri, str]] = None
    for st in sents:
        if _drug_not_tolerated(st):
            value = (Tri.yes, st.text)
            break
        if not (st.has(("toler", "side effect")) or (st.has(_MED_STEMS) and st.has(_REDUCE_STEMS))):
            continue
        for m in _MED_NOT_TOLERATED.finditer(st.text):
            value = (Tri.yes, st.text)
        for m in _MED_REDUCED.finditer(st.text):
            if _HYPOTHETICAL.search(st.text[max(0, m.start() - 30): m.start()]) and not re.search(r"recommend", st.text, _I):
                continue
            if st.negated(m.start(), m.end()):
                if value is None:
                    value = (Tri.no, st.text)
            else:
                value = (Tri.yes, st.text)
        if value is None or value[0] is not Tri.yes:
            for m in _MED_TOLERATED.finditer(st.text):
                if not st.negated(m.start(), m.end()) and not re.search(r"\bnot\s$", st.text[max(0, m.start() - 5): m.start()]):
                    value = (Tri.no, st.text)
        if value and value[0] is Tri.yes:
            break
    if value:
        out.fields["medication_reduced_or_not_tolerated"] = value[0]
        out.ev("medication_reduced_or_not_tolerated", value[0].value, value[1])


_ADJUNCT = re.compile(
    r"\b(?:adjunct|in\sconjunction|in\scombination|combined|along|together|concurrent\w*|alongside|in\saddition)\s(?:\w+\s){0,2}?"
    r"(?:with|to)\s(?:\w+\s){0,3}?(?:exercises?|rehab\w*|active\stherap\w*|physical\stherapy|therapeutic\sexercise|home\sexercise"
    r"|HEP|functional\srestoration|work\sconditioning|strengthening)"
    r"|\b(?:active|therapeutic|strengthening|stretching)\s(?:exercises?|therapy|rehab\w*)(?:\s(?:program|regimen))?"
    r"|\bexercise\s(?:program|regimen)"
    r"|" + _HEP_I.pattern,
    _I,
)


def _adjunct(sents: list[_Sent], out: _Out) -> None:
    _tri_last(sents, _ADJUNCT, "adjunct_to_exercise", out, (
        "adjunct", "conjunction", "combination", "combined", "along", "together", "concurren", "in addition", "active",
        "therapeutic", "strengthening", "stretching", "exercise", "home", "hep", "self", "independent"))


_FLARE = _gated("aefnrs",
    r"\bflare[- ]?ups?\b|\bflared\b|\bexacerbations?\b|\brecurrences?\b|\bre-?injur\w*|\bnew\s(?:work\s)?injur\w*"
    r"|\bacute\son\schronic\b|\bre-?aggravat\w*|\bsubsequent\sinjury\b|\bacute\sflare\b",
)


def _flare(sents: list[_Sent], out: _Out) -> None:
    _tri_last(sents, _FLARE, "flare_up", out, ("flare", "exacerbation", "recurrence", "injur", "aggravat", "acute on"))


_NO_INDICATION = re.compile(
    r"\b(?:did|does|do)\snot\s(?:\w+\s){0,1}?(?:indicate|include|state|provide|specify|document|outline|describe|identify|discuss)\s"
    r"(?:\w+\s){0,3}?(?:reasons?|rationale|goals?|indications?|purpose|objectives?)"
    r"|\bfailed\sto\s(?:indicate|include|state|provide|specify|document|outline|describe|identify)\s(?:\w+\s){0,3}?"
    r"(?:reasons?|rationale|goals?|indications?|purpose|objectives?)"
    r"|\bno\s(?:clear\s|specific\s|documented\s|stated\s)?(?:rationale|reason|indication|goals?|treatment\sgoals)\s(?:\w+\s){0,2}?(?:for|was|were|provided|given|of|to)\b"
    r"|\b(?:rationale|reason|indication|goals?)\s(?:\w+\s){0,4}?(?:was|were)\snot\s(?:\w+\s)?(?:provided|documented|given|specified|stated|indicated)",
    _I,
)
_INDICATION_YES = re.compile(
    r"\b(?:goals?\s(?:of|is|are|were|was|include)|in\sorder\sto|to\s(?:improve|increase|restore|decrease|reduce|strengthen|regain"
    r"|address|maximize)|for\s(?:strengthening|range\sof\smotion|conditioning))\b",
    _I,
)


def _indication(sents: list[_Sent], out: _Out) -> None:
    value: Optional[tuple[Tri, str]] = None
    for st in sents:
        pm = bool(st.mentions) or ("therapy" in st.low and bool(generic_therapy(st.text, st.mentions)))
        if not pm:
            continue
        if _NO_INDICATION.search(st.text):
            value = (Tri.no, st.text)
            break
        if value is None and (st.request or re.search(r"\bplan\b|\brecommend", st.text, _I)):
            m = _INDICATION_YES.search(st.text)
            if m and any(mt.end <= m.start() for mt in st.mentions) and not st.negated(m.start(), m.end()):
                value = (Tri.yes, st.text)
    if value:
        out.fields["indication_documented"] = value[0]
        out.ev("indication_documented", value[0].value, value[1])


# =============================================================== request / UR dates, UR authorization

_RFA_CUE = _gated("acdiprst",
    r"\brequests?\sfor\sauthori[sz]ation|\bRFA\b|\bauthori[sz]ation\srequest|\brequest\s(?:was|were)\s(?:made|received|submitted|signed|dated)"
    r"|\brequested\sauthori[sz]ation|\b(?:physician|provider|doctor|clinician|surgeon|chiropractor)\s(?:\w+\s)?(?:requested|ordered)"
    r"|\bincluded\sa\srequest\b|\brequest\s(?:form\s)?(?:dated|received|signed)|\bthe\srequest\swas\sreceived",
)
_UR_CUE = _gated("cdoprtuw",
    r"\butilization\sreview|\b(?-i:UR)\b|\b(?:prior|previous|original)\s(?:determination|review|denial)|\bpreviously\s(?:been\s)?(?:non-?\s?certified"
    r"|denied|reviewed|modified|deemed)|\bclaims\sadministrator\s(?:\w+\s)?(?:failed\sto\sapprove|denied|modified|partially\sapproved"
    r"|approved|certified)|\b(?:was|were)\s(?:denied|non-?\s?certified|modified)\son\b|\bdecision\sdate|\bdenial\swas\smade"
    r"|\b(?:treatment|request|case)\swas\s(?:previously\s)?(?:denied|non-?\s?certified)",
)


_UR_STEMS = ("utilization", "ur", "prior", "previous", "original", "administrator", "denied", "certified", "decision",
             "denial", "modified")
_RFA_STEMS = ("request", "rfa", "authoriz", "authoris", "ordered")


def _cued_dates(sents: list[_Sent], cue: re.Pattern, stems: tuple[str, ...]) -> list[tuple[dt.date, _Sent]]:
    found = []
    for st in sents:
        if not st.has(stems) or not st.dates:
            continue
        for c in cue.finditer(st.text):
            if re.search(r"\bno\s$", st.text[max(0, c.start() - 4):c.start()], _I) or re.match(
                r"\s(?:was|were|is|are)\snot\b|\s(?:was|were|is)\s(?:unavailable|missing)", st.text[c.end():c.end() + 20], _I
            ):
                continue
            after = [d for d in st.dates if 0 <= d.start - c.end() <= 40]
            if after:
                best = after[0]
            else:
                best = min(st.dates, key=lambda d: min(abs(d.start - c.end()), abs(c.start() - d.end)))
            found.append((best.date, st))
    return found


def _dates(sents: list[_Sent], out: _Out) -> None:
    # The latest date of the record: the request cannot be older than the notes it rests on,
    # so it stands in for the request date where the summary names neither request nor UR.
    today = dt.date.today()
    dated = [(h.date, st) for st in sents for h in st.dates if h.date <= today]
    if dated:
        latest = max(dated, key=lambda d: d[0])
        out.fields["latest_date"] = latest[0]
        out.ev("latest_date", latest[0].isoformat(), latest[1].text)
    urs = _cued_dates(sents, _UR_CUE, _UR_STEMS)
    ur: Optional[tuple[dt.date, _Sent]] = None
    if urs:
        pm = [u for u in urs if u[1].mentions]
        ur = (pm or urs)[0]
        out.fields["ur_date"] = ur[0]
        out.ev("ur_date", ur[0].isoformat(), ur[1].text)
    rfas = _cued_dates(sents, _RFA_CUE, _RFA_STEMS)
    if ur is not None:
        rfas = [r for r in rfas if not (r[0] == ur[0] and _UR_CUE.search(r[1].text) and not _RFA_CUE.search(r[1].text))]
    if rfas:
        pm = [r for r in rfas if r[1].mentions or generic_therapy(r[1].text, r[1].mentions)]
        pool = pm or rfas
        if ur is not None:
            before = [r for r in pool if r[0] <= ur[0]]
            pool = before or pool
        best = max(pool, key=lambda r: r[0])
        out.fields["request_date"] = best[0]
        out.ev("request_date", best[0].isoformat(), best[1].text)


_UR_AUTH_TO = re.compile(
    r"(?:\b(?:modified|modifying|reduced|amended)\b[^.;]{0,90}?\bto\s|\bmodification\s(?:for|to)\s)"
    r"(?:allow\s(?:for\s)?|an?\s|the\s|initial\s|trial\s|of\s|only\s|certify\s|approve\s)*"
    r"#?(?P<n>" + NUM + r")\s(?:(?:additional|initial|more|total)\s)?(?P<tail>[^.;]{0,50})",
    _I,
)
_UR_AUTH_ACCOM = re.compile(
    r"\b(?:accommodating|certif(?:ied|ying)|approv(?:ed|ing)|authoriz(?:ed|ing)|allow(?:ed|ing)?)\b(?P<mid>[^.;]{0,60}?)"
    r"(?<![\w#])(?P<n>" + NUM + r")\s(?:(?:additional|initial|more|total)\s)?(?P<tail>[^.;]{0,50})",
    _I,
)
_UR_AUTH_WAS = re.compile(
    r"\b(?:sessions?|visits?|treatments?)\)?\s(?:was|were|has\sbeen|have\sbeen)\s(?:authorized|certified|approved)\b", _I
)
_UR_AUTH_WAS_N = re.compile(r"(?<![\w#])(?P<n>" + NUM + r")\s(?:[\w-]+\s){0,3}?$", _I)
_SESSIONS_SOON = re.compile(r"^(?:[\w/-]+\s){0,4}?(?:sessions?|visits?|treatments?)\b|^(?:[\w/-]+\s){0,1}?(?:physical|chiro|acupunct|massage|aqua|PT\b)", _I)


def _ur_authorized(sents: list[_Sent], out: _Out) -> None:
    auth: dict[Family, int] = {}

    def family_near(st: _Sent, pos: int, tail_end: int) -> Optional[Family]:
        ments = [m for m in st.mentions if m.family is not Family.other]
        if not ments:
            if generic_therapy(st.text, []):
                return Family.physical_therapy
            return None
        # the mention in the tail, else the closest before
        tail = [m for m in ments if pos <= m.start <= tail_end]
        if tail:
            return tail[0].family
        before = [m for m in ments if m.end <= pos]
        return (before[-1] if before else ments[0]).family

    for st in sents:
        if not st.has(("modif", "authoriz", "accommodat", "approv", "certif", "allow")):
            continue
        hits: list[tuple[int, int, int]] = []  # (n, position, tail_end)
        for m in _UR_AUTH_TO.finditer(st.text):
            if _SESSIONS_SOON.match(m.group("tail")):
                hits.append((to_int(m.group("n")) or 0, m.start("n"), m.end("tail")))
        for m in _UR_AUTH_ACCOM.finditer(st.text):
            if re.search(r"\bnon-?\s?$", st.text[max(0, m.start() - 5): m.start()], _I):
                continue
            if re.search(r"\b(?:original|remaining|requested|request)\b", m.group("mid"), _I):
                continue
            if _SESSIONS_SOON.match(m.group("tail")):
                hits.append((to_int(m.group("n")) or 0, m.start("n"), m.end("tail")))
        for m in _UR_AUTH_WAS.finditer(st.text):
            head = st.text[max(0, m.start() - 60): m.start()]
            n = _UR_AUTH_WAS_N.search(head)
            if not n or re.search(r"\b(?:original|remaining)\b", head[max(0, n.start() - 30):], _I):
                continue
            pos = m.start() - len(head) + n.start("n")
            hits.append((to_int(n.group("n")) or 0, pos, m.end()))
        for n, pos, tail_end in hits:
            if not (0 < n <= 100):
                continue
            fam = family_near(st, pos, tail_end)
            if fam is None or fam is Family.other or fam in auth:
                continue
            auth[fam] = n
            out.ev(f"ur_authorized.{fam.value}", n, st.text)
    out.fields["ur_authorized"] = auth


# =============================================================== entry point

def extract_facts(summary: str) -> CaseFacts:
    """The clinical facts of a case summary, each with its sentence. Never raises."""
    try:
        text, breaks = normalize_paragraphs(summary)
        m = _BOILERPLATE.match(text)
        if m:
            text = text[m.end():]
            breaks = [b - m.end() for b in breaks if b > m.end()]
        sents = [_Sent(s) for s in sentences(text, breaks)]
    except Exception as e:  # pragma: no cover - defensive
        return CaseFacts(problems=[_problem("sentences", e)])
    out = _Out()
    ctx: dict = {"courses": {}}
    steps: list[tuple[str, Callable[[], None]]] = [
        ("demographics", lambda: _demographics(sents, out)),
        ("injury_date", lambda: _injury_date(sents, out)),
        ("diagnoses", lambda: _diagnoses(sents, out)),
        ("regions", lambda: _regions(sents, out)),
        ("surgeries", lambda: _surgeries(sents, out)),
        ("prior", lambda: _prior(sents, out, ctx)),
        ("functional_improvement", lambda: _functional_improvement(sents, out, ctx)),
        ("emit_prior", lambda: _emit_prior(out, ctx)),
        ("home_exercise", lambda: _home_exercise(sents, out)),
        ("work", lambda: _work(sents, out)),
        ("medications", lambda: _medications(sents, out)),
        ("medication_flag", lambda: _medication_flag(sents, out)),
        ("adjunct", lambda: _adjunct(sents, out)),
        ("flare", lambda: _flare(sents, out)),
        ("indication", lambda: _indication(sents, out)),
        ("dates", lambda: _dates(sents, out)),
        ("ur_authorized", lambda: _ur_authorized(sents, out)),
    ]
    problems: list[str] = []
    for name, step in steps:
        n_ev = len(out.evidence)
        try:
            step()
        except Exception as e:  # one extractor's surprise must not lose the others
            problems.append(_problem(name, e))
            del out.evidence[n_ev:]
    try:
        return CaseFacts(**out.fields, evidence=out.evidence, problems=problems)
    except ValidationError as e:  # pragma: no cover - defensive: keep the fields that validate
        bad = {str(err["loc"][0]) for err in e.errors() if err["loc"]}
        problems.append(_problem("validation", e))
        good = {k: v for k, v in out.fields.items() if k not in bad}
        evidence = [ev for ev in out.evidence if ev.fact.split(".")[0] not in bad]
        return CaseFacts(**good, evidence=evidence, problems=problems)


def _problem(step: str, error: Exception) -> str:
    return " ".join(f"{step}: {type(error).__name__}: {error}".split())[:300]
