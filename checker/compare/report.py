"""The terminal report of a comparison: items, summary, per family and kind, then each disagreement.

1. Rule ids, case numbers and dates are never split across lines; item texts and messages
   wrap between words.
2. The item list is a table when the terminal leaves the item column room for the longest
   deciding rule id; on a narrower terminal (80 columns, the width whenever output is piped)
   each item is two lines: case, number, family and outcomes, then the item and its rules.
3. A panel title keeps the case, the item number and the file name; a long path loses the
   start of its directory part (checker.report.titles).
"""
from __future__ import annotations

from typing import Optional

from rich import box
from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from checker.report.titles import FileTitledPanel
from checker.vocab import Kind

from .metrics import CLASSES
from .score import NOT_COVERED, PREDICTIONS
from .view import ALL, ComparisonView, Group as ItemGroup, build_view, case_label, citation_text

OUTCOME_STYLE = {"Upheld": "red", "Overturned": "green", NOT_COVERED: "yellow"}
EFFECT_MARK = {"ok": ("✓", "green"), "advise": ("!", "yellow"), "limit": ("▼", "red"), "block": ("✗", "red")}


def pct(x: Optional[float]) -> str:
    return "—" if x is None else f"{100 * x:.0f}%"


def num(x: Optional[float]) -> str:
    return "—" if x is None else f"{x:.2f}"


SHORT_FAMILY = {"physical_therapy": "PT", "chiropractic": "chiro", "acupuncture": "acu", "massage": "massage",
                "aquatic_therapy": "aquatic", "work_conditioning": "WC/WH", "tens": "TENS",
                "passive_modality": "passive", "imaging": "imaging", "electrodiagnostic": "EDx",
                "injection": "inject.", "surgery": "surgery", "surgical_service": "surg.svc", "medication": "drug",
                "urine_drug_test": "UDT", "dme": "DME", "consultation": "consult", "home_care": "home",
                "facility_care": "facility", "transportation": "transport", "other": "other"}
SHORT_KIND = {Kind.physical_medicine.value: "phys. med.", Kind.electrodiagnostics.value: "EDx",
              Kind.medications.value: "drugs", ALL: "all"}
CASE_WIDTH = 13
ITEM_MIN_WIDTH = 24  # the least width of the item column before the items are stacked instead
# Two spaces between columns (padding and the box's blank divider), none at the edges: the
# tables fit 80 columns.
TABLE = dict(box=box.SIMPLE_HEAD, padding=(0, 1, 0, 0), pad_edge=False, show_edge=False)


def predicted_cell(r: dict) -> Text:
    text = Text(r["predicted"], style=OUTCOME_STYLE[r["predicted"]])
    if r["agree"] is not None:
        text.append(" ✓" if r["agree"] else " ✗", style="green" if r["agree"] else "bold red")
    return text


class ItemsView:
    """Every item: a table on a wide terminal, two lines per item on a narrow one."""

    COLUMNS = (("case", {}), ("#", {"justify": "right"}), ("family", {}), ("IMR", {}), ("predicted", {}))

    def __init__(self, records: list[dict]):
        self.records = records
        # Every column but the item's gets a fixed width, so rich need not measure each cell
        # of a long table (that measuring costs more than comparing the letters).
        self.rows = [(case_label(r, CASE_WIDTH), str(r["item_no"]), SHORT_FAMILY.get(r["family"], r["family"]),
                      Text(r["actual"], style=OUTCOME_STYLE[r["actual"]]), predicted_cell(r)) for r in records]
        self.widths = [max([cell_len(str(row[k])) for row in self.rows] + [cell_len(name)])
                       for k, (name, _) in enumerate(self.COLUMNS)]
        self.longest_rule = max((cell_len(rule) for r in records for rule in r["rules"]), default=0)

    def title(self) -> Text:
        return Text(f"Items ({len(self.records)}): ✓ agrees with IMR, ✗ disagrees", style="italic")

    def item_text(self, r: dict, separator: str) -> Text:
        item = Text(r["item"])
        if r["rules"]:
            item.append(separator)
            item.append(", ".join(r["rules"]), style="cyan")
        if r.get("surgery_link"):  # a service that follows a surgical item of its letter
            item.append(f" · follows item {r['surgery_link']['item_no']} ({r['surgery_link']['predicted']})", style="dim")
        return item

    def fits_table(self, width: int) -> bool:
        item_width = width - sum(self.widths) - 2 * len(self.widths)
        return item_width >= max(self.longest_rule, ITEM_MIN_WIDTH)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield self.title()
        if self.fits_table(options.max_width):
            yield self.table()
        else:
            yield from self.stacked()

    def table(self) -> Table:
        table = Table(**TABLE)
        for k, (name, kw) in enumerate(self.COLUMNS):
            table.add_column(name, width=self.widths[k], no_wrap=True, **kw)
            if name == "#":
                table.add_column("item, deciding rule", ratio=1, overflow="fold")
        for r, row in zip(self.records, self.rows):
            table.add_row(*row[:2], self.item_text(r, "\n"), *row[2:])
        return table

    def stacked(self):
        case_w, no_w, family_w, actual_w, _ = self.widths
        for r, (case, no, family, actual, predicted) in zip(self.records, self.rows):
            head = Text(f"{case:<{case_w}}  {no:>{no_w}}  {family:<{family_w}}  ")
            head.append("IMR ", style="dim")
            head.append_text(actual)
            head.append(" " * (actual_w - actual.cell_len) + "  ")
            head.append("predicted ", style="dim")
            head.append_text(predicted)
            yield head
            yield Padding(self.item_text(r, " · "), (0, 0, 0, 4))


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


