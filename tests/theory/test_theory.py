"""The mean-field recursion (harness.theory.meanfield, harness.theory.phase) and the layer Jacobians
(harness.measure.jacobian), against closed forms, Keras' own initializers and measured networks."""

import math
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from harness.catalog import initializers, slopes
from harness.cli import predict
from harness.config.model import ModelConfig
from harness.measure import jacobian
from harness.report.draw.style import NothingToPlot
from harness.report.lr_range import plot_lr_range
from harness.report.phase import plot_phase
from harness.report.run.theory import LEGEND_EPOCHS, plot_jacobians, plot_theory
from harness.theory import meanfield as theory
from harness.theory import phase

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("q", [1e-6, 0.3, 2.0, 50.0, 1e6])
def test_gaussian_moments_match_closed_forms(q):
    relu = theory.gaussian_moments(slopes.elementwise("relu"), q)
    linear = theory.gaussian_moments(slopes.elementwise("linear"), q)
    step = theory.gaussian_moments(slopes.elementwise("step"), q)
    np.testing.assert_allclose(relu, (q / 2, 0.5), rtol=1e-9, atol=0)
    np.testing.assert_allclose(linear, (q, 1.0), rtol=1e-9, atol=0)
    np.testing.assert_allclose(step, (0.5, 0.0), rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("q, value2, slope2", [
    # by scipy.integrate.quad, independently: E[tanh(h)^2], E[tanh'(h)^2], h ~ N(0, q)
    (1.0, 0.3942944904, 0.4644029024),
    (10.0, 0.7572662769, 0.1655724208),  # where 100-node Gauss-Hermite is 2% off
    (1e4, 0.9920214825, 0.005319144644),
])
def test_gaussian_moments_of_tanh_across_scales(q, value2, slope2):
    got = theory.gaussian_moments(slopes.elementwise("tanh"), q)
    np.testing.assert_allclose(got, (value2, slope2), rtol=2e-6, atol=1e-12)


def test_kinks_away_from_zero_are_integrated_exactly():
    # hard_sigmoid' is 1/6 on |h| < 3: E[f'^2] = P(|h| < 3) / 36
    q = 4.0
    expected = math.erf(3 / math.sqrt(2 * q)) / 36
    got = theory.gaussian_moments(slopes.elementwise("hard_sigmoid"), q)[1]
    assert got == pytest.approx(expected, rel=1e-10, abs=0)


@pytest.mark.parametrize("spec", [
    "glorot_uniform", "glorot_normal", "he_uniform", "he_normal", "lecun_uniform", "lecun_normal",
    {"name": "random_normal", "stddev": 0.1}, {"name": "random_uniform", "minval": -0.2,
                                                "maxval": 0.2},
    {"name": "truncated_normal", "stddev": 0.1}, {"name": "orthogonal", "gain": 1.5},
    {"name": "variance_scaling", "scale": 3.0, "mode": "fan_out", "distribution": "uniform"},
    {"name": "variance_scaling", "scale": 0.5, "mode": "fan_avg",
     "distribution": "untruncated_normal"}, "zeros",
])
def test_kernel_variance_is_what_keras_draws(spec):
    fan_in, fan_out = 300, 200
    kernel = np.asarray(initializers.keras_initializer(spec, 0)((fan_in, fan_out)), dtype=float)
    predicted = theory.kernel_variance(spec, fan_in, fan_out)
    measured = float(np.mean(np.square(kernel)))  # about 60,000 draws: ~1% sampling error
    assert measured == pytest.approx(predicted, rel=0.03, abs=1e-12)


def test_every_initializer_in_the_table_is_covered():
    for name in initializers.INITIALIZERS:
        try:
            theory.kernel_variance(name, 10, 20)
        except theory.NotApplicable as e:
            assert name in ("ones",) and "mean 1" in str(e)


@pytest.mark.parametrize("activation, init", [("tanh", "glorot_uniform"), ("relu", "he_normal")])
def test_predicted_preact_std_matches_a_wide_network(activation, init):
    width, depth = 1000, 5
    rng = np.random.default_rng(0)
    x = rng.standard_normal((500, 20))
    cfg = ModelConfig(depth=depth, width=width, activation=activation, initializer=init)
    pred = theory.predict(cfg, 20, theory.second_moment(x))
    fn = slopes.elementwise(activation)
    a, fans = x, [20] + [width] * depth
    for i, row in pred.layers.iterrows():
        k = np.asarray(initializers.keras_initializer(init, i)((fans[i], width)), dtype=float)
        z = a @ k
        assert np.sqrt(np.mean(z ** 2)) == pytest.approx(row.theory_preact_std, rel=0.06)
        a = fn(z)[0]


def test_prediction_rows_and_ratio():
    cfg = ModelConfig(depth=4, width=32, activation="sigmoid")
    pred = theory.predict(cfg, 2, 0.5, n_outputs=1)
    assert pred.reason is None
    assert pred.layers.layer.tolist() == ["hidden_1", "hidden_2", "hidden_3", "hidden_4", "output"]
    assert pred.layers.sigma_w2.iloc[1] == pytest.approx(1.0)  # Glorot at equal widths
    assert pred.vanishing_ratio == pytest.approx(pred.layers.theory_grad_ratio.iloc[0])
    assert pred.layers.theory_grad_ratio.iloc[3] == pytest.approx(1.0)
    assert pred.vanishing_ratio < 0.1  # sigmoid's slopes (<= 1/4) shrink it at every layer
    tidy = pred.tidy()
    assert set(tidy.metric) == set(theory.COLUMNS[1:]) and (tidy.epoch == 0).all()
    # dL/dz: a product of sigma_w^2 E[f'(h)^2] factors, each below 1/16 * 1 for sigmoid
    assert pred.layers.theory_preact_grad_ratio.iloc[0] < 0.25 ** 3


@pytest.mark.parametrize("change, words", [
    ({"batch_norm": "before"}, "batch norm"), ({"residual": 1}, "skip"),
    ({"dropout": 0.2}, "dropout"), ({"initializer": "ones"}, "mean 1"),
    ({"activation": "softmax"}, "not elementwise"), ({"depth": 0}, "no hidden layer"),
])
def test_where_the_recursion_does_not_apply_it_says_why(change, words):
    pred = theory.predict(ModelConfig(**{"depth": 4, **change}), 2, 0.5)
    assert words in pred.reason and pred.layers.empty and math.isnan(pred.vanishing_ratio)


def test_phase_diagram_has_the_known_critical_points():
    # tanh: chi = sigma_w^2 at q* = 0, so sigma_b = 0 is critical at sigma_w^2 = 1;
    # relu: chi = sigma_w^2 / 2 whatever q (He's sigma_w^2 = 2)
    tanh = phase.phase_grid("tanh", [0.8, 1.2], [0.0])
    assert tanh.chi.tolist() == pytest.approx([0.8, 1.0], abs=0.05)
    assert tanh.chi.iloc[0] < 1 < phase.phase_grid("tanh", [1.3], [0.0]).chi.iloc[0]
    relu = phase.phase_grid("relu", [1.0, 3.0], [0.0, 0.5])
    assert relu.chi.tolist() == pytest.approx([0.5, 0.5, 1.5, 1.5], rel=1e-6)
    # a bias pushes tanh's critical sigma_w^2 up (Schoenholz et al. 2017, figure 1)
    assert phase.phase_grid("tanh", [1.2], [0.5]).chi.iloc[0] < 1


def test_layer_jacobian_singular_values_are_exact_on_small_cases():
    rng = np.random.default_rng(0)
    kernels = [rng.standard_normal((4, 3)), rng.standard_normal((3, 5))]
    slope = [rng.uniform(0.1, 1, (2, 3)), rng.uniform(0.1, 1, (2, 5))]
    got = jacobian.spectra(kernels, slope)
    for p in range(2):
        j1 = np.diag(slope[0][p]) @ kernels[0].T
        j2 = np.diag(slope[1][p]) @ kernels[1].T
        # (5, 4) of rank 3: its smallest singular value, 0, comes out as rounding noise
        np.testing.assert_allclose(got.end_to_end[p], np.linalg.svd(j2 @ j1, compute_uv=False),
                                   rtol=1e-9, atol=1e-7)
    sv1 = np.linalg.svd(slope[0][:, :, None] * kernels[0].T[None], compute_uv=False)
    assert got.layers.jacobian_sv_mean.iloc[0] == pytest.approx(sv1.mean(), rel=1e-9)
    assert got.layers.jacobian_sv_max.iloc[0] == pytest.approx(sv1.max(), rel=1e-9)


def test_in_graph_layer_jacobians_are_numpys():
    """`jacobian.mean_and_max` (TensorFlow, padded Gram matrices) against `spectra` (NumPy), on
    both sides of the Gram (fan_in < units and >), a dead unit, and a diverged layer."""
    import tensorflow as tf

    rng = np.random.default_rng(1)
    kernels = [rng.standard_normal(shape) for shape in ((2, 5), (5, 7), (7, 3), (3, 3))]
    slopes = [rng.uniform(0, 1, (4, k.shape[1])) for k in kernels]
    slopes[1][:, 0] = 0.0  # a unit dead for every probe: a zero singular value, counted
    expected = jacobian.spectra(kernels, slopes).layers
    got = jacobian.mean_and_max([tf.constant(k, tf.float32) for k in kernels],
                                [tf.constant(d, tf.float32) for d in slopes]).numpy()
    np.testing.assert_allclose(got, expected[["jacobian_sv_mean", "jacobian_sv_max"]],
                               rtol=1e-5, atol=1e-7)
    diverged = jacobian.mean_and_max([kernels[0], kernels[1] * np.nan], slopes[:2]).numpy()
    assert np.isfinite(diverged[0]).all() and np.isnan(diverged[1]).all()


@pytest.mark.slow
@pytest.mark.parametrize("spec, first, last", [
    ("glorot_uniform", 0.54, 0.76),
    ({"name": "random_uniform", "minval": -1 / math.sqrt(1000),
      "maxval": 1 / math.sqrt(1000)}, 0.39, 0.49),
])
def test_glorot_and_bengio_layer_jacobians(spec, first, last):
    """Glorot & Bengio 2010, s4.2.2: tanh, 5 x 1000, N(0, 1) inputs; one probe example (the
    spectrum of a 1000 x 1000 Jacobian is its own average)."""
    n, depth = 1000, 5
    a = np.random.default_rng(0).standard_normal((1, n))
    kernels, zs = [], []
    for i in range(depth):
        kernels.append(np.asarray(initializers.keras_initializer(spec, i)((n, n)), dtype=float))
        zs.append(a @ kernels[-1])
        a = np.tanh(zs[-1])
    got = jacobian.spectra(kernels, slopes.of_layers(["tanh"] * depth, zs)).layers
    assert got.jacobian_sv_mean.iloc[0] == pytest.approx(first, abs=0.02)
    assert got.jacobian_sv_mean.iloc[-1] == pytest.approx(last, abs=0.02)
    assert got.jacobian_sv_mean.is_monotonic_increasing


def test_theory_command_writes_the_table_and_the_phase_diagram(tmp_path):
    text, paths = predict.explain(ROOT / "configs/tanh_deep.yaml", out=tmp_path)
    assert [p.name for p in paths] == ["theory.csv", "phase.png"]
    table = pd.read_csv(paths[0])
    assert list(table.columns) == theory.COLUMNS and len(table) == 9  # 8 hidden + output
    assert "predicted vanishing ratio" in text and "tanh: chi = " in text
    assert paths[1].read_bytes().startswith(b"\x89PNG")


def test_theory_command_says_why_there_is_no_prediction(tmp_path):
    text, paths = predict.explain(ROOT / "configs/relu_deep.yaml",
                                  overrides=["model.batch_norm=before"], out=tmp_path)
    assert text.startswith("no prediction: batch norm")
    assert pd.read_csv(paths[0]).empty  # a header, no numbers


def test_theory_command_runs_without_tensorflow(tmp_path):
    code = ("import sys; from harness.cli.predict import explain; "
            f"explain({str(ROOT / 'configs/sigmoid_deep.yaml')!r}, out={str(tmp_path)!r}); "
            "assert 'tensorflow' not in sys.modules, 'tensorflow loaded'")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=300)
    assert result.returncode == 0, result.stderr


