"""`expect:` blocks and `harness check`: parsing, errors, and met / not met through the CLI."""

import contextlib
import io
import json
import math
import subprocess
from pathlib import Path

import pandas as pd
import pytest
import yaml
from commands import cli
from tiny import tiny

from harness.config.expect import Expectation, matches, parse_run
from harness.config.file import load_config
from harness.errors import ConfigError
from harness.sweeps.experiment import load_experiment

# The tiny config (`tiny.TINY`) with one epoch, as a file's text.
TINY = yaml.safe_dump(tiny(train={"epochs": 1}), sort_keys=False)


def write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


def check_from(folder: Path, *paths) -> subprocess.CompletedProcess:
    """`harness check PATHS` from `folder` in this process, as the CLI calls it, with its output
    stream given: `check`'s default streams are the ones of the moment it was imported."""
    from harness.cli.check import check

    out = io.StringIO()
    with contextlib.chdir(folder):
        code = check([str(p) for p in paths], out=out, log=None)
    return subprocess.CompletedProcess(["harness", "check", *paths], code, out.getvalue(), "")


@pytest.mark.parametrize("expect, match", [
    ({"test_acuracy": ">= 0.9"}, r"<mapping>: expect: 'test_acuracy': not a result that is "
                                 r"measured \(did you mean 'test_accuracy'\?\)"),
    ({"test_accuracy": ">= high"}, r"'high' is not a number; write e.g. \">= 0.95\""),
    ({"test_accuracy": "=> 0.9"}, r"'=> 0.9' is not a condition"),
    ({"test_accuracy": None}, r"None is not a condition"),
    ({}, r"expect: a mapping of results to conditions"),
    ("test_accuracy >= 0.9", r"expect: a mapping of results to conditions"),
])
def test_bad_expectation_is_a_config_error(expect, match):
    with pytest.raises(ConfigError, match=match):
        load_config({"expect": expect})


def test_conditions():
    a, b, c = parse_run({"test_accuracy": [">= 0.9", "< 1"], "learned": True})
    assert (a.op, a.value, b.op, c.op, c.value) == (">=", 0.9, "<", "==", True)
    assert a.met_by(0.9) and not a.met_by(0.89) and not a.met_by(math.nan)
    assert not a.met_by(None) and not a.met_by("completed")
    assert Expectation("vanishing_ratio_init", "<=", 1e-3).condition == "<= 0.001"
    assert parse_run({"status": "completed"})[0].met_by("completed")


def test_where_picks_cells_by_value_or_any_of_a_list():
    cell = {"model.activation": "elu", "model.depth": 5, "data.features": ["x1", "x2"],
            "model.initializer": {"name": "random_normal", "stddev": 0.01}}
    assert matches({"model.activation": "elu"}, cell)
    assert matches({"model.activation": ["relu", "elu"], "model.depth": 5}, cell)
    assert not matches({"model.activation": ["relu", "tanh"]}, cell)
    assert not matches({"model.depth": 10}, cell) and not matches({"model.width": 4}, cell)
    assert matches({"data.features": ["x1", "x2"]}, cell)  # a grid of lists: the list itself
    assert not matches({"data.features": ["x1", "x2", "x1^2"]}, cell)
    assert matches({"model.initializer": {"name": "random_normal", "stddev": 0.01}}, cell)


def test_expect_is_not_inherited(tmp_path):
    write(tmp_path / "parent.yaml", TINY + 'expect: {test_accuracy: ">= 0.9"}\n')
    write(tmp_path / "child.yaml", "extends: parent.yaml\nmodel: {depth: 2}\n")
    assert load_config(tmp_path / "parent.yaml")[0].expect == {"test_accuracy": ">= 0.9"}
    assert load_config(tmp_path / "child.yaml")[0].expect is None


@pytest.mark.parametrize("expect, match", [
    ("[{where: {model.depth: 1}, test_accuracy: '>= 0.5'}]",
     r"expect: where: 'model.depth' is not varied by the grid; the grid varies model.activation"),
    ("[{where: {model.activation: tanh}, test_accuracy: '>= 0.5'}]",
     r"expect: where: \{'model.activation': 'tanh'\} picks no grid cell"),
    ("[{where: {model.activation: relu}}]", r"without a condition"),
    ("{vanishing_ratio: '< 1'}", r"did you mean 'vanishing_ratio_init'"),
])
def test_bad_experiment_expectation(tmp_path, expect, match):
    write(tmp_path / "base.yaml", TINY)
    path = write(tmp_path / "exp.yaml", "base: base.yaml\ngrid: {model.activation: [relu, "
                 f"sigmoid]}}\nexpect: {expect}\n")
    with pytest.raises(ConfigError, match=match):
        load_experiment(path)


