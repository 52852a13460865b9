"""Clinical facts beyond physical medicine: what imaging, nerve-study, injection, surgery and service rules ask.

One model, :class:`Clinical`, that a request file states by hand (``clinical:`` of a request)
and that the letter reader fills from the case summary (``CaseFacts.clinical``, each fact with
its evidence sentence in ``evidence``). The facts follow the criteria the reviewers applied
(../shared/guidelines/FACTS-beyond-physmed.md sections 4-9 and 14): objective neurologic
findings and radicular signs, red flags, conservative care and its response, prior studies and
what changed since, prior injections and their relief, a surgery or an injection planned, the
comorbidities and homebound status that pre-operative tests and home care turn on, and what
equipment and service rules ask (sections 8, 9.2, 9.3): deficits in daily activities and walking,
skilled care, a hospital stay, medical stability, the kind of hearing loss and who recommends aids,
maximum medical improvement and return to work, a follow-up's purpose, an in-home evaluation.

Request files may write values the way people do: names in any case with spaces or hyphens
("Positive SLR", "x-ray", "physical therapy"), yes/no as for every Tri, weeks as "6 weeks" or
"2 months"; anything else is a one-line error naming the field.
"""
from __future__ import annotations

import datetime as dt
import re
from enum import Enum
from typing import Annotated, Iterable, Literal, Optional, Union

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator, model_validator

from checker.vocab import Region, Tri


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", use_enum_values=False)


# ------------------------------------------------------------------ closed vocabularies

class FindingName(str, Enum):
    """A finding of the history or the examination (see rules/vocab/clinical_findings.yaml)."""

    sensory_deficit = "sensory_deficit"  # decreased / diminished sensation, dermatomal sensory loss, hypoesthesia
    reflex_deficit = "reflex_deficit"  # diminished, absent or asymmetric deep tendon reflexes
    motor_weakness = "motor_weakness"  # weakness, strength below 5/5, foot drop
    atrophy = "atrophy"  # muscle wasting
    neurologic_deficit = "neurologic_deficit"  # a deficit of unstated kind ("focal neurological deficit", "neurologically intact")
    positive_slr = "positive_slr"  # straight leg raise
    positive_spurling = "positive_spurling"
    positive_tinel = "positive_tinel"
    positive_phalen = "positive_phalen"
    positive_durkan = "positive_durkan"  # carpal compression test
    positive_finkelstein = "positive_finkelstein"
    positive_mcmurray = "positive_mcmurray"
    positive_impingement_sign = "positive_impingement_sign"  # Neer, Hawkins(-Kennedy)
    ligament_laxity = "ligament_laxity"  # positive Lachman, drawer, valgus / varus stress test
    radiating_pain = "radiating_pain"  # pain radiating into a limb, radicular pain, sciatica
    paresthesia = "paresthesia"  # numbness, tingling, pins and needles
    locking = "locking"
    catching = "catching"
    instability = "instability"  # giving way
    effusion = "effusion"
    unable_to_bear_weight = "unable_to_bear_weight"
    limited_flexion = "limited_flexion"
    limited_range_of_motion = "limited_range_of_motion"
    muscle_spasm = "muscle_spasm"


OBJECTIVE_NEURO = frozenset({FindingName.sensory_deficit, FindingName.reflex_deficit, FindingName.motor_weakness,
                             FindingName.atrophy, FindingName.neurologic_deficit})
RADICULAR = frozenset({FindingName.radiating_pain, FindingName.paresthesia, FindingName.positive_slr,
                       FindingName.positive_spurling})


class Side(str, Enum):
    left = "left"
    right = "right"
    bilateral = "bilateral"


class RedFlagName(str, Enum):
    """ACOEM red flags: "cauda equina, tumor, infection, or fracture" (Ch. 12, Table 12-8), and the others named."""

    fracture = "fracture"
    tumor = "tumor"
    infection = "infection"
    cauda_equina = "cauda_equina"  # saddle anesthesia, bowel or bladder dysfunction
    progressive_neurologic_deficit = "progressive_neurologic_deficit"
    significant_trauma = "significant_trauma"
    myelopathy = "myelopathy"


