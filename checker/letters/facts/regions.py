"""Body regions under treatment: from the diagnoses and the complaint sentences.

Exam and imaging sentences are left out (they name regions examined, not treated), and so
is where pain radiates to ("radiating down the left leg" does not make the leg a region).
"""
from __future__ import annotations

import re
from typing import Optional

from checker.regex_gate import Folded
from checker.vocab import Region

from .sentences import Out, Sent, gated
from .stems import stems
from .terms import regions_in, scan_regions


_RADIATING_STEMS = stems("radiat", "numb", "tingl", "pares", "paras", "going", "referred", "travel", "shoot", "extend",
                         "radicular")
_COMPLAINT_STEMS = stems("complain", "subjective", "report", "present", "describ", "endors", "chief", "c/o", "pain")
_EXAM = re.compile(r"\bexam\w*|\bobjective\b|\breflex\w*|\bpalpation\b|\btests?\b|\bsigns?\b|\bMRI\b|\bx-?\s?rays?\b", re.I)
_COMPLAINT = Folded(gated("cdeprst",
    r"\bcomplain\w*|\b(?:report\w*|present\w*|describ\w*|endors\w*)\b[^.]{0,60}?\b(?:pain|discomfort|injury|symptoms?|ache|stiffness)"
    r"|\bsubjective\b|\bchief\b|\bc/o\b|\bthere\s(?:was|is|were)\s(?:\w+\s)?pain\b|\brated\s(?:his\s|her\s|the\s)?(?:[\w-]+\s){0,3}?pains?\b",
))
_RADIATING = gated("egnprst",
    r"\b(?:radiat\w*|going|referred|travel\w*|shoot\w*|extend\w*)\s(?:\w+\s){0,2}?(?:down|into|to|toward|towards)\b[^,;.]*"
    r"|\b(?:numbness|tingling|paresthesias?|parasthesias?|radicular\s(?:pain|symptoms))\b[^,;.]*",
)


def regions(sents: list[Sent], out: Out) -> None:
    found: list[Region] = []
    by_sentence: dict[str, list[str]] = {}
    for e in out.evidence:
        if e.fact == "diagnoses":
            by_sentence.setdefault(e.sentence, []).append(e.value)
    sources: list[tuple[str, str]] = [("; ".join(v), k) for k, v in by_sentence.items()]
    for st in sents:
        if not st.has(_COMPLAINT_STEMS):
            continue
        if st.request or not _COMPLAINT.search(st.text):
            continue
        if "complain" not in st.low and _EXAM.search(st.text):
            continue
        src = st.text
        if st.has(_RADIATING_STEMS):
            src = _RADIATING.sub(" ", src)
        sources.append((src, st.text))
    if not sources:
        out.fields["regions"] = found
        return
    # one call to the region classifier for the whole summary; each region's evidence is the first
    # source sentence that names it (found with the fast word scan, else by asking the classifier)
    wanted = regions_in(" | ".join(src for src, _ in sources))
    quick: list[set[Region]] = []  # scan_regions of the first sources, scanned only as far as needed

    def first_naming(r: Region) -> Optional[int]:
        for i, (src, _) in enumerate(sources):
            if i == len(quick):
                quick.append(set(scan_regions(src)))
            if r in quick[i]:
                return i
        return None

    for r in wanted:
        idx = first_naming(r)
        if idx is None:
            idx = next((i for i, (src, _) in enumerate(sources) if r in regions_in(src)), 0)
        found.append(r)
        out.ev("regions", r.value, sources[idx][1])
    order = {sentence: i for i, (_, sentence) in enumerate(sources)}
    pairs = sorted(zip(found, out.evidence[len(out.evidence) - len(found):]), key=lambda p: order.get(p[1].sentence, 0))
    found = [r for r, _ in pairs]
    out.evidence[len(out.evidence) - len(pairs):] = [e for _, e in pairs]
    out.fields["regions"] = found
