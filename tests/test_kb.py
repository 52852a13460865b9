"""Rule-base errors: each defect is one line naming the file, the rule id and the field.

Every test works on a copy of the real rule base in a temporary directory, plus one rule
file of our own (zz_test.yaml, a real rule re-dumped under the id pt.a) that carries the
defect, so the tests follow the rule base as it changes. The `rules --check` command is
run as a user runs it, on the real base and on a broken copy via $IMR_RULES_DIR.
"""
from __future__ import annotations

import copy
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from checker.errors import InputError
from checker.kb.load import CATEGORIES_FILE, SOURCES_FILE, load_kb, rules_dir

ROOT = Path(__file__).resolve().parent.parent
REAL = load_kb(ROOT / "rules")
TEST_FILE = "zz_test.yaml"


def _template() -> dict:
    """A real course rule with placeholders in its rationale, as a plain YAML mapping."""
    rule = next(r for r in REAL.rules if r.kind == "course" and "{visits}" in r.rationale and r.applies_to.conditions)
    data = rule.model_dump(mode="json", by_alias=True, exclude_none=True)
    data["id"] = "pt.a"
    return data


TEMPLATE = _template()


@pytest.fixture
def base(tmp_path: Path) -> Path:
    directory = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", directory)
    return directory


def write_rule(directory: Path, rule: dict, defaults: dict | None = None) -> Path:
    doc = {"rules": [rule]}
    if defaults is not None:
        doc = {"defaults": defaults, **doc}
    path = directory / TEST_FILE
    path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    return path


def load_error(directory: Path) -> InputError:
    with pytest.raises(InputError) as caught:
        load_kb(directory)
    message = str(caught.value)
    assert "\n" not in message and "Traceback" not in message
    return caught.value


def test_the_copy_with_our_test_rule_loads(base):
    # The control for every defect below: without a defect the same files load.
    write_rule(base, copy.deepcopy(TEMPLATE))
    kb = load_kb(base)
    assert kb.rule("pt.a").section == TEMPLATE["section"]
    assert kb.rule_files["pt.a"] == TEST_FILE
    assert len(kb.rules) == len(REAL.rules) + 1


def _set(path: str, value):
    def mutate(rule: dict) -> None:
        *parents, last = path.split(".")
        node = rule
        for key in parents:
            node = node.setdefault(key, {})
        node[last] = value
    return mutate


def _drop(key: str):
    def mutate(rule: dict) -> None:
        del rule[key]
    return mutate


# (defect, mutation of the rule, field the message names, what the message says)
DEFECTS = [
    ("unknown key", _set("colour", "red"), "colour", "unknown field"),
    ("unknown key in a nested mapping", _set("applies_to.body_part", "knee"), "applies_to.body_part", "unknown field"),
    ("wrong type: text for a number", _set("parameters.visits", {"min": 4, "max": "six"}), "parameters.visits.max",
     "expected a number"),
    ("wrong type: text for a yes/no", _set("primary", "maybe"), "primary", "expected true or false"),
    ("wrong type: a list for the section", _set("section", ["Physical Medicine"]), "section", "expected text"),
    ("without source", _drop("source"), "source", "required field is missing"),
    ("without pages", _drop("pages"), "pages", "required field is missing"),
    ("empty pages", _set("pages", ""), "pages", "at least 1 character"),
    ("unknown source id", _set("source", "mtus_cpmtg_2099"), "source", "unknown source 'mtus_cpmtg_2099'"),
    ("unknown condition category", _set("applies_to.conditions", ["sprain_strain", "no_such_condition"]),
     "applies_to.conditions", "unknown condition category 'no_such_condition'"),
    ("unknown surgery category", _set("applies_to.surgeries", ["no_such_surgery"]), "applies_to.surgeries",
     "unknown surgery category 'no_such_surgery'"),
    ("unknown region", _set("applies_to.regions", ["lumbar", "lower_back"]), "applies_to.regions[1]", "'lower_back'"),
    ("unknown family", _set("family", ["physical_therapy", "yoga"]), "family[1]", "'yoga'"),
    ("unknown kind", _set("kind", "courses"), "kind", "'courses'"),
    ("bad rationale placeholder", _set("rationale", "allows {visitz} visits"), "rationale",
     "placeholder {visitz} is not a parameter of this rule"),
    ("a course without its visits", _set("parameters", {"weeks": 8}), "parameters.visits", "a course rule needs it"),
    ("effective dates backwards", _set("effective", {"from": "2016-01-01", "until": "2015-01-01"}), "effective",
     "until 2015-01-01 is before from 2016-01-01"),
    ("in force when no edition of its source is", _set("effective", {"from": "1990-01-01", "until": "1991-01-01"}),
     "effective", "no edition of"),
]