def test_a_grid_key_typo_is_an_unknown_config_key_even_with_a_where(tmp_path):
    # It said "where: 'model.activation' is not varied by the grid (did you mean
    # 'model.activaton'?)": telling the student to copy the typo into the where:
    write(tmp_path / "base.yaml", TINY)
    path = write(tmp_path / "exp.yaml", "base: base.yaml\ngrid: {model.activaton: [relu, "
                 "sigmoid]}\nexpect: [{where: {model.activation: relu}, "
                 "test_accuracy: '>= 0.5'}]\n")
    with pytest.raises(ConfigError) as info:
        load_experiment(path)
    assert str(info.value).endswith("exp.yaml: grid: model.activaton: unknown key 'activaton'; "
                                    "did you mean 'activation'?")
    assert "where" not in str(info.value)


@pytest.mark.slow
def test_check_runs_configs_and_experiments_that_meet_their_expectations(tmp_path):
    files = tmp_path / "files"
    files.mkdir()
    write(files / "plain.yaml", TINY)  # no expect: skipped
    write(files / "met.yaml", TINY + 'expect: {epochs_run: "== 1", status: completed, '
                                     'test_accuracy: ">= 0"}\n')
    write(files / "sweep.yaml", "base: plain.yaml\ngrid: {model.activation: [relu, step]}\n"
                                "expect:\n"
                                "  - {epochs_run: '== 1'}\n"
                                "  - where: {model.activation: step}\n"
                                "    test_accuracy_std: '>= 0'\n"  # two seeds: a number
                                "seeds: [0, 1]\n")
    out = check_from(tmp_path, "files")
    assert out.returncode == 0, out.stdout
    assert "files/plain.yaml: no expect: block, skipped" in out.stdout
    assert "files/met.yaml: met (completed" in out.stdout
    assert "expect: epochs_run 1 (== 1): met" in out.stdout
    assert "expect: activation=step: test_accuracy_std" in out.stdout
    assert "check: 2 files with expectations, 2 met, 0 not met; 1 without" in out.stdout
    [run] = (tmp_path / "results" / "tiny").iterdir()  # the config's name
    summary = json.loads((run / "summary.json").read_text())
    assert summary["expect_met"] is True
    assert summary["expect"][0] == {"key": "epochs_run", "condition": "== 1", "measured": 1,
                                    "met": True}
    runs = pd.read_csv(tmp_path / "results" / "sweep" / "runs.csv")
    cells = pd.read_csv(tmp_path / "results" / "sweep" / "summary.csv")
    assert runs["expect"].tolist() == ["met"] * 4 and cells["expect"].tolist() == ["met"] * 2
    assert cells["expect_detail"].tolist()[0] == "epochs_run 1 (== 1): met"


@pytest.mark.slow
def test_expectation_not_met(tmp_path):
    config = write(tmp_path / "hard.yaml", TINY + 'expect: {test_accuracy: ">= 1.01"}\n')
    out = cli("run", str(config), "--out", "hard", "--verbose", "0", cwd=tmp_path)
    assert out.returncode == 0, out.stderr[-2000:]  # the run itself completed
    assert "expect: test_accuracy" in out.stdout and "(>= 1.01): NOT MET" in out.stdout
    summary = json.loads((tmp_path / "hard" / "summary.json").read_text())
    assert summary["expect_met"] is False and summary["expect"][0]["met"] is False
    out = check_from(tmp_path, config.name)
    assert out.returncode == 1
    assert "hard.yaml: NOT MET (completed" in out.stdout
    assert "1 not met: hard.yaml" in out.stdout