class CareKind(str, Enum):
    physical_therapy = "physical_therapy"
    chiropractic = "chiropractic"
    acupuncture = "acupuncture"
    massage = "massage"
    medications = "medications"
    injections = "injections"
    activity_modification = "activity_modification"  # modified duty, work restrictions
    home_exercise = "home_exercise"
    bracing = "bracing"  # brace, splint, sling, support
    rest = "rest"
    ice_heat = "ice_heat"
    tens = "tens"


class CareResponse(str, Enum):
    failed = "failed"  # no improvement, persistent pain despite it
    helping = "helping"  # improving with it
    not_stated = "not_stated"


class StudyKind(str, Enum):
    mri = "mri"
    ct = "ct"
    xray = "xray"
    emg = "emg"
    ncs = "ncs"
    bone_scan = "bone_scan"
    ultrasound = "ultrasound"  # diagnostic


class StudyResult(str, Enum):
    normal = "normal"  # negative, unremarkable
    abnormal = "abnormal"  # revealed a finding
    not_stated = "not_stated"


class InjectionKind(str, Enum):
    epidural = "epidural"
    facet = "facet"
    medial_branch_block = "medial_branch_block"
    radiofrequency_ablation = "radiofrequency_ablation"
    joint = "joint"  # intra-articular or bursal corticosteroid (knee, shoulder, sacroiliac ...)
    trigger_point = "trigger_point"
    prp = "prp"  # platelet-rich plasma
    nerve_block = "nerve_block"
    viscosupplementation = "viscosupplementation"
    other = "other"  # an injection of unstated kind


class ComorbidityName(str, Enum):
    """Risk factors pre-operative testing turns on (FACTS-beyond-physmed.md 9.1)."""

    diabetes = "diabetes"
    hypertension = "hypertension"
    cardiac_disease = "cardiac_disease"
    renal_disease = "renal_disease"
    obesity = "obesity"
    anemia = "anemia"
    bleeding_disorder = "bleeding_disorder"
    anticoagulant = "anticoagulant"  # current use
    antiplatelet = "antiplatelet"  # current use
    pulmonary_disease = "pulmonary_disease"
    smoking = "smoking"


class HearingLoss(str, Enum):
    """The kind of hearing loss an audiogram or an otolaryngologist names (ODG Head, Hearing aids)."""

    sensorineural = "sensorineural"  # inner ear or the 8th cranial nerve ("nerve" loss; noise-induced)
    conductive = "conductive"  # outer or middle ear
    mixed = "mixed"  # conductive with sensorineural
    unspecified = "unspecified"  # hearing loss of unnamed kind
    none = "none"  # hearing found normal


# ------------------------------------------------------------------ friendly spellings

