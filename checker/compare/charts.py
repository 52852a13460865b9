"""The HTML report's charts as inline SVG: the confusion matrix and one bar per family or kind.

Every text is escaped (item and family names come from letters, which are untrusted).
Colours say agreement, not outcome: green where the prediction matches IMR, red where it
does not, grey where no rule decided (Not covered). Sizes are SVG attributes, not style
attributes, so the page's Content-Security-Policy need not allow inline styles.
"""
from __future__ import annotations

from html import escape
from typing import Optional

from .metrics import CLASSES
from .score import NOT_COVERED, PREDICTIONS
from .view import Group

AGREE, DISAGREE, UNDECIDED = "#2e7d4f", "#c0392b", "#a7adb5"
FONT = 12


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _pct(x: Optional[float]) -> str:
    return "—" if x is None else f"{100 * x:.0f}%"


def _cell_colour(actual: str, predicted: str) -> str:
    if predicted == NOT_COVERED:
        return UNDECIDED
    return AGREE if actual == predicted else DISAGREE


def confusion_svg(matrix: dict, chart_id: str = "confusion-chart") -> str:
    """IMR decision (rows) × prediction (columns); a cell's shade is its share of the row."""
    label_w, head_h, cell_w, cell_h = 96, 40, 92, 62
    width, height = label_w + cell_w * len(PREDICTIONS), head_h + cell_h * len(CLASSES)
    total = sum(matrix[a][p] for a in CLASSES for p in PREDICTIONS)
    out = [f'<svg id="{chart_id}" class="chart" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
           f'role="img" aria-labelledby="{chart_id}-title">',
           f'<title id="{chart_id}-title">Confusion matrix: IMR decision by row, prediction by column, '
           f'{total} items</title>']
    for j, p in enumerate(PREDICTIONS):
        x = label_w + j * cell_w + cell_w / 2
        out.append(f'<text x="{x:.0f}" y="16" text-anchor="middle" class="axis">predicted</text>')
        out.append(f'<text x="{x:.0f}" y="32" text-anchor="middle" class="axis strong">{_e(p)}</text>')
    for i, a in enumerate(CLASSES):
        row_total = sum(matrix[a].values())
        y = head_h + i * cell_h
        out.append(f'<text x="{label_w - 10}" y="{y + cell_h / 2 - 3:.0f}" text-anchor="end" class="axis">IMR</text>')
        out.append(f'<text x="{label_w - 10}" y="{y + cell_h / 2 + 13:.0f}" text-anchor="end" class="axis strong">'
                   f'{_e(a)}</text>')
        for j, p in enumerate(PREDICTIONS):
            n = matrix[a][p]
            share = n / row_total if row_total else 0.0
            x = label_w + j * cell_w
            colour = _cell_colour(a, p)
            opacity = 0.08 + 0.8 * share if n else 0.04
            what = "agree" if colour == AGREE else "disagree" if colour == DISAGREE else "no rule decided"
            out.append(f'<g><title>IMR {_e(a)}, predicted {_e(p)}: {n} items ({_pct(share if row_total else None)} '
                       f'of IMR {_e(a)}; {what})</title>'
                       f'<rect x="{x + 2}" y="{y + 2}" width="{cell_w - 4}" height="{cell_h - 4}" rx="6" '
                       f'fill="{colour}" fill-opacity="{opacity:.2f}" stroke="{colour}" stroke-opacity="0.5"/>')
            ink = "#fff" if share > 0.55 else "#1d2430"
            out.append(f'<text x="{x + cell_w / 2:.0f}" y="{y + cell_h / 2 + 2:.0f}" text-anchor="middle" '
                       f'class="count" fill="{ink}">{n}</text>')
            out.append(f'<text x="{x + cell_w / 2:.0f}" y="{y + cell_h / 2 + 18:.0f}" text-anchor="middle" '
                       f'class="share" fill="{ink}">{_pct(share) if row_total else "—"}</text></g>')
    out.append("</svg>")
    return "".join(out)


def _short(label: str, limit: int = 27) -> str:
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"


