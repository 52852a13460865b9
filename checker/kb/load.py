"""Load and validate the YAML rule base.

Errors name the file, the rule id and the field: `rules/x.yaml: rule pt.a: pages: required field is missing`.
The rule base is found in $IMR_RULES_DIR, else inside the installed package
(checker/_rules, put there by the wheel build), else at the repository's rules/.

Rule packs (`--rules DIR`, or $IMR_RULE_PACKS, directories separated by the path separator)
add rule files to the bundled base: a pack holds rule files (*.yaml) and may add sources
(_sources.yaml) and categories (_categories.yaml) of its own, and name itself in _pack.yaml.
A pack may hold the MTUS Drug List the user loads (_drug_list.csv, checker.kb.drug_list), with its
version and effective date in _pack.yaml (`drug_list: {version, effective}`); several packs may each
hold a version, and an item is read against the one in force on its date (KnowledgeBase.drug_list_on).
A pack rule with the id and edition (effective from) of a bundled rule replaces it; the
same id with another edition is an error, so a pack never shadows a rule by accident.
Packs are validated by the same schema, with the same one-line errors.
"""
from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml
from typing import TYPE_CHECKING, Optional

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from checker.engine import fact_fields
from checker.kinds.registry import all_kinds, kind_of
from checker.errors import InputError, from_validation_error
from checker.files import BadFile, read_bounded
from checker.kb import yaml_cache
from checker.kb.schema import CategoriesFile, Category, Rule, RuleFile, Source, SourcesFile
from checker.vocab import Region

if TYPE_CHECKING:  # the drug list's reader is imported only when a pack holds one (csv: a few ms of every start)
    from checker.kb.drug_list import DrugList

try:  # the C loader is several times faster; cold start matters for the CLI
    _Loader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    _Loader = yaml.SafeLoader

SOURCES_FILE = "_sources.yaml"
CATEGORIES_FILE = "_categories.yaml"
MAX_RULE_FILE_BYTES = 20_000_000  # read from a regular file, checked before reading (checker.files)
PACK_FILE = "_pack.yaml"
PACKS_ENV = "IMR_RULE_PACKS"


def rules_dir() -> Path:
    env = os.environ.get("IMR_RULES_DIR")
    if env:
        return Path(env)
    packaged = Path(__file__).resolve().parent.parent / "_rules"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent.parent / "rules"


class _LazyPattern:
    """A category's synonyms as one case-insensitive pattern, compiled when first searched: a
    request whose diagnoses the ICD-10-CM titles cover searches none of them (~15 ms of a cold start
    for all 55). Each synonym was compiled when the file was validated (checker.kb.fields.Patterns)."""

    __slots__ = ("pattern", "_compiled")

    def __init__(self, pattern: str):
        self.pattern = pattern
        self._compiled: re.Pattern | None = None

    def _pattern(self) -> re.Pattern:
        if self._compiled is None:
            self._compiled = re.compile(self.pattern, re.I)
        return self._compiled

    def search(self, text: str) -> re.Match | None:
        return self._pattern().search(text)

    def __getattr__(self, name: str):  # the rest of re.Pattern's methods (sub, finditer ...)
        if name.startswith("_"):  # copy and pickle probe for hooks before the slots are set
            raise AttributeError(name)
        return getattr(self._pattern(), name)


@dataclass(frozen=True)
class CategoryMatcher:
    category: Category
    pattern: _LazyPattern | None

    def matches(self, text: str | None, code: str | None) -> bool:
        if code and any(code.startswith(p) for p in self.category.icd10):
            return True
        return bool(text and self.pattern and self.pattern.search(text))


def _matcher(cat: Category) -> CategoryMatcher:
    if not cat.synonyms:
        return CategoryMatcher(cat, None)
    alternatives = "|".join(f"(?:{s})" for s in cat.synonyms)
    return CategoryMatcher(cat, _LazyPattern(rf"\b(?:{alternatives})\b"))


