"""The treatment request: one patient, their history, one or more requested items.

A request file (YAML or JSON) is validated into these models; so is a request built
from an IMR letter's item line and clinical case summary. Unknown fields are errors.
"""
from __future__ import annotations

import re
import datetime as dt
from typing import Annotated, Literal, Optional

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator, model_validator

from checker import icd10
from checker.errors import quote, yaml_type
from checker.request.clinical import Clinical
from checker.vocab import Family, Region, Tri


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", use_enum_values=False)


_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _day(value):
    """A date as written in a file: YYYY-MM-DD only (pydantic would read 12345 as a Unix time)."""
    if isinstance(value, dt.datetime):
        raise ValueError("expected a date as YYYY-MM-DD, without a time")
    if isinstance(value, dt.date) or value is None:
        return value
    if not isinstance(value, str):
        raise ValueError(f"expected a date as YYYY-MM-DD, got {yaml_type(value)}")
    text = value.strip()
    if not _ISO_DAY.fullmatch(text):
        raise ValueError(f"expected a date as YYYY-MM-DD, got {quote(value)}")
    try:
        return dt.date.fromisoformat(text)
    except ValueError as e:
        raise ValueError(f"expected a date as YYYY-MM-DD; {e} (got {quote(value)})") from None


def _number(value):
    """true/false is not a number (pydantic would read true as 1 visit)."""
    if isinstance(value, bool):
        raise ValueError(f"expected a number, got {str(value).lower()}")
    return value


Day = Annotated[dt.date, BeforeValidator(_day)]
Int = Annotated[int, BeforeValidator(_number)]
Float = Annotated[float, BeforeValidator(_number)]


_RANGE = re.compile(r"^\s*(\d+)\s*(?:-|–|to)\s*(\d+)\s*$", re.I)
_AT_LEAST = re.compile(r"^\s*(?:at\s+least|>=?|minimum(?:\s+of)?)\s*(\d+)\s*$|^\s*(\d+)\s*\+\s*$", re.I)


class VisitCount(Strict):
    """A number of visits: exact (24), a range ("20 to 22") or open ("at least 8")."""

    min: int = Field(ge=0)
    max: Optional[int] = Field(default=None, ge=0, description="None: no upper bound known")

    @model_validator(mode="before")
    @classmethod
    def _from_scalar(cls, value):
        if isinstance(value, bool):
            raise ValueError("expected a number of visits such as 12, '20 to 22' or 'at least 8'")
        if isinstance(value, int):
            return {"min": value, "max": value}
        if isinstance(value, str):
            text = value.strip()
            if text.isdecimal():  # not isdigit: "²" is a digit that int() refuses
                return {"min": int(text), "max": int(text)}
            if m := _RANGE.match(text):
                return {"min": int(m[1]), "max": int(m[2])}
            if m := _AT_LEAST.match(text):
                return {"min": int(m[1] or m[2]), "max": None}
            raise ValueError(f"expected a number of visits such as 12, '20 to 22' or 'at least 8', got {value!r}")
        return value

    @model_validator(mode="after")
    def _ordered(self):
        if self.max is not None and self.max < self.min:
            raise ValueError(f"range {self.min} to {self.max} runs backwards")
        return self

    def __str__(self) -> str:
        if self.max is None:
            return f"at least {self.min}"
        return str(self.min) if self.min == self.max else f"{self.min} to {self.max}"


class Diagnosis(Strict):
    text: Optional[str] = None
    code: Optional[str] = Field(default=None, description="ICD-10-CM, validated")

    @model_validator(mode="before")
    @classmethod
    def _from_scalar(cls, value):
        if isinstance(value, str):  # "M54.16" or "lumbar radiculopathy"
            return {"code": value} if re.fullmatch(r"\s*[A-Za-z]\d[\dA-Za-z](\.?[\dA-Za-z]{1,4})?\s*", value) else {"text": value}
        return value

    @field_validator("code")
    @classmethod
    def _valid_code(cls, code):
        if code is None:
            return code
        if not icd10.is_valid(code):
            raise ValueError(f"expected a valid ICD-10-CM code, got {code!r}")
        return icd10.normalize(code)

    @model_validator(mode="after")
    def _something(self):
        if not (self.text or self.code):
            raise ValueError("a diagnosis needs a text or an ICD-10-CM code")
        return self


SurgeryStatus = Literal["certified", "pending", "denied"]


class Surgery(Strict):
    procedure: str = Field(min_length=1)
    date: Optional[Day] = Field(default=None, description="None with planned=true: not yet performed")
    planned: bool = False
    # A surgery not yet performed: whether it is authorized. The services that go with it (pre-operative
    # tests, assistant surgeon, post-operative therapy and equipment) follow it (checker.kinds.surgery).
    status: Optional[SurgeryStatus] = Field(
        default=None, description="certified, pending or denied (a surgery not yet performed); none: pending")

    @field_validator("status", mode="before")
    @classmethod
    def _status_word(cls, v):
        if isinstance(v, str):
            word = v.strip().lower()
            word = {"approved": "certified", "authorized": "certified", "authorised": "certified",
                    "non-certified": "denied", "not certified": "denied", "noncertified": "denied"}.get(word, word)
            if word not in ("certified", "pending", "denied"):
                raise ValueError(f"expected certified, pending or denied, got {v!r}")
            return word
        return v


