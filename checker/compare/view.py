"""What a comparison report shows: one model for the terminal report and the HTML page.

1. The items in input order, each with its kind of service (checker.vocab: Family.kind);
   a case compared in both formats shows its format beside its case number.
2. The groups scored, each with score.group_summary: every item, each kind of service
   (physical medicine among them), each family.
3. The disagreements (a rule decided otherwise than IMR) and the misses (Overturned by IMR,
   no rule decided) with their findings and what the reviewer cited.
4. The run: what was compared, with which rule base (its directory and a fingerprint of its
   files), which checker version and options, and when.
"""
from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from checker import __version__
from checker.vocab import Family, Kind

from .metrics import OVERTURNED, UPHELD
from .score import NOT_COVERED, group_summary, kind_of

ALL = "all"




def family_label(family: str) -> str:
    try:
        return Family(family).label
    except ValueError:
        return family.replace("_", " ").capitalize()


@dataclass(frozen=True)
class Group:
    """A group of items and its scores: every item, a kind of service, or a family."""

    key: str  # "all", "physical_medicine", a Kind or a Family value
    label: str
    level: str  # "total", "kind" or "family"
    stats: dict  # score.group_summary

    def _cells(self, pairs) -> int:
        m = self.stats["confusion"]
        return sum(m[a][p] for a, p in pairs)

    @property
    def items(self) -> int:
        return self.stats["items"]

    @property
    def agree(self) -> int:
        return self._cells(((UPHELD, UPHELD), (OVERTURNED, OVERTURNED)))

    @property
    def disagree(self) -> int:
        return self._cells(((UPHELD, OVERTURNED), (OVERTURNED, UPHELD)))

    @property
    def not_covered(self) -> int:
        return self.stats["not_covered"]

    def score(self, view: str, who: str, metric: str) -> Optional[float]:
        """``view``: covered_items or all_items; ``who``: model or baseline."""
        return self.stats["scores"][view][who][metric]


@dataclass(frozen=True)
class RunInfo:
    """What produced a comparison, for the page's header."""

    paths: list[str]
    rule_dir: str
    rule_fingerprint: str  # sha256 of the rule base's files, first 16 hex digits
    rule_count: int
    version: str
    families: Optional[list[str]]
    undated: dt.date
    undated_given: bool  # --undated was given (else IMR's start date)
    both_formats: bool
    generated: dt.datetime


def rule_base_fingerprint(directory: Path) -> str:
    """sha256 over the names and bytes of every file under the rule base directory."""
    digest = hashlib.sha256()
    for path in sorted(p for p in directory.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        digest.update(path.relative_to(directory).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def run_info(paths: list, families: Optional[list[str]], undated: dt.date, undated_given: bool,
             both_formats: bool) -> RunInfo:
    from checker.kb.load import default_kb

    kb = default_kb()
    return RunInfo(paths=[str(p) for p in paths], rule_dir=str(kb.directory),
                   rule_fingerprint=rule_base_fingerprint(Path(kb.directory)), rule_count=len(kb.rules),
                   version=__version__, families=families, undated=undated, undated_given=undated_given,
                   both_formats=both_formats, generated=dt.datetime.now().astimezone().replace(microsecond=0))


@dataclass
class ComparisonView:
    items: list[dict]  # the records, each with "kind" and "_show_format"
    summary: dict
    errors: list[dict]
    totals: list[Group]  # every item
    kinds: list[Group]
    families: list[Group]
    disagreements: list[dict] = field(default_factory=list)
    missed: list[dict] = field(default_factory=list)  # Overturned by IMR, Not covered
    letters_by_format: dict = field(default_factory=dict)  # "txt" -> letters compared from text

    @property
    def overall(self) -> Group:
        return self.totals[0]


def build_view(records: list[dict], summary: dict, errors: list[dict]) -> ComparisonView:
    formats: dict[str, set] = {}
    for r in records:
        formats.setdefault(r["case_number"] or r["file"], set()).add(r["format"])
    both = any(len(v) > 1 for v in formats.values())
    items = [{**r, "kind": kind_of(r["family"]).value, "_show_format": both} for r in records]

    kinds = [Group(k, Kind(k).label, "kind", g) for k, g in summary["by_kind"].items()]
    families = [Group(f, family_label(f), "family", g) for f, g in summary["by_family"].items()]
    totals = [Group(ALL, "All items", "total", group_summary(items))]

    letters: dict[str, set] = {}
    for r in records:
        letters.setdefault(r["format"], set()).add(r["file"])
    return ComparisonView(
        items=items, summary=summary, errors=errors, totals=totals, kinds=kinds, families=families,
        disagreements=[r for r in items if r["agree"] is False],
        missed=[r for r in items if r["actual"] == OVERTURNED and r["predicted"] == NOT_COVERED],
        letters_by_format={k: len(v) for k, v in sorted(letters.items())},
    )


def case_label(r: dict, width: int | None = None) -> str:
    """The case number (the file's stem when the letter has none), with its format when both are shown."""
    name = r["case_number"] or Path(r["file"]).stem
    if width and len(name) > width:
        name = name[: width - 1] + "…"
    return f"{name} {r['format']}" if r.get("_show_format") else name


def citation_text(c: dict) -> str:
    parts = [c.get("source") or c.get("guideline") or ""]
    if c.get("section"):
        parts.append(c["section"])
    if c.get("pages"):
        parts.append(f"p. {c['pages']}")
    return ", ".join(p for p in parts if p)
