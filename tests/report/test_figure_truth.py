"""Figures whose captions contradicted what they drew (issue 28), checked on made-up frames: each
claim is computed from the numbers drawn, so changing the numbers flips the claim."""

import numpy as np
import pandas as pd
import pytest

from harness.report.compare.grouped import plot_grouped_grad_norms
from harness.report.compare.plots import plot_compare_grad_norms, run_styles
from harness.report.run import captions
from harness.report.run.distributions import plot_histograms
from harness.report.run.feature_maps import maps_caption, plot_feature_maps, read_maps
from harness.report.run.gradients import layer_factors, plot_grad_norms
from harness.report.run.theory import plot_jacobians, plot_theory
from harness.report.run.weights import change_words, read_change
from harness.sweeps.figures import plot_ratio_by_depth

# --- feature_maps.png ---------------------------------------------------------------------------


def feature_maps(deep_pattern: float) -> pd.DataFrame:
    """An input, conv_1 showing a stroke (range 0.3) and conv_2 of 12 x 12 whose interior is
    flat unless `deep_pattern` > 0, with a bright padding frame (range 0.3 at every depth, as
    conv_sigmoid's maps)."""
    rows = []
    size = 12
    for layer, channel in [("input", 0), ("conv_1", 0), ("conv_1", 1), ("conv_2", 0),
                           ("conv_2", 1)]:
        image = np.full((size, size), 0.5)
        if layer != "conv_2":
            image[:, 5] += 0.3  # a vertical stroke
        else:
            image[:, 5] += deep_pattern
            image[0, :] = image[-1, :] = image[:, 0] = image[:, -1] = 0.8  # padding frame
        r, c = np.indices(image.shape)
        rows.append(pd.DataFrame({"layer": layer, "channel": channel, "row": r.ravel(),
                                  "col": c.ravel(), "value": image.ravel()}))
    return pd.concat(rows, ignore_index=True)


def test_feature_maps_share_one_scale_and_the_flat_claim_follows_the_interior():
    maps = feature_maps(deep_pattern=0.0)
    fig = plot_feature_maps(maps)
    conv_images = [ax.get_images()[0] for ax in fig.axes[2:] if ax.get_images()]
    assert len({im.get_clim() for im in conv_images}) == 1  # one grey scale for every conv map
    found = read_maps(maps)
    # the frame (0.8 against 0.5) does not set conv_2's range: its interior is flat
    assert found.ranges["conv_2"] == pytest.approx(0.0) and found.flat == ["conv_2"]
    assert "Flat grey here" in maps_caption(maps) and "conv_2" in maps_caption(maps)
    assert any("flat" in ax.get_ylabel() for ax in fig.axes)
    # the same figure with a stroke through conv_2's interior: no longer flat, the claim flips
    patterned = feature_maps(deep_pattern=0.3)
    assert read_maps(patterned).flat == [] and "no layer is flat" in maps_caption(patterned)


# --- first_layer_weights.png --------------------------------------------------------------------


def weights(change: np.ndarray) -> pd.DataFrame:
    init = np.random.default_rng(0).normal(0, 0.2, change.shape)
    units, inputs = change.shape
    return pd.concat([pd.DataFrame({"epoch": e, "unit": np.repeat(np.arange(units), inputs),
                                    "input": np.tile(np.arange(inputs), units),
                                    "value": v.ravel()})
                      for e, v in [(0, init), (3, init + change)]], ignore_index=True)


def test_first_layer_weights_say_how_far_they_moved():
    shift = np.full((4, 9), 0.005)  # conv_sigmoid: ~2% of the weights, one even shift a filter
    words = change_words(read_change(weights(shift)))
    assert "hardly moved" in words and "one even shift" in words
    pattern = np.full((4, 9), -0.15)
    pattern[:, ::2] = 0.3  # strokes on a darker ground, as large as the weights
    words = change_words(read_change(weights(pattern)))
    assert "hardly moved" not in words and "shift" not in words


# --- histograms.png -----------------------------------------------------------------------------


def histograms(zero_share: float, activation_scale: str = "linear") -> pd.DataFrame:
    edges = np.linspace(-12, 3, 61)
    counts = np.r_[zero_share * 1000, np.full(59, (1 - zero_share) * 1000 / 59)]
    frames = [pd.DataFrame({"epoch": e, "layer": "conv_1", "quantity": "preact_grad",
                            "scale": "log10_abs", "bin_left": edges[:-1],
                            "bin_right": edges[1:], "count": counts}) for e in (0, 1)]
    a = np.linspace(0, 1, 21)
    frames += [pd.DataFrame({"epoch": e, "layer": "conv_1", "quantity": "activation",
                             "scale": activation_scale, "bin_left": a[:-1], "bin_right": a[1:],
                             "count": np.r_[400, np.full(18, 10), 400]}) for e in (0, 1)]
    return pd.concat(frames, ignore_index=True)


def notes(fig) -> list[str]:
    return [t.get_text() for ax in fig.axes for t in ax.texts]


def test_histogram_notes_explain_max_pool_zeros_and_saturation():
    hist = histograms(zero_share=0.75)
    pooled = notes(plot_histograms(hist, "sigmoid", pooled=["conv_1"]))
    assert "0: 75%\n(max-pool)" in pooled
    assert "0: 75%" in notes(plot_histograms(hist, "sigmoid"))  # no pool: no such claim
    assert any(n.startswith("saturated ") for n in pooled) and not any(
        n.startswith("ends") for n in pooled)
    assert "max-pool" in captions.histogram_caption(["conv_3"])
    assert "max-pool" not in captions.histogram_caption([])


# --- update_ratio.png, the comparison words ------------------------------------------------------


