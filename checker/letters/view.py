"""Rich terminal view and JSON of one IMR letter read back, with its case facts.

The view shows what the letter says, not a prediction: the header (case number, dates,
priority), the expert reviewer, each disputed item with IMR's decision (red: the denial
was upheld; green: it was overturned), the partial-authorization parts, the guideline
citations of the claims administrator and of MAXIMUS, and the facts of the clinical case
summary each with the sentence it was read from.
"""
from __future__ import annotations

import datetime as dt
from typing import Optional

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from checker.vocab import Family, Tri

from .facts import CaseFacts
from .model import Letter, LetterItem

DECISION_STYLE = {"Upheld": "bold red", "Overturned": "bold green"}
DECISION_MEANING = {
    "Upheld": "the denial was upheld: not medically necessary",
    "Overturned": "the denial was overturned: medically necessary",
}
_EVIDENCE_CHARS = 320  # a long run-on sentence is shown as a window around the value


def letter_json(letter: Letter, facts: CaseFacts) -> dict:
    """The letter as JSON-ready data: every parsed field, and "facts" with their evidence."""
    data = letter.model_dump(mode="json")
    data["facts"] = facts.model_dump(mode="json")
    return data


def print_letter(console: Console, letter: Letter, facts: CaseFacts) -> None:
    console.print(header_panel(letter))
    for item in letter.items:
        console.print(item_panel(item))
    console.print(facts_table(facts))
    console.print()


# --------------------------------------------------------------------------- header

def _date(day: Optional[dt.date]) -> Text:
    return Text(day.isoformat()) if day else Text("not stated", style="dim")


def _value(value: Optional[str]) -> Text:
    return Text(value) if value else Text("not stated", style="dim")


def _fields(pairs: list[tuple[str, Text]]) -> Text:
    """"label value" pairs on one line (wrapping between pairs), labels dim."""
    line = Text()
    for k, (label, value) in enumerate(pairs):
        if k:
            line.append("   ")
        line.append(label + " ", style="dim")
        line.append_text(value)
    return line


def header_panel(letter: Letter) -> Panel:
    case = _fields([
        ("Case number", Text(letter.case_number, style="bold") if letter.case_number else _value(None)),
        ("Priority", _value(letter.priority)),
        ("Read from", Text(letter.format)),
    ])
    dates = _fields([
        ("Decision date", _date(letter.decision_date)),
        ("Date assigned", _date(letter.date_assigned)),
        ("Application received", _date(letter.application_received)),
        ("UR denial date", _date(letter.ur_denial_date)),
        ("Date of injury", _date(letter.injury_date)),
    ])
    reviewer = _fields([
        ("Reviewer licensure", _value(", ".join(letter.reviewer.licensure))),
        ("specialty", _value(", ".join(letter.reviewer.specialty))),
    ])
    counts = {d: sum(i.decision == d for i in letter.items) for d in DECISION_STYLE}
    summary = Text(f"{len(letter.items)} disputed item{'s' if len(letter.items) != 1 else ''}: ")
    summary.append_text(Text(" · ").join(
        Text(f"{n} {d.lower()}", style=DECISION_STYLE[d]) for d, n in counts.items() if n
    ))
    if not (letter.case_number or letter.priority or any(
            (letter.decision_date, letter.date_assigned, letter.application_received, letter.ur_denial_date,
             letter.injury_date))):
        case = Text(f"No header block (case number, dates, priority) in this letter   Read from {letter.format}",
                    style="dim")
        return Panel(Group(case, reviewer, summary), title=f"IMR letter · {letter.file}", title_align="left")
    return Panel(Group(case, dates, reviewer, summary), title=f"IMR letter · {letter.file}", title_align="left")


# --------------------------------------------------------------------------- items

def citations_table(item: LetterItem) -> Table:
    table = Table(show_edge=False, pad_edge=False, box=None, header_style="dim")
    table.add_column("Cited by", no_wrap=True)
    table.add_column("Guideline", ratio=3, overflow="fold")  # a URL citation is one long word
    table.add_column("Section", ratio=2, overflow="fold")
    table.add_column("Pages", no_wrap=True)
    for who, cites in (("Claims Administrator", item.claims_administrator_guideline),
                       ("MAXIMUS", item.maximus_guideline)):
        if not cites:
            table.add_row(who, Text("no guideline cited", style="dim"), "", "")
        for k, c in enumerate(cites):
            table.add_row(who if k == 0 else "", c.guideline, c.section or "", c.pages or "")
    return table