@dataclass
class KnowledgeBase:
    directory: Path
    sources: dict[str, Source]
    conditions: list[CategoryMatcher]
    surgeries: list[CategoryMatcher]
    rules: list[Rule]
    rule_files: dict[str, str] = field(default_factory=dict)  # rule id -> file name
    rule_packs: dict[str, str] = field(default_factory=dict)  # rule id -> pack name (pack rules only)
    packs: list["Pack"] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)  # every file read, for fingerprints
    drug_lists: list[DrugList] = field(default_factory=list)  # the packs' MTUS Drug Lists, by effective date

    def drug_list_on(self, day: dt.date) -> Optional[DrugList]:
        """The loaded MTUS Drug List in force on `day`: the latest effective on or before it."""
        return next((d for d in reversed(self.drug_lists) if d.effective <= day), None)

    def rule(self, rule_id: str) -> Rule:
        return self._by_id[rule_id]

    def __post_init__(self):
        self._by_id = {r.id: r for r in self.rules}
        self._categories = {m.category.id: m.category for m in self.conditions + self.surgeries}
        self._diagnoses = None
        # the item attributes some rule tests (applies_to.item), read for every item's fact
        self.item_attribute_names = tuple(sorted({n for r in self.rules for n in r.applies_to.item}))

    @property
    def diagnoses(self):
        """The condition classifier (checker.diagnosis.classify) over this base's categories."""
        if self._diagnoses is None:
            from checker.diagnosis.classify import CategorySpec, ConditionClassifier

            self._diagnoses = ConditionClassifier(
                [CategorySpec(m.category.id, tuple(m.category.icd10), m.pattern) for m in self.conditions])
        return self._diagnoses

    def classify_conditions(self, text: str | None, code: str | None = None) -> list[str]:
        """Condition categories of a diagnosis: its code's prefixes, else the ICD-10-CM titles its
        words match, plus synonyms where no title covers it (policy in checker.diagnosis.classify)."""
        return self.diagnoses.classify(text, code)

    def diagnosis_regions(self, text: str | None, code: str | None = None) -> list[Region]:
        """Body regions the diagnosis's ICD-10-CM code names (S16.1 neck -> cervical, M75 -> shoulder)."""
        return self.diagnoses.regions(text, code)

    def classify_surgery(self, procedure: str) -> list[str]:
        return [m.category.id for m in self.surgeries if m.matches(procedure, None)]

    def implied_regions(self, category_ids: list[str]) -> list[Region]:
        return sorted({r for c in category_ids for r in self._categories[c].regions}, key=lambda r: r.value)


def _read_yaml(path: Path) -> object:
    try:
        raw = read_bounded(path, MAX_RULE_FILE_BYTES)
        text = raw.decode("utf-8")
    except BadFile as e:
        if e.kind == "missing":
            raise InputError(path, None, "not found; the rule base needs it beside the rule files") from None
        why = {"directory": "a directory", "special": "not a regular file",
               "too_large": f"larger than {MAX_RULE_FILE_BYTES // 10**6} MB"}.get(e.kind, e.detail)
        raise InputError(path, None, f"cannot be read as UTF-8 YAML ({why})") from None
    except UnicodeDecodeError as e:
        raise InputError(path, None, f"cannot be read as UTF-8 YAML ({e})") from None
    if not text.strip():
        raise InputError(path, None, "is empty; expected a YAML rule file")
    hit, data = yaml_cache.get(raw, _Loader)  # parsed before: the same bytes give the same data
    if hit:
        return data
    try:
        data = yaml.load(text, Loader=_Loader)
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        raise InputError(path, f"line {mark.line + 1}" if mark else None, f"malformed YAML: {e.problem or e.context}") from None
    except yaml.YAMLError as e:
        raise InputError(path, None, f"malformed YAML: {e}") from None
    if data is None:
        raise InputError(path, None, "has no content, only comments; expected a YAML rule file")
    yaml_cache.put(raw, _Loader, data)
    return data


