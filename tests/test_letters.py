"""IMR letters read back (checker.letters: read, parse, view, `imr-check letter`).

The real letters are read from ../shared/letters at test time (never copied here):
every letter of seeds/ and dev/, as text and as PDF, must give exactly the items and
decisions of its labels.csv. The letters under samples/letters were written for this
project (invented patients and case numbers). Bad files are made at test time.
"""
from __future__ import annotations

import datetime as dt
import importlib.util
import io
import json
import os
import random
import re
import subprocess
import sys
import textwrap
from functools import lru_cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rich.console import Console

from checker.errors import InputError
from checker.letters.facts import CaseFacts, extract_facts
from checker.letters.facts_text import normalize
from checker.letters.model import Letter
from checker.letters.parse import MAX_ITEMS, MAX_LINES, load_letter, parse_letter
from checker.letters.read import MAX_BYTES, decode_text, read_letter_text
from checker.letters.view import letter_json, print_letter
from tests.conftest import ROOT, read_labels

SAMPLES = ROOT / "samples" / "letters"
DECISIONS = {"Upheld", "Overturned"}
CASE_NUMBER = re.compile(r"[A-Z]{2}\d{2}-\d{4,8}")
HEADER_DATES = ("date_assigned", "decision_date", "injury_date", "ur_denial_date", "application_received")
US_STATES = {
    "Alabama", "Alaska", "Arizona", "Arkansas", "California", "Colorado", "Connecticut", "Delaware", "Florida",
    "Georgia", "Hawaii", "Idaho", "Illinois", "Indiana", "Iowa", "Kansas", "Kentucky", "Louisiana", "Maine",
    "Maryland", "Massachusetts", "Michigan", "Minnesota", "Mississippi", "Missouri", "Montana", "Nebraska", "Nevada",
    "New Hampshire", "New Jersey", "New Mexico", "New York", "North Carolina", "North Dakota", "Ohio", "Oklahoma",
    "Oregon", "Pennsylvania", "Rhode Island", "South Carolina", "South Dakota", "Tennessee", "Texas", "Utah",
    "Vermont", "Virginia", "Washington", "West Virginia", "Wisconsin", "Wyoming", "District of Columbia",
}


def norm(text: str) -> str:
    return " ".join(text.split())


def read_back(letter: Letter) -> list[tuple[int, str, str]]:
    return [(i.item_no, norm(i.item), i.decision) for i in letter.items]


def labelled(rows: list[dict]) -> list[tuple[int, str, str]]:
    return [(int(r["item_no"]), norm(r["item"]), r["decision"].strip()) for r in rows]


def by_letter(rows: list[dict], key: str) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for r in rows:
        out.setdefault(r[key], []).append(r)
    return out


@lru_cache(maxsize=None)
def loaded(path: Path) -> Letter:
    return load_letter(path)


def raw_text(path: Path) -> str:
    return path.read_text(encoding="utf-8", errors="replace")


# ------------------------------------------------------------------ the real letters, against their labels

def test_seed_letters_give_their_labelled_items(seeds_dir):
    wrong = []
    for file, rows in by_letter(read_labels(seeds_dir), "file").items():
        letter = loaded(seeds_dir / file)
        if read_back(letter) != labelled(rows):
            wrong.append((file, read_back(letter), labelled(rows)))
        # most seed letters were saved without the header block; the case number is
        # the one on a "Case Number:" line when there is one
        m = re.search(r"Case Number:\s*(\S+)", raw_text(seeds_dir / file))
        assert letter.case_number == (m[1] if m else None), file
    assert wrong == []


@pytest.mark.parametrize("fmt", ["txt", "pdf"])
def test_dev_letters_give_their_labelled_items(dev_dir, fmt):
    letters = by_letter(read_labels(dev_dir), "case_number")
    assert len(letters) == 66
    wrong = []
    for case, rows in letters.items():
        letter = loaded(dev_dir / f"{case}.{fmt}")
        assert letter.format == fmt
        assert letter.case_number == case
        if read_back(letter) != labelled(rows):
            wrong.append((case, read_back(letter), labelled(rows)))
    assert wrong == []


