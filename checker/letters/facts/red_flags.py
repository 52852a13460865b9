"""Red flags: fracture, tumor, infection, cauda equina, progressive deficit, major trauma, myelopathy.

1. Each red-flag term of rules/vocab/clinical_red_flags.yaml is a flag present ("acute Lisfranc
   fracture", "saddle anesthesia"), suspected ("r/o fracture": present and suspected) or ruled
   out when negated ("x-rays showed no fractures", "denies bowel or bladder incontinence").
2. A condition put in the past ("history of fracture", "healed fracture") is no flag now; a
   hypothetical one, or one the record is silent on, says nothing.
3. ``red_flags`` is no when the summary says so in general ("no red flags", "without red-flag
   conditions") and names no flag present; a flag present makes it yes (Clinical derives it).
Region: from the sentence; cauda equina is lumbar.
"""
from __future__ import annotations

from itertools import groupby
from typing import Optional

from checker.kb.data import vocabulary
from checker.request.clinical import RedFlag
from checker.vocab import Region, Tri

from .cues import TermFile
from .sentences import Out, Sent
from .term_context import Hit, clause, hits

VOCAB = vocabulary("clinical_red_flags", TermFile)
MATCHER = VOCAB.matcher()
PAST_REACH = 45  # characters between "history of" and the condition
_DEFAULT_REGION = {"cauda_equina": Region.lumbar}


def red_flags(sents: list[Sent], out: Out, ctx: dict) -> None:
    flags: list[RedFlag] = []
    seen: set[tuple] = set()
    general: Optional[str] = None  # the sentence saying "no red flags"
    for _st, group in groupby(hits(sents, MATCHER), key=lambda h: id(h.st)):
        sentence_hits = list(group)
        past = [h for h in sentence_hits if h.term.name == ["past"]]
        for hit in sentence_hits:
            name = hit.term.name[0]
            if name == "past" or hit.silent or hit.hypothetical():
                continue  # ("to rule out a fracture" is one suspected-flag term: its "to" is no hypothesis)
            if name == "any":
                if hit.negated and general is None:
                    general = hit.st.text
                continue
            if not hit.negated and _in_the_past(hit, past):
                continue
            flag = RedFlag(name=name, present=Tri.yes if hit.present else Tri.no, suspected=hit.term.suspected,
                           region=hit.region(_DEFAULT_REGION.get(name)))
            key = (flag.name, flag.present, flag.region)
            if key in seen:
                continue
            seen.add(key)
            flags.append(flag)
            out.ev("clinical.red_flag_list", describe(flag), hit.st.text)
    clinical = ctx.setdefault("clinical", {})
    clinical["red_flag_list"] = flags
    if general is not None and not any(f.present is Tri.yes for f in flags):
        clinical["red_flags"] = Tri.no
        out.ev("clinical.red_flags", Tri.no.value, general)


def _in_the_past(hit: Hit, past: list[Hit]) -> bool:
    a, _ = clause(hit.st.text, hit.start, hit.end)
    return any(a <= p.start and p.end <= hit.start and hit.start - p.end <= PAST_REACH for p in past)


def describe(flag: RedFlag) -> str:
    extra = ", ".join(x for x in (flag.region and flag.region.value, "suspected" if flag.suspected else "") if x)
    return f"{flag.name.value}: {flag.present.value}" + (f" ({extra})" if extra else "")
