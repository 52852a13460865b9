"""Injections: epidural (interlaminar, transforaminal, caudal), facet and medial branch blocks,
radiofrequency ablation, trigger point, joint and bursa, platelet-rich plasma, nerve blocks ...

An item is one injection procedure: its type, the spinal levels it names and its side, as the item
reader produces them (checker.normalize.item_attributes, rules/vocab/services.yaml). What its
rules decide on (../shared/guidelines/FACTS-beyond-physmed.md section 7 and 14):

  1. radicular pain and radiculopathy on examination, corroborated by imaging or nerve studies,
     after failed conservative care (the shared clinical fields, checker.kinds.clinical_facts);
  2. the diagnosis: radicular or not, a herniated disc or spinal stenosis (ODG: radiculopathy due to
     a herniated nucleus pulposus, not stenosis), an indication for platelet-rich plasma; each read
     from the patient's diagnoses by ICD-10-CM code and condition category
     (rules/vocab/injection_diagnoses.yaml): yes when one diagnosis is in the group, no when
     diagnoses were read and none is, not stated when none was read;
  3. an earlier injection of the same kind in the same territory, and the relief it gave
     (Clinical.prior_injections: percent, weeks), for the rules on repeat injections;
  4. the quantity: the spinal levels named, else the count the line states, else one injection.
"""
from __future__ import annotations

import datetime as dt
from typing import Optional

from pydantic import BaseModel, ConfigDict, Field

from checker.engine.fact_fields import UNKNOWN
from checker.kinds.base import Attribute, KindFact, ServiceKind
from checker.kinds.registry import register
from checker.request.clinical import InjectionKind, territory
from checker.vocab import Family, Kind, Region, Tri

# The types the item reader gives (services.yaml `type` of the injection entries; "joint" for a bare
# injection into a peripheral joint; "other" for an injection of unstated kind).
TYPES = ("other", "epidural", "interlaminar", "caudal", "transforaminal", "facet", "medial_branch",
         "radiofrequency", "trigger_point", "tendon", "joint", "viscosupplementation", "prp", "sacroiliac",
         "nerve_block", "sympathetic_block", "chemodenervation", "intramuscular")
EPIDURAL = ("epidural", "interlaminar", "caudal", "transforaminal")
SIDES = ("left", "right", "bilateral")

# The item's type as the clinical record names injections (checker.request.clinical.InjectionKind).
PRIOR_KIND = {
    **{t: InjectionKind.epidural for t in EPIDURAL},
    "facet": InjectionKind.facet, "medial_branch": InjectionKind.medial_branch_block,
    "radiofrequency": InjectionKind.radiofrequency_ablation, "trigger_point": InjectionKind.trigger_point,
    "joint": InjectionKind.joint, "sacroiliac": InjectionKind.joint, "prp": InjectionKind.prp,
    "nerve_block": InjectionKind.nerve_block, "sympathetic_block": InjectionKind.nerve_block,
    "viscosupplementation": InjectionKind.viscosupplementation,
}


# ------------------------------------------------------------------ diagnosis groups (vocabulary)