def _all_letters(seeds_dir: Path, dev_dir: Path) -> list[Path]:
    return sorted(seeds_dir.glob("*.txt")) + sorted(dev_dir.glob("*.txt")) + sorted(dev_dir.glob("*.pdf"))


def test_header_dates_are_dates_in_case_order(dev_dir):
    """Every dev letter has the full header; the two-column layout must not swap fields:
    injury <= UR denial <= application received <= assigned <= decision."""
    for path in sorted(dev_dir.glob("*.txt")) + sorted(dev_dir.glob("*.pdf")):
        letter = loaded(path)
        days = [getattr(letter, name) for name in ("injury_date", "ur_denial_date", "application_received",
                                                    "date_assigned", "decision_date")]
        assert all(isinstance(d, dt.date) for d in days), (path.name, days)
        assert days == sorted(days), (path.name, days)
        assert letter.priority in {"Standard", "Expedited"}, path.name


def test_reviewer_licensure_and_specialty(seeds_dir, dev_dir):
    for path in _all_letters(seeds_dir, dev_dir):
        reviewer = loaded(path).reviewer
        assert reviewer.licensure and set(reviewer.licensure) <= US_STATES, (path.name, reviewer.licensure)
        assert reviewer.specialty, path.name
        assert all(s and s[0].isupper() and len(s) < 60 for s in reviewer.specialty), (path.name, reviewer.specialty)


def test_text_and_pdf_read_the_same(dev_dir):
    """The PDF reader's layout text gives the same letter as pdftotext's, field for field."""
    for txt in sorted(dev_dir.glob("*.txt")):
        a, b = loaded(txt), loaded(txt.with_suffix(".pdf"))
        assert a.model_dump(exclude={"file", "format"}) == b.model_dump(exclude={"file", "format"}), txt.name
        assert extract_facts(a.summary).model_dump(exclude={"evidence"}) == \
            extract_facts(b.summary).model_dump(exclude={"evidence"}), txt.name


def test_citations_are_split_into_guideline_section_pages(seeds_dir, dev_dir):
    for path in _all_letters(seeds_dir, dev_dir):
        letter = loaded(path)
        issues = norm(raw_text(path) if path.suffix == ".txt" else "")
        no_cite = 0
        for item in letter.items:
            for cites in (item.claims_administrator_guideline, item.maximus_guideline):
                no_cite += not cites
                for c in cites:
                    assert c.guideline.strip() and c.raw.strip(), (path.name, item.item_no, c)
                    assert c.pages is None or re.fullmatch(r"\d[\d ,\-\u2013]*", c.pages), (path.name, c)
                    if "Section(s):" in c.raw:
                        assert c.section, (path.name, c)
                    if c.section:
                        assert "Section(s)" not in c.section and "Page(s)" not in c.section, (path.name, c)
            assert item.rationale, (path.name, item.item_no)
        if path.suffix == ".txt":
            # a guideline field without a citation is one that says nobody cited anything
            assert no_cite == issues.count("did not cite any medical evidence"), path.name


def test_partial_authorization_parts(dev_dir):
    """"X was the original request. Y was authorized ... The remaining IMR eligible
    portion ..., Z is: Upheld": IMR decided Z, which is what the labels list."""
    seen = 0
    for path in sorted(dev_dir.glob("*.txt")):
        for item in loaded(path).items:
            if "was the original request" not in item.heading:
                assert (item.original_request, item.authorized, item.remaining) == (None, None, None)
                assert item.item == item.heading
                continue
            seen += 1
            assert item.original_request and item.heading.startswith(item.original_request), (path.name, item.item_no)
            assert item.authorized and item.authorized in item.heading, (path.name, item.item_no)
            assert item.remaining and item.item == item.remaining and item.heading.endswith(item.remaining)
    assert seen >= 20  # the dev set has twenty-odd partial authorizations


# ------------------------------------------------------------------ the sample letters written for this project

