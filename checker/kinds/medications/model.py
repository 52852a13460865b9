"""A medication or urine drug test request line as read: what was written and what follows from it.

Fields that could not be read stay None and `unread` says why; `incomplete` lists what a
reviewer needs and the line does not give (FACTS-beyond-physmed X2: reviewers deny a request
without its strength or quantity).
"""
from __future__ import annotations

from typing import Literal, Optional

from pydantic import BaseModel, ConfigDict


# Classes of an ingredient that acts where it is applied (rules/vocab/drug_classes.yaml).
LOCAL_CLASSES = frozenset({"topical_analgesic", "topical_nsaid", "counterirritant", "local_anesthetic"})


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Strength(_Model):
    text: str  # as written, or as on the label
    values: list[float]  # [10, 325] for "10/325 mg"
    unit: str  # mg, mcg, %, mcg/hr, units, meq
    per_ml: Optional[float] = None  # a concentration: values per this many mL ("10 mg/1 ml" -> 1)

    @property
    def value(self) -> float:
        return self.values[0]


class Ingredient(_Model):
    written: str  # the name as written ("Oxycodone HCL", "Valium"), or the product's name
    generic: Optional[str] = None
    brand: Optional[str] = None
    classes: list[str] = []
    strength: Optional[Strength] = None
    strength_source: Optional[Literal["written", "label"]] = None
    match: Literal["exact", "fuzzy", "product"] = "exact"


class MedicationItem(_Model):
    family: Literal["medication"] = "medication"
    text: str
    drug: str  # the drug as written
    brand: Optional[str] = None
    product: Optional[str] = None  # a combination, kit or OTC product named in the table
    product_kind: Optional[str] = None
    product_confidence: Optional[Literal["confirmed", "unconfirmed"]] = None
    generics: list[str] = []
    classes: list[str] = []  # with parents and the classes the route adds
    ingredients: list[Ingredient] = []
    strength: Optional[Strength] = None  # the line's (first) strength
    form: Optional[str] = None
    route: Optional[str] = None
    route_source: Optional[Literal["written", "form", "product", "percent_strength"]] = None
    release: Optional[Literal["extended", "delayed", "immediate"]] = None
    compounded: bool = False
    quantity: Optional[float] = None
    quantity_unit: Optional[str] = None  # a form's unit (tablet, capsule, patch), or g / ml
    units_per_dose: Optional[float] = None
    units_per_dose_source: Optional[Literal["written", "assumed"]] = None
    doses_per_day: Optional[float] = None  # the most the directions allow
    doses_per_day_min: Optional[float] = None
    prn: bool = False
    sig: Optional[str] = None  # the directions as written
    days_supply: Optional[float] = None
    days_supply_source: Optional[Literal["written", "computed"]] = None
    refills: Optional[int] = None
    units_per_day: Optional[float] = None
    mg_per_day: dict[str, float] = {}  # generic -> mg a day
    mme_per_day: dict[str, float] = {}  # MME table -> morphine milligram equivalents a day
    incomplete: list[Literal["strength", "quantity", "duration"]] = []
    unread: dict[str, str] = {}  # field -> why it could not be read
    notes: list[str] = []

    def use(self) -> Literal["topical", "systemic"]:
        """How the drug acts: topical when applied to the skin for a local effect (a cream, gel or
        ointment; a patch whose every ingredient is a topical analgesic, NSAID, counterirritant or
        local anesthetic: Lidoderm, Salonpas, Flector), systemic otherwise (oral, injected, and
        transdermal opioids such as fentanyl or buprenorphine patches)."""
        if self.route == "topical":
            return "topical"
        if self.route == "transdermal" and self.ingredients and all(
                LOCAL_CLASSES.intersection(i.classes) for i in self.ingredients if i.generic):
            return "topical"
        return "systemic"

    def attributes(self) -> dict:
        """Plain JSON values for rules (`applies_to.item: {classes: [opioid]}`) and reports."""
        return {
            "drug": self.drug,
            "strength": self.strength.text if self.strength else None,
            "sig": self.sig,
            "use": self.use(),
            "generics": list(self.generics),
            "classes": list(self.classes),
            "product": self.product,
            "product_kind": self.product_kind,
            "form": self.form,
            "route": self.route,
            "release": self.release,
            "compounded": self.compounded,
            "ingredient_count": len(self.ingredients),
            "quantity": self.quantity,
            "quantity_unit": self.quantity_unit,
            "doses_per_day": self.doses_per_day,
            "prn": self.prn,
            "days_supply": self.days_supply,
            "refills": self.refills,
            "mg_per_day": dict(self.mg_per_day),
            "mme_per_day": dict(self.mme_per_day),
            "incomplete": list(self.incomplete),
            "units_per_day": self.units_per_day,
            "unread": dict(self.unread),
        }


class UrineDrugTest(_Model):
    family: Literal["urine_drug_test"] = "urine_drug_test"
    text: str
    explicit: bool  # the line says drug or toxicology; False for a bare "urine test"
    method: Optional[Literal["presumptive", "definitive"]] = None
    codes: list[str] = []  # CPT / HCPCS codes written
    count: Optional[int] = None  # tests requested ("x2", "2 urine drug screens")
    per_year: Optional[float] = None  # "quarterly" -> 4
    unread: dict[str, str] = {}

    def attributes(self) -> dict:
        return {"explicit": self.explicit, "method": self.method, "codes": list(self.codes), "count": self.count,
                "per_year": self.per_year}
