"""Pydantic schema of the YAML rule base (rules/*.yaml).

Three kinds of file:
  _sources.yaml     the guidelines and statutes rules cite, with their editions and dates
  _categories.yaml  condition and surgery categories (ICD-10-CM prefixes and synonyms)
  <section>.yaml    one guideline section: `defaults` shared by its rules, then `rules`

Every rule must name its source, section and pages, its effective dates, the families
it governs and a confidence; cross-references (source ids, category ids, template
placeholders) are checked when the whole base is loaded (checker.kb.load).
"""
from __future__ import annotations

import datetime as dt
from string import Formatter
from typing import Literal, Optional, Union

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from checker.kb.fields import Icd10Prefixes, Patterns
from checker.vocab import Family, Region


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


# ---------------------------------------------------------------- sources

class Effective(Strict):
    start: dt.date = Field(alias="from")
    end: Optional[dt.date] = Field(default=None, alias="until")

    @model_validator(mode="after")
    def _ordered(self):
        if self.end is not None and self.end < self.start:
            raise ValueError(f"until {self.end} is before from {self.start}")
        return self

    def in_force(self, day: dt.date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)


class Edition(Effective):
    label: str = Field(min_length=1)
    note: Optional[str] = None


SourceTier = Literal["mtus", "statute", "regulation", "odg", "other"]
# Evidence tier of a source (8 CCR 9792.21.1 medical evidence search sequence): the MTUS and the
# statutes and regulations it stands on are tier 1; another evidence-based guideline consulted
# where the MTUS in force is silent (ODG, ACOEM outside the MTUS ...) is tier 2.
TIER_OF_SOURCE = {"mtus": 1, "statute": 1, "regulation": 1, "odg": 2, "other": 2}


class Source(Strict):
    title: str = Field(min_length=1)
    tier: SourceTier
    reference: Optional[str] = None  # e.g. "8 CCR 9792.24.2"
    # What the source governs in the MTUS: the body regions of a body-part guideline, or chronic
    # pain (the Chronic Pain guidelines apply to pain of three or more months, 8 CCR 9792.20(b)).
    regions: list[Region] = Field(default_factory=list)
    scope: Optional[Literal["body_part", "chronic_pain", "treatment", "general"]] = None
    editions: list[Edition] = Field(min_length=1)

    def edition_on(self, day: dt.date) -> Optional[Edition]:
        return next((e for e in self.editions if e.in_force(day)), None)


class SourcesFile(Strict):
    sources: dict[str, Source] = Field(min_length=1)


# ---------------------------------------------------------------- categories

