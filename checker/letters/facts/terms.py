"""Vocabulary for case-summary fact extraction: treatment-family mentions, body regions, drugs.

Family and region classification use the item-text normalizer
(``checker.normalize.item_text.detect_family`` / ``detect_regions``), so a summary and an
item line name a treatment or a region alike. ``scan_regions`` is a quicker word scan that
finds which sentence names a region, and catches the few region words the normalizer has
no pattern for.
"""
from __future__ import annotations

import re
from typing import NamedTuple

from checker.normalize.item_text import detect_family, detect_regions
from checker.regex_gate import Folded
from checker.vocab import Family, Region

# ------------------------------------------------------------------ family mentions
# One combined regex; alternatives are ordered so that "chiropractic physiotherapy" and
# "chirophysio" are read as chiropractic before "physiotherapy" can be read as PT.
_UNIT_TAIL = r"(?:\s(?:therapy|care|treatments?|services|sessions?|visits?|physiotherapy|manipulations?|adjustments?))?"
_FAMILY_RE = Folded(re.compile(
    r"\b(?=[acehjmopstw])(?:"  # cheap first-letter gate: every alternative starts a word with one of these
    r"(?P<chiropractic>"
    r"chiro\s?-?physio(?:therapy)?(?:\stherapy)?"
    r"|chiropract\w*(?:\s?/\s?physiotherapy|\sphysiotherapy)?" + _UNIT_TAIL +
    r"|(?<!finger\s)(?:spinal\s|joint\s|osteopathic\s)?manipulat(?:ion|ive)(?:\s(?:therapy|treatments?))?"
    r"|manual\stherapy)"
    r"|(?P<aquatic_therapy>aqua(?:tic)?\s?therapy|aquatic\s(?:exercise|physical therapy)|pool\stherapy|hydrotherapy)"
    r"|(?P<work_conditioning>work\s(?:conditioning|hardening)(?:\sprogram)?)"
    r"|(?P<physical_therapy>physical\stherap(?:y|ies|ist)" + _UNIT_TAIL +
    r"|(?<![A-Za-z])PT(?![A-Za-z-])(?:\ssessions?|\svisits?)?"
    r"|physiotherapy" + _UNIT_TAIL +
    r"|occupational\stherapy|(?<![A-Za-z])OT(?![A-Za-z-])|hand\stherapy)"
    r"|(?P<acupuncture>(?:electro-?)?acupunct\w*" + _UNIT_TAIL + r")"
    r"|(?P<massage>(?:medical\s|therapeutic\s)?massage(?:\stherapy)?" + _UNIT_TAIL + r"|myofascial\srelease)"
    r"|(?P<tens>(?<![A-Za-z])TENS(?![A-Za-z])(?:\sunit)?|transcutaneous\s(?:electrical\s)?nerve\sstimulat\w*(?:\sunit)?))",
    re.I,
))
# 'PT', 'OT' and 'TENS' are only abbreviations in upper case ("pt" is often "patient").
_CASE_SENSITIVE = {"PT", "OT", "TENS"}
# bare "therapy" that refers to the physical medicine course ("with therapy", "12 additional
# therapy sessions"), not "opioid therapy", "ice-heat therapy", "shockwave therapy" ...
_GENERIC_THERAPY = re.compile(
    r"(?<![\w-])(?<!opioid )(?<!drug )(?<!medication )(?<!heat )(?<!cold )(?<!shockwave )(?<!injection )"
    r"(?<!steroid )(?<!traction )(?<!wave )(?<!speech )(?<!psycho)(?<!cognitive )(?<!behavioral )"
    r"(?<!-line )(?<!line )(?<!ultrasound )(?<!light )(?<!infusion )(?<!conservative )"
    r"therapy(?:\s(?:sessions?|visits?))?(?!\w)",
    re.I,
)


class Mention(NamedTuple):
    start: int
    end: int
    text: str
    family: Family


_FAMILY_CACHE: dict[tuple[str, str], Family] = {}


def _classify(text: str, group: str) -> Family:
    key = (text.lower(), group)
    hit = _FAMILY_CACHE.get(key)
    if hit is not None:
        return hit
    got = detect_family(text)
    fam = got if got is not Family.other else Family(group)
    if len(_FAMILY_CACHE) < 4096:  # mention texts are a small closed set; bound the memory anyway
        _FAMILY_CACHE[key] = fam
    return fam


# a text holding none of these stems or abbreviations has no mention (_FAMILY_RE): Sent.may_mention's pre-test
FAMILY_ABBREVIATIONS = ("PT", "OT", "TENS")
FAMILY_STEMS = (
    "chiro", "manipulat", "manual therapy", "aqua", "pool therapy", "hydrotherapy", "work condition", "work harden",
    "physical therap", "physio", "occupational therapy", "hand therapy", "acupunct", "massage", "myofascial release",
    "transcutaneous",
)


