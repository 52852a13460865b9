"""Every rule, vocabulary and sample YAML file reads the same with PyYAML's pure-Python loader
as with libyaml's: an install without libyaml (PyYAML builds without it where no compiler
or headers exist) must load the same rule base."""
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
FILES = sorted(p for d in ("rules", "samples") for p in (ROOT / d).rglob("*.yaml"))


def test_there_are_files_to_read():
    assert len(FILES) > 50


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_pure_python_loader_reads_what_libyaml_reads(path):
    text = path.read_text(encoding="utf-8")
    try:
        pure = yaml.load(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as e:
        pytest.fail(f"{path.relative_to(ROOT)}: the pure-Python YAML loader cannot read it: {e}")
    if getattr(yaml, "CSafeLoader", None) is not None:
        assert yaml.load(text, Loader=yaml.CSafeLoader) == pure
