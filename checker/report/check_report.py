"""Rich terminal report and JSON for `imr-check check`."""
from __future__ import annotations

import datetime as dt

from rich.console import Console, Group
from rich.panel import Panel
from rich.text import Text

from checker.decide import Finding, ItemResult
from checker.report.titles import FileTitledPanel
from checker.request.model import VisitCount
from checker.vocab import Decision

STYLE = {Decision.certify: "bold green", Decision.non_certify: "bold red", Decision.not_covered: "bold yellow"}
EFFECT_MARK = {"ok": ("✓", "green"), "advise": ("!", "yellow"), "limit": ("▼", "red"), "block": ("✗", "red")}


def item_json(file: str, index: int, result: ItemResult) -> dict:
    """An item's result as JSON for users: the engine's day ordinals as ISO dates, the prior
    visits as a number or {"min", "max"} (null: not known), never the text the report prints."""
    data = result.model_dump(mode="json")
    for finding in data["findings"] + data["superseded"]:
        if isinstance(finding["values"].get("day"), int):
            finding["values"]["day"] = dt.date.fromordinal(finding["values"]["day"]).isoformat()
    data["understood"]["prior_visits"] = _visits_json(result.understood.prior_visits)
    return {"file": file, "item_no": index, **data}


def _visits_json(prior: str | None) -> int | dict | None:
    """"6" -> 6, "20 to 22" -> {"min": 20, "max": 22}, "at least 8" -> {"min": 8, "max": null},
    a course of unknown size -> {"min": null, "max": null}; None (no prior course) stays None."""
    if prior is None:
        return None
    try:
        count = VisitCount.model_validate(prior)
    except ValueError:
        return {"min": None, "max": None}
    return count.min if count.min == count.max else {"min": count.min, "max": count.max}


def _understood(result: ItemResult) -> Text:
    u = result.understood
    parts = [("Family ", u.family.label)]
    if u.kind == "physical_medicine":
        qty = "quantity not stated" if u.visits is None else f"{u.visits} visit{'' if u.visits == 1 else 's'}"
        if u.frequency_per_week and u.weeks:
            qty += f" ({u.frequency_per_week:g}/week × {u.weeks:g} weeks)"
        if result.quantity_unit == "days" and result.requested_quantity is not None:
            qty = f"{result.requested_quantity} days"
        parts.append(("Quantity ", qty))
    elif result.requested_quantity is not None:
        parts.append(("Quantity ", f"{result.requested_quantity} {result.quantity_unit}"))
    parts += [(f"{label} ", value) for label, value in u.details]
    parts += [("Regions ", ", ".join(u.regions) or "not stated"),
              ("Conditions ", ", ".join(u.conditions) or "none recognized")]
    if u.kind == "physical_medicine":
        if u.authorized_visits:
            parts.append(("Already authorized ", f"{u.authorized_visits} visits"))
        parts.append(("Prior ", f"{u.prior_visits} visits" if u.prior_visits else "none documented"))
        parts.append(("Functional improvement ", u.functional_improvement.replace("_", " ")))
    basis = {"request_date": "the request date", "as_of": "--as-of", "today": "today: the request is not dated"}
    parts.append(("Guidelines as of ", f"{u.guideline_date.isoformat()} ({basis[u.date_basis]})"))
    text = Text()
    for i, (label, value) in enumerate(parts):
        text.append(label, style="dim")
        text.append(value)
        text.append("\n" if i % 2 else "   ")
    return text


CONFIDENCE_STYLE = {"high": "green", "medium": "yellow", "low": "red"}
CRITERION_MARK = {"met": ("✓", "green"), "not_met": ("✗", "red"), "not_documented": ("?", "yellow")}


def _finding_line(f: Finding) -> Group | Text:
    mark, style = EFFECT_MARK[f.effect]
    line = Text(f"{mark} ", style=style)
    line.append(f"[{f.rule}] ", style="cyan")
    line.append(f"({f.tier_label}{', pack ' + f.pack if f.pack else ''}) ", style="dim")
    line.append(f.message)
    if f.confidence == "unconfirmed":
        line.append(" (rule not yet confirmed against a real letter)", style="dim italic")
    if not f.criteria:
        return line
    rows = [line]
    for c in f.criteria:
        cmark, cstyle = CRITERION_MARK[c.status]
        row = Text(f"    {cmark} ", style=cstyle)
        row.append(f"{c.label}: {c.status.replace('_', ' ')}")
        if c.counted_as != c.status:
            row.append(f" (counted as {c.counted_as.replace('_', ' ')})", style="dim")
        row.append(f" [{c.citation.section}, {c.citation.pages}]", style="dim")
        rows.append(row)
    return Group(*rows)


LINK_WORDS = {"certified": "certified: the service is judged on its own criteria",
              "denied": "not certified, so the service is not either",
              "pending": "not yet certified: attach its authorization"}


def _surgery_link(result: ItemResult) -> Text | None:
    """The surgery a service follows (checker.kinds.surgery), as the rules that link it compared it."""
    for f in result.findings + result.superseded:
        surgery, status = f.values.get("linked_surgery"), f.values.get("surgery_status")
        if surgery and status in LINK_WORDS:
            line = Text("Follows the surgery ", style="dim")
            line.append(surgery, style="bold")
            line.append(f" — {LINK_WORDS[status]}")
            return line
    return None


def item_panel(file: str, index: int, result: ItemResult) -> Panel:
    body: list = [Text(result.item, style="bold"), _understood(result)]
    if (link := _surgery_link(result)) is not None:
        body.append(link)
    verdict = Text(f"{result.decision.value.upper()}", style=STYLE[result.decision])
    verdict.append(f"  (IMR would {'overturn a denial' if result.decision is Decision.certify else 'uphold a denial' if result.decision is Decision.non_certify else 'not be predicted'}: {result.imr_outcome})", style="dim")
    body.append(verdict)
    if result.confidence:
        sure = Text("How sure: ", style="dim")
        sure.append(result.confidence, style=f"bold {CONFIDENCE_STYLE[result.confidence]}")
        sure.append(f" — {result.confidence_reason}")
        body.append(sure)
    if result.decision is Decision.not_covered:
        hint = " (use --as-of to check against the guidelines of another date)" if result.outside_encoded_dates else ""
        body.append(Text(f"Not covered: {result.not_covered_reason}{hint}", style="yellow"))
    elif result.certifiable_quantity is not None and result.certifiable_quantity != result.requested_quantity:
        body.append(Text(f"Certifiable: {result.certifiable_quantity} {result.quantity_unit} of "
                         f"{result.requested_quantity if result.requested_quantity is not None else 'an unstated number'}",
                         style="bold"))
    if result.findings:
        body.append(Text("Why", style="bold underline"))
        body.extend(_finding_line(f) for f in result.findings)
    if result.superseded:
        body.append(Text("Superseded (MTUS first; postsurgical schedule within its period): "
                         + ", ".join(f"{f.rule} by {f.superseded_by}" for f in result.superseded), style="dim"))
    if result.missing_documentation:
        body.append(Text("Missing documentation", style="bold underline"))
        body.extend(Text(f"• {m}") for m in result.missing_documentation)
    return FileTitledPanel(Group(*body), file, after=f" · item {index}", border_style=STYLE[result.decision].split()[-1])


def print_report(console: Console, file: str, results: list[ItemResult]) -> None:
    for i, result in enumerate(results, 1):
        console.print(item_panel(file, i, result))

