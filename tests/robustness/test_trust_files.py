"""Issue 29, the files side: no stale result through a link, another folder or another KERAS_HOME;
no data deleted on a resume; no user file removed without --force; markers that say what is there.

Each test is a case of the issue and fails without its fix (its docstring says what happened
before). Runs are tiny (circles or a 120-line csv file, depth 2, width 4-8, one epoch), in-process.
"""

import ast
import gzip
import os
import shutil
import struct
from pathlib import Path

import numpy as np
import pytest
import yaml
from test_robustness_runs import fake_idx_folder
from tiny import tiny
from trust_cases import cli, csv_config, ring_csv

from harness.base.files import MARKER, read_marker
from harness.rundir.run import is_finished

ROOT = Path(__file__).resolve().parents[2]
ONE_EPOCH = tiny(train={"epochs": 1})


def one_error(code: int, err: str) -> str:
    lines = [line for line in err.strip().splitlines() if not line.startswith("config: ")]
    assert code == 2 and len(lines) == 1 and lines[0].startswith("error: "), err
    assert "Traceback" not in err
    return lines[0]


def files_of(folder: Path) -> dict:
    return {p: p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def csv_sweep(folder: Path, **data) -> Path:
    """`folder/exp.yaml`: one relu run over `c.yaml` (a csv file, `data.path` as given)."""
    csv_config(folder, **data)
    (folder / "exp.yaml").write_text(yaml.safe_dump({
        "base": "c.yaml", "grid": {"model.activation": ["relu"]}, "seeds": [0]}))
    return folder / "exp.yaml"


def flipped(path: Path) -> Path:
    """The same csv file with every label flipped: the same size, other content."""
    text = path.read_text().splitlines()
    rows = [line[:-1] + ("1" if line[-1] == "0" else "0") for line in text[1:]]
    path.with_name(f"flipped_{path.name}").write_text("\n".join([text[0], *rows]) + "\n")
    return path.with_name(f"flipped_{path.name}")


# --- 1. what a run read is what must match -------------------------------------------------------

def test_a_relinked_data_file_of_the_same_size_is_trained_again(tmp_path, monkeypatch):
    """Before: a symlinked data.path re-pointed to another file of the same size was skipped."""
    from harness.sweeps.execute import run_sweep

    monkeypatch.chdir(tmp_path)
    first = ring_csv(tmp_path / "a.csv")
    other = flipped(first)
    assert other.stat().st_size == first.stat().st_size
    (tmp_path / "data.csv").symlink_to(first)
    exp = csv_sweep(tmp_path)
    assert run_sweep(exp, out="out", log=None).trained == 1
    assert run_sweep(exp, out="out", log=None).trained == 0  # unchanged: skipped
    (tmp_path / "data.csv").unlink()
    (tmp_path / "data.csv").symlink_to(other)
    assert run_sweep(exp, out="out", log=None).trained == 1, "the run on a.csv was kept"


def test_a_relative_data_path_from_another_folder_is_trained_again(tmp_path, monkeypatch):
    """Before: `--set data.path=data/d.csv` run from another folder holding another file was
    skipped as complete."""
    from harness.sweeps.execute import run_sweep

    one, two = tmp_path / "one", tmp_path / "two"
    for folder in (one, two):
        (folder / "data").mkdir(parents=True)
    ring_csv(one / "data" / "d.csv")
    shutil.copy(flipped(one / "data" / "d.csv"), two / "data" / "d.csv")
    exp = csv_sweep(tmp_path)
    sets = ["data.path=data/d.csv"]
    monkeypatch.chdir(one)
    assert run_sweep(exp, out=tmp_path / "out", overrides=sets, log=None).trained == 1
    assert run_sweep(exp, out=tmp_path / "out", overrides=sets, log=None).trained == 0
    monkeypatch.chdir(two)
    assert run_sweep(exp, out=tmp_path / "out", overrides=sets, log=None).trained == 1


def other_labels(folder: Path) -> Path:
    """`folder`'s IDX files with other training labels (the same count)."""
    labels = np.random.default_rng(7).integers(0, 10, 60, dtype=np.uint8).tobytes()
    (folder / "train-labels-idx1-ubyte.gz").write_bytes(
        gzip.compress(struct.pack(">II", 2049, 60) + labels, mtime=0))
    return folder


def test_mnist_under_another_keras_home_is_trained_again(tmp_path, monkeypatch):
    """Before: `harness check` with another KERAS_HOME whose MNIST labels differ skipped the runs
    (the fingerprint was checked at the paths recorded under the first KERAS_HOME)."""
    from harness.sweeps.execute import run_sweep

    for home in ("k1", "k2"):
        fake_idx_folder(tmp_path / home / "datasets" / "mnist")
    other_labels(tmp_path / "k2" / "datasets" / "mnist")
    (tmp_path / "exp.yaml").write_text(yaml.safe_dump({
        "base": str(ROOT / "configs" / "base.yaml"), "grid": {"model.activation": ["relu"]},
        "set": {"data.name": "mnist", "data.n_samples": 40, "model.head": "softmax",
                "train.loss": "sparse_categorical_crossentropy", "model.depth": 2,
                "model.width": 8, "train.epochs": 1}}))
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "k1"))
    assert run_sweep(tmp_path / "exp.yaml", out=tmp_path / "out", log=None).trained == 1
    assert run_sweep(tmp_path / "exp.yaml", out=tmp_path / "out", log=None).trained == 0
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "k2"))
    assert run_sweep(tmp_path / "exp.yaml", out=tmp_path / "out", log=None).trained == 1