def item_panel(item: LetterItem) -> Panel:
    decision = Text(item.decision.upper(), style=DECISION_STYLE[item.decision])
    decision.append(f"  ({DECISION_MEANING[item.decision]})", style="dim")
    body: list = [Text(item.item, style="bold"), decision]
    if item.original_request:
        parts = Table.grid(padding=(0, 2))
        parts.add_column(style="dim", no_wrap=True)
        parts.add_column()
        parts.add_row("Original request", item.original_request)
        parts.add_row("Authorized by the Claims Administrator", _value(item.authorized))
        parts.add_row("Remaining IMR-eligible portion", _value(item.remaining))
        body += [Text("Partial authorization", style="bold underline"), parts]
    body += [Text("Guidelines cited", style="bold underline"), citations_table(item)]
    return Panel(Group(*body), title=f"item {item.item_no}", title_align="left",
                 border_style=DECISION_STYLE[item.decision].split()[-1])


# --------------------------------------------------------------------------- facts

_LABELS = {
    "age": "Age", "sex": "Sex", "injury_date": "Date of injury", "diagnoses": "Diagnoses", "regions": "Body regions",
    "surgeries": "Surgery", "home_exercise_program": "Home exercise program", "returned_to_work": "Returned to work",
    "work_status": "Work status", "medications": "Medications",
    "medication_reduced_or_not_tolerated": "Medication reduced / not tolerated",
    "adjunct_to_exercise": "Adjunct to exercise", "flare_up": "Flare-up / new injury",
    "indication_documented": "Indication documented", "request_date": "Request date", "ur_date": "UR date",
}


def _family_name(value: str) -> str:
    return "TENS" if value == "tens" else value.replace("_", " ")


def fact_label(name: str) -> str:
    """"prior.massage.visits" -> "Prior massage visits" and the like."""
    parts = name.split(".")
    if len(parts) == 3 and parts[0] == "prior":
        what = {"visits": "visits", "functional_improvement": "functional improvement"}.get(parts[2], parts[2])
        return f"Prior {_family_name(parts[1])} {what}"
    if len(parts) == 2 and parts[0] == "ur_authorized":
        return f"UR authorized {_family_name(parts[1])}"
    return _LABELS.get(name, name.replace("_", " ").capitalize())


def _window(sentence: str, values: list[str]) -> str:
    if len(sentence) <= _EVIDENCE_CHARS:
        return sentence
    low = sentence.lower()
    hits = [low.find(v.lower()) for v in values if v and low.find(v.lower()) >= 0]
    at = min(hits) if hits else 0
    start = max(0, min(at - _EVIDENCE_CHARS // 3, len(sentence) - _EVIDENCE_CHARS))
    end = start + _EVIDENCE_CHARS
    return ("…" if start else "") + sentence[start:end].strip() + ("…" if end < len(sentence) else "")


def facts_table(facts: CaseFacts) -> Group:
    """Each fact with its value, and under it the summary sentence it was read from."""
    grid = Table.grid(padding=(0, 2, 1, 0))
    grid.add_column(style="cyan", max_width=24)
    grid.add_column(ratio=1)
    rows: list[tuple[str, list[str], str]] = []  # facts found in one sentence share a row
    for ev in facts.evidence:
        if rows and rows[-1][0] == ev.fact and rows[-1][2] == ev.sentence:
            rows[-1][1].append(ev.value)
        else:
            rows.append((ev.fact, [ev.value], ev.sentence))
    for fact, values, sentence in rows:
        grid.add_row(fact_label(fact), Group(Text(", ".join(values), style="bold"),
                                             Text(f"“{_window(sentence, values)}”", style="dim")))
    title = Text("Case facts from the clinical case summary, each with its evidence", style="bold underline")
    parts: list = [title, grid if rows else Text("none found", style="dim")]
    missing = [label.lower() for name, label in _LABELS.items() if _unstated(getattr(facts, name))]
    if not facts.prior:
        missing.append("prior physical medicine")
    if missing:
        parts.append(Text("Not stated in the summary: " + ", ".join(missing), style="dim"))
    for problem in facts.problems:
        parts.append(Text(f"Not read (extractor failed, please report): {problem}", style="yellow"))
    return Group(*parts)


def _unstated(value) -> bool:
    return value is None or value == [] or value is Tri.not_stated


__all__ = ["letter_json", "print_letter", "header_panel", "item_panel", "facts_table", "fact_label"]
