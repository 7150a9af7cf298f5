"""A sweep's local Ray cluster ends with the sweep, even when the sweep is killed with SIGKILL
(`harness.sweeps.ray_watchdog`); the watchdog ends only the processes it was given.
"""

import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil
import pytest
from test_parallel_sweep import experiment

from harness.sweeps.ray_watchdog import descendants, end, started

linux = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="/proc (Linux)")


@linux
def test_end_stops_the_named_processes_and_leaves_a_reused_pid_alone():
    a, b = (subprocess.Popen(["sleep", "300"]) for _ in range(2))
    try:
        assert {a.pid, b.pid} <= set(descendants(os.getpid()))
        end([f"{a.pid}:{started(a.pid)}", f"{b.pid}:{int(started(b.pid)) + 1}"])
        assert a.wait(timeout=10) == -signal.SIGTERM
        assert b.poll() is None  # same pid, other start time: another process
    finally:
        for p in (a, b):
            p.kill()
            p.wait()


def titles(procs: list[psutil.Process]) -> set[str]:
    """The first word of each process's command line (Ray titles its workers `ray::...`)."""
    found = set()
    for proc in procs:
        try:
            found.add((proc.cmdline() or [""])[0])
        except psutil.Error:  # gone
            pass
    return found


def ray_processes_below(pids: list[int]) -> list[psutil.Process]:
    found = []
    for pid in pids:
        try:
            proc = psutil.Process(pid)
            if proc.status() != psutil.STATUS_ZOMBIE and "ray" in " ".join(proc.cmdline()):
                found.append(proc)
        except psutil.Error:  # gone
            pass
    return found


@linux
@pytest.mark.slow
def test_a_killed_sweep_takes_its_local_ray_cluster_down_with_it(tmp_path):
    path = experiment(tmp_path, epochs=500)
    ray_tmp = tempfile.mkdtemp(prefix="raywd", dir="/tmp")  # this test's own Ray sessions
    env = {k: v for k, v in os.environ.items() if not k.startswith("RAY_")} | {
        "RAY_TMPDIR": ray_tmp}
    sweep = subprocess.Popen([sys.executable, "-m", "harness", "sweep", path, "--out",
                              tmp_path / "out", "--executor", "ray"],
                             env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    below = []
    try:
        deadline = time.time() + 400  # a loaded machine starts Ray slowly
        while time.time() < deadline and sweep.poll() is None:
            below = psutil.Process(sweep.pid).children(recursive=True)
            if any(n.startswith("ray::Trainer") for n in titles(below)):
                break
            time.sleep(1)
        names = titles(below)
        assert any(n.startswith("ray::Trainer") for n in names), names
        assert "ray::DashboardAgent" in names or "ray::RuntimeEnvAgent" in names, names
        os.kill(sweep.pid, signal.SIGKILL)
        sweep.wait()
        pids = [p.pid for p in below]
        deadline = time.time() + 20  # Ray alone leaves its agents for 60-80 s
        while ray_processes_below(pids) and time.time() < deadline:
            time.sleep(1)
        assert not ray_processes_below(pids), [p.cmdline()[:1] for p in ray_processes_below(pids)]
    finally:
        sweep.kill()
        for proc in ray_processes_below([p.pid for p in below]):
            proc.kill()