# --- 2. missing input on a resume is one error, nothing touched ----------------------------------

@pytest.mark.parametrize("instead", ["missing", "folder", "fifo"])
def test_a_resume_whose_csv_is_gone_touches_nothing(instead, tmp_path, monkeypatch, capsys):
    """Before: "data file ... is gone; training the run again" deleted the finished run's files
    (only .lock was left) and marked it failed."""
    from harness.sweeps.execute import run_sweep

    monkeypatch.chdir(tmp_path)
    data = ring_csv(tmp_path / "data.csv")
    exp = csv_sweep(tmp_path)
    assert run_sweep(exp, out="out", log=None).trained == 1
    before = files_of(tmp_path / "out")
    data.rename(tmp_path / "kept.csv")
    if instead == "folder":
        data.mkdir()
    elif instead == "fifo":
        os.mkfifo(data)
    line = one_error(*cli(["sweep", exp, "--out", "out"], capsys)[::2])
    assert line.startswith("error: data.path: ") and "data.csv" in line
    assert files_of(tmp_path / "out") == before
    assert is_finished(tmp_path / "out" / "activation=relu__seed=0")


# --- 3. only the harness's marker makes a folder the harness's; only its files are cleared ------

def test_a_users_meta_json_does_not_make_a_run_folder(tmp_path, capsys):
    """Before: any meta.json made a folder a run folder, and `run --out p` deleted p/data.csv."""
    config = tmp_path / "base.yaml"
    config.write_text(yaml.safe_dump(ONE_EPOCH))
    user = tmp_path / "p"
    user.mkdir()
    (user / "meta.json").write_text('{"name": "my project"}\n')
    (user / "data.csv").write_text("a,b\n")
    line = one_error(*cli(["run", config, "--out", user], capsys)[::2])
    assert "holds files that no harness run wrote" in line and "--force" in line
    assert (user / "data.csv").read_text() == "a,b\n"


def test_a_plain_run_after_a_forced_one_keeps_the_users_files(tmp_path):
    """Before: after `run --out uf --force` into a user's folder, a second plain `run --out uf`
    deleted the user's files (every *.csv, *.png, *.json there)."""
    import harness

    user = tmp_path / "uf"
    user.mkdir()
    mine = {"data.csv": "a,b\n", "plot.png": "not a png\n", "notes.json": "{}\n"}
    for name, text in mine.items():
        (user / name).write_text(text)
    harness.run(ONE_EPOCH, out=user, verbose=0, report=False, force=True)
    assert set(read_marker(user)["files"]).isdisjoint(mine)
    run = harness.run(ONE_EPOCH, out=user, verbose=0, report=False)
    assert run.status == "completed"
    assert {name: (user / name).read_text() for name in mine} == mine


def test_the_one_remover_removes_only_what_the_marker_names(tmp_path):
    from harness.base.files import write_text
    from harness.base.owned import clear_ours, mark_ours

    folder = mark_ours(tmp_path / "f", "run")
    write_text(folder / "a.csv", "1\n")
    (folder / "b.csv").write_text("the user's\n")  # not written by the harness
    (tmp_path / "outside.csv").write_text("x\n")
    (folder / MARKER).write_text(read_marker(folder) and (folder / MARKER).read_text().replace(
        '"a.csv"', '"a.csv", "../outside.csv", "b.csv/../b.csv"'))
    assert clear_ours(folder) == ["a.csv"]
    assert sorted(p.name for p in folder.iterdir()) == [MARKER, "b.csv"]
    assert (tmp_path / "outside.csv").exists()


def removals(tree: ast.AST, function: str = ""):
    """(enclosing function, line) of every call that deletes a file or folder in `tree`."""
    for node in ast.iter_child_nodes(tree):
        inner = node.name if isinstance(node, ast.FunctionDef) else function
        if isinstance(node, ast.Call):
            name = getattr(node.func, "attr", getattr(node.func, "id", ""))
            on_os = getattr(getattr(node.func, "value", None), "id", "") == "os"
            if name in ("rmtree", "unlink", "rmdir", "removedirs") or name == "remove" and on_os:
                yield inner, node.lineno
        yield from removals(node, inner)


def test_every_removal_in_the_package_goes_through_the_one_remover():
    """The class, not only the instances: no rmtree, unlink, os.remove or rmdir in the package
    but in `harness.base.owned`'s remover and `harness.base.files.remove_temporary` (a temporary
    file the caller itself just made); any new deletion must go through `remove_ours`."""
    allowed = {("owned.py", "_remove"), ("files.py", "remove_temporary")}
    found = [f"{path.relative_to(ROOT)}:{line} ({function})"
             for path in sorted((ROOT / "harness").rglob("*.py"))
             for function, line in removals(ast.parse(path.read_text()))
             if (path.name, function) not in allowed]
    assert found == []


