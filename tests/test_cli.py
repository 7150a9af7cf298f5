"""The CLI as a user runs it: a subprocess, a tiny config, a temporary folder."""

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import yaml

ROOT = Path(__file__).resolve().parents[1]
TINY = ["--set", "train.epochs=2", "--set", "data.n_samples=200", "--set", "model.depth=2",
        "--set", "model.width=4"]


def harness(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "harness", *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, timeout=300)


def test_run_writes_every_file_and_column(tmp_path):
    result = harness("run", ROOT / "configs/base.yaml", *TINY, "--verbose", "0", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    printed = Path(result.stdout.strip().splitlines()[-1])
    assert printed.parent == Path("results/base")  # the last line is the run folder
    run_dir = tmp_path / printed
    assert run_dir.name.startswith("relu-d2-s0-")
    assert "config: defaults -> " in result.stderr and "--set model.width=4" in result.stderr
    assert "grad_norm" in result.stdout and "test_accuracy" in result.stdout

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
    from harness.stats import STATS

    assert set(layers.metric) == set(STATS)
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
    result = harness("run", "bad.yaml", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip() == ("error: bad.yaml: model.activation: unknown activation "
                                     "'rleu'; did you mean 'relu' or 'relu6'? "
                                     "(see `python -m harness list activations`)")
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "results").exists()


def test_list_and_help_do_not_need_tensorflow():
    code = ("import sys; from harness.cli import main\n"
            "try: main(['list'])\n"
            "except SystemExit: pass\n"
            "assert 'tensorflow' not in sys.modules and 'keras' not in sys.modules")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    for table in ("activations:", "heads:", "losses:", "datasets:", "initializers:", "optimizers:"):
        assert table in result.stdout
    assert "leaky_relu" in result.stdout and "slope 0.01" in result.stdout
