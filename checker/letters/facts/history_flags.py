"""Yes / no / not stated flags of the history: home exercise, adjunct to exercise, flare-up,
indication documented, medication reduced or not tolerated.

Each flag is its last statement in the summary (negated: no), except where a "yes" wins
(medication not tolerated or reduced) or a "no" wins (no indication documented).
"""
from __future__ import annotations

import re
from typing import Optional

from checker.regex_gate import Folded
from checker.vocab import Tri

from .negation import HYPOTHETICAL
from .sentences import Out, Sent, gated
from .stems import holding, stems
from .terms import generic_therapy


_HEP = re.compile(
    r"\bhome\s(?:-?based\s)?(?:exercises?|exercising|stretch\w*|program|therapy\sprogram)(?:\s(?:program|regimen|plan))?\b"
    r"|\bHEP\b|\bself[- ]directed\s(?:home\s)?(?:exercise|therapy|program|PT|physical\stherapy)\w*"
    r"|\bindependent\s(?:home\s)?exercise\s(?:program|regimen)",
)
_HEP_I = re.compile(_HEP.pattern.replace(r"\bHEP\b", r"\b(?-i:HEP)\b"), re.I)


def _tri_last(sents: list[Sent], pattern: re.Pattern, fact: str, out: Out, words: frozenset[str],
              negated_is_no: bool = True) -> Optional[Tri]:
    value: Optional[Tri] = None
    sentence = ""
    for st in holding(sents, words):
        for m in pattern.finditer(st.text):
            neg = st.negated(m.start(), m.end())
            if neg and not negated_is_no:
                continue
            value, sentence = (Tri.no if neg else Tri.yes), st.text
    if value is not None:
        out.fields[fact] = value
        out.ev(fact, value.value, sentence)
    return value


_HEP_STEMS = stems("home", "hep", "self", "independent")


def home_exercise(sents: list[Sent], out: Out) -> None:
    _tri_last(sents, _HEP_I, "home_exercise_program", out, _HEP_STEMS)


_MED_WORD = r"(?:medications?|meds|opioids?|narcotics?|analgesics?|NSAIDs?|pain\spills|nonsteroidal\santi-inflammatory\s(?:drugs|medications)|oral\smedications?|pain\smedications?)"
_MED_REDUCED = re.compile(
    r"\b(?:reduc\w*|decreas\w*|lower\w*|less|taper\w*|wean\w*|discontinu\w*|stop\w*|cut\sback|eliminat\w*)\s(?:in\s|of\s|on\s|the\s|his\s|her\s|use\sof\s|taking\s){0,3}(?:\w+\s)?" + _MED_WORD + r"|\b" + _MED_WORD + r"\s(?:use\s)?(?:was|were|has\sbeen|have\sbeen)\s(?:\w+\s)?(?:reduced|decreased|tapered|discontinued|stopped)",
    re.I,
)
_MED_NOT_TOLERATED = re.compile(
    r"\b(?:not|unable\sto|could\snot|cannot|can't|failed\sto)\s(?:\w+\s)?tolerat\w*\s(?:\w+\s){0,2}?" + _MED_WORD +
    r"|\bintoleran\w*\s(?:to|of)\s(?:\w+\s){0,2}?(?:" + _MED_WORD + r"|[A-Z]\w+)"
    r"|\b" + _MED_WORD + r"\s(?:\w+\s){0,3}?(?:caus\w*|result\w*\sin)\s(?:\w+\s){0,2}?(?:upset|side\seffects|nausea|GI|gastrointestinal|dyspepsia|gastritis|drowsiness|sedation)"
    r"|\bside\seffects\s(?:from|with|of|to)\s(?:\w+\s)?" + _MED_WORD,
    re.I,
)
_MED_STEMS = stems("medication", "meds", "opioid", "narcotic", "analgesic", "nsaid", "pill", "anti-inflammatory")
_REDUCE_STEMS = stems("reduc", "decreas", "lower", "less", "taper", "wean", "discontinu", "stop", "cut back", "eliminat")
_TOLERATE_STEMS = stems("toler", "side effect")
_RECOMMEND = re.compile(r"recommend", re.I)
_NOT_BEFORE = re.compile(r"\bnot\s$")  # "not tolerating"
_PLAN_OR_RECOMMEND = re.compile(r"\bplan\b|\brecommend", re.I)
_MED_TOLERATED = re.compile(r"\b(?:tolerating|tolerates|tolerated|able\sto\stolerate)\s(?:\w+\s){0,2}?" + _MED_WORD, re.I)


_DRUG_NOT_TOLERATED_BEFORE = re.compile(
    r"\b(?:not|unable\sto|could\snot|cannot|can't|failed\sto)\s(?:\w+\s)?tolerat\w*\s(?:\w+\s){0,2}?$"
    r"|\bintoleran\w*\s(?:to|of)\s(?:\w+\s){0,2}?$|\bside\seffects\s(?:from|with|of|to)\s(?:\w+\s)?$",
    re.I,
)
_DRUG_NOT_TOLERATED_AFTER = re.compile(
    r"^[\s\d.,]{0,12}(?:mg\s)?(?:\w+\s){0,3}?(?:caus\w*|result\w*\sin|gave\s(?:him|her))\s(?:\w+\s){0,2}?(?:upset|side\seffects"
    r"|nausea|GI|gastrointestinal|dyspepsia|gastritis|drowsiness|sedation|dizziness|constipation|rash)"
    r"|^[\s\d.,]{0,12}(?:mg\s)?(?:was|were|has\sbeen|had\sbeen)\s(?:\w+\s)?(?:discontinued|stopped|tapered|reduced|decreased)\b",
    re.I,
)
_DRUG_FLAG_STEMS = stems("toler", "side effect", "caus", "result", "discontinu", "stopped", "tapered", "reduced",
                         "decreased", "gave")