def test_phase_figure_draws_the_critical_line_and_the_point():
    grid = phase.phase_grid("tanh", np.linspace(0.2, 3, 12), np.linspace(0, 0.5, 6))
    fig = plot_phase({"tanh": grid}, {"tanh": [(1.0, 0.0, "this config")]})
    ax = fig.axes[0]
    labels = ax.get_legend_handles_labels()[1]
    assert labels == ["chi = 1 (edge of chaos)", "this config"]
    sigmoid = plot_phase({"sigmoid": phase.phase_grid("sigmoid", [1.0, 2.0], [0.0, 0.5])})
    assert any("chi < 1 everywhere" in t.get_text() for t in sigmoid.axes[0].texts)


def test_lr_range_figure_needs_rows():
    with pytest.raises(NothingToPlot):
        plot_lr_range(pd.DataFrame(columns=["step", "learning_rate", "loss", "smoothed_loss"]))
    frame = pd.DataFrame({"step": [0, 1, 2], "learning_rate": [1e-3, 1e-2, 1e-1],
                          "loss": [0.7, 0.5, np.nan], "smoothed_loss": [0.7, 0.6, np.nan]})
    fig = plot_lr_range(frame, suggested=1e-3, configured=0.01)
    assert fig.axes[0].get_xscale() == "log"


