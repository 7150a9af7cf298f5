"""Every way a process is stopped is handled like Ctrl-C.

SIGTERM and SIGHUP at random moments mark the run `interrupted` with `history.csv` and
`layers.csv` covering the same epochs; a sweep stopped so writes its tables; a closed stdout does
not stop training; Ctrl-C inside one long epoch stops within seconds; splitting an epoch into
several compiled calls changes no number. CLI runs are subprocesses under a memory and time limit.
"""

import json
import random
import signal
import subprocess
import sys
import time

import pandas as pd
import pytest
import yaml
from commands import rows, start, wait_for
from limits import limited, time_limit  # noqa: F401 - time_limit is a fixture
from test_robustness_folders import experiment
from tiny import TINY

from harness.rundir.read import read_table
from harness.rundir.run import is_finished, load_run

pytestmark = pytest.mark.usefixtures("time_limit")


def check_stopped_run(run_dir, code: int, signum: int) -> str:
    """The folder of a run stopped by `signum` (or finished first) tells the truth."""
    summary = json.loads((run_dir / "summary.json").read_text())
    run = load_run(run_dir)
    history = pd.read_csv(run_dir / "history.csv")
    layers = pd.read_csv(run_dir / "layers.csv")
    assert list(history.epoch) == list(range(1, len(history) + 1))
    assert set(layers.epoch) == set(range(0, len(history) + 1))  # the same epochs, both files
    logged = set(read_table(run_dir / "histograms.csv").epoch)
    assert 0 in logged and logged <= set(layers.epoch)  # no histogram of an unrecorded epoch
    assert summary["epochs_run"] == len(history)
    if summary["status"] == "completed":
        # Finished first; a signal that lands while the report is drawn (after the status was
        # settled) ends the process with its own code, and one that lands while the interpreter
        # exits (the default handler is back) kills it: either way the summary stays true.
        assert code in (0, 128 + signum, -signum) and is_finished(run_dir)
    else:
        assert summary["status"] == "interrupted" and run.status == "interrupted"
        assert code == 128 + signum and not is_finished(run_dir)
    return summary["status"]


@pytest.mark.slow
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP])
def test_sigterm_and_sighup_at_random_moments_stop_like_ctrl_c(tmp_path, signum):
    rng = random.Random(20261130 + signum)
    config = {**TINY, "train": {"epochs": 400, "batch_size": 4}}  # ~66 epochs per chunk
    # One run per signal: from its first written epoch, a random delay, then the signal.
    (tmp_path / "c.yaml").write_text(yaml.safe_dump(config))
    out = tmp_path / "out"
    proc = start("run", "c.yaml", "--out", "out", "--verbose", "0", cwd=tmp_path)
    try:
        wait_for(lambda: rows(out / "history.csv") >= 1, timeout=180)
        time.sleep(rng.uniform(0.0, 2.0))
        proc.send_signal(signum)
        _, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert "Traceback" not in err, err
    assert check_stopped_run(out, proc.returncode, signum) == "interrupted"


@pytest.mark.slow
def test_sigterm_stops_a_sweep_like_ctrl_c_and_writes_its_tables(tmp_path):
    path, out = experiment(tmp_path, ("relu", "tanh", "sigmoid")), tmp_path / "out"
    path.write_text(path.read_text().replace("train.epochs: 2", "train.epochs: 300"))
    proc = start("sweep", path, "--out", out, cwd=tmp_path)
    try:
        wait_for(lambda: any(rows(p) >= 1 for p in out.glob("*/history.csv")), timeout=180)
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 128 + signal.SIGTERM, err
    assert "Traceback" not in err and "interrupted (SIGTERM)" in err
    runs = pd.read_csv(out / "runs.csv", keep_default_na=False)
    assert "interrupted" in set(runs.status) and set(runs.status) <= {"completed", "interrupted",
                                                                      "not run"}
    assert "not run" in set(runs.status)  # the last run was never started: not `failed`
    assert (runs.error == "").all()


@pytest.mark.slow
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP])
def test_a_signal_stops_a_parallel_sweep_like_ctrl_c(tmp_path, signum):
    """`--jobs 2`: both runs in progress are interrupted with consistent files, the rest are
    `not run`, and the exit code is the signal's, as for `harness run`."""
    path, out = experiment(tmp_path, ("relu", "tanh")), tmp_path / "out"
    path.write_text(path.read_text().replace("train.epochs: 2", "train.epochs: 100000")
                    .replace("grid:", "seeds: [0, 1]\ngrid:"))
    proc = start("sweep", path, "--out", out, "--jobs", "2", cwd=tmp_path)
    try:
        wait_for(lambda: sum(rows(p) >= 1 for p in out.glob("*/history.csv")) == 2, timeout=240)
        proc.send_signal(signum)
        _, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    name = signal.Signals(signum).name
    assert proc.returncode == 128 + signum, err
    assert "Traceback" not in err and f"interrupted ({name})" in err
    runs = pd.read_csv(out / "runs.csv", keep_default_na=False)
    assert sorted(runs.status) == ["interrupted", "interrupted", "not run", "not run"], runs
    for run_dir in runs[runs.status == "interrupted"].dir:
        check_stopped_run(tmp_path / run_dir, 128 + signum, signum)