_ALIASES: dict[type[Enum], dict[str, str]] = {
    FindingName: {
        "slr": "positive_slr", "straight_leg_raise": "positive_slr", "positive_straight_leg_raise": "positive_slr",
        "spurling": "positive_spurling", "spurlings": "positive_spurling", "tinel": "positive_tinel",
        "tinels": "positive_tinel", "phalen": "positive_phalen", "phalens": "positive_phalen",
        "durkan": "positive_durkan", "durkans": "positive_durkan", "finkelstein": "positive_finkelstein",
        "mcmurray": "positive_mcmurray", "mcmurrays": "positive_mcmurray", "impingement": "positive_impingement_sign",
        "decreased_sensation": "sensory_deficit", "sensory_loss": "sensory_deficit", "hypoesthesia": "sensory_deficit",
        "weakness": "motor_weakness", "motor_deficit": "motor_weakness", "decreased_reflexes": "reflex_deficit",
        "radicular_pain": "radiating_pain", "sciatica": "radiating_pain", "numbness": "paresthesia",
        "tingling": "paresthesia", "paresthesias": "paresthesia", "spasm": "muscle_spasm", "spasms": "muscle_spasm",
        "giving_way": "instability", "neuro_deficit": "neurologic_deficit",
    },
    CareKind: {
        "pt": "physical_therapy", "physiotherapy": "physical_therapy", "chiro": "chiropractic",
        "manipulation": "chiropractic", "medication": "medications", "meds": "medications", "nsaids": "medications",
        "injection": "injections", "modified_duty": "activity_modification", "work_restrictions": "activity_modification",
        "hep": "home_exercise", "home_exercise_program": "home_exercise", "brace": "bracing", "splint": "bracing",
        "ice": "ice_heat", "heat": "ice_heat",
    },
    StudyKind: {
        "x_ray": "xray", "x_rays": "xray", "xrays": "xray", "radiograph": "xray", "radiographs": "xray",
        "plain_films": "xray", "magnetic_resonance_imaging": "mri", "cat_scan": "ct", "ct_scan": "ct",
        "computed_tomography": "ct", "ncv": "ncs", "nerve_conduction": "ncs", "nerve_conduction_study": "ncs",
        "electromyography": "emg",
    },
    InjectionKind: {
        "esi": "epidural", "epidural_steroid_injection": "epidural", "mbb": "medial_branch_block",
        "rfa": "radiofrequency_ablation", "tpi": "trigger_point", "platelet_rich_plasma": "prp",
        "corticosteroid": "joint", "cortisone": "joint",
    },
    Side: {"l": "left", "r": "right", "both": "bilateral", "bilat": "bilateral", "b": "bilateral"},
    CareResponse: {"no_improvement": "failed", "not_helping": "failed", "improving": "helping", "helped": "helping",
                   "not_stated": "not_stated", "unknown": "not_stated"},
    StudyResult: {"negative": "normal", "unremarkable": "normal", "positive": "abnormal"},
    RedFlagName: {"cancer": "tumor", "malignancy": "tumor", "cauda_equina_syndrome": "cauda_equina"},
    HearingLoss: {"snhl": "sensorineural", "sensori_neural": "sensorineural", "nerve": "sensorineural",
                  "noise_induced": "sensorineural", "chl": "conductive", "normal": "none", "no": "none"},
    ComorbidityName: {"dm": "diabetes", "htn": "hypertension", "cad": "cardiac_disease", "heart_disease": "cardiac_disease",
                      "ckd": "renal_disease", "kidney_disease": "renal_disease", "copd": "pulmonary_disease",
                      "smoker": "smoking", "tobacco": "smoking", "anticoagulants": "anticoagulant"},
}


def _key(value: str) -> str:
    return re.sub(r"[\s\-/]+", "_", value.strip().lower().replace("'", "").replace("’", "")).strip("_")


def friendly(enum: type[Enum], value: object) -> object:
    """``value`` as a member of ``enum``, accepting case, spaces, hyphens and the usual aliases."""
    if isinstance(value, enum) or not isinstance(value, str):
        return value
    key = _key(value)
    if key in enum.__members__:
        return enum[key]
    alias = _ALIASES.get(enum, {}).get(key)
    if alias is not None:
        return enum(alias)
    raise ValueError(f"expected one of {', '.join(m.value for m in enum)}")


def friendly_region(value: object) -> object:
    if isinstance(value, Region) or not isinstance(value, str):
        return value
    key = _key(value)
    if key in Region.__members__:
        return Region[key]
    from checker.normalize.regions import detect_regions

    found = detect_regions(value)
    if len(found) == 1:
        return found[0]
    raise ValueError(f"expected a body region ({', '.join(r.value for r in Region)})")


_LEVEL = re.compile(r"^[CTLS]\d{1,2}(?:-[CTLS]?\d{1,2})?$")
_LEVEL_SEPARATOR = re.compile(r"\s*[-/]\s*")
_SHORT_RANGE = re.compile(r"^([CTLS])(\d+)-(\d+)$")
_WEEKS = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(weeks?|wks?|months?|mos?|days?)?\s*$", re.I)
WEEKS_PER_MONTH = 30.4375 / 7


def friendly_weeks(value: object) -> object:
    if isinstance(value, bool) or not isinstance(value, str):
        return value
    m = _WEEKS.match(value)
    if not m:
        raise ValueError("expected a number of weeks such as 6, '6 weeks' or '2 months'")
    n, unit = float(m[1]), (m[2] or "w").lower()
    return n * WEEKS_PER_MONTH if unit.startswith("mo") else n / 7 if unit.startswith("d") else n


