"""The summary of a comparison: coverage and agreement, overall, per kind of service and per
treatment family.

Two ways of scoring, always beside the always-"Upheld" baseline on the same items:

* ``covered_items``: only the items a rule decides (predicted Upheld or Overturned);
* ``all_items``: every item, a "Not covered" prediction counting as "Upheld" -- the base rate,
  since IMR upholds most denials. This is what a user relying on the tool gets.
"""
from __future__ import annotations

from collections import Counter
from typing import Iterable, Optional

from checker.vocab import PHYSICAL_MEDICINE as PM_FAMILIES, Family, Kind

from .metrics import CLASSES, UPHELD, Confusion, baseline, scores

NOT_COVERED = "Not covered"
PREDICTIONS = (*CLASSES, NOT_COVERED)
PHYSICAL_MEDICINE = "physical_medicine"  # every family but "other"

DEFINITIONS = {
    "scores.covered_items": "scored on the items a rule decides (predicted Upheld or Overturned); Not covered items are left out",
    "scores.all_items": "scored on every item; a Not covered prediction counts as Upheld, the base rate (IMR upholds most denials)",
    "baseline": "the same items predicted Upheld every time",
    "coverage": "share of items predicted Upheld or Overturned rather than Not covered",
    "overturned_recall": "share of the Overturned items predicted Overturned (null when none was Overturned)",
    "overturned_precision": "share of the Overturned predictions that were Overturned (null when none was predicted)",
    "kappa": "Cohen's kappa of prediction and outcome; null when undefined (both one and the same class throughout)",
    "confusion": "confusion[actual][predicted], item counts",
    "by_kind": "the items of each kind of service (checker.vocab.Kind: physical medicine, imaging, electrodiagnostics, injections, surgery and its services, medications, equipment, services, other), by their family",
    "physical_medicine": "the items of the physical-medicine families (therapy, chiropractic, acupuncture, massage, aquatic, work conditioning, TENS, passive modalities)",
    "format_pairs": "cases compared from both a .txt and a .pdf (--both-formats): items whose prediction or deciding rules differ between the two",
    "cases": "distinct case numbers among the items (a letter compared in two formats counts once)",
    "undated_items": "items whose letter dates neither the request nor the UR decision; judged by the guidelines of the --undated day",
}


def _confusion(records: list[dict], fallback: bool) -> Confusion:
    pairs = []
    for r in records:
        predicted = r["predicted"]
        if predicted == NOT_COVERED:
            if not fallback:
                continue
            predicted = UPHELD
        pairs.append((r["actual"], predicted))
    return Confusion.of(pairs)


def group_summary(records: list[dict]) -> dict:
    """Counts, coverage, confusion matrix and both scorings of one group of items."""
    matrix = {a: {p: 0 for p in PREDICTIONS} for a in CLASSES}
    for r in records:
        matrix[r["actual"]][r["predicted"]] += 1
    covered = sum(r["predicted"] != NOT_COVERED for r in records)
    out = {
        "items": len(records),
        "covered": covered,
        "not_covered": len(records) - covered,
        "coverage": covered / len(records) if records else None,
        "actual_overturned": sum(r["actual"] != UPHELD for r in records),
        "confusion": matrix,
    }
    out["scores"] = {}
    for view, fallback in (("covered_items", False), ("all_items", True)):
        c = _confusion(records, fallback)
        out["scores"][view] = {"model": scores(c).as_dict(), "baseline": scores(baseline(c)).as_dict()}
    return out


def format_pairs(records: list[dict]) -> dict:
    """Cases compared from both a .txt and a .pdf: how many items, and those predicted differently."""
    by_case: dict[str, dict[str, dict[int, dict]]] = {}
    for r in records:
        by_case.setdefault(r["case_number"] or r["file"], {}).setdefault(r["format"], {})[r["item_no"]] = r
    cases = items = 0
    differ = []
    for case, formats in by_case.items():
        if not {"txt", "pdf"} <= set(formats):
            continue
        cases += 1
        txt, pdf = formats["txt"], formats["pdf"]
        for no in sorted(set(txt) | set(pdf)):
            items += 1
            a, b = txt.get(no), pdf.get(no)
            if a is None or b is None or (a["predicted"], a["rules"]) != (b["predicted"], b["rules"]):
                differ.append({"case": case, "item_no": no,
                               "txt": a and {"item": a["item"], "predicted": a["predicted"], "rules": a["rules"]},
                               "pdf": b and {"item": b["item"], "predicted": b["predicted"], "rules": b["rules"]}})
    return {"cases": cases, "items": items, "differ": differ}


def family_order(families: Iterable[str]) -> list[str]:
    order = {f.value: i for i, f in enumerate(Family)}
    return sorted(set(families), key=lambda f: (order.get(f, len(order)), f))


def kind_of(family: str) -> Kind:
    """The kind of service of a record's family (a family this version does not know: other)."""
    try:
        return Family(family).kind
    except ValueError:
        return Kind.other


def by_kind(records: list[dict]) -> dict:
    """group_summary per kind of service, in checker.vocab.Kind order, for the kinds present."""
    groups: dict[Kind, list[dict]] = {}
    for r in records:
        groups.setdefault(kind_of(r["family"]), []).append(r)
    return {k.value: group_summary(groups[k]) for k in Kind if k in groups}


def summarize(records: list[dict], letters: int, errors: int, family_filter: Optional[list[str]] = None) -> dict:
    """The summary of the items in ``records`` from ``letters`` compared letters."""
    cases = {r["case_number"] or r["file"] for r in records}
    by_family: dict[str, list[dict]] = {}
    for r in records:
        by_family.setdefault(r["family"], []).append(r)
    formats = Counter(r["format"] for r in records)
    return {
        "letters": letters,
        "errors": errors,
        "cases": len(cases),
        "family_filter": family_filter,
        "formats": {k: formats[k] for k in sorted(formats)},
        "undated_items": sum(bool(r.get("undated")) for r in records),
        **group_summary(records),
        PHYSICAL_MEDICINE: group_summary([r for r in records if r["family"] in PM_FAMILIES]),
        "by_kind": by_kind(records),
        "by_family": {f: group_summary(by_family[f]) for f in family_order(by_family)},
        "format_pairs": format_pairs(records),
        "definitions": DEFINITIONS,
    }
