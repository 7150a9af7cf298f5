"""Runs that blow up or are stopped, input that tries to escape, and determinism.

A NaN loss stops the run and is recorded; Ctrl-C leaves an `interrupted` run; SIGKILL at any moment
never leaves a folder that looks finished; YAML tags never run, names never leave results/, a user's
activation module is imported only when named, a broken MNIST file is one error line; the same
config and seed give byte-identical CSVs, in this process and in a fresh one. Runs are tiny
(`tiny.TINY`); the CLI runs in this process except where a signal or a fresh process is the point.
"""

import gzip
import json
import random
import signal
import struct
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from commands import cli, rows, start, wait_for
from tiny import TINY, tiny

import harness
from harness.config.file import load_config
from harness.data.datasets import load_dataset
from harness.data.images import IDX_FILES
from harness.errors import ConfigError, DataError
from harness.rundir.run import is_finished, load_run

DIVERGE = {"name": "blowup", "data": {"name": "sine", "n_samples": 200},
           "model": {"depth": 2, "width": 4, "head": "identity"},
           "train": {"loss": "mse", "optimizer": "sgd", "learning_rate": 1e6, "epochs": 50}}


def config_in(folder: Path, config: dict) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "c.yaml"
    path.write_text(yaml.safe_dump(config))
    return path


def run_folders(cwd: Path) -> list[Path]:
    return sorted(p for p in (cwd / "results").glob("*/*") if p.is_dir())


def finish(proc: subprocess.Popen, timeout: float = 300) -> subprocess.CompletedProcess:
    out, err = proc.communicate(timeout=timeout)
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


def fake_idx_folder(folder: Path, n_train: int = 60, n_test: int = 20) -> Path:
    """The four MNIST IDX files, gzipped, with random pixels and labels."""
    rng = np.random.default_rng(0)
    folder.mkdir(parents=True, exist_ok=True)
    for name, n in zip(IDX_FILES, (n_train, n_train, n_test, n_test)):
        if "images" in name:
            data = struct.pack(">IIII", 2051, n, 28, 28) + rng.integers(
                0, 256, (n, 28, 28), dtype=np.uint8).tobytes()
        else:
            data = struct.pack(">II", 2049, n) + rng.integers(0, 10, n, dtype=np.uint8).tobytes()
        (folder / f"{name}.gz").write_bytes(gzip.compress(data, mtime=0))
    return folder


def mnist_config(path: Path) -> dict:
    return {"name": "digits", "data": {"name": "mnist", "path": str(path), "n_samples": 40},
            "model": {"depth": 2, "width": 4, "head": "softmax"},
            "train": {"loss": "sparse_categorical_crossentropy", "epochs": 1}}


# --- NaN ------------------------------------------------------------------------------------------

def test_nan_loss_stops_the_run_at_once_and_is_recorded(tmp_path):
    run = harness.run(DIVERGE, out=tmp_path / "run", verbose=0)
    s = run.summary
    assert s["status"] == "diverged" and run.status == "diverged"
    assert s["diverged_epoch"] == 1 and s["diverged_step"] >= 1  # learning rate 1e6: at once
    assert s["epochs_run"] == s["diverged_epoch"] < DIVERGE["train"]["epochs"]  # stopped there
    assert "test_loss" not in s
    assert list(run.history.epoch) == list(range(1, s["diverged_epoch"] + 1))
    assert not np.isfinite(run.history.loss.iloc[-1])  # the row that blew up is kept
    assert set(run.layers.epoch) == set(range(0, s["diverged_epoch"] + 1))
    assert not is_finished(run.dir)


def test_cli_diverged_run_exits_1_with_a_note_on_the_fix(tmp_path):
    folder = tmp_path
    config_in(folder, DIVERGE)
    result = cli("run", "c.yaml", "--verbose", "0", cwd=folder)
    assert result.returncode == 1, result.stderr  # valid input (not 2), unfinished run (not 0)
    assert "Traceback" not in result.stderr
    (run_dir,) = run_folders(folder)
    s = json.loads((run_dir / "summary.json").read_text())
    assert s["status"] == "diverged"
    notes = [line for line in result.stderr.splitlines() if line.startswith("note: ")]
    assert notes == [f"note: the loss became NaN or infinite at epoch {s['diverged_epoch']} step "
                     f"{s['diverged_step']}, so the run stopped there; lower train.learning_rate "
                     "(now 1e+06), e.g. --set train.learning_rate=100000"]
    assert result.stdout.strip().splitlines()[-1] == str(run_dir.relative_to(folder))
    assert rows(run_dir / "history.csv") == s["diverged_epoch"]


