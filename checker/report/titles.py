"""Panel titles that name a file and fit the terminal.

1. The file name and the item number always show: when the title is too long, the
   directory part of the path is shortened from its start ("…/letters/dev/CASE.txt").
2. Only when even the file name alone does not fit is the file name itself cut, from its
   start, keeping its end (the extension and the last characters that tell files apart).
"""
from __future__ import annotations

from pathlib import PurePath

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
from rich.panel import Panel

ELLIPSIS = "…"
# A panel title sits between the corner and one border character on each side, with a space
# either side of the text.
TITLE_MARGIN = 6


def fit_path(path: str, room: int) -> str:
    """``path`` in at most ``room`` cells, keeping its file name whole when it fits."""
    if cell_len(path) <= room:
        return path
    name = PurePath(path).name or path
    parts = path[: len(path) - len(name)]
    # Keep as many trailing directories as fit after "…/".
    dirs = [d for d in parts.split("/") if d]
    kept = name
    for d in reversed(dirs):
        candidate = f"{d}/{kept}"
        if cell_len(f"{ELLIPSIS}/{candidate}") > room:
            break
        kept = candidate
    if cell_len(f"{ELLIPSIS}/{kept}") <= room:
        return f"{ELLIPSIS}/{kept}"
    if cell_len(name) <= room:
        return name
    return ELLIPSIS + name[len(name) - max(room - 1, 0):]


class FileTitledPanel:
    """A Panel titled ``before + path + after``: the path shortened at render time to the width
    the panel gets, so that ``before`` and ``after`` (the case, the item number) always show."""

    def __init__(self, body: RenderableType, path: str, before: str = "", after: str = "", **panel_kw):
        self.body, self.path, self.before, self.after, self.panel_kw = body, path, before, after, panel_kw

    def title(self, width: int) -> str:
        room = width - TITLE_MARGIN - cell_len(self.before) - cell_len(self.after)
        return f"{self.before}{fit_path(self.path, max(room, 8))}{self.after}"

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield Panel(self.body, title=self.title(options.max_width), title_align="left", **self.panel_kw)