def family_mentions(text: str) -> list[Mention]:
    """Physical-medicine treatment mentions in ``text``, in order (Sent.mentions asks only of a sentence
    that passes Sent.may_mention, the pre-test on FAMILY_STEMS and FAMILY_ABBREVIATIONS)."""
    out: list[Mention] = []
    for m in _FAMILY_RE.finditer(text):
        group = m.lastgroup
        if group is None:
            continue
        word = m.group(0)
        head = word.split()[0] if word.split() else word
        if head.upper() in _CASE_SENSITIVE and head not in _CASE_SENSITIVE:
            continue
        out.append(Mention(m.start(), m.end(), word, _classify(word, group)))
    return out


def generic_therapy(text: str, taken: list[Mention]) -> list[tuple[int, int]]:
    """Spans of bare 'therapy' not already inside a family mention."""
    spans = []
    for m in _GENERIC_THERAPY.finditer(text):
        if any(t.start <= m.start() < t.end for t in taken):
            continue
        spans.append((m.start(), m.end()))
    return spans


# ------------------------------------------------------------------ regions
# A word scan (dictionary look-ups, a few bigrams): linear and much faster than a dozen regexes.
_R = Region
_REGION_WORDS: dict[str, tuple[Region, ...]] = {}
for _region, _words in (
    (_R.cervical, "cervical neck necks cervicalgia paracervical cervicothoracic"),
    (_R.thoracic, "thoracic thorax thoracolumbar midback"),
    (_R.lumbar, "lumbar lumbosacral lumbago sacroiliac sciatica sacral sacrum coccyx thoracolumbar lowback"),
    (_R.shoulder, "shoulder shoulders acromioclavicular supraspinatus infraspinatus glenohumeral subacromial scapula scapular"),
    (_R.elbow, "elbow elbows cubital olecranon"),
    (_R.wrist_hand, "wrist wrists hand hands finger fingers thumb thumbs forearm forearms ulna radius carpal palm digits metacarpal"),
    (_R.upper_extremity, "arm arms"),
    (_R.hip, "hip hips groin pelvis pelvic inguinal gluteus gluteal buttock buttocks"),
    (_R.knee, "knee knees patella patellar cruciate"),
    (_R.ankle_foot, "ankle ankles foot feet toe toes heel heels lisfranc tarsal tarsometatarsal tibiofibular plantar achilles"),
    (_R.lower_extremity, "leg legs thigh thighs calf calves"),
    (_R.head, "head headache headaches scalp concussion cephalalgia skull"),
):
    for _w in _words.split():
        _REGION_WORDS[_w] = _REGION_WORDS.get(_w, ()) + (_region,)
_REGION_STEMS: tuple[tuple[str, Region], ...] = (
    ("epicondyl", _R.elbow), ("phalan", _R.wrist_hand), ("trochanter", _R.hip), ("menisc", _R.knee),
    ("patell", _R.knee), ("calcane", _R.ankle_foot), ("metatars", _R.ankle_foot), ("rotator", _R.shoulder),
)
_STEMS = tuple(stem for stem, _ in _REGION_STEMS)
_SPECIAL_WORDS = frozenset(("back", "extremity", "extremities", "head", "arm", "arms"))
# a level (C5, L4) or a word; the level's letter is written first, the letter before it tested after it:
# the same tokens as (?<![A-Za-z])[CTLS]\d{1,2}(?!\d)|[A-Za-z]+, but re skips to the next letter by a fast scan
_REGION_TOKEN = re.compile(r"[CTLS](?<![A-Za-z].)\d{1,2}(?!\d)|[A-Za-z]+")
_LEVEL = {"c": _R.cervical, "t": _R.thoracic, "l": _R.lumbar, "s": _R.lumbar}
_BACK_NOUN = frozenset("pain pains strain strains sprain sprains spasm spasms ache injury injuries".split())
_NOT_HEAD_BEFORE = frozenset("radius radial femoral humeral fibular".split())


def region_mentions(text: str) -> list[tuple[int, int, tuple[Region, ...]]]:
    """(start, end, regions) of each region word in ``text``: the word scan of scan_regions, with places
    ("thoracolumbar" names two regions)."""
    found = list(_REGION_TOKEN.finditer(text))
    if not found:
        return []
    # the tokens are ASCII letters and digits: lower-cased together, the same as one by one
    words = " ".join([m[0] for m in found]).lower().split(" ")
    out: list[tuple[int, int, tuple[Region, ...]]] = []
    for i, w in enumerate(words):
        if not _maybe_region(w):
            continue
        prev = words[i - 1] if i else ""
        nxt = words[i + 1] if i + 1 < len(words) else ""
        got = _regions_of(w, prev, nxt)
        if got:
            a, b = found[i].span()
            out.append((a, b, got))
    return out