def _before(parser, *fields: str):
    """A 'before' validator of ``fields`` that reads a friendly spelling with ``parser``."""
    return field_validator(*fields, mode="before")(staticmethod(parser))


def _yes_no(value: object) -> Tri:
    try:
        tri = Tri.parse(value)
    except ValueError:
        tri = None
    if tri is None or tri is Tri.not_stated:
        raise ValueError("expected yes or no (leave the entry out when the record does not say)")
    return tri


# ------------------------------------------------------------------ the facts

RegionKey = Union[Region, Literal["unspecified"]]


class Finding(_Strict):
    """One finding, present or stated absent ("negative straight leg raise", "sensation intact")."""

    name: FindingName
    present: Tri = Field(default=Tri.yes, description="yes, or no when the record says it is absent")
    region: Optional[Region] = Field(default=None, description="where: the dermatome's spine region, the limb or joint")
    side: Optional[Side] = None

    _name = _before(lambda v: friendly(FindingName, v), "name")
    _side = _before(lambda v: friendly(Side, v), "side")
    _region = _before(friendly_region, "region")
    _present = _before(_yes_no, "present")


class RedFlag(_Strict):
    name: RedFlagName
    present: Tri = Field(default=Tri.yes, description="yes, or no when the record rules it out")
    suspected: bool = Field(default=False, description="named as suspected or to be ruled out, not confirmed")
    region: Optional[Region] = None

    _name = _before(lambda v: friendly(RedFlagName, v), "name")
    _region = _before(friendly_region, "region")
    _present = _before(_yes_no, "present")


class ConservativeCare(_Strict):
    """Conservative care so far: what was tried, since when or how long, and how it answered."""

    tried: list[Annotated[CareKind, BeforeValidator(lambda v: friendly(CareKind, v))]] = Field(default_factory=list)
    since: Optional[dt.date] = Field(default=None, description="the earliest start date stated")
    weeks: Optional[float] = Field(default=None, gt=0, le=520, description="its duration when stated")
    response: CareResponse = CareResponse.not_stated

    @field_validator("tried", mode="before")
    @classmethod
    def _one(cls, v):
        return [v] if isinstance(v, str) else v

    @field_validator("tried")
    @classmethod
    def _once(cls, v):
        return [k for i, k in enumerate(v) if k not in v[:i]]

    _weeks = _before(friendly_weeks, "weeks")
    _response = _before(lambda v: friendly(CareResponse, v), "response")


class PriorStudy(_Strict):
    """An imaging or electrodiagnostic study already done."""

    study: StudyKind
    region: Optional[Region] = None
    side: Optional[Side] = None
    date: Optional[dt.date] = None
    result: StudyResult = StudyResult.not_stated

    _study = _before(lambda v: friendly(StudyKind, v), "study")
    _region = _before(friendly_region, "region")
    _side = _before(lambda v: friendly(Side, v), "side")
    _result = _before(lambda v: friendly(StudyResult, v), "result")


class PriorInjection(_Strict):
    """An injection already given, and what it did."""

    kind: InjectionKind = InjectionKind.other
    region: Optional[Region] = None
    level: Optional[str] = Field(default=None, description="spinal level, e.g. L4-L5, L5-S1, C6")
    side: Optional[Side] = None
    date: Optional[dt.date] = None
    relief_percent: Optional[int] = Field(default=None, ge=0, le=100)
    relief_weeks: Optional[float] = Field(default=None, ge=0, le=520)
    functional_improvement: Tri = Tri.not_stated

    _kind = _before(lambda v: friendly(InjectionKind, v), "kind")
    _region = _before(friendly_region, "region")
    _side = _before(lambda v: friendly(Side, v), "side")
    _weeks = _before(friendly_weeks, "relief_weeks")
    _fi = _before(Tri.parse, "functional_improvement")

    @field_validator("level", mode="before")
    @classmethod
    def _level(cls, v):
        if not isinstance(v, str):
            return v
        level = _LEVEL_SEPARATOR.sub("-", v.strip().upper())
        if not _LEVEL.match(level):
            raise ValueError("expected a spinal level such as L4-L5, L5-S1 or C6")
        return _SHORT_RANGE.sub(r"\1\2-\1\3", level)  # L4-5 is L4-L5


