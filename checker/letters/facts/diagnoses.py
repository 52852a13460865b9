"""Diagnoses as the summary lists them: the phrases after "diagnosed with", "diagnoses include",
"assessment:" ..., split with the ICD-10-CM title index (checker.diagnosis.phrases: the cue words
are data, rules/vocab/diagnosis_cues.yaml). A request sentence counts only when it says "diagnos".
"""
from __future__ import annotations

from .sentences import Out, Sent
from .stems import later


def _cue_words() -> tuple[str, ...]:
    from checker.diagnosis.phrases import cue_words  # the title index loads on first use

    return cue_words()


_CUE_STEMS = later(_cue_words)  # words one of which every list cue holds (the cue vocabulary is data)


def diagnoses(sents: list[Sent], out: Out) -> None:
    from checker.diagnosis.phrases import diagnosis_phrases  # the title index loads on first use

    words = _CUE_STEMS()  # a sentence without one introduces no list (the sentence's word scan tells)
    texts = [st.text for st in sents if (not words or st.has(words)) and not ("diagnos" not in st.low and st.request)]
    found = []
    for d in diagnosis_phrases(texts):
        found.append(d.text)
        out.ev("diagnoses", d.text, d.sentence)
    out.fields["diagnoses"] = found
