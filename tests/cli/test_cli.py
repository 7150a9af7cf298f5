"""The CLI as a user runs it: a tiny config, a temporary folder, in this process (`commands.cli`)
except where the process is the point (TensorFlow's start-up lines, pipes, what `list` imports)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml
from commands import cli, python
from fake_runs import make_run
from tiny import BASE, ROOT, SETS, set_args

import harness


def test_run_writes_every_file_and_column(tmp_path):
    result = cli("run", BASE, *set_args(), "--verbose", "0", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    printed = Path(result.stdout.strip().splitlines()[-1])
    assert printed.parent == Path("results/base")  # the last line is the run folder
    run_dir = tmp_path / printed
    assert run_dir.name.startswith("relu-d2-s0-")
    assert "config: defaults -> " in result.stderr and "--set model.width=4" in result.stderr
    assert "grad_rms" in result.stdout and "test_accuracy" in result.stdout

    config = yaml.safe_load((run_dir / "config.yaml").read_text())
    assert config["model"]["depth"] == 2 and config["train"]["epochs"] == 2
    meta = json.loads((run_dir / "meta.json").read_text())
    assert {"tensorflow", "keras", "python", "command", "seed", "started", "finished",
            "wall_time_s"} <= set(meta)
    history = pd.read_csv(run_dir / "history.csv")
    assert list(history.columns) == ["epoch", "loss", "val_loss", "accuracy", "val_accuracy"]
    assert list(history.epoch) == [1, 2]
    layers = pd.read_csv(run_dir / "layers.csv")
    assert list(layers.columns) == ["epoch", "layer", "metric", "value"]
    assert set(layers.epoch) == {0, 1, 2}
    assert list(dict.fromkeys(layers.layer)) == ["hidden_1", "hidden_2", "output"]
    # epoch 0 adds the whole-set preact_std and the mean-field rows, every logged epoch (here
    # all) the layer Jacobians' (issue 20)
    from harness.measure.propagation import THEORY_METRICS
    from harness.measure.stats import STATS
    later = layers[layers.epoch > 0]
    assert set(later.metric) == set(STATS) | {"jacobian_sv_mean", "jacobian_sv_max"}
    assert set(layers.metric) == set(STATS) | {"preact_std", "jacobian_sv_mean",
                                               "jacobian_sv_max", *THEORY_METRICS}
    assert set(pd.read_csv(run_dir / "histograms.csv").epoch) == {0, 1, 2}
    summary = json.loads((run_dir / "summary.json").read_text())
    assert summary["status"] == "completed" and summary["epochs_run"] == 2
    assert 0 <= summary["test_accuracy"] <= 1 and summary["test_loss"] > 0
    assert list(pd.read_csv(run_dir / "surface.csv").columns) == ["epoch", "x1", "x2", "pred"]
    assert (run_dir / "neurons.csv").is_file()
    assert not list(run_dir.glob(".*.tmp"))


def test_bad_config_is_one_line_exit_2_and_writes_nothing(tmp_path):
    (tmp_path / "bad.yaml").write_text(f"extends: {ROOT}/configs/base.yaml\n"
                                       "model: {activation: rleu}\n")
    result = cli("run", "bad.yaml", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip() == ("error: bad.yaml: model.activation: unknown activation "
                                     "'rleu'; did you mean 'relu' or 'relu6'? "
                                     "(see `python -m harness list activations`)")
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "results").exists()


def test_list_and_help_do_not_need_tensorflow():
    code = ("import sys; from harness.cli.main import main\n"
            "try: main(['list'])\n"
            "except SystemExit: pass\n"
            "assert 'tensorflow' not in sys.modules and 'keras' not in sys.modules")
    result = python(code)
    assert result.returncode == 0, result.stderr
    for table in ("activations:", "heads:", "losses:", "datasets:", "initializers:", "optimizers:"):
        assert table in result.stdout
    assert "leaky_relu" in result.stdout and "slope 0.01" in result.stdout


@pytest.mark.slow
def test_console_is_clean_and_meta_command_repeats_the_run(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    overrides = {**SETS, "model.width": [4, 4]}
    harness.run(BASE, overrides=overrides, out="a", report=False)
    printed = capsys.readouterr().out
    # stdout is not a terminal: one plain progress line, no escape codes or carriage returns
    assert "\x1b" not in printed and "\r" not in printed and "\b" not in printed
    assert printed.startswith("2/2 - ")
    summary = json.loads((tmp_path / "a/summary.json").read_text())
    assert summary["chance_accuracy"] > 0.4 and abs(summary["chance_loss"] - 0.693) < 0.01
    assert summary["learned"] in (True, False)
    meta = json.loads((tmp_path / "a/meta.json").read_text())
    assert meta["command"] == (f"python -m harness run {BASE} "
                               "--set train.epochs=2 --set data.n_samples=200 --set model.depth=2 "
                               "--set 'model.width=[4, 4]' --out a")
    assert isinstance(meta["argv"], list)
    # The command as a user pastes it into a shell: a fresh process, so TensorFlow's start-up
    # lines would show here. No TF_CPP_MIN_LOG_LEVEL: the harness itself must keep them away.
    env = {k: v for k, v in os.environ.items() if k != "TF_CPP_MIN_LOG_LEVEL"}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    first = (tmp_path / "a/layers.csv").read_bytes()
    again = subprocess.run(meta["command"], shell=True, cwd=tmp_path, env=env,  # noqa: S602
                           capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr
    for noise in ("absl", "oneDNN", "cpu_feature_guard", "I0000"):
        assert noise not in again.stderr, again.stderr
    assert "\x1b" not in again.stdout and "\r" not in again.stdout
    assert (tmp_path / "a/layers.csv").read_bytes() == first  # this process and a fresh one
    assert "look at:" in again.stdout and "report: " in again.stdout
    assert not [line for line in again.stderr.splitlines() if not line.startswith("config: ")]


@pytest.mark.slow
def test_a_closed_pipe_ends_quietly():
    for args in (["list"], ["schema"], ["schema", "--json"]):
        p = subprocess.Popen([sys.executable, "-m", "harness", *args], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE)
        p.stdout.close()  # like `| head -1` that has already exited
        _, err = p.communicate(timeout=60)
        assert p.returncode == 0 and err == b"", (args, err)


def test_compare_without_out_writes_a_default_folder(tmp_path):
    # folders of the old format: the ratio falls back to grad_norm, 4 ** -7 for the fake sigmoid
    sig = make_run(tmp_path / "runs/sig", activation="sigmoid", depth=8, recorded="old")
    relu = make_run(tmp_path / "runs/relu", activation="relu", depth=8, recorded="old")
    result = cli("compare", sig, relu, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    printed = result.stdout.strip().splitlines()[-1]
    assert printed.startswith("report: results/compare/")
    assert (tmp_path / printed.removeprefix("report: ")).is_file()
    assert "6.1e-05" in result.stdout  # sigmoid's ratio 4 ** -7, not 0.000061