SAMPLE_ITEMS = {
    "CM99-0000101_acupuncture_overturned.txt": [(1, "Acupuncture 6 sessions for the lumbar spine", "Overturned")],
    "CM99-0000202_postop_pt_partial.txt": [
        (1, "postoperative physical therapy 4 sessions for the right shoulder", "Upheld")],
    "CM99-0000303_multi_item.txt": [
        (1, "Chiropractic manipulation 6 visits for the cervical spine", "Overturned"),
        (2, "Massage therapy 8 sessions for the cervical and lumbar spine", "Upheld"),
        (3, "Physical therapy 12 sessions for the lumbar spine", "Upheld"),
    ],
}


def test_samples_are_all_listed():
    assert {p.name for p in SAMPLES.glob("*.txt")} == set(SAMPLE_ITEMS)


@pytest.mark.parametrize("name", sorted(SAMPLE_ITEMS))
def test_sample_letters_read_back(name):
    letter = load_letter(SAMPLES / name)
    assert read_back(letter) == SAMPLE_ITEMS[name]
    assert letter.case_number == name.split("_")[0]
    assert all(isinstance(getattr(letter, d), dt.date) for d in HEADER_DATES)
    assert letter.priority == "Standard"
    assert letter.reviewer.licensure and letter.reviewer.specialty
    assert letter.summary.startswith("The injured worker is a")  # boilerplate sentence dropped


def test_sample_partial_authorization():
    (item,) = load_letter(SAMPLES / "CM99-0000202_postop_pt_partial.txt").items
    assert item.original_request == ("Postoperative physical therapy 2 times a week for 8 weeks (16 sessions) "
                                     "for the right shoulder")
    assert item.authorized == "Postoperative physical therapy 12 sessions for the right shoulder"
    assert item.remaining == "postoperative physical therapy 4 sessions for the right shoulder"
    (cite,) = item.maximus_guideline
    assert (cite.guideline, cite.section, cite.pages) == ("MTUS Postsurgical Treatment Guidelines", "Shoulder", "26-27")


def test_sample_citations_split():
    letter = load_letter(SAMPLES / "CM99-0000303_multi_item.txt")
    chiro = letter.items[0]
    (ca,) = chiro.claims_administrator_guideline
    assert (ca.guideline, ca.section, ca.pages) == ("ODG", "Neck and Upper Back, Manipulation", None)
    (mx,) = chiro.maximus_guideline
    assert mx.section == "Manual therapy & manipulation" and mx.pages == "58-59"
    assert mx.guideline.startswith("MTUS Chronic Pain Medical Treatment Guidelines")
    # the page break inside item 2's rationale does not split the item or lose its text
    assert "short lived and tied to the treatment itself. The request for 8 sessions" in letter.items[1].rationale


def test_sample_pdf_reads_like_its_text():
    pdf, txt = SAMPLES / "CM99-0000303_multi_item.pdf", SAMPLES / "CM99-0000303_multi_item.txt"
    assert read_letter_text(pdf)[1] == "pdf"
    a, b = load_letter(pdf), load_letter(txt)
    assert a.model_dump(exclude={"file", "format"}) == b.model_dump(exclude={"file", "format"})


def test_sample_pdf_is_up_to_date():
    """The committed PDF is what samples/letters/make_pdf.py makes of the text today."""
    make_pdf = _make_pdf_module()
    text = (SAMPLES / "CM99-0000303_multi_item.txt").read_text(encoding="utf-8")
    assert (SAMPLES / "CM99-0000303_multi_item.pdf").read_bytes() == make_pdf.text_pdf(text)