class DiagnosisGroup(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    label: str = Field(min_length=1)
    icd10: list[str] = Field(default_factory=list, description="ICD-10-CM code prefixes")
    categories: list[str] = Field(default_factory=list, description="condition categories (rules/_categories.yaml)")
    unless: list[str] = Field(default_factory=list, description="code prefixes that keep a category match out")
    regions: list[Region] = Field(default_factory=list, description="a category match must name one of these")
    terms: list[str] = Field(default_factory=list, description="the guideline's words no ICD-10-CM title carries")
    source: str = Field(min_length=1)


class DiagnosisGroups(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    sources: dict[str, dict]
    groups: dict[str, DiagnosisGroup]


def _groups() -> dict[str, DiagnosisGroup]:
    from checker.kb.data import vocabulary

    return vocabulary("injection_diagnoses", DiagnosisGroups).groups


def _in_group(group: DiagnosisGroup, text: Optional[str], code: Optional[str], kb) -> bool:
    why = kb.diagnoses.explain(text, code)
    codes = list(why.codes) + [m.code for m in why.best]
    if any(c.startswith(p) for c in codes for p in group.icd10):
        return True
    lowered = (text or "").lower()
    if any(t in lowered for t in group.terms):
        return True
    if not set(group.categories) & set(why.categories):
        return False
    if any(c.startswith(p) for c in codes for p in group.unless):
        return False
    return not group.regions or bool(set(group.regions) & set(kb.diagnosis_regions(text, code)))


def diagnosis_group(request, name: str, kb) -> str:
    """yes / no / not_stated: whether a diagnosis of the patient is in the group (module policy 2)."""
    group = _groups()[name]
    read = False
    for d in request.patient.diagnoses:
        if _in_group(group, d.text, d.code, kb):
            return Tri.yes.value
        read = read or bool(kb.classify_conditions(d.text, d.code)) or bool(d.code)
    return (Tri.no if read else Tri.not_stated).value


# ------------------------------------------------------------------ the kind

class Injections(ServiceKind):
    def quantity(self, item) -> tuple[Optional[int], str, bool]:
        levels = item.attributes.get("levels") or 0
        count = levels if levels > 0 else item.visits if item.visits else 1
        return count, "injections", True

    def understood(self, item) -> list[tuple[str, str]]:
        a = item.attributes
        lines = [("Injection", str(a.get("type", "other")).replace("_", " "))]
        if a.get("levels"):
            lines.append(("Levels", f"{a['levels']} spinal level{'s' if a['levels'] > 1 else ''}"))
        if a.get("side"):
            lines.append(("Side", str(a["side"])))
        return lines

    def facts(self, item, context) -> dict:
        request = context.request
        kind = PRIOR_KIND.get(item.attributes.get("type", "other"), InjectionKind.other)
        near = territory(context.regions)
        same = [p for p in request.clinical.prior_injections
                if p.kind is kind and kind is not InjectionKind.other
                and (p.region is None or not near or p.region in near)]
        latest = max(same, key=lambda p: p.date or dt.date.min, default=None)  # the latest dated (else the first)
        levels = item.attributes.get("levels") or 0
        return {
            "levels": levels if levels > 0 else UNKNOWN,
            "prior_injection_same_type": (Tri.yes if same else Tri.not_stated).value,
            "prior_relief_percent": latest.relief_percent if latest and latest.relief_percent is not None else UNKNOWN,
            "prior_relief_weeks": latest.relief_weeks if latest and latest.relief_weeks is not None else UNKNOWN,
            "prior_injection_improvement": latest.functional_improvement.value if latest else Tri.not_stated.value,
            "radicular_diagnosis": diagnosis_group(request, "radicular", context.kb),
            "herniated_disc": diagnosis_group(request, "disc_herniation", context.kb),
            "spinal_stenosis": diagnosis_group(request, "spinal_stenosis", context.kb),
            "prp_indication": diagnosis_group(request, "prp_indication", context.kb),
        }


KIND = register(Injections(
    Kind.injections,
    frozenset({Family.injection}),
    attributes=(
        Attribute("type", "the kind of injection (services.yaml: epidural, transforaminal, facet, prp ...)", TYPES),
        Attribute("levels", "the spinal levels named (L4-5 and L5-S1: 2; 0 when none is named)"),
        Attribute("side", "left, right or bilateral", SIDES),
    ),
    fact_defs=(
        KindFact("levels", "number", "spinal levels the injection names (-1: none named)"),
        KindFact("prior_injection_same_type", "tri",
                 "an earlier injection of the same kind in the item's territory is documented"),
        KindFact("prior_relief_percent", "number", "pain relief the latest such injection gave, in percent (-1 unknown)"),
        KindFact("prior_relief_weeks", "number", "how many weeks that relief lasted (-1 unknown)"),
        KindFact("prior_injection_improvement", "tri", "functional improvement after the latest such injection"),
        KindFact("radicular_diagnosis", "tri", "a diagnosis of radicular pain or radiculopathy (radiculitis category)"),
        KindFact("herniated_disc", "tri", "a diagnosis of a herniated disc (disc displacement, or with radiculopathy)"),
        KindFact("spinal_stenosis", "tri", "a diagnosis of spinal stenosis (canal or foramina)"),
        KindFact("prp_indication", "tri",
                 "a diagnosis ODG names for platelet-rich plasma: knee osteoarthritis or patellar tendinosis"),
    ),
    quantity_unit="injections",
))
