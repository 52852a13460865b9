"""The MTUS Drug List (8 CCR 9792.27.14-.15) as the user loads it: a CSV export of the DWC spreadsheet.

No drug's status is bundled (FACTS-beyond-physmed F9: the list's body was not read here); a rule pack
holds `_drug_list.csv` and names its version and effective date in its `_pack.yaml` (`drug_list:`).

The file (policy):
  1. UTF-8 (a BOM allowed), comma-separated, at most MAX_BYTES; lines whose first cell starts with
     "#" are comments, blank lines are skipped.
  2. The header is the first row (of the first HEADER_SEARCH rows not comments or blank) that names
     an ingredient column; rows above it are the spreadsheet's title rows. Header names are matched
     case-insensitively, punctuation and spacing ignored ("Drug Ingredient", "Exempt/Non-Exempt",
     "Special Fill", "Perioperative Fill"; HEADERS below). The ingredient and status columns are
     required; Special Fill and Perioperative Fill are optional.
  3. Status: Exempt or Non-Exempt (case, spaces and hyphens ignored). Fill flags: Yes/Y/No/N, or the
     supply the fill allows in days ("4-day supply", "4 days", "4"; the list's header says a fill's
     "Supply not to exceed #days indicated", FACTS-beyond-physmed F2 source), read as yes with that
     supply; a blank cell or a missing column is `not_stated` (the list does not say; no meaning guessed).
  4. An ingredient on several rows (the spreadsheet lists some per dosage form) takes the strictest
     of its rows: non-exempt over exempt; a fill flag is yes only when every row says yes.
  5. Anything else is one error line naming the file, the line and the column, and what was expected.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from checker.errors import InputError
from checker.files import BadFile, read_bounded

MAX_BYTES = 20_000_000  # as a rule file (checker.kb.load.MAX_RULE_FILE_BYTES)
HEADER_SEARCH = 10
DRUG_LIST_FILE = "_drug_list.csv"

# column -> the header names it is known by, normalized (_norm): lower case, words only
HEADERS = {
    "ingredient": ("drug ingredient", "drug ingredients", "ingredient", "ingredients", "drug", "drug name",
                   "generic name", "active ingredient", "drug ingredient name"),
    "status": ("exempt non exempt", "exempt nonexempt", "exempt or non exempt", "status", "exempt status",
               "formulary status", "exempt"),
    "special_fill": ("special fill", "special fill eligible", "special fill policy"),
    "perioperative_fill": ("perioperative fill", "peri operative fill", "perioperative fill eligible",
                           "perioperative fill policy", "perioperative"),
}
REQUIRED = ("ingredient", "status")
STATUS_WORDS = {"exempt": "exempt", "nonexempt": "non_exempt"}
FLAG_WORDS = {"yes": "yes", "y": "yes", "no": "no", "n": "no", "": "not_stated"}
STRICTNESS = ("exempt", "non_exempt")  # later is stricter (policy 4)
_FLAG_STRICTNESS = ("yes", "not_stated", "no")


def _norm(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


def ingredient_key(name: str) -> str:
    """How an ingredient name is looked up: lower case, words only ("Hydrocodone  Bitartrate" = "hydrocodone bitartrate")."""
    return _norm(name)


@dataclass(frozen=True)
class Entry:
    name: str  # as the list writes it
    status: str  # exempt | non_exempt
    special_fill: str  # yes | no | not_stated
    perioperative_fill: str
    line: int
    special_fill_days: Optional[int] = None  # the supply the fill allows, when the cell gives it
    perioperative_fill_days: Optional[int] = None


@dataclass(eq=False)  # compared and hashed by identity: one loaded file
class DrugList:
    pack: str
    version: str
    effective: dt.date
    path: Path
    entries: dict[str, Entry] = field(default_factory=dict)  # ingredient_key -> entry

    @property
    def label(self) -> str:
        return f"MTUS Drug List {self.version}, effective {self.effective.isoformat()}, pack {self.pack}"

    def lookup(self, ingredient: str) -> Optional[Entry]:
        return self.entries.get(ingredient_key(ingredient))


def _stricter(a: str, b: str, order) -> str:
    return a if order.index(a) >= order.index(b) else b


def _fewer(a: Optional[int], b: Optional[int]) -> Optional[int]:
    return min(a, b) if a is not None and b is not None else a if b is None else b


def _merge(old: Entry, new: Entry) -> Entry:
    return Entry(old.name, _stricter(old.status, new.status, STRICTNESS),
                 _stricter(old.special_fill, new.special_fill, _FLAG_STRICTNESS),
                 _stricter(old.perioperative_fill, new.perioperative_fill, _FLAG_STRICTNESS), old.line,
                 _fewer(old.special_fill_days, new.special_fill_days),
                 _fewer(old.perioperative_fill_days, new.perioperative_fill_days))


_SUPPLY = re.compile(r"^(?:yes |y )?(\d{1,3}) ?(?:day|days)?(?: supply)?$")


def _flag(cell: str) -> tuple[Optional[str], Optional[int]]:
    """yes / no / not_stated and the days' supply a fill cell gives (policy 3); None: unreadable."""
    words = _norm(cell)
    if words in FLAG_WORDS:
        return FLAG_WORDS[words], None
    m = _SUPPLY.match(words)
    return ("yes", int(m.group(1))) if m else (None, None)


