"""Sweeps: real tiny runs (2 epochs, 200 samples, width 4) into temporary folders."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from commands import cli
from fake_runs import make_run

from harness.base.labels import folder_name, render, short_keys
from harness.errors import ConfigError
from harness.rundir.run import load_run
from harness.sweeps.execute import run_sweep
from harness.sweeps.experiment import load_experiment
from harness.sweeps.figures import FACET_FIGURES, SWEEP_FIGURES, Study, facets
from harness.sweeps.report import write_report
from harness.sweeps.tables import run_row, runs_frame, summary_frame

ROOT = Path(__file__).resolve().parents[2]
BASE = (ROOT / "configs/base.yaml").as_posix()
TINY = {"train.epochs": 2, "data.n_samples": 200, "model.width": 4}


def experiment(folder: Path, grid: dict, seeds=(0, 1), name="tiny", **extra) -> Path:
    path = folder / f"{name}.yaml"
    path.write_text(yaml.safe_dump({"base": BASE, "grid": grid, "seeds": list(seeds),
                                    "set": {**TINY, **extra}}, sort_keys=False))
    return path


@pytest.fixture(scope="module")
def swept(tiny_sweep):
    """activation [sigmoid, relu] x depth [2] x seeds [0, 1], through the public API (conftest)."""
    path, out, runs, summary = tiny_sweep
    return out, path, runs, summary


@pytest.mark.slow
def test_sweep_runs_every_combination_and_writes_its_tables(swept):
    out, _, runs, summary = swept
    assert list(runs.columns) == [
        "model.activation", "model.depth", "seed", "status", "test_loss", "test_accuracy",
        "train_loss", "train_accuracy", "vanishing_ratio_init", "vanishing_ratio_final",
        "saturation_final", "dead_fraction_final", "epochs_run", "wall_time_s", "error", "dir"]
    assert runs[["model.activation", "model.depth", "seed"]].values.tolist() == [
        ["sigmoid", 2, 0], ["sigmoid", 2, 1], ["relu", 2, 0], ["relu", 2, 1]]
    assert set(runs.status) == {"completed"} and set(runs.epochs_run) == {2}
    names = sorted(p.name for p in out.iterdir() if p.is_dir())
    assert names == ["activation=relu__depth=2__seed=0", "activation=relu__depth=2__seed=1",
                     "activation=sigmoid__depth=2__seed=0", "activation=sigmoid__depth=2__seed=1"]
    for run_dir in map(Path, runs.dir):
        assert (run_dir / "report.html").is_file()  # run_reports=True: every run gets its own
        assert yaml.safe_load((run_dir / "config.yaml").read_text())["name"] == "tiny"
    assert runs.error.tolist() == [""] * 4
    pd.testing.assert_frame_equal(pd.read_csv(out / "runs.csv").drop(columns="error"),
                                  runs.drop(columns="error"), check_dtype=False)

    assert summary[["model.activation", "model.depth", "n", "n_completed"]].values.tolist() == [
        ["sigmoid", 2, 2, 2], ["relu", 2, 2, 2]]
    for metric in ("test_loss", "test_accuracy", "vanishing_ratio_init", "wall_time_s"):
        means = runs.groupby("model.activation", sort=False)[metric].mean()
        stds = runs.groupby("model.activation", sort=False)[metric].std()
        assert summary[f"{metric}_mean"].tolist() == pytest.approx(means.tolist())
        assert summary[f"{metric}_std"].tolist() == pytest.approx(stds.tolist())
    logs = np.log10(runs["vanishing_ratio_init"]).groupby(runs["model.activation"], sort=False)
    assert summary["vanishing_ratio_init_gmean"].tolist() == pytest.approx(
        (10 ** logs.mean()).tolist(), rel=1e-9, abs=0)  # the page's and the command's numbers
    assert summary["vanishing_ratio_init_gsd"].tolist() == pytest.approx(
        (10 ** logs.std()).tolist(), rel=1e-9, abs=0)
    pd.testing.assert_frame_equal(pd.read_csv(out / "summary.csv"), summary, check_dtype=False)

    html = (out / "report.html").read_text()
    pngs = sorted(out.glob("*.png"))
    assert {p.name for p in pngs} == {"sweep_grad_norms.png", "sweep_history.png",
                                      "sweep_health.png", "sweep_histograms.png",
                                      "sweep_update_ratio.png"}
    assert html.count('<img src="data:image/png;base64,') == len(pngs)
    assert "activation=sigmoid, depth=2" in html and "Summary over seeds" in html


@pytest.mark.slow
def test_sweep_captions_name_the_measures_the_runs_recorded(swept):
    html = (swept[0] / "report.html").read_text()
    assert "Kernel gradient RMS per weight" in html  # grad_rms, as the vanishing ratio
    # dead_fraction is over every example of the epoch since dead_fraction_batch was split off
    assert "dead units (output 0 for every example of the epoch)" in html
    assert "whole batch" not in html
    assert "--run-reports" not in html  # every run has its report: nothing to build


def test_sweep_page_says_how_to_build_the_run_reports_it_links_to(tmp_path):
    path = experiment(tmp_path, {"model.activation": ["relu"], "model.depth": [2]}, seeds=[0])
    run = cli("sweep", path, "--out", tmp_path / "out")
    assert run.returncode == 0, run.stderr
    html = (tmp_path / "out" / "report.html").read_text()
    folder = tmp_path / "out" / "activation=relu__depth=2__seed=0"
    assert not (folder / "report.html").exists()
    assert f"<code>python -m harness report {folder}</code>" in html
    assert "running the sweep again with <code>--run-reports</code>" in html


@pytest.mark.parametrize("grid, first", [
    # depth varies: the ratio against depth heads the page, then each depth is a facet with the
    # whole FACET_FIGURES table, in grid order
    ({"model.activation": ["sigmoid", "relu"], "model.depth": [2, 3]},
     "sweep_ratio_by_depth_png"),
    # no depth: the first facet's first figure heads the page
    ({"model.activation": ["sigmoid", "relu"], "train.optimizer": ["adam", "sgd"]},
     "sweep_grad_norms_optimizer=adam_png"),
])
def test_the_sweep_page_draws_its_tables_in_order(tmp_path, grid, first):
    # made-up run folders (tests/helpers/fake_runs.py) in the sweep's layout: no training
    exp = load_experiment(experiment(tmp_path, grid, seeds=[0]))
    out = tmp_path / "out"
    loaded = {p.folder: load_run(make_run(
        out / p.folder, activation=p.labels.get("model.activation", "relu"),
        depth=int(p.labels.get("model.depth", 3)), seed=p.seed)) for p in exp.points}
    runs = runs_frame([run_row(p, loaded[p.folder], None, out / p.folder) for p in exp.points])
    html = write_report(out, exp, runs, summary_frame(runs, list(exp.grid)), loaded).read_text()

    study = Study(exp, runs)
    expected = [e.file() for e in SWEEP_FIGURES if e.applies(study)] + [
        e.file(facet.suffix) for facet in facets(exp, loaded)
        for e in FACET_FIGURES if e.applies(facet)]
    shown = re.findall(r'<figure id="([^"]+)">', html)
    assert shown == [name.replace(".", "_") for name in expected]
    assert shown[0] == first and "not drawn" not in html
    assert sorted(p.name for p in out.glob("*.png")) == sorted(expected)


@pytest.mark.slow
def test_rerun_skips_completed_runs_and_redoes_only_unfinished_or_changed_ones(swept, tmp_path):
    out = tmp_path / "out"
    shutil.copytree(swept[0], out)  # copies keep their modification times
    path = swept[1]
    summaries = {p.parent.name: p for p in out.glob("*/summary.json")}
    before = {name: p.stat().st_mtime_ns for name, p in summaries.items()}

    again = run_sweep(path, out=out, log=None)
    assert again.trained == 0 and again.failed.empty
    assert {name: p.stat().st_mtime_ns for name, p in summaries.items()} == before

    summaries["activation=relu__depth=2__seed=1"].unlink()  # as if killed mid-run
    config = out / "activation=sigmoid__depth=2__seed=0/config.yaml"
    config.write_text(config.read_text().replace("epochs: 2", "epochs: 3"))  # the file changed
    again = run_sweep(path, out=out, log=None)
    assert again.trained == 2 and set(again.runs.status) == {"completed"}
    after = {name: p.stat().st_mtime_ns for name, p in summaries.items()}
    changed = {name for name in before if after[name] != before[name]}
    assert changed == {"activation=relu__depth=2__seed=1", "activation=sigmoid__depth=2__seed=0"}


@pytest.mark.slow
def test_a_failing_run_is_listed_and_the_others_complete(tmp_path, monkeypatch):
    import harness.training.runner

    real = harness.training.runner.run

    def flaky(config, overrides=None, **kwargs):
        if overrides["seed"] == 1:
            raise RuntimeError("boom")
        return real(config, overrides=overrides, **kwargs)

    monkeypatch.setattr(harness.training.runner, "run", flaky)
    path = experiment(tmp_path, {"model.activation": ["relu"]})
    result = run_sweep(path, out=tmp_path / "out", log=None)
    assert result.runs[["seed", "status", "error"]].values.tolist() == [
        [0, "completed", ""], [1, "failed", "RuntimeError: boom"]]
    assert result.summary[["n", "n_completed"]].values.tolist() == [[2, 1]]
    html = (tmp_path / "out/report.html").read_text()
    assert "RuntimeError: boom" in html
    # By default runs get no report of their own (P3: bench/); the study's report links folders.
    assert not list((tmp_path / "out").glob("*/report.html"))
    assert '>folder</a>' in html


@pytest.mark.slow
def test_cli_end_to_end_with_a_diverging_case(tmp_path):
    """The case axis pairs keys; SGD at learning rate 1e6 on a regression blows up."""
    regression = {"data.name": "sine", "model.head": "identity", "train.loss": "mse",
                  "train.optimizer": "sgd"}
    path = experiment(tmp_path, {"case": [{**regression, "train.learning_rate": 1e6},
                                          {**regression, "train.learning_rate": 0.01}]},
                      seeds=[0], name="heads")
    result = subprocess.run([sys.executable, "-m", "harness", "sweep", path.name, "--set",
                             "model.depth=2"], cwd=tmp_path, capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 1, result.stderr
    out = tmp_path / "results/heads"
    lines = [line for line in result.stderr.splitlines() if line.startswith("[")]
    assert lines[0].startswith("[1/2] data=sine, head=identity, loss=mse, optimizer=sgd, "
                               "learning_rate=1e+06, seed=0  ")
    assert "DIVERGED" in lines[0] and " eta " in lines[1]
    assert "failed: " in result.stdout and result.stdout.strip().endswith("report.html")
    runs = pd.read_csv(out / "runs.csv")
    assert runs.status.tolist() == ["diverged", "completed"]
    assert runs.case[1] == ("data=sine, head=identity, loss=mse, optimizer=sgd, "
                            "learning_rate=0.01")
    assert {"test_mae", "test_rmse"} <= set(runs.columns) and "test_accuracy" not in runs
    assert (out / "data=sine__head=identity__loss=mse__optimizer=sgd__learning_rate=0.01__seed=0"
            / "summary.json").is_file()
    html = (out / "report.html").read_text()
    assert "diverged" in html and 'class="warn"' in html


@pytest.mark.parametrize("text, message", [
    ("grid: {model.depth: [2]}", "bad.yaml: base: missing; name the config every run starts from"),
    ("base: nowhere.yaml\ngrid: {model.depth: [2]}", "bad.yaml: base: nowhere.yaml not found"),
    ("base: BASE\ngrid: {model.actvation: [relu]}",
     "bad.yaml: grid: model.actvation: unknown key 'actvation'; did you mean 'activation'?"),
    ("base: BASE\ngrid: {model.activation: [relu, rleu]}",
     "bad.yaml: grid: model.activation: unknown activation 'rleu'; did you mean 'relu'"),
    ("base: BASE\ngrid: {}", "bad.yaml: grid: empty; give at least one key"),
    ("base: BASE\ngrid: {model.depth: 3}",
     "bad.yaml: grid: model.depth: expected a non-empty list"),
    ("base: BASE\ngrid: {model.depth: [2, 2]}", "bad.yaml: grid: model.depth: 2 is listed twice"),
    ("- base\n- grid", "bad.yaml: an experiment is a mapping with base:, grid: and seeds:"),
    ("base: BASE\ngrid: {model.depth: [2]}\nseeds: [0, one]",
     "bad.yaml: seeds: expected a non-empty list of whole numbers"),
    ("base: BASE\ngrid: {model.depth: [2]}\nseeds: [0, 3000000000]",
     "bad.yaml: seeds: seed: input should be less than or equal to 2147483647"),
    ("base: BASE\ngrid: {model.depth: [2]}\nsedes: [0]",
     "bad.yaml: sedes: unknown key; did you mean 'seeds'?"),
    ("base: BASE\ngrid: {model.depth: [2]}\nset: {model.depth: 3}",
     "bad.yaml: set: model.depth: the grid varies this key too"),
    ("base: BASE\ngrid: {case: [{model.head: softmax}]}",
     "bad.yaml: grid: case: model.head: train.loss: loss 'binary_crossentropy' does not fit"),
    ("base: BASE\ngrid: {case: [relu]}", "bad.yaml: grid: case: a case axis lists mappings"),
    ("base: BASE\ngrid: {model.depth: [2, 5]}\nset: {model.width: [4, 4]}",
     "bad.yaml: run depth=5, seed=0: "),
])
def test_bad_experiment_files_are_one_line_config_errors(tmp_path, text, message):
    path = tmp_path / "bad.yaml"
    path.write_text(text.replace("BASE", BASE))
    with pytest.raises(ConfigError) as error:
        load_experiment(path)
    assert message in str(error.value).replace(str(tmp_path) + os.sep, "")
    assert "\n" not in str(error.value)


def test_cli_set_may_not_change_a_grid_key(tmp_path):
    path = experiment(tmp_path, {"model.depth": [2, 3]})
    with pytest.raises(ConfigError, match=r"--set model.depth: the experiment sets this key"):
        load_experiment(path, ["model.depth=4"])


def test_bad_experiment_via_cli_exits_2_and_writes_nothing(tmp_path):
    (tmp_path / "bad.yaml").write_text(f"base: {BASE}\n"
                                       "grid: {model.activation: [sigmoid, rleu]}\n")
    result = cli("sweep", "bad.yaml", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "error: bad.yaml: grid: model.activation: unknown activation 'rleu'; did you mean 'relu' "
        "or 'relu6'? (see `python -m harness list activations`)")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.yaml"]


def test_case_labels_and_folder_names_are_short_readable_and_safe():
    short = short_keys(["model.head", "train.loss", "data.name", "model.initializer"])
    assert short == {"model.head": "head", "train.loss": "loss", "data.name": "data",
                     "model.initializer": "initializer"}
    case = {"model.head": "softmax", "train.loss": "categorical_crossentropy", "data.name": "blobs"}
    assert render(case, short) == "head=softmax, loss=categorical_crossentropy, data=blobs"
    assert render({"name": "random_normal", "stddev": 0.01}) == "random_normal(stddev=0.01)"
    assert render([64, 32]) == "[64,32]" and render(1e-3) == "0.001" and render(True) == "true"
    assert folder_name([("initializer", "random_normal(stddev=0.01)"), ("seed", "0")]) == (
        "initializer=random_normal-stddev=0.01__seed=0")
    assert folder_name([("width", "[64,32]"), ("act", "pkg.mod:fn")]) == (
        "width=-64-32__act=pkg.mod-fn")
    # Feature crosses: x1*x2 is not x1, x2 (both were '-x1-x2', a clash the user could not fix)
    assert folder_name([("features", "[x1,x2,x1^2,x1*x2]")]) == "features=-x1-x2-x1^2-x1_x2"
    assert folder_name([("features", "[x1*x2]")]) != folder_name([("features", "[x1,x2]")])
    assert folder_name([("features", "[x1**2]")]) == "features=-x1^2"  # the alias of x1^2
    long = folder_name([("k", "x" * 300)])
    assert len(long) <= 120 and long != folder_name([("k", "x" * 299)])


def test_shipped_experiments_are_valid():
    files = sorted((ROOT / "experiments").glob("*.yaml"))
    assert {f.stem for f in files} >= {"vanishing_gradients", "vanishing_gradients_mnist",
                                       "linear_collapse", "output_heads", "initializers",
                                       "dead_relu", "step_vs_sigmoid"}
    for path in files:
        exp = load_experiment(path)
        assert exp.points and len({p.folder for p in exp.points}) == len(exp.points)
        header = path.read_text().splitlines()[:3]
        assert header[0].startswith("# ") and any("python -m harness sweep" in h for h in header)
        assert exp.expect, f"{path} needs an expect: block for its header's claim"
    assert len(load_experiment(ROOT / "experiments/vanishing_gradients.yaml").points) == 54


def test_runs_csv_writes_epochs_as_whole_numbers(tmp_path):
    from types import SimpleNamespace

    from fake_runs import make_run

    from harness.base.files import write_csv
    from harness.rundir.run import load_run
    from harness.sweeps.tables import run_row, runs_frame

    point = SimpleNamespace(cell={"model.depth": 3}, labels={"model.depth": "3"}, seed=0)
    done = load_run(make_run(tmp_path / "a", depth=3, epochs=15))
    rows = [run_row(point, done, None, done.dir), run_row(point, None, "boom", tmp_path / "b")]
    write_csv(tmp_path / "runs.csv", runs_frame(rows))
    runs = pd.read_csv(tmp_path / "runs.csv", dtype=str, keep_default_na=False)
    assert list(runs["epochs_run"]) == ["15", ""]  # not 15.0; empty for a run without a folder
