"""The HTML report of `imr-check compare --html FILE`: a page people can read, tested in a real browser.

What a reader relies on: the page says what was compared, with which rule base, options
and version, and when; the summary and its charts are on the first screen of a laptop
(1400 x 900); nothing is off-screen sideways; the item table sorts and filters; each
disagreement shows the findings and what the reviewer cited; the page fetches nothing and
runs nothing but its own script, whatever the letters contain (they are untrusted input: a
letter here carries <script>, quotes and markup in its item, citation, rationale and file name).

The browser is Debian's chromium, driven over the DevTools protocol on a pipe
(tests/chromium.py). `make test` installs it; the browser tests skip only where this
platform cannot install it, and say why.
"""
from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import re
import shutil
from html import unescape
from pathlib import Path

import pytest

from checker import __version__
from checker.compare.view import rule_base_fingerprint
from checker.kb.load import rules_dir
from tests.chromium import Browser, cannot_install_reason, find_chromium
from tests.conftest import SHARED_LETTERS
from tests.test_compare import compare_json, letter_text, run_cli, write_corpus

WIDTH, HEIGHT = 1400, 900
EVIL_ITEM = ('Physical therapy 24 sessions for the lumbar spine <script>window.__pwned=1</script> "quoted" '
             '\'single\' & <img src=x onerror="window.__pwned=2">')
EVIL_ITEM_2 = "Acupuncture 6 sessions for the lumbar spine </td></tr><b>bold</b>"
EVIL_RATIONALE = "<script>window.__pwned=3</script>"
EVIL_SECTION = 'Physical medicine <svg onload="window.__pwned=4"> treatment'
EVIL_FILE = 'CM16-0000077 <i onmouseover="window.__pwned=5">\'q\'&.txt'
AGREE_RGB = (0x2E, 0x7D, 0x4F)  # checker.compare.charts.AGREE


def write_hostile_letter(directory: Path) -> Path:
    """A letter whose item lines, citation, rationale and file name are markup and quotes; both
    items are disagreements, so they show in the item table and as disagreement cards."""
    text = letter_text("CM16-0000077", [(EVIL_ITEM, "Overturned"), (EVIL_ITEM_2, "Upheld")])
    text = text.replace("Reviewer rationale CM16-0000077-1.", f"Reviewer rationale {EVIL_RATIONALE} CM16-0000077-1.")
    text = text.replace("Section(s): Physical medicine treatment.", f"Section(s): {EVIL_SECTION}.", 1)
    path = directory / EVIL_FILE
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    """(page path, page text, the comparison's JSON) for the generated letters and the hostile one."""
    tmp = tmp_path_factory.mktemp("html")
    letters = tmp / "letters"
    write_corpus(letters)
    write_hostile_letter(letters)
    page = tmp / "report.html"
    data, result = compare_json(tmp, "run", letters, "--html", page)
    assert result.exit_code == 0, result.stderr
    return page, page.read_text(encoding="utf-8"), data


# --- the page as a file ---------------------------------------------------------------

def test_the_hostile_letter_reaches_the_report_unchanged(report):
    _, _, data = report
    items = {r["item"]: r for r in data["items"]}
    assert {EVIL_ITEM, EVIL_ITEM_2} <= set(items)
    assert items[EVIL_ITEM]["agree"] is False and items[EVIL_ITEM_2]["agree"] is False
    assert EVIL_RATIONALE in items[EVIL_ITEM]["rationale_excerpt"]
    assert items[EVIL_ITEM]["reviewer_citations"][0]["section"] == EVIL_SECTION
    assert items[EVIL_ITEM]["file"].endswith(EVIL_FILE)


def test_every_text_from_a_letter_is_escaped(report):
    _, html, _ = report
    for raw in ("<script>window", "<img", "<svg onload", "</td></tr><b>", "<i onmouseover", "<b>bold"):
        assert raw not in html
    assert html.count("<script") == 1  # the page's own
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt; &quot;quoted&quot; &#x27;single&#x27; &amp; " in html
    assert "&lt;i onmouseover=&quot;window.__pwned=5&quot;&gt;&#x27;q&#x27;&amp;.txt" in html


