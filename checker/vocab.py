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


class Family(str, Enum):
    """Treatment families the rule base can cover."""

    physical_therapy = "physical_therapy"  # PT/OT, physiotherapy, hand therapy ("physical medicine")
    acupuncture = "acupuncture"
    massage = "massage"
    chiropractic = "chiropractic"  # manipulation / chiropractic care and chiro physiotherapy
    aquatic_therapy = "aquatic_therapy"
    work_conditioning = "work_conditioning"  # work conditioning and work hardening
    tens = "tens"
    other = "other"  # anything else (imaging, drugs, surgery ...): never covered

    @property
    def label(self) -> str:
        return FAMILY_LABELS[self]


FAMILY_LABELS = {
    Family.physical_therapy: "Physical therapy",
    Family.acupuncture: "Acupuncture",
    Family.massage: "Massage therapy",
    Family.chiropractic: "Chiropractic / manipulation",
    Family.aquatic_therapy: "Aquatic therapy",
    Family.work_conditioning: "Work conditioning / hardening",
    Family.tens: "TENS",
    Family.other: "Other (not physical medicine)",
}

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