@pytest.mark.parametrize("defect, mutate, field, says", DEFECTS, ids=[d[0] for d in DEFECTS])
def test_a_defective_rule_is_named_by_file_rule_and_field(base, defect, mutate, field, says):
    rule = copy.deepcopy(TEMPLATE)
    mutate(rule)
    path = write_rule(base, rule)
    error = load_error(base)
    assert error.file == str(path)
    assert str(error).startswith(f"{path}: rule pt.a: {field}: "), str(error)
    assert says in str(error)


def test_a_duplicate_rule_id_names_both_files(base):
    existing = REAL.rules[0].id
    path = write_rule(base, {**copy.deepcopy(TEMPLATE), "id": existing})
    error = load_error(base)
    assert str(error) == f"{path}: rule {existing}: duplicate rule id (first defined in {REAL.rule_files[existing]})"


def test_a_duplicate_rule_id_within_one_file(base):
    rule = copy.deepcopy(TEMPLATE)
    path = base / TEST_FILE
    path.write_text(yaml.safe_dump({"rules": [rule, rule]}), encoding="utf-8")
    assert str(load_error(base)) == f"{path}: rule pt.a: duplicate rule id (first defined in {TEST_FILE})"


def test_a_field_missing_from_defaults_and_rule_names_the_rule(base):
    # Rules take shared fields from their file's defaults: the rule still carries the blame.
    rule = copy.deepcopy(TEMPLATE)
    defaults = {"source": rule.pop("source"), "section": rule.pop("section")}
    rule.pop("pages")
    path = write_rule(base, rule, defaults)
    assert str(load_error(base)) == f"{path}: rule pt.a: pages: required field is missing"


def test_an_unknown_key_in_defaults(base):
    path = write_rule(base, copy.deepcopy(TEMPLATE), {"pagez": "12"})
    error = load_error(base)
    assert str(error).startswith(f"{path}: defaults: ")
    assert "unknown field 'pagez'" in str(error)


def test_a_rule_without_an_id_is_named_by_position(base):
    rule = copy.deepcopy(TEMPLATE)
    del rule["id"]
    path = write_rule(base, rule)
    assert str(load_error(base)) == f"{path}: rules[0]: id: required field is missing"


def test_malformed_yaml_names_the_line(base):
    path = base / TEST_FILE
    path.write_text("rules:\n  - id: pt.a\n    kind: course\n    primary: true: false\n    source: odg\n",
                    encoding="utf-8")
    error = load_error(base)
    assert str(error).startswith(f"{path}: line 4: malformed YAML: ")


def test_a_tab_in_the_indentation_names_the_line(base):
    path = base / TEST_FILE
    path.write_text("rules:\n  - id: pt.a\n\tkind: course\n", encoding="utf-8")
    assert str(load_error(base)).startswith(f"{path}: line 3: malformed YAML: ")


@pytest.mark.parametrize("text", ["", "\n  \n", "# only a comment\n"], ids=["empty", "blank", "comment only"])
def test_an_empty_rule_file(base, text):
    path = base / TEST_FILE
    path.write_text(text, encoding="utf-8")
    error = load_error(base)
    assert error.file == str(path)
    assert "expected a YAML rule file" in str(error)


def test_a_rule_file_with_an_empty_rule_list(base):
    path = base / TEST_FILE
    path.write_text("rules: []\n", encoding="utf-8")
    assert str(load_error(base)).startswith(f"{path}: rules: ")


def test_a_rule_file_that_is_a_list(base):
    path = base / TEST_FILE
    path.write_text("- id: pt.a\n", encoding="utf-8")
    assert str(load_error(base)) == f"{path}: (top level): expected a mapping, got list"