def test_the_page_fetches_nothing_and_admits_only_its_own_style_and_script(report):
    _, html, _ = report
    assert "http://" not in html and "https://" not in html and "url(" not in html and "@import" not in html
    for attribute, value in re.findall(r'\s(src|href|action|xlink:href)="([^"]*)"', html):
        assert attribute == "href" and value.startswith("#"), (attribute, value)
    csp = unescape(re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', html).group(1))
    assert "default-src 'none'" in csp
    (style,) = re.findall(r"<style>(.*?)</style>", html, re.S)
    (script,) = re.findall(r"<script>(.*?)</script>", html, re.S)
    for text in (style, script):
        digest = base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in csp
    assert " style=" not in html  # no inline style attribute (the policy would block it)


def test_the_top_says_what_was_compared_with_what_and_when(report):
    page, html, data = report
    s = data["summary"]
    top = html[html.index('<header class="top"'): html.index("</header>")]
    assert f"<strong>{s['letters']}</strong> letters ({s['cases']} cases), <strong>{s['items']}</strong> items" in top
    assert str(page.parent / "letters") in top
    assert str(rules_dir()) in top and rule_base_fingerprint(rules_dir()) in top
    assert f"imr-checker {__version__}" in top
    assert "--family: all families" in top and "--undated: 2016-12-01" in top
    stamp = dt.datetime.fromisoformat(re.search(r'<time datetime="([^"]+)"', top).group(1))
    assert abs((dt.datetime.now(dt.timezone.utc) - stamp).total_seconds()) < 600


def test_the_summary_comes_first_then_scores_items_and_disagreements(report):
    _, html, data = report
    order = [html.index(f'id="{x}"') for x in ("summary", "confusion-chart", "kind-chart", "family-chart", "scores",
                                               "items-table", "disagreements")]
    assert order == sorted(order)
    cards = re.findall(r'<article class="disagreement" id="(d-\d+)"', html)
    assert len(cards) == sum(r["agree"] is False for r in data["items"])


def test_the_options_of_the_run_are_on_the_page(tmp_path):
    write_corpus(tmp_path / "letters")
    page = tmp_path / "pt.html"
    _, result = compare_json(tmp_path, "pt", tmp_path / "letters", "--family", "physical_therapy", "--html", page)
    html = page.read_text(encoding="utf-8")
    assert "--family: physical_therapy" in html and "--undated: 2016-12-01<" in html
    assert "Acupuncture 6 sessions" not in html  # the filtered-out family's items are not listed


def test_the_fingerprint_changes_when_any_rule_file_changes(tmp_path):
    base = tmp_path / "rules"
    shutil.copytree(rules_dir(), base)
    before = rule_base_fingerprint(base)
    assert rule_base_fingerprint(base) == before
    victim = sorted(base.glob("*.yaml"))[-1]
    victim.write_bytes(victim.read_bytes() + b"\n")
    changed = rule_base_fingerprint(base)
    (base / "extra.yaml").write_text("rules: []\n", encoding="utf-8")
    assert len({before, changed, rule_base_fingerprint(base)}) == 3


# --- the page in a browser ----------------------------------------------------------------

@pytest.fixture(scope="module")
def browser():
    executable = find_chromium()
    if executable is None:
        reason = cannot_install_reason()
        if reason:
            pytest.skip(reason)
        pytest.fail("chromium is not installed, though this platform can install it: `make test` installs it "
                    "(apt-get install -y chromium)")
    with Browser(executable) as b:
        yield b


def rect(page, selector: str) -> dict:
    return page.evaluate(f"""(() => {{
        const el = document.querySelector({json.dumps(selector)});
        if (!el) return null;
        const r = el.getBoundingClientRect(), s = getComputedStyle(el);
        const hit = document.elementFromPoint(r.left + r.width / 2, r.top + Math.min(r.height / 2, 20));
        return {{left: r.left, top: r.top, right: r.right, bottom: r.bottom, width: r.width, height: r.height,
                 shown: s.display !== "none" && s.visibility === "visible" && Number(s.opacity) > 0,
                 uncovered: !!hit && (el === hit || el.contains(hit) || hit.contains(el))}};
    }})()""")


ABOVE_THE_FOLD = ("#summary h2", ".kpis", "#kpi-accuracy", "#confusion-chart", "#kind-chart", "#family-chart",
                  "dl.meta", "nav")


def assert_on_first_screen(page, selectors=ABOVE_THE_FOLD):
    for selector in selectors:
        r = rect(page, selector)
        assert r is not None, selector
        assert r["shown"] and r["uncovered"] and r["width"] > 0 and r["height"] > 0, (selector, r)
        assert 0 <= r["left"] and r["right"] <= WIDTH and 0 <= r["top"] and r["bottom"] <= HEIGHT, (selector, r)


def assert_nothing_off_screen_sideways(page, width: int):
    page.browser.call("Emulation.setDeviceMetricsOverride",
                      {"width": width, "height": HEIGHT, "deviceScaleFactor": 1, "mobile": False}, page.session)
    wide = page.evaluate("""[...document.querySelectorAll("body *")].filter(el => {
        const r = el.getBoundingClientRect();
        return r.width > 0 && (r.right > innerWidth + 0.5 || r.left < -0.5) && !el.closest(".scroll");
    }).map(el => el.tagName + "." + el.className + " " + Math.round(el.getBoundingClientRect().right))""")
    clipped = page.evaluate("""[...document.querySelectorAll("svg.chart text")].filter(t => {
        const r = t.getBoundingClientRect(), s = t.closest("svg").getBoundingClientRect();
        return r.left < s.left - 0.5 || r.right > s.right + 0.5;
    }).map(t => t.textContent)""")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert wide == [], (width, wide[:5])
    assert clipped == [], (width, clipped)  # no chart label runs out of its chart
    page.browser.call("Emulation.setDeviceMetricsOverride",
                      {"width": WIDTH, "height": HEIGHT, "deviceScaleFactor": 1, "mobile": False}, page.session)


def colour_pixels(browser, png: bytes, box: dict, rgb: tuple, tolerance: int = 24) -> int:
    """Pixels of colour ``rgb`` inside ``box`` of a screenshot, counted by the browser's own PNG decoder."""
    decoder = browser.open("about:blank", 200, 200)
    return decoder.evaluate(f"""new Promise((resolve, reject) => {{
        const img = new Image();
        img.onload = () => {{
            const c = document.createElement("canvas"); c.width = img.width; c.height = img.height;
            const g = c.getContext("2d"); g.drawImage(img, 0, 0);
            const b = {json.dumps({k: round(box[k]) for k in ("left", "top", "width", "height")})};
            const d = g.getImageData(b.left, b.top, b.width, b.height).data;
            const [r, gr, bl] = {list(rgb)}; let n = 0;
            for (let i = 0; i < d.length; i += 4)
                if (Math.abs(d[i] - r) <= {tolerance} && Math.abs(d[i + 1] - gr) <= {tolerance}
                    && Math.abs(d[i + 2] - bl) <= {tolerance}) n++;
            resolve([img.width, img.height, n]);
        }};
        img.onerror = reject;
        img.src = "data:image/png;base64,{base64.b64encode(png).decode()}";
    }})""")


def screenshot_with_charts(browser, page, path: Path) -> None:
    """The 1400 x 900 screenshot shows the charts: their bars' green is in the screenshot inside them."""
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path)
    png = path.read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    for chart in ("#kind-chart", "#family-chart"):
        width, height, green = colour_pixels(browser, png, rect(page, chart), AGREE_RGB)
        assert (width, height) == (WIDTH, HEIGHT)
        assert green > 100, (chart, green)


