"""The per-layer statistics are the gradients the optimizer applies; runs are reproducible."""

import numpy as np
import pytest
import tensorflow as tf

import harness
from harness.config.file import load_config
from harness.models.compile import compile_model
from harness.models.dense import build_dense

TINY = {"name": "tiny", "data": {"n_samples": 200}, "model": {"depth": 3, "width": 6},
        "train": {"epochs": 2, "batch_size": 16}}


def test_statistics_equal_an_independent_gradient_tape():
    cfg, _ = load_config({**TINY, "model": {"depth": 3, "width": 5, "activation": "sigmoid"}})
    model = build_dense(cfg.model, 2, n_classes=2, seed=1)
    compile_model(model, cfg, "binary")
    rng = np.random.default_rng(0)
    x = rng.normal(size=(16, 2)).astype("float32")
    y = rng.integers(0, 2, size=(16, 1)).astype("float32")
    stats = model.probe(x, y).stats

    # Independent: plain Keras layers, one tape, explicit pre-activations.
    with tf.GradientTape(persistent=True) as tape:
        a, zs, outs = tf.constant(x), [], []
        for dense in model.dense:
            z = tf.matmul(a, dense.kernel) + dense.bias
            tape.watch(z)
            a = tf.sigmoid(z)
            zs.append(z)
            outs.append(a)
        p = tf.clip_by_value(a, 1e-7, 1 - 1e-7)
        loss = -tf.reduce_mean(y * tf.math.log(p) + (1 - y) * tf.math.log(1 - p))
    col = {name: i for i, name in enumerate(model.meter.columns)}
    for i, dense in enumerate(model.dense):
        dw, db = tape.gradient(loss, [dense.kernel, dense.bias])
        np.testing.assert_allclose(stats[i, col["grad_norm"]], np.linalg.norm(dw), rtol=1e-4)
        np.testing.assert_allclose(stats[i, col["bias_grad_norm"]], np.linalg.norm(db), rtol=1e-4)
        np.testing.assert_allclose(stats[i, col["preact_grad_norm"]],
                                   np.linalg.norm(tape.gradient(loss, zs[i])), rtol=1e-4)
        a = np.asarray(outs[i])
        np.testing.assert_allclose(stats[i, col["act_mean"]], a.mean(), rtol=1e-5)
        np.testing.assert_allclose(stats[i, col["act_std"]], a.std(), rtol=1e-4)
        np.testing.assert_allclose(stats[i, col["saturation"]], np.mean((a < 0.05) | (a > 0.95)))
        dz = np.asarray(tape.gradient(loss, zs[i]))
        np.testing.assert_allclose(stats[i, col["grad_rms"]],
                                   np.sqrt(np.mean(np.square(dw))), rtol=1e-4)
        np.testing.assert_allclose(stats[i, col["preact_grad_rms"]],
                                   np.sqrt(np.mean(np.square(dz))), rtol=1e-4)
        np.testing.assert_allclose(stats[i, col["act_deriv_mean"]], np.mean(a * (1 - a)),
                                   rtol=1e-5)
        w = np.asarray(dense.kernel)
        np.testing.assert_allclose(stats[i, col["weight_norm"]], np.linalg.norm(w), rtol=1e-5)
        np.testing.assert_allclose(stats[i, col["grad_data_ratio"]],
                                   np.std(np.asarray(dw)) / np.std(w), rtol=1e-4)
        assert stats[i, col["distance_from_init"]] == 0  # nothing trained yet
    # Sigmoid: the gradient shrinks on its way back to the first layer.
    assert stats[0, col["grad_norm"]] < stats[2, col["grad_norm"]]


def test_epoch_statistics_are_the_mean_over_steps(tmp_path):
    run = harness.run({**TINY, "train": {"epochs": 1, "batch_size": 64}}, out=tmp_path,
                      verbose=0)
    grad = run.layers.query("epoch == 1 and metric == 'grad_norm'")
    assert len(grad) == 4 and (grad.value > 0).all()


def test_dead_units_and_step_zero_gradient(tmp_path):
    run = harness.run({**TINY, "model": {"depth": 2, "width": 4, "activation": "step"},
                       "train": {"epochs": 1}}, out=tmp_path, verbose=0)
    hidden = run.layers.query("metric == 'grad_norm' and layer != 'output'")
    assert (hidden.value == 0).all()
    assert (run.layers.query("metric == 'saturation' and layer != 'output'").value == 1).all()


@pytest.mark.slow
def test_same_seed_same_numbers_other_seed_other_numbers(tmp_path):
    runs = [harness.run(TINY, overrides=[f"seed={s}"], out=tmp_path / f"r{i}", verbose=0)
            for i, s in enumerate([3, 3, 4])]
    names = ["history.csv", "layers.csv", "histograms.csv", "surface.csv", "neurons.csv"]
    files = [b"".join((r.dir / name).read_bytes() for name in names) for r in runs]
    assert files[0] == files[1]
    assert files[0] != files[2]


