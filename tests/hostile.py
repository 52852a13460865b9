"""Running imr-check as a user would, on hostile input, with its memory bounded.

Each run is a fresh process whose address space is limited (RLIMIT_AS) to MEMORY_LIMIT: a
command that tried to expand an alias bomb, read /dev/zero or inflate a PDF stream would
die (MemoryError, SIGABRT) instead of answering with one line. The timeout only keeps a
hanging command (a named pipe) from hanging the suite; speed goals live in bench/.
"""
from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MEMORY_LIMIT = 400 * 2**20  # imr-check compares the sample PDFs in under 300 MB of address space
HANG = 120  # seconds: far beyond any bounded run, short of a hang


def command() -> list[str]:
    script = Path(sys.executable).with_name("imr-check")
    return [str(script)] if script.exists() else [sys.executable, "-m", "checker"]


def _limit(memory: int):
    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    return apply


def run(*args, memory: int = MEMORY_LIMIT, stdout=subprocess.PIPE, cwd: Path = ROOT, timeout: int = HANG,
        **env) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if k != "IMR_RULES_DIR"}
    environ.update({"COLUMNS": "120", **env})
    return subprocess.run([*command(), *map(str, args)], cwd=cwd, env=environ, stdout=stdout,
                          stderr=subprocess.PIPE, text=True, timeout=timeout, preexec_fn=_limit(memory))


def error_lines(done: subprocess.CompletedProcess) -> list[str]:
    """stderr as lines, after asserting it holds no traceback and that every line is an error line."""
    assert "Traceback" not in done.stderr and "Traceback" not in (done.stdout or ""), done.stderr[-2000:]
    lines = done.stderr.splitlines()
    assert all(line.startswith(("error: ", "warning: ", "resuming: ")) for line in lines), done.stderr[-2000:]
    return lines


def assert_one_error(done: subprocess.CompletedProcess, name: str | Path, says: str) -> str:
    """Exit 2 and exactly one error line for `name`, saying `says`; returns the line."""
    assert done.returncode == 2, (done.returncode, done.stderr[-2000:])
    mine = [line for line in error_lines(done) if line.startswith(f"error: {name}: ")]
    assert len(mine) == 1, done.stderr
    assert says in mine[0], mine[0]
    return mine[0]
