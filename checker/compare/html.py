"""The HTML report of a comparison: one self-contained page.

1. Top: what was compared (paths, letters, cases, items, formats), with what (rule base
   directory and fingerprint, checker version, --family, --undated, --both-formats), and when.
2. Then the summary: the scores beside the always-"Upheld" baseline, the confusion matrix and
   one bar per kind and per family (inline SVG, checker.compare.charts), above the fold on a
   laptop screen; then the scores of every group in a table.
3. Then every item in a table that sorts (click a header) and filters (text, family, kind,
   agreement) with a little inline script; then each disagreement with the rules' findings
   and citations and what the reviewer cited; then the misses, the format pairs, the errors.
4. Nothing is fetched: styles and script are inline, fonts are the system's, and a
   Content-Security-Policy admits only this page's own style and script (by hash), so even
   a text that escaped escaping could not run. Every text is escaped: letters are untrusted.
"""
from __future__ import annotations

import base64
import hashlib
from html import escape
from importlib import resources
from typing import Iterable, Optional

from .charts import LEGEND, confusion_svg, group_bars_svg
from .export import _write
from .score import NOT_COVERED
from .view import ComparisonView, Group, RunInfo, case_label, citation_text

OUTCOME_CLASS = {"Upheld": "upheld", "Overturned": "overturned", NOT_COVERED: "not-covered"}
EFFECT_MARK = {"ok": ("✓", "ok", "consistent"), "advise": ("!", "advise", "advice"),
               "limit": ("▼", "limit", "limits the quantity"), "block": ("✗", "block", "blocks")}
MAX_PATHS_SHOWN = 6


def e(text: object) -> str:
    return escape(str(text), quote=True)


def pct(x: Optional[float], digits: int = 1) -> str:
    return "—" if x is None else f"{100 * x:.{digits}f}%"


def num(x: Optional[float]) -> str:
    return "—" if x is None else f"{x:.2f}"


def _asset(name: str) -> str:
    return resources.files(__package__).joinpath(name).read_text(encoding="utf-8")


