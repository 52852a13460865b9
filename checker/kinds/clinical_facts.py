"""The clinical facts every kind shares, as fields of an item's engine fact.

The request's clinical facts (checker.request.clinical.Clinical: stated in a request file, or read
from a letter's case summary) are patient-wide; a criterion is about the item: "objective findings
of nerve compromise" for a lumbar MRI means findings in the lumbar territory (the lumbar roots and
the leg they supply), not in the neck. So each field is taken over the item's territory
(checker.request.clinical.territory); an item naming no region takes the patient's regions.

Three-valued fields follow the record: yes when it says so, no when it says the opposite
("neurologically intact", "no red flags", "improving with therapy"), not_stated otherwise.
Numbers are -1 when unknown (checker.engine.fact_fields.UNKNOWN).
"""
from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import Iterable, Optional

from checker.engine import fact_fields
from checker.engine.fact_fields import UNKNOWN
from checker.request.clinical import (
    CareResponse, Clinical, ComorbidityName, FindingName, StudyKind, StudyResult, territory,
)
from checker.vocab import Region, Tri

IMAGING_STUDIES = frozenset({StudyKind.mri, StudyKind.ct, StudyKind.xray, StudyKind.bone_scan, StudyKind.ultrasound})
EDS_STUDIES = frozenset({StudyKind.emg, StudyKind.ncs})
MECHANICAL = frozenset({FindingName.locking, FindingName.catching, FindingName.instability,
                        FindingName.positive_mcmurray, FindingName.ligament_laxity})
ENTRAPMENT = frozenset({FindingName.positive_tinel, FindingName.positive_phalen, FindingName.positive_durkan})

FIELDS = (
    ("neuro_deficit", "tri", "objective neurologic deficit (sensory, reflex, motor) in the item's territory"),
    ("radicular_symptoms", "tri", "radiating pain, paresthesia or a positive nerve-tension sign in the territory"),
    ("red_flag", "tri", "a red flag (fracture, tumor, infection, cauda equina, progressive deficit ...)"),
    ("conservative_care_tried", "tri", "conservative care (therapy, medication, activity modification ...) tried"),
    ("conservative_care_failed", "tri", "conservative care failed to help (no: it is helping)"),
    ("conservative_care_weeks", "number", "weeks of conservative care so far (-1 unknown)"),
    ("plain_films", "tri", "plain x-rays of the territory were taken"),
    ("imaging_abnormal", "tri", "an MRI or CT of the territory showed pathology"),
    ("eds_abnormal", "tri", "an EMG/NCS of the territory showed pathology"),
    ("change_since_prior", "tri", "symptoms or findings new or worse since the prior study"),
    ("surgery_planned", "tri", "surgery requested, planned or considered"),
    ("invasive_procedure_planned", "tri", "an injection or other invasive procedure planned"),
    ("mechanical_signs", "tri", "locking, catching, instability or a positive meniscal/ligament test"),
    ("effusion", "tri", "joint effusion"),
    ("unable_to_bear_weight", "tri", "unable to bear weight"),
    ("entrapment_signs", "tri", "Tinel, Phalen or Durkan positive (nerve entrapment)"),
    ("paresthesia", "tri", "numbness or tingling in the territory"),
    ("muscle_spasm", "tri", "muscle spasm on examination"),
    ("homebound", "tri", "the patient is homebound"),
    ("age", "number", "age in years (-1 unknown)"),
) + tuple((f"comorbidity_{c.value}", "tri", f"comorbidity: {c.value.replace('_', ' ')}") for c in ComorbidityName)

for _name, _type, _description in FIELDS:
    fact_fields.register(_name, _type, _description)


YES, NO, NOT_STATED = Tri.yes.value, Tri.no.value, Tri.not_stated.value
_TRI_YES, _TRI_NO = Tri.yes, Tri.no  # (module constants: an Enum class's member look-up is slow)
XRAY = frozenset({StudyKind.xray})
CROSS_SECTIONAL = frozenset({StudyKind.mri, StudyKind.ct})
# The finding fields, each with the findings that make it (taken over the item's territory).
FINDING_FIELDS = (
    ("mechanical_signs", MECHANICAL),
    ("effusion", frozenset({FindingName.effusion})),
    ("unable_to_bear_weight", frozenset({FindingName.unable_to_bear_weight})),
    ("entrapment_signs", ENTRAPMENT),
    ("paresthesia", frozenset({FindingName.paresthesia})),
    ("muscle_spasm", frozenset({FindingName.muscle_spasm})),
)
# each finding with the finding fields it makes (one walk of the findings fills them all)
_FIELDS_OF_FINDING = {n: tuple(field for field, names in FINDING_FIELDS if n in names) for n in FindingName}
COMORBIDITY_FIELDS = {c: f"comorbidity_{c.value}" for c in ComorbidityName}
CARE_FAILED = {CareResponse.failed: YES, CareResponse.helping: NO}


def _any(values: Iterable[Tri]) -> str:
    """yes if any says yes, no if some say no and none yes, else not_stated."""
    return _tri_of(set(values))


