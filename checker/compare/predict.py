"""One letter: read it, predict each disputed item, and set the prediction beside the real decision.

The prediction (:func:`predict_items`) sees only what ``item_request`` takes from the
letter -- the item line and the clinical case summary, plus header dates to pick the
guideline version -- never the decision, the guideline lines or the rationale. The
reviewer's side (:func:`reviewer_side`) is read separately and joined afterwards, for the
report of disagreements. tests/test_compare.py checks that blanking the reviewer's side
changes no prediction.

The services that go with a surgery follow it (checker.kinds.surgery; FACTS-beyond-physmed.md X1):
the letter's surgical items are predicted first, and each item that serves a surgery (a
pre-operative test, clearance or assistant, "Associated surgical service: X", pre- and post-op X)
is predicted with the letter's surgeries added to its patient, each with the status its
prediction gives -- Overturned: certified, Upheld: denied, Not covered: pending. The link uses
only predictions, never the letter's decisions; the record names the surgical item followed.

Records are plain JSON-ready dicts so they cross process boundaries and go straight into
JSON, JSONL and CSV.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Optional

from checker.check import Checker
from checker.decide import ItemResult
from checker.errors import InputError
from checker.letters.facts import CaseFacts, extract_facts
from checker.letters.model import Letter, LetterItem
from checker.letters.parse import load_letter
from checker.letters.to_request import item_request
from checker.engine.facts import build_fact, pick_dates
from checker.kinds.surgery import serves_surgery
from checker.normalize.item import normalize_item
from checker.normalize.item_text import parse_item
from checker.request.model import Surgery
from checker.vocab import Family

EXCERPT_CHARS = 320


@dataclass
class LetterOutcome:
    """A compared letter's item records, or the one-line reason it could not be compared."""

    file: str
    records: list[dict] = field(default_factory=list)
    error: Optional[str] = None
    sha256: Optional[str] = None  # of the file's bytes when it was compared (the journal's, for --resume)


def predict_items(checker: Checker, letter: Letter, undated: dt.date) -> list[dict]:
    """The prediction for every item of ``letter``, from its item line and case summary.

    ``undated`` is the day whose guidelines apply when neither the summary nor the header
    dates the request.
    """
    facts = extract_facts(letter.summary)
    parsed = [parse_item(item.heading or item.item) for item in letter.items]
    surgical = [k for k, p in enumerate(parsed) if p.family is Family.surgery]
    linked: list[tuple[LetterItem, Surgery, str]] = []  # the letter's surgeries, as predicted
    out: list[Optional[dict]] = [None] * len(letter.items)
    for k in surgical + [k for k in range(len(letter.items)) if k not in surgical]:
        item = letter.items[k]
        request = item_request(letter, item, facts)
        follows = linked if serves_surgery(parsed[k]) else []
        if follows:
            surgeries = [s for _, s, _ in follows] + list(request.patient.surgeries)
            request.patient = request.patient.model_copy(update={"surgeries": surgeries})
        result = checker.check(request, today=undated)[0]
        out[k] = _prediction(item, result, undated_request=request.request_date is None, facts=facts)
        out[k]["surgery_link"] = _link(checker, request, undated, follows)
        if k in surgical:
            procedure = " ".join((item.heading or item.item).split())
            linked.append((item, Surgery(procedure=procedure, planned=True, status=LINK_STATUS[result.imr_outcome]),
                           result.imr_outcome))
    return out


LINK_STATUS = {"Overturned": "certified", "Upheld": "denied", "Not covered": "pending"}


def _link(checker: Checker, request, undated: dt.date,
          follows: list[tuple[LetterItem, Surgery, str]]) -> Optional[dict]:
    """The letter's surgical item the prediction followed, as the item's fact links it (None: none)."""
    if not follows:
        return None
    dates = pick_dates(request, None, undated)
    fact = build_fact(request, normalize_item(request.items[0]), checker.kb, dates)
    for item, surgery, predicted in follows:
        if fact["linked_surgery"] == surgery.procedure and fact["surgery_status"] == surgery.status:
            return {"item_no": item.item_no, "item": item.item, "predicted": predicted, "status": surgery.status}
    return None  # it serves another surgery of the record, or none its regions meet


def _prediction(item: LetterItem, result: ItemResult, undated_request: bool, facts: CaseFacts) -> dict:
    return {
        "item_no": item.item_no,
        "item": item.item,
        "family": result.family.value,
        "predicted": result.imr_outcome,
        "rules": list(result.deciding_rules),
        "decision": result.decision.value,
        "requested_quantity": result.requested_quantity,
        "certifiable_quantity": result.certifiable_quantity,
        "quantity_unit": result.quantity_unit,
        "guideline_date": result.understood.guideline_date.isoformat(),
        "undated": undated_request,
        "not_covered_reason": result.not_covered_reason,
        "findings": [
            {"rule": f.rule, "effect": f.effect, "message": f.message, "citation": f.citation.model_dump()}
            for f in result.findings
        ],
        "missing_documentation": list(result.missing_documentation),
        "fact_problems": list(facts.problems),  # extractors that failed on the summary (a bug to report)
    }


def reviewer_side(item: LetterItem) -> dict:
    """What the IMR reviewer decided and cited: shown only beside a finished prediction."""
    return {
        "actual": item.decision,
        "reviewer_citations": [
            {"guideline": c.guideline, "section": c.section, "pages": c.pages} for c in item.maximus_guideline
        ],
        "rationale_excerpt": excerpt(item.rationale),
    }


def excerpt(text: str, limit: int = EXCERPT_CHARS) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit)
    return text[: cut if cut > limit // 2 else limit].rstrip(" ,;:") + " …"


def letter_records(checker: Checker, letter: Letter, undated: dt.date) -> list[dict]:
    """One record per item: the letter, the prediction, then the reviewer's side."""
    predictions = predict_items(checker, letter, undated)
    records = []
    for item, pred in zip(letter.items, predictions):
        answer = reviewer_side(item)
        agree = None if pred["predicted"] == "Not covered" else pred["predicted"] == answer["actual"]
        records.append({
            "file": letter.file,
            "case_number": letter.case_number,
            "format": letter.format,
            "letter_items": len(letter.items),
            "item_no": pred["item_no"],
            "item": pred["item"],
            "family": pred["family"],
            "actual": answer["actual"],
            "predicted": pred["predicted"],
            "agree": agree,
            **{k: v for k, v in pred.items() if k not in ("item_no", "item", "family", "predicted")},
            "reviewer_citations": answer["reviewer_citations"],
            "rationale_excerpt": answer["rationale_excerpt"],
        })
    return records


class LetterComparer:
    """Compares letter files with one Checker (built once; one per process)."""

    def __init__(self, undated: dt.date, checker: Checker | None = None):
        self.undated = undated
        self.checker = checker or Checker()

    def compare(self, file: str) -> LetterOutcome:
        """Never raises for a bad file: the problem is the outcome's one-line error."""
        try:
            letter = load_letter(file)
            return LetterOutcome(file, letter_records(self.checker, letter, self.undated))
        except InputError as e:
            return LetterOutcome(file, error=str(e))
        except Exception as e:  # a bug on an odd file must not stop the batch
            problem = " ".join(f"{type(e).__name__}: {e}".split())[:300]
            return LetterOutcome(file, error=f"{file}: unexpected error while comparing (please report it): {problem}")