def _maybe_region(w: str) -> bool:
    """Can _regions_of name a region for this word? (a quick test that spares most words the rest)"""
    return (w in _REGION_WORDS or w in _SPECIAL_WORDS or (w[0] in "ctls" and len(w) > 1 and w[1].isdigit())
            or (len(w) > 5 and w.startswith(_STEMS)))


def _regions_of(w: str, prev: str, nxt: str) -> tuple[Region, ...]:
    """The regions word ``w`` names between words ``prev`` and ``nxt`` (none: ())."""
    if w[0] in "ctls" and len(w) > 1 and w[1].isdigit():
        return (_LEVEL[w[0]],)
    if w == "back":
        if prev in ("low", "lower"):
            return (_R.lumbar,)
        if prev in ("mid", "upper", "middle"):
            return (_R.thoracic,)
        if nxt in _BACK_NOUN or prev in ("the",) and nxt in ("and", "pain"):
            return (_R.lumbar,)
        return ()
    if w in ("extremity", "extremities"):
        return (_R.upper_extremity,) if prev == "upper" else (_R.lower_extremity,) if prev == "lower" else ()
    if w == "head":
        if prev in _NOT_HEAD_BEFORE:
            return (_R.elbow,) if prev in ("radius", "radial") else ()
        if nxt == "of":
            return ()
    if w in ("arm", "arms") and prev == "upper":
        return (_R.upper_extremity,)
    regs = _REGION_WORDS.get(w)
    if regs:
        return regs
    if len(w) > 5:
        for stem, reg in _REGION_STEMS:
            if w.startswith(stem):
                return (reg,)
    return ()


def scan_regions(text: str) -> list[Region]:
    got: set[Region] = set()
    for _a, _b, regions in region_mentions(text):
        got.update(regions)
    return [r for r in Region if r in got]


def regions_in(text: str) -> list[Region]:
    """Body regions named in ``text``: the normalizer's, else the word scan's."""
    return detect_regions(text) or scan_regions(text)


# ------------------------------------------------------------------ medications
# Names common in California workers' compensation records; plus generic-name suffixes.
_DRUG_NAMES = (
    "norco vicodin percocet oxycontin oxycodone hydrocodone tramadol ultram ultracet tylenol acetaminophen "
    "ibuprofen motrin advil naproxen anaprox aleve naprosyn etodolac nabumetone meloxicam mobic diclofenac "
    "voltaren ketoprofen celebrex celecoxib indomethacin toradol ketorolac aspirin "
    "cyclobenzaprine flexeril orphenadrine norflex robaxin methocarbamol baclofen tizanidine zanaflex "
    "carisoprodol soma lorzone chlorzoxazone skelaxin metaxalone valium diazepam "
    "gabapentin neurontin pregabalin lyrica topiramate topamax nortriptyline amitriptyline elavil "
    "cymbalta duloxetine venlafaxine effexor trazodone butrans buprenorphine morphine "
    "methadone fentanyl duragesic dilaudid hydromorphone nucynta tapentadol codeine fioricet "
    "lidoderm lidocaine terocin menthoderm salonpas anecream capsaicin flurbiprofen "
    "omeprazole prilosec pantoprazole protonix prevacid lansoprazole ranitidine zantac "
    "prednisone medrol methylprednisolone dexamethasone ambien zolpidem lorazepam ativan "
    "alprazolam xanax clonazepam klonopin viagra lisinopril metoprolol atenolol atorvastatin "
    "lovastatin metformin ondansetron zofran risperdal trileptal celexa prozac zoloft"
).split()
_DRUG_SET = frozenset(_DRUG_NAMES)
_DRUG_SUFFIXES = (
    "profen", "prophen", "codone", "morphone", "prazole", "azepam", "azolam", "triptyline", "oxetine", "afaxine", "gabalin",
    "coxib", "olol", "pril", "sartan", "statin", "tidine", "zodone", "barbital", "caine", "phenadrine", "carbamol",
    "bamate",
)
_WORD = re.compile(r"[A-Za-z]{3,}")
_DRUG_FORM = re.compile(r" (?:ER|XR|CR|SR|HCL|HCl)\b")
# a lower-cased text that holds none of these as a substring names no drug (a cheap pre-test)
DRUG_WORDS = (*_DRUG_NAMES, *_DRUG_SUFFIXES)


def drug_mentions(text: str) -> list[tuple[int, int, str]]:
    """(start, end, name) of drug names: a lexicon of common workers' compensation drugs plus generic suffixes."""
    out = []
    for m in _WORD.finditer(text):
        w = m.group(0).lower()
        if w in _DRUG_SET or (len(w) > 6 and w.endswith(_DRUG_SUFFIXES)):
            end = m.end()
            f = _DRUG_FORM.match(text, end)
            if f:
                end = f.end()
            out.append((m.start(), end, text[m.start():end]))
    return out
