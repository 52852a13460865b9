"""PDFs read in a child process whose memory and CPU time are bounded.

pdfium inflates a PDF's streams in memory: a 4 MB file can hold a page that inflates to
4 GB, and nothing in the file's size bounds the work its content can ask for. So pdf.py
runs in a child process, one per process that reads PDFs, started on the first PDF (a
fresh interpreter: start-up ~0.1 s, no fork of a threaded parent) and reused for the next:
  1. The child's address space is limited to MAX_MEMORY (RLIMIT_AS), and each PDF to
     MAX_CPU_SECONDS of CPU time (ITIMER_PROF, whose signal ends the child); its answer to
     at most pdf.MAX_TEXT characters.
  2. A PDF that ends the child (out of memory or time, or a crash in pdfium) is a PdfProblem
     saying so; the next PDF starts a new child. The parent waits at most MAX_WAIT_SECONDS
     of wall-clock time for an answer (a child that stopped without using CPU).
  3. The child dies with its parent: PR_SET_PDEATHSIG on Linux, and end of input on its pipe
     everywhere, so a killed run leaves no reader behind. A forked process (a compare
     worker) starts a child of its own rather than share its parent's.
Protocol on the child's stdin/stdout: a request is an 8-byte big-endian length and the PDF's
bytes; an answer is a length and b"T" + UTF-8 text, or b"P" + a PdfProblem's message.
"""
from __future__ import annotations

import os
import select
import signal
import struct
import subprocess
import sys
import threading
import time
from typing import IO, Optional

from checker.letters.pdf import MAX_TEXT, PdfProblem, pdf_text

MAX_MEMORY = 256 * 2**20  # bytes of address space; reading the 66 real PDF letters peaks at 29 MB
MAX_CPU_SECONDS = 20  # per PDF; a real letter takes about 10 ms
MAX_WAIT_SECONDS = 120  # wall clock per PDF, for a child that stopped without using its CPU time
_LENGTH = struct.Struct(">Q")
PR_SET_PDEATHSIG = 1


def die_with_parent(sig: int = signal.SIGKILL) -> None:
    """On Linux, have the kernel send `sig` to this process when its parent dies; if the
    parent died before the request (getppid changed to a reaper), exit now."""
    if not sys.platform.startswith("linux"):
        return
    parent = os.getppid()
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, sig, 0, 0, 0)
    except (OSError, AttributeError):  # no prctl: end of input still ends the child
        return
    if os.getppid() != parent or parent == 1:
        os._exit(1)


class _Sandbox:
    """One child process serving PDF reads for this process."""

    def __init__(self) -> None:
        self.owner = os.getpid()
        self.memory, self.cpu_seconds = MAX_MEMORY, MAX_CPU_SECONDS
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "checker.letters.pdf_sandbox", "--serve", str(os.getpid()), str(MAX_MEMORY),
             str(MAX_CPU_SECONDS)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, close_fds=True,
            env={**os.environ, "PYTHONPATH": _package_path()},
        )

    def read(self, data: bytes) -> str:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        try:
            self.proc.stdin.write(_LENGTH.pack(len(data)) + data)
            self.proc.stdin.flush()
            reply = _read_reply(self.proc.stdout, time.monotonic() + MAX_WAIT_SECONDS)
        except (OSError, EOFError, TimeoutError) as e:
            raise PdfProblem(self._why_it_ended(e)) from None
        if reply[:1] == b"T":
            return reply[1:].decode("utf-8")
        raise PdfProblem(reply[1:].decode("utf-8", "replace"))

    def _why_it_ended(self, error: Exception) -> str:
        timed_out = isinstance(error, TimeoutError)
        self.close(kill=True)
        code = self.proc.returncode
        if timed_out or code == -signal.SIGPROF:
            limit = f"{self.cpu_seconds:g} s of CPU time" if not timed_out else f"{MAX_WAIT_SECONDS} s"
            return f"PDF not read: it needs more than {limit} (a decompression or content bomb?); expected an IMR letter"
        if code in (-signal.SIGABRT, -signal.SIGSEGV, 3):  # 3: MemoryError in the child
            return (f"PDF not read: it needs more than {self.memory // 2**20} MB of memory, or crashed the PDF "
                    "library (a decompression bomb?); expected an IMR letter")
        return f"PDF not read: the PDF reader ended (exit status {code}); expected an IMR letter"

    def close(self, kill: bool = False) -> None:
        if self.proc.poll() is None:
            if kill:
                self.proc.kill()
            else:
                try:
                    self.proc.stdin.close()  # end of input: the child exits
                except OSError:
                    pass
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        for pipe in (self.proc.stdin, self.proc.stdout):
            try:
                pipe.close()
            except OSError:
                pass