def test_check_stops_on_a_bad_file_before_training(tmp_path):
    write(tmp_path / "a_good.yaml", TINY + 'expect: {test_accuracy: ">= 0"}\n')
    write(tmp_path / "b_bad.yaml", TINY + 'expect: {test_accuracy: ">= lots"}\n')
    out = cli("check", ".", cwd=tmp_path)
    assert out.returncode == 2
    assert out.stderr.strip() == ("error: b_bad.yaml: expect: test_accuracy: '>= lots': 'lots' "
                                  'is not a number; write e.g. ">= 0.95"')
    assert not (tmp_path / "results").exists()
    out = cli("check", "missing", cwd=tmp_path)
    assert out.returncode == 2 and "missing: no such file or folder" in out.stderr


def test_check_finds_a_missing_csv_file_before_training(tmp_path):
    """A config or an experiment that reads a csv file that is not there stops the check at once,
    not when its turn to train comes."""
    write(tmp_path / "a_good.yaml", TINY + 'expect: {test_accuracy: ">= 0"}\n')
    write(tmp_path / "b_csv.yaml", 'data: {name: csv, path: gone.csv, target: label}\n'
          'expect: {test_accuracy: ">= 0"}\n')
    write(tmp_path / "c_sweep.yaml", "base: a_good.yaml\n"
          "grid: {data.path: [gone2.csv]}\nset: {data.name: csv, data.target: label}\n"
          'expect: {test_accuracy: ">= 0"}\n')
    for name, missing in [("b_csv.yaml", "gone.csv"), ("c_sweep.yaml", "gone2.csv")]:
        out = cli("check", "a_good.yaml", name, cwd=tmp_path)
        assert out.returncode == 2 and "Traceback" not in out.stderr
        assert out.stderr.strip() == (f"error: {name}: data.path: {missing}: no such file; check "
                                      "data.path (in a config file it is relative to that file, "
                                      "elsewhere to the folder you run from)")
        assert not (tmp_path / "results").exists()


@pytest.mark.parametrize("model", [{}, {"type": "conv", "width": None, "head": "softmax"}])
def test_an_expectation_the_model_type_never_measures_is_refused(model):
    # It was accepted, then printed "missing: NOT MET" after training and exited 0.
    config = tiny(data={"name": "digits"} if model else {}, model=model,
                  train={"loss": "categorical_crossentropy"} if model else {},
                  expect={"time_ratio_init": "<= 1e-3"})
    kind = model.get("type", "dense")
    with pytest.raises(ConfigError, match=(
            rf"expect: time_ratio_init \(\|\|dL/dh_1\|\| / \|\|dL/dh_T\|\| of the last recurrent "
            rf"layer at initialisation\) is measured on recurrent models only, and this is a "
            rf"{kind} model, so it is never met; .*--set expect=null")):
        load_config(config)
    recurrent = {"name": "adding", "length": 10, "n_samples": 200}
    load_config(tiny(data=recurrent, model={"type": "recurrent", "head": "identity"},
                     train={"loss": "mse"}, expect={"time_ratio_init": "<= 1e-3"}))


def test_the_cli_refuses_it_before_training_in_one_line(tmp_path):
    write(tmp_path / "c.yaml", TINY + "expect: {time_ratio_final: '>= 0.1'}\n")
    result = cli("run", "c.yaml", "--out", "r", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("error: c.yaml: expect: ")
    assert not (tmp_path / "r").exists()
    # the way out the message gives: the file's claim dropped
    assert load_config(tmp_path / "c.yaml", ["expect=null"])[0].expect is None


def test_an_experiment_expecting_a_time_ratio_of_dense_cells_is_refused(tmp_path):
    write(tmp_path / "base.yaml", TINY)
    path = write(tmp_path / "exp.yaml", "base: base.yaml\ngrid: {model.activation: [relu, "
                 "sigmoid]}\nexpect: {time_ratio_init_mean: '<= 1'}\n")
    with pytest.raises(ConfigError, match=r"exp.yaml: expect: time_ratio_init_mean .* a dense "
                                          r"model, so it is never met"):
        load_experiment(path)


def test_a_sequence_task_on_a_dense_model_is_the_error_not_its_head_or_expect(tmp_path):
    # relu_deep's sigmoid head and its expect: (test_accuracy) do not fit the adding task's
    # regression either; the structural error is the one to fix first.
    result = cli("run", Path(__file__).parents[2] / "configs" / "relu_deep.yaml",
                 "--set", "data.name=adding", "--out", "r", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith("error: --set data.name: model.type: 'adding' is a sequence "
                                    "task, read by recurrent layers only"), result.stderr
