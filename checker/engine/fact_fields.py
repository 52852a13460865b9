"""The fields of an item's fact: what rules may test, with their types.

A criterion of a criteria rule names one of these fields (`fact:`); the rule base is
checked against this table at load, so a misspelt fact is an error rather than a criterion
that is never met. Types:

  tri     "yes" / "no" / "not_stated"            criterion: is: yes|no
  number  a non-negative number, -1 when unknown  criterion: at_least / at_most
  list    a list of strings (possibly empty)      criterion: in: [...] (any present)
  bool    true / false (always known)             criterion: is: yes|no
  text    a string                                 applicability only

Kinds of service add their own fields (checker.kinds); the case facts shared by every
kind (findings, red flags, conservative care ...) are added where they are built.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

FieldType = Literal["tri", "number", "list", "bool", "text"]
UNKNOWN = -1  # a number fact the record does not give


@dataclass(frozen=True)
class FactField:
    name: str
    type: FieldType
    description: str


_FIELDS: dict[str, FactField] = {}


def register(name: str, type: FieldType, description: str) -> None:
    known = _FIELDS.get(name)
    if known and known.type != type:
        raise ValueError(f"fact field {name!r} registered twice with different types ({known.type}, {type})")
    _FIELDS[name] = FactField(name, type, description)


def field(name: str) -> FactField | None:
    return _FIELDS.get(name)


def all_fields() -> dict[str, FactField]:
    return dict(_FIELDS)


for _name, _type, _description in (
    # the item and the request (checker.engine.facts)
    ("family", "text", "treatment family of the item"),
    ("day", "number", "the guideline date as a day ordinal (selects the rules in force)"),
    ("conditions", "list", "condition categories of the patient's diagnoses"),
    ("regions", "list", "body regions the item is for"),
    ("quantity_specified", "bool", "the item states its quantity"),
    ("requested", "number", "visits requested"),
    ("authorized", "number", "visits of this request UR already authorized"),
    ("has_prior", "bool", "the family was given before for this injury"),
    ("prior_known", "bool", "the number of earlier visits is known (or there were none)"),
    ("prior_min", "number", "earlier visits of the family (lower bound)"),
    ("fi", "tri", "objective functional improvement documented from the earlier course"),
    ("before", "number", "visits that count before this request (prior + authorized)"),
    ("total", "number", "before + requested"),
    ("cap_before", "number", "visits counting toward the Labor Code cap before this request"),
    ("cap_total", "number", "cap_before + requested"),
    ("surgeries", "list", "surgery categories of the latest surgery performed"),
    ("surgery_regions", "list", "body regions of the latest surgery performed"),
    ("days_since_surgery", "number", "days from the latest surgery to the request"),
    ("surgery_performed", "tri", "a surgery was performed within the last year"),
    ("recurrence", "bool", "a flare-up after earlier care of the family"),
    ("postoperative", "bool", "the item is requested as post-operative care"),
    ("maintenance", "bool", "elective / maintenance care"),
    ("mode", "text", "device: rental, purchase or unspecified"),
    ("duration_days", "number", "device rental or service length in days"),
    ("days_since_injury", "number", "days from the injury to the request"),
    ("phase", "text", "acute (< 1 month), subacute (< 3 months), chronic (>= 3 months) or unknown"),
    ("chronic_pain", "tri", "pain of three or more months (8 CCR 9792.20(b))"),
    ("within_two_years_of_injury", "tri", "the request is within two years of the injury"),
    # the request's history (checker.request.model.History)
    ("home_exercise_program", "tri", "a home exercise program is documented"),
    ("flare_up", "tri", "new injury, recurrence or flare-up"),
    ("medication_reduced_or_not_tolerated", "tri", "pain medication reduced or not tolerated"),
    ("adjunct_to_exercise", "tri", "part of an active exercise / rehabilitation program"),
    ("reduced_weight_bearing_needed", "tri", "reduced weight bearing is desirable (e.g. extreme obesity)"),
    ("returned_to_work", "tri", "the patient has returned to work"),
    ("other_modalities_failed", "tri", "medication and other modalities were tried and failed"),
    ("return_to_work_goal", "tri", "a defined job to return to"),
    ("plateau_after_therapy", "tri", "physical or occupational therapy has plateaued"),
    ("indication_documented", "tri", "the reason and goals of the request are stated"),
):
    register(_name, _type, _description)
