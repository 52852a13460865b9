"""Visits utilization review already authorized, per family: "modified to 6 sessions", "6 visits were certified"."""
from __future__ import annotations

import re
from typing import Optional

from checker.regex_gate import Folded
from checker.vocab import Family

from .sentences import Out, Sent
from .stems import holding, stems
from .terms import generic_therapy
from .text import NUM, to_int


_UR_AUTH_TO = Folded(re.compile(
    r"(?:\b(?:modified|modifying|reduced|amended)\b[^.;]{0,90}?\bto\s|\bmodification\s(?:for|to)\s)"
    r"(?:allow\s(?:for\s)?|an?\s|the\s|initial\s|trial\s|of\s|only\s|certify\s|approve\s)*"
    r"#?(?P<n>" + NUM + r")\s(?:(?:additional|initial|more|total)\s)?(?P<tail>[^.;]{0,50})",
    re.I,
))
_UR_AUTH_ACCOM = Folded(re.compile(
    r"\b(?:accommodating|certif(?:ied|ying)|approv(?:ed|ing)|authoriz(?:ed|ing)|allow(?:ed|ing)?)\b(?P<mid>[^.;]{0,60}?)"
    r"(?<![\w#])(?P<n>" + NUM + r")\s(?:(?:additional|initial|more|total)\s)?(?P<tail>[^.;]{0,50})",
    re.I,
))
_UR_AUTH_WAS = Folded(re.compile(
    r"\b(?:sessions?|visits?|treatments?)\)?\s(?:was|were|has\sbeen|have\sbeen)\s(?:authorized|certified|approved)\b", re.I
))
_UR_AUTH_WAS_N = re.compile(r"(?<![\w#])(?P<n>" + NUM + r")\s(?:[\w-]+\s){0,3}?$", re.I)
_SESSIONS_SOON = re.compile(r"^(?:[\w/-]+\s){0,4}?(?:sessions?|visits?|treatments?)\b|^(?:[\w/-]+\s){0,1}?(?:physical|chiro|acupunct|massage|aqua|PT\b)", re.I)
_NON_BEFORE = re.compile(r"\bnon-?\s?$", re.I)  # "non-certified"
_REQUESTED_WORD = re.compile(r"\b(?:original|remaining|requested|request)\b", re.I)
_ORIGINAL = re.compile(r"\b(?:original|remaining)\b", re.I)
_AUTHORIZED_STEMS = stems("modif", "authoriz", "accommodat", "approv", "certif", "allow")


def ur_authorized(sents: list[Sent], out: Out) -> None:
    auth: dict[Family, int] = {}

    def family_near(st: Sent, pos: int, tail_end: int) -> Optional[Family]:
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

    for st in holding(sents, _AUTHORIZED_STEMS):
        hits: list[tuple[int, int, int]] = []  # (n, position, tail_end)
        for m in _UR_AUTH_TO.finditer(st.text):
            if _SESSIONS_SOON.match(m.group("tail")):
                hits.append((to_int(m.group("n")) or 0, m.start("n"), m.end("tail")))
        for m in _UR_AUTH_ACCOM.finditer(st.text):
            if _NON_BEFORE.search(st.text[max(0, m.start() - 5): m.start()]):
                continue
            if _REQUESTED_WORD.search(m.group("mid")):
                continue
            if _SESSIONS_SOON.match(m.group("tail")):
                hits.append((to_int(m.group("n")) or 0, m.start("n"), m.end("tail")))
        for m in _UR_AUTH_WAS.finditer(st.text):
            head = st.text[max(0, m.start() - 60): m.start()]
            n = _UR_AUTH_WAS_N.search(head)
            if not n or _ORIGINAL.search(head[max(0, n.start() - 30):]):
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