def test_a_stop_swallowed_by_a_finalizer_is_raised_at_the_next_check(capfd):
    """Python drops an exception raised inside `__del__`; `sticky_stops` remembers the signal
    for the next check (a sweep between runs, a run after each chunk it writes)."""
    from harness.base.stops import Stopped, handle_stop_signals, raise_swallowed_stop, sticky_stops

    class Finalized:
        def __del__(self):
            signal.raise_signal(signal.SIGTERM)

    previous = handle_stop_signals()
    try:
        with sticky_stops(), pytest.raises(Stopped) as stopped:
            Finalized()  # the Stopped raised in __del__ is dropped
            raise_swallowed_stop()
        assert stopped.value.signum == signal.SIGTERM
        raise_swallowed_stop()  # raised once only
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    assert "Exception ignored" not in capfd.readouterr().err


@pytest.mark.slow
def test_a_closed_stdout_does_not_stop_training(tmp_path):
    """`harness run ... | head`: the reader goes away, the run goes on and completes."""
    (tmp_path / "c.yaml").write_text(yaml.safe_dump({**TINY, "train": {"epochs": 3}}))
    proc = subprocess.Popen([sys.executable, "-m", "harness", "run", "c.yaml", "--out", "run"],
                            cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            preexec_fn=limited())
    proc.stdout.close()  # like `| head` that has read its lines
    try:
        err = proc.communicate(timeout=180)[1].decode()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, err
    assert "Traceback" not in err and "BrokenPipe" not in err
    assert load_run(tmp_path / "run").status == "completed"


@pytest.mark.slow
@pytest.mark.parametrize("command", ["run", "sweep"])
def test_closed_stdout_and_stderr_do_not_stop_training(tmp_path, command):
    """`harness sweep ... 2>&1 | head`: the progress lines on stderr meet a closed pipe too."""
    (tmp_path / "c.yaml").write_text(yaml.safe_dump({**TINY, "train": {"epochs": 3}}))
    path = experiment(tmp_path) if command == "sweep" else tmp_path / "c.yaml"
    proc = subprocess.Popen([sys.executable, "-m", "harness", command, str(path), "--out", "out"],
                            cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            preexec_fn=limited())
    proc.stdout.close()  # `2>&1 | head` that has read its lines
    try:
        proc.wait(timeout=240)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0
    if command == "run":
        assert load_run(tmp_path / "out").status == "completed"
    else:
        runs = pd.read_csv(tmp_path / "out" / "runs.csv")
        assert list(runs.status) == ["completed", "completed"]


@pytest.mark.slow
def test_ctrl_c_inside_one_long_epoch_stops_within_seconds(tmp_path):
    # 256,000 steps of batch 1 in one epoch: over a minute on 2 cores.
    (tmp_path / "c.yaml").write_text(yaml.safe_dump(
        {**TINY, "data": {"name": "circles", "n_samples": 400_000},
         "train": {"epochs": 2, "batch_size": 1}}))
    proc = start("run", "c.yaml", "--out", "run", "--verbose", "0", cwd=tmp_path)
    try:
        wait_for(lambda: (tmp_path / "run" / "layers.csv").is_file(), timeout=180)
        time.sleep(4)  # into the epoch's first compiled calls
        proc.send_signal(signal.SIGINT)
        sent = time.monotonic()
        _, err = proc.communicate(timeout=60)
        waited = time.monotonic() - sent
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 130, err
    assert waited < 15, f"stopped {waited:.0f} s after Ctrl-C"
    summary = json.loads((tmp_path / "run" / "summary.json").read_text())
    assert summary["status"] == "interrupted" and summary["epochs_run"] == 0


@pytest.mark.slow
def test_an_epoch_split_into_several_calls_gives_the_same_numbers(tmp_path, monkeypatch):
    import harness
    from harness.training import loop

    config = {**TINY, "data": {"name": "circles", "n_samples": 400},
              "train": {"epochs": 3, "batch_size": 8}}  # 32 steps per epoch
    whole = harness.run(config, out=tmp_path / "whole", verbose=0, report=False)
    monkeypatch.setattr(loop, "STEPS_PER_CALL", 5)  # 7 calls per epoch, one epoch per chunk
    parts = harness.run(config, out=tmp_path / "parts", verbose=0, report=False)
    for name in ("history.csv", "layers.csv"):
        assert (whole.dir / name).read_bytes() == (parts.dir / name).read_bytes()
    diverge = {"data": {"name": "sine", "n_samples": 400}, "model": {"head": "identity"},
               "train": {"loss": "mse", "optimizer": "sgd", "learning_rate": 1e5, "epochs": 3,
                         "batch_size": 8}}
    split = harness.run(diverge, out=tmp_path / "split", verbose=0, report=False).summary
    monkeypatch.setattr(loop, "STEPS_PER_CALL", 500)
    one = harness.run(diverge, out=tmp_path / "one", verbose=0, report=False).summary
    assert (split["diverged_epoch"], split["diverged_step"]) == (
        one["diverged_epoch"], one["diverged_step"])