def _hash(text: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode()


def rule_id(rule: str) -> str:
    """A rule id that may break after its dots, never inside a word."""
    return '<code class="rule">' + "<wbr>".join(e(p) + "." for p in rule.split(".")[:-1]) + \
        ("<wbr>" if "." in rule else "") + e(rule.split(".")[-1]) + "</code>"


def outcome(label: str) -> str:
    return f'<span class="badge {OUTCOME_CLASS.get(label, "")}">{e(label)}</span>'


# ------------------------------------------------------------------------------ header

def header(view: ComparisonView, run: RunInfo) -> str:
    s = view.summary
    paths = run.paths[:MAX_PATHS_SHOWN]
    more = len(run.paths) - len(paths)
    path_list = "".join(f'<li><code class="path">{e(p)}</code></li>' for p in paths)
    if more:
        path_list += f"<li>and {more} more</li>"
    formats = ", ".join(f"{n} from {'text' if f == 'txt' else f.upper()}" for f, n in view.letters_by_format.items())
    compared = (f"<strong>{s['letters']}</strong> letters ({s['cases']} cases), <strong>{s['items']}</strong> items"
                + (f"; {e(formats)}" if formats else ""))
    if s["errors"]:
        compared += f'; <a href="#errors" class="bad">{s["errors"]} not compared</a>'
    families = ", ".join(run.families) if run.families else "all families"
    undated = run.undated.isoformat() + ("" if run.undated_given else " (default: when IMR began)")
    generated = run.generated.isoformat(sep=" ")
    return f"""
<header class="top" id="top">
  <div class="title">
    <h1>IMR predictions beside the real decisions</h1>
    <p class="when">Generated <time datetime="{e(run.generated.isoformat())}">{e(generated)}</time>
      by imr-checker {e(run.version)}</p>
  </div>
  <dl class="meta">
    <div><dt>Compared</dt><dd>{compared}<ul class="paths">{path_list}</ul></dd></div>
    <div><dt>Rule base</dt><dd><strong>{run.rule_count}</strong> rules in <code class="path">{e(run.rule_dir)}</code>
      <br>fingerprint <code title="sha256 of the rule base's file names and contents">{e(run.rule_fingerprint)}</code></dd></div>
    <div><dt>Options</dt><dd>--family: {e(families)}<br>--undated: {e(undated)}<br>
      --both-formats: {"yes" if run.both_formats else "no"}</dd></div>
  </dl>
  <nav aria-label="sections"><a href="#summary">Summary</a> <a href="#scores">Per family and kind</a>
    <a href="#items">Items ({len(view.items)})</a> <a href="#disagreements">Disagreements ({len(view.disagreements)})</a>
    {f'<a href="#missed">Overturned, not covered ({len(view.missed)})</a>' if view.missed else ""}
    {f'<a href="#errors">Not compared ({len(view.errors)})</a>' if view.errors else ""}
    <a href="#definitions">Definitions</a></nav>
</header>"""


# ------------------------------------------------------------------------------ summary

def _fraction(c: dict, metric: str) -> str:
    tp, fn, fp, tn = c["tp"], c["fn"], c["fp"], c["tn"]
    part, whole = {"accuracy": (tp + tn, tp + fn + fp + tn), "overturned_recall": (tp, tp + fn),
                   "overturned_precision": (tp, tp + fp)}[metric]
    return f"{part} of {whole}" if whole else "none"


def _tile(name: str, value: str, detail: str, base: Optional[str], delta: str = "", tile_id: str = "") -> str:
    base_html = f'<p class="base">always Upheld: <strong>{base}</strong></p>' if base is not None else ""
    ident = f' id="{tile_id}"' if tile_id else ""
    return (f'<div class="tile"{ident}><h3>{name}</h3><p class="value">{value}{delta}</p>'
            f'<p class="detail">{detail}</p>{base_html}</div>')


def qty(x) -> str:
    return f"{x:g}" if isinstance(x, (int, float)) else e(x)


def _delta(model: Optional[float], base: Optional[float], points: bool = True) -> str:
    if model is None or base is None:
        return ""
    d = (model - base) * (100 if points else 1)
    cls = "up" if d > 0 else "down" if d < 0 else "even"
    text = f"{d:+.1f} pt" if points else f"{d:+.2f}"
    return f' <span class="delta {cls}">{text}</span>'


def kpis(g: Group) -> str:
    all_m, all_b = g.stats["scores"]["all_items"]["model"], g.stats["scores"]["all_items"]["baseline"]
    cov_m, cov_b = g.stats["scores"]["covered_items"]["model"], g.stats["scores"]["covered_items"]["baseline"]
    tiles = [
        _tile("Accuracy, all items", pct(all_m["accuracy"]), _fraction(all_m["confusion"], "accuracy")
              + " (Not covered = Upheld)", pct(all_b["accuracy"]), _delta(all_m["accuracy"], all_b["accuracy"]),
              "kpi-accuracy"),
        _tile("Accuracy, covered items", pct(cov_m["accuracy"]), _fraction(cov_m["confusion"], "accuracy")
              + " decided by a rule", pct(cov_b["accuracy"]), _delta(cov_m["accuracy"], cov_b["accuracy"])),
        _tile("Overturned recall", pct(all_m["overturned_recall"]),
              _fraction(all_m["confusion"], "overturned_recall") + " overturned by IMR",
              pct(all_b["overturned_recall"])),
        _tile("Overturned precision", pct(all_m["overturned_precision"]),
              _fraction(all_m["confusion"], "overturned_precision") + " predicted Overturned",
              pct(all_b["overturned_precision"])),
        _tile("Cohen's κ", num(all_m["kappa"]), "agreement beyond chance, all items", num(all_b["kappa"]),
              _delta(all_m["kappa"], all_b["kappa"], points=False)),
        _tile("Coverage", pct(g.stats["coverage"]), f"{g.stats['covered']} of {g.items} items decided by a rule; "
              f"{g.not_covered} Not covered", None),
    ]
    return '<div class="kpis">' + "".join(tiles) + "</div>"


def summary_section(view: ComparisonView) -> str:
    s = view.summary
    undated = (f'<p class="note warn">{s["undated_items"]} items come from letters that date neither the request nor '
               f"the UR decision: judged by the guidelines in force on the --undated day.</p>"
               if s["undated_items"] else "")
    return f"""
<section id="summary" aria-labelledby="summary-h">
  <h2 id="summary-h">Summary <span class="sub">{s['items']} items, IMR overturned {s['actual_overturned']};
    every score beside the same items predicted “Upheld” every time</span></h2>
  {kpis(view.overall)}
  <div class="charts">
    <figure id="confusion"><figcaption>IMR decision × prediction</figcaption>{confusion_svg(s["confusion"])}</figure>
    <figure id="by-kind"><figcaption>Per kind of service</figcaption>{group_bars_svg(view.kinds, "kind-chart", "kind of service")}</figure>
    <figure id="by-family"><figcaption>Per family</figcaption>{group_bars_svg(view.families, "family-chart", "family")}</figure>
  </div>
  {LEGEND}
  {undated}
</section>"""


def _score_cells(g: Group) -> str:
    c, a = g.stats["scores"]["covered_items"], g.stats["scores"]["all_items"]

    def pair(model: Optional[float], base: Optional[float], fmt=pct) -> str:
        return f'<td>{fmt(model)} <span class="base">{fmt(base)}</span></td>'

    return (f"<td>{g.items}</td><td>{g.stats['covered']} <span class=\"base\">{pct(g.stats['coverage'], 0)}</span></td>"
            f"<td>{g.stats['actual_overturned']}</td>"
            + pair(c["model"]["accuracy"], c["baseline"]["accuracy"])
            + pair(a["model"]["accuracy"], a["baseline"]["accuracy"])
            + pair(a["model"]["overturned_recall"], a["baseline"]["overturned_recall"])
            + pair(a["model"]["overturned_precision"], a["baseline"]["overturned_precision"])
            + pair(a["model"]["kappa"], a["baseline"]["kappa"], num))


def scores_section(view: ComparisonView) -> str:
    def rows(groups: Iterable[Group], cls: str = "") -> str:
        return "".join(f'<tr class="{cls}"><th scope="row">{e(g.label)}</th>{_score_cells(g)}</tr>' for g in groups)

    head = ("<tr><th scope=\"col\">group</th><th scope=\"col\">items</th><th scope=\"col\">covered</th>"
            "<th scope=\"col\">IMR overturned</th><th scope=\"col\">accuracy, covered</th>"
            "<th scope=\"col\">accuracy, all *</th><th scope=\"col\">Overturned recall *</th>"
            "<th scope=\"col\">Overturned precision *</th><th scope=\"col\">κ *</th></tr>")
    return f"""
<section id="scores" aria-labelledby="scores-h">
  <h2 id="scores-h">Per family and kind of service <span class="sub">each score, then in grey the same items
    predicted Upheld every time; * on all items, Not covered counted as Upheld</span></h2>
  <div class="scroll"><table class="scores">
    <thead>{head}</thead>
    <tbody class="totals">{rows(view.totals, "total")}</tbody>
    <tbody><tr class="group"><th colspan="9" scope="rowgroup">Per kind of service</th></tr>{rows(view.kinds)}</tbody>
    <tbody><tr class="group"><th colspan="9" scope="rowgroup">Per family</th></tr>{rows(view.families)}</tbody>
  </table></div>
</section>"""


# ------------------------------------------------------------------------------ items

AGREEMENT = {True: ("agrees", "✓ agrees"), False: ("disagrees", "✗ disagrees"), None: ("not-covered", "— no rule")}


def _options(values: Iterable[tuple[str, str]]) -> str:
    return "".join(f'<option value="{e(v)}">{e(label)}</option>' for v, label in values)


def items_section(view: ComparisonView) -> str:
    anchors = {id(r): f"d-{k}" for k, r in enumerate(view.disagreements, 1)}
    rows = []
    for order, r in enumerate(view.items):
        agree_key, agree_text = AGREEMENT[r["agree"]]
        agree_cell = (f'<a href="#{anchors[id(r)]}">{agree_text}</a>' if id(r) in anchors else agree_text)
        rules = " ".join(rule_id(x) for x in r["rules"])
        if r.get("surgery_link"):  # a service that follows a surgical item of its letter (checker.compare.predict)
            link = r["surgery_link"]
            rules += f' · follows item {int(link["item_no"])} ({e(link["predicted"])})'
        family = next((g.label for g in view.families if g.key == r["family"]), r["family"])
        kind = next((g.label for g in view.kinds if g.key == r["kind"]), r["kind"])
        rows.append(
            f'<tr data-family="{e(r["family"])}" data-kind="{e(r["kind"])}" data-agree="{agree_key}">'
            f'<td class="case" title="{e(r["file"])}">{e(case_label(r))}</td>'
            f'<td class="num" data-sort="{int(r["item_no"])}">{int(r["item_no"])}</td>'
            f'<td class="item">{e(r["item"])}{f"<div class=rules>{rules}</div>" if rules else ""}</td>'
            f"<td>{e(family)}</td><td>{e(kind)}</td>"
            f'<td data-sort="{e(r["actual"])}">{outcome(r["actual"])}</td>'
            f'<td data-sort="{e(r["predicted"])}">{outcome(r["predicted"])}</td>'
            f'<td class="agree {agree_key}" data-sort="{agree_key}">{agree_cell}</td></tr>')
    columns = (("case", "case"), ("#", "num"), ("item, deciding rules", "item"), ("family", "family"),
               ("kind", "kind"), ("IMR", "outcome"), ("predicted", "outcome"), ("agreement", "agreement"))
    head = "".join(f'<th scope="col" class="{cls}"><button type="button">{e(name)}</button></th>'
                   for name, cls in columns)
    family_opts = _options((g.key, f"{g.label} ({g.items})") for g in view.families)
    kind_opts = _options((g.key, f"{g.label} ({g.items})") for g in view.kinds)
    agree_counts = {k: sum(AGREEMENT[r["agree"]][0] == k for r in view.items) for k, _ in AGREEMENT.values()}
    agree_opts = _options((k, f"{label} ({agree_counts[k]})") for k, label in
                          (("agrees", "agrees with IMR"), ("disagrees", "disagrees"), ("not-covered", "Not covered")))
    return f"""
<section id="items" aria-labelledby="items-h">
  <h2 id="items-h">Items <span class="sub">click a column header to sort; the filters combine</span></h2>
  <form class="filters" role="search" aria-controls="items-table">
    <label>Filter <input type="search" id="filter-text" placeholder="case, item or rule id" autocomplete="off"></label>
    <label>Family <select id="filter-family"><option value="">all families</option>{family_opts}</select></label>
    <label>Kind <select id="filter-kind"><option value="">all kinds</option>{kind_opts}</select></label>
    <label>Agreement <select id="filter-agree"><option value="">any</option>{agree_opts}</select></label>
    <output id="items-count" for="filter-text filter-family filter-kind filter-agree">All {len(view.items)} items</output>
  </form>
  <table id="items-table" class="items">
    <colgroup><col class="c-case"><col class="c-num"><col class="c-item"><col class="c-family"><col class="c-kind">
      <col class="c-outcome"><col class="c-outcome"><col class="c-agree"></colgroup>
    <thead><tr>{head}</tr></thead>
    <tbody>{"".join(rows)}</tbody>
  </table>
  {"" if view.items else '<p class="empty">No items were compared.</p>'}
</section>"""


# ------------------------------------------------------------------------------ disagreements

def finding(f: dict) -> str:
    mark, cls, meaning = EFFECT_MARK.get(f["effect"], ("•", "", f["effect"]))
    cite = citation_text(f["citation"])
    cite_html = f' <span class="cite">({e(cite)})</span>' if cite and f["citation"]["source"] not in f["message"] else ""
    return (f'<li class="finding {cls}"><span class="mark" title="{e(meaning)}">{mark}</span> {rule_id(f["rule"])} '
            f'{e(f["message"])}{cite_html}</li>')


def disagreement(r: dict, anchor: str) -> str:
    quantity = ""
    if r.get("certifiable_quantity") is not None and r.get("requested_quantity") is not None \
            and r["certifiable_quantity"] != r["requested_quantity"]:
        quantity = (f'<span class="qty">rules would certify {qty(r["certifiable_quantity"])} of '
                    f'{qty(r["requested_quantity"])} {e(r.get("quantity_unit") or "")}</span>')
    missing = ""
    if r.get("missing_documentation"):
        missing = ('<h4>Missing documentation</h4><ul class="missing">'
                   + "".join(f"<li>{e(m)}</li>" for m in r["missing_documentation"]) + "</ul>")
    cites = r.get("reviewer_citations") or []
    cited = ("".join(f"<li>{e(citation_text(c))}</li>" for c in cites) if cites
             else '<li class="none">no MAXIMUS guideline citation in the letter</li>')
    excerpt = f'<blockquote>{e(r["rationale_excerpt"])}</blockquote>' if r.get("rationale_excerpt") else ""
    findings = "".join(finding(f) for f in r["findings"]) or '<li class="none">no finding</li>'
    return f"""
<article class="disagreement" id="{anchor}">
  <header><h3>{e(case_label(r))} · item {int(r["item_no"])}</h3><code class="path">{e(r["file"])}</code></header>
  <p class="item-text">{e(r["item"])}</p>
  <p class="verdict">Predicted {outcome(r["predicted"])} · IMR {outcome(r["actual"])} {quantity}</p>
  <div class="two">
    <div><h4>What the rules found</h4><ul class="findings">{findings}</ul>{missing}</div>
    <div><h4>What the reviewer cited</h4><ul class="cited">{cited}</ul>{excerpt}</div>
  </div>
</article>"""


def disagreements_section(view: ComparisonView) -> str:
    cards = "".join(disagreement(r, f"d-{k}") for k, r in enumerate(view.disagreements, 1))
    return f"""
<section id="disagreements" aria-labelledby="disagreements-h">
  <h2 id="disagreements-h">Disagreements ({len(view.disagreements)}) <span class="sub">items a rule decided otherwise
    than IMR</span></h2>
  {cards or '<p class="empty">None: every item a rule decided agrees with IMR.</p>'}
</section>"""


def missed_section(view: ComparisonView) -> str:
    if not view.missed:
        return ""
    rows = "".join(f'<tr><td class="case" title="{e(r["file"])}">{e(case_label(r))}</td><td class="num">'
                   f'{int(r["item_no"])}</td><td class="item">{e(r["item"])}</td>'
                   f'<td>{e(r.get("not_covered_reason") or "")}</td></tr>' for r in view.missed)
    return f"""
<section id="missed" aria-labelledby="missed-h">
  <h2 id="missed-h">Overturned by IMR but Not covered ({len(view.missed)}) <span class="sub">no rule decided them;
    wrong when Not covered counts as Upheld</span></h2>
  <table class="plain"><thead><tr><th>case</th><th>#</th><th>item</th><th>why no rule decided</th></tr></thead>
  <tbody>{rows}</tbody></table>
</section>"""


def format_pairs_section(pairs: dict) -> str:
    if not pairs["cases"]:
        return ""
    if not pairs["differ"]:
        body = '<p class="good">Every prediction and deciding rule is the same in both.</p>'
    else:
        rows = []
        for d in pairs["differ"]:
            cells = []
            for fmt in ("txt", "pdf"):
                side = d[fmt]
                cells.append("<td>(no such item)</td>" if side is None else
                             f"<td>{outcome(side['predicted'])} {' '.join(rule_id(x) for x in side['rules'])}"
                             f"<br>{e(side['item'])}</td>")
            rows.append(f"<tr><td>{e(d['case'])}</td><td>{int(d['item_no'])}</td>{''.join(cells)}</tr>")
        body = ('<table class="plain"><thead><tr><th>case</th><th>#</th><th>text</th><th>PDF</th></tr></thead>'
                f"<tbody>{''.join(rows)}</tbody></table>")
    return f"""
<section id="formats" aria-labelledby="formats-h">
  <h2 id="formats-h">Both formats <span class="sub">{pairs['cases']} cases compared as .txt and .pdf,
    {pairs['items']} items; {len(pairs['differ'])} differ</span></h2>
  {body}
</section>"""


def errors_section(errors: list[dict]) -> str:
    if not errors:
        return ""
    items = "".join(f"<li>{e(x['error'])}</li>" for x in errors)
    return f"""
<section id="errors" aria-labelledby="errors-h">
  <h2 id="errors-h" class="bad">Not compared ({len(errors)})</h2>
  <ul class="errors">{items}</ul>
</section>"""


def definitions_section(summary: dict) -> str:
    terms = "".join(f"<div><dt>{e(k)}</dt><dd>{e(v)}</dd></div>" for k, v in summary["definitions"].items())
    return f"""
<section id="definitions" aria-labelledby="definitions-h">
  <h2 id="definitions-h">Definitions</h2>
  <dl class="definitions">{terms}</dl>
</section>"""


# ------------------------------------------------------------------------------ the page

def page(view: ComparisonView, run: RunInfo) -> str:
    css, js = _asset("page.css"), _asset("page.js")
    csp = (f"default-src 'none'; style-src '{_hash(css)}'; script-src '{_hash(js)}'; img-src data:; "
           "base-uri 'none'; form-action 'none'")
    title = f"IMR comparison: {view.summary['items']} items, {run.generated.date().isoformat()}"
    body = "".join((header(view, run), "<main>", summary_section(view), scores_section(view), items_section(view),
                    disagreements_section(view), missed_section(view),
                    format_pairs_section(view.summary["format_pairs"]), errors_section(view.errors),
                    definitions_section(view.summary), "</main>"))
    return (f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            f'<meta http-equiv="Content-Security-Policy" content="{e(csp)}">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f'<meta name="generator" content="imr-checker {e(run.version)}">\n'
            f"<title>{e(title)}</title>\n<style>{css}</style>\n</head>\n<body>\n{body}\n"
            f"<script>{js}</script>\n</body>\n</html>\n")


def write_html(path: str, view: ComparisonView, run: RunInfo) -> None:
    _write(path, page(view, run), "HTML file")
