"""Rule packs: `--rules DIR` (repeatable) and $IMR_RULE_PACKS add rule files to the bundled base.

A pack rule with a bundled rule's id and edition replaces it, and every finding names the pack it
came from; the same id with another edition, a broken rule or an unknown reference is one error
line naming the file, the rule and the field, with exit status 2. The example pack in samples/ is
what the README's guide walks through.
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml

from checker.check import Checker
from checker.errors import InputError
from checker.kb.load import load_kb
from checker.request.model import TreatmentRequest
from tests.test_check_cli import imr_check

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "samples" / "rule_pack"
BUNDLED = load_kb()
REQUEST = {
    "request_date": "2019-03-01",
    "patient": {"injury_date": "2018-10-01", "diagnoses": ["low back pain"]},
    "history": {"prior_treatment": {"acupuncture": 6}, "medication_reduced_or_not_tolerated": "yes"},
    "items": ["Acupuncture x 6 for the low back"],
}


def write_pack(tmp_path: Path, name: str, rules: list[dict], **files) -> Path:
    pack = tmp_path / name
    pack.mkdir()
    (pack / "_pack.yaml").write_text(yaml.safe_dump({"name": name}))
    (pack / "rules.yaml").write_text(yaml.safe_dump({"rules": rules}, sort_keys=False))
    for file, data in files.items():
        (pack / file).write_text(yaml.safe_dump(data, sort_keys=False))
    return pack


def bundled_rule(rule_id: str) -> dict:
    return BUNDLED.rule(rule_id).model_dump(mode="json", by_alias=True, exclude_none=True)


def test_the_example_pack_replaces_one_rule_adds_another_and_findings_name_it():
    kb = load_kb(packs=[EXAMPLE])
    assert len(kb.rules) == len(BUNDLED.rules) + 1
    assert kb.rule_packs == {"acoem.low_back.acupuncture": "example-pack",
                             "example.acoem.low_back.acupuncture.continuation": "example-pack"}
    assert kb.rule("acoem.low_back.acupuncture").confidence.level == "confirmed"
    assert BUNDLED.rule("acoem.low_back.acupuncture").confidence.level == "unconfirmed"
    (result,) = Checker(kb).check(TreatmentRequest.model_validate(REQUEST))
    packed = {f.rule: f.pack for f in result.findings if f.pack}
    assert packed == {"acoem.low_back.acupuncture": "example-pack",
                      "example.acoem.low_back.acupuncture.continuation": "example-pack"}
    assert all(f.pack is None for f in result.findings if f.rule not in packed)


def test_packs_come_from_the_command_line_and_the_environment(tmp_path):
    request = tmp_path / "r.yaml"
    request.write_text(yaml.safe_dump(REQUEST))
    for args, env in (((("--rules", EXAMPLE)), {}), ((), {"IMR_RULE_PACKS": str(EXAMPLE)})):
        run = imr_check("check", *args, request, "--json", **env)
        assert run.returncode == 0, run.stderr
        (item,) = json.loads(run.stdout)["items"]
        assert {f["pack"] for f in item["findings"]} == {None, "example-pack"}
    plain = json.loads(imr_check("check", request, "--json").stdout)["items"][0]
    assert {f["pack"] for f in plain["findings"]} == {None}


def test_a_pack_adds_a_new_rule_of_its_own(tmp_path):
    rule = bundled_rule("odg.massage.course") | {"id": "org.massage.course", "parameters": {"visits": 3}}
    kb = load_kb(packs=[write_pack(tmp_path, "org", [rule])])
    assert kb.rule("org.massage.course").parameters.visits.max == 3
    assert kb.rule("odg.massage.course").parameters.visits.max == 6
    assert kb.rule_packs == {"org.massage.course": "org"}


def test_same_id_another_edition_is_refused(tmp_path):
    rule = bundled_rule("odg.massage.course") | {"effective": {"from": "2020-01-01"}}
    with pytest.raises(InputError) as e:
        load_kb(packs=[write_pack(tmp_path, "org", [rule])])
    assert "rule odg.massage.course: effective" in str(e.value) and "same edition" in str(e.value)


def test_two_packs_may_not_both_define_a_rule(tmp_path):
    rule = bundled_rule("odg.massage.course") | {"id": "org.x"}
    a, b = write_pack(tmp_path, "a", [rule]), write_pack(tmp_path, "b", [rule])
    with pytest.raises(InputError, match="duplicate rule id"):
        load_kb(packs=[a, b])


@pytest.mark.parametrize("change, field", [
    ({"pages": None}, "pages"),
    ({"kind": "courses"}, "kind"),
    ({"source": "acoem_secret"}, "source"),
    ({"unknown_key": 1}, "unknown_key"),
    ({"applies_to": {"conditions": ["no_such_category"]}}, "applies_to.conditions"),
    ({"applies_to": {"item": {"colour": ["red"]}}}, "applies_to.item.colour"),
])
def test_a_broken_pack_is_one_error_line_naming_file_rule_and_field(tmp_path, change, field):
    rule = bundled_rule("odg.massage.course") | {"id": "org.broken"} | change
    rule = {k: v for k, v in rule.items() if v is not None}
    pack = write_pack(tmp_path, "org", [rule])
    request = tmp_path / "r.yaml"
    request.write_text(yaml.safe_dump(REQUEST))
    run = imr_check("check", "--rules", pack, request)
    assert run.returncode == 2
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in run.stderr
    assert str(pack / "rules.yaml") in lines[0] and "rule org.broken" in lines[0] and field in lines[0]


def test_a_pack_that_is_not_a_directory_is_one_error_line(tmp_path):
    run = imr_check("rules", "--check", "--rules", tmp_path / "nowhere")
    assert run.returncode == 2 and len(run.stderr.strip().splitlines()) == 1
    assert "rule pack directory not found" in run.stderr


def test_a_pack_may_add_sources_but_not_redefine_bundled_ones(tmp_path):
    src = {"sources": {"org_guideline": {"title": "Org guideline", "tier": "other",
                                         "editions": [{"label": "2024", "from": "2024-01-01"}]}}}
    rule = bundled_rule("odg.massage.course") | {"id": "org.x", "source": "org_guideline",
                                                 "effective": {"from": "2024-01-01"}}
    kb = load_kb(packs=[write_pack(tmp_path, "org", [rule], **{"_sources.yaml": src})])
    assert kb.sources["org_guideline"].title == "Org guideline"
    clash = {"sources": {"odg": src["sources"]["org_guideline"]}}
    shutil.rmtree(tmp_path / "org")
    with pytest.raises(InputError, match="already defined by the rule base"):
        load_kb(packs=[write_pack(tmp_path, "org", [rule], **{"_sources.yaml": clash})])


def test_rules_schema_is_json_schema_that_describes_every_rule_field():
    run = imr_check("rules", "--schema")
    assert run.returncode == 0
    schema = json.loads(run.stdout)
    assert schema["$schema"].startswith("https://json-schema.org/")
    rule = schema["$defs"]["Rule"]
    assert {"id", "kind", "source", "section", "pages", "effective", "family", "criteria", "require",
            "confidence"} <= set(rule["properties"])
    assert set(rule["required"]) >= {"id", "kind", "source", "section", "pages", "family", "rationale"}
    assert "required" not in schema["$defs"]["RuleEntry"]  # in a file, defaults may supply them