def test_make_pdf_reports_a_bad_file_on_one_line_and_makes_the_others(tmp_path, capsys):
    make_pdf = _make_pdf_module()
    good = tmp_path / "letter.txt"
    good.write_text((SAMPLES / "CM99-0000303_multi_item.txt").read_text(encoding="utf-8"), encoding="utf-8")
    latin = tmp_path / "latin.txt"
    latin.write_bytes("caf\u00e9".encode("utf-16"))
    missing = tmp_path / "missing.txt"
    assert make_pdf.main([str(missing), str(latin), str(good)]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err == [f"error: {missing}: No such file or directory; expected a UTF-8 text letter",
                   f"error: {latin}: not UTF-8 text; expected a UTF-8 text letter"]
    assert good.with_suffix(".pdf").read_bytes() == (SAMPLES / "CM99-0000303_multi_item.pdf").read_bytes()


@pytest.mark.parametrize("codec", ["utf-8-sig", "utf-16", "utf-32", "cp1252"])
def test_text_encodings(tmp_path, codec):
    src = SAMPLES / "CM99-0000101_acupuncture_overturned.txt"
    text = src.read_text(encoding="utf-8").replace("lifting boxes", "lifting boxes \u2013 caf\u00e9 stock")
    path = tmp_path / f"letter-{codec}.txt"
    path.write_bytes(text.encode(codec))
    letter = load_letter(path)
    assert read_back(letter) == SAMPLE_ITEMS[src.name]
    assert "\u2013 caf\u00e9 stock" in letter.summary


# ------------------------------------------------------------------ robustness: mangled letters

def _make_pdf_module():
    spec = importlib.util.spec_from_file_location("make_pdf", SAMPLES / "make_pdf.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


TRICKY = [
    "\f", "\f\f", ": Upheld", ": Overturned", "Upheld", "IMR ISSUES, DECISIONS AND RATIONALES", "CLINICAL CASE SUMMARY",
    "HOW THE IMR FINAL DETERMINATION WAS MADE", "Claims Administrator guideline:", "MAXIMUS guideline:",
    "Decision rationale:", "Decision based on MTUS", "Section(s):", "Page(s): 1-", " was the original request. ",
    "The remaining IMR eligible portion of the original request, ", "Case Number: CM99-", "Date Assigned: 13/45/2016",
    "\x00", "\r", "\t", "\u2028", "\ufeff", "(", "))", "-\n", "\xa0", "Page 2 of 3",
]


@st.composite
def mangled(draw, texts: list[str]) -> str:
    """A real or sample letter, damaged a few ways: lines dropped, shuffled, duplicated,
    re-wrapped, joined; form feeds and tricky fragments inserted; truncated."""
    lines = draw(st.sampled_from(texts)).split("\n")
    for op in draw(st.lists(st.sampled_from(["drop", "shuffle", "dup", "wrap", "join", "insert", "ff", "truncate",
                                             "strip", "blank"]), min_size=1, max_size=5)):
        n = len(lines)
        at = draw(st.integers(0, max(n - 1, 0)))
        span = draw(st.integers(1, 40))
        if op == "drop" and n:
            del lines[at: at + span]
        elif op == "shuffle":
            part = lines[at: at + span]
            random.Random(draw(st.integers(0, 2**16))).shuffle(part)
            lines[at: at + span] = part
        elif op == "dup":
            lines[at:at] = lines[at: at + span] * draw(st.integers(1, 4))
        elif op == "wrap":
            width = draw(st.integers(8, 160))
            lines[at: at + span] = textwrap.wrap(" ".join(lines[at: at + span]), width) or [""]
        elif op == "join" and n > 1:
            lines[at: at + span] = [" ".join(lines[at: at + span])]
        elif op == "insert":
            lines.insert(at, draw(st.sampled_from(TRICKY)) + draw(st.text(max_size=30)))
        elif op == "ff":
            for k in sorted(draw(st.lists(st.integers(0, max(n - 1, 0)), max_size=8)), reverse=True):
                if k < len(lines):
                    lines[k] = "\f" + lines[k]
                else:
                    lines.append("\f")
        elif op == "truncate":
            text = "\n".join(lines)
            lines = text[: draw(st.integers(0, len(text)))].split("\n")
        elif op == "strip":
            lines = [line.strip() for line in lines]
        elif op == "blank":
            lines = [x for line in lines for x in (line, "")]
    return "\n".join(lines)


def _clean_outcome(text: str) -> None:
    """A Letter that every consumer can use, or one clean InputError naming the file."""
    try:
        letter = parse_letter(text, "mangled.txt", "txt")
    except InputError as e:
        assert "\n" not in str(e) and str(e).startswith("mangled.txt: ")
        return
    assert 1 <= len(letter.items) <= MAX_ITEMS
    assert [i.item_no for i in letter.items] == list(range(1, len(letter.items) + 1))
    for item in letter.items:
        assert item.decision in DECISIONS
        assert item.item.strip() and norm(item.item) == item.item and item.item in item.heading
    assert letter.case_number is None or CASE_NUMBER.fullmatch(letter.case_number)
    facts = extract_facts(letter.summary)
    assert isinstance(facts, CaseFacts) and facts.problems == []
    assert all(ev.sentence in normalize(letter.summary) for ev in facts.evidence)
    print_letter(Console(file=io.StringIO(), width=80), letter, facts)
    json.dumps(letter_json(letter, facts))


@lru_cache(maxsize=None)
def _texts(*dirs: Path) -> tuple[str, ...]:
    return tuple(raw_text(p) for d in dirs for p in sorted(d.glob("*.txt")))


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data())
def test_mangled_sample_letters_read_cleanly(data):
    _clean_outcome(data.draw(mangled(list(_texts(SAMPLES)))))


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data())
def test_mangled_real_letters_read_cleanly(seeds_dir, dev_dir, data):
    _clean_outcome(data.draw(mangled(list(_texts(seeds_dir, dev_dir)))))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.text(max_size=3000))
