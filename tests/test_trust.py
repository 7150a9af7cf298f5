"""Issue 19's cases: no stale result from changed data, no overwritten user files, bounded inputs.

Each test is a case of the issue and fails without its fix. Runs are tiny (depth 2, width 4, one or
two epochs, a 120-line csv file) and in-process where a subprocess adds nothing.
"""

import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from test_robustness_runs import fake_idx_folder

from harness.data import fingerprint, load_dataset
from harness.rundir import same_data

SMALL = {"name": "small", "data": {"name": "circles", "n_samples": 120},
         "model": {"depth": 2, "width": 4}, "train": {"epochs": 1}}


def cli(args, capsys) -> tuple[int, str, str]:
    """`harness ARGS` in this process: (exit code, stdout, stderr)."""
    from harness.cli import main

    with pytest.raises(SystemExit) as code:
        main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code.value.code, out, err


def ring_csv(path: Path, n: int = 120, seed: int = 0, labels=None) -> Path:
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1, 1, (n, 2))
    y = (x ** 2).sum(axis=1) < 0.5 if labels is None else labels
    pd.DataFrame({"a": x[:, 0], "b": x[:, 1], "label": np.asarray(y, int)}).to_csv(path,
                                                                                   index=False)
    return path


def csv_config(folder: Path, **data) -> Path:
    path = folder / "c.yaml"
    path.write_text(yaml.safe_dump({
        "name": "c", "data": {"name": "csv", "path": "data.csv", "target": "label", **data},
        "model": {"depth": 2, "width": 4}, "train": {"epochs": 1}}))
    return path


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
    from harness.sweeps import run_sweep

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
    assert same_data(run_dir)  # the new run recorded the new file


def test_a_run_from_before_fingerprints_reading_a_file_is_retrained(tmp_path, capsys):
    import json

    import harness

    ring_csv(tmp_path / "data.csv")
    run = harness.run(csv_config(tmp_path), out=tmp_path / "run", verbose=0, report=False,
                      overrides={"data.path": str(tmp_path / "data.csv")})
    assert same_data(run.dir)
    meta = json.loads((run.dir / "meta.json").read_text())
    del meta["data"]
    (run.dir / "meta.json").write_text(json.dumps(meta))
    assert not same_data(run.dir)
    assert "not recorded" in capsys.readouterr().err


# --- 2. one folder rule: no command writes into a folder it did not make -------------------------

@pytest.fixture(scope="module")
def finished(tmp_path_factory) -> Path:
    import harness

    out = tmp_path_factory.mktemp("finished") / "run"
    harness.run(SMALL, out=out, verbose=0)  # with its report.html
    return out


def users_folder(path: Path) -> Path:
    """A folder of the user's own files, named as the harness names its files."""
    path.mkdir(parents=True)
    for name in ("report.html", "runs.csv", "compare.csv", "activations.csv"):
        (path / name).write_text(f"the user's {name}\n")
    return path


def untouched(path: Path) -> bool:
    return all((path / n).read_text() == f"the user's {n}\n"
               for n in ("report.html", "runs.csv", "compare.csv", "activations.csv"))


def one_error(code: int, err: str, where: str) -> bool:
    lines = err.strip().splitlines()
    return code == 2 and len(lines) == 1 and lines[0].startswith(f"error: {where}") and (
        "--force" in lines[0])


def test_compare_refuses_a_users_folder_and_a_run_folder(finished, tmp_path, capsys):
    """Before: compare --out replaced the user's report.html and compare.csv, and a run's report."""
    user = users_folder(tmp_path / "u")
    code, _, err = cli(["compare", finished, finished, "--out", user], capsys)
    assert one_error(code, err, f"--out {user}: "), err
    assert untouched(user)
    report = (finished / "report.html").read_bytes()
    code, _, err = cli(["compare", finished, finished, "--out", finished], capsys)
    assert one_error(code, err, f"--out {finished}: ") and "run folder" in err, err
    assert (finished / "report.html").read_bytes() == report
    # A comparison's own folder is rewritten freely; --force writes beside the user's files.
    for _ in range(2):
        assert cli(["compare", finished, "--out", tmp_path / "cmp"], capsys)[0] == 0
    assert cli(["compare", finished, "--out", user, "--force"], capsys)[0] == 0
    assert (user / "runs.csv").read_text() == "the user's runs.csv\n"


