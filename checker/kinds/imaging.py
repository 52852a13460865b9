"""Imaging: MRI, CT, plain x-rays, bone scans and the other studies of the CPT radiology codes.

An item is a study of one modality of one or more regions (read by checker.normalize: modality,
contrast, open / upright / repeat, and a code's region or site). Its quantity is the studies the
line states, one when it states none. The rules judge it on the record's clinical facts
(checker.kinds.clinical_facts) and on the kind's own facts below.

Policy of the kind's facts:
  1. The site of a study is its own regions (an extremity with its joints); for the spine's
     neurologic red flags, its nerve territory too (a progressive weakness of the leg is a red flag
     for a lumbar MRI; a wrist fracture none for a cervical MRI, a thumb fracture none for a
     shoulder MRI).
  2. red_flag_at_site: yes when the record names a red flag (fracture, tumor, infection, cauda
     equina, progressive deficit, myelopathy, major trauma; suspected ones count: "r/o fracture")
     at the site or of no stated region, the record's last word on each flag of each region
     standing, a word of no stated region speaking for every region ("right thumb post-operative
     infection" ... later "no evidence of infection": none now); no when the record rules red
     flags out there; not_stated otherwise.
  3. repeat_study: yes when the line says repeat, or when the record holds a prior study of the
     same modality group of the item's regions (a side stated on both that differs makes it
     another study: a left knee MRI is no repeat of the right's); not_stated otherwise: a record
     silent on earlier studies does not show there was none.
  4. prior_same_study_days: days from the latest dated such study to the request, -1 unknown.
  5. suspected_<lesion> (rules/vocab/clinical_indications.yaml): yes when a diagnosis of the
     request names the lesion (an ICD-10-CM code prefix, or its title words: "possible rotator cuff
     tear", "rule out CRPS") or an examination finding points to it in its regions (a positive
     impingement sign at the shoulder, locking of the knee); not_stated otherwise.
"""
from __future__ import annotations

import re
from typing import Optional

from pydantic import BaseModel, ConfigDict, Field, model_validator

from checker.engine.fact_fields import UNKNOWN
from checker.kb.data import vocabulary
from checker.kb.fields import Icd10Prefixes, Patterns, VocabSource
from checker.kinds.base import Attribute, KindFact, ServiceKind
from checker.kinds.registry import register
from checker.normalize.regions import read_regions
from checker.request.clinical import Clinical, FindingName, RedFlagName, StudyKind, territory
from checker.vocab import SPINE, Family, Kind, Region, Tri

MODALITIES = ("mri", "ct", "xray", "bone_scan", "ultrasound", "arthrogram", "myelogram", "discogram", "dexa", "pet",
              "unspecified")
CONTRASTS = ("with", "without", "with_and_without", "none_stated")
SITES = ("trunk", "chest")
# The prior studies that make a request for a modality a repeat (clinical.StudyKind).
SAME_STUDY: dict[str, frozenset[StudyKind]] = {
    "mri": frozenset({StudyKind.mri}),
    "ct": frozenset({StudyKind.ct}),
    "xray": frozenset({StudyKind.xray}),
    "bone_scan": frozenset({StudyKind.bone_scan}),
    "ultrasound": frozenset({StudyKind.ultrasound}),
    "unspecified": frozenset({StudyKind.mri, StudyKind.ct}),  # "imaging of the lumbar spine"
}
_EXTREMITY_PARTS = {
    Region.upper_extremity: frozenset({Region.shoulder, Region.elbow, Region.wrist_hand}),
    Region.lower_extremity: frozenset({Region.hip, Region.knee, Region.ankle_foot}),
}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _FindingAt(_Strict):
    name: FindingName
    regions: list[Region] = Field(min_length=1)


class Indication(_Strict):
    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    label: str = Field(min_length=1)
    icd10: Icd10Prefixes = Field(default_factory=list)
    terms: Patterns = Field(default_factory=list)
    findings: list[_FindingAt] = Field(default_factory=list)
    source: str = Field(min_length=1)
    note: Optional[str] = None


class IndicationsFile(_Strict):
    sources: dict[str, VocabSource] = Field(min_length=1)
    indications: list[Indication] = Field(min_length=1)

    @model_validator(mode="after")
    def _known_sources(self):
        for i, entry in enumerate(self.indications):
            if entry.source not in self.sources:
                raise ValueError(f"indications[{i}].source: {entry.source!r} is not a key of sources")
        return self


INDICATIONS = vocabulary("clinical_indications", IndicationsFile).indications
_TERMS = {i.name: re.compile("|".join(f"(?:{t})" for t in i.terms), re.I) if i.terms else None for i in INDICATIONS}


def _code_key(code: str) -> str:
    return code.replace(".", "").upper()


def suspected(request, indication: Indication) -> str:
    """Policy 5."""
    terms = _TERMS[indication.name]
    prefixes = [_code_key(p) for p in indication.icd10]
    for d in request.patient.diagnoses:
        if d.code and any(_code_key(d.code).startswith(p) for p in prefixes):
            return Tri.yes.value
        if d.text and terms is not None and terms.search(d.text):
            return Tri.yes.value
    for f in request.clinical.findings:
        for want in indication.findings:
            if f.name is want.name and f.present is Tri.yes and (f.region is None or f.region in want.regions):
                return Tri.yes.value
    return Tri.not_stated.value