class Comorbidity(_Strict):
    name: ComorbidityName
    present: Tri = Field(default=Tri.yes, description="yes, or no when the record says the patient has not it")

    _name = _before(lambda v: friendly(ComorbidityName, v), "name")
    _present = _before(_yes_no, "present")


# ------------------------------------------------------------------ medications (FACTS-beyond-physmed 6, 14)

class DrugStatus(str, Enum):
    """Where a drug stands for the patient on the request date."""

    current = "current"  # taking it now: current medications, continue, refill, has been taking
    past = "past"  # taken before and stopped
    new = "new"  # first prescribed now: a trial of, start, initiate
    not_stated = "not_stated"


class DrugTestResult(str, Enum):
    consistent = "consistent"  # with the drugs prescribed
    inconsistent = "inconsistent"  # aberrant: a drug not prescribed, or the one prescribed missing
    not_stated = "not_stated"


_ALIASES.update({
    DrugStatus: {"taking": "current", "ongoing": "current", "continued": "current", "continue": "current",
                 "refill": "current", "stopped": "past", "discontinued": "past", "previous": "past",
                 "prior": "past", "started": "new", "trial": "new", "initial": "new", "first": "new",
                 "unknown": "not_stated"},
    DrugTestResult: {"negative": "consistent", "appropriate": "consistent", "compliant": "consistent",
                     "positive": "inconsistent", "aberrant": "inconsistent", "unknown": "not_stated"},
})
_FRACTION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(?:/\s*10)?\s*$")
_PERCENT = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*%?\s*$")


def _pain_score(value: object) -> object:
    """A pain score as written: 7, 7.5 or "7/10"."""
    if isinstance(value, bool):
        raise ValueError("expected a pain score from 0 to 10 such as 7 or '7/10'")
    if isinstance(value, str):
        m = _FRACTION.match(value)
        if not m:
            raise ValueError("expected a pain score from 0 to 10 such as 7 or '7/10'")
        return float(m[1])
    return value


def _percent(value: object) -> object:
    if isinstance(value, bool):
        raise ValueError("expected a percentage from 0 to 100 such as 50 or '50%'")
    if isinstance(value, str):
        m = _PERCENT.match(value)
        if not m:
            raise ValueError("expected a percentage from 0 to 100 such as 50 or '50%'")
        return float(m[1])
    return value


class DrugUse(_Strict):
    """One drug the patient takes, took or starts: since when or how long, and how it answered.

    The drug is named as written (brand, generic or product: "Norco", "hydrocodone/APAP");
    the medications kind resolves it through rules/vocab/drug_classes.yaml.
    """

    drug: str = Field(min_length=1, max_length=200)
    status: DrugStatus = DrugStatus.not_stated
    since: Optional[dt.date] = Field(default=None, description="when the patient started it")
    weeks: Optional[float] = Field(default=None, gt=0, le=1040, description="how long it has been taken")
    pain_with: Optional[float] = Field(default=None, ge=0, le=10, description="pain score with the drug (0-10)")
    pain_without: Optional[float] = Field(default=None, ge=0, le=10, description="pain score without it (0-10)")
    relief_percent: Optional[float] = Field(default=None, ge=0, le=100, description="pain relief it gives, in %")
    pain_relief: Tri = Field(default=Tri.not_stated, description="it relieves pain (yes), or does not (no)")
    functional_benefit: Tri = Field(default=Tri.not_stated, description="function improves with it (activities "
                                                                         "of daily living, work)")
    side_effects: Tri = Field(default=Tri.not_stated, description="adverse effects: yes, or no when denied")
    failed: Tri = Field(default=Tri.not_stated, description="ineffective or not tolerated")

    @model_validator(mode="before")
    @classmethod
    def _from_scalar(cls, value):
        return {"drug": value} if isinstance(value, str) else value

    _status = _before(lambda v: friendly(DrugStatus, v), "status")
    _weeks = _before(friendly_weeks, "weeks")
    _scores = _before(_pain_score, "pain_with", "pain_without")
    _relief = _before(_percent, "relief_percent")
    _tris = _before(Tri.parse, "pain_relief", "functional_benefit", "side_effects", "failed")

    def relief(self) -> Optional[float]:
        """Pain relief in %, stated or from the scores without and with the drug."""
        if self.relief_percent is not None:
            return self.relief_percent
        if self.pain_with is not None and self.pain_without:
            return max(0.0, round(100 * (self.pain_without - self.pain_with) / self.pain_without, 1))
        return None