def _tri_of(seen: set) -> str:
    """_any of the set of values said."""
    return YES if _TRI_YES in seen else NO if _TRI_NO in seen else NOT_STATED


def _in(region: Optional[Region], area: frozenset[Region]) -> bool:
    return region is None or not area or region in area


def _finding_fields(clinical: Clinical, area: frozenset[Region]) -> dict[str, str]:
    """Each FINDING_FIELDS field (_findings of its findings), in one walk of the findings."""
    said: dict[str, set] = {}
    for f in clinical.findings:
        fields = _FIELDS_OF_FINDING[f.name]
        if fields and _in(f.region, area):
            for field in fields:
                said.setdefault(field, set()).add(f.present)
    return {name: _tri_of(said[name]) if name in said else NOT_STATED for name, _ in FINDING_FIELDS}


@lru_cache(maxsize=1024)
def _territory(regions: tuple[Region, ...]) -> frozenset[Region]:
    """territory(), memoized per combination of regions (few recur: most items name one or none)."""
    return territory(regions)


def _per_region(values: dict, area: frozenset[Region]) -> str:
    if not values:  # the common case: nothing stated (spares building a set)
        return NOT_STATED
    return _any(v for k, v in values.items() if k == "unspecified" or not area or k in area)


def _studies(clinical: Clinical, kinds: frozenset[StudyKind], area: frozenset[Region], abnormal: bool) -> str:
    hits = [s for s in clinical.prior_studies if s.study in kinds and _in(s.region, area)]
    if not abnormal:
        return YES if hits else NOT_STATED
    results = {s.result for s in hits}
    if StudyResult.abnormal in results:
        return YES
    return NO if StudyResult.normal in results else NOT_STATED


def clinical_fields(clinical: Clinical, regions: list[Region], age: Optional[int], on: dt.date) -> dict:
    """The shared clinical fields of one item's fact (see the module docstring).

    Findings count over the item's territory (a lumbar MRI: the lumbar roots and the leg); imaging
    over the item's own regions (a knee film says nothing of the lumbar spine); nerve studies over
    the territory (a leg EMG speaks for the lumbar roots)."""
    # The territory only matters when the record states something per region (most state nothing).
    per_region = clinical.neuro_deficit or clinical.radicular_symptoms or clinical.findings or clinical.prior_studies
    area = _territory(tuple(regions)) if per_region else _NOWHERE
    own = frozenset(regions) if clinical.prior_studies else _NOWHERE
    care = clinical.conservative_care
    if care.weeks is not None:
        weeks = care.weeks
    elif care.since is not None and care.since <= on:
        weeks = (on - care.since).days / 7
    else:
        weeks = UNKNOWN
    studies = clinical.prior_studies
    fields = {
        "neuro_deficit": _per_region(clinical.neuro_deficit, area),
        "radicular_symptoms": _per_region(clinical.radicular_symptoms, area),
        "red_flag": clinical.red_flags._value_,  # _value_: Enum.value is a property, slow in this hot path
        "conservative_care_tried": YES if care.tried else NOT_STATED,
        "conservative_care_failed": CARE_FAILED.get(care.response, NOT_STATED),
        "conservative_care_weeks": round(weeks, 1) if weeks != UNKNOWN else UNKNOWN,
        # no prior study: none of the three (spares three scans of an empty list)
        "plain_films": _studies(clinical, XRAY, own, abnormal=False) if studies else NOT_STATED,
        "imaging_abnormal": _studies(clinical, CROSS_SECTIONAL, own, abnormal=True) if studies else NOT_STATED,
        "eds_abnormal": _studies(clinical, EDS_STUDIES, area, abnormal=True) if studies else NOT_STATED,
        "change_since_prior": clinical.change_since_prior._value_,
        "surgery_planned": clinical.surgery_planned._value_,
        "invasive_procedure_planned": clinical.invasive_procedure_planned._value_,
    }
    if clinical.findings:
        fields.update(_finding_fields(clinical, area))
    else:
        fields.update(_NO_FINDINGS)
    fields["homebound"] = clinical.homebound._value_
    fields["age"] = age if age is not None else UNKNOWN
    fields.update(_NO_COMORBIDITIES)
    for c in clinical.comorbidities:  # the last statement of a comorbidity stands
        fields[COMORBIDITY_FIELDS[c.name]] = c.present._value_
    return fields


_NOWHERE: frozenset[Region] = frozenset()
_NO_FINDINGS = {name: NOT_STATED for name, _ in FINDING_FIELDS}
_NO_COMORBIDITIES = {field: NOT_STATED for field in COMORBIDITY_FIELDS.values()}


def prior_studies_of(clinical: Clinical, kinds: Iterable[StudyKind], regions: list[Region]) -> list:
    """The prior studies of these kinds of the item's own regions (for a kind's own 'repeat' facts)."""
    area, kinds = frozenset(regions), frozenset(kinds)
    return [s for s in clinical.prior_studies if s.study in kinds and _in(s.region, area)]
