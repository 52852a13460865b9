"""What the medication criteria know of drugs and diagnoses: rules/vocab/drug_criteria.yaml.

1. Conditions: a diagnosis documents a condition when its ICD-10-CM code starts with one of the
   condition's prefixes, or its words match one of the condition's patterns and are not preceded by
   words that doubt or deny it ("rule out fracture", "no fracture", "old healed fracture").
2. Indications: a drug's indication is documented when a diagnosis of one of its conditions is;
   the diagnoses known and none of them one of its conditions: not documented as indicated (no);
   no diagnosis known: not stated.
3. Not recommended topically: an ingredient named (by generic or by class) in `not_topical`, in any
   form but the entry's exceptions (lidocaine: only as a patch).
The file is validated at load with one-line errors (unknown source, class, condition or drug).
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterable, Optional

from pydantic import BaseModel, ConfigDict, Field, model_validator

from checker.kb.fields import Icd10Prefixes, Patterns
from checker.vocab import Tri


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SourceRef(_Model):
    title: str = Field(min_length=1)
    url: str = Field(min_length=1)


class Condition(_Model):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    label: str = Field(min_length=1)
    icd10: Icd10Prefixes = []
    words: Patterns = []
    source: str
    note: Optional[str] = None


class Quoted(_Model):
    source: str
    section: Optional[str] = None
    quote: str = Field(min_length=1)
    letter: Optional[str] = None
    note: Optional[str] = None


class Indication(Quoted):
    id: str
    drugs: list[str] = []
    classes: list[str] = []
    conditions: list[str] = Field(min_length=1)


class NotTopical(Quoted):
    id: str
    drugs: list[str] = []
    classes: list[str] = []
    except_forms: list[str] = []


class FirstLine(Quoted):
    any_of: list[str] = []
    all_of: list[str] = []
    not_with: list[str] = []  # a drug that also has one of these classes does not count


class HistoryByClass(Quoted):
    classes: list[str] = Field(min_length=1)


class PainBands(_Model):
    moderate_from: float = Field(gt=0, le=10)
    severe_from: float = Field(gt=0, le=10)
    source: str


class DrugCriteriaFile(_Model):
    sources: dict[str, SourceRef]
    conditions: list[Condition]
    indications: list[Indication]
    not_topical: list[NotTopical]
    first_line: dict[str, FirstLine]
    history_by_class: HistoryByClass
    pain_bands: PainBands

    @model_validator(mode="after")
    def _references(self):
        conditions = {c.id for c in self.conditions}
        groups = [("conditions", self.conditions), ("indications", self.indications), ("not_topical", self.not_topical)]
        for group, entries in groups:
            for i, e in enumerate(entries):
                if e.source not in self.sources:
                    raise ValueError(f"{group}[{i}].source: unknown source {e.source!r}; expected one of {sorted(self.sources)}")
        for i, e in enumerate(self.indications):
            for c in e.conditions:
                if c not in conditions:
                    raise ValueError(f"indications[{i}].conditions: unknown condition {c!r}; expected one of {sorted(conditions)}")
            if not (e.drugs or e.classes):
                raise ValueError(f"indications[{i}]: name the drugs or the classes it is for")
        for i, e in enumerate(self.not_topical):
            if not (e.drugs or e.classes):
                raise ValueError(f"not_topical[{i}]: name the drugs or the classes it is for")
        for where, sid in (("history_by_class", self.history_by_class.source), ("pain_bands", self.pain_bands.source)):
            if sid not in self.sources:
                raise ValueError(f"{where}.source: unknown source {sid!r}; expected one of {sorted(self.sources)}")
        for name, e in self.first_line.items():
            if e.source not in self.sources:
                raise ValueError(f"first_line.{name}.source: unknown source {e.source!r}")
            if not (e.any_of or e.all_of):
                raise ValueError(f"first_line.{name}: give any_of or all_of classes")
        return self

    def condition(self, cid: str) -> Condition:
        return next(c for c in self.conditions if c.id == cid)


def check_drug_names(data: DrugCriteriaFile) -> list[str]:
    """The drugs, classes and forms the file names that the drug vocabularies lack (tests call it)."""
    from .vocab import drug_classes, medication_terms

    dc, mt = drug_classes(), medication_terms()
    drugs = {d.generic for d in dc.drugs}
    classes = {c.id for c in dc.classes}
    forms = {f.id for f in mt.forms}
    bad = []
    for e in [*data.indications, *data.not_topical]:
        bad += [f"{e.id}: drug {d!r}" for d in e.drugs if d not in drugs]
        bad += [f"{e.id}: class {c!r}" for c in e.classes if c not in classes]
    for e in data.not_topical:
        bad += [f"{e.id}: form {f!r}" for f in e.except_forms if f not in forms]
    for name, e in data.first_line.items():
        bad += [f"first_line.{name}: class {c!r}" for c in [*e.any_of, *e.all_of, *e.not_with] if c not in classes]
    bad += [f"history_by_class: class {c!r}" for c in data.history_by_class.classes if c not in classes]
    return bad


def drug_criteria() -> DrugCriteriaFile:
    from checker.kb.data import vocabulary

    return vocabulary("drug_criteria", DrugCriteriaFile)


_DOUBT = re.compile(r"(?:\brule\sout|\br/o|\bpossible|\bprobable|\bsuspected|\bsuspect|\bquestionable|\bno|\bnot|\bwithout"
                    r"|\bnegative\sfor|\bold|\bhealed|\bremote)\s(?:\w+\s){0,2}$", re.I)


@lru_cache(maxsize=1)
def _compiled() -> dict[str, tuple[tuple[str, ...], Optional[re.Pattern]]]:
    out = {}
    for c in drug_criteria().conditions:
        words = re.compile("|".join(f"(?:{w})" for w in c.words), re.I) if c.words else None
        out[c.id] = (tuple(p.replace(".", "") for p in c.icd10), words)
    return out


def has_condition(condition: str, diagnoses: Iterable[tuple[Optional[str], Optional[str]]]) -> bool:
    """Whether one of the (text, code) diagnoses documents ``condition`` (policy 1)."""
    return any(_documents(condition, text, code) for text, code in diagnoses)


@lru_cache(maxsize=4096)
def _documents(condition: str, text: Optional[str], code: Optional[str]) -> bool:
    """Whether one diagnosis documents ``condition``; memoized per diagnosis (bounded): a patient's
    diagnoses are asked of by each of their drug items, several conditions each."""
    prefixes, words = _compiled()[condition]
    if code and code.replace(".", "").upper().startswith(prefixes):
        return True
    if text and words is not None:
        for m in words.finditer(text):
            if not _DOUBT.search(text[max(0, m.start() - 40):m.start()]):
                return True
    return False


def indication(generics: Iterable[str], classes: Iterable[str],
               diagnoses: list[tuple[Optional[str], Optional[str]]]) -> tuple[Tri, Optional[Indication]]:
    """Whether the diagnoses document an indication of the drug (policy 2), and the indication entry."""
    generics, classes = set(generics), set(classes)
    entries = [e for e, drugs, of_classes in _indications() if generics & drugs or classes & of_classes]
    if not entries:
        return Tri.not_stated, None
    for e in entries:
        if any(has_condition(c, diagnoses) for c in e.conditions):
            return Tri.yes, e
    return (Tri.no if diagnoses else Tri.not_stated), entries[0]


@lru_cache(maxsize=1)
def _indications() -> tuple[tuple[Indication, frozenset[str], frozenset[str]], ...]:
    """Each indication with its drugs and classes as sets (made once, not per item)."""
    return tuple((e, frozenset(e.drugs), frozenset(e.classes)) for e in drug_criteria().indications)


def not_recommended_topically(generic: str, classes: Iterable[str], form: Optional[str]) -> Optional[NotTopical]:
    """The entry that makes this ingredient not recommended topically, in this form (policy 3)."""
    classes = set(classes)
    for e in drug_criteria().not_topical:
        if (generic in e.drugs or classes & set(e.classes)) and form not in e.except_forms:
            return e
    return None
