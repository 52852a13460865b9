"""The rich report of a comparison: items, summary, per family, then each disagreement.

Built as a list of renderables so the terminal and the HTML page show the same thing.
"""
from __future__ import annotations

from pathlib import Path
from typing import Optional

from rich import box
from rich.cells import cell_len
from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from .metrics import CLASSES
from .score import NOT_COVERED, PHYSICAL_MEDICINE, PREDICTIONS

OUTCOME_STYLE = {"Upheld": "red", "Overturned": "green", NOT_COVERED: "yellow"}
EFFECT_MARK = {"ok": ("✓", "green"), "advise": ("!", "yellow"), "limit": ("▼", "red"), "block": ("✗", "red")}


def pct(x: Optional[float]) -> str:
    return "—" if x is None else f"{100 * x:.0f}%"


def num(x: Optional[float]) -> str:
    return "—" if x is None else f"{x:.2f}"


SHORT_FAMILY = {"physical_therapy": "PT", "chiropractic": "chiro", "acupuncture": "acu", "massage": "massage",
                "aquatic_therapy": "aquatic", "work_conditioning": "WC/WH", "tens": "TENS", "other": "other",
                PHYSICAL_MEDICINE: "phys. med.", "all families": "all"}
CASE_WIDTH = 13
# Two spaces between columns (padding and the box's blank divider), none at the edges: the
# tables fit 80 columns.
TABLE = dict(box=box.SIMPLE_HEAD, padding=(0, 1, 0, 0), pad_edge=False, show_edge=False)


def case_label(r: dict, width: int | None = None) -> str:
    name = r["case_number"] or Path(r["file"]).stem
    if width and len(name) > width:
        name = name[: width - 1] + "…"
    return f"{name} {r['format']}" if r.get("_show_format") else name


def predicted_cell(r: dict) -> Text:
    text = Text(r["predicted"], style=OUTCOME_STYLE[r["predicted"]])
    if r["agree"] is not None:
        text.append(" ✓" if r["agree"] else " ✗", style="green" if r["agree"] else "bold red")
    return text


def items_table(records: list[dict]) -> Table:
    # Every column but the item's gets a fixed width, so rich need not measure each cell of
    # a long table (that measuring costs more than comparing the letters).
    rows = []
    for r in records:
        item = Text(r["item"])
        rules = ", ".join(r["rules"])
        if rules:
            item.append(f"\n{rules}", style="cyan")
        rows.append((case_label(r, CASE_WIDTH), str(r["item_no"]), item, SHORT_FAMILY.get(r["family"], r["family"]),
                     Text(r["actual"], style=OUTCOME_STYLE[r["actual"]]), predicted_cell(r)))
    table = Table(title=f"Items ({len(records)}): ✓ agrees with IMR, ✗ disagrees", title_justify="left",
                  **TABLE)
    for k, (name, kw) in enumerate((("case", {}), ("#", {"justify": "right"}), ("family", {}), ("IMR", {}),
                                    ("predicted", {}))):
        col = (0, 1, 3, 4, 5)[k]
        width = max([cell_len(str(row[col])) for row in rows] + [cell_len(name)])
        table.add_column(name, width=width, no_wrap=True, **kw)
        if name == "#":
            table.add_column("item, deciding rule", ratio=1, overflow="fold")
    for row in rows:
        table.add_row(*row)
    return table


VIEWS = (("covered_items", "covered items"), ("all_items", "all items *"))


def scores_table(scores: dict) -> Table:
    table = Table(**TABLE)
    table.add_column("scored on", no_wrap=True)
    for col in ("items", "accuracy", "base", "recall", "precision", "κ", "base κ"):
        table.add_column(col, justify="right", no_wrap=True)
    for key, label in VIEWS:
        m, b = scores[key]["model"], scores[key]["baseline"]
        table.add_row(label, str(m["n"]), pct(m["accuracy"]), pct(b["accuracy"]), pct(m["overturned_recall"]),
                      pct(m["overturned_precision"]), num(m["kappa"]), num(b["kappa"]))
    return table


