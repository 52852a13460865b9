"""The medication vocabularies: rules/vocab/drug_classes.yaml and rules/vocab/medication_terms.yaml.

Both are validated here at load (unknown keys, unknown class or source ids, a name given to two
drugs, a product ingredient missing from the drug list) with the rule base's one-line errors.
"""
from __future__ import annotations

from typing import Literal, Optional, Union

from pydantic import BaseModel, ConfigDict, Field, model_validator

Confidence = Literal["confirmed", "unconfirmed"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SourceRef(_Model):
    title: str
    url: str


# ------------------------------------------------------------------ drug_classes.yaml
class DrugClass(_Model):
    id: str
    label: str
    parents: list[str] = []
    atc: list[str] = []
    source: str


class Brand(_Model):
    name: str
    source: str
    confidence: Confidence


class MmeTier(_Model):
    up_to_mg_per_day: Optional[float] = None  # None: every dose above the previous tier
    factor: float


class MmeFactor(_Model):
    factor: Optional[float] = None
    per: Literal["mg", "mcg/hr"] = "mg"
    tiers: list[MmeTier] = []
    note: Optional[str] = None

    @model_validator(mode="after")
    def _one_kind(self):
        if self.factor is not None and self.tiers:
            raise ValueError("factor: give a factor or tiers, not both")
        if self.factor is None and not self.tiers and not self.note:
            raise ValueError("note: a table without a factor says why")
        return self

    def for_daily_mg(self, mg_per_day: float) -> Optional[float]:
        if self.factor is not None:
            return self.factor
        for tier in self.tiers:
            if tier.up_to_mg_per_day is None or mg_per_day <= tier.up_to_mg_per_day:
                return tier.factor
        return None


class Drug(_Model):
    generic: str
    atc: list[str] = []
    classes: list[str]
    brands: list[Union[str, Brand]] = []
    aliases: list[str] = []
    mme: dict[str, MmeFactor] = {}
    source: str = "who_atc"
    note: Optional[str] = None

    def brand_names(self) -> list[str]:
        return [b if isinstance(b, str) else b.name for b in self.brands]


class ProductIngredient(_Model):
    generic: str
    strength: Optional[str] = None  # as on the label: "10 mg/ml", "4%"


class Product(_Model):
    name: str
    aliases: list[str] = []
    kind: Literal["combination", "compounding_kit", "compounded", "topical_otc", "brand_form"]
    ingredients: list[ProductIngredient] = Field(min_length=1)
    form: Optional[str] = None
    classes: list[str] = []
    source: str
    confidence: Confidence
    note: Optional[str] = None


class RouteClass(_Model):
    routes: list[str]
    when_class: str
    add: list[str]
    source: str


class MmeTable(_Model):
    title: str
    source: str


class DrugClassesFile(_Model):
    sources: dict[str, SourceRef]
    classes: list[DrugClass]
    route_classes: list[RouteClass] = []
    mme_tables: dict[str, MmeTable]
    drugs: list[Drug]
    products: list[Product] = []

    @model_validator(mode="after")
    def _references(self):
        classes = {c.id for c in self.classes}

        def source(where: str, sid: str, of: str = "") -> None:
            if sid not in self.sources:
                raise ValueError(f"{where}: unknown source {sid!r}{of}; expected one of {sorted(self.sources)}")

        def klass(where: str, cid: str, of: str = "") -> None:
            if cid not in classes:
                raise ValueError(f"{where}: unknown class {cid!r}{of}; expected one of {sorted(classes)}")

        for i, c in enumerate(self.classes):
            source(f"classes[{i}].source", c.source)
            for p in c.parents:
                klass(f"classes[{i}].parents", p)
        for i, r in enumerate(self.route_classes):
            source(f"route_classes[{i}].source", r.source)
            for cid in [r.when_class, *r.add]:
                klass(f"route_classes[{i}]", cid)
        for tid, t in self.mme_tables.items():
            source(f"mme_tables.{tid}.source", t.source)
        names: dict[str, str] = {}

        def name(where: str, n: str, owner: str) -> None:
            key = n.lower()
            if key in names and names[key] != owner:
                raise ValueError(f"{where}: {n!r} already names {names[key]}")
            names[key] = owner

        generics = set()
        for i, d in enumerate(self.drugs):
            where, of = f"drugs[{i}]", f" (drug {d.generic})"
            source(f"{where}.source", d.source, of)
            for cid in d.classes:
                klass(f"{where}.classes", cid, of)
            for tid in d.mme:
                if tid not in self.mme_tables:
                    raise ValueError(f"{where}.mme: unknown table {tid!r}{of}; expected one of {sorted(self.mme_tables)}")
            for b in d.brands:
                if isinstance(b, Brand):
                    source(f"{where}.brands", b.source, of)
            for n in [d.generic, *d.aliases, *d.brand_names()]:
                name(where, n, d.generic)
            generics.add(d.generic)
        for i, p in enumerate(self.products):
            where, of = f"products[{i}]", f" (product {p.name})"
            source(f"{where}.source", p.source, of)
            for cid in p.classes:
                klass(f"{where}.classes", cid, of)
            for ing in p.ingredients:
                if ing.generic not in generics:
                    raise ValueError(f"{where}.ingredients: {ing.generic!r}{of} is not in the drug list")
            for n in [p.name, *p.aliases]:
                name(where, n, f"product {p.name}")
        return self


# ------------------------------------------------------------------ medication_terms.yaml
class TermGroup(_Model):
    id: str
    terms: list[str]
    source: str


class FormTerm(TermGroup):
    route: Optional[str] = None
    unit: Optional[str] = None  # the countable unit a quantity counts ("60 tablets")
    solid: bool = False  # an oral solid: "#60" counts its units


class StrengthUnit(TermGroup):
    mg: Optional[float] = None  # milligrams per unit (mass units only)


class AmountUnit(TermGroup):
    ml: Optional[float] = None


class Units(_Model):
    strength: list[StrengthUnit]
    amount: list[AmountUnit]


class Salts(_Model):
    source: str
    terms: list[str]


class Numbers(_Model):
    source: str
    words: dict[str, float]


class QuantityTerms(_Model):
    source: str
    prefixes: list[str]
    unknown: list[str]


class SupplyTerms(_Model):
    source: str
    units: dict[str, float]  # days per unit
    words: list[str]


class RefillTerms(_Model):
    source: str
    terms: list[str]
    none: list[str]


class Frequency(_Model):
    per_day: float
    terms: list[str]


class Directions(_Model):
    source: str
    verbs: list[str]
    prn: list[str]
    frequencies: list[Frequency]
    interval_prefixes: list[str]
    hour_units: list[str]
    day_units: list[str]
    times_words: list[str]
    per_day_words: list[str]
    range_words: list[str]


class Joiners(_Model):
    source: str
    terms: list[str]


class Compounding(_Model):
    source: str
    terms: list[str]


class UdtCodes(_Model):
    presumptive: list[str]
    definitive: list[str]
    definitive_ranges: list[tuple[int, int]] = []


class PerYear(_Model):
    per_year: float
    terms: list[str]


class UdtPerYear(_Model):
    source: str
    frequencies: list[PerYear]


class UdtMethod(_Model):
    id: Literal["presumptive", "definitive"]
    terms: list[str]


class UrineDrugTestTerms(_Model):
    source: str
    terms: list[str]
    weak_terms: list[str]
    methods: list[UdtMethod]
    codes: UdtCodes
    per_year: UdtPerYear
    count_nouns: list[str]


class MedicationTermsFile(_Model):
    sources: dict[str, SourceRef]
    forms: list[FormTerm]
    routes: list[TermGroup]
    release: list[TermGroup]
    salts: Salts
    units: Units
    numbers: Numbers
    quantity: QuantityTerms
    supply: SupplyTerms
    refills: RefillTerms
    directions: Directions
    joiners: Joiners
    compounding: Compounding
    urine_drug_test: UrineDrugTestTerms

    @model_validator(mode="after")
    def _references(self):
        routes = {r.id for r in self.routes}
        for group in ("forms", "routes", "release"):
            for i, t in enumerate(getattr(self, group)):
                if t.source not in self.sources:
                    raise ValueError(f"{group}[{i}].source: unknown source {t.source!r}")
        for i, f in enumerate(self.forms):
            if f.route is not None and f.route not in routes:
                raise ValueError(f"forms[{i}].route: unknown route {f.route!r}; expected one of {sorted(routes)}")
        for group in ("salts", "numbers", "quantity", "supply", "refills", "directions", "joiners", "compounding",
                      "urine_drug_test"):
            sid = getattr(self, group).source
            if sid not in self.sources:
                raise ValueError(f"{group}.source: unknown source {sid!r}")
        if self.urine_drug_test.per_year.source not in self.sources:
            raise ValueError("urine_drug_test.per_year.source: unknown source")
        return self


def drug_classes():
    from checker.kb.data import vocabulary

    return vocabulary("drug_classes", DrugClassesFile)


def medication_terms():
    from checker.kb.data import vocabulary

    return vocabulary("medication_terms", MedicationTermsFile)