class Evidence(Strict):
    """Where a fact came from: the sentence of the case summary, for audit."""

    fact: str
    value: str
    sentence: str


class PriorCourse(Strict):
    """Earlier treatment of one family for this injury."""

    visits: Optional[VisitCount] = Field(default=None, description="None: some, number unknown")
    functional_improvement: Tri = Tri.not_stated

    @model_validator(mode="before")
    @classmethod
    def _from_scalar(cls, value):
        if isinstance(value, (int, str)) and not isinstance(value, bool):
            return {"visits": value}
        return value

    @field_validator("functional_improvement", mode="before")
    @classmethod
    def _tri(cls, v):
        return Tri.parse(v)


class History(Strict):
    prior_treatment: dict[Family, PriorCourse] = Field(default_factory=dict)
    home_exercise_program: Tri = Tri.not_stated
    flare_up: Tri = Tri.not_stated  # new injury, recurrence or flare-up
    medication_reduced_or_not_tolerated: Tri = Tri.not_stated
    adjunct_to_exercise: Tri = Tri.not_stated  # part of an active exercise / rehabilitation program
    reduced_weight_bearing_needed: Tri = Tri.not_stated  # e.g. extreme obesity (aquatic therapy)
    returned_to_work: Tri = Tri.not_stated
    other_modalities_failed: Tri = Tri.not_stated  # TENS: medication and other modalities tried
    return_to_work_goal: Tri = Tri.not_stated  # work conditioning: a defined job to return to
    plateau_after_therapy: Tri = Tri.not_stated  # work conditioning: PT/OT plateaued
    indication_documented: Tri = Tri.not_stated  # the reason / goals of the request are stated

    @field_validator(
        "home_exercise_program", "flare_up", "medication_reduced_or_not_tolerated", "adjunct_to_exercise",
        "reduced_weight_bearing_needed", "returned_to_work", "other_modalities_failed", "return_to_work_goal",
        "plateau_after_therapy", "indication_documented", mode="before",
    )
    @classmethod
    def _tri(cls, v):
        return Tri.parse(v)

    @field_validator("prior_treatment", mode="before")
    @classmethod
    def _family_keys(cls, v):
        if isinstance(v, dict):
            return {k if isinstance(k, Family) else str(k).strip().lower().replace(" ", "_").replace("-", "_"): c
                    for k, c in v.items()}
        return v


class Patient(Strict):
    age: Optional[Int] = Field(default=None, ge=0, le=120)
    sex: Optional[Literal["male", "female"]] = None
    injury_date: Optional[Day] = None
    diagnoses: list[Diagnosis] = Field(default_factory=list)
    regions: list[Region] = Field(default_factory=list, description="body parts under treatment")
    surgeries: list[Surgery] = Field(default_factory=list)


class RequestItem(Strict):
    """One requested treatment: free text as written, structured fields, or both.

    Structured fields win over what the normalizer reads from the text.
    """

    text: Optional[str] = None
    family: Optional[Family] = None
    visits: Optional[Int] = Field(default=None, gt=0, le=1000, description="disputed / requested visits")
    frequency_per_week: Optional[Float] = Field(default=None, gt=0, le=14)
    weeks: Optional[Float] = Field(default=None, gt=0, le=104)
    regions: list[Region] = Field(default_factory=list)
    authorized_visits: Int = Field(default=0, ge=0, le=1000, description="visits of this request UR already authorized")
    mode: Optional[Literal["rental", "purchase"]] = None  # devices (TENS)
    duration_days: Optional[Int] = Field(default=None, gt=0, le=3650)
    maintenance: bool = False  # elective / maintenance care

    @model_validator(mode="before")
    @classmethod
    def _from_scalar(cls, value):
        if isinstance(value, str):
            return {"text": value}
        return value

    @model_validator(mode="after")
    def _something(self):
        if not (self.text and self.text.strip()) and self.family is None:
            raise ValueError("an item needs its text or a family")
        return self


class TreatmentRequest(Strict):
    request_date: Optional[Day] = None
    patient: Patient = Field(default_factory=Patient)
    history: History = Field(default_factory=History)
    items: list[RequestItem] = Field(min_length=1)
    clinical: Clinical = Field(default_factory=Clinical)
    source: Optional[str] = Field(default=None, description="where this request came from, e.g. a letter")
    evidence: list[Evidence] = Field(default_factory=list, description="facts read from a letter, with sentences")

    @model_validator(mode="after")
    def _dates(self):
        injury = self.patient.injury_date
        if injury and self.request_date and self.request_date < injury:
            raise ValueError(f"request_date: {self.request_date} is before the injury date {injury}; expected a date on or after it")
        return self