class GiRisk(_Strict):
    """Gastrointestinal risk factors (CPMTG 2016 "NSAIDs, GI symptoms & cardiovascular risk"; FACTS P1-P3).

    Age over 65 is the patient's age (patient.age); the guideline lists it (P3) but no dev letter
    quotes it, so no rule of this rule base relies on it (MEMORY)."""

    peptic_ulcer: Tri = Field(default=Tri.not_stated, description="history of peptic ulcer")
    gi_bleeding: Tri = Field(default=Tri.not_stated, description="history of GI bleeding")
    perforation: Tri = Field(default=Tri.not_stated, description="history of GI perforation")
    dyspepsia: Tri = Field(default=Tri.not_stated, description="dyspepsia, reflux, gastritis, GI upset")
    high_dose_nsaid: Tri = Field(default=Tri.not_stated, description="high-dose or multiple NSAIDs")
    anticoagulant: Tri = Field(default=Tri.not_stated, description="concurrent anticoagulant or antiplatelet "
                                                                   "(MEMORY in FACTS P2: no rule relies on it)")

    _tris = _before(Tri.parse, "peptic_ulcer", "gi_bleeding", "perforation", "dyspepsia", "high_dose_nsaid",
                    "anticoagulant")


class DrugTest(_Strict):
    """A urine drug test already done."""

    date: Optional[dt.date] = None
    result: DrugTestResult = DrugTestResult.not_stated

    @model_validator(mode="before")
    @classmethod
    def _from_scalar(cls, value):
        return {"date": value} if isinstance(value, (str, dt.date)) else value

    _result = _before(lambda v: friendly(DrugTestResult, v), "result")


class Medications(_Strict):
    """What the record says of the patient's medications: the drugs, GI risk, opioid monitoring."""

    drugs: list[DrugUse] = Field(default_factory=list, description="current, past and new drugs")
    gi_risk: GiRisk = Field(default_factory=GiRisk)
    urine_drug_tests: list[DrugTest] = Field(default_factory=list, description="urine drug tests done")
    cures_checked: Tri = Field(default=Tri.not_stated, description="the CURES (PDMP) report was checked")
    risk_screen: Tri = Field(default=Tri.not_stated, description="an opioid risk screen (ORT, SOAPP ...) was done")
    treatment_agreement: Tri = Field(default=Tri.not_stated, description="a written opioid treatment agreement")
    aberrant_behavior: Tri = Field(default=Tri.not_stated, description="aberrant drug behavior or misuse: yes, "
                                                                       "or no when the record says there is none")
    substance_abuse: Tri = Field(default=Tri.not_stated, description="a history of substance use disorder")
    oral_intolerance: Tri = Field(default=Tri.not_stated, description="cannot swallow or tolerate oral medication")
    first_line_failed: Tri = Field(default=Tri.not_stated, description="first-line medications tried and failed")
    pain_score: Optional[float] = Field(default=None, ge=0, le=10, description="the patient's pain now, 0-10 (the "
                                                                              "highest score of the latest report)")
    pain_level: Optional[Literal["mild", "moderate", "severe"]] = Field(default=None, description="pain in words")

    _score = _before(_pain_score, "pain_score")
    _tris = _before(Tri.parse, "cures_checked", "risk_screen", "treatment_agreement", "aberrant_behavior",
                    "substance_abuse", "oral_intolerance", "first_line_failed")

    @field_validator("drugs", "urine_drug_tests", mode="before")
    @classmethod
    def _one_or_many(cls, v):
        return [v] if isinstance(v, (str, dict)) else v