def _validate(model, path: Path, data: object, prefix: str = ""):
    if not isinstance(data, dict):
        raise InputError(path, prefix or "(top level)", f"expected a mapping, got {type(data).__name__}")
    try:
        return model.model_validate(data)
    except ValidationError as e:
        raise from_validation_error(str(path), e, prefix) from None


def _validate_categories(path: Path, data: object) -> CategoriesFile:
    """The categories file; an error in one category names it by id (`category crps: icd10: ...`)."""
    try:
        return _validate(CategoriesFile, path, data)
    except InputError:
        for group in ("conditions", "surgeries"):
            entries = data.get(group) if isinstance(data, dict) else None
            for entry in entries if isinstance(entries, list) else []:
                if isinstance(entry, dict) and isinstance(entry.get("id"), str):
                    _validate(Category, path, entry, f"{group}: category {entry['id']}")
        raise


def load_rule_file(path: Path) -> list[Rule]:
    """One section file: each rule is its `defaults` overlaid with its own fields."""
    doc = _validate(RuleFile, path, _read_yaml(path))
    rules = []
    for index, raw in enumerate(doc.rules):
        if not isinstance(raw, dict):
            raise InputError(path, f"rules[{index}]", f"expected a mapping, got {type(raw).__name__}")
        label = f"rule {raw['id']}" if isinstance(raw.get("id"), str) else f"rules[{index}]"
        rules.append(_validate(Rule, path, {**doc.defaults, **raw}, label))
    return rules


def _check_references(path: Path, rule: Rule, sources: dict, conditions: set, surgeries: set) -> None:
    where = f"rule {rule.id}"
    if rule.source not in sources:
        raise InputError(path, f"{where}: source", f"unknown source {rule.source!r}; expected one of {sorted(sources)}")
    for c in rule.applies_to.conditions:
        if c not in conditions:
            raise InputError(path, f"{where}: applies_to.conditions", f"unknown condition category {c!r}")
    for s in rule.applies_to.surgeries:
        if s not in surgeries:
            raise InputError(path, f"{where}: applies_to.surgeries", f"unknown surgery category {s!r}")
    for name, values in rule.applies_to.item.items():
        for family in rule.family:
            kind = kind_of(family)
            attribute = kind.attribute(name)
            if attribute is None:
                known = ", ".join(a.name for a in kind.attributes) or "none"
                raise InputError(path, f"{where}: applies_to.item.{name}",
                                 f"{family.value} items have no attribute {name!r}; expected one of: {known}")
            if attribute.values is not None and not set(values) <= set(attribute.values):
                bad = sorted(map(str, set(values) - set(attribute.values)))[0]
                raise InputError(path, f"{where}: applies_to.item.{name}",
                                 f"unknown value {bad!r}; expected one of {', '.join(map(str, attribute.values))}")
    if rule.criteria or rule.applies_to.facts:
        all_kinds()  # the kinds (and the clinical fields they share) register their fact fields on import
    for name, values in rule.applies_to.facts.items():
        known = fact_fields.field(name)
        place = f"{where}: applies_to.facts.{name}"
        if known is None or known.type not in ("text", "tri", "bool"):
            names = sorted(n for n, f in fact_fields.all_fields().items() if f.type in ("text", "tri", "bool"))
            raise InputError(path, place, f"unknown fact {name!r}; expected one of {', '.join(names)}")
        if known.type == "bool" and not all(isinstance(v, bool) for v in values):
            raise InputError(path, place, f"{name} is a true/false fact; expected true or false")
        if known.type == "tri" and not all(isinstance(v, bool) or v in ("yes", "no", "not_stated") for v in values):
            raise InputError(path, place, f"{name} is a yes/no fact; expected yes, no or not_stated")
        if known.type == "text" and not all(isinstance(v, str) for v in values):
            raise InputError(path, place, f"{name} is a text fact; expected words")
    for i, c in enumerate(rule.criteria):
        known = fact_fields.field(c.fact)
        place = f"{where}: criteria[{i}].fact"
        if known is None:
            names = sorted(n for n, f in fact_fields.all_fields().items() if f.type in ("tri", "bool", "number"))
            raise InputError(path, place, f"unknown fact {c.fact!r}; expected one of {', '.join(names)}")
        if c.is_ is not None and known.type not in ("tri", "bool"):
            raise InputError(path, place, f"{c.fact} is a {known.type} fact; 'is: yes/no' tests a yes/no fact")
        if c.is_ is None and known.type != "number":
            raise InputError(path, place, f"{c.fact} is a {known.type} fact; at_least/at_most test a number")
    src = sources[rule.source]
    if not any(
        e.start <= (rule.effective.end or e.start) and (e.end is None or rule.effective.start <= e.end)
        for e in src.editions
    ):
        raise InputError(path, f"{where}: effective", f"no edition of {rule.source} is in force in that period")


