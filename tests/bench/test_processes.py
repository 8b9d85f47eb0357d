"""bench/processes.py: the child processes the benchmarks and server tests measure, run for real."""

from __future__ import annotations

import os
import socket
import subprocess
import sys

from bench.processes import du_mb, executable, free_port, measured_child, percentile, stop, vm_mb


def test_percentile_is_the_nearest_rank_and_zero_for_nothing():
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 0.5) == 51.0  # rank round(0.5 * 99) = 50 of 0..99
    assert percentile(values, 0.95) == 95.0
    assert percentile(list(reversed(values)), 1.0) == 100.0
    assert percentile([], 0.95) == 0.0


def test_measured_child_reports_its_output_exit_code_and_peak_memory():
    code = "b = bytearray(200 * 2**20); b[::4096] = b'x' * len(b[::4096]); print('done')"
    wall, rss_mb, out, rc = measured_child([sys.executable, "-c", code])
    assert (out.strip(), rc) == ("done", 0)
    assert rss_mb >= 200  # the 200 MB it touched
    assert wall > 0
    _, _, _, rc = measured_child([sys.executable, "-c", "raise SystemExit(3)"])
    assert rc == 3


def test_free_port_can_be_bound_and_stop_ends_a_running_child():
    port = free_port()
    with socket.socket() as s:
        s.bind(("127.0.0.1", port))
    proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    assert vm_mb(proc.pid, "VmRSS") >= 0
    stop(proc, timeout=5)
    assert proc.returncode is not None


def test_du_mb_counts_files_and_folders(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "x.bin").write_bytes(os.urandom(3 * 2**20))
    (tmp_path / "y.bin").write_bytes(b"\0" * 2**20)
    assert du_mb(tmp_path / "a", tmp_path / "y.bin") == 4.0
    assert du_mb(tmp_path / "missing") == 0.0


def test_executable_prefers_this_environments_script():
    assert executable(os.path.basename(sys.executable)) == sys.executable
    assert executable("no-such-tool-here") == "no-such-tool-here"
