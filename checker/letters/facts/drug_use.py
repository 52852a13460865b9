"""The drugs the patient takes, took or starts, with since when or how long (FACTS-beyond-physmed 14).

1. A drug is a name of rules/vocab/drug_classes.yaml (checker.kinds.medications.mentions), not one
   only requested: a name after the request words of a sentence about the request or its review
   ("A request was made for Tramadol 50mg", "the request for Valium was denied") is left out,
   unless the sentence lists the current medications; a negated mention says nothing.
2. Its status comes from the nearest status words before it in its clause (rules/vocab/
   clinical_medications.yaml: status_current, status_past, status_stopped, status_new), or just
   after it ("Percocet was stopped"); a name in a sentence telling the history of treatment with
   no such words is one taken before. A plan naming the drug ("the treatment plan included
   tramadol") says neither: it may be new or continued.
3. Since: a date after "since", "started (on)" or "began" near the name, or "since <year>"; how long:
   "for (the past) 3 months", "3 months of Norco". A date or duration the summary gives for the
   drug's class only ("on opioids since 2015") is not read.
4. One record per drug (by its generic ingredients): taken before wins over new; the earliest start
   date and the longest duration are kept.
"""
from __future__ import annotations

import datetime as dt
import re
from typing import Optional

from checker.kb.data import vocabulary
from checker.regex_gate import Folded
from checker.request.clinical import WEEKS_PER_MONTH, DrugStatus
from checker.vocab import Tri

from .cues import TermFile
from .sentences import Out, Sent
from .stems import holding, later
from .term_context import clause, hits
from .text import NUM, to_int

VOCAB = vocabulary("clinical_medications", TermFile)
STATUS = VOCAB.matcher(["status_current", "status_past", "status_stopped", "status_new"])
STATUS_REACH = VOCAB.parameters["status_reach"]
AFTER_REACH = VOCAB.parameters["after_reach"]
# the request and its review: a drug named after these words is the one requested
_REQUEST = Folded(re.compile(r"\brequest\w*|\bRFA\b|\bauthori[sz]\w*|\bdenied\b|\bdenial\b|\brationale\b"
                             r"|\bnon-?\s?certif\w*|\bmodified\b|\butilization\sreview\b|\bUR\b", re.I))
_LISTS_CURRENT = re.compile(r"\bcurrent(?:ly)?\s(?:\w+\s){0,2}?(?:medications?|taking|regimen)\b|\bwas\s(?:taking|using|"
                            r"prescribed)\b|\bmedications?\s(?:\w+\s){0,2}?(?:include|included|includes|consisted)\b", re.I)
# "Ibuprofen 600mg #90 with 2 refills was the original request", "Valium (5 mg) was denied": the request's drug
_AFTER_REQUESTED = re.compile(r"[^.;]{0,60}?\b(?:was|were|is|are|had\sbeen|has\sbeen|have\sbeen)\s(?:\w+\s){0,2}?"
                              r"(?:denied|requested|non-?certified|modified|authori[sz]ed|certified|approved|"
                              r"(?:the\s)?(?:original|remaining)\s(?:\w+\s)?(?:request|portion))\b", re.I)
# grammar of start dates and durations, not vocabulary
_SINCE_BEFORE = re.compile(r"\b(?:since|started|starting|began|begun|beginning|initiated)\s(?:\w+\s){0,3}?(?:on\s|in\s)?$",
                           re.I)
_SINCE_YEAR = re.compile(r"\bsince\s((?:19|20)\d\d)\b", re.I)
_FOR_DURATION = re.compile(r"\bfor\s(?:the\s)?(?:past\s|last\s|previous\s|approximately\s|about\s|over\s)?(" + NUM
                           + r")\s(days?|weeks?|months?|years?)\b", re.I)
_DURATION_OF = re.compile(r"\b(" + NUM + r")\s(days?|weeks?|months?|years?)\sof\s$", re.I)
_PLAN = re.compile(r"\b(?:treatment\splan|plan\sof\scare|plan\s(?:included|includes|consisted)|recommend\w*|prescribed)\b",
                   re.I)
_WEEKS_PER = {"day": 1 / 7, "week": 1.0, "month": WEEKS_PER_MONTH, "year": 52.18}
_STATUS_OF = {"status_current": DrugStatus.current, "status_past": DrugStatus.past,
              "status_stopped": DrugStatus.past, "status_new": DrugStatus.new}


def _first_words() -> tuple[str, ...]:
    from checker.kinds.medications.mentions import first_words

    return first_words()


_NAME_STEMS = later(_first_words)  # the first words of the drug names; the drug table loads on first use


def sentence_drugs(sents: list[Sent], ctx: dict) -> dict[int, list]:
    """The drug mentions of each sentence (id -> mentions), found once and shared by the medication steps."""
    found = ctx.get("drug_mentions")
    if found is None:
        from checker.kinds.medications.mentions import drug_mentions

        found = ctx["drug_mentions"] = {}
        for st in holding(sents, _NAME_STEMS()):  # the others hold no name's first word: no drug (most sentences)
            mentions = drug_mentions(st.text)
            if mentions:
                found[id(st)] = mentions
    return found


_REVIEW_CUE = re.compile(r"\b(?:indication|evidence|support|rationale)\b", re.I)


