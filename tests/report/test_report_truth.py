"""What reports say must be true for the runs shown: captions, hints and figures of a run, a
comparison and a sweep, checked against fake run folders (tests/helpers/fake_runs.py) and their
numbers."""

import json
import re

import numpy as np
import pandas as pd
import pytest
from fake_runs import make_run

from harness.base.files import write_csv, write_json
from harness.base.frames import metric_table, vanishing_ratio
from harness.report.compare.grouped import plot_grouped_grad_norms
from harness.report.compare.plots import (
    plot_compare_grad_epochs,
    plot_compare_grad_norms,
    run_styles,
)
from harness.report.compare.runs import compare
from harness.report.html import build_report
from harness.report.run.captions import activation_caption


def _two_runs(tmp_path) -> pd.DataFrame:
    runs = {"sigmoid": make_run(tmp_path / "s", activation="sigmoid", depth=5),
            "relu": make_run(tmp_path / "r", activation="relu", depth=5)}
    return pd.concat([pd.read_csv(d / "layers.csv").assign(run=k, group=k)
                      for k, d in runs.items()])


def test_compare_and_sweep_gradient_figures_draw_the_size_fair_rms(tmp_path):
    # The vanishing ratio is on grad_rms; figures that claim to show it must draw grad_rms too,
    # or a 2 x 32 first kernel looks 4x weaker than it is next to a 32 x 32 one.
    layers = _two_runs(tmp_path)
    styles = run_styles(["sigmoid", "relu"], ["sigmoid", "relu"])
    rms = metric_table(layers[layers["run"] == "relu"], "grad_rms")
    for fig in (plot_compare_grad_norms(layers, styles), plot_grouped_grad_norms(layers)):
        assert "RMS" in fig.axes[0].get_ylabel() and "norm" not in fig._suptitle.get_text()
        relu = [line for line in fig.axes[0].get_lines() if line.get_label().startswith("relu")]
        assert list(relu[0].get_ydata()) == pytest.approx(list(rms[0]))
    epochs = plot_compare_grad_epochs(layers, styles)
    first, last = (next(line for line in ax.get_lines() if line.get_label() == "sigmoid")
                   for ax in epochs.axes[:2])
    sigmoid = layers[layers["run"] == "sigmoid"]
    # "the vertical gap between the panels is the vanishing ratio": exactly, at every epoch
    assert first.get_ydata()[0] / last.get_ydata()[0] == pytest.approx(
        vanishing_ratio(sigmoid, 0))
    old = layers[~layers["metric"].str.endswith("_rms")]  # runs recorded before grad_rms
    assert "norm" in plot_compare_grad_norms(old, styles).axes[0].get_ylabel()


def _layers(act_std: list[float], dead_last: float = 0.0) -> pd.DataFrame:
    rows = []
    for epoch in (0, 5):
        for k, std in enumerate(act_std, start=1):
            rows += [(epoch, f"hidden_{k}", "act_std", std if epoch else 0.1),
                     (epoch, f"hidden_{k}", "dead_fraction", dead_last if epoch else 0.0)]
    return pd.DataFrame(rows, columns=["epoch", "layer", "metric", "value"])


def test_spread_caption_says_grows_when_the_spread_grows_and_zero_when_it_dies():
    growing = activation_caption(_layers([0.09, 0.3, 1.0, 2.6]), ["relu"], "sigmoid", True)
    assert "within a factor of 2" not in growing
    assert "grows 28.9x" in growing
    flat = activation_caption(_layers([0.5, 0.6, 0.7, 0.8]), ["relu"], "sigmoid", True)
    assert "within a factor of 2" in flat
    dead = activation_caption(_layers([0.5, 0.2, 0.1, 0.0], dead_last=1.0), ["relu"],
                              "sigmoid", False)
    assert "infx" not in dead and "falls to 0 in layer 4" in dead


@pytest.mark.slow
def test_report_shows_the_command_as_written_in_meta_json(tmp_path):
    run_dir = make_run(tmp_path / "run")
    meta = json.loads((run_dir / "meta.json").read_text())
    write_json(run_dir / "meta.json", {**meta, "command": "python -m harness run x.yaml"})
    assert "<td>python -m harness run x.yaml</td>" in build_report(run_dir).read_text()
    write_json(run_dir / "meta.json", {**meta, "command": ["python", "-m", "harness", "run"]})
    assert "<td>python -m harness run</td>" in build_report(run_dir).read_text()  # older runs


def test_report_names_the_dead_layer_where_the_final_ratio_is_missing(tmp_path):
    run_dir = make_run(tmp_path / "dead", activation="relu", depth=4, epochs=3)
    layers = pd.read_csv(run_dir / "layers.csv")
    hit = (layers["layer"] == "hidden_3") & (layers["epoch"] >= 2)
    layers.loc[hit & (layers["metric"] == "dead_fraction"), "value"] = 1.0
    below = layers["layer"].isin(["hidden_1", "hidden_2", "hidden_3"]) & (layers["epoch"] >= 2)
    layers.loc[below & layers["metric"].str.contains("grad"), "value"] = 0.0
    write_csv(run_dir / "layers.csv", layers)
    html = build_report(run_dir).read_text()
    assert "hidden_3 is 100% dead from epoch 2: no gradient reaches the layers below" in html