def test_activations_and_tensorboard_refuse_a_users_folder(finished, tmp_path, capsys):
    """Before: activations --out replaced activations.csv; tensorboard --logdir wrote into it."""
    user = users_folder(tmp_path / "u")
    code, _, err = cli(["activations", "relu", "--out", user], capsys)
    assert one_error(code, err, f"--out {user}: "), err
    assert untouched(user) and not (user / "activations.png").exists()
    pytest.importorskip("tensorboard")
    code, _, err = cli(["tensorboard", finished, "--logdir", user], capsys)
    assert one_error(code, err, f"--logdir {user}: "), err
    assert sorted(p.name for p in user.iterdir()) == sorted(
        ["report.html", "runs.csv", "compare.csv", "activations.csv"])
    for _ in range(2):  # its own folders, again and again
        assert cli(["activations", "relu", "--out", tmp_path / "act"], capsys)[0] == 0
        assert cli(["tensorboard", finished, "--logdir", tmp_path / "tb"], capsys)[0] == 0


def test_sweep_refuses_a_users_folder(tmp_path, capsys, monkeypatch):
    """Before: sweep --out replaced the user's runs.csv and report.html after training."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "base.yaml").write_text(yaml.safe_dump(SMALL))
    (tmp_path / "exp.yaml").write_text(yaml.safe_dump({
        "base": "base.yaml", "grid": {"model.activation": ["relu"]}}))
    user = users_folder(tmp_path / "u")
    code, _, err = cli(["sweep", "exp.yaml", "--out", user], capsys)
    assert one_error(code, err, f"--out {user}: "), err
    assert untouched(user) and not any(p.is_dir() for p in user.iterdir())


def test_the_rule_knows_folders_written_before_markers(tmp_path):
    from harness.files import check_ours, kinds_of

    sweep = tmp_path / "sweep"
    (sweep / "a=1__seed=0").mkdir(parents=True)
    (sweep / "a=1__seed=0" / "meta.json").write_text("{}")
    (sweep / "runs.csv").write_text("x\n")
    assert kinds_of(sweep) == {"sweep"} and check_ours(sweep, "sweep") == sweep
    assert kinds_of(sweep / "a=1__seed=0") == {"run"}
    hidden = tmp_path / "hidden"
    hidden.mkdir()
    (hidden / ".lock").write_text("")
    assert check_ours(hidden, "compare") == hidden  # nothing but hidden files: empty


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


def one_line(code: int, err: str, start: str) -> bool:
    """Exit 2 and one `error:` line starting so, last (after the `config:` line a run prints)."""
    lines = err.strip().splitlines()
    return (code == 2 and "Traceback" not in err and lines[-1].startswith(f"error: {start}")
            and sum(line.startswith("error:") for line in lines) == 1)


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


# --- 5. very many classes: bounded snapshots, or one line saying why ----------------------------

def labels_csv(path: Path, k: int, n: int) -> Path:
    x = np.random.default_rng(0).uniform(-1, 1, (n, 2))
    pd.DataFrame({"a": x[:, 0], "b": x[:, 1],
                  "label": [f"c{i % k}" for i in range(n)]}).to_csv(path, index=False)
    return path


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

    from harness import snapshots

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


# --- 10. the memory estimate counts ulimit -v and cgroup limits; an OOM is one line ---------------

def test_the_estimate_counts_the_address_space_limit(tmp_path):
    """Before: under ulimit -v 6000000, width 20000 passed and died in TensorFlow's allocator."""
    from limits import harness

    (tmp_path / "small.yaml").write_text(yaml.safe_dump(SMALL))
    result = harness("run", "small.yaml", "--set", "model.width=20000", cwd=tmp_path,
                     timeout=120, memory=6_000_000 * 1024)
    assert one_line(result.returncode, result.stderr, "--set model.width: this run needs "), \
        result.stderr
    assert "the address-space limit (ulimit -v 6000000" in result.stderr
    assert not (tmp_path / "results").exists()