class PackInfo(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
    description: Optional[str] = None
    licence: Optional[str] = None  # e.g. whose licensed guideline text the rules encode
    drug_list: Optional["DrugListInfo"] = None  # required when the pack holds _drug_list.csv


class DrugListInfo(BaseModel):
    """What the CSV does not say of itself: which version of the MTUS Drug List it is, from when."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    version: str = Field(min_length=1)  # as the DWC names it, e.g. "v.6"
    effective: dt.date  # the date the version takes effect (its Administrative Director order)
    source: Optional[str] = None  # where the file came from (the DWC page, the AD order)


PackInfo.model_rebuild()


@dataclass(frozen=True)
class Pack:
    name: str
    directory: Path
    description: Optional[str] = None
    drug_list: Optional[DrugListInfo] = None


def pack_dirs_from_env() -> list[Path]:
    value = os.environ.get(PACKS_ENV, "")
    return [Path(p) for p in value.split(os.pathsep) if p.strip()]


def _load_pack_info(directory: Path) -> Pack:
    path = directory / PACK_FILE
    if not path.exists():
        return Pack(directory.name, directory)
    info = _validate(PackInfo, path, _read_yaml(path))
    return Pack(info.name, directory, info.description, info.drug_list)


def _load_pack_drug_list(pack: Pack) -> Optional[DrugList]:
    from checker.kb.drug_list import DRUG_LIST_FILE, load_drug_list

    path = pack.directory / DRUG_LIST_FILE
    if not path.exists():
        if pack.drug_list is not None:
            raise InputError(pack.directory / PACK_FILE, "drug_list", f"names a drug list but the pack holds no {DRUG_LIST_FILE}")
        return None
    if pack.drug_list is None:
        raise InputError(pack.directory / PACK_FILE, "drug_list", (
            f"required when the pack holds {DRUG_LIST_FILE}: the list's version and effective date, "
            "e.g. drug_list: {version: v.6, effective: 2020-01-15}"))
    return load_drug_list(path, pack.name, pack.drug_list.version, pack.drug_list.effective)


def load_kb(directory: Path | str | None = None, packs: list[Path | str] | tuple = ()) -> KnowledgeBase:
    directory = Path(directory) if directory else rules_dir()
    if not directory.is_dir():
        raise InputError(directory, None, "rule base directory not found; expected rules/*.yaml")
    files = [directory / SOURCES_FILE, directory / CATEGORIES_FILE]
    sources = dict(_validate(SourcesFile, files[0], _read_yaml(files[0])).sources)
    cats = _validate_categories(files[1], _read_yaml(files[1]))
    conditions, surgeries = list(cats.conditions), list(cats.surgeries)

    pack_list: list[Pack] = []
    drug_lists: list[DrugList] = []
    for pack_dir in map(Path, packs):
        if not pack_dir.is_dir():
            raise InputError(pack_dir, None, "rule pack directory not found; expected a directory of rule files")
        pack = _load_pack_info(pack_dir)
        if any(p.name == pack.name for p in pack_list):
            raise InputError(pack_dir, None, f"a rule pack named {pack.name!r} is already loaded")
        pack_list.append(pack)
        drug_list = _load_pack_drug_list(pack)
        if drug_list is not None:
            same = next((d for d in drug_lists if d.effective == drug_list.effective), None)
            if same is not None:
                raise InputError(drug_list.path, None, (
                    f"a drug list effective {drug_list.effective} is already loaded from pack {same.pack}; "
                    "expected one list per effective date"))
            drug_lists.append(drug_list)
            files.append(drug_list.path)
        if (pack_dir / SOURCES_FILE).exists():
            path = pack_dir / SOURCES_FILE
            files.append(path)
            for sid, src in _validate(SourcesFile, path, _read_yaml(path)).sources.items():
                if sid in sources:
                    raise InputError(path, f"sources.{sid}", "already defined by the rule base; give the pack's source a new id")
                sources[sid] = src
        if (pack_dir / CATEGORIES_FILE).exists():
            path = pack_dir / CATEGORIES_FILE
            files.append(path)
            more = _validate_categories(path, _read_yaml(path))
            conditions += more.conditions
            surgeries += more.surgeries

    for group in (conditions, surgeries):
        seen = set()
        for c in group:
            if c.id in seen:
                raise InputError(directory / CATEGORIES_FILE, f"category {c.id}", "duplicate category id")
            seen.add(c.id)
    condition_ids = {c.id for c in conditions}
    surgery_ids = {c.id for c in surgeries}

    rules: dict[str, Rule] = {}
    origin: dict[str, str] = {}
    from_pack: dict[str, str] = {}
    bundled = [(None, p) for p in sorted(directory.glob("*.yaml")) if not p.name.startswith("_")]
    packed = [(pack, p) for pack in pack_list for p in sorted(pack.directory.glob("*.yaml")) if not p.name.startswith("_")]
    for pack, path in bundled + packed:
        files.append(path)
        for rule in load_rule_file(path):
            _check_references(path, rule, sources, condition_ids, surgery_ids)
            label = path.name if pack is None else f"{pack.name}:{path.name}"
            if rule.id in rules:
                first = rules[rule.id]
                if pack is None or rule.id in from_pack:
                    raise InputError(path, f"rule {rule.id}", f"duplicate rule id (first defined in {origin[rule.id]})")
                if first.effective.start != rule.effective.start:
                    raise InputError(path, f"rule {rule.id}: effective", (
                        f"the bundled rule {rule.id} is the edition in force from {first.effective.start}; a pack "
                        f"rule replaces it only for the same edition (from {first.effective.start}); give a new "
                        "edition a new id"))
            rules[rule.id] = rule
            origin[rule.id] = label
            if pack is not None:
                from_pack[rule.id] = pack.name
    if not rules:
        raise InputError(directory, None, "no rule files (*.yaml) found")
    return KnowledgeBase(
        directory=directory,
        sources=sources,
        conditions=[_matcher(c) for c in conditions],
        surgeries=[_matcher(c) for c in surgeries],
        rules=list(rules.values()),
        rule_files=origin,
        rule_packs=from_pack,
        packs=pack_list,
        files=files,
        drug_lists=sorted(drug_lists, key=lambda d: d.effective),
    )


@lru_cache(maxsize=4)
def _kb(packs: tuple[str, ...]) -> KnowledgeBase:
    return load_kb(packs=[Path(p) for p in packs])


def default_kb(packs: list[Path | str] | tuple = ()) -> KnowledgeBase:
    """The bundled rule base with the packs given and those of $IMR_RULE_PACKS, loaded once."""
    return _kb(tuple(str(p) for p in [*pack_dirs_from_env(), *packs]))
