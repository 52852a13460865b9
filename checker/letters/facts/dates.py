"""The request (RFA) and utilization-review dates, and the latest date of the record.

1. UR date: the first date cued by "utilization review", "previously denied" ... preferring
   a sentence about physical medicine.
2. Request date: the latest date cued by "request for authorization", "RFA" ... not after
   the UR date, preferring physical medicine.
3. Latest date: the latest day-precise date up to today; it stands in for the request date
   when the summary names neither request nor UR (checker.letters.to_request).
"""
from __future__ import annotations

import datetime as dt
import re
from typing import Optional

from checker.regex_gate import Folded

from .sentences import Out, Sent, gated
from .stems import holding, stems
from .terms import generic_therapy


_RFA_CUE = Folded(gated("acdiprst",
    r"\brequests?\sfor\sauthori[sz]ation|\bRFA\b|\bauthori[sz]ation\srequest|\brequest\s(?:was|were)\s(?:made|received|submitted|signed|dated)"
    r"|\brequested\sauthori[sz]ation|\b(?:physician|provider|doctor|clinician|surgeon|chiropractor)\s(?:\w+\s)?(?:requested|ordered)"
    r"|\bincluded\sa\srequest\b|\brequest\s(?:form\s)?(?:dated|received|signed)|\bthe\srequest\swas\sreceived",
))
_UR_CUE = gated("cdoprtuw",
    r"\butilization\sreview|\b(?-i:UR)\b|\b(?:prior|previous|original)\s(?:determination|review|denial)|\bpreviously\s(?:been\s)?(?:non-?\s?certified"
    r"|denied|reviewed|modified|deemed)|\bclaims\sadministrator\s(?:\w+\s)?(?:failed\sto\sapprove|denied|modified|partially\sapproved"
    r"|approved|certified)|\b(?:was|were)\s(?:denied|non-?\s?certified|modified)\son\b|\bdecision\sdate|\bdenial\swas\smade"
    r"|\b(?:treatment|request|case)\swas\s(?:previously\s)?(?:denied|non-?\s?certified)",
)


# the words every match of _UR_CUE holds; its "UR" is upper case only, looked for in the text (as a stem
# "ur" would let most sentences through: "during", "injury", "current")
_UR_STEMS = stems("utilization", "prior", "previous", "original", "administrator", "denied", "certified", "decision",
                  "denial", "modified")
_RFA_STEMS = stems("request", "rfa", "authoriz", "authoris", "ordered")
# a cue said absent: "no RFA", "the utilization review was not ..." / "was unavailable"
_NO_BEFORE = re.compile(r"\bno\s$", re.I)
_NOT_AFTER = re.compile(r"\s(?:was|were|is|are)\snot\b|\s(?:was|were|is)\s(?:unavailable|missing)", re.I)


def _ur_sentences(sents: list[Sent]) -> list[Sent]:
    held = set(map(id, holding(sents, _UR_STEMS)))
    return [st for st in sents if id(st) in held or "UR" in st.text]


def _cued_dates(sents: list[Sent], cue: re.Pattern) -> list[tuple[dt.date, Sent]]:
    """The date nearest each cue of the sentences (those that may hold one: the callers' stem tests)."""
    found = []
    for st in sents:
        if not st.dates:
            continue
        for c in cue.finditer(st.text):
            if _NO_BEFORE.search(st.text[max(0, c.start() - 4):c.start()]) or _NOT_AFTER.match(st.text[c.end():c.end() + 20]):
                continue
            after = [d for d in st.dates if 0 <= d.start - c.end() <= 40]
            if after:
                best = after[0]
            else:
                best = min(st.dates, key=lambda d: min(abs(d.start - c.end()), abs(c.start() - d.end)))
            found.append((best.date, st))
    return found


def dates(sents: list[Sent], out: Out) -> None:
    # The latest date of the record: the request cannot be older than the notes it rests on,
    # so it stands in for the request date where the summary names neither request nor UR.
    today = dt.date.today()
    dated = [(h.date, st) for st in sents for h in st.dates if h.date <= today]
    if dated:
        latest = max(dated, key=lambda d: d[0])
        out.fields["latest_date"] = latest[0]
        out.ev("latest_date", latest[0].isoformat(), latest[1].text)
    urs = _cued_dates(_ur_sentences(sents), _UR_CUE)
    ur: Optional[tuple[dt.date, Sent]] = None
    if urs:
        pm = [u for u in urs if u[1].mentions]
        ur = (pm or urs)[0]
        out.fields["ur_date"] = ur[0]
        out.ev("ur_date", ur[0].isoformat(), ur[1].text)
    rfas = _cued_dates(holding(sents, _RFA_STEMS), _RFA_CUE)
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
