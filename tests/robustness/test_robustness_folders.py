"""A run folder says what happened: statuses, no overwrites, one writer, damaged files, appends.

Runs here are tiny (`tiny.TINY`) and share this process' TensorFlow, the CLI's too; a subprocess
only holds a run folder's lock. Everything runs under a memory and time limit (`limits.py`).
"""

import errno
import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
import yaml
from commands import cli, rows, start, wait_for
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from limits import time_limit  # noqa: F401 - time_limit is a fixture
from test_robustness_runs import fake_idx_folder, mnist_config
from tiny import TINY, tiny
from tiny import experiment as tiny_experiment

import harness as harness_api
from harness.errors import HarnessError
from harness.rundir.run import is_finished, load_run

pytestmark = pytest.mark.usefixtures("time_limit")


def experiment(folder: Path, activations=("relu", "tanh"), **set_keys) -> Path:
    """`folder/study.yaml`: the tiny settings over `activations`, one seed, `set_keys` set."""
    return tiny_experiment(folder, {"model.activation": list(activations)}, sets=set_keys)


# --- 1. a status never lies -----------------------------------------------------------------------

@pytest.mark.slow
def test_sweep_run_that_fails_now_is_not_reported_from_its_old_summary(tmp_path):
    idx = fake_idx_folder(tmp_path / "idx")
    mnist = {"data.name": "mnist", "data.n_samples": 40, "model.head": "softmax",
             "train.loss": "sparse_categorical_crossentropy"}
    path, out = experiment(tmp_path, **mnist, **{"data.path": str(idx)}), tmp_path / "out"
    first = cli("sweep", path, "--out", out, cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    # The same study, now pointing at a folder without the data: refused before anything is
    # touched (issue 29 item 2: this once cleared the finished runs and marked them failed).
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    experiment(tmp_path, **mnist, **{"data.path": str(tmp_path / "gone")})
    second = cli("sweep", path, "--out", out, cwd=tmp_path)
    lines = second.stderr.strip().splitlines()
    assert second.returncode == 2 and len(lines) == 1, second.stderr
    assert lines[0].startswith("error: data.path: folder ") and "gone does not exist" in lines[0]
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before


def test_a_run_that_raises_after_its_test_pass_is_failed_and_retrained(tmp_path, monkeypatch):
    from harness.measure.snapshots import Snapshots

    def full_disk(*args):
        raise OSError(errno.ENOSPC, "No space left on device", "surface.csv")

    monkeypatch.setattr(Snapshots, "write", full_disk)
    with pytest.raises(HarnessError, match="run/: No space left on device while writing"):
        harness_api.run(TINY, overrides={"train.epochs": 2}, out=tmp_path / "run", verbose=0)
    summary = json.loads((tmp_path / "run" / "summary.json").read_text())
    assert summary["status"] == "failed" and "No space left" in summary["error"]
    assert summary["epochs_run"] == 2 and not is_finished(tmp_path / "run")


def test_epochs_run_of_an_interrupted_run_counts_the_recorded_epochs(tmp_path, monkeypatch):
    from harness.training import loop

    calls, real = [], loop.EpochLoop.run

    def stop_on_second_chunk(self, orders, *args):
        calls.append(len(orders))
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real(self, orders, *args)

    monkeypatch.setattr(loop.EpochLoop, "run", stop_on_second_chunk)
    # 128 steps: 3 epochs per call (histograms of the last epoch only: no chunk ends early)
    config = tiny(train={"epochs": 9, "batch_size": 1}, log={"histograms": "last"})
    with pytest.raises(KeyboardInterrupt):
        harness_api.run(config, out=tmp_path / "run", verbose=0)
    run = load_run(tmp_path / "run")
    assert run.status == "interrupted"
    assert run.summary["epochs_run"] == len(run.history) == calls[0] == 3


def test_ctrl_c_while_the_report_is_drawn_still_writes_the_summary(tmp_path, monkeypatch):
    import harness.report.html

    def interrupted(run):
        raise KeyboardInterrupt

    monkeypatch.setattr(harness.report.html, "build_report", interrupted)
    with pytest.raises(KeyboardInterrupt):
        harness_api.run(TINY, overrides={"train.epochs": 1}, out=tmp_path / "run", verbose=0)
    summary = json.loads((tmp_path / "run" / "summary.json").read_text())
    assert summary["status"] == "completed" and summary["epochs_run"] == 1


# --- 2. nothing the user wrote is overwritten -----------------------------------------------------

def test_out_into_a_folder_of_the_users_files_is_refused(tmp_path):
    mine = tmp_path / "myexp"
    mine.mkdir()
    text = yaml.safe_dump(tiny(train={"epochs": 1}))
    (mine / "config.yaml").write_text(text)
    (mine / "notes.txt").write_text("mine")
    result = cli("run", "myexp/config.yaml", "--out", "myexp", cwd=tmp_path)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert lines[-1].startswith("error: --out myexp: ") and "--force" in lines[-1], lines
    assert (mine / "config.yaml").read_text() == text
    assert sorted(p.name for p in mine.iterdir()) == ["config.yaml", "notes.txt"]
    for out, message in (("", "error: --out: empty"),
                         ("myexp/notes.txt", "error: --out myexp/notes.txt: is a file")):
        result = cli("run", "myexp/config.yaml", "--out", out, cwd=tmp_path)
        assert result.returncode == 2 and result.stderr.strip().splitlines()[-1].startswith(
            message), result.stderr


@pytest.mark.slow
def test_a_rerun_into_a_run_folder_leaves_nothing_of_the_earlier_run(tmp_path):
    out = tmp_path / "run"
    harness_api.run(TINY, overrides={"train.epochs": 1}, out=out, verbose=0, report=False)
    assert (out / "surface.csv").is_file() and (out / "points.csv").is_file()
    (out / ".summary.json.x1.tmp").write_text("{")  # a write cut short by an earlier kill
    harness_api.run(mnist_config(fake_idx_folder(tmp_path / "idx")), out=out, verbose=0,
                    report=False)
    assert not any((out / n).exists() for n in ("surface.csv", "points.csv", "neurons.csv"))
    assert not list(out.glob("*.tmp"))
    assert load_run(out).config["data"]["name"] == "mnist"
    assert (out / "first_layer_weights.csv").is_file()
    harness_api.run(TINY, overrides={"train.epochs": 1}, out=out, verbose=0, report=False)
    assert not (out / "first_layer_weights.csv").exists()  # and the way back
    assert load_run(out).config["data"]["name"] == "circles"


def test_force_writes_beside_the_users_files(tmp_path):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    with pytest.raises(HarnessError, match="--force"):
        harness_api.run(TINY, out=out, verbose=0)
    run = harness_api.run(TINY, overrides={"train.epochs": 1}, out=out, verbose=0, report=False,
                          force=True)
    assert run.status == "completed" and (out / "notes.txt").read_text() == "mine"


# --- 3. one run folder, one writer ----------------------------------------------------------------

@pytest.mark.slow
def test_a_second_run_into_a_folder_in_use_is_refused(tmp_path):
    (tmp_path / "c.yaml").write_text(yaml.safe_dump(tiny(train={"epochs": 100000})))
    first = start("run", "c.yaml", "--out", "shared", "--verbose", "0", cwd=tmp_path)
    try:
        wait_for(lambda: rows(tmp_path / "shared" / "history.csv") >= 1, timeout=120)
        config = json.dumps({**TINY, "name": "other", "train": {"epochs": 1}})
        (tmp_path / "d.yaml").write_text(config)
        second = cli("run", "d.yaml", "--out", "shared", cwd=tmp_path)
    finally:
        first.kill()
        first.communicate()
    assert second.returncode == 2, second.stderr
    assert "another harness process is writing this run folder" in second.stderr
    assert yaml.safe_load((tmp_path / "shared" / "config.yaml").read_text())["name"] == "tiny"


# --- 4. damaged folders never stop a sweep or a report --------------------------------------------

FILES = ["summary.json", "config.yaml", "meta.json", "history.csv", "layers.csv"]
DAMAGE = {
    "binary": lambda data, cut: bytes(range(256)) * 4,
    "truncated": lambda data, cut: data[:int(len(data) * cut)],
    "json list": lambda data, cut: b"[1, 2, 3]\n",
    "json number": lambda data, cut: b"42\n",
    "text": lambda data, cut: b"this is not what the harness wrote\n" * 3,
    "empty": lambda data, cut: b"",
    "wrong types": lambda data, cut: b'{"status": 5, "epochs_run": "x", "test_loss": "abc", '
                                     b'"wall_time_s": [], "examples": 3, "task": null}',
}


@pytest.mark.slow
@settings(max_examples=24, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.sampled_from(FILES), damage=st.sampled_from(sorted(DAMAGE)),
       cut=st.floats(0.0, 0.99))
def test_a_damaged_file_is_one_error_line_naming_it_or_read_as_unfinished(
        tiny_run, tmp_path_factory, name, damage, cut):
    folder = tmp_path_factory.mktemp("damaged") / "run"
    shutil.copytree(tiny_run, folder)
    path = folder / name
    path.write_bytes(DAMAGE[damage](path.read_bytes(), cut))
    if name == "summary.json":
        assert not is_finished(folder) or json.loads(path.read_text())["status"] == "completed"
    for args in (["report", str(folder)], ["compare", str(folder), str(tiny_run), "--out",
                                           str(folder.parent / "compare")]):
        result = cli(*args)  # with --out: the default results/compare/ is in the checkout
        code, err = result.returncode, result.stderr
        lines = err.strip().splitlines()
        assert code in (0, 2), err
        if code == 2:
            assert len(lines) == 1 and lines[0].startswith("error: "), err
            assert name in lines[0] or "config.yaml" in lines[0], lines[0]


@pytest.mark.slow
@pytest.mark.parametrize("name", ["histograms.csv", "points.csv", "surface.csv", "neurons.csv",
                                  "config.yaml"])
@pytest.mark.parametrize("damage", ["binary", "text", "json list", "truncated"])
def test_a_damaged_figure_table_is_one_error_line_naming_it(tiny_run, tmp_path, name, damage):
    """The tables only the report's figures read, and a config.yaml cut inside a section."""
    folder = tmp_path / "run"
    shutil.copytree(tiny_run, folder)
    path = folder / name
    data = path.read_bytes()
    cut = data.index(b"\n  ", data.index(b"data:")) + 6 if name == "config.yaml" else len(data) // 2
    path.write_bytes(DAMAGE[damage](data, cut / len(data)))  # config.yaml: `data:\n  na`
    for args in (["report", str(folder)], ["compare", str(folder), str(tiny_run),
                                           "--out", str(tmp_path / "compare")]):
        result = cli(*args)
        code, err = result.returncode, result.stderr
        lines = err.strip().splitlines()
        assert code in (0, 2), err
        if code == 2:
            assert len(lines) == 1 and lines[0].startswith(f"error: {path}: "), err
    if damage != "truncated":  # a table cut short is read up to its last whole line
        assert code == 2 or args[0] == "compare"


@pytest.mark.slow
def test_a_sweep_reruns_damaged_run_folders(tmp_path):
    path = experiment(tmp_path, ("relu", "tanh", "sigmoid", "elu", "linear"))
    out = tmp_path / "out"
    assert cli("sweep", path, "--out", out, cwd=tmp_path).returncode == 0
    folders = sorted(p for p in out.iterdir() if p.is_dir())
    for folder, (name, damage) in zip(folders, [("summary.json", "binary"),
                                                ("config.yaml", "truncated"),
                                                ("meta.json", "json list"),
                                                ("layers.csv", "text"),
                                                ("histograms.csv", "binary")]):
        file = folder / name
        file.write_bytes(DAMAGE[damage](file.read_bytes(), 0.5))
    written = {f: (f / "history.csv").stat().st_mtime_ns for f in folders}
    result = cli("sweep", path, "--out", out, cwd=tmp_path)
    assert result.returncode == 0, result.stderr  # failed 0
    # trained 5, skipped 0: every run's files were written again, and are whole
    assert all((f / "history.csv").stat().st_mtime_ns != written[f] for f in folders)
    assert all(is_finished(f) and load_run(f).status == "completed" for f in folders)


# --- 8. history.csv and layers.csv grow by appends ------------------------------------------------

def test_history_and_layers_are_appended_per_chunk_not_rewritten(tmp_path):
    from harness.training.recorder import FLOAT_FORMATS, Recorder
    from harness.training.setup import setup
    from harness.training.train import fit

    s = setup({**TINY, "train": {"epochs": 9, "batch_size": 1},  # 3 epochs per compiled call
               "log": {"histograms": "last"}})
    writes = []
    real = Recorder.write

    def spy(self):
        real(self)
        writes.append({n: ((tmp_path / n).stat().st_ino, (tmp_path / n).read_bytes())
                       for n in ("history.csv", "layers.csv")})

    Recorder.write = spy
    try:
        recorder, _ = fit(s, tmp_path, verbose=0)
    finally:
        Recorder.write = real
    assert len(writes) == 4  # epoch 0, then three chunks
    for name in ("history.csv", "layers.csv"):
        assert len({w[name][0] for w in writes}) == 1  # the same file throughout
        assert all(w[name][1] == writes[-1][name][1][:len(w[name][1])] for w in writes)
    assert writes[-1]["history.csv"][1] == recorder.history_frame().to_csv(
        index=False, lineterminator="\n").encode()
    assert writes[-1]["layers.csv"][1] == recorder.layers_frame().to_csv(
        index=False, lineterminator="\n", float_format=FLOAT_FORMATS["layers.csv"]).encode()


def test_readers_drop_a_partial_last_line_and_keep_the_epochs_both_files_hold(tiny_run,
                                                                               tmp_path):
    folder = tmp_path / "run"
    shutil.copytree(tiny_run, folder)
    (folder / "summary.json").unlink()  # killed: a run writes its summary after its tables
    history = (folder / "history.csv").read_text()
    (folder / "history.csv").write_text(history + "3,0.12")  # killed mid-append
    layers = pd.read_csv(folder / "layers.csv")
    layers[layers.epoch <= 1].to_csv(folder / "layers.csv", index=False)  # killed between files
    run = load_run(folder)
    assert list(run.history.epoch) == [1] and set(run.layers.epoch) == {0, 1}