def row_texts(page, column: int) -> list[str]:
    return page.evaluate(f"""[...document.querySelectorAll("#items-table tbody tr")].filter(r => !r.hidden)
        .map(r => r.cells[{column}].textContent.trim())""")


def click(page, selector: str) -> None:
    """A real mouse click in the middle of the element, scrolled into view first."""
    page.evaluate(f"document.querySelector({json.dumps(selector)}).scrollIntoView({{block: 'center'}})")
    r = rect(page, selector)
    assert r["uncovered"], selector
    x, y = r["left"] + r["width"] / 2, r["top"] + r["height"] / 2
    for kind in ("mousePressed", "mouseReleased"):
        page.browser.call("Input.dispatchMouseEvent", {"type": kind, "x": x, "y": y, "button": "left",
                                                       "clickCount": 1}, page.session)


def test_report_in_a_browser(report, browser, tmp_path):
    path, _, data = report
    page = browser.open(path.as_uri(), WIDTH, HEIGHT)
    items, summary = data["items"], data["summary"]

    screenshot_with_charts(browser, page, tmp_path / "report.png")
    assert_on_first_screen(page)
    for width in (1366, 1440):
        assert_nothing_off_screen_sideways(page, width)

    # Nothing but the page's own script ran, and the letters' text shows as text.
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.evaluate("document.scripts.length") == 1
    assert page.evaluate("document.querySelectorAll('img, iframe, object, b, i, [onload], [onerror], "
                         "[onmouseover]').length") == 0
    shown_items = page.evaluate("""[...document.querySelectorAll("#items-table td.item")]
        .map(td => td.firstChild.textContent)""")
    assert shown_items == [r["item"] for r in items]
    card = page.evaluate("document.querySelector('#disagreements').textContent")
    assert EVIL_RATIONALE in card and EVIL_SECTION in card and EVIL_FILE in card

    # The charts hold the summary's numbers.
    counts = page.evaluate("[...document.querySelectorAll('#confusion-chart text.count')].map(t => +t.textContent)")
    assert counts == [summary["confusion"][a][p] for a in ("Upheld", "Overturned")
                      for p in ("Upheld", "Overturned", "Not covered")]
    bars = page.evaluate("[...document.querySelectorAll('#family-chart g.bar-row')].length")
    assert bars == len(summary["by_family"])

    # Sorting: a click on a header sorts by it, a second click reverses.
    assert [int(x) for x in row_texts(page, 1)] == [r["item_no"] for r in items]
    click(page, "#items-table th.num button")
    assert [int(x) for x in row_texts(page, 1)] == sorted(r["item_no"] for r in items)
    click(page, "#items-table th.num button")
    assert [int(x) for x in row_texts(page, 1)] == sorted((r["item_no"] for r in items), reverse=True)
    assert page.evaluate("document.querySelector('#items-table th.num').getAttribute('aria-sort')") == "descending"
    click(page, "#items-table th.case button")
    assert row_texts(page, 0) == sorted(r["case_number"] for r in items)

    # Filtering: typed text, then the agreement select; the count says how many are shown.
    click(page, "#filter-text")
    page.browser.call("Input.insertText", {"text": "acupuncture"}, page.session)
    expected = [r for r in items if "acupuncture" in " ".join([r["item"], r["family"], *r["rules"]]).lower()]
    assert len(row_texts(page, 0)) == len(expected) > 0
    assert page.evaluate("document.getElementById('items-count').textContent") == f"{len(expected)} of {len(items)} items"
    page.evaluate("""(() => { const t = document.getElementById('filter-text'); t.value = '';
        t.dispatchEvent(new Event('input'));
        const s = document.getElementById('filter-agree'); s.value = 'disagrees';
        s.dispatchEvent(new Event('change')); })()""")
    wrong = [r for r in items if r["agree"] is False]
    assert sorted(row_texts(page, 2)) == sorted((r["item"] + " ".join(r["rules"])).strip() for r in wrong)
    links = page.evaluate("[...document.querySelectorAll('#items-table tbody tr:not([hidden]) td.agree a')]"
                          ".map(a => document.querySelector(a.getAttribute('href')) !== null)")
    assert links == [True] * len(wrong)

    assert page.console_problems() == []
    assert page.requests() == [path.as_uri()]