def _drug_not_tolerated(st: Sent) -> bool:
    """A named drug not tolerated, causing side effects, or stopped/reduced: "Ibuprofen caused gastritis"."""
    if not st.has(_DRUG_FLAG_STEMS):
        return False
    for a, b, _name in st.drugs:
        if _DRUG_NOT_TOLERATED_BEFORE.search(st.text[max(0, a - 50): a]):
            return True  # the "not" of "unable to tolerate X" is the intolerance itself
        if _DRUG_NOT_TOLERATED_AFTER.match(st.text[b: b + 80]) and not st.negated(a, b):
            return True  # "X caused gastritis", but not "denies that X caused gastritis"
    return False


def medication_flag(sents: list[Sent], out: Out) -> None:
    value: Optional[tuple[Tri, str]] = None
    for st in sents:
        if _drug_not_tolerated(st):
            value = (Tri.yes, st.text)
            break
        if not (st.has(_TOLERATE_STEMS) or (st.has(_MED_STEMS) and st.has(_REDUCE_STEMS))):
            continue
        for m in _MED_NOT_TOLERATED.finditer(st.text):
            value = (Tri.yes, st.text)
        for m in _MED_REDUCED.finditer(st.text):
            if HYPOTHETICAL.search(st.text[max(0, m.start() - 30): m.start()]) and _RECOMMEND.search(st.text) is None:
                continue
            if st.negated(m.start(), m.end()):
                if value is None:
                    value = (Tri.no, st.text)
            else:
                value = (Tri.yes, st.text)
        if value is None or value[0] is not Tri.yes:
            for m in _MED_TOLERATED.finditer(st.text):
                if not st.negated(m.start(), m.end()) and _NOT_BEFORE.search(st.text[max(0, m.start() - 5): m.start()]) is None:
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
    re.I,
)
_ADJUNCT_STEMS = stems(
    "adjunct", "conjunction", "combination", "combined", "along", "together", "concurren", "in addition", "active",
    "therapeutic", "strengthening", "stretching", "exercise", "home", "hep", "self", "independent")


def adjunct(sents: list[Sent], out: Out) -> None:
    _tri_last(sents, _ADJUNCT, "adjunct_to_exercise", out, _ADJUNCT_STEMS)


_FLARE = Folded(gated("aefnrs",
    r"\bflare[- ]?ups?\b|\bflared\b|\bexacerbations?\b|\brecurrences?\b|\bre-?injur\w*|\bnew\s(?:work\s)?injur\w*"
    r"|\bacute\son\schronic\b|\bre-?aggravat\w*|\bsubsequent\sinjury\b|\bacute\sflare\b",
))
_FLARE_STEMS = stems("flare", "exacerbation", "recurrence", "injur", "aggravat", "acute on")


def flare(sents: list[Sent], out: Out) -> None:
    _tri_last(sents, _FLARE, "flare_up", out, _FLARE_STEMS)


_NO_INDICATION = Folded(re.compile(
    r"\b(?:did|does|do)\snot\s(?:\w+\s){0,1}?(?:indicate|include|state|provide|specify|document|outline|describe|identify|discuss)\s"
    r"(?:\w+\s){0,3}?(?:reasons?|rationale|goals?|indications?|purpose|objectives?)"
    r"|\bfailed\sto\s(?:indicate|include|state|provide|specify|document|outline|describe|identify)\s(?:\w+\s){0,3}?"
    r"(?:reasons?|rationale|goals?|indications?|purpose|objectives?)"
    r"|\bno\s(?:clear\s|specific\s|documented\s|stated\s)?(?:rationale|reason|indication|goals?|treatment\sgoals)\s(?:\w+\s){0,2}?(?:for|was|were|provided|given|of|to)\b"
    r"|\b(?:rationale|reason|indication|goals?)\s(?:\w+\s){0,4}?(?:was|were)\snot\s(?:\w+\s)?(?:provided|documented|given|specified|stated|indicated)",
    re.I,
))
_INDICATION_YES = re.compile(
    r"\b(?:goals?\s(?:of|is|are|were|was|include)|in\sorder\sto|to\s(?:improve|increase|restore|decrease|reduce|strengthen|regain"
    r"|address|maximize)|for\s(?:strengthening|range\sof\smotion|conditioning))\b",
    re.I,
)


def indication(sents: list[Sent], out: Out) -> None:
    value: Optional[tuple[Tri, str]] = None
    for st in sents:
        mentions = st.mentions
        pm = bool(mentions) or ("therapy" in st.low and bool(generic_therapy(st.text, mentions)))
        if not pm:
            continue
        if _NO_INDICATION.search(st.text):
            value = (Tri.no, st.text)
            break
        if value is None and (st.request or _PLAN_OR_RECOMMEND.search(st.text)):
            m = _INDICATION_YES.search(st.text)
            if m and any(mt.end <= m.start() for mt in mentions) and not st.negated(m.start(), m.end()):
                value = (Tri.yes, st.text)
    if value:
        out.fields["indication_documented"] = value[0]
        out.ev("indication_documented", value[0].value, value[1])