# --- Ctrl-C ---------------------------------------------------------------------------------------

@pytest.mark.slow
def test_ctrl_c_exits_130_and_marks_the_run_interrupted(tmp_path):
    # Small batches: the fast loop writes the run folder every ~2000 steps, here ~66 epochs.
    config_in(tmp_path, tiny(train={"epochs": 500, "batch_size": 4}))
    proc = start("run", "c.yaml", "--verbose", "0", cwd=tmp_path)
    try:
        run_dir = wait_for(lambda: next((d for d in run_folders(tmp_path)
                                         if rows(d / "history.csv") >= 1), None))
        proc.send_signal(signal.SIGINT)
        result = finish(proc, timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert result.returncode == 130, result.stderr
    assert "Traceback" not in result.stderr and "KeyboardInterrupt" not in result.stderr
    summary = json.loads((run_dir / "summary.json").read_text())
    assert summary["status"] == "interrupted"
    history = pd.read_csv(run_dir / "history.csv")
    layers = pd.read_csv(run_dir / "layers.csv")
    assert 1 <= len(history) < 500 and list(history.epoch) == list(range(1, len(history) + 1))
    assert set(layers.epoch) == set(range(0, len(history) + 1))
    assert layers.value.notna().all()
    assert load_run(run_dir).status == "interrupted" and not is_finished(run_dir)


# --- SIGKILL --------------------------------------------------------------------------------------

def check_folder_after_a_kill(run_dir: Path, epochs: int) -> str:
    """Every file parses; `completed` only when everything a run writes is there and whole."""
    for path in run_dir.iterdir():
        if path.name == ".harness":  # the marker, written atomically like every file
            assert isinstance(json.loads(path.read_bytes())["files"], list), path
            continue
        if path.name.startswith("."):
            # An atomic write cut short (readers skip it), or the folder's lock.
            assert path.name.endswith(".tmp") or path.name == ".lock", path
            continue
        data = path.read_bytes()
        if path.suffix == ".csv":
            assert len(pd.read_csv(path).columns) >= 2, path
        elif path.suffix == ".json":
            json.loads(data)
        elif path.suffix == ".yaml":
            assert isinstance(yaml.safe_load(data), dict), path
        elif path.suffix == ".png":
            assert data.startswith(b"\x89PNG\r\n\x1a\n") and data.endswith(b"IEND\xaeB`\x82"), path
        elif path.suffix == ".html":
            assert data.rstrip().endswith(b"</html>"), path
    run = load_run(run_dir)
    if run.status == "completed":
        assert is_finished(run_dir)
        assert list(run.history.epoch) == list(range(1, epochs + 1))
        assert set(run.layers.epoch) == set(range(0, epochs + 1))
        assert {"finished", "wall_time_s"} <= set(run.meta)
        assert (run_dir / "surface.csv").is_file() and (run_dir / "points.csv").is_file()
        assert "test_accuracy" in run.summary
    else:
        assert run.status == "incomplete" and not is_finished(run_dir)
    return run.status


@pytest.mark.slow
def test_sigkill_at_random_moments_never_leaves_a_finished_looking_run(tmp_path):
    rng = random.Random(20261122)
    config = tiny(train={"epochs": 200, "batch_size": 4})
    # How long a run lives once its folder appears (training, the test pass and surface, the
    # report, the summary) on this machine, measured rather than guessed: kills then land at
    # random fractions of it, in every phase, however fast or slow the machine is.
    reference = tmp_path / "reference"
    config_in(reference, config)
    proc = start("run", "c.yaml", "--verbose", "0", cwd=reference)
    wait_for(lambda: run_folders(reference))
    appeared = time.monotonic()
    assert finish(proc).returncode == 0
    lifetime = time.monotonic() - appeared
    # One kill in the first half for sure: the run's model is built (and its initial loss checked)
    # before its folder appears, so training is a shorter share of the folder's life than it was.
    # Two runs killed side by side (test_robustness_sweeps kills sweeps at other moments).
    delays = [rng.uniform(0.05, 0.5) * lifetime, rng.uniform(0.05, 0.95) * lifetime]
    runs = []
    for i, delay in enumerate(delays):
        folder = tmp_path / f"kill{i}"
        config_in(folder, config)
        runs.append({"proc": start("run", "c.yaml", "--verbose", "0", cwd=folder),
                     "folder": folder, "delay": delay, "at": None})
    try:
        while any(r["proc"].poll() is None for r in runs):
            for r in runs:
                if r["at"] is None and run_folders(r["folder"]):
                    r["at"] = time.monotonic() + r["delay"]
                if r["at"] is not None and time.monotonic() >= r["at"]:
                    r["proc"].kill()  # a run that finished first is checked all the same
                    r["proc"].wait()
            time.sleep(0.01)
    finally:
        for r in runs:
            if r["proc"].poll() is None:
                r["proc"].kill()
                r["proc"].wait()
    statuses = [check_folder_after_a_kill(run_folders(r["folder"])[0], config["train"]["epochs"])
                for r in runs]
    assert len(statuses) == 2 and "incomplete" in statuses


def test_readers_ignore_temporary_files(tmp_path):
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    (run_dir / "config.yaml").write_text(yaml.safe_dump(TINY))
    (run_dir / "history.csv").write_text("epoch,loss,val_loss\n1,0.5,0.6\n")
    # A summary cut short while being written: a hidden temporary file, never read.
    (run_dir / ".summary.json.k3j4.tmp").write_text('{"status": "completed"')
    (run_dir / ".history.csv.x9.tmp").write_text("epoch,loss,val_loss\n1,0.5,0.6\n2,0.4")
    run = load_run(run_dir)
    assert run.status == "incomplete" and not is_finished(run_dir)
    assert list(run.history.epoch) == [1]


# --- input that should not reach further than a config --------------------------------------------

def test_python_tags_are_never_executed(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    marker = tmp_path / "PWNED"
    (tmp_path / "ok.yaml").write_text("name: ok\n")
    for value in (f'!!python/object/apply:os.system ["touch {marker}"]',
                  f'!!python/object/new:os.system ["touch {marker}"]',
                  f'!!python/object/apply:builtins.open ["{marker}", "w"]'):
        for text in (value, f"name: {value}", f"model: {{activation: {value}}}"):
            (tmp_path / "evil.yaml").write_text(text)
            with pytest.raises(ConfigError, match="^evil.yaml: line 1: !!python/object/"):
                harness.run("evil.yaml", verbose=0)
        with pytest.raises(ConfigError, match="^--set name: line 1: !!python/object/"):
            load_config("ok.yaml", [f"name={value}"])
    assert not marker.exists()
    assert not (tmp_path / "results").exists()


@pytest.mark.parametrize("name", ["../../x", "../results2", "/tmp/x", "a/../../b", "..", ".",
                                  ".hidden", "~/x", "C:\\x", "x/y", "-rf", "a\nb", ""])
def test_names_cannot_put_output_outside_results(tmp_path, monkeypatch, name):
    inner = tmp_path / "inner"
    inner.mkdir()
    monkeypatch.chdir(inner)
    with pytest.raises(ConfigError, match="is not a folder name"):
        harness.run({**TINY, "name": name}, verbose=0)
    with pytest.raises(ConfigError, match="is not a folder name"):
        load_config({"name": "ok"}, {"name": name})
    assert list(tmp_path.rglob("*")) == [inner]


def test_user_activation_is_imported_only_when_named(tmp_path, monkeypatch):
    module = "harness_test_marker_acts"
    marker = tmp_path / "imported"
    (tmp_path / f"{module}.py").write_text(
        f"from pathlib import Path\nPath({str(marker)!r}).write_text('yes')\n"
        "def scaled_tanh(x):\n    import keras\n    return 1.7 * keras.ops.tanh(x)\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, module, raising=False)
    load_config({"model": {"activation": "tanh"}})
    load_config({"model": {"activation": ["relu", "tanh", "sigmoid"]}})
    load_config({"model": {"activation": "tanh"}}, ["model.activation=relu"])
    with pytest.raises(ConfigError, match="unknown activation 'harness_test_marker_acts'"):
        load_config({"model": {"activation": module}})  # a bare name is a registry lookup
    from harness.cli.listing import format_registry

    format_registry("activations")
    assert not marker.exists() and module not in sys.modules
    cfg, _ = load_config({"model": {"activation": f"{module}:scaled_tanh"}})
    assert marker.read_text() == "yes" and cfg.model.activation == f"{module}:scaled_tanh"
    monkeypatch.delitem(sys.modules, module)


@pytest.mark.parametrize("damage, message", [
    (lambda gz, raw: gz[:100], "cannot read it"),
    (lambda gz, raw: b"<html>404 Not Found</html>", "cannot read it"),
    (lambda gz, raw: gzip.compress(b""), "not an IDX images or labels file"),
    (lambda gz, raw: gzip.compress(raw[:-1]), "bytes where its header promises"),
    (lambda gz, raw: gzip.compress(struct.pack(">IIII", 2051, 2**32 - 1, 28, 28)),
     "bytes where its header promises"),
    (lambda gz, raw: gzip.compress(struct.pack(">IIII", 2051, 60, 0, 0)), "expected 28 x 28"),
    (lambda gz, raw: gzip.compress(raw[:4] + struct.pack(">I", 59) + raw[8:-784]),
     "do not match"),
])
def test_damaged_idx_files_are_one_line_data_errors(tmp_path, damage, message):
    folder = fake_idx_folder(tmp_path)
    gz = folder / "train-images-idx3-ubyte.gz"
    gz.write_bytes(damage(gz.read_bytes(), gzip.decompress(gz.read_bytes())))
    cfg = load_config(mnist_config(folder))[0]
    with pytest.raises(DataError, match=message) as error:
        load_dataset(cfg.data, 0)
    assert "\n" not in str(error.value) and "again" in str(error.value)


def test_cli_truncated_mnist_file_is_one_error_line_exit_2(tmp_path):
    broken = fake_idx_folder(tmp_path / "idx")
    gz = broken / "train-images-idx3-ubyte.gz"
    gz.write_bytes(gz.read_bytes()[:200])  # a download cut short
    folder = tmp_path / "mnist"
    config_in(folder, mnist_config(broken))
    result = cli("run", "c.yaml", "--verbose", "0", cwd=folder)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert lines[-1].startswith("error: ")
    assert "train-images-idx3-ubyte.gz: cannot read it" in lines[-1]
    assert lines[-1].endswith("delete it and download it again")
    assert all(line.startswith(("config: ", "warning: ")) for line in lines[:-1]), lines
    assert not (folder / "results").exists()


# --- determinism ----------------------------------------------------------------------------------

@pytest.mark.slow
def test_same_seed_same_bytes_other_seed_other_numbers(tiny_run, tmp_path):
    config_in(tmp_path / "fresh", TINY)
    result = finish(start("run", "c.yaml", "--verbose", "0", cwd=tmp_path / "fresh"))
    assert result.returncode == 0, result.stderr
    (run_dir,) = run_folders(tmp_path / "fresh")
    files = ("history.csv", "layers.csv")
    for f in files:  # a fresh process and this one (whose TensorFlow has trained other runs)
        assert (run_dir / f).read_bytes() == (tiny_run / f).read_bytes(), f
    other = harness.run(tiny(seed=1), out=tmp_path / "seed1", verbose=0, report=False).dir
    for f in files:
        assert (tiny_run / f).read_bytes() != (other / f).read_bytes()


def test_ctrl_c_between_two_files_of_a_set_waits_until_both_are_written(tmp_path):
    import os

    from harness.base.files import write_text
    from harness.base.stops import deferred_interrupt

    with pytest.raises(KeyboardInterrupt):
        with deferred_interrupt():
            write_text(tmp_path / "history.csv", "epoch\n1\n")
            os.kill(os.getpid(), signal.SIGINT)  # lands between the two writes
            write_text(tmp_path / "layers.csv", "epoch\n0\n1\n")
    assert (tmp_path / "layers.csv").read_text() == "epoch\n0\n1\n"
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


@pytest.mark.slow
def test_a_stop_that_lands_in_a_finalizer_still_stops_the_run(tmp_path, monkeypatch, capfd):
    """A SIGTERM handled while a finalizer runs: Python drops the exception ("Exception ignored
    in ..."), so the run must remember the request and stop at its next chunk of epochs."""
    import harness.training.recorder
    from harness.base.stops import Stopped

    class Finalized:
        def __del__(self):  # what the handler raises when the signal lands in a finalizer
            raise Stopped(signal.SIGTERM)

    def append_then_finalize(*args, **kwargs):
        append_csv(*args, **kwargs)
        Finalized()  # freed at once: its __del__ runs here, and its exception is dropped

    append_csv = harness.training.recorder.append_csv
    monkeypatch.setattr(harness.training.recorder, "append_csv", append_then_finalize)
    with pytest.raises(Stopped):
        harness.run(tiny(train={"epochs": 500, "batch_size": 4}), out=tmp_path / "run",
                    verbose=0)
    run = load_run(tmp_path / "run")
    assert run.status == "interrupted" and 1 <= len(run.history) < 500
    assert run.summary["epochs_run"] == len(run.history)
    assert set(run.layers.epoch) == set(range(0, len(run.history) + 1))
    assert "Exception ignored" not in capfd.readouterr().err