def test_a_run_writes_its_grids_bins_and_statistics_compactly(tmp_path):
    """What keeps a 100-epoch toy run's folder near 2 MB (`results/README.md`)."""
    import re

    import pandas as pd

    from harness.base.frames import full_bins
    from harness.measure.histograms import LINEAR_BINS, LOG_BINS, SYM_BINS
    from harness.measure.snapshots import NEURON_STEPS, SURFACE_STEPS

    run = harness.run(TINY, out=tmp_path, verbose=0, report=False)
    neurons = pd.read_csv(run.dir / "neurons.csv")
    assert (neurons.groupby(["layer", "unit"]).size() == NEURON_STEPS ** 2).all()
    assert len(neurons) == 3 * 6 * NEURON_STEPS ** 2  # every hidden unit of 3 layers of 6
    surface = pd.read_csv(run.dir / "surface.csv")
    assert (surface.groupby("epoch").size() == SURFACE_STEPS[2] ** 2).all()
    # histograms.csv: no empty bin but at a histogram's ends; the readers see every bin
    hist = pd.read_csv(run.dir / "histograms.csv")
    group = hist.groupby(["epoch", "layer", "quantity"])["bin_left"]
    ends = (hist.bin_left == group.transform("min")) | (hist.bin_left == group.transform("max"))
    assert ((hist["count"] > 0) | ends).all()
    full = full_bins(hist)
    # 3 epochs; 3 ReLU layers' a and z on the symlog axis, the sigmoid output's a on its range
    # and its z on the symlog axis, and 4 layers' two gradients
    per_epoch = 3 * 2 * SYM_BINS + LINEAR_BINS + SYM_BINS + 4 * 2 * LOG_BINS
    assert len(full) == 3 * per_epoch > len(hist)
    assert (full.groupby(["epoch", "layer", "quantity"])["count"].sum()
            == hist.groupby(["epoch", "layer", "quantity"])["count"].sum()).all()
    # layers.csv: 6 significant digits at most
    values = pd.read_csv(run.dir / "layers.csv", dtype={"value": str})["value"]
    digits = values.str.replace(r"e.*$|[-.]", "", regex=True).str.lstrip("0")
    assert digits.str.len().max() == 6, values[digits.str.len().idxmax()]
    assert values.map(lambda v: re.fullmatch(r"-?[\d.]+(e[-+]\d+)?", v) is not None).all()


def test_zero_epochs_records_initialisation_only(tmp_path):
    run = harness.run(TINY, overrides={"train.epochs": 0}, out=tmp_path, verbose=0)
    assert run.status == "completed" and run.history.empty
    assert list(run.history.columns) == ["epoch", "loss", "val_loss", "accuracy", "val_accuracy"]
    assert set(run.layers.epoch) == {0}


@pytest.mark.parametrize("overrides, columns", [
    ({"data.name": "sine", "model.head": "identity", "train.loss": "rmse"},
     ["epoch", "loss", "val_loss", "mae", "val_mae", "rmse", "val_rmse"]),
    ({"data.name": "blobs", "model.head": "softmax", "train.loss": "categorical_crossentropy"},
     ["epoch", "loss", "val_loss", "accuracy", "val_accuracy"]),
    ({"data.name": "blobs", "model.head": "softmax",
      "train.loss": "sparse_categorical_crossentropy", "model.use_bias": False},
     ["epoch", "loss", "val_loss", "accuracy", "val_accuracy"]),
])
def test_every_head_trains(tmp_path, overrides, columns):
    run = harness.run(TINY, overrides=overrides, out=tmp_path, verbose=0)
    assert run.status == "completed" and list(run.history.columns) == columns
    assert (("test_rmse" in run.summary) == (run.summary["task"] == "regression"))
    assert ("bias_grad_norm" in set(run.layers.metric)) == overrides.get("model.use_bias", True)
    surface = __import__("pandas").read_csv(run.dir / "surface.csv")
    assert surface.filter(like="pred").notna().all().all()


def test_divergence_stops_and_is_recorded(tmp_path):
    run = harness.run({**TINY, "data": {"name": "sine", "n_samples": 200},
                       "model": {"head": "identity", "depth": 3, "width": 6},
                       "train": {"loss": "mse", "optimizer": "sgd", "learning_rate": 1e6,
                                 "epochs": 5, "batch_size": 16}}, out=tmp_path, verbose=0)
    assert run.summary["status"] == "diverged"
    assert run.summary["diverged_epoch"] == 1 and run.summary["diverged_step"] >= 1
    assert len(run.history) == 1


def test_every_initializer_in_the_table_builds_a_model():
    from harness.catalog.initializers import INITIALIZERS

    for name in INITIALIZERS:
        cfg, _ = load_config({"model": {"depth": 1, "width": 3, "initializer": name}})
        model = build_dense(cfg.model, 2, n_classes=2, seed=0)
        assert model.dense[0].kernel.shape == (2, 3), name
    cfg, _ = load_config({"model": {"initializer": {"name": "random_normal", "stddev": 0.01}}})
    kernel = np.asarray(build_dense(cfg.model, 2, 2, seed=0).dense[1].kernel)
    assert 0.003 < kernel.std() < 0.03
