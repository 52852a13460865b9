"""Surgeries: the procedure, its date when one follows, and whether it is only planned."""
from __future__ import annotations

import datetime as dt
import re
from typing import Optional

from checker.regex_gate import Folded
from checker.request.model import Surgery

from .sentences import Out, Sent
from .stems import holding, stems
from .text import find_dates


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
_SURGERY = Folded(re.compile(
    r"(?P<proc>(?:\b(?!" + _SURG_STOPWORD + r"\b)[A-Za-z][\w/-]*\s){0,4}?\b" + _SURG_HEAD + r"\b(?!\ssyndrome|\scandidate)"
    # the operated part ("of the right ankle", "on the left knee"), never a date ("on 11/02/2017")
    r"(?:\s(?:of|to|on)\s(?:the\s)?(?:(?!on\b|in\b|dated\b|\d)[\w/-]+\s){0,3}?(?!on\b|in\b|dated\b|\d)[\w/-]+"
    r"(?=\s(?:on|in|dated)\s|\s?[(,;.]|$))?)",
    re.I,
))
_SURG_STEMS = stems(
    "surg", "replace", "plasty", "fusion", "ectomy", "otomy", "open reduction", "arthroscop", "repair", "reconstruct",
    "excision", "release", "decompress", "amputat", "fixation", "exploration", "transposition", "tenodesis",
    "resection", "implant", "kyphopl", "vertebropl", "operation", "desis", "debridement", "orif",
)
_SURG_PLAN = re.compile(
    r"\b(?:plan\w*|recommend\w*|request\w*|scheduled|pending|awaiting|candidate|consult\w*|consider\w*|will|would"
    r"|authorization|referr\w*|proposed|needs?|indicated)\b",
    re.I,
)
_NOT_SURGERY = re.compile(
    r"surgical\shistory|history\s(?:was|were)\snon|release(?:d)?\sto|hormone\sreplacement|fluid\sreplacement"
    r"|joint\sreplacement\scandidate|\bno\s(?:relevant\s)?surg|nerve\sdecompression\stest|pain\srelease",
    re.I,
)
# the words the steps below look for around a procedure (compiled once: a first letter pays no compile)
_UNDERWENT = re.compile(r"\bunderwent\b", re.I)
_GENERIC_PROC = re.compile(r"(?:surgical\s)?(?:repair|release|exploration|fixation|operation)", re.I)
_DATE_LEAD = re.compile(r"\s?(?:\(|,?\s(?:on|in|dated|performed\son|done\son|performed\sin)\s)", re.I)
_CLAUSE_END = re.compile(r"[;.]\s")
_DATE_PREP = re.compile(r"\b(?:on|in|dated)\s$", re.I)
_LEAD_ON = re.compile(r"(?:On|In)\s")
_UNDERWENT_HAD = re.compile(r"\b(?:underwent|had)\b", re.I)
_PLANNED = re.compile(r"\b(?:plan|planned|scheduled)\b", re.I)
_DONE = re.compile(r"\b(?:underwent|status\spost|s/p|since|after|post-?operative|had\s(?:an?\s)?)", re.I)
_NOT_YET = re.compile(r"\bconsideration\sof\b|\bbefore\b|\bcandidate\b", re.I)
_LONG_WORD = re.compile(r"[a-z]{4,}")


def surgeries(sents: list[Sent], out: Out) -> None:
    found: list[tuple[Surgery, str]] = []
    for st in holding(sents, _SURG_STEMS):  # "ORIF" holds the stem "orif"
        if _NOT_SURGERY.search(st.text) and not _UNDERWENT.search(st.text):
            continue
        for m in _SURGERY.finditer(st.text):
            proc = m.group("proc").strip(" ,;.(")
            if not proc or _GENERIC_PROC.fullmatch(proc):
                continue
            if st.negated(m.start(), m.end()):
                continue
            # a date right after: "(10-22-2016)", "on 10-20-2016", "in 2010", "dated ..."
            tail = st.text[m.end(): m.end() + 80]
            date: Optional[dt.date] = None
            dm = _DATE_LEAD.match(tail)
            if dm:
                hits = find_dates(tail, coarse=True)
                if hits and hits[0].start <= dm.end() + 2:
                    date = hits[0].date
            if date is None:
                clause = _CLAUSE_END.split(tail, maxsplit=1)[0]
                for h in find_dates(clause, coarse=True):
                    if _DATE_PREP.search(clause[max(0, h.start - 8):h.start]):
                        date = h.date
                        break
            if date is None:  # "On 10-20-2016 he underwent ORIF ...": the date leads the sentence
                lead = st.text[: m.start()]
                if len(lead) < 80 and _LEAD_ON.match(lead) and _UNDERWENT_HAD.search(lead):
                    hits = find_dates(lead[:40], coarse=True)
                    if hits:
                        date = hits[0].date
            planned = False
            before = st.text[max(0, m.start() - 70): m.start()]
            if date is None and (_SURG_PLAN.search(before) or _PLANNED.search(st.text[: m.start()])):
                if not _DONE.search(before):
                    planned = True
            if _NOT_YET.search(before[-40:]) and not date:
                continue  # "before consideration of surgical intervention": not planned yet
            found.append((Surgery(procedure=proc, date=date, planned=planned), st.text))
    # de-duplicate: same date, or an undated mention of a procedure already listed
    kept: list[tuple[Surgery, str]] = []
    for s, sent in found:
        dup = False
        for i, (k, _) in enumerate(kept):
            same_words = bool(set(_LONG_WORD.findall(s.procedure.lower())) & set(_LONG_WORD.findall(k.procedure.lower())))
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
