"""The new per-layer measures and histograms equal what is computed by hand from the same data."""

import math

import numpy as np
import pandas as pd
import pytest
import tensorflow as tf

import harness
from harness.base.frames import full_bins, symlog, vanishing_ratio
from harness.config.file import load_config
from harness.config.log import LogConfig
from harness.errors import ConfigError
from harness.measure.histograms import (
    LINEAR_BINS,
    LOG_BINS,
    LOG_HIGH,
    LOG_LOW,
    SYM_BINS,
    SYM_HALF,
    SYM_PER_DECADE,
)
from harness.measure.stats import LayerStatistics
from harness.models.compile import compile_model
from harness.models.dense import build_dense
from harness.training.loop import EpochLoop
from harness.training.orders import epoch_orders
from harness.training.setup import setup


def tiny_model(activation, depth=2, width=6, head="sigmoid", **train):
    cfg, _ = load_config({"model": {"depth": depth, "width": width, "activation": activation,
                                    "head": head}, "train": train})
    model = build_dense(cfg.model, 2, n_classes=2, seed=1)
    compile_model(model, cfg, "binary")
    return model


def batch(n=32, seed=0):
    rng = np.random.default_rng(seed)
    return (rng.normal(size=(n, 2)).astype("float32"),
            rng.integers(0, 2, size=(n, 1)).astype("float32"))


def independent_pass(model, x, y):
    """Pre-activations, activations, dL/dz and dL/dW per layer from plain TensorFlow ops."""
    with tf.GradientTape(persistent=True) as tape:
        a, zs, outs = tf.constant(x), [], []
        for dense, act in zip(model.dense, model.act):
            z = tf.matmul(a, dense.kernel) + dense.bias
            tape.watch(z)
            a = act(z)
            zs.append(z)
            outs.append(a)
        p = tf.clip_by_value(a, 1e-7, 1 - 1e-7)
        loss = -tf.reduce_mean(y * tf.math.log(p) + (1 - y) * tf.math.log(1 - p))
    dzs = [np.asarray(tape.gradient(loss, z)) for z in zs]
    dws = [np.asarray(tape.gradient(loss, d.kernel)) for d in model.dense]
    return [np.asarray(z) for z in zs], [np.asarray(a) for a in outs], dzs, dws


@pytest.mark.parametrize("activation", ["tanh", "relu", "sigmoid"])
def test_histograms_equal_numpy_histograms_of_an_independent_pass(activation):
    model = tiny_model(activation)
    x, y = batch()
    counts = model.probe(x, y).counts
    written = model.meter.frame("histograms.csv", [(0, counts)])
    # The file leaves out empty bins but a histogram's two ends; readers put them back.
    ends = written.groupby(["quantity", "layer"])["bin_left"].transform(
        lambda left: (left == left.min()) | (left == left.max()))
    assert ((written["count"] > 0) | ends).all() and (written["count"] == 0).any()
    frame = full_bins(written)
    assert len(frame) == len(counts) > len(written)
    zs, outs, dzs, dws = independent_pass(model, x, y)
    values = {"activation": outs, "preactivation": zs, "preact_grad": dzs, "kernel_grad": dws}
    for (quantity, layer), rows in frame.groupby(["quantity", "layer"], sort=False):
        v = values[quantity][model.layer_names.index(layer)].ravel().astype(np.float64)
        lo, hi = rows.bin_left.iloc[0], rows.bin_right.iloc[-1]
        if rows.scale.iloc[0] == "log10_abs":
            with np.errstate(divide="ignore"):
                v = np.log10(np.abs(v))
            assert (lo, hi, len(rows)) == (LOG_LOW, LOG_HIGH, LOG_BINS)
        elif rows.scale.iloc[0] == "symlog":  # equal bins of symlog(x), from -1e3 to 1e3
            v, lo, hi = symlog(v), symlog(lo), symlog(hi)
            assert (lo, hi, len(rows)) == (-SYM_HALF / SYM_PER_DECADE, SYM_HALF / SYM_PER_DECADE,
                                           SYM_BINS)
        else:
            assert len(rows) == LINEAR_BINS
        expected, _ = np.histogram(np.clip(v, lo, hi), bins=len(rows), range=(lo, hi))
        np.testing.assert_array_equal(rows["count"].to_numpy(), expected, err_msg=quantity)
        assert rows["count"].sum() == v.size
    # Bounded activations on their own range; unbounded ones, and pre-activations, on the
    # symlog axis fixed for every run (-1e3 to 1e3), whatever the values at initialisation.
    act = frame[(frame.quantity == "activation") & (frame.layer == "hidden_1")]
    low, high = act.bin_left.min(), act.bin_right.max()
    bounds = {"tanh": (-1.0, 1.0), "sigmoid": (0.0, 1.0)}
    assert (low, high) == bounds.get(activation, (-1e3, 1e3))
    pre = frame[frame.quantity == "preactivation"]
    assert set(pre.scale) == {"symlog"} and (pre.bin_left.min(), pre.bin_right.max()) == (-1e3, 1e3)