def test_a_rule_file_that_is_not_utf8(base):
    path = base / TEST_FILE
    path.write_bytes(b"rules:\n  - id: pt.\xff\n")
    error = load_error(base)
    assert error.file == str(path) and "UTF-8" in str(error)


def test_a_category_with_a_bad_icd10_prefix_is_named(base):
    path = base / CATEGORIES_FILE
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    category = data["conditions"][1]
    category["icd10"] = ["M5"]
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    error = load_error(base)
    assert str(error).startswith(f"{path}: conditions: category {category['id']}: icd10: ")
    assert "'M5'" in str(error)


def test_a_duplicate_category_id(base):
    path = base / CATEGORIES_FILE
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["conditions"].append({**data["conditions"][0], "label": "again"})
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    assert str(load_error(base)) == f"{path}: category {data['conditions'][0]['id']}: duplicate category id"


def test_a_source_with_an_unknown_tier(base):
    path = base / SOURCES_FILE
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    name = next(iter(data["sources"]))
    data["sources"][name]["tier"] = "blog"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    assert str(load_error(base)).startswith(f"{path}: sources.{name}.tier: ")


def test_a_missing_sources_file(base):
    (base / SOURCES_FILE).unlink()
    error = load_error(base)
    assert error.file == str(base / SOURCES_FILE) and "not found" in str(error)


def test_a_missing_rule_base_directory(tmp_path):
    error = load_error(tmp_path / "nowhere")
    assert error.file == str(tmp_path / "nowhere") and "not found" in str(error)


def test_the_environment_variable_chooses_the_rule_base(tmp_path, monkeypatch):
    monkeypatch.setenv("IMR_RULES_DIR", str(tmp_path))
    assert rules_dir() == tmp_path


# ------------------------------------------------------------------ imr-check rules


def run_cli(*args: str, rules: Path | None = None, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "IMR_RULES_DIR"}
    if rules is not None:
        env["IMR_RULES_DIR"] = str(rules)
    return subprocess.run([sys.executable, "-m", "checker", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=120)


def test_rules_check_passes_on_the_real_rule_base():
    done = run_cli("rules", "--check")
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert done.stdout.startswith(f"rule base OK: {len(REAL.rules)} rules")
    assert str(ROOT / "rules") in done.stdout


@pytest.mark.parametrize("defect, mutate, field, says", DEFECTS[:9], ids=[d[0] for d in DEFECTS[:9]])
def test_rules_check_on_a_broken_rule_base_is_one_line_and_exit_2(base, tmp_path, defect, mutate, field, says):
    rule = copy.deepcopy(TEMPLATE)
    mutate(rule)
    path = write_rule(base, rule)
    done = run_cli("rules", "--check", rules=base, cwd=tmp_path)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith(f"error: {path}: rule pt.a: {field}: ")
    assert says in lines[0]
    assert "rule base OK" not in done.stdout


def test_rules_check_on_malformed_yaml(base, tmp_path):
    path = base / TEST_FILE
    path.write_text("rules:\n  - id: [pt.a\n", encoding="utf-8")
    done = run_cli("rules", "--check", rules=base, cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and done.stderr.startswith(f"error: {path}: line ")


def test_rules_listing_and_json_fail_the_same_way_on_a_broken_base(base, tmp_path):
    write_rule(base, {k: v for k, v in TEMPLATE.items() if k != "pages"})
    for args in (["rules"], ["rules", "--json"], ["check", str(ROOT / "samples" / "requests" / "tens.yaml")]):
        done = run_cli(*args, rules=base, cwd=tmp_path)
        assert done.returncode == 2, args
        assert done.stderr.splitlines() == [f"error: {base / TEST_FILE}: rule pt.a: pages: required field is missing"]


def test_rules_json_cites_every_rule():
    done = run_cli("rules", "--json")
    assert done.returncode == 0, done.stderr
    rules = json.loads(done.stdout)
    assert [r["id"] for r in rules] == [r.id for r in REAL.rules]
    for r in rules:
        assert r["source"] in REAL.sources and r["section"] and r["pages"] and r["file"].endswith(".yaml"), r["id"]