def test_arbitrary_text_reads_cleanly(text):
    _clean_outcome(text)


def _same_reading(letter: Letter) -> tuple:
    return (read_back(letter), letter.case_number, [getattr(letter, d) for d in HEADER_DATES],
            letter.reviewer, [(i.original_request, i.authorized) for i in letter.items])


@st.composite
def relaid(draw, texts: list[str]) -> tuple[str, str]:
    """(letter, the same letter laid out differently): page breaks between lines, CRLF
    line ends, spaces around lines, double spacing or extra blank lines."""
    text = draw(st.sampled_from(texts))
    lines = text.split("\n")
    for k in sorted(draw(st.lists(st.integers(1, max(len(lines) - 1, 1)), max_size=6)), reverse=True):
        lines[k] = "\f" + lines[k]
    if draw(st.booleans()):
        pad = draw(st.integers(0, 3))
        lines = [" " * pad + line + " " * draw(st.integers(0, 3)) for line in lines]
    out = "\n".join(lines)
    out = draw(st.sampled_from([out, out.replace("\n", "\n\n"), out.replace("\n\n", "\n\n\n")]))
    if draw(st.booleans()):
        out = out.replace("\n", "\r\n")
    return text, out


def _check_relaid(pair: tuple[str, str]) -> None:
    original, relaid_text = pair
    assert _same_reading(parse_letter(relaid_text, "x.txt", "txt")) == _same_reading(
        parse_letter(original, "x.txt", "txt"))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data())
def test_layout_changes_do_not_change_the_reading_samples(data):
    _check_relaid(data.draw(relaid(list(_texts(SAMPLES)))))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data())
def test_layout_changes_do_not_change_the_reading_real(seeds_dir, dev_dir, data):
    _check_relaid(data.draw(relaid(list(_texts(seeds_dir, dev_dir)))))


def test_oversized_inputs_are_refused_not_parsed():
    sample = raw_text(SAMPLES / "CM99-0000303_multi_item.txt")
    with pytest.raises(InputError, match="lines; not an IMR letter"):
        parse_letter("x\n" * (MAX_LINES + 1) + sample, "big.txt", "txt")
    head, title, issues = sample.partition("IMR ISSUES, DECISIONS AND RATIONALES\n")
    with pytest.raises(InputError, match="decided items; not an IMR letter"):
        parse_letter(head + title + "A: Upheld\n\n" * (MAX_ITEMS + 1), "many.txt", "txt")
    # a heading is a few lines however much precedes it
    letter = parse_letter(head + title + "filler line\n" * 5000 + issues, "filler.txt", "txt")
    assert read_back(letter) == SAMPLE_ITEMS["CM99-0000303_multi_item.txt"]


def test_bare_decision_line_decides_nothing():
    sample = raw_text(SAMPLES / "CM99-0000303_multi_item.txt")
    text = sample.replace("IMR ISSUES, DECISIONS AND RATIONALES\n", "IMR ISSUES, DECISIONS AND RATIONALES\n: Upheld\n")
    assert read_back(parse_letter(text, "x.txt", "txt")) == SAMPLE_ITEMS["CM99-0000303_multi_item.txt"]


