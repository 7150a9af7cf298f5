"""Recurrent networks (issue 17): runs of each cell, timesteps.csv, dL/dh_t through the recurrence
against an independent tape, and the spectral radius of the initial recurrent kernel."""

import numpy as np
import pandas as pd
import pytest
import tensorflow as tf

from harness.training.runner import run
from harness.training.setup import setup

TINY = {"data": {"name": "adding", "length": 10, "n_samples": 200},
        "model": {"type": "recurrent", "cell": "simple", "width": 8, "depth": 1,
                  "activation": "tanh", "head": "identity"},
        "train": {"loss": "mse", "batch_size": 32, "epochs": 1}}


def tiny(**model):
    return {**TINY, "model": {**TINY["model"], **model}}


@pytest.mark.parametrize("cell", ["simple", "lstm", "gru"])
def test_a_run_of_each_cell_writes_the_gradient_over_time(tmp_path, cell):
    report = cell == "lstm"  # the report of one cell: its figures, with the cell state's
    result = run(tiny(cell=cell, depth=2), out=tmp_path / cell, verbose=0, report=report)
    assert result.summary["status"] == "completed"
    steps = pd.read_csv(tmp_path / cell / "timesteps.csv")
    assert list(steps.columns) == ["epoch", "layer", "step", "metric", "value"]
    metrics = ["c_grad_norm", "h_grad_norm"] if cell == "lstm" else ["h_grad_norm"]
    # Two logged epochs (init, 1) x two layers x the metrics x 10 steps.
    assert len(steps) == 2 * 2 * len(metrics) * 10
    assert sorted(steps["metric"].unique()) == metrics
    assert sorted(steps["layer"].unique()) == ["rnn_1", "rnn_2"]
    assert sorted(steps["step"].unique()) == list(range(1, 11))
    assert (steps["value"] > 0).all()
    top = steps[(steps.layer == "rnn_2") & (steps.metric == "h_grad_norm") & (steps.epoch == 0)]
    ratio = top.sort_values("step")["value"].to_numpy()
    assert result.summary["time_ratio_init"] == pytest.approx(ratio[0] / ratio[-1], rel=1e-5)
    assert np.isfinite(result.summary["time_ratio_final"])
    layers = pd.read_csv(tmp_path / cell / "layers.csv")
    assert {"rnn_1", "rnn_2", "output"} == set(layers["layer"])
    if report:
        for figure in ("time.png", "time_heatmap.png", "grad_norms.png", "histograms.png"):
            assert (tmp_path / cell / figure).stat().st_size > 0
        assert "Gradient over time" in (tmp_path / cell / "report.html").read_text()


def independent_grads(model, x, y):
    """dL/dh_t of a one-layer SimpleRNN by a tape of its own: the cell's weights, plain math."""
    cell, head = model.cells[0], model.head
    W, U, b = (tf.constant(v.numpy()) for v in (cell.kernel, cell.recurrent_kernel, cell.bias))
    x = tf.constant(x, tf.float32)
    with tf.GradientTape() as tape:
        tape.watch([W, U, b])
        h, hs = tf.zeros((x.shape[0], W.shape[1])), []
        for t in range(x.shape[1]):
            h = tf.tanh(x[:, t] @ W + h @ U + b)
            hs.append(h)
        y_pred = hs[-1] @ head.kernel.numpy() + head.bias.numpy()
        loss = tf.reduce_mean(tf.square(y_pred - tf.constant(y.reshape(-1, 1), tf.float32)))
    return [g.numpy() for g in tape.gradient(loss, hs)], hs


def test_the_gradient_over_time_matches_an_independent_tape():
    s = setup(tiny())
    x, y = s.data.x_train[:32], s.y["train"][:32]
    m = s.model.measure(x, y, training=True)
    mine = m.step.time[0].numpy()
    want, hs = independent_grads(s.model, x, y)
    want_norms = np.array([np.linalg.norm(g) for g in want])
    np.testing.assert_allclose(mine, want_norms, rtol=1e-4, atol=1e-8)
    # The last step has no later step: its gradient is the head's direct term alone,
    # 2 (y_pred - y) / n times the head's kernel.
    head = s.model.head
    y_pred = hs[-1].numpy() @ head.kernel.numpy() + head.bias.numpy()
    direct = 2 * (y_pred - y.reshape(y_pred.shape)) / y_pred.size @ head.kernel.numpy().T
    np.testing.assert_allclose(want[-1], direct, rtol=1e-4, atol=1e-7)
    np.testing.assert_allclose(mine[-1], np.linalg.norm(direct), rtol=1e-4, atol=1e-8)
    # Earlier steps carry the recurrence too: not the direct term (which is zero for them).
    assert mine[0] > 0


@pytest.mark.parametrize("cell,gates", [("simple", 1), ("lstm", 4)])
def test_spectral_radius_sets_the_largest_eigenvalue_of_each_gate(cell, gates):
    s = setup(tiny(cell=cell, spectral_radius=1.5, recurrent_initializer="random_normal"))
    kernel = s.model.cells[0].recurrent_kernel.numpy()
    units = kernel.shape[0]
    for g in range(gates):
        block = kernel[:, g * units:(g + 1) * units]
        assert np.max(np.abs(np.linalg.eigvals(block))) == pytest.approx(1.5, rel=1e-4)
