"""Diagnoses as the summary lists them: the phrase after "diagnosed with", "diagnoses include" ...

The phrase is cut at the clause's end and split into diagnoses at commas and "and", bare
modifiers ("right and left") waiting for their noun ("shoulder sprain").
"""
from __future__ import annotations

import re

from .sentences import Out, Sent, gated


_DIAG_INTRO = gated("bdfghruw",
    r"\bdiagnosed\s(?:with|as\shaving|as)\s"
    r"|\bdiagnos(?:is|es)\s(?:have\s|has\s|had\s)?(?:been\s)?(?:included|include|includes|are|is|were|was)\s(?:documented\sas\s|listed\sas\s)?(?:as\s)?(?:having\s)?:?\s?"
    r"|\bdiagnos(?:is|es)\s(?:of|including)\s"
    r"|\b(?:undergoing|receiving|under)\s(?:\w+\s)?treatments?\sfor\s"
    r"|\b(?:being\s|been\s)treated\sfor\s|\bhas\sbeen\streated\sfor\s|\bwas\streated\sfor\s"
    r"|\bfiled\sa\sclaim\sfor\s"
    r"|\bgiven\s(?:a\s)?diagnos(?:is|es)\sof\s",
)
_DIAG_STOP = re.compile(
    r"\s(?:reportedly|which|who|since|dating|that\s(?:was|were|is))\b|,\s(?:and\s)?(?:has|had|was|is|who)\s|\s(?:and|but)\s(?:was|has|had|is|the)\s"
    r"|\son\s\d|\.\s|\s(?:as\sof|per)\s",
    re.I,
)
_HEAD = gated("abcdefghiklmnoprstuw",
    r"\b(?:pain|strains?|sprains?|syndrome|radicul\w*|tears?|fractures?|injur\w*|contusions?|disease|disorders?"
    r"|stenosis|bursitis|tendini?tis|tendonitis|tendinosis|hernia|herniat\w*|spasms?|myalgia|myositis|neuritis"
    r"|neuralgia|neuropathy|cervicalgia|lumbago|sciatica|headaches?|lacerations?|impingement|protrusions?|bulg\w*"
    r"|degenerat\w*|spondylo\w*|arthritis|osteoarthritis|arthropathy|effusion|capsulitis|dysfunction|loss"
    r"|obesity|hypertension|concussion|epicondylitis|wounds?|infection|body|monitoring|use|myofascialgia"
    r"|cephalalgia|anxiety|depression|insomnia|trauma|dislocation|subluxation|instability|lesions?|chondromalacia"
    r"|tachycardia|diabetes|dyslipidemia|hyperlipidemia|palpitations|pulposus|stiffness|weakness|numbness|stress"
    r"|scoliosis|kyphosis|cyst|neuroma|fasciitis|deformity|contracture|CRPS|RSD|myelopathy|spondylosis|ganglion"
    r"|tenosynovitis|synovitis|plexopathy|paresthesias?|myoligamentous|tightness|sprain-strain|strain-sprain"
    r"|gout|derangement|rupture|avulsion|crush|amputation|burn|dermatitis|hearing|disorder|condition|abnormality)\b",
)
_MODIFIER = re.compile(
    r"^(?:right|left|bilateral|cervical|thoracic|lumbar|lumbosacral|thoracolumbar|upper|lower|mid|low|neck|back"
    r"|shoulder|elbow|wrist|hand|hip|knee|ankle|foot|acute|chronic|severe|mild|moderate|multilevel|multiple"
    r"|rule|out|r/o|possible|probable|suspected|status|post)$",
    re.I,
)
_DIAG_TRIM = re.compile(r"^(?:the|a|an|of|having|with|as|to|in|and|or|:)\s|[\s,;:.\]\[\"'(]+$|^[\s\[\"'(]+", re.I)
_DIAG_DROP = re.compile(r"^(?:subsequent(?:\sencounter)?|initial\sencounter|unspecified|other|etc)$", re.I)


def _clean_diag(part: str) -> str:
    p = part.strip()
    for _ in range(3):
        p = _DIAG_TRIM.sub("", p).strip()
    p = re.sub(r",?\s(?:subsequent|initial)\sencounter\b", "", p, flags=re.I)
    p = re.sub(r",\ssubsequent$", "", p, flags=re.I)
    # pdftotext line-end hyphenation: "radicul- opathy" -> "radiculopathy", "shoulder- upper" -> "shoulder-upper"
    p = re.sub(r"([A-Za-z]{3,})- ?((?:opathy|itis|algia|osis|ectomy|otomy|plasty|ation|ular|ment)\b)", r"\1\2", p)
    p = re.sub(r"([A-Za-z])- ([A-Za-z])", r"\1-\2", p)
    return p.strip(" ,;.")


def _split_diagnoses(phrase: str) -> list[str]:
    tokens = re.split(r"(;\s|,\s(?:and\s|or\s)?|\s(?:and|&)\s)", phrase.replace("[", "").replace("]", ""))
    parts, seps = tokens[0::2], tokens[1::2]
    items: list[str] = []
    pending = ""  # bare modifiers ("right", "cervical, thoracic") wait for their noun
    for i, part in enumerate(parts):
        part = part.strip()
        sep_before = seps[i - 1] if i > 0 else ""
        sep_after = seps[i] if i < len(seps) else ""
        if not part:
            continue
        if pending:
            part = pending + part
            pending = ""
        words = part.replace(",", " ").split()
        if _HEAD.search(part):
            items.append(part)
        elif words and all(_MODIFIER.match(w) or w.lower() in ("and", "or") for w in words):
            pending = part + sep_after
        elif items:
            items[-1] = items[-1] + sep_before + part
        else:
            pending = part + sep_after
    if pending.strip(" ,;"):
        items.append(re.sub(r"(?:,|;|\sand|\sor)\s*$", "", pending.strip()))
    out = []
    for p in items:
        c = _clean_diag(p)
        if c and not _DIAG_DROP.match(c) and len(c) <= 160:
            out.append(c)
    return out


def diagnoses(sents: list[Sent], out: Out) -> None:
    seen: set[str] = set()
    diags: list[str] = []
    for st in sents:
        if not st.has(("diagnos", "treatment for", "treatments for", "treated for", "claim for")):
            continue
        if st.request and "diagnos" not in st.low:
            continue
        for m in _DIAG_INTRO.finditer(st.text):
            rest = st.text[m.end():]
            stop = _DIAG_STOP.search(rest)
            phrase = rest[: stop.start()] if stop else rest
            phrase = re.sub(r"^(?:the\s)?diagnos(?:is|es)\sof\s", "", phrase, flags=re.I)
            for d in _split_diagnoses(phrase):
                key = d.lower()
                if key not in seen:
                    seen.add(key)
                    diags.append(d)
                    out.ev("diagnoses", d, st.text)
    out.fields["diagnoses"] = diags