def test_decode_rejects_binary():
    with pytest.raises(InputError, match="binary data"):
        decode_text(bytes(range(1, 32)) * 300, "ctl.txt")


# ------------------------------------------------------------------ bad input through the CLI

GOOD = SAMPLES / "CM99-0000101_acupuncture_overturned.txt"


def run_cli(*args: str | Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1", "TERM": "dumb"}
    return subprocess.run([sys.executable, "-c", "from checker.cli import main; main()", "letter", *map(str, args)],
                          capture_output=True, text=True, cwd=ROOT, env=env, timeout=300)


def _blank_pdf(pages: int) -> bytes:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument.new()
    for _ in range(pages):
        pdf.new_page(612, 792)
    buf = io.BytesIO()
    pdf.save(buf)
    pdf.close()
    return buf.getvalue()


def _encrypted_pdf() -> bytes:
    """A one-page PDF under the standard security handler whose user password is not empty."""
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>",
        b"<< /Filter /Standard /V 1 /R 2 /Length 40 /P -4 /O <" + b"11" * 32 + b"> /U <" + b"22" * 32 + b"> >>",
    ]
    trailer = b" /Encrypt 4 0 R /ID [<" + b"ab" * 16 + b"> <" + b"ab" * 16 + b">]"
    return _make_pdf_module().pdf_file(objs, trailer)


