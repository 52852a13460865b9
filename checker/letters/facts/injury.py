"""The date of injury: a day-precise date right after "injury", "claim" or "DOI"."""
from __future__ import annotations

import re

from .sentences import Out, Sent


_INJURY_CUE = re.compile(
    r"(?:\binjur(?:y|ies)|\bclaim|\bDOI)\W{0,3}(?:(?:date|on|of|from|dated|was|is|that|occurred)\W{1,3}){0,3}$", re.I
)
_SINCE_AFTER = re.compile(r"\bsince\b|\bafter\b", re.I)  # "pain since the injury on ...": not its date


def injury_date(sents: list[Sent], out: Out) -> None:
    for st in sents:
        for d in st.dates:
            before = st.text[max(0, d.start - 45):d.start]
            if _INJURY_CUE.search(before) and not _SINCE_AFTER.search(before[-25:]):
                out.fields["injury_date"] = d.date
                out.ev("injury_date", d.date.isoformat(), st.text)
                return