def test_act_deriv_mean_of_sigmoid_at_zero_is_a_quarter():
    model = tiny_model("sigmoid")
    for dense in model.dense:
        dense.kernel.assign(tf.zeros_like(dense.kernel))
    stats = model.probe(*batch()).stats
    col = model.meter.columns.index("act_deriv_mean")
    np.testing.assert_allclose(stats[:, col], 0.25)


@pytest.mark.parametrize("activation, derivative", [
    ("relu", lambda z: (z > 0).astype(float)),
    ("tanh", lambda z: 1 - np.tanh(z) ** 2),
    # a user's function: autodiff, not a table
    ("tests.measure.test_stats:cube", lambda z: 3 * z ** 2),
])
def test_act_deriv_mean_is_the_mean_absolute_derivative(activation, derivative):
    model = tiny_model(activation)
    x, y = batch()
    stats = model.probe(x, y).stats
    zs = independent_pass(model, x, y)[0]
    col = model.meter.columns.index("act_deriv_mean")
    for i, z in enumerate(zs[:-1]):
        np.testing.assert_allclose(stats[i, col], np.mean(np.abs(derivative(z))), rtol=1e-5)


def cube(z):
    return z * z * z


@pytest.mark.parametrize("per_layer_above", [0, 10 ** 9])  # per-layer sums, one segment sum
def test_update_ratio_is_the_update_the_optimizer_applied(monkeypatch, per_layer_above):
    monkeypatch.setattr(LayerStatistics, "PER_LAYER_ABOVE", per_layer_above)
    model = tiny_model("tanh", optimizer="sgd", learning_rate=0.5)
    assert model.meter.statistics.per_layer == (per_layer_above == 0)
    x, y = batch()
    before = [np.asarray(d.kernel) for d in model.dense]
    model.probe(x, y)
    model.meter.begin_epoch(False)
    model.train_step((tf.constant(x), tf.constant(y)))
    stats = np.asarray(model.meter.end_epoch().stats)
    after = [np.asarray(d.kernel) for d in model.dense]
    col = {name: i for i, name in enumerate(model.meter.columns)}
    for i, (w0, w1) in enumerate(zip(before, after)):
        np.testing.assert_allclose(stats[i, col["update_ratio"]],
                                   np.std(w1 - w0) / np.std(w0), rtol=1e-4)
        assert stats[i, col["update_ratio"]] > 0
        np.testing.assert_allclose(stats[i, col["weight_norm"]], np.linalg.norm(w0), rtol=1e-5)
    # The weights moved: the next probe measures how far from initialisation.
    moved = model.probe(x, y).stats
    for i, (w0, w1) in enumerate(zip(before, after)):
        np.testing.assert_allclose(moved[i, col["distance_from_init"]],
                                   np.linalg.norm(w1 - w0), rtol=1e-4)
    assert np.isnan(moved[:, col["update_ratio"]]).all()  # no update at a probe


