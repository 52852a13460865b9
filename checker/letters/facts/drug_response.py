"""How a drug answered: pain relief (scores with and without it, % relief), function, side effects, failure.

The four A's and the continuation criteria ask it of each drug (FACTS-beyond-physmed O7, O11, N3, D2):
1. An effect (rules/vocab/clinical_medications.yaml: pain_relief, functional_benefit, side_effects,
   drug_failed) belongs to the nearest drug named in its clause, within a reach; else, when the clause
   speaks of "medications" in general, to the medications as a whole ("decreased pain with
   medications"); else to nothing (therapy that helped is not a drug's effect).
2. Negated, it says the opposite ("denies side effects": none; "without functional improvement": no),
   except a failure ("not documented to have failed"); words that say the record is silent ("no
   documentation of functional improvement"), hypotheticals and the request's own words say nothing;
   side effects to be watched for ("monitor for side effects") are not side effects.
3. Scores: "8/10 without medications and 4/10 with medications", "decreases the pain from 8/10 to
   4/10"; relief: "50% relief with Norco", "relief of 50%".
4. The patient's pain (for "moderate to severe pain", FACTS-beyond-physmed N1): the highest pain score
   of a sentence about pain that is not a score with or without a drug ("rated his pain as 7/10",
   "6/10 to 10/10 on VAS": 10), and pain called mild, moderate or severe.
"""
from __future__ import annotations

import re
from typing import Optional

from checker.vocab import Tri

from .drug_use import VOCAB, about_request, own_negation, sentence_drugs, silent
from .sentences import Out, Sent
from .stems import stems
from .term_context import clause, hits

EFFECTS = VOCAB.matcher(["pain_relief", "functional_benefit", "side_effects", "drug_failed"])
REACH = VOCAB.parameters["response_reach"]
GENERAL = ("medications",)  # the key of what the summary says of the medications as a whole
_MEDS = re.compile(r"\b(?:" + "|".join(VOCAB.lists["meds"]) + r")\b", re.I)  # "medications" in general
_WATCH = re.compile(r"\b(?:monitor\w*|watch\w*|risks?\sof|discuss\w*|counsel\w*|possible|potential|warned|educated)\s"
                    r"(?:\w+\s){0,3}?$", re.I)
_SCORE = re.compile(r"(?<![\d.])(\d{1,2}(?:\.\d)?)(?:\s?-\s?(\d{1,2}(?:\.\d)?))?\s?(?:/\s?10\b|out\sof\s10\b)", re.I)
_WITH_AFTER = re.compile(r"\W{0,3}(?:\w+\s){0,2}?(with|without|on|off)\s(?:the\s|his\s|her\s)?(?:use\sof\s)?", re.I)
_WITH_BEFORE = re.compile(r"\b(with|without|on|off)\s(?:the\s|his\s|her\s)?(?:use\sof\s)?[\w\s/#.-]{0,40}?,?\s"
                          r"(?:\w+\s){0,4}?$", re.I)
_OUT_OF = r"(?:\s?-\s?(\d{1,2}(?:\.\d)?))?\s?(?:/\s?10|\sout\sof\s10)\b"
_FROM_TO = re.compile(r"\bfrom\s(\d{1,2}(?:\.\d)?)" + _OUT_OF + r"\s(?:down\s)?to\s(\d{1,2}(?:\.\d)?)" + _OUT_OF, re.I)
_PERCENT = re.compile(r"\b(\d{1,3})\s?%\s(?:\w+\s){0,2}?(?:pain\s)?(?:relief|reduction|improvement|decrease|better)\b"
                      r"|\b(?:relief|reduction|improvement|decrease)\sof\s(?:about\s|approximately\s)?(\d{1,3})\s?%", re.I)
_LEVEL = re.compile(r"\b(mild|moderate|severe)(?:\sto\s(?:moderate|severe))?\s(?:\w+\s)?(?:pain|headaches?)\b", re.I)
_LEVELS = ("none", "mild", "moderate", "severe")
_FIELD = {"pain_relief": "pain_relief", "functional_benefit": "functional_benefit", "side_effects": "side_effects",
          "drug_failed": "failed"}
_SEVERITY_STEMS = stems("mild", "moderate", "severe")
_PAIN_STEMS = stems("pain", "vas", "headache")


