"""The comparison written to files: JSON (everything), CSV (the item rows); the HTML page is checker.compare.html."""
from __future__ import annotations

import csv
import io
import json
import os
import sys

from checker.errors import InputError

CSV_COLUMNS = ("file", "case_number", "format", "item_no", "item", "family", "actual", "predicted", "agree",
               "rules", "decision", "requested_quantity", "certifiable_quantity", "quantity_unit",
               "guideline_date", "undated", "not_covered_reason")


def comparison_json(summary: dict, records: list[dict], errors: list[dict]) -> dict:
    items = [{k: v for k, v in r.items() if k != "letter_items"} for r in records]
    return {"summary": summary, "items": items, "errors": errors}


def _write(path: str, text: str, what: str) -> None:
    if path == "-":
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    try:
        with open(path, "w", encoding="utf-8", newline="") as f:
            f.write(text)
    except OSError as e:
        raise InputError(path, None, f"cannot write the {what}: {e.strerror or e}") from None


def write_json(path: str, data: dict) -> None:
    _write(path, json.dumps(data, indent=2, ensure_ascii=False) + "\n", "JSON file")


def csv_text(records: list[dict]) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=CSV_COLUMNS, extrasaction="ignore", lineterminator="\n")
    w.writeheader()
    for r in records:
        row = {k: r.get(k) for k in CSV_COLUMNS}
        row["rules"] = ";".join(r["rules"])
        row["agree"] = "" if r["agree"] is None else ("yes" if r["agree"] else "no")
        row["undated"] = "yes" if r.get("undated") else "no"
        w.writerow({k: "" if v is None else v for k, v in row.items()})
    return buf.getvalue()


def write_csv(path: str, records: list[dict]) -> None:
    _write(path, csv_text(records), "CSV file")


def check_writable(path: str | None, what: str) -> None:
    """Fail before the run, not after it, when an output file cannot be created."""
    if path is None or path == "-":
        return
    directory = os.path.dirname(os.path.abspath(path))
    if os.path.isdir(path):
        raise InputError(path, None, f"is a directory; expected a file name for the {what}")
    if not os.path.isdir(directory):
        raise InputError(path, None, f"no such directory {directory!r} for the {what}")
    if not os.access(directory, os.W_OK) or (os.path.exists(path) and not os.access(path, os.W_OK)):
        raise InputError(path, None, f"not writable; cannot write the {what} there")