def test_the_estimate_counts_a_cgroup_memory_limit(tmp_path):
    from harness.memory import cgroup_room

    own = tmp_path / "cgroup"
    own.write_text("0::/box/inner\n")
    inner = tmp_path / "fs" / "box" / "inner"
    inner.mkdir(parents=True)
    (inner / "memory.max").write_text("max\n")
    (inner / "memory.current").write_text("100\n")
    box = inner.parent
    (box / "memory.max").write_text(f"{4 << 30}\n")  # a parent's limit binds its children
    (box / "memory.current").write_text(f"{3 << 30}\n")
    (box / "memory.stat").write_text(f"anon 5\ninactive_file {1 << 30}\n")
    assert cgroup_room(tmp_path / "fs", own) == (4 << 30, 2 << 30)  # page cache not counted
    own.write_text("4:memory:/\n0::/\n")  # cgroup v1, no limit: 2^63 rounded to a page
    (tmp_path / "fs" / "memory").mkdir()
    (tmp_path / "fs" / "memory" / "memory.limit_in_bytes").write_text("9223372036854771712\n")
    (tmp_path / "fs" / "memory" / "memory.usage_in_bytes").write_text("7038976000\n")
    assert cgroup_room(tmp_path / "fs", own) is None
    (tmp_path / "fs" / "memory" / "memory.limit_in_bytes").write_text(f"{8 << 30}\n")
    assert cgroup_room(tmp_path / "fs", own) == (8 << 30, 7038976000)


def test_an_out_of_memory_error_from_tensorflow_is_one_line(capsys):
    """Before: a ResourceExhaustedError traceback."""
    from harness import backend
    from harness.cli import _main, parser

    backend.load()
    import tensorflow as tf

    def allocate(args):
        return int(tf.reduce_sum(tf.zeros((1 << 42,))))  # 16 TB: TensorFlow's allocator refuses

    args = parser().parse_args(["run", "x.yaml"])
    args.func = allocate
    assert _main(args) == 2
    line = capsys.readouterr().err.strip()
    assert line.startswith("error: out of memory (ResourceExhaustedError: ") and len(
        line.splitlines()) == 1, line
    assert "use a smaller model.width" in line


# --- 12. tables cut short after the run are caught against summary.json --------------------------

def cut_header(text: str) -> str:
    return text[:text.index("\n") + 1]


