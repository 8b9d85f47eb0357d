"""Child processes the benchmarks and the server tests start and measure: a real `chroma run`, a CLI command's
wall time and peak RSS, a free loopback port, a percentile. One copy for bench/ and tests/."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path


def stop(proc: subprocess.Popen, timeout: float = 20) -> None:
    """Terminate a child server, then kill it if it does not go."""
    proc.terminate()
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=timeout)


def free_port() -> int:
    """A loopback port nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def executable(name: str) -> str:
    """A console script of this environment (`chroma`, `whosejob`), else the one on PATH."""
    here = Path(sys.executable).parent / name
    return str(here) if here.exists() else (shutil.which(name) or name)


@contextlib.contextmanager
def chroma_server(path: Path, timeout: float = 60.0):
    """A real `chroma run --path <path>` on a free loopback port; yields (url, pid), stopped on exit."""
    port = free_port()
    log = open(path.parent / f"{path.name}.log", "wb")  # noqa: SIM115 - closed in the finally below
    proc = subprocess.Popen(
        [executable("chroma"), "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        import httpx

        deadline = time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"chroma run exited with {proc.returncode}; see {log.name}")
            try:
                if httpx.get(url + "/api/v2/heartbeat", timeout=1.0).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"chroma run did not answer on {url} within {timeout:.0f}s")
            time.sleep(0.2)
        yield url, proc.pid
    finally:
        stop(proc)
        log.close()


def measured_child(cmd: list[str], env: dict | None = None, timeout: float = 7200) -> tuple[float, int, str, int]:
    """(wall seconds, peak RSS in MB, stdout, exit code) of one child, its RSS from wait4's rusage."""
    import tempfile
    import threading

    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, stdin=subprocess.DEVNULL, env=env)
        watchdog = threading.Timer(timeout, proc.kill)
        watchdog.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            watchdog.cancel()
        wall = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(errors="replace"), err.read().decode(errors="replace")
    if proc.returncode:
        sys.stderr.write(stderr[-2000:])
    return wall, round(usage.ru_maxrss / 1024), stdout, proc.returncode


def vm_mb(pid: int, field: str) -> int:
    """A memory field of a running process (VmHWM: its peak RSS so far), in MB; 0 when it is not there."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) // 1024
    return 0


def du_mb(*paths: Path) -> float:
    """Size on disk of files and folders, in MB."""
    total = 0
    for p in paths:
        if p.is_file():
            total += p.stat().st_size
        elif p.is_dir():
            total += sum(f.stat().st_size for f in p.rglob("*") if f.is_file())
    return round(total / 2**20, 1)


def percentile(values: list[float], q: float) -> float:
    """The q-th quantile (0..1) by nearest rank; 0.0 for no values."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))] if ordered else 0.0
