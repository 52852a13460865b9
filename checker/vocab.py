"""Controlled vocabulary shared by requests, rules, letters and reports.

Treatment families and body regions are closed sets: the rule schema, the request
model and the text normalizers all validate against these enums, so a typo in a
YAML rule or a request file is an error rather than a rule that silently never fires.
"""
from __future__ import annotations

import datetime as dt
from enum import Enum

# IMR decides UR disputes communicated on or after July 1, 2013 (SB 863; FACTS.md section 10):
# no IMR letter concerns an earlier request, so a letter that dates nothing is judged as of then.
IMR_START = dt.date(2013, 7, 1)


class Kind(str, Enum):
    """Kinds of service: each is one module of checker.kinds (its item fields, facts, report lines)."""

    physical_medicine = "physical_medicine"
    imaging = "imaging"
    electrodiagnostics = "electrodiagnostics"
    injections = "injections"
    surgery = "surgery"  # surgery and the services associated with it
    medications = "medications"  # drugs and urine drug testing
    equipment = "equipment"  # durable medical equipment
    services = "services"  # consultations, evaluations, home and facility care, transportation
    other = "other"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


class Family(str, Enum):
    """Treatment families: the unit a rule names (`family:`) and the engine compiles a ruleset for."""

    # physical medicine
    physical_therapy = "physical_therapy"  # PT/OT, physiotherapy, hand therapy ("physical medicine")
    acupuncture = "acupuncture"
    massage = "massage"
    chiropractic = "chiropractic"  # manipulation / chiropractic care and chiro physiotherapy
    aquatic_therapy = "aquatic_therapy"
    work_conditioning = "work_conditioning"  # work conditioning and work hardening
    tens = "tens"
    passive_modality = "passive_modality"  # e-stim, ultrasound, infrared, hot/cold packs, traction, biofeedback
    # beyond physical medicine
    imaging = "imaging"
    electrodiagnostic = "electrodiagnostic"  # EMG, NCS, SSEP, EEG
    injection = "injection"
    surgery = "surgery"
    surgical_service = "surgical_service"  # pre-operative tests and clearance, assistant surgeon
    medication = "medication"
    urine_drug_test = "urine_drug_test"
    dme = "dme"  # durable medical equipment, supplies
    consultation = "consultation"  # referrals, office visits, evaluations (FCE, psychological)
    home_care = "home_care"  # home health services and aides
    facility_care = "facility_care"  # inpatient rehabilitation, skilled nursing, programs
    transportation = "transportation"
    other = "other"  # anything the checker cannot place: never covered

    @property
    def label(self) -> str:
        return FAMILY_LABELS[self]

    @property
    def kind(self) -> Kind:
        return KIND_OF[self]


FAMILY_LABELS = {
    Family.physical_therapy: "Physical therapy",
    Family.acupuncture: "Acupuncture",
    Family.massage: "Massage therapy",
    Family.chiropractic: "Chiropractic / manipulation",
    Family.aquatic_therapy: "Aquatic therapy",
    Family.work_conditioning: "Work conditioning / hardening",
    Family.tens: "TENS",
    Family.passive_modality: "Passive modality",
    Family.imaging: "Imaging",
    Family.electrodiagnostic: "Electrodiagnostic study",
    Family.injection: "Injection",
    Family.surgery: "Surgery",
    Family.surgical_service: "Surgical service (pre-operative, assistant)",
    Family.medication: "Medication",
    Family.urine_drug_test: "Urine drug test",
    Family.dme: "Durable medical equipment",
    Family.consultation: "Consultation / evaluation",
    Family.home_care: "Home care",
    Family.facility_care: "Facility care",
    Family.transportation: "Transportation",
    Family.other: "Other (not recognized)",
}

KIND_OF = {
    **{f: Kind.physical_medicine for f in (
        Family.physical_therapy, Family.acupuncture, Family.massage, Family.chiropractic, Family.aquatic_therapy,
        Family.work_conditioning, Family.tens, Family.passive_modality)},
    Family.imaging: Kind.imaging,
    Family.electrodiagnostic: Kind.electrodiagnostics,
    Family.injection: Kind.injections,
    Family.surgery: Kind.surgery,
    Family.surgical_service: Kind.surgery,
    Family.medication: Kind.medications,
    Family.urine_drug_test: Kind.medications,
    Family.dme: Kind.equipment,
    Family.consultation: Kind.services,
    Family.home_care: Kind.services,
    Family.facility_care: Kind.services,
    Family.transportation: Kind.services,
    Family.other: Kind.other,
}
PHYSICAL_MEDICINE = frozenset(f for f, k in KIND_OF.items() if k is Kind.physical_medicine)


# Families whose visits count toward the Labor Code 4604.5 24-visit caps, by cap group.
CAP_GROUP = {
    Family.physical_therapy: "physical_therapy",
    Family.aquatic_therapy: "physical_therapy",
    Family.work_conditioning: "physical_therapy",
    Family.chiropractic: "chiropractic",
}


# Families whose visits make one physical-medicine course: aquatic therapy takes its visit
# numbers from the Physical Medicine lines (CPMTG p. 22), so earlier land-based PT counts.
COURSE_POOL = {
    Family.physical_therapy: (Family.physical_therapy, Family.aquatic_therapy),
    Family.aquatic_therapy: (Family.physical_therapy, Family.aquatic_therapy),
}


class Region(str, Enum):
    cervical = "cervical"  # neck
    thoracic = "thoracic"  # mid/upper back
    lumbar = "lumbar"  # low back, lumbosacral, sacroiliac
    shoulder = "shoulder"
    elbow = "elbow"
    wrist_hand = "wrist_hand"  # forearm, wrist, hand, fingers
    upper_extremity = "upper_extremity"  # arm, unspecified part
    hip = "hip"  # hip, groin, pelvis
    knee = "knee"
    ankle_foot = "ankle_foot"
    lower_extremity = "lower_extremity"  # leg, unspecified part
    head = "head"


SPINE = frozenset({Region.cervical, Region.thoracic, Region.lumbar})


class Tri(str, Enum):
    """A documented fact: yes, no, or the record does not say."""

    yes = "yes"
    no = "no"
    not_stated = "not_stated"

    @classmethod
    def parse(cls, value: object) -> "Tri":
        """Accept the spellings people write in request files."""
        if isinstance(value, cls):
            return value
        if value is None:
            return cls.not_stated
        if isinstance(value, bool):
            return cls.yes if value else cls.no
        text = str(value).strip().lower().replace("-", " ").replace("_", " ")
        if text in {"yes", "y", "true", "documented"}:
            return cls.yes
        if text in {"no", "n", "false", "not documented", "none"}:
            return cls.no
        if text in {"not stated", "unknown", "unstated", "n/a", ""}:
            return cls.not_stated
        raise ValueError(f"expected yes, no or not stated, got {value!r}")


class Decision(str, Enum):
    certify = "certify"  # IMR would overturn a denial
    non_certify = "non-certify"  # IMR would uphold a denial
    not_covered = "not-covered"  # no rule applies: no prediction

    @property
    def imr_outcome(self) -> str:
        return {
            Decision.certify: "Overturned",
            Decision.non_certify: "Upheld",
            Decision.not_covered: "Not covered",
        }[self]
