"""Issue 19, the data side: a changed data file is never a stale result, and bounds on a csv
file's size, columns, classes and values, and on what a constant column draws.

Each test is a case of the issue and fails without its fix (its docstring says what happened
before). Runs are tiny (depth 2, width 4, one epoch, a 120-line csv file), in-process.
"""

import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from test_robustness_runs import fake_idx_folder
from trust_cases import cli, csv_config, labels_csv, one_line, ring_csv

from harness.base import fingerprint
from harness.data.datasets import load_dataset
from harness.rundir.run import same_data

# --- 1. a changed data file is never a stale result ----------------------------------------------

def test_a_file_fingerprint_follows_content_not_time(tmp_path):
    path = ring_csv(tmp_path / "data.csv")
    entry = fingerprint.of_files([path])["files"][0]
    assert entry["path"] == str(path.resolve()) and entry["bytes"] == path.stat().st_size
    assert fingerprint.changed(entry) is None
    os.utime(path, (1, 1))  # touched: the same data
    assert fingerprint.changed(entry) is None
    text = path.read_bytes()
    path.write_bytes(text[:-2] + (b"0\n" if text[-2:] == b"1\n" else b"1\n"))  # one label flipped
    assert "same size, other content" in fingerprint.changed(entry)
    path.write_bytes(text + text[-20:])
    assert "bytes, was" in fingerprint.changed(entry)
    path.unlink()
    assert fingerprint.changed(entry) == "is gone"


def test_datasets_record_what_they_were_made_from(tmp_path):
    from types import SimpleNamespace

    cfg = SimpleNamespace(name="circles", n_samples=50, noise=0.1, test_fraction=0.2,
                          val_fraction=0.2, classes=None, path=None, target=None, task=None,
                          features=None, standardize=None)
    toy = load_dataset(cfg, seed=3).fingerprint
    assert toy["generated"] == "circles" and toy["seed"] == 3 and toy["config"]["n_samples"] == 50
    idx = fake_idx_folder(tmp_path / "idx")
    mnist = load_dataset(SimpleNamespace(**{**vars(cfg), "name": "mnist", "path": str(idx),
                                            "n_samples": 40}), 0).fingerprint
    assert sorted(Path(f["path"]).name for f in mnist["files"]) == sorted(
        p.name for p in idx.iterdir())
    assert all(len(f["sha256"]) == 64 for f in mnist["files"])


def test_a_resumed_sweep_retrains_a_run_whose_csv_file_changed(tmp_path, capsys, monkeypatch):
    """Before: "complete already, skipped" and the old accuracy reported as met."""
    from harness.sweeps.execute import run_sweep

    monkeypatch.chdir(tmp_path)
    data = ring_csv(tmp_path / "data.csv")
    csv_config(tmp_path)
    (tmp_path / "exp.yaml").write_text(yaml.safe_dump({
        "base": "c.yaml", "grid": {"model.activation": ["relu"]}, "seeds": [0]}))
    first = run_sweep("exp.yaml", out="out", log=None)
    assert first.trained == 1
    again = run_sweep("exp.yaml", out="out", log=None)
    assert again.trained == 0  # unchanged: skipped
    ring_csv(data, labels=np.random.default_rng(1).integers(0, 2, 120))  # the labels replaced
    capsys.readouterr()
    third = run_sweep("exp.yaml", out="out", log=None)
    assert third.trained == 1, "a run on the old file was kept"
    notes = [line for line in capsys.readouterr().err.splitlines() if line.startswith("note:")]
    assert len(notes) == 1 and str(data.resolve()) in notes[0] and "changed since" in notes[0]
    run_dir = tmp_path / "out" / "activation=relu__seed=0"
    assert same_data(run_dir, [[data.resolve()]])  # the new run recorded the new file


def test_a_run_from_before_fingerprints_reading_a_file_is_retrained(tmp_path, capsys):
    import json

    import harness

    ring_csv(tmp_path / "data.csv")
    run = harness.run(csv_config(tmp_path), out=tmp_path / "run", verbose=0, report=False,
                      overrides={"data.path": str(tmp_path / "data.csv")})
    assert same_data(run.dir, [[(tmp_path / "data.csv").resolve()]])
    meta = json.loads((run.dir / "meta.json").read_text())
    del meta["data"]
    (run.dir / "meta.json").write_text(json.dumps(meta))
    assert not same_data(run.dir, [[(tmp_path / "data.csv").resolve()]])
    assert "not recorded" in capsys.readouterr().err


# --- 3, 4, 15. a csv file is checked on disk before pandas reads it ------------------------------

def test_a_huge_csv_file_is_refused_by_its_size(tmp_path, capsys):
    """Before: MemoryError traceback after 32 s and 3.3 GB of memory (a 3 GB sparse file)."""
    from harness.data.csvfile import MAX_BYTES

    path = ring_csv(tmp_path / "data.csv")
    with open(path, "r+b") as f:
        f.truncate(3_000_000_000)  # sparse: takes no disk space
    code, _, err = cli(["run", csv_config(tmp_path), "--set", f"data.path={path}"], capsys)
    assert one_line(code, err, f"data.path: {path}: 3,000 MB, more than the "
                               f"{MAX_BYTES / 1e6:,.0f} MB")
    assert "head -n" in err