LEGEND = ("* Not covered counted as Upheld. base: the same items predicted Upheld every time. "
          "Recall and precision are of Overturned. κ: Cohen's kappa. —: undefined (no such items, "
          "or one class throughout).")


def summary_panel(summary: dict) -> Panel:
    s = summary
    head = Text()
    head.append(f"{s['letters']} letters compared", style="bold")
    if s["errors"]:
        head.append(f", {s['errors']} not compared", style="bold red")
    head.append(f"; {s['cases']} cases, {s['items']} items")
    if s["family_filter"]:
        head.append(f" (families: {', '.join(s['family_filter'])})")
    head.append(f"\nCoverage: a rule decides {s['covered']} of {s['items']} items ({pct(s['coverage'])}); "
                f"{s['not_covered']} Not covered. IMR overturned {s['actual_overturned']} items.")
    notes: list[RenderableType] = [head, Text(""), scores_table(s["scores"]), Text(""), confusion_table(s["confusion"]),
                                   Text("")]
    if s["undated_items"]:
        notes.append(Text(f"{s['undated_items']} items come from letters that date neither the request nor the UR "
                          "decision: judged by the guidelines in force on the --undated day.", style="yellow"))
    notes.append(Text(LEGEND, style="dim"))
    return Panel(Group(*notes), title="Summary", title_align="left")


def confusion_table(matrix: dict) -> Table:
    table = Table(title="IMR decision (rows) × prediction (columns)", title_justify="left", box=None, padding=(0, 2))
    table.add_column("")
    for p in PREDICTIONS:
        table.add_column(p, justify="right", style=OUTCOME_STYLE[p])
    for a in CLASSES:
        table.add_row(Text(a, style=OUTCOME_STYLE[a]), *(str(matrix[a][p]) for p in PREDICTIONS))
    return table


def family_table(summary: dict) -> Table:
    table = Table(title="Per family (acc cov: accuracy on covered items; the rest on all items *)",
                  title_justify="left", caption="base: accuracy of always Upheld; its recall is 0 and its κ 0 "
                  "(or —) by construction.", caption_justify="left",
                  **TABLE)
    table.add_column("family", no_wrap=True)
    for col in ("items", "covered", "IMR Ov", "acc cov", "acc all", "base", "recall", "prec", "κ"):
        table.add_column(col, justify="right", no_wrap=True)

    def row(name: str, g: dict, style: str = "") -> None:
        c, a = g["scores"]["covered_items"], g["scores"]["all_items"]
        table.add_row(
            SHORT_FAMILY.get(name, name), str(g["items"]), f"{g['covered']} {pct(g['coverage'])}",
            str(g["actual_overturned"]), pct(c["model"]["accuracy"]),
            pct(a["model"]["accuracy"]), pct(a["baseline"]["accuracy"]),
            pct(a["model"]["overturned_recall"]), pct(a["model"]["overturned_precision"]), num(a["model"]["kappa"]),
            style=style,
        )

    for name, g in summary["by_family"].items():
        row(name, g)
    table.add_section()
    row(PHYSICAL_MEDICINE, summary[PHYSICAL_MEDICINE], "bold")
    row("all families", summary, "bold")
    return table


def _citation_text(c: dict) -> str:
    parts = [c.get("source") or c.get("guideline") or ""]
    if c.get("section"):
        parts.append(c["section"])
    if c.get("pages"):
        parts.append(f"p. {c['pages']}")
    return ", ".join(p for p in parts if p)