NEUROLOGIC_FLAGS = frozenset({RedFlagName.progressive_neurologic_deficit, RedFlagName.cauda_equina,
                              RedFlagName.myelopathy})


def site(regions: list[Region]) -> frozenset[Region]:
    """Policy 1: the regions a study shows, an extremity with its joints and a joint with its extremity."""
    out = set(regions)
    for r in regions:
        out |= _EXTREMITY_PARTS.get(r, frozenset())
        out |= {whole for whole, parts in _EXTREMITY_PARTS.items() if r in parts}
    return frozenset(out)


def nerve_site(regions: list[Region]) -> frozenset[Region]:
    """Policy 1: the site, and for the spine the nerve territory it supplies."""
    return site(regions) | territory([r for r in regions if r in SPINE])


def red_flag_at(clinical: Clinical, regions: list[Region]) -> str:
    """Policy 2: the record's last word on each flag of each region (one of no region speaks for all)."""
    own, nerves = site(regions), nerve_site(regions)
    last: dict[tuple, Tri] = {}
    for flag in clinical.red_flag_list:  # in the order of the record
        if flag.region is None:
            for key in [k for k in last if k[0] is flag.name]:
                last[key] = flag.present
            last[(flag.name, None)] = flag.present
        elif not regions or flag.region in (nerves if flag.name in NEUROLOGIC_FLAGS else own):
            last[(flag.name, flag.region)] = flag.present
    if Tri.yes in last.values():
        return Tri.yes.value
    if clinical.red_flags is Tri.no or (last and all(v is Tri.no for v in last.values())):
        return Tri.no.value
    return Tri.not_stated.value


def _meets(region: Region, regions: list[Region]) -> bool:
    """The same region, or an extremity and one of its joints."""
    return any(region == r or region in _EXTREMITY_PARTS.get(r, ()) or r in _EXTREMITY_PARTS.get(region, ())
               for r in regions)


def same_studies(clinical: Clinical, modality: Optional[str], regions: list[Region], side: Optional[str]) -> list:
    """Policy 3: the record's prior studies the requested one would repeat."""
    kinds = SAME_STUDY.get(modality or "", frozenset())
    out = []
    for s in clinical.prior_studies:
        if s.study not in kinds or (s.region is not None and regions and not _meets(s.region, regions)):
            continue
        sides = {side, s.side.value if s.side else None}
        if not {"left", "right"} <= sides:  # a side stated on both that differs: another study
            out.append(s)
    return out


def _side(text: str) -> Optional[str]:
    sides = read_regions(text).sides
    return sides[0] if len(sides) == 1 else None


class Imaging(ServiceKind):
    def quantity(self, item) -> tuple[Optional[int], str, bool]:
        return (item.visits if item.quantity_specified and item.visits else 1), "studies", True

    def understood(self, item) -> list[tuple[str, str]]:
        """Modality and contrast; the region or site a CPT code names (the report shows the regions
        read from the words already); open, upright or repeat when the line says so."""
        a = item.attributes
        lines = [("Modality", str(a.get("modality") or "unspecified").replace("_", " ")),
                 ("Contrast", str(a.get("contrast") or "none_stated").replace("_", " "))]
        coded = a.get("region") or a.get("site")
        if coded:
            lines.append(("Code's region", str(coded).replace("_", " ")))
        flags = [name for name in ("open", "upright", "repeat") if a.get(name)]
        if flags:
            lines.append(("Study", ", ".join(flags)))
        return lines

    def facts(self, item, context) -> dict:
        clinical = context.request.clinical
        regions = list(context.regions)
        modality = item.attributes.get("modality")
        priors = same_studies(clinical, modality, regions, _side(item.text))
        dated = [s.date for s in priors if s.date is not None and s.date <= context.dates.clinical]
        repeat = bool(item.attributes.get("repeat")) or bool(priors)
        return {
            "red_flag_at_site": red_flag_at(clinical, regions),
            "repeat_study": (Tri.yes if repeat else Tri.not_stated).value,
            "prior_same_study_days": (context.dates.clinical - max(dated)).days if dated else UNKNOWN,
            **{f"suspected_{i.name}": suspected(context.request, i) for i in INDICATIONS},
        }


KIND = register(Imaging(
    Kind.imaging,
    frozenset({Family.imaging}),
    attributes=(
        Attribute("modality", "the study (services.yaml: mri, ct, xray, bone_scan ...)", MODALITIES),
        Attribute("contrast", "with, without, with_and_without or none_stated (the words, else the code)", CONTRASTS),
        Attribute("open", "an open MRI", (True, False)),
        Attribute("upright", "an upright, positional or weight-bearing study", (True, False)),
        Attribute("repeat", "the line asks for a repeat, updated or new study", (True, False)),
        Attribute("region", "the region a CPT code names", tuple(r.value for r in Region)),
        Attribute("site", "the site a CPT code names outside the regions", SITES),
    ),
    fact_defs=(
        KindFact("red_flag_at_site", "tri", "a red flag at the imaged site (the spine: its nerve territory too)"),
        KindFact("repeat_study", "tri", "the study repeats one of the same modality and region (yes or not_stated)"),
        KindFact("prior_same_study_days", "number", "days since that prior study (-1 unknown)"),
    ) + tuple(KindFact(f"suspected_{i.name}", "tri", f"{i.label} suspected (diagnosis or examination)")
              for i in INDICATIONS),
    quantity_unit="studies",
))