def test_a_csv_file_with_too_many_columns_is_refused_by_its_header(tmp_path, capsys):
    """Before: 1,000,000 columns ran for minutes in read_csv; 30,001 trained on them all."""
    for n, shown in ((1_000_000, "at least "), (30_000, "")):
        path = tmp_path / f"wide{n}.csv"
        path.write_text(",".join(f"c{i}" for i in range(n)) + ",label\n"
                        + ("0," * n + "1\n") * 3)
        code, _, err = cli(["run", csv_config(tmp_path), "--set", f"data.path={path}"], capsys)
        counted = f"{n + 1:,}" if not shown else ""
        assert one_line(code, err, f"data.path: {path}: its header names {shown}{counted}"), err
        assert "more than 20,000" in err


@pytest.mark.parametrize("kind", ["dev_zero", "fifo"])
def test_data_path_that_is_not_a_regular_file_says_so(tmp_path, capsys, monkeypatch, kind):
    """Before: "no such file" for a symlink to /dev/zero and for a FIFO."""
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "data.csv"
    if kind == "fifo":
        os.mkfifo(path)
    else:
        path.symlink_to("/dev/zero")
    code, _, err = cli(["run", csv_config(tmp_path), "--set", f"data.path={path}"], capsys)
    assert one_line(code, err, f"data.path: {path}: not a regular file"), err
    code, out, err = cli(["check", "c.yaml"], capsys)  # `check` asks the same, before training
    assert one_line(code, err, "c.yaml: data.path: data.csv: not a regular file"), out + err


# --- 5. very many classes: bounded snapshots, or one line saying why ----------------------------

def test_a_target_with_too_many_classes_is_refused_with_the_reason(tmp_path, capsys):
    """Before: 10,000 classes streamed PerformanceWarnings for minutes (1,001 trained)."""
    path = labels_csv(tmp_path / "ids.csv", 1001, 1100)
    code, _, err = cli(["run", csv_config(tmp_path), "--set", f"data.path={path}",
                        "--set", "model.head=softmax",
                        "--set", "train.loss=sparse_categorical_crossentropy"], capsys)
    assert one_line(code, err, f"{path}: column 'label': 1,001 classes, more than 1,000"), err
    assert "an id" in err


def test_surface_csv_keeps_at_most_surface_classes_columns(tmp_path, capsys):
    """Before: one column per class (300 classes: 4.5 MB per logged epoch)."""
    import warnings

    from harness.measure import snapshots

    path = labels_csv(tmp_path / "many.csv", getattr(snapshots, "SURFACE_CLASSES", 20) + 5, 200)
    with warnings.catch_warnings():
        warnings.simplefilter("error", pd.errors.PerformanceWarning)
        code, _, err = cli(["run", csv_config(tmp_path), "--set", f"data.path={path}",
                            "--set", "model.head=softmax", "--out", tmp_path / "run",
                            "--set", "train.loss=sparse_categorical_crossentropy"], capsys)
    assert code == 0 and "warning" not in err, err
    assert not (tmp_path / "run" / "surface.csv").exists()
    assert (tmp_path / "run" / "points.csv").is_file()  # the points and unit maps stay
    assert (tmp_path / "run" / "neurons.csv").is_file()


# --- 6. a regression target beyond float32 is the data's fault, not the learning rate's ----------

@pytest.mark.parametrize("value", ["inf", "1e300", "-1e39"])
def test_a_huge_regression_target_names_its_column_and_line(tmp_path, capsys, value):
    """Before: the run trained, the loss became inf, and the note blamed train.learning_rate."""
    path = tmp_path / "data.csv"
    rows = [f"{i / 10},{i / 5}" for i in range(40)]
    rows[4] = f"0.4,{value}"
    path.write_text("a,y\n" + "\n".join(rows) + "\n")
    code, _, err = cli(["run", csv_config(tmp_path, target="y", task="regression"),
                        "--set", f"data.path={path}", "--set", "model.head=identity",
                        "--set", "train.loss=mse"], capsys)
    assert one_line(code, err, f"{path}: column 'y': "), err
    assert "on line 6 is beyond float32's range" in err and "learning_rate" not in err


# --- 7. a constant input column is drawn, or said in one line ------------------------------------

def test_a_constant_feature_column_is_drawn_and_old_runs_report_without_a_traceback(
        tmp_path, capsys):
    """Before: "warning: report not written (TypeError ...)", and `harness report` a traceback."""
    path = ring_csv(tmp_path / "data.csv")
    frame = pd.read_csv(path).assign(b=1.0)
    frame.to_csv(path, index=False)
    out = tmp_path / "run"
    code, _, err = cli(["run", csv_config(tmp_path), "--set", f"data.path={path}",
                        "--out", out], capsys)
    assert code == 0 and "warning" not in err, err
    assert (out / "boundary.png").is_file() and (out / "neurons.png").is_file()
    surface = pd.read_csv(out / "surface.csv")
    assert surface["x2"].nunique() == 29 and surface["x2"].between(0, 2).all()
    # A run recorded before: its grid has one value of x2.
    surface.assign(x2=1.0).drop_duplicates(["epoch", "x1"]).to_csv(out / "surface.csv",
                                                                    index=False)
    code, report, err = cli(["report", out], capsys)
    assert code == 0 and err == "", err
    html = (out / "report.html").read_text()
    assert "grid has one value of x2" in html and not (out / "boundary.png").exists()