def test_activations_without_a_formula_go_through_keras():
    # relu6 has no NumPy formula here: autodiff of Keras' function; E[relu6(h)^2] = q / 2 while
    # h stays far below 6
    value2, slope2 = theory.gaussian_moments(slopes.elementwise("relu6"), 0.01)
    assert (value2, slope2) == pytest.approx((0.005, 0.5), rel=1e-6)
    with pytest.raises(theory.NotApplicable, match="not elementwise"):
        phase.moment_table("glu")


def test_theory_figure_draws_the_measured_points_over_the_lines():
    pred = theory.predict(ModelConfig(depth=4, width=16, activation="tanh"), 2, 0.5, 1)
    names = [f"hidden_{i}" for i in range(1, 5)] + ["output"]
    measured = pd.DataFrame([
        {"epoch": 0, "layer": n, "metric": m, "value": v}
        for n, v in zip(names, [0.3, 0.25, 0.2, 0.18, 0.2])
        for m in ("preact_std", "grad_rms", "preact_grad_rms")])
    fig = plot_theory(pd.concat([measured, pred.tidy()]))
    sizes, grads = fig.axes[:2]
    assert [len(line.get_xdata()) for line in sizes.lines] == [4, 4]  # line + points, hidden
    assert grads.get_yscale() == "log"
    np.testing.assert_allclose(grads.lines[1].get_ydata(), [0.3 / 0.18, 0.25 / 0.18,
                                                            0.2 / 0.18, 1.0], rtol=1e-12)
    with pytest.raises(NothingToPlot, match="batch norm"):
        plot_theory(measured, reason="batch norm rescales ...")
    with pytest.raises(NothingToPlot, match="no mean-field prediction"):
        plot_theory(measured)