def drug_response(sents: list[Sent], out: Out, ctx: dict) -> None:
    mentions = sentence_drugs(sents, ctx)
    responses: dict[tuple, dict] = ctx.setdefault("medications", {}).setdefault("responses", {})

    def target(st: Sent, start: int, end: int) -> Optional[tuple]:
        a, b = clause(st.text, start, end)
        best = None
        for m in mentions.get(id(st), ()):
            if m.start < a or m.end > b or not m.generics:
                continue
            distance = start - m.end if m.end <= start else m.start - end if m.start >= end else 0
            if 0 <= distance <= REACH and (best is None or distance < best[0]):
                best = (distance, m)
        if best is not None:
            return best[1].generics, best[1].name
        if _MEDS.search(st.text, a, b):
            return GENERAL, "medications"
        return None

    def note(key, name: str, field: str, value, sentence: str) -> None:
        record = responses.setdefault(key, {"drug": name})
        current = record.get(field)
        if field in ("pain_relief", "functional_benefit", "failed") and current is Tri.yes and value is Tri.no:
            return  # a benefit stated once stands against a later "no" of another visit
        record[field] = value
        record.setdefault("sentences", {})[field] = sentence

    for hit in hits(sents, EFFECTS):
        st = hit.st
        if silent(hit) or hit.hypothetical() or about_request(st, hit.start):
            continue
        name = hit.term.name[0]
        negated = hit.negated and not own_negation(hit)
        if name == "drug_failed" and negated:
            continue
        if name == "side_effects" and _WATCH.search(st.text[max(0, hit.start - 40):hit.start]):
            continue
        found = target(st, hit.start, hit.end)
        if found is None:
            continue
        value = Tri.no if negated else Tri.yes
        note(found[0], found[1], _FIELD[name], value, st.text)
    meds = ctx["medications"]
    for st in sents:
        if "%" in st.text or ("10" in st.text and ("/10" in st.text or "/ 10" in st.text or "of 10" in st.text)):
            _scores(st, target, note, meds)
        if st.has(_SEVERITY_STEMS):
            for m in _LEVEL.finditer(st.text):
                if not st.negated(m.start(), m.end()) and not about_request(st, m.start()):
                    level = m[1].lower()
                    if _LEVELS.index(level) > _LEVELS.index(meds.get("pain_level") or "none"):
                        meds["pain_level"] = level
                        out.ev("clinical.medications.pain_level", level, st.text)
    if "pain_score" in meds:
        out.ev("clinical.medications.pain_score", f"{meds['pain_score']:g}", meds.pop("pain_score_sentence"))


def _scores(st: Sent, target, note, meds: dict) -> None:
    text = st.text
    paired: list[int] = []
    m = _FROM_TO.search(text)
    if m:
        found = target(st, m.start(), m.end())
        if found and not about_request(st, m.start()):
            note(found[0], found[1], "pain_without", float(m[2] or m[1]), text)  # a range: its high end
            note(found[0], found[1], "pain_with", float(m[4] or m[3]), text)
            paired += [m.start(), m.end()]
    else:
        scores: dict[str, tuple[float, int]] = {}
        for s in _SCORE.finditer(text):
            after = _WITH_AFTER.match(text, s.end())
            before = _WITH_BEFORE.search(text, max(0, s.start() - 60), s.start())
            word = (after and after[1]) or (before and before[1])
            if word:
                side = "with" if word.lower() in ("with", "on") else "without"
                scores.setdefault(side, (float(s[2] or s[1]), s.start()))
        if len(scores) == 2:
            found = target(st, min(p for _, p in scores.values()), max(p for _, p in scores.values()) + 4)
            if found and not about_request(st, scores["with"][1]):
                note(found[0], found[1], "pain_with", scores["with"][0], text)
                note(found[0], found[1], "pain_without", scores["without"][0], text)
                paired += [p for _, p in scores.values()]
    if st.has(_PAIN_STEMS) and not about_request(st, 0):
        for s in _SCORE.finditer(text):
            if paired and paired[0] - 5 <= s.start() <= paired[-1] + 5 or st.negated(s.start(), s.end()):
                continue
            value = float(s[2] or s[1])
            if value <= 10 and value > meds.get("pain_score", -1):
                meds["pain_score"], meds["pain_score_sentence"] = value, text
    for p in _PERCENT.finditer(text):
        value = float(p[1] or p[2])
        found = target(st, p.start(), p.end())
        if found and value <= 100 and not st.negated(p.start(), p.end()) and not about_request(st, p.start()):
            note(found[0], found[1], "relief_percent", value, text)
