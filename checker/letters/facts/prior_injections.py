"""Prior injections: their kind, region and level, date, and the relief and function they gave.

1. An injection term of rules/vocab/clinical_injections.yaml is a prior injection when its
   mention is one already done (plans.tense), not negated and not hypothetical.
2. Its level is the spinal level near it ("at L4-5", "L5-S1"), written L4-L5; its region the
   sentence's, else the level's; its date as for a study.
3. Relief: a percentage of relief, improvement or reduction in its sentence ("50% relief"), 0
   for "no relief"; how long ("for 6 weeks", "lasting 2 months") in weeks. Functional
   improvement: an objective gain in its sentence (benefit_phrases.yaml), negated: no.
"""
from __future__ import annotations

import re
from typing import Optional

from checker.kb.data import vocabulary
from checker.request.clinical import WEEKS_PER_MONTH, PriorInjection
from checker.vocab import Region, Tri

from .cues import CueFile, TermFile
from .plans import tense
from .prior_studies import _date
from .sentences import Out, Sent
from .term_context import Hit, clause, hits
from .text import NUM, to_int

VOCAB = vocabulary("clinical_injections", TermFile)
MATCHER = VOCAB.matcher()
_BENEFIT = vocabulary("benefit_phrases", CueFile)
_GAIN = _BENEFIT.compile(_BENEFIT.select("objective_gain"))
LEVEL_REACH = 40
# grammar of a spinal level and of relief, not vocabulary: "L4-5", "L5-S1", "C5 C6"; "50% relief"
_LEVEL = re.compile(r"\b([CTLS])\s?(\d{1,2})(?:\s?(?:-|/|to|through|and)?\s?([CTLS])?\s?(\d{1,2}))?\b")
_PERCENT = re.compile(r"\b(\d{1,3})\s?(?:%|percent)\s(?:\w+\s){0,2}?(?:relief|improvement|reduction|decrease|better|benefit)"
                      r"|\b(?:relief|improvement|reduction|decrease)\s(?:of\s|by\s)?(?:about\s|approximately\s)?(\d{1,3})\s?(?:%|percent)", re.I)
_NO_RELIEF = re.compile(r"\b(?:no|without(?:\sany)?)\s(?:significant\s)?(?:relief|improvement|benefit)\b", re.I)
_DURATION = re.compile(r"\b(?:for|lasting|lasted|x)\s(?:about\s|approximately\s|over\s)?(" + NUM + r")\s(weeks?|months?|days?)\b", re.I)
_REGION_OF_LEVEL = {"C": Region.cervical, "T": Region.thoracic, "L": Region.lumbar, "S": Region.lumbar}


def prior_injections(sents: list[Sent], out: Out, ctx: dict) -> None:
    found: list[PriorInjection] = []
    seen: set[tuple] = set()
    for hit in hits(sents, MATCHER):
        if hit.negated or hit.hypothetical() or tense(hit) != "done":
            continue
        level = _level(hit)
        region = hit.region() or (_REGION_OF_LEVEL[level[0]] if level else None)
        percent, weeks = _relief(hit)
        injection = PriorInjection(kind=hit.term.name[0], region=region, level=level, side=hit.side(), date=_date(hit),
                                   relief_percent=percent, relief_weeks=weeks, functional_improvement=_function(hit))
        key = (injection.kind, injection.region, injection.level, injection.date)
        if key in seen:
            continue
        seen.add(key)
        found.append(injection)
        out.ev("clinical.prior_injections", describe(injection), hit.st.text)
    ctx.setdefault("clinical", {})["prior_injections"] = found


def _level(hit: Hit) -> Optional[str]:
    text = hit.st.text
    a, b = clause(text, hit.start, hit.end)
    best = None
    for m in _LEVEL.finditer(text, max(a, hit.start - LEVEL_REACH), min(b, hit.end + LEVEL_REACH)):
        distance = m.start() - hit.end if m.start() >= hit.end else hit.start - m.end()
        if best is None or distance < best[0]:
            best = (distance, m)
    if best is None:
        return None
    m = best[1]
    first = f"{m[1].upper()}{int(m[2])}"
    if not m[4]:
        return first
    return f"{first}-{(m[3] or m[1]).upper()}{int(m[4])}"


def _relief(hit: Hit) -> tuple[Optional[int], Optional[float]]:
    text = hit.st.text
    m = _PERCENT.search(text)
    percent = int(m[1] or m[2]) if m and int(m[1] or m[2]) <= 100 else (0 if _NO_RELIEF.search(text) else None)
    weeks = None
    if percent:
        d = _DURATION.search(text)
        n = to_int(d[1]) if d else None
        if n:
            unit = d[2].lower()
            weeks = n * WEEKS_PER_MONTH if unit.startswith("month") else n / 7 if unit.startswith("day") else float(n)
    return percent, weeks


def _function(hit: Hit) -> Tri:
    st = hit.st
    for m in _GAIN.finditer(st.text):
        return Tri.no if st.negated(m.start(), m.end()) else Tri.yes
    return Tri.not_stated


def describe(injection: PriorInjection) -> str:
    parts = [p for p in (injection.region and injection.region.value, injection.level,
                         injection.side and injection.side.value, injection.date and injection.date.isoformat(),
                         f"{injection.relief_percent}% relief" if injection.relief_percent is not None else "",
                         f"{injection.relief_weeks:g} weeks" if injection.relief_weeks else "",
                         f"functional improvement {injection.functional_improvement.value}"
                         if injection.functional_improvement is not Tri.not_stated else "") if p]
    return f"{injection.kind.value}" + (f" ({', '.join(parts)})" if parts else "")