# Which regions share a nerve territory: a deficit in the foot speaks for the lumbar roots, a
# C6 deficit for the hand. Used to match findings to the region of a request.
_UPPER = frozenset({Region.cervical, Region.upper_extremity, Region.shoulder, Region.elbow, Region.wrist_hand})
_LOWER = frozenset({Region.lumbar, Region.lower_extremity, Region.hip, Region.knee, Region.ankle_foot})


def territory(regions: Iterable[Region]) -> frozenset[Region]:
    """The regions whose findings bear on ``regions``: the same limb and its spinal segment."""
    out: set[Region] = set()
    for r in regions:
        out |= _UPPER if r in _UPPER else _LOWER if r in _LOWER else {r}
    return frozenset(out)


class Clinical(_Strict):
    """The clinical facts of one patient (see the module docstring); all default to 'not stated'."""

    findings: list[Finding] = Field(default_factory=list, description="exam and history findings, present or absent")
    neuro_deficit: dict[RegionKey, Tri] = Field(
        default_factory=dict, description="objective neurologic deficit (sensory, reflex, motor) per region, "
        "'unspecified' when the record names none; derived from findings unless stated")
    radicular_symptoms: dict[RegionKey, Tri] = Field(
        default_factory=dict, description="radiating pain, paresthesia or a positive nerve-tension sign (SLR, "
        "Spurling) per region; derived from findings unless stated")
    red_flags: Tri = Field(default=Tri.not_stated, description="any red flag; yes when one is present")
    red_flag_list: list[RedFlag] = Field(default_factory=list, description="red flags named, present or ruled out")
    conservative_care: ConservativeCare = Field(default_factory=ConservativeCare)
    prior_studies: list[PriorStudy] = Field(default_factory=list)
    change_since_prior: Tri = Field(default=Tri.not_stated, description="symptoms or findings new or worse "
                                                                         "since the prior study")
    prior_injections: list[PriorInjection] = Field(default_factory=list)
    surgery_planned: Tri = Field(default=Tri.not_stated, description="surgery requested, planned or considered "
                                                                     "(surgical consultation, candidate for surgery)")
    invasive_procedure_planned: Tri = Field(default=Tri.not_stated, description="an injection or other invasive "
                                                                                "procedure requested or planned")
    comorbidities: list[Comorbidity] = Field(default_factory=list)
    homebound: Tri = Tri.not_stated
    medications: Medications = Field(default_factory=Medications, description="drugs taken, GI risk, opioid "
                                                                              "monitoring (FACTS-beyond-physmed 6)")
    # What equipment and services rules ask (FACTS-beyond-physmed.md 8, 9.2, 9.3 and 14): function,
    # care needs, hearing, work capability. Read from the case summary by checker.letters.facts.function.
    adl_deficit: Tri = Field(default=Tri.not_stated, description="objective deficits in function that preclude "
                             "activities of daily living (self-care, bathing, dressing, toileting, transfers)")
    mobility_limitation: Tri = Field(default=Tri.not_stated, description="walking is impaired (antalgic gait, "
                                     "difficulty walking, needs help or an assistive device to walk)")
    unable_to_ambulate: Tri = Field(default=Tri.not_stated, description="cannot walk: bed- or chair-confined "
                                    "without a wheelchair (no: walks)")
    skilled_care_needed: Tri = Field(default=Tri.not_stated, description="needs care only a licensed professional "
                                     "gives (intravenous drugs, dressing changes, wound care, skilled nursing)")
    inpatient_stay: Tri = Field(default=Tri.not_stated, description="admitted to or discharged from a hospital "
                                "for this injury")
    medically_stable: Tri = Field(default=Tri.not_stated, description="medically stable and able to take part "
                                  "in therapy")
    hearing_loss: Optional[HearingLoss] = Field(default=None, description="the kind of hearing loss found "
                                                "(none: hearing normal; leave out when the record does not say)")
    hearing_aid_recommended: Tri = Field(default=Tri.not_stated, description="an otolaryngologist or audiologist "
                                         "recommends hearing aids")
    mmi: Tri = Field(default=Tri.not_stated, description="at or near maximum medical improvement (permanent and "
                     "stationary)")
    return_to_work_failed: Tri = Field(default=Tri.not_stated, description="a return to work was tried and failed")
    full_duty: Tri = Field(default=Tri.not_stated, description="working full or regular duty without restrictions")
    visit_purpose_stated: Tri = Field(default=Tri.not_stated, description="the record says what a follow-up "
                                      "visit is for (results to review, a reassessment)")
    in_home_evaluation: Tri = Field(default=Tri.not_stated, description="an in-home evaluation of activities of "
                                    "daily living by a home health nurse or therapist, done or referred")

    _hearing_loss = _before(lambda v: friendly(HearingLoss, v), "hearing_loss")

    @field_validator("adl_deficit", "mobility_limitation", "unable_to_ambulate", "skilled_care_needed",
                     "inpatient_stay", "medically_stable", "hearing_aid_recommended", "mmi", "return_to_work_failed",
                     "full_duty", "visit_purpose_stated", "in_home_evaluation", mode="before")
    @classmethod
    def _service_tri(cls, v):
        return Tri.parse(v)

    @field_validator("red_flags", "change_since_prior", "surgery_planned", "invasive_procedure_planned", "homebound",
                     mode="before")
    @classmethod
    def _tri(cls, v):
        return Tri.parse(v)

    @field_validator("neuro_deficit", "radicular_symptoms", mode="before")
    @classmethod
    def _per_region(cls, v):
        if v is None or isinstance(v, (str, bool)):  # one value for the record as a whole
            return {} if Tri.parse(v) is Tri.not_stated else {"unspecified": Tri.parse(v)}
        if isinstance(v, dict):
            return {k if k == "unspecified" or isinstance(k, Region) else friendly_region(k): Tri.parse(t)
                    for k, t in v.items()}
        return v

    @model_validator(mode="after")
    def _derive(self):
        if not self.neuro_deficit:
            self.neuro_deficit = _per_region(self.findings, OBJECTIVE_NEURO)
        if not self.radicular_symptoms:
            self.radicular_symptoms = _per_region(self.findings, RADICULAR)
        present = [f for f in self.red_flag_list if f.present is Tri.yes]
        if present and self.red_flags is Tri.no:
            raise ValueError(f"red_flags: no, but red_flag_list names {present[0].name.value} as present")
        if present:
            self.red_flags = Tri.yes
        return self

    # ---------------------------------------------------------------- questions rules ask

    def neuro_deficit_in(self, regions: Iterable[Region]) -> Tri:
        """An objective neurologic deficit in the nerve territory of ``regions`` (or of unstated region)."""
        return _in(self.neuro_deficit, regions)

    def radicular_in(self, regions: Iterable[Region]) -> Tri:
        return _in(self.radicular_symptoms, regions)

    def red_flags_in(self, regions: Iterable[Region]) -> Tri:
        """A red flag present in the territory of ``regions`` or of no stated region; no when ruled out there."""
        near = territory(regions)
        flags = [f for f in self.red_flag_list if f.region is None or f.region in near]
        if any(f.present is Tri.yes for f in flags):
            return Tri.yes
        if self.red_flags is Tri.no or (flags and all(f.present is Tri.no for f in flags)):
            return Tri.no
        return Tri.not_stated

    def prior_studies_of(self, regions: Iterable[Region], kinds: Iterable[StudyKind] = ()) -> list[PriorStudy]:
        """Prior studies of the same regions (a study of unstated region counts), of these kinds if given."""
        wanted = set(regions)
        kinds = set(kinds)
        return [s for s in self.prior_studies
                if (s.region is None or not wanted or s.region in wanted) and (not kinds or s.study in kinds)]


def _per_region(findings: list[Finding], names: frozenset[FindingName]) -> dict:
    out: dict = {}
    for f in findings:
        if f.name not in names:
            continue
        key = f.region or "unspecified"
        if out.get(key) is not Tri.yes:
            out[key] = f.present
    return out


def _in(per_region: dict, regions: Iterable[Region]) -> Tri:
    near = territory(regions)
    values = [t for k, t in per_region.items() if k == "unspecified" or k in near]
    if Tri.yes in values:
        return Tri.yes
    if Tri.no in values:
        return Tri.no
    return Tri.not_stated
