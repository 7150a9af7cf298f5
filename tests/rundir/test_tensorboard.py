"""TensorBoard event files from run folders, read back with TensorBoard's own EventAccumulator."""

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import tensorflow as tf
from commands import cli
from fake_runs import make_run
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
from tensorboard.plugins.hparams import plugin_data_pb2
from tiny import BASE, set_args

from harness.base.files import write_csv
from harness.errors import HarnessError
from harness.rundir.run import load_run
from harness.rundir.tensorboard import write_events

ROOT = Path(__file__).resolve().parents[2]


def events(folder: Path) -> EventAccumulator:
    acc = EventAccumulator(str(folder), size_guidance={"tensors": 0})
    acc.Reload()
    return acc


def series(acc: EventAccumulator, tag: str) -> list[tuple[int, float]]:
    return [(e.step, float(tf.make_ndarray(e.tensor_proto))) for e in acc.Tensors(tag)]


def hparams(acc: EventAccumulator) -> dict:
    content = acc.PluginTagToContent("hparams")["_hparams_/session_start_info"]
    info = plugin_data_pb2.HParamsPluginData.FromString(content).session_start_info
    return {k: v.WhichOneof("kind") and getattr(v, v.WhichOneof("kind"))
            for k, v in info.hparams.items()}


@pytest.mark.slow
def test_a_real_run_with_tensorboard_flag_has_every_history_and_layer_series(tmp_path):
    out = tmp_path / "run"
    proc = cli("run", BASE, *set_args(), "--out", out, "--verbose", "0", "--tensorboard")
    assert proc.returncode == 0, proc.stderr
    assert f"view with `tensorboard --logdir {out / 'tensorboard'}`" in proc.stderr
    run = load_run(out)
    acc = events(out / "tensorboard" / "run")
    tags = set(acc.Tags()["tensors"])
    for column in run.history.columns.drop("epoch"):
        assert series(acc, f"history/{column}") == list(zip(run.history.epoch,
                                                            run.history[column]))
    for (layer, metric), rows in run.layers.groupby(["layer", "metric"]):
        got = series(acc, f"{layer}/{metric}")
        want = [(e, v) for e, v in zip(rows.epoch, rows.value) if np.isfinite(v)]
        assert [s for s, _ in got] == [s for s, _ in want]
        np.testing.assert_allclose([v for _, v in got], [v for _, v in want], rtol=1e-6,
                                   atol=1e-12)
    assert {"hidden_1/grad_norm", "hidden_2/grad_norm", "output/grad_norm"} <= tags
    assert series(acc, "summary/test_accuracy") == [
        (2, pytest.approx(run.summary["test_accuracy"]))]
    params = hparams(acc)
    assert params["model.activation"] == "relu" and params["model.depth"] == 2
    assert params["train.epochs"] == 2 and params["data.name"] == "circles"


def test_a_sweep_folder_gets_one_event_folder_per_run_histograms_and_an_hparams_config(tmp_path):
    sweep = tmp_path / "sweep"
    for activation in ("sigmoid", "relu"):  # folders without histograms.csv; relu gets one below
        make_run(sweep / f"activation={activation}", activation=activation, depth=3, epochs=2,
                 recorded="old")
    bins = np.linspace(-1.0, 1.0, 5)
    rows = [(epoch, "hidden_1", "activation", "linear", lo, hi, count)  # empty bins left out
            for epoch in (0, 2) for lo, hi, count in zip(bins[:-1], bins[1:], [1, 0, 7, 2])
            if count]
    write_csv(sweep / "activation=relu/histograms.csv", pd.DataFrame(rows, columns=[
        "epoch", "layer", "quantity", "scale", "bin_left", "bin_right", "count"]))
    logdir, written = write_events(sweep, tmp_path / "logs")
    assert logdir == tmp_path / "logs"
    assert sorted(p.name for p in written) == ["activation=relu", "activation=sigmoid"]
    relu = events(logdir / "activation=relu")
    # tf.summary writes tensors; TensorBoard's histogram plugin claims those tagged for it.
    assert list(relu.PluginTagToContent("histograms")) == ["hidden_1/activation"]
    histograms = relu.Tensors("hidden_1/activation")
    assert [h.step for h in histograms] == [0, 2]
    np.testing.assert_array_equal(tf.make_ndarray(histograms[0].tensor_proto), np.stack(
        [bins[:-1], bins[1:], [1, 0, 7, 2]], axis=1))
    sigmoid = events(logdir / "activation=sigmoid")  # no histograms.csv: no histograms
    assert not any(sigmoid.SummaryMetadata(tag).plugin_data.plugin_name == "histograms"
                   for tag in sigmoid.Tags()["tensors"])

    root = events(logdir)
    content = root.PluginTagToContent("hparams")["_hparams_/experiment"]
    experiment = plugin_data_pb2.HParamsPluginData.FromString(content).experiment
    names = {h.name for h in experiment.hparam_infos}
    assert {"model.activation", "model.depth", "seed"} <= names
    assert "summary/vanishing_ratio_init" in {m.name.tag for m in experiment.metric_infos}

    write_events(sweep, tmp_path / "logs")  # again: replaced, not appended
    assert len([p for p in (logdir / "activation=relu").iterdir()
                if not p.name.startswith(".")]) == 1  # the marker aside
    assert len(list(logdir.glob("events.out.tfevents.*"))) == 1


def test_a_folder_without_runs_is_one_error_line(tmp_path):
    with pytest.raises(HarnessError, match=r"no run folders in it"):
        write_events(tmp_path)
    proc = cli("tensorboard", tmp_path / "x")
    assert proc.returncode == 2
    assert proc.stderr.strip() == (f"error: {tmp_path / 'x'}: no such folder; pass a run folder "
                                   "or a sweep folder")


def test_the_command_prints_no_tensorflow_start_up_lines(tmp_path):
    # As `harness run`: without TF_CPP_MIN_LOG_LEVEL the harness itself keeps them away
    env = {k: v for k, v in os.environ.items() if k != "TF_CPP_MIN_LOG_LEVEL"}
    run_dir = make_run(tmp_path / "run")
    proc = subprocess.run([sys.executable, "-m", "harness", "tensorboard", str(run_dir)],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    # absl, oneDNN, cpu_feature_guard: it printed each of them twice
    assert proc.stderr.splitlines() == [
        f"tensorboard: 1 run(s) -> {run_dir / 'tensorboard'}; view with `tensorboard --logdir "
        f"{run_dir / 'tensorboard'}`"], proc.stderr