def group_bars_svg(groups: list[Group], chart_id: str, what: str) -> str:
    """One bar per group, its length the group's items split into agree / disagree / Not covered,
    all bars to one scale of 100%; beside it the item count and accuracy against always Upheld."""
    label_w, bar_w, top = 196, 120, 22
    n_x, acc_x, base_x = label_w + bar_w + 38, label_w + bar_w + 100, label_w + bar_w + 144  # right edges
    width = base_x
    row_h, bar_h = (26, 16) if len(groups) <= 10 else (21, 13)  # a long list of families still fits the screen
    height = top + row_h * max(len(groups), 1) + 4
    out = [f'<svg id="{chart_id}" class="chart" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
           f'role="img" aria-labelledby="{chart_id}-title">',
           f'<title id="{chart_id}-title">Items per {_e(what)}: share agreeing with IMR, disagreeing, Not covered; '
           f'accuracy on all items beside always Upheld</title>',
           f'<text x="{label_w}" y="14" class="axis">share of the items</text>',
           f'<text x="{n_x}" y="14" text-anchor="end" class="axis">items</text>',
           f'<text x="{acc_x}" y="14" text-anchor="end" class="axis">accuracy</text>',
           f'<text x="{base_x}" y="14" text-anchor="end" class="axis">base</text>']
    if not groups:
        out.append(f'<text x="{label_w}" y="{top + 18}" class="axis">no items</text>')
    for i, g in enumerate(groups):
        y = top + i * row_h
        cy = y + row_h / 2
        model, base = g.score("all_items", "model", "accuracy"), g.score("all_items", "baseline", "accuracy")
        out.append(f'<g class="bar-row"><title>{_e(g.label)}: {g.items} items; {g.agree} agree with IMR, '
                   f'{g.disagree} disagree, {g.not_covered} Not covered; accuracy on all items '
                   f'{_pct(model)}, always Upheld {_pct(base)}</title>')
        out.append(f'<text x="{label_w - 8}" y="{cy + 4:.0f}" text-anchor="end" class="label">'
                   f'{_e(_short(g.label))}</text>')
        out.append(f'<rect x="{label_w}" y="{cy - bar_h / 2:.1f}" width="{bar_w}" height="{bar_h}" rx="3" '
                   f'fill="#eef0f3"/>')
        x = float(label_w)
        for n, colour in ((g.agree, AGREE), (g.disagree, DISAGREE), (g.not_covered, UNDECIDED)):
            if not n or not g.items:
                continue
            w = bar_w * n / g.items
            out.append(f'<rect x="{x:.1f}" y="{cy - bar_h / 2:.1f}" width="{w:.1f}" height="{bar_h}" '
                       f'fill="{colour}"/>')
            if w >= 22:
                out.append(f'<text x="{x + w / 2:.1f}" y="{cy + 4:.0f}" text-anchor="middle" class="in-bar">{n}</text>')
            x += w
        better = "" if model is None or base is None else " up" if model > base else " down" if model < base else ""
        out.append(f'<text x="{n_x}" y="{cy + 4:.0f}" text-anchor="end" class="note">{g.items}</text>')
        out.append(f'<text x="{acc_x}" y="{cy + 4:.0f}" text-anchor="end" class="acc{better}">{_pct(model)}</text>')
        out.append(f'<text x="{base_x}" y="{cy + 4:.0f}" text-anchor="end" class="note">{_pct(base)}</text></g>')
    out.append("</svg>")
    return "".join(out)


LEGEND = (f'<ul class="legend"><li><svg width="12" height="12" aria-hidden="true"><rect width="12" height="12" rx="2" '
          f'fill="{AGREE}"/></svg>agrees with IMR</li><li><svg width="12" height="12" aria-hidden="true"><rect '
          f'width="12" height="12" rx="2" fill="{DISAGREE}"/></svg>disagrees</li><li><svg width="12" height="12" '
          f'aria-hidden="true"><rect width="12" height="12" rx="2" fill="{UNDECIDED}"/></svg>Not covered (no rule '
          f'decided; counted as Upheld in accuracy on all items)</li></ul>')