def summary_panel(summary: dict):
    from rich.panel import Panel

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


def group_table(title: str, groups: list[ItemGroup], total: ItemGroup, short: dict, caption: str = "") -> Table:
    table = Table(title=title, title_justify="left", caption=caption or None, caption_justify="left", **TABLE)
    table.add_column("", no_wrap=True)
    for col in ("items", "covered", "IMR Ov", "acc cov", "acc all", "base", "recall", "prec", "κ"):
        table.add_column(col, justify="right", no_wrap=True)

    def row(g: ItemGroup, style: str = "") -> None:
        c, a = g.stats["scores"]["covered_items"], g.stats["scores"]["all_items"]
        table.add_row(
            short.get(g.key, g.key), str(g.items), f"{g.stats['covered']} {pct(g.stats['coverage'])}",
            str(g.stats["actual_overturned"]), pct(c["model"]["accuracy"]),
            pct(a["model"]["accuracy"]), pct(a["baseline"]["accuracy"]),
            pct(a["model"]["overturned_recall"]), pct(a["model"]["overturned_precision"]), num(a["model"]["kappa"]),
            style=style,
        )

    for g in groups:
        row(g)
    table.add_section()
    row(total, "bold")
    return table


def finding_line(f: dict) -> Text:
    sym, style = EFFECT_MARK.get(f["effect"], ("•", ""))
    line = Text(f"{sym} ", style=style)
    line.append(f"[{f['rule']}] ", style="cyan")
    line.append(f["message"])
    if f["citation"]["source"] not in f["message"]:
        line.append(f"  ({citation_text(f['citation'])})", style="dim")
    return line


def disagreement_panel(r: dict) -> FileTitledPanel:
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
    body.extend(finding_line(f) for f in r["findings"])
    if r.get("missing_documentation"):
        body.append(Text("Missing documentation: " + "; ".join(r["missing_documentation"]), style="dim"))
    body.append(Text("What the reviewer cited", style="bold underline"))
    cites = r.get("reviewer_citations") or []
    body.extend(Text(f"• {citation_text(c)}") for c in cites)
    if not cites:
        body.append(Text("• no MAXIMUS guideline citation in the letter", style="dim"))
    if r.get("rationale_excerpt"):
        body.append(Text(f"“{r['rationale_excerpt']}”", style="italic"))
    return FileTitledPanel(Group(*body), r["file"], before=f"{case_label(r)} · item {r['item_no']} · ",
                           border_style="red")


def missed_list(missed: list[dict]) -> Group:
    """Overturned items no rule decided: wrong under the all-items scoring (Not covered = Upheld)."""
    lines: list[RenderableType] = [Text(f"Overturned by IMR but Not covered ({len(missed)}):", style="bold")]
    for r in missed:
        text = Text(f"{case_label(r)} item {r['item_no']}: ", style="bold")
        text.append(r["item"], style="")
        if r.get("not_covered_reason"):
            text.append(f" — {r['not_covered_reason']}", style="dim")
        lines.append(Padding(text, (0, 0, 0, 2)))
    return Group(*lines)


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


def report(records: list[dict] | ComparisonView, summary: dict | None = None,
           errors: list[dict] | None = None) -> list[RenderableType]:
    """Everything the report shows, in order (from a view, or from records, summary and errors)."""
    view = records if isinstance(records, ComparisonView) else build_view(records, summary, errors or [])
    parts: list[RenderableType] = []
    if view.items:
        parts.append(ItemsView(view.items))
    parts.append(summary_panel(view.summary))
    if view.families:
        parts.append(group_table("Per family (acc cov: accuracy on covered items; the rest on all items *)",
                                 view.families, view.overall, {**SHORT_FAMILY, ALL: "all"}))
        parts.append(group_table("Per kind of service", view.kinds, view.overall, SHORT_KIND,
                                 caption="base: accuracy of always Upheld; its recall is 0 and its κ 0 (or —) by "
                                         "construction."))
    parts.append(Text(f"Disagreements ({len(view.disagreements)}): items a rule decided otherwise than IMR",
                      style="bold"))
    parts.extend(disagreement_panel(r) for r in view.disagreements)
    if view.missed:
        parts.append(missed_list(view.missed))
    pairs = view.summary["format_pairs"]
    if pairs["cases"]:
        parts.append(format_pairs_text(pairs))
    if view.errors:
        parts.append(Text(f"Not compared ({len(view.errors)})", style="bold red"))
        parts.extend(Text(e["error"], style="red") for e in view.errors)
    return parts