def silent(hit) -> bool:
    """The record is silent rather than saying no: the negation's own words say so ("no documentation of"),
    or it is a reviewer's "no indication / no evidence that ..." (medication facts are about the record's
    documentation, not an examination's findings)."""
    return hit.silent or (hit.cue is not None and hit.cue.kind == "evidential" and bool(_REVIEW_CUE.search(hit.cue.text)))


def stated_terms(sents: list[Sent], matcher) -> dict[str, tuple[Tri, str]]:
    """What the record states of each term of `matcher` about the patient now (not silence, not a
    hypothetical, not the request itself), with the sentence that says it; a "yes" wins over a "no"."""
    found: dict[str, tuple[Tri, str]] = {}
    for hit in hits(sents, matcher):
        if silent(hit) or hit.hypothetical() or about_request(hit.st, hit.start):
            continue
        name = hit.term.name[0]
        value = Tri.no if hit.negated else Tri.yes
        if name not in found or value is Tri.yes and found[name][0] is Tri.no:
            found[name] = (value, hit.st.text)
    return found


def own_negation(hit) -> bool:
    """The term's own words hold the negation ("does not help"): the term is not negated."""
    return hit.cue is not None and hit.start <= hit.cue.start < hit.end


def about_request(st: Sent, start: int) -> bool:
    """A mention at ``start`` names what is requested (policy 1): it follows the request words of a
    sentence about the request or its review, outside a list of the current medications."""
    first = _REQUEST.search(st.text)
    if first is None or start < first.start():
        return False
    for cue in _LISTS_CURRENT.finditer(st.text):
        if cue.end() <= start:
            nxt = _REQUEST.search(st.text, cue.end())
            if nxt is None or start < nxt.start():
                return False
    return True


def drug_use(sents: list[Sent], out: Out, ctx: dict) -> None:
    mentions = sentence_drugs(sents, ctx)
    records: dict[tuple, dict] = ctx.setdefault("medications", {}).setdefault("drugs", {})
    by_id = {id(st): st for st in sents}
    status_hits: dict[int, list] = {}
    for hit in hits((by_id[i] for i in mentions), STATUS):
        if not hit.silent and not hit.negated and not hit.hypothetical():
            status_hits.setdefault(id(hit.st), []).append(hit)
    for sid, found in mentions.items():
        st = by_id[sid]
        for m in found:
            if not m.generics or about_request(st, m.start) or _AFTER_REQUESTED.match(st.text, m.end) \
                    or st.negated(m.start, m.end):
                continue
            status = _status(st, m, status_hits.get(sid, []))
            since = _since(st, m)
            weeks = _weeks(st, m)
            told = status is not DrugStatus.not_stated or since is not None or weeks is not None
            record = records.get(m.generics)
            if record is None:
                records[m.generics] = {"drug": m.name, "status": status, "since": since, "weeks": weeks,
                                       "sentence": st.text, "told": told}
                continue
            record["status"] = _merge(record["status"], status)
            if since and (record["since"] is None or since < record["since"]):
                record["since"] = since
            if weeks and (record["weeks"] is None or weeks > record["weeks"]):
                record["weeks"] = weeks
            if told and not record["told"]:
                record["sentence"], record["told"] = st.text, True


def _merge(a: DrugStatus, b: DrugStatus) -> DrugStatus:
    """Taken before (current, past) wins over new; current over past; any over not stated."""
    order = [DrugStatus.current, DrugStatus.past, DrugStatus.new, DrugStatus.not_stated]
    return min(a, b, key=order.index)


def _status(st: Sent, m, found: list) -> DrugStatus:
    a, b = clause(st.text, m.start, m.end)
    before = [h for h in found if a <= h.start and h.end <= m.start and m.start - h.end <= STATUS_REACH]
    after = [h for h in found if h.start >= m.end and h.end <= b and h.start - m.end <= AFTER_REACH
             and h.term.name[0] in ("status_stopped", "status_current")]
    if after and after[0].term.name[0] == "status_stopped":
        return DrugStatus.past
    if before:
        return _STATUS_OF[before[-1].term.name[0]]
    if after:
        return _STATUS_OF[after[0].term.name[0]]
    if st.hist and not _PLAN.search(st.text[a:m.start]):
        return DrugStatus.past
    return DrugStatus.not_stated


def _since(st: Sent, m) -> Optional[dt.date]:
    a, b = clause(st.text, m.start, m.end)
    for d in st.dates:
        near = (m.end <= d.start <= m.end + AFTER_REACH) or (a <= d.start < m.start and m.start - d.end <= AFTER_REACH)
        if near and d.start >= a and d.end <= b and _SINCE_BEFORE.search(st.text[max(a, d.start - 40):d.start]):
            return d.date
    y = _SINCE_YEAR.search(st.text, m.end, min(b, m.end + AFTER_REACH))
    if y:
        return dt.date(int(y[1]), 1, 1)
    return None


def _weeks(st: Sent, m) -> Optional[float]:
    a, b = clause(st.text, m.start, m.end)
    f = _FOR_DURATION.search(st.text, m.end, min(b, m.end + AFTER_REACH))
    g = None if f else _DURATION_OF.search(st.text[max(a, m.start - 30):m.start])
    hit = f or g
    if hit is None:
        return None
    n = to_int(hit[1])
    unit = hit[2].lower().rstrip("s")
    if not n:
        return None
    weeks = n * _WEEKS_PER[unit]
    return round(weeks, 4) if 0 < weeks <= 1040 else None