class Category(Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    label: str = Field(min_length=1)
    icd10: Icd10Prefixes = Field(default_factory=list, description="ICD-10-CM code prefixes")
    synonyms: Patterns = Field(default_factory=list, description="phrases; regex allowed")
    regions: list[Region] = Field(default_factory=list, description="regions this category implies")
    note: Optional[str] = None

    @model_validator(mode="after")
    def _matchable(self):
        if not (self.icd10 or self.synonyms):
            raise ValueError("a category needs icd10 prefixes or synonyms")
        return self


class CategoriesFile(Strict):
    conditions: list[Category] = Field(min_length=1)
    surgeries: list[Category] = Field(min_length=1)


# ---------------------------------------------------------------- rules

Kind = Literal[
    "course",  # visits allowed for a condition/region: within or beyond the limit
    "trial",  # initial trial size; beyond it only with documented functional improvement
    "continuation",  # prior treatment of the family needs documented improvement and a known count
    "cap",  # statutory visit cap per injury
    "not_recommended",  # the guideline does not recommend the treatment here
    "prerequisite",  # a documented fact the guideline makes a condition of the treatment
    "advice",  # documentation the guideline asks for, without changing the decision
    "postsurgical",  # postsurgical treatment: initial course, general course, period from surgery
    "device_trial",  # device (TENS): rental trial before purchase
    "fallback",  # a general course line used only where no condition-specific line applies
    "criteria",  # clinical criteria the request must meet (findings, time, history), each met/not met/not documented
]

# Facts a prerequisite or advice may name: the yes/no/not-stated facts of a request's
# history, and facts derived from its dates (checker.engine.facts).
TriFact = Literal[
    "home_exercise_program", "flare_up", "medication_reduced_or_not_tolerated", "adjunct_to_exercise",
    "reduced_weight_bearing_needed", "returned_to_work", "other_modalities_failed", "return_to_work_goal",
    "plateau_after_therapy", "indication_documented", "chronic_pain", "within_two_years_of_injury",
    "surgery_performed",
]


class Span(Strict):
    min: Optional[float] = Field(default=None, ge=0)
    max: float = Field(ge=0)

    @model_validator(mode="before")
    @classmethod
    def _scalar(cls, v):
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            return {"min": v, "max": v}
        return v

    @model_validator(mode="after")
    def _ordered(self):
        if self.min is not None and self.min > self.max:
            raise ValueError(f"min {self.min} is above max {self.max}")
        return self

    def __str__(self) -> str:
        def n(x: float) -> str:
            return str(int(x)) if float(x).is_integer() else str(x)
        if self.min is None or self.min == self.max:
            return n(self.max)
        return f"{n(self.min)}-{n(self.max)}"


class Parameters(Strict):
    visits: Optional[Span] = None  # course: allowed visits; postsurgical: general course
    weeks: Optional[Span] = None
    frequency_per_week: Optional[Span] = None
    trial_visits: Optional[int] = Field(default=None, gt=0)
    initial_visits: Optional[int] = Field(default=None, gt=0)  # postsurgical: default half the general course
    period_months: Optional[int] = Field(default=None, gt=0)  # postsurgical physical medicine period
    cap_visits: Optional[int] = Field(default=None, gt=0)
    rental_days: Optional[int] = Field(default=None, gt=0)
    duration_months: Optional[Span] = None


class AppliesTo(Strict):
    conditions: list[str] = Field(default_factory=list, description="category ids; empty: any")
    regions: list[Region] = Field(default_factory=list, description="empty: any")
    surgeries: list[str] = Field(default_factory=list, description="surgery category ids (postsurgical)")
    # true: only a recurrence, a flare-up after earlier care of the same family; false: only
    # when it is not one (a first course, or no flare-up documented)
    recurrence: Optional[bool] = None
    maintenance: Optional[bool] = None  # true: only elective/maintenance care
    with_prior: Optional[bool] = None  # true: only when the family was already given for this injury
    postoperative: Optional[bool] = None  # true: only items requested as post-operative therapy
    # phase of the condition on the request date (checker.engine.facts: acute < 1 month <= subacute
    # < 3 months <= chronic, 8 CCR 9792.20(b)); empty: any. An unknown phase matches no phase rule.
    phase: list[Literal["acute", "subacute", "chronic"]] = Field(default_factory=list)
    # the status of the surgery the item serves (checker.kinds.surgery: certified, denied, pending);
    # empty: any item, whether it serves a surgery or not
    surgery_status: list[Literal["certified", "denied", "pending"]] = Field(default_factory=list)
    # item attributes of the family's kind, e.g. {modality: [mri, ct]} (checker.kinds); empty: any
    item: dict[str, list[Union[str, int, bool]]] = Field(default_factory=dict)
    # fact fields of the item with their values (checker.engine.fact_fields: text, yes/no or bool
    # facts), e.g. {formulary_status: [non_exempt]}: the rule applies when each field has one of them
    facts: dict[str, list[Union[str, bool]]] = Field(default_factory=dict)


class Prerequisite(Strict):
    any_of: list[TriFact] = Field(min_length=1)
    when_not_stated: Literal["advise", "block"] = "advise"


Requirement = Union[str, "AllOf", "AnyOf"]


class AllOf(Strict):
    all: list[Requirement] = Field(min_length=1)


class AnyOf(Strict):
    any: list[Requirement] = Field(min_length=1)


class Criterion(Strict):
    """One clinical criterion of a criteria rule, tested on one fact of the item.

    Its outcome is met, not met, or not documented (the fact is unknown). `if_unknown` says
    how an unknown fact counts when the guideline presumes it (e.g. "no earlier study" when the
    record mentions none); the report still says it was not documented.
    """

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    fact: str = Field(min_length=1)  # a fact field (checker.engine.fact_fields)
    is_: Optional[Union[bool, str]] = Field(default=None, alias="is")  # tri facts: yes / no
    at_least: Optional[float] = None  # number facts
    at_most: Optional[float] = None
    if_unknown: Literal["not_documented", "met", "not_met"] = "not_documented"
    label: str = Field(min_length=1)  # the criterion in words, as the guideline states it
    missing: Optional[str] = None  # the documentation that shows it
    section: Optional[str] = None  # where the criterion is stated, when not the rule's own section
    pages: Optional[str] = None
    quote: Optional[str] = None

    @field_validator("is_", mode="before")
    @classmethod
    def _tri_word(cls, v):
        if isinstance(v, bool):
            return "yes" if v else "no"
        return v

    @field_validator("pages", mode="before")
    @classmethod
    def _pages_text(cls, v):
        return str(v) if isinstance(v, int) else v

    @model_validator(mode="after")
    def _one_test(self):
        if self.is_ is not None and (self.at_least is not None or self.at_most is not None):
            raise ValueError("a criterion tests its fact one way: is (yes/no facts), or at_least and/or at_most (numbers)")
        if self.is_ is None and self.at_least is None and self.at_most is None:
            raise ValueError("a criterion needs a test: is, at_least or at_most")
        if self.is_ is not None and self.is_ not in ("yes", "no"):
            raise ValueError(f"is: expected yes or no, got {self.is_!r}")
        return self


AllOf.model_rebuild()
AnyOf.model_rebuild()


def requirement_ids(req: Requirement) -> list[str]:
    if isinstance(req, str):
        return [req]
    parts = req.all if isinstance(req, AllOf) else req.any
    return [i for p in parts for i in requirement_ids(p)]


class Confidence(Strict):
    level: Literal["confirmed", "unconfirmed"]
    note: str = Field(min_length=1)
    # A confirmation holds for the edition the letter quoted: for requests after `until` (a
    # later edition, e.g. ODG after 2017) the rule counts as unconfirmed.
    until: Optional[dt.date] = None

    def level_on(self, day: dt.date) -> str:
        return "unconfirmed" if self.until is not None and day > self.until else self.level


class Rule(Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_.-]*$")
    kind: Kind
    primary: bool  # true: the rule by itself addresses the treatment (a decision can rest on it)
    source: str = Field(min_length=1)
    section: str = Field(min_length=1)
    pages: str = Field(min_length=1)
    effective: Effective
    family: list[Family] = Field(min_length=1)
    applies_to: AppliesTo = Field(default_factory=AppliesTo)
    parameters: Parameters = Field(default_factory=Parameters)
    prerequisite: Optional[Prerequisite] = None
    criteria: list[Criterion] = Field(default_factory=list)
    require: Optional[Requirement] = None  # criteria: how they combine (default: all of them)
    rationale: str = Field(min_length=1)
    missing: Optional[str] = None  # the documentation to supply when this rule blocks or advises
    quote: Optional[str] = None
    confidence: Confidence

    @field_validator("family", mode="before")
    @classmethod
    def _one_or_many(cls, v):
        return [v] if isinstance(v, str) else v

    @field_validator("pages", mode="before")
    @classmethod
    def _pages_text(cls, v):
        return str(v) if isinstance(v, int) else v

    @field_validator("family")
    @classmethod
    def _not_other(cls, v):
        if Family.other in v:
            raise ValueError("rules cover physical-medicine families, not 'other'")
        return v

    @model_validator(mode="after")
    def _kind_needs(self):
        p = self.parameters
        need = {
            "course": ("visits",),
            "fallback": ("visits",),
            "trial": ("trial_visits",),
            "cap": ("cap_visits",),
            "postsurgical": ("visits", "period_months"),
            "device_trial": ("rental_days",),
        }.get(self.kind, ())
        for name in need:
            if getattr(p, name) is None:
                raise ValueError(f"parameters.{name}: a {self.kind} rule needs it")
        if self.kind == "prerequisite" and self.prerequisite is None:
            raise ValueError("prerequisite: a prerequisite rule needs it")
        if self.kind in ("postsurgical",) and not self.applies_to.surgeries:
            raise ValueError("applies_to.surgeries: a postsurgical rule needs surgery categories")
        if self.kind in ("prerequisite", "advice", "continuation") and not self.missing:
            raise ValueError(f"missing: a {self.kind} rule must say what documentation is missing")
        if self.kind == "criteria":
            if not self.criteria:
                raise ValueError("criteria: a criteria rule needs at least one criterion")
            ids = [c.id for c in self.criteria]
            if len(set(ids)) != len(ids):
                raise ValueError(f"criteria: duplicate criterion id {sorted(i for i in ids if ids.count(i) > 1)[0]!r}")
            for ref in requirement_ids(self.require) if self.require is not None else []:
                if ref not in ids:
                    raise ValueError(f"require: {ref!r} is not a criterion of this rule; expected one of {ids}")
        elif self.criteria or self.require is not None:
            raise ValueError("criteria: only a criteria rule has criteria")
        if self.kind == "fallback" and not self.primary:
            raise ValueError("primary: a fallback rule sets the course where nothing else does, so it is primary")
        for name in template_fields(self.rationale):
            if resolve_param(self.parameters, name) is None:
                raise ValueError(f"rationale: placeholder {{{name}}} is not a parameter of this rule")
        return self

    def initial_visits(self) -> int:
        """Postsurgical initial course: one half of the general course (9792.24.3)."""
        if self.parameters.initial_visits:
            return self.parameters.initial_visits
        return max(1, int(self.parameters.visits.max) // 2)


def template_fields(template: str) -> list[str]:
    return [name for _, name, _, _ in Formatter().parse(template) if name]


def resolve_param(params: Parameters, dotted: str):
    """'visits.max' -> params.visits.max; 'weeks' -> str(params.weeks)."""
    head, _, tail = dotted.partition(".")
    value = getattr(params, head, None)
    if value is None or not tail:
        return value
    return getattr(value, tail, None)


class RuleFile(Strict):
    defaults: dict = Field(default_factory=dict)
    rules: list[dict] = Field(min_length=1)

    @field_validator("defaults")
    @classmethod
    def _known_defaults(cls, v: dict) -> dict:
        unknown = set(v) - set(Rule.model_fields)
        if unknown:
            raise ValueError(f"unknown field {sorted(unknown)[0]!r} in defaults")
        return v


def rule_file_json_schema() -> dict:
    """The JSON Schema of a rule file (`imr-check rules --schema`): `defaults` and `rules`, each rule a Rule."""
    rule = Rule.model_json_schema(by_alias=True)
    defs = rule.pop("$defs", {})
    # In a file, a rule's required fields may come from the file's defaults: an entry requires none.
    entry = {k: v for k, v in rule.items() if k != "required"}
    entry["description"] = "a rule as written in the file: its fields overlay the file's defaults"
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "imr-checker rule file",
        "description": ("One guideline section: `defaults` shared by its rules, then `rules`. Each rule is its "
                        "defaults overlaid with its own fields. Cross-references (source ids, categories, facts) "
                        "are checked when the rule base is loaded: `imr-check rules --check --rules DIR`."),
        "type": "object",
        "additionalProperties": False,
        "required": ["rules"],
        "properties": {
            "defaults": {"$ref": "#/$defs/RuleEntry"},
            "rules": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/RuleEntry"}},
        },
        "$defs": {**defs, "Rule": rule, "RuleEntry": entry},
    }