def cut_mid_line(text: str) -> str:
    first = text.index("\n") + 1
    return text[:first + (text.index("\n", first) - first) // 2]


@pytest.mark.parametrize("name, cut", [("history.csv", cut_header),
                                       ("history.csv", cut_mid_line),
                                       ("histograms.csv", cut_mid_line),
                                       ("layers.csv", cut_header)])
def test_report_says_a_table_is_cut_short(finished, tmp_path, capsys, name, cut):
    """Before: exit 0 and "history.csv has no rows" while summary.json says epochs_run: 1."""
    import shutil

    folder = tmp_path / "run"
    shutil.copytree(finished, folder)
    (folder / name).write_text(cut((folder / name).read_text()))
    code, _, err = cli(["report", folder], capsys)
    assert one_line(code, err, f"{folder / name}: cut short"), err


def test_a_sweep_retrains_a_run_whose_history_was_cut_short(tmp_path, monkeypatch):
    """Before: "complete already, skipped"."""
    from harness.sweeps import run_sweep

    monkeypatch.chdir(tmp_path)
    (tmp_path / "base.yaml").write_text(yaml.safe_dump(SMALL))
    (tmp_path / "exp.yaml").write_text(yaml.safe_dump({
        "base": "base.yaml", "grid": {"model.activation": ["relu"]}}))
    assert run_sweep("exp.yaml", out="out", log=None).trained == 1
    history = tmp_path / "out" / "activation=relu__seed=0" / "history.csv"
    history.write_text(cut_header(history.read_text()))
    again = run_sweep("exp.yaml", out="out", log=None)
    assert again.trained == 1 and len(pd.read_csv(history)) == 1


# --- 13. expect: refuses at validation what it can never meet ------------------------------------

@pytest.mark.parametrize("block, words", [
    ({"test_accuracy": "≥ 0.1"}, "'≥ 0.1' is not a condition"),
    ({"test_accuracy": "high"}, "'high' is not a condition"),
    ({"test_accuracy": ">= 0.9x"}, "'0.9x' is not a number"),
    ({"test_accuracy": True}, "True is not a number"),
    ({"status": ">= 1"}, "status: '>= 1' is never measured; status is completed or diverged"),
    ({"status": "done"}, "status: 'done' is never measured"),
    ({"learned": "yes"}, "learned: 'yes' is never measured; learned is true or false"),
    ({"test_mae": "<= 0.1"}, "test_mae: measured on regression data only, and this is binary "
                             "data, so it is never met; expect test_accuracy instead"),
])
def test_an_expectation_that_can_never_be_met_is_refused(block, words):
    """Before: each validated, the run trained, then NOT MET."""
    from harness.configfile import load_config
    from harness.errors import ConfigError

    with pytest.raises(ConfigError) as error:
        load_config({**SMALL, "expect": block})
    assert words in str(error.value) and "\n" not in str(error.value)


def test_expectations_that_can_be_met_still_validate():
    from harness.configfile import load_config
    from harness.expect import parse_run

    load_config({**SMALL, "expect": {"test_accuracy": [">= 0.5", "< 1"], "status": "completed",
                                     "learned": True, "epochs_run": 1}})
    assert parse_run({"status": "!= failed"})[0].met_by("completed")
    assert parse_run({"test_loss": "0.5"})[0].value == 0.5
    regression = {**SMALL, "data": {"name": "sine", "n_samples": 120},
                  "model": {"depth": 2, "width": 4, "head": "identity"}, "train": {"loss": "mse"}}
    load_config({**regression, "expect": {"test_mae": "<= 0.5"}})


def test_a_csv_expectation_of_the_other_task_is_refused_before_training(tmp_path, capsys):
    ring_csv(tmp_path / "data.csv")
    config = csv_config(tmp_path)
    text = yaml.safe_load(config.read_text())
    config.write_text(yaml.safe_dump({**text, "expect": {"test_rmse": "<= 0.3"}}))
    code, _, err = cli(["run", config, "--set", f"data.path={tmp_path / 'data.csv'}",
                        "--out", tmp_path / "run"], capsys)
    assert one_line(code, err, f"{config}: expect: test_rmse: measured on regression"), err
    assert not (tmp_path / "run").exists()


@pytest.mark.parametrize("expect, seeds, words", [
    ("{test_accuracy_std: '< 0.1'}", "[0]", "test_accuracy_std: a spread over seeds, but the "
                                            "experiment runs one seed"),
    ("[{where: {model.activation: relu}, test_rmse_mean: '< 1'}]", "[0, 1]",
     "test_rmse_mean: measured on regression data only, and this is binary data"),
])
def test_an_experiment_expectation_that_can_never_be_met_is_refused(tmp_path, expect, seeds,
                                                                    words):
    """Before: `test_accuracy_std` with one seed was always "missing ... NOT MET"."""
    from harness.errors import ConfigError
    from harness.sweeps import load_experiment

    (tmp_path / "base.yaml").write_text(yaml.safe_dump(SMALL))
    path = tmp_path / "exp.yaml"
    path.write_text(f"base: base.yaml\ngrid: {{model.activation: [relu, tanh]}}\n"
                    f"seeds: {seeds}\nexpect: {expect}\n")
    with pytest.raises(ConfigError, match="expect: " + words):
        load_experiment(path)


# --- 14. a user activation that raises a BaseException or calls sys.exit: one line ---------------

USER_ACTIVATIONS = {
    "trust_boom": "class Boom(BaseException):\n    pass\n\n\nraise Boom('on import')\n",
    "trust_quits": "import sys\n\n\ndef f(z):\n    sys.exit(3)\n",
}


@pytest.mark.parametrize("module, words", [
    ("trust_boom", "importing 'trust_boom' for activation 'trust_boom:f' failed (Boom: on "
                   "import)"),
    ("trust_quits", "activation 'trust_quits:f' fails on a tensor (SystemExit: 3)")])
def test_a_user_activation_that_raises_a_base_exception_is_one_error_line(
        tmp_path, capsys, monkeypatch, module, words):
    """Before: a traceback (BaseException on import), or exit 3 and no message (SystemExit)."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    (tmp_path / f"{module}.py").write_text(USER_ACTIVATIONS[module])
    (tmp_path / "c.yaml").write_text(yaml.safe_dump(
        {**SMALL, "model": {"depth": 1, "width": 4, "activation": f"{module}:f"}}))
    code, _, err = cli(["run", "c.yaml"], capsys)
    assert one_line(code, err, "c.yaml: model.activation: ") and words in err, err
    code, _, err = cli(["activations", f"{module}:f", "--out", tmp_path / "a"], capsys)
    assert one_line(code, err, "activations: ") and words in err, err