@pytest.mark.parametrize("value, reference, words", [
    (3.4e-4, 2.1e-3, "6.2x smaller than"), (1e-3, 1.2e-3, "about as large as"),
    (2.1e-3, 3.4e-4, "6.2x larger than"), (1e-5, 1e-3, "100x smaller than")])
def test_size_words_follow_the_numbers(value, reference, words):
    assert captions.compare_sizes(value, reference) == words


# --- grad_norms.png's right panel and jacobians.png ---------------------------------------------


def relu_like(first_over_last: float, depth: int = 4) -> pd.DataFrame:
    """layers.csv of a ReLU net at epochs 0 and 1: dL/dz shrinks 0.56x a layer on its way down
    (mean singular value 0.5, mean slope 0.5), the kernel gradient's first / last ratio given."""
    rows = []
    hidden = [f"hidden_{i}" for i in range(1, depth + 1)]
    for epoch in (0, 1):
        for i, name in enumerate([*hidden, "output"]):
            dz = 0.56 ** (depth - i)
            grad = first_over_last ** ((depth - 1 - i) / (depth - 1)) if i < depth else 1.0
            rows += [(epoch, name, "preact_grad_rms", dz), (epoch, name, "grad_rms", grad)]
            if i < depth:
                rows += [(epoch, name, "act_deriv_mean", 0.5),
                         (epoch, name, "jacobian_sv_mean", 0.5),
                         (epoch, name, "jacobian_sv_max", 1.6)]
    return pd.DataFrame(rows, columns=["epoch", "layer", "metric", "value"])


def test_the_right_panel_draws_the_measured_factor_not_the_slope():
    layers = relu_like(first_over_last=3.5)
    factors = layer_factors(layers)
    assert factors[0].to_numpy() == pytest.approx([0.56] * 4)
    fig = plot_grad_norms(layers, "relu")
    right = fig.axes[1]
    line = next(ln for ln in right.get_lines() if ln.get_label().startswith("factor, epoch 0"))
    assert line.get_ydata() == pytest.approx([0.56] * 4)
    assert "dL/dz" in right.get_title() and "activation derivative" not in right.get_title()
    text = captions.gradient_caption(layers, "adam")
    assert "geometric mean over 4 layers is 0.56: dL/dz shrinks" in text


def test_jacobians_say_when_the_mean_reads_as_vanishing_but_the_gradient_does_not_vanish():
    layers = relu_like(first_over_last=3.5)
    reading = captions.jacobian_reading(layers)
    assert "yet the weight gradient does not vanish" in reading and "3.5" in reading
    assert "does not vanish" in plot_jacobians(layers).axes[0].get_title()
    vanishing = relu_like(first_over_last=1e-4)  # the same Jacobians in a sigmoid-like net
    reading = captions.jacobian_reading(vanishing)
    assert "does not vanish" not in reading and "shrinks layer by layer" in reading
    assert "does not vanish" not in plot_jacobians(vanishing).axes[0].get_title()


# --- empty sweep panels, compare's output label, theory's legend --------------------------------


def test_sweep_figures_draw_no_after_panel_without_training():
    layers = relu_like(3.5).assign(run="a", group="relu")
    assert len(plot_grouped_grad_norms(layers).axes) == 2
    untrained = layers[layers.epoch == 0]
    assert len(plot_grouped_grad_norms(untrained).axes) == 1
    runs = pd.DataFrame({"model.depth": [2, 4], "group": "sigmoid", "epochs_run": [0, 0],
                         "vanishing_ratio_init": [0.1, 1e-3],
                         "vanishing_ratio_final": [0.1, 1e-3]})
    fig = plot_ratio_by_depth(runs, {"sigmoid": "#d62728"})
    assert [ax.get_title() for ax in fig.axes] == ["at initialisation"]
    trained = plot_ratio_by_depth(runs.assign(epochs_run=3), {"sigmoid": "#d62728"})
    assert [ax.get_title() for ax in trained.axes] == ["at initialisation",
                                                       "after the last epoch"]


def test_compare_names_the_output_layer_as_the_run_figure_does():
    layers = relu_like(3.5).assign(run="relu")
    fig = plot_compare_grad_norms(layers, run_styles(["relu"], ["relu"]))
    assert [t.get_text() for t in fig.axes[0].get_xticklabels()][-1] == "output"
    grouped = plot_grouped_grad_norms(layers.assign(group="relu"))
    assert [t.get_text() for t in grouped.axes[0].get_xticklabels()][-1] == "output"


def test_theory_legend_names_theory_and_measurement_apart():
    rows = [(0, f"hidden_{i}", m, v) for i in (1, 2, 3)
            for m, v in [("theory_preact_std", 1.0), ("preact_std", 1.1),
                         ("theory_grad_ratio", 1.0), ("grad_rms", 1e-3),
                         ("theory_preact_grad_ratio", 1.0), ("preact_grad_rms", 1e-3)]]
    fig = plot_theory(pd.DataFrame(rows, columns=["epoch", "layer", "metric", "value"]))
    labels = fig.axes[0].get_legend_handles_labels()[1]
    assert labels == ["z's size, theory: sqrt(q_l)", "z's size, measured (preact_std)"]


def test_phase_colours_reach_every_chi_drawn():
    from harness.report.phase import chi_norm

    sigmoid = {"sigmoid": pd.DataFrame({"sigma_w2": [1, 2], "sigma_b2": [0, 0],
                                        "chi": [1e-3, 0.25]})}
    norm = chi_norm(sigmoid)
    assert norm.vmin <= 1e-3 and norm.vmax == pytest.approx(1 / norm.vmin)
