"""`harness sweep --executor ray` on a local Ray cluster with 2 CPUs: the same run folders as a
sequential sweep, and a killed worker's run retried.
"""

import os
import signal
import subprocess
import sys
import threading
import time

import psutil
import pytest
import ray  # the `ray` extra; `.[test]` installs it, so CI runs these tests
from test_parallel_sweep import experiment, same_runs

from harness.sweeps.execute import run_sweep

# A local Ray cluster, and a fresh interpreter without Ray.
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def cluster():
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, configure_logging=False)
    yield
    ray.shutdown()


@pytest.fixture(scope="module")
def sequential(tmp_path_factory):
    folder = tmp_path_factory.mktemp("sequential")
    path = experiment(folder, epochs=30)
    run_sweep(path, out=folder / "out", log=None)
    return path, folder / "out"


def task_processes() -> list[psutil.Process]:
    """Ray workers training a run now (Ray titles a busy actor `ray::<class>.<method>`)."""
    found = []
    for proc in psutil.process_iter(["cmdline"]):
        cmdline = proc.info["cmdline"] or []
        if cmdline and cmdline[0].startswith("ray::Trainer.train"):
            found.append(proc)
    return found


def test_ray_sweep_matches_sequential_and_survives_a_killed_worker(
        cluster, sequential, tmp_path):
    path, reference = sequential
    out = tmp_path / "out"
    result = {}
    thread = threading.Thread(target=lambda: result.update(
        sweep=run_sweep(path, out=out, log=None, executor="ray")))
    thread.start()
    killed, deadline = None, time.time() + 300
    while killed is None and time.time() < deadline and thread.is_alive():
        busy = task_processes()
        if busy:
            time.sleep(0.5)  # mid-run
            killed = busy[0].pid
            os.kill(killed, signal.SIGKILL)
        time.sleep(0.05)
    thread.join(timeout=600)
    assert killed is not None, "no Ray task was seen running"
    sweep = result["sweep"]
    assert sweep.trained == 4 and sweep.failed.empty, sweep.runs[["status", "error"]]
    same_runs(reference, out)  # the retried run too
    # Resuming is the one scheduling loop's (harness.sweeps.schedule), whichever executor trains:
    # test_sweep and test_parallel_sweep resume sweeps.


def test_without_ray_the_executor_is_one_line_saying_how_to_install(tmp_path):
    path = experiment(tmp_path)
    code = ("import sys; sys.modules['ray'] = None\n"  # as if Ray were not installed
            "from harness.cli.main import main\n"
            f"main(['sweep', {str(path)!r}, '--out', {str(tmp_path / 'out')!r}, "
            "'--executor', 'ray'])")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 2
    assert proc.stderr.strip() == ("error: --executor ray: Ray is not installed; install the extra "
                                   "with `pip install -e \".[ray]\"` (or `pip install "
                                   "'ray>=2.40'`)")
    assert not (tmp_path / "out").exists()


def test_under_a_small_address_space_limit_ray_is_one_line_saying_what_to_raise(tmp_path):
    """`ulimit -v 6000000`: a local Ray cluster cannot map its object store; one `error:` line
    at once instead of Ray's startup timeout and traceback (issue 19, case 11)."""
    import resource

    path = experiment(tmp_path)
    limit = 6_000_000 * 1024  # `ulimit -v 6000000`, in bytes
    proc = subprocess.run(
        [sys.executable, "-m", "harness", "sweep", str(path), "--out", str(tmp_path / "out"),
         "--executor", "ray"], capture_output=True, text=True, timeout=120,
        preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_AS, (limit, limit)))
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.startswith("error: --executor ray: the address-space limit (`ulimit -v`: "
                                  "6000000 kB) is below what a local Ray cluster maps")
    assert "raise it to at least" in proc.stderr and "\n" not in proc.stderr.strip()
    assert not (tmp_path / "out").exists()