def _read_text(path: Path) -> str:
    try:
        data = read_bounded(path, MAX_BYTES)
    except BadFile as e:
        why = {"missing": "not found", "directory": "a directory", "special": "not a regular file",
               "too_large": f"larger than {MAX_BYTES // 10**6} MB"}.get(e.kind, e.detail)
        raise InputError(path, None, f"cannot be read as a CSV drug list ({why})") from None
    if b"\x00" in data:
        raise InputError(path, None, "is binary (a spreadsheet?); expected the drug list saved as CSV text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise InputError(path, None, f"cannot be read as UTF-8 CSV text (byte {e.start}); save the list as CSV UTF-8") from None
    if not text.strip():
        raise InputError(path, None, "is empty; expected a CSV drug list with a header row")
    return text


def _columns(path: Path, line: int, row: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, cell in enumerate(row):
        name = _norm(cell)
        for column, names in HEADERS.items():
            if name in names:
                if column in found:
                    raise InputError(path, f"line {line}, column {index + 1}",
                                     f"a second {column.replace('_', ' ')} column ({cell.strip()!r}); expected one")
                found[column] = index
    return found


def load_drug_list(path: Path, pack: str, version: str, effective: dt.date) -> DrugList:
    text = _read_text(path)
    reader = csv.reader(io.StringIO(text, newline=""))
    rows = []
    try:
        for row in reader:
            rows.append((reader.line_num, row))  # the line the record ends on (a quoted cell may span lines)
    except csv.Error as e:
        raise InputError(path, f"line {reader.line_num}", f"malformed CSV: {e}") from None
    content = [(n, r) for n, r in rows if any(c.strip() for c in r) and not r[0].lstrip().startswith("#")]
    if not content:
        raise InputError(path, None, "has no rows, only comments; expected a header row and drug rows")
    header_at, columns = None, {}
    for n, row in content[:HEADER_SEARCH]:
        columns = _columns(path, n, row)
        if "ingredient" in columns:
            header_at = n
            break
    if header_at is None:
        n, row = content[0]
        raise InputError(path, f"line {n}", "no header row names the drug ingredient column; expected a header "
                         "such as: Drug Ingredient, Exempt/Non-Exempt, Special Fill, Perioperative Fill")
    if "status" not in columns:
        raise InputError(path, f"line {header_at}", "the header names no status column; expected one such as "
                         "'Exempt/Non-Exempt' (values Exempt or Non-Exempt)")
    out = DrugList(pack, version, effective, path)
    headers = {c: row[i].strip() for n, row in content if n == header_at for c, i in columns.items()}
    for n, row in content:
        if n <= header_at:
            continue

        def cell(column: str) -> str:
            i = columns.get(column)
            return row[i].strip() if i is not None and i < len(row) else ""

        def where(column: str) -> str:
            return f"line {n}, column {columns[column] + 1} ({headers[column]!r})"

        name = cell("ingredient")
        if not name:
            raise InputError(path, where("ingredient"), "empty drug ingredient; expected its name")
        status = STATUS_WORDS.get(_norm(cell("status")).replace(" ", ""))
        if status is None:
            raise InputError(path, where("status"), f"unknown status {cell('status')!r}; expected Exempt or Non-Exempt")
        flags, days = {}, {}
        for column in ("special_fill", "perioperative_fill"):
            flags[column], days[column] = _flag(cell(column))
            if flags[column] is None:
                raise InputError(path, where(column), f"unknown value {cell(column)!r}; expected Yes, No, Y, N, "
                                 "a days' supply (4-day supply) or blank")
        entry = Entry(name, status, flags["special_fill"], flags["perioperative_fill"], n,
                      days["special_fill"], days["perioperative_fill"])
        key = ingredient_key(name)
        out.entries[key] = _merge(out.entries[key], entry) if key in out.entries else entry
    if not out.entries:
        raise InputError(path, f"line {header_at}", "a header but no drug rows; expected one row per drug ingredient")
    return out