def test_jacobian_figure_draws_one_line_per_logged_epoch():
    names = ["hidden_1", "hidden_2", "hidden_3"]
    rows = pd.DataFrame([
        {"epoch": e, "layer": n, "metric": m, "value": (1 + e) * (i + 1) * (2 if "max" in m else 1)}
        for e in (0, 1, 5) for i, n in enumerate(names)
        for m in ("jacobian_sv_mean", "jacobian_sv_max")])
    stats = rows.assign(metric="grad_rms", epoch=3)  # an epoch with statistics alone
    fig = plot_jacobians(pd.concat([rows, stats]))
    mean, largest = fig.axes[:2]
    drawn = [line for line in mean.lines if len(line.get_xdata()) == 3]  # not the line at 1
    assert [line.get_label() for line in drawn] == ["init", "epoch 1", "epoch 5"]
    np.testing.assert_allclose(drawn[-1].get_ydata(), [6, 12, 18], rtol=1e-12)
    np.testing.assert_allclose(largest.lines[0].get_ydata(), [2, 4, 6], rtol=1e-12)
    assert [t.get_text() for t in fig.legends[0].get_texts()] == ["init", "epoch 1", "epoch 5"]
    many = pd.concat([rows[rows.epoch == 0].assign(epoch=e) for e in range(LEGEND_EPOCHS + 1)])
    assert not plot_jacobians(many).legends  # a colour bar instead
    with pytest.raises(NothingToPlot, match="no layer Jacobians: the recursion does not apply"):
        plot_jacobians(stats, reason="the recursion does not apply (conv layers ...)")
    with pytest.raises(NothingToPlot, match="no layer Jacobians"):
        plot_jacobians(stats)