def _make_bad(tmp: Path, kind: str) -> Path:
    path = tmp / {"scanned": "scan.pdf", "no_pages": "nopages.pdf", "truncated": "cut.pdf", "encrypted": "locked.pdf",
                  "corrupt": "corrupt.pdf", "fake_pdf": "fake.pdf", "garbage": "garbage.bin",
                  "control": "control.txt", "directory": "folder", "missing": "missing.txt"}.get(kind, f"{kind}.txt")
    if kind == "empty":
        path.write_bytes(b"")
    elif kind == "whitespace":
        path.write_bytes(b" \n\n\f  \r\n")
    elif kind == "not_a_letter":
        path.write_text("Dear adjuster,\nPlease find enclosed the invoice for the March visits.\nRegards,\nThe clinic\n")
    elif kind == "no_decision":
        path.write_text(raw_text(GOOD).replace(": Overturned", " was decided"))
    elif kind == "scanned":
        path.write_bytes(_blank_pdf(2))
    elif kind == "no_pages":
        path.write_bytes(_blank_pdf(0))
    elif kind == "truncated":
        data = (SAMPLES / "CM99-0000303_multi_item.pdf").read_bytes()
        path.write_bytes(data[: len(data) // 2])
    elif kind == "encrypted":
        path.write_bytes(_encrypted_pdf())
    elif kind == "corrupt":
        path.write_bytes(b"%PDF-1.4\n" + random.Random(1).randbytes(4000) + b"\n%%EOF\n")
    elif kind == "fake_pdf":
        path.write_text("this is plain text named .pdf\n")
    elif kind == "garbage":
        path.write_bytes(random.Random(0).randbytes(5000))
    elif kind == "control":
        path.write_bytes(bytes(b % 31 + 1 for b in random.Random(2).randbytes(4000)))
    elif kind == "huge":
        with open(path, "wb") as f:
            f.truncate(MAX_BYTES + 1)  # sparse: nothing is written
    elif kind == "directory":
        path.mkdir()
    return path


BAD = {  # kind: what the one-line error must say
    "empty": "empty file",
    "whitespace": "empty file",
    "not_a_letter": "not an IMR letter",
    "no_decision": "no decided items",
    "scanned": "no text layer",
    "no_pages": "corrupt PDF",
    "truncated": "truncated or corrupt PDF",
    "encrypted": "encrypted PDF",
    "corrupt": "corrupt PDF",
    "fake_pdf": "not a PDF",
    "garbage": "binary data",
    "control": "binary data",
    "huge": "file too large",
    "directory": "is a directory",
    "missing": "cannot read file",
}


@pytest.mark.parametrize("kind", sorted(BAD))
def test_bad_input_is_one_line_and_exit_2(tmp_path, kind):
    bad = _make_bad(tmp_path, kind)
    r = run_cli(bad, GOOD)
    assert r.returncode == 2
    assert "Traceback" not in r.stderr + r.stdout
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1, r.stderr
    assert lines[0].startswith(f"error: {bad}: ") and BAD[kind] in lines[0], lines[0]
    assert "CM99-0000101" in r.stdout and "OVERTURNED" in r.stdout  # the good letter is still shown


def test_bad_inputs_together_json(tmp_path):
    bad = [_make_bad(tmp_path, kind) for kind in sorted(BAD)]
    r = run_cli("--json", GOOD, *bad)
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert len(r.stderr.strip().splitlines()) == len(bad)
    out = json.loads(r.stdout)
    assert [x["case_number"] for x in out["letters"]] == ["CM99-0000101"]
    assert [e["file"] for e in out["errors"]] == [str(p) for p in bad]
    assert all(BAD[kind] in e["error"] for kind, e in zip(sorted(BAD), out["errors"]))


def test_function_level_errors_name_the_file(tmp_path):
    for kind in ("encrypted", "scanned", "truncated", "huge"):
        path = _make_bad(tmp_path, kind)
        with pytest.raises(InputError) as e:
            load_letter(path)
        assert e.value.file == str(path) and BAD[kind] in e.value.problem


# ------------------------------------------------------------------ the command's output

def test_json_one_letter():
    path = SAMPLES / "CM99-0000303_multi_item.txt"
    r = run_cli("--json", path)
    assert r.returncode == 0 and r.stderr == ""
    out = json.loads(r.stdout)
    letter = load_letter(path)
    assert out["case_number"] == "CM99-0000303" and out["decision_date"] == "2016-06-08"
    assert out["reviewer"] == {"licensure": ["Oregon", "Washington"], "specialty": ["Chiropractor"]}
    assert [(i["item_no"], i["item"], i["decision"]) for i in out["items"]] == read_back(letter)
    assert out["items"][2]["maximus_guideline"][0]["pages"] == "98-99"
    facts = out["facts"]
    assert facts["prior"]["physical_therapy"]["visits"] == {"min": 14, "max": 14}
    assert facts["prior"]["chiropractic"]["visits"] == {"min": 0, "max": 0}
    assert facts["returned_to_work"] == "yes" and facts["flare_up"] == "yes"
    assert all(set(ev) == {"fact", "value", "sentence"} for ev in facts["evidence"])


def test_json_several_letters():
    r = run_cli("--json", *sorted(SAMPLES.glob("*.txt")), SAMPLES / "CM99-0000303_multi_item.pdf")
    assert r.returncode == 0
    out = json.loads(r.stdout)
    assert out["errors"] == []
    assert [x["case_number"] for x in out["letters"]] == ["CM99-0000101", "CM99-0000202", "CM99-0000303",
                                                          "CM99-0000303"]
    assert [x["format"] for x in out["letters"]] == ["txt", "txt", "txt", "pdf"]


def test_rich_view_shows_the_letter():
    r = run_cli(SAMPLES / "CM99-0000202_postop_pt_partial.txt", SAMPLES / "CM99-0000303_multi_item.txt")
    assert r.returncode == 0 and r.stderr == ""
    text = r.stdout
    for expected in (
        "Case number CM99-0000202", "Decision date 2016-01-05", "Priority Standard",
        "Reviewer licensure Arizona, California", "specialty Orthopaedic Surgery",
        "Original request", "Authorized by the Claims Administrator", "Remaining IMR-eligible portion",
        "postoperative physical therapy 4 sessions for the right shoulder", "UPHELD", "OVERTURNED",
        "Claims Administrator", "MAXIMUS", "MTUS Postsurgical Treatment Guidelines", "26-27",
        "Prior physical therapy", "He underwent right shoulder arthroscopic subacromial decompression on",
        "Neck and Upper Back, Manipulation", "There has been no prior chiropractic care.",
    ):
        assert expected in text, expected