def test_real_letters_report_in_a_browser(browser, tmp_path):
    """The report of the README's comparison (dev and seed letters) on a laptop screen."""
    dirs = [SHARED_LETTERS / "dev", SHARED_LETTERS / "seeds"]
    if not all(d.is_dir() for d in dirs):
        pytest.skip(f"real IMR letters not found at {SHARED_LETTERS} (set IMR_SHARED_LETTERS); they are not "
                    "redistributed")
    path, out = tmp_path / "dev.html", tmp_path / "dev.json"
    result = run_cli(*dirs, "--html", path, "--json", out)
    assert result.exit_code == 0, result.stderr
    data = json.loads(out.read_text(encoding="utf-8"))
    page = browser.open(path.as_uri(), WIDTH, HEIGHT)
    screenshot_with_charts(browser, page, tmp_path / "dev.png")
    assert_on_first_screen(page)
    for width in (1366, 1440):
        assert_nothing_off_screen_sideways(page, width)
    assert page.evaluate("document.querySelectorAll('#items-table tbody tr').length") == len(data["items"])
    assert page.console_problems() == []
    assert page.requests() == [path.as_uri()]


def synthetic_records() -> list[dict]:
    """Three items of every family, every outcome pair, long unbroken words and long paths."""
    from checker.vocab import Family

    records = []
    for i, family in enumerate(Family):
        for k in range(3):
            predicted = ("Upheld", "Overturned", "Not covered")[(i + k) % 3]
            actual = ("Upheld", "Overturned")[(i * k) % 2]
            records.append({
                "file": f"/{'very-long-directory/' * 12}CM17-{i:04d}{k}.txt", "case_number": f"CM17-{i:04d}{k}",
                "format": "txt", "item_no": k + 1, "family": family.value, "actual": actual, "predicted": predicted,
                "item": f"{family.label} " + "unbrokenwordwithoutanyspace" * 4 * (k == 2),
                "rules": [] if predicted == "Not covered" else ["mtus.manipulation.flare_up.return_to_work"],
                "agree": None if predicted == "Not covered" else actual == predicted, "undated": False,
                "findings": [], "reviewer_citations": [], "rationale_excerpt": "word " * 60})
    return records


def test_charts_stay_on_the_first_screen_with_every_family_and_kind(browser, tmp_path):
    from checker.compare.html import page as html_page
    from checker.compare.score import summarize
    from checker.compare.view import build_view, run_info

    records = synthetic_records()
    view = build_view(records, summarize(records, letters=len(records), errors=0), [])
    path = tmp_path / "every.html"
    path.write_text(html_page(view, run_info(["/" + "p" * 300] * 9, None, dt.date(2013, 7, 1), False, False)),
                    encoding="utf-8")
    page = browser.open(path.as_uri(), WIDTH, HEIGHT)
    assert page.evaluate("document.querySelectorAll('#family-chart g.bar-row').length") == len(view.families) == 21
    screenshot_with_charts(browser, page, tmp_path / "every.png")
    assert_on_first_screen(page)
    for width in (1366, 1440):
        assert_nothing_off_screen_sideways(page, width)
    assert page.console_problems() == []