def _read_reply(stream: IO[bytes], deadline: float) -> bytes:
    fd = stream.fileno()
    head = _read_exactly(fd, _LENGTH.size, deadline)
    (length,) = _LENGTH.unpack(head)
    if length > 4 * MAX_TEXT + 1:
        raise EOFError("answer too long")
    return _read_exactly(fd, length, deadline)


def _read_exactly(fd: int, n: int, deadline: float) -> bytes:
    chunks, got = [], 0
    while got < n:
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([fd], [], [], left)[0]:
            raise TimeoutError
        chunk = os.read(fd, min(n - got, 1 << 20))
        if not chunk:
            raise EOFError
        chunks.append(chunk)
        got += len(chunk)
    return b"".join(chunks)


def _package_path() -> str:
    """Where `checker` is imported from, so the child finds the same package."""
    here = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    extra = os.environ.get("PYTHONPATH")
    return here + (os.pathsep + extra if extra else "")


_sandbox: Optional[_Sandbox] = None
_lock = threading.Lock()


def read_pdf(data: bytes) -> str:
    """The text of a PDF (pdf.pdf_text), read in this process's sandbox child."""
    global _sandbox
    with _lock:
        if _sandbox is None or _sandbox.owner != os.getpid() or _sandbox.proc.poll() is not None:
            _sandbox = _Sandbox()
            _close_at_exit()
        try:
            return _sandbox.read(data)
        except PdfProblem:
            if _sandbox.proc.poll() is not None:
                _sandbox = None  # ended: the next PDF starts another
            raise


def close() -> None:
    """End this process's sandbox child (it also ends with the process)."""
    global _sandbox
    with _lock:
        if _sandbox is not None and _sandbox.owner == os.getpid():
            _sandbox.close()
        _sandbox = None


_exit_hooked: set[int] = set()


def _close_at_exit() -> None:
    """Wait for the child when this process ends, so its CPU time is counted as this process's
    (getrusage) and no reader outlives the run. A multiprocessing worker ends through
    multiprocessing's finalizers, not atexit."""
    if os.getpid() in _exit_hooked:
        return
    _exit_hooked.add(os.getpid())
    import atexit

    atexit.register(close)
    mp_util = sys.modules.get("multiprocessing.util")
    if mp_util is not None:
        mp_util.Finalize(None, close, exitpriority=10)


def _forget_in_child() -> None:
    """A forked process gets its own sandbox; the inherited pipes are its parent's."""
    global _sandbox
    if _sandbox is not None:
        for pipe in (_sandbox.proc.stdin, _sandbox.proc.stdout):
            try:
                os.close(pipe.fileno())
            except (OSError, ValueError):
                pass
    _sandbox = None


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_in_child)


# ------------------------------------------------------------------ the child


def _serve(parent: int, memory: int, cpu_seconds: float) -> int:
    die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the parent, which ends this child
    if os.getppid() != parent:
        return 1
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    except (ImportError, ValueError, OSError):
        pass
    source, sink = sys.stdin.buffer, sys.stdout.buffer
    while True:
        head = source.read(_LENGTH.size)
        if len(head) < _LENGTH.size:
            return 0  # the parent closed the pipe, or died
        (length,) = _LENGTH.unpack(head)
        data = source.read(length)
        signal.setitimer(signal.ITIMER_PROF, cpu_seconds)
        try:
            text = pdf_text(data)
            if len(text) > MAX_TEXT:
                raise PdfProblem(f"PDF text of {len(text):,} characters; the limit is {MAX_TEXT:,} for an IMR letter")
            reply = b"T" + text.encode("utf-8", "replace")
        except PdfProblem as problem:
            reply = b"P" + str(problem).encode("utf-8", "replace")
        except MemoryError:
            os._exit(3)
        finally:
            signal.setitimer(signal.ITIMER_PROF, 0)
        del data
        sink.write(_LENGTH.pack(len(reply)) + reply)
        sink.flush()


if __name__ == "__main__" and sys.argv[1:2] == ["--serve"]:
    sys.exit(_serve(int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])))
