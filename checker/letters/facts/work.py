"""Work status: working (full, modified, light, part-time duty) or not (off work, TTD); the last one stated wins.

A return to work named as a goal ("to allow her to return to full duty") is not a status;
"able to return to work" is kept as the status only when nothing else is said.
"""
from __future__ import annotations

import re
from typing import Optional

from checker.regex_gate import Folded
from checker.vocab import Tri

from .sentences import Out, Sent, gated
from .stems import stems
from .text import NUM, to_int


_RTW_NO = Folded(gated("hnortu",
    r"\btemporar(?:y|ily)\s(?:total(?:ly)?\s|totally\s)?disab\w*|\btotal(?:ly)?\stemporar\w*\sdisab\w*|\bTTD\b"
    r"|\b(?:not|no\slonger|never)\s(?:currently\s|been\s)?(?:working|employed|at\swork)\b|\bunable\sto\s(?:return\sto\s)?work\b"
    r"|\boff\s(?:of\s)?work\b|\bhas\snot\s(?:yet\s)?returned\sto\s(?:work|duty)|\bremains?\soff\b|\bunemployed\b",
))
_RTW_YES = Folded(gated("abcefhilmoprsuw",
    r"\b(?:worker|patient|applicant|claimant|employee|IW|he|she)\s(?:\w+\s){0,2}?(?:is|was|were|are|been|continues?|continued"
    r"|remains?)\s(?:\w+\s){0,2}?(?:working|employed)\b"
    r"|\breturned\sto\s(?:[\w-]+\s){0,2}?(?:work|duty|duties)\b|\bback\s(?:at|to)\swork\b"
    r"|\b(?:modified|light|full|regular|restricted|part[- ]time|usual|customary)\s(?:duty|duties|work)\b"
    r"|\bworking\s(?:with\srestrictions|modified|full|light|part|regular)\w*|\breleased\sto\s(?:full\s|regular\s|modified\s)?(?:duty|work)"
    r"|\bon\sa\spart[- ]time\sbasis\b|\bcontinued\s(?:to\swork|performing|working)\b",
))
# "... return to full duty", "goal of returning to regular work": the duty named is a goal, not a status
# (but "work status as return to modified work" is a status)
_RTW_GOAL = re.compile(
    r"\b(?:to|goals?|plan\w*|hope\w*|expect\w*|would|could|can|may|might|aim\w*|intend\w*|towards?)\s(?:\w+\s){0,3}?"
    r"return(?:ing)?\s(?:\w+\s)?to\s(?:\w+\s)?$",
    re.I,
)
_PART_TIME_HOURS = re.compile(r"\b(\d{1,2}|" + NUM + r")\s(?:hours?|hrs?)\s(?:per|a|each|/)\s?day\b", re.I)
_CAPACITY = re.compile(r"\b(?:able|can|could|cleared|may)\s(?:to\s)?return\sto\s(?:\w+\s){0,2}?(?:work|duty)(?:\swith(?:out)?\srestrictions)?", re.I)
_PLACE = re.compile(r"\b(?:to\s)?place\s\w+\s$", re.I)  # "to place him on TTD": a plan
_DISABILITY = re.compile(r"disab|TTD", re.I)
_WITH_RESTRICTIONS = re.compile(r"\swith\s(?:work\s)?restrictions", re.I)
_CAPACITY_VERB = re.compile(r"^(?:can|could|may|cleared)\s(?:to\s)?")
_WORK_STEMS = stems("work", "duty", "duties", "disab", "ttd", "employ")


def work(sents: list[Sent], out: Out) -> None:
    last: Optional[tuple[int, Tri, str, str]] = None  # (position, value, status, sentence)
    capacity: Optional[tuple[str, str]] = None
    for i, st in enumerate(sents):
        text = st.text
        if not st.has(_WORK_STEMS):
            continue
        for m in _RTW_NO.finditer(text):
            if "request" in text[max(0, m.start() - 40): m.start()].lower() or _PLACE.search(text[max(0, m.start() - 20): m.start()]):
                continue
            status = "temporary total disability" if _DISABILITY.search(m.group(0)) else (
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
            elif _WITH_RESTRICTIONS.match(text[m.end():m.end() + 30]):
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
        phrase = _CAPACITY_VERB.sub("able to ", capacity[0])
        out.fields["work_status"] = phrase
        out.ev("work_status", phrase, capacity[1])