def disagreement_panel(r: dict) -> Panel:
    body: list[RenderableType] = [Text(r["item"], style="bold")]
    verdict = Text("Predicted ")
    verdict.append(r["predicted"], style=OUTCOME_STYLE[r["predicted"]])
    verdict.append(", IMR ")
    verdict.append(r["actual"], style=OUTCOME_STYLE[r["actual"]])
    if r.get("certifiable_quantity") is not None and r.get("requested_quantity") is not None \
            and r["certifiable_quantity"] != r["requested_quantity"]:
        verdict.append(f"  (rules would certify {r['certifiable_quantity']} of {r['requested_quantity']} "
                       f"{r['quantity_unit']})", style="dim")
    body.append(verdict)
    body.append(Text("What the rules found", style="bold underline"))
    for f in r["findings"]:
        sym, style = EFFECT_MARK.get(f["effect"], ("•", ""))
        line = Text(f"{sym} ", style=style)
        line.append(f"[{f['rule']}] ", style="cyan")
        line.append(f["message"])
        if f["citation"]["source"] not in f["message"]:
            line.append(f"  ({_citation_text(f['citation'])})", style="dim")
        body.append(line)
    if r.get("missing_documentation"):
        body.append(Text("Missing documentation: " + "; ".join(r["missing_documentation"]), style="dim"))
    body.append(Text("What the reviewer cited", style="bold underline"))
    cites = r.get("reviewer_citations") or []
    body.extend(Text(f"• {_citation_text(c)}") for c in cites)
    if not cites:
        body.append(Text("• no MAXIMUS guideline citation in the letter", style="dim"))
    if r.get("rationale_excerpt"):
        body.append(Text(f"“{r['rationale_excerpt']}”", style="italic"))
    return Panel(Group(*body), title=f"{case_label(r)} · item {r['item_no']} · {r['file']}", title_align="left",
                 border_style="red")


def missed_text(missed: list[dict]) -> Text:
    """Overturned items no rule decided: wrong under the all-items scoring (Not covered = Upheld)."""
    text = Text(f"Overturned by IMR but Not covered ({len(missed)}):", style="bold")
    for r in missed:
        text.append(f"\n  {case_label(r)} item {r['item_no']}: {r['item']}")
        if r.get("not_covered_reason"):
            text.append(f" — {r['not_covered_reason']}", style="dim")
    return text


def format_pairs_text(pairs: dict) -> Text:
    text = Text(f"Formats: {pairs['cases']} cases compared as both .txt and .pdf, {pairs['items']} items; ",
                style="bold")
    if not pairs["differ"]:
        text.append("every prediction and deciding rule is the same in both", style="green")
        return text
    text.append(f"{len(pairs['differ'])} differ:", style="bold red")
    for d in pairs["differ"]:
        sides = []
        for fmt in ("txt", "pdf"):
            side = d[fmt]
            sides.append(f"{fmt}: " + ("(no such item)" if side is None else
                                       f"{side['predicted']} [{', '.join(side['rules']) or '—'}] {side['item']!r}"))
        text.append(f"\n  {d['case']} item {d['item_no']}: " + "; ".join(sides))
    return text


def report(records: list[dict], summary: dict, errors: list[dict]) -> list[RenderableType]:
    """Everything the report shows, in order."""
    formats = {}
    for r in records:
        formats.setdefault(r["case_number"] or r["file"], set()).add(r["format"])
    both = any(len(v) > 1 for v in formats.values())
    shown = [{**r, "_show_format": both} for r in records]
    parts: list[RenderableType] = []
    if shown:
        parts.append(items_table(shown))
    parts.append(summary_panel(summary))
    if summary["by_family"]:
        parts.append(family_table(summary))
    wrong = [r for r in shown if r["agree"] is False]
    parts.append(Text(f"Disagreements ({len(wrong)}): items a rule decided otherwise than IMR",
                      style="bold"))
    parts.extend(disagreement_panel(r) for r in wrong)
    missed = [r for r in shown if r["actual"] == "Overturned" and r["predicted"] == NOT_COVERED]
    if missed:
        parts.append(missed_text(missed))
    pairs = summary["format_pairs"]
    if pairs["cases"]:
        parts.append(format_pairs_text(pairs))
    if errors:
        parts.append(Text(f"Not compared ({len(errors)})", style="bold red"))
        parts.extend(Text(e["error"], style="red") for e in errors)
    return parts