@pytest.mark.slow
def test_compare_captions_name_the_measure_they_draw(tmp_path):
    dirs = [make_run(tmp_path / "sig", activation="sigmoid", depth=4),
            make_run(tmp_path / "relu", activation="relu", depth=4)]
    compare(dirs, out=tmp_path / "cmp")
    html = (tmp_path / "cmp" / "report.html").read_text()
    captions = dict(re.findall(r"<figcaption>(.*?) <span class=\"hint\">\((\w+)\.png", html))
    captions = {name: text for text, name in captions.items()}
    assert "RMS per weight" in captions["compare_grad_norms"]
    assert "RMS per weight" in captions["compare_grad_epochs"]


@pytest.mark.parametrize("values", [[0.5, 0.4, 0.5, 0.55, 0.4, 0.6, 0.5, 0.55, 0.1],
                                    [0.25, 0.22, 0.2, 0.15, 0.19, 0.16, 0.08, 0.22, 0.25],
                                    [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 0.2]])
def test_derivative_legend_covers_no_point(values):
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from harness.report.run.gradients import plot_grad_norms

    names = [f"hidden_{k}" for k in range(1, 9)] + ["output"]
    rows = [(e, n, m, v * (0.9 if e else 1.0)) for e in (0, 30) for n, v in zip(names, values)
            for m in ("act_deriv_mean", "grad_rms")]
    fig = plot_grad_norms(pd.DataFrame(rows, columns=["epoch", "layer", "metric", "value"]),
                          "sigmoid")
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    ax = fig.axes[1]
    box = ax.get_legend().get_window_extent(canvas.get_renderer())
    for line in ax.get_lines():
        if line.get_marker() in ("None", None, ""):
            continue  # the reference lines span the panel; points are what must stay visible
        for x, y in ax.transData.transform(line.get_xydata()):
            assert not box.contains(x, y), (line.get_label(), x, y)


@pytest.mark.parametrize("depth", [1, 3, 8])
def test_neurons_title_and_note_fit_the_figure_however_few_layers(tmp_path, depth):
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from harness.report.run.playground import plot_neurons

    neurons = pd.read_csv(make_run(tmp_path / "run", depth=depth, width=16) / "neurons.csv")
    fig = plot_neurons(neurons, {f"hidden_{k}": 16 for k in range(1, depth + 1)})
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    for text in [fig._suptitle, *fig.texts]:
        box = text.get_window_extent(canvas.get_renderer())
        assert box.x0 >= 0 and box.x1 <= fig.bbox.width, text.get_text()
    ax = fig.axes[0]  # tiles stay square: the mosaic's width per column = height per row
    rows, cols = (n / 8 for n in ax.get_images()[0].get_array().shape[:2])
    width, height = ax.get_window_extent().width, ax.get_window_extent().height
    assert width / cols == pytest.approx(height / rows, rel=0.25)


def test_histogram_caption_says_end_bins_are_cut_and_their_share_written(tmp_path):
    html = build_report(make_run(tmp_path / "run", activation="relu")).read_text()
    caption = html.split("<h3>Distributions per layer</h3>")[1].split("</figcaption>")[0]
    assert "scaled to its tallest bar but the two end bins" in caption
    assert "share written at the right" in caption


def test_compare_histograms_cut_an_end_bin_that_would_flatten_the_other_runs():
    from harness.report.compare.layers import plot_compare_histograms

    edges = np.linspace(0.0, 1.0, 26)
    spread = np.exp(-((edges[:-1] - 0.5) / 0.15) ** 2) * 40  # a sigmoid's hump
    zeros = np.r_[900, np.full(24, 4)]  # a ReLU layer: 90% exact zeros in the first bin
    frame = pd.concat([pd.DataFrame({
        "run": run, "epoch": epoch, "layer": "hidden_1", "quantity": "activation",
        "scale": "linear", "bin_left": edges[:-1], "bin_right": edges[1:], "count": counts})
        for run, counts in [("sigmoid", spread.round()), ("relu", zeros)] for epoch in (0, 3)])
    fig = plot_compare_histograms(frame, run_styles(["sigmoid", "relu"], ["sigmoid", "relu"]))
    ax = fig.axes[0]
    hump = spread.round() / spread.round().sum() / 0.04
    assert ax.get_ylim()[1] == pytest.approx(1.15 * hump.max())  # the hump fills the panel
    notes = [t.get_text() for t in ax.texts]
    assert notes == ["90% in the left end bin (bar cut)"]
