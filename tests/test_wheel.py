"""The built wheel works on its own: installed away from the source tree, it finds its rule
base inside the package and checks a request with cited findings.

The wheel is installed with `pip install --no-deps --target` into a temporary directory and
run with that directory first on PYTHONPATH, from a working directory outside the repository,
so neither the source tree nor the editable install (a .pth entry pointing at the repository)
can supply `checker`: the test asserts where it was imported from.
"""
from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "requests" / "pt_new_injury_certify.yaml"


def run(command: list[str], **kwargs) -> subprocess.CompletedProcess:
    done = subprocess.run(command, capture_output=True, text=True, timeout=600, **kwargs)
    assert done.returncode == 0, f"{' '.join(command)}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    command = [sys.executable, "-m", "build", "--wheel", "--outdir", str(out)]
    if importlib.util.find_spec("hatchling"):  # the build backend is here: no isolated environment needed
        command.append("--no-isolation")
    run([*command, str(ROOT)], cwd=ROOT)
    (built,) = out.glob("imr_checker-*.whl")
    return built


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("site")
    run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-compile", "--target", str(target),
         str(wheel)])
    return target


@pytest.fixture
def isolated(installed, tmp_path):
    """Environment and working directory for running the installed copy only."""
    env = {k: v for k, v in os.environ.items() if k not in ("IMR_RULES_DIR", "PYTHONPATH", "PYTHONSAFEPATH")}
    env["PYTHONPATH"] = str(installed)
    work = tmp_path / "elsewhere"
    work.mkdir()
    shutil.copy(SAMPLE, work / SAMPLE.name)
    return env, work


def test_the_wheel_carries_the_rule_base_and_no_tests(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    rule_files = {p.relative_to(ROOT / "rules").as_posix() for p in (ROOT / "rules").rglob("*.yaml")}  # with vocab/
    assert {n.removeprefix("checker/_rules/") for n in names if n.startswith("checker/_rules/")} == rule_files
    assert {"checker/__init__.py", "checker/__main__.py", "checker/cli.py"} <= names
    assert not any(n.startswith(("tests/", "samples/", "bench/")) for n in names)
    entry_points = next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
    assert "imr-check = checker.cli:main" in zipfile.ZipFile(wheel).read(entry_points).decode()


CHECK = """
import json, sys
import checker
from checker.check import Checker
from checker.kb.load import rules_dir
from checker.request.load import load_request
results = Checker().check(load_request(sys.argv[1]))
print(json.dumps({
    "checker": checker.__file__,
    "rules": str(rules_dir()),
    "sys_path_has_repo": any(p.rstrip("/") == sys.argv[2] for p in sys.path),
    "items": [r.model_dump(mode="json") for r in results],
}))
"""


def test_the_installed_wheel_checks_a_request_with_its_own_rule_base(installed, isolated):
    env, work = isolated
    done = run([sys.executable, "-c", CHECK, SAMPLE.name, str(ROOT)], cwd=work, env=env)
    report = json.loads(done.stdout)
    assert Path(report["checker"]).resolve().is_relative_to(installed.resolve())
    assert Path(report["rules"]).resolve() == (installed / "checker" / "_rules").resolve()
    items = report["items"]
    assert len(items) == 2
    for item in items:
        assert item["decision"] in ("certify", "non-certify")
        assert item["findings"]
        for finding in item["findings"]:
            assert all(finding["citation"][k] for k in ("source", "section", "pages"))


def test_the_source_tree_on_sys_path_does_not_shadow_the_wheel(installed, isolated):
    # The editable install puts the repository on sys.path through a .pth file; here it is
    # put there explicitly, after the wheel's directory, so the test does not depend on how
    # the test environment was installed. The wheel's copy, and its rules, must still win.
    env, work = isolated
    env = {**env, "PYTHONPATH": os.pathsep.join([str(installed), str(ROOT)])}
    done = run([sys.executable, "-c", CHECK, SAMPLE.name, str(ROOT)], cwd=work, env=env)
    report = json.loads(done.stdout)
    assert report["sys_path_has_repo"]
    assert Path(report["checker"]).resolve().is_relative_to(installed.resolve())
    assert not Path(report["rules"]).resolve().is_relative_to(ROOT)


def test_the_installed_command_line_runs_from_the_wheel(installed, isolated):
    env, work = isolated
    done = run([sys.executable, "-m", "checker", "check", SAMPLE.name, "--json"], cwd=work, env=env)
    items = json.loads(done.stdout)["items"]
    assert [i["file"] for i in items] == [SAMPLE.name, SAMPLE.name]
    assert all(i["findings"] and i["findings"][0]["citation"]["pages"] for i in items)
    rules = run([sys.executable, "-m", "checker", "rules", "--check"], cwd=work, env=env)
    assert str(installed / "checker" / "_rules") in rules.stdout