# --- 7. a rerun that cannot remove an old file leaves no old `completed` -------------------------

def test_a_rerun_that_cannot_remove_an_old_file_leaves_no_completed_summary(tmp_path, monkeypatch,
                                                                          capsys):
    """Before: with `chattr +i r/history.csv` the rerun failed half-way, the old summary.json
    still said completed beside missing files, and the message said "free some space"."""
    import harness

    config = tmp_path / "base.yaml"
    config.write_text(yaml.safe_dump(ONE_EPOCH))
    out = tmp_path / "r"
    harness.run(config, out=out, verbose=0, report=False)
    immutable = out / "history.csv"
    unlink = Path.unlink

    def refuse(self, missing_ok=False):  # as the kernel does for an immutable file
        if self == immutable:
            raise PermissionError(1, "Operation not permitted", str(self))
        return unlink(self, missing_ok=missing_ok)

    monkeypatch.setattr(Path, "unlink", refuse)
    line = one_error(*cli(["run", config, "--out", out], capsys)[::2])
    assert "history.csv: cannot remove" in line and "Operation not permitted" in line
    assert "free some space" not in line and "chattr -i" in line
    assert not (out / "summary.json").exists() and not is_finished(out)
    assert immutable.exists() and "history.csv" in read_marker(out)["files"]
    monkeypatch.undo()
    assert harness.run(config, out=out, verbose=0, report=False).status == "completed"


# --- 8. a marker that is a folder ----------------------------------------------------------------

@pytest.mark.parametrize("name", [".harness", ".lock", "meta.json"])
def test_a_marker_that_is_a_folder_is_one_error(name, tmp_path, capsys):
    """Before: an IsADirectoryError traceback."""
    import harness

    config = tmp_path / "base.yaml"
    config.write_text(yaml.safe_dump(ONE_EPOCH))
    out = tmp_path / "r"
    harness.run(config, out=out, verbose=0, report=False)
    target = out / name
    target.unlink()
    target.mkdir()
    (target / "x").write_text("kept\n")
    line = one_error(*cli(["run", config, "--out", out], capsys)[::2])
    assert name in line and "folder" in line
    assert (target / "x").read_text() == "kept\n"
    empty = tmp_path / f"e{name}"
    (empty / name).mkdir(parents=True)
    one_error(*cli(["run", config, "--out", empty], capsys)[::2])


# --- 10. the marker says what is there now -------------------------------------------------------

def test_a_leftover_compare_marker_does_not_let_compare_replace_a_run_report(tmp_path, capsys):
    """Before: `compare --force` into a run folder, then `run --out` into it, kept the compare
    kind in .harness, and a plain `compare --out` replaced the run's report.html."""
    config = tmp_path / "base.yaml"
    config.write_text(yaml.safe_dump(ONE_EPOCH))
    out = tmp_path / "r"
    assert cli(["run", config, "--out", out, "--verbose", "0"], capsys)[0] == 0
    assert cli(["compare", out, out, "--out", out, "--force"], capsys)[0] == 0
    assert set(read_marker(out)["kinds"]) == {"run", "compare"}
    assert cli(["run", config, "--out", out, "--verbose", "0"], capsys)[0] == 0
    assert read_marker(out)["kinds"] == ["run"] and not (out / "compare.csv").exists()
    report = (out / "report.html").read_bytes()
    line = one_error(*cli(["compare", out, out, "--out", out], capsys)[::2])
    assert "is a harness run folder, not a compare folder" in line
    assert (out / "report.html").read_bytes() == report


# --- 11. tensorboard rebuilds only its own event files -------------------------------------------

def test_tensorboard_keeps_a_users_file_in_a_run_s_event_folder(tmp_path, capsys):
    """Before: rebuilding into its own --logdir deleted tb1/<run>/mine.txt."""
    import harness

    pytest.importorskip("tensorboard")
    run = harness.run(ONE_EPOCH, out=tmp_path / "n3", verbose=0, report=False)
    logdir = tmp_path / "tb1"
    assert cli(["tensorboard", run.dir, "--logdir", logdir], capsys)[0] == 0
    (logdir / "n3" / "mine.txt").write_text("mine\n")
    (logdir / "mine_too.txt").write_text("mine\n")
    first = sorted(p.name for p in (logdir / "n3").glob("events.out.tfevents.*"))
    assert cli(["tensorboard", run.dir, "--logdir", logdir], capsys)[0] == 0
    assert (logdir / "n3" / "mine.txt").read_text() == "mine\n"
    assert (logdir / "mine_too.txt").read_text() == "mine\n"
    events = sorted(p.name for p in (logdir / "n3").glob("events.out.tfevents.*"))
    assert len(events) == 1 and events != first  # rebuilt, the old events gone
    assert len(list(logdir.glob("events.out.tfevents.*"))) == 1