def test_dead_units_over_the_epoch_not_the_batch():
    s = setup({"data": {"n_samples": 200}, "model": {"depth": 2, "width": 4},
               "train": {"batch_size": 16, "optimizer": "sgd", "learning_rate": 0.1}})
    model, x = s.model, s.data.x_train
    first, second = model.dense[0], model.dense[1]
    kernel = np.asarray(first.kernel)
    bias = np.zeros(4, np.float32)
    bias[0] = -100.0  # unit 0: dead for every example
    kernel[:, 1] = [1.0, 0.0]  # unit 1: active for the example with the largest x1 only
    top = np.sort(x[:, 0])[-2:]
    bias[1] = -top.mean()
    first.kernel.assign(kernel)
    first.bias.assign(bias)
    second.bias.assign(np.full(4, -100.0, np.float32))  # the whole layer dead
    loop = EpochLoop(model, x, s.y["train"], s.data.x_val, s.y["val"], 16)
    stats = loop.run(epoch_orders(len(x), 1, seed=0)).measures.stats[0]
    col = {name: i for i, name in enumerate(model.meter.columns)}
    assert stats[1, col["dead_fraction"]] == 1.0
    assert stats[0, col["dead_fraction"]] == 0.25  # unit 1 lived, for one example
    steps = math.ceil(len(x) / 16)  # unit 1 was dead in every batch but one
    np.testing.assert_allclose(stats[0, col["dead_fraction_batch"]],
                               0.25 + 0.25 * (steps - 1) / steps, rtol=1e-6)


def test_histogram_schedule():
    assert LogConfig().histogram_epochs(100) == [0, 1, 25, 50, 75, 100]
    assert LogConfig(histograms="last").histogram_epochs(7) == [0, 7]
    assert LogConfig(histograms=[3, 1, 50]).histogram_epochs(10) == [0, 1, 3]
    assert LogConfig(histograms={"every": 4}).histogram_epochs(10) == [0, 4, 8]
    assert LogConfig().histogram_epochs(0) == [0]
    for bad in ("sometimes", [0], {"every": 0}, 3):
        with pytest.raises(ConfigError, match=r"log\.histograms: give auto, last, a list"):
            load_config({"log": {"histograms": bad}})


def test_run_folder_holds_surfaces_over_epochs_and_neurons(tmp_path):
    run = harness.run({"data": {"n_samples": 200}, "model": {"depth": 2, "width": 12},
                       "train": {"epochs": 3}, "log": {"histograms": [2]}},
                      out=tmp_path, verbose=0, report=False)
    surface = pd.read_csv(run.dir / "surface.csv")
    assert list(surface.columns) == ["epoch", "x1", "x2", "pred"]
    assert sorted(set(surface.epoch)) == [0, 2, 3]  # logged epochs, and the last always
    assert surface.groupby("epoch").size().nunique() == 1  # one grid for every epoch
    neurons = pd.read_csv(run.dir / "neurons.csv")
    assert list(neurons.columns) == ["epoch", "layer", "unit", "x1", "x2", "value"]
    assert set(neurons.epoch) == {3} and set(neurons.layer) == {"hidden_1", "hidden_2"}
    assert neurons.groupby("layer").unit.nunique().tolist() == [8, 8]  # capped at 8 of 12
    hist = pd.read_csv(run.dir / "histograms.csv")
    assert sorted(set(hist.epoch)) == [0, 2]
    layers = run.layers
    assert set(layers.query("metric == 'update_ratio'").epoch) == {1, 2, 3}


def test_image_runs_keep_first_layer_weights(tmp_path):
    run = harness.run({"data": {"name": "mnist", "n_samples": 200},
                       "model": {"depth": 1, "width": 20, "head": "softmax"},
                       "train": {"epochs": 1, "loss": "sparse_categorical_crossentropy"}},
                      out=tmp_path, verbose=0, report=False)
    weights = pd.read_csv(run.dir / "first_layer_weights.csv")
    assert list(weights.columns) == ["epoch", "unit", "input", "value"]
    assert weights.groupby("epoch").size().to_dict() == {0: 16 * 784, 1: 16 * 784}
    assert not (run.dir / "surface.csv").exists()


def test_vanishing_ratio_uses_grad_rms_and_falls_back_to_grad_norm():
    rows = [(0, "hidden_1", "grad_norm", 8.0), (0, "hidden_2", "grad_norm", 2.0),
            (0, "hidden_1", "grad_rms", 1.0), (0, "hidden_2", "grad_rms", 0.5)]
    layers = pd.DataFrame(rows, columns=["epoch", "layer", "metric", "value"])
    assert vanishing_ratio(layers, 0) == 2.0
    assert vanishing_ratio(layers[layers.metric == "grad_norm"], 0) == 4.0  # an old run folder
