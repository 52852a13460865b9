"""`imr-check rules`: the rule base as a table, or as stacked blocks on a narrow terminal.

1. Rule ids and dates are never split across lines: their columns do not wrap and are as
   wide as the longest id or date; the text columns (family, applies to, parameters, source)
   wrap between words.
2. When the terminal is too narrow for the id and date columns plus room to wrap the text
   columns, each rule is drawn as a block instead: its id on a line of its own, then its
   details indented and wrapped between words.
"""
from __future__ import annotations

from rich import box
from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, Group, RenderResult
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

TEXT_ROOM = 60  # the least width the wrapping columns share before the table gives way to blocks
DATES_WIDTH = 11  # "2009-07-18–" over "2017-11-30"
CONFIRMED_WIDTH = 5


def _applies(r) -> str:
    applies = []
    if r.applies_to.conditions:
        applies.append(", ".join(r.applies_to.conditions))
    if r.applies_to.regions:
        applies.append(", ".join(x.value for x in r.applies_to.regions))
    if r.applies_to.surgeries:
        applies.append(", ".join(r.applies_to.surgeries))
    if r.applies_to.phase:
        applies.append(", ".join(r.applies_to.phase) + " phase")
    if r.applies_to.surgery_status:
        applies.append("serving a surgery " + " or ".join(r.applies_to.surgery_status))
    for name, values in r.applies_to.item.items():
        applies.append(f"{name}: {', '.join(str(v) for v in values)}")
    return "; ".join(applies) or "any"


def _parameters(r) -> str:
    return ", ".join(f"{k}={v}" for k, v in r.parameters if v is not None)


def _kind(r) -> str:
    return r.kind + ("" if r.primary else " (general)")


def _families(r) -> str:
    return ", ".join(f.value for f in r.family)


class RulesTable:
    """The rule base, drawn for the width it is given."""

    def __init__(self, kb):
        self.kb = kb
        self.id_width = max(cell_len(r.id) for r in kb.rules)
        self.family_width = max(cell_len(f.value) for r in kb.rules for f in r.family)

    def title(self) -> Text:
        return Text(f"Rule base: {len(self.kb.rules)} rules from {self.kb.directory}", style="bold")

    def fits_table(self, width: int) -> bool:
        fixed = self.id_width + self.family_width + DATES_WIDTH + CONFIRMED_WIDTH + 2 * 5
        return width - fixed >= TEXT_ROOM

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield self.title()
        if self.fits_table(options.max_width):
            yield self.table()
        else:
            yield from self.blocks()

    def table(self) -> Table:
        table = Table(box=box.SIMPLE_HEAD, padding=(0, 1, 0, 0), pad_edge=False, show_edge=False)
        table.add_column("rule, kind", no_wrap=True, min_width=self.id_width)
        table.add_column("family", min_width=self.family_width, max_width=2 * self.family_width, ratio=1)
        table.add_column("applies to; parameters", ratio=3, overflow="fold")
        table.add_column("source, pages", ratio=3, overflow="fold")
        table.add_column("in force", no_wrap=True, width=DATES_WIDTH)
        table.add_column("conf.", no_wrap=True, width=CONFIRMED_WIDTH)
        for r in self.kb.rules:
            rule = Text(r.id, style="cyan")
            rule.append(f"\n{_kind(r)}", style="dim")
            applies = Text(_applies(r))
            params = _parameters(r)
            if params:
                applies.append(f"; {params}", style="dim")
            end = r.effective.end.isoformat() if r.effective.end else ""
            table.add_row(rule, _families(r), applies, f"{self.kb.sources[r.source].title}, {r.pages}",
                          f"{r.effective.start.isoformat()}–\n{end}",
                          "yes" if r.confidence.level == "confirmed" else "no")
        return table

    def blocks(self):
        for r in self.kb.rules:
            head = Text(r.id, style="cyan")
            head.append(f"  {_kind(r)}", style="dim")
            start, end = r.effective.start.isoformat(), r.effective.end.isoformat() if r.effective.end else ""
            details = Text()
            details.append("in force ", style="dim")
            details.append(f"{start}–{end}")
            details.append(" · ", style="dim")
            details.append("confirmed" if r.confidence.level == "confirmed" else "unconfirmed")
            details.append(" · ", style="dim")
            details.append(_families(r))
            details.append("\napplies to ", style="dim")
            details.append(_applies(r))
            params = _parameters(r)
            if params:
                details.append(" · ", style="dim")
                details.append(params)
            details.append(f"\n{self.kb.sources[r.source].title}, {r.pages}", style="dim")
            yield Group(head, Padding(details, (0, 0, 0, 2)))


def rules_table(kb) -> RulesTable:
    return RulesTable(kb)
