"""Figures that must not mislead (issue 18): what each one draws is checked on made-up frames,
the way a reader would see it (colours of pixels, texts inside the figure, sentences that parse)."""

import re
import shutil
import subprocess

import pandas as pd
import pytest

from harness.report.run.distributions import plot_update_ratio


def _update_ratios(first: float, last: float) -> pd.DataFrame:
    return pd.DataFrame({"epoch": [1, 1], "layer": ["hidden_1", "hidden_8"],
                         "metric": "update_ratio", "value": [first, last]})


@pytest.mark.parametrize("first, last, says", [
    (1e-3, 1.2e-3, "hidden_1's steps are about as large as hidden_8's"),
    (1e-5, 1e-3, "hidden_1's steps are 100x smaller than hidden_8's"),
    (1e-1, 1e-3, "hidden_1's steps are 100x larger than hidden_8's"),
    # conv_sigmoid read "about as large as conv_8's (3.4e-04 vs 2.1e-03)": a 6x gap
    (3.4e-4, 2.1e-3, "hidden_1's steps are 6.2x smaller than hidden_8's"),
    (2.1e-3, 3.4e-4, "hidden_1's steps are 6.2x larger than hidden_8's"),
])
def test_update_ratio_subtitle_is_a_sentence(first, last, says):
    # ReLU's subtitle read "about as large than": the comparison word follows the size
    subtitle = plot_update_ratio(_update_ratios(first, last), "relu").axes[0].get_title()
    assert subtitle.startswith(f"epoch 1: {says} (")


def _boundary(span1, span2, class_names=None, input_names=None):
    import numpy as np

    from harness.report.run.boundary import plot_decision_boundary

    g1, g2 = np.meshgrid(np.linspace(0, span1, 5), np.linspace(20, 20 + span2, 5))
    surface = pd.DataFrame({"x1": g1.ravel(), "x2": g2.ravel(), "pred": 0.25})
    surface.loc[::2, "pred"] = 0.75
    points = pd.DataFrame({"split": ["train", "test"], "x1": [0.0, span1],
                           "x2": [20.0, 20 + span2], "y": [0, 1]})
    return plot_decision_boundary(points, surface, "binary", "relu", class_names, input_names)


def _boxes(fig):
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    renderer = canvas.get_renderer()
    plane, bar = fig.axes
    return (plane.get_window_extent(renderer), bar.get_window_extent(renderer),
            plane.get_legend().get_window_extent(renderer), fig.bbox)


@pytest.mark.parametrize("names", [("rain", "dry"), ("inside the ring", "outside the ring")])
def test_csv_boundary_fills_its_plot_and_its_legend_is_whole(names):
    # temperature 0-10 against humidity 20-55: equal aspect in raw units drew a strip a fifth of
    # the figure wide, and the colour bar cut the legend ("dry (orange...")
    fig = _boundary(10.0, 35.0, names, ("temperature", "humidity"))
    plane, bar, legend, figure = _boxes(fig)
    assert fig.axes[0].get_aspect() == "auto"
    assert plane.width > 0.6 * figure.width
    assert legend.x0 >= 0 and legend.x1 <= figure.width and legend.y1 <= figure.height
    assert not legend.overlaps(bar) and not legend.overlaps(plane)  # no point hidden either
    title = fig.axes[0].get_legend().get_title().get_text()
    assert title == f"{names[0]} (orange) / {names[1]} (blue)"


def test_toy_boundary_keeps_circles_round():
    fig = _boundary(2.0, 2.4)  # the toys' two inputs share a unit
    assert fig.axes[0].get_aspect() == 1.0
    plane, bar, legend, figure = _boxes(fig)
    assert not legend.overlaps(bar) and legend.x1 <= figure.width


def _wobbling_surface(levels):
    import numpy as np

    g1, g2 = np.meshgrid(np.linspace(-1, 1, 6), np.linspace(-1, 1, 6))
    return pd.concat([pd.DataFrame({"epoch": epoch, "x1": g1.ravel(), "x2": g2.ravel(),
                                    "pred": level + 0.01 * g1.ravel()})
                      for epoch, level in enumerate(levels)], ignore_index=True)


def test_boundary_epochs_of_a_run_at_chance_stay_one_neutral_colour():
    import numpy as np

    from harness.report.run.playground import plot_boundary_epochs

    points = pd.DataFrame({"split": "train", "x1": [-0.5, 0.5], "x2": [0.0, 0.0], "y": [0, 1]})
    # P(class 1) wobbling around 0.5 flipped the background between orange and blue
    chance = plot_boundary_epochs(points, _wobbling_surface([0.45, 0.55, 0.42, 0.58]), "binary")
    panels = [image.get_array() for image in chance.axes[0].get_images()]
    assert len(panels) == 4
    for panel in panels:
        np.testing.assert_allclose(panel, panels[0], atol=1e-6)
    grey = panels[0][0, 0]
    assert np.ptp(grey) < 0.05  # neutral: red, green and blue alike
    # a model that decides keeps its colours: orange for class 0, blue for class 1
    sure = plot_boundary_epochs(points, _wobbling_surface([0.05, 0.95]), "binary")
    orange, blue = (image.get_array()[0, 0] for image in sure.axes[0].get_images())
    assert orange[0] > orange[2] + 0.3 and blue[2] > blue[0] + 0.3


CHROMIUM = shutil.which("chromium")
# Writes each table's width and its box's into <body data-tables="scroll/client ...">.
MEASURE = """<script>window.addEventListener("load", function () {
  document.body.dataset.tables = Array.prototype.map.call(document.querySelectorAll("table"),
    function (t) { return t.scrollWidth + "/" + t.parentElement.clientWidth; }).join(" ");
});</script></body>"""


@pytest.mark.skipif(CHROMIUM is None,
                    reason="no `chromium` binary on PATH (Debian: apt-get install -y chromium)")
def test_sweep_summary_table_fits_a_1400_pixel_window(tmp_path):
    import numpy as np

    from harness.report import page
    from harness.sweeps.report import summary_section
    from harness.sweeps.tables import summary_frame

    # the 6 x 3 grid of experiments/vanishing_gradients.yaml, every column its page shows
    rng = np.random.default_rng(0)
    cells = [(a, d, s) for a in ("sigmoid", "tanh", "relu", "leaky_relu", "elu", "gelu")
             for d in (2, 5, 10) for s in range(3)]
    runs = pd.DataFrame(cells, columns=["model.activation", "model.depth", "seed"]).assign(
        status="completed", test_loss=rng.uniform(0.05, 0.7, len(cells)),
        test_accuracy=rng.uniform(0.5, 0.99, len(cells)),
        train_accuracy=rng.uniform(0.5, 0.99, len(cells)),
        # a decade apart from cell to cell, a factor of up to 2 between seeds
        vanishing_ratio_init=10 ** (-np.arange(len(cells)) // 3 / 2 + rng.uniform(
            -0.3, 0.3, len(cells))),
        vanishing_ratio_final=10 ** (-np.arange(len(cells)) // 3 / 3 + rng.uniform(
            -0.3, 0.3, len(cells))),
        dead_fraction_final=rng.uniform(0, 0.4, len(cells)),
        saturation_final=rng.uniform(0, 0.3, len(cells)),
        wall_time_s=rng.uniform(1, 9, len(cells)))
    summary = summary_frame(runs, ["model.activation", "model.depth"])
    summary["expect"] = ["not met", "met", ""] * 6
    html = page.page("sweep", [summary_section(summary, ["model.activation", "model.depth"])])
    path = tmp_path / "page.html"
    path.write_text(html.replace("</body>", MEASURE))
    done = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         f"--user-data-dir={tmp_path / 'profile'}", "--window-size=1400,1000",
         "--virtual-time-budget=5000", "--dump-dom", path.as_uri()],
        capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr[-2000:]
    widths = re.search(r'data-tables="([^"]*)"', done.stdout).group(1)
    table, box = map(int, widths.split("/"))
    # it was 1,571 px in a 1,180 px column: the last four columns were cut
    assert table <= box, f"the summary table is {table} px wide in a {box} px column"


@pytest.mark.parametrize("activation, values, colours", [
    # sigmoid's outputs are all positive: orange < 0 < blue drew every unit blue
    ("sigmoid", [0.02, 0.5, 0.98], ["orange", "neutral", "blue"]),
    ("tanh", [-0.95, 0.0, 0.95], ["orange", "neutral", "blue"]),
    ("relu", [0.0, 0.5, 1.0], ["neutral", "blue", "blue"]),  # unbounded: 0 white, as before
])
def test_unit_maps_colour_the_activations_own_range(activation, values, colours):
    import numpy as np

    from harness.report.run.playground import NEURON_PIXELS, plot_neurons

    axis = np.linspace(-1.0, 1.0, 4)
    x1, x2 = (g.ravel() for g in np.meshgrid(axis, axis))
    neurons = pd.concat([pd.DataFrame({"epoch": 3, "layer": "hidden_1", "unit": u, "x1": x1,
                                       "x2": x2, "value": v}) for u, v in enumerate(values)])
    fig = plot_neurons(neurons, activations={"hidden_1": activation})
    mosaic = fig.axes[0].get_images()[0].get_array()
    cell = NEURON_PIXELS + max(2, NEURON_PIXELS // 6)
    for unit, colour in enumerate(colours):
        red, _, blue = mosaic[unit * cell + NEURON_PIXELS // 2, NEURON_PIXELS // 2]
        seen = "orange" if red > blue + 0.2 else "blue" if blue > red + 0.2 else "neutral"
        assert seen == colour, (activation, values[unit], mosaic[unit * cell, 0])
    note = " ".join(t.get_text() for t in fig.texts)
    if activation == "sigmoid":
        assert "sigmoid: orange 0 < 0.5 < 1 blue" in note


def test_first_layer_weights_have_colour_bars_and_the_change_from_init():
    import numpy as np

    from harness.report.run.weights import plot_first_layer_weights

    rng = np.random.default_rng(0)
    side, units = 4, 3
    init = rng.normal(0, 0.05, (units, side * side))
    learned = np.zeros_like(init)
    learned[:, :side] = 0.01  # a faint stroke along the top row: lost in the weights' noise
    weights = pd.concat([pd.DataFrame({"epoch": epoch, "unit": np.repeat(np.arange(units),
                                                                         side * side),
                                       "input": np.tile(np.arange(side * side), units),
                                       "value": values.ravel()})
                         for epoch, values in [(0, init), (2, init + learned)]])
    fig = plot_first_layer_weights(weights, units=units)
    bars = [ax for ax in fig.axes if ax.get_label() == "<colorbar>"]
    # no scale at all: the weights' colours could not be read
    assert [bar.get_ylabel() for bar in bars] == ["weight", "change"]
    grid = [ax for ax in fig.axes if ax not in bars]
    labels = [ax.get_ylabel() for ax in grid[::units]]
    assert labels[:2] == ["init", "epoch 2"] and labels[2].startswith("change\n(epoch 2 - init)")
    # the change's own scale is stated: how much it is magnified against the weights'
    magnified = float(re.search(r"x([0-9.]+) vs the", labels[2]).group(1))
    assert magnified == pytest.approx(np.abs(init + learned).max() / 0.01, rel=0.05)
    change = [ax.get_images()[0] for ax in grid[2 * units:]]
    np.testing.assert_allclose(change[0].get_array(), learned[0].reshape(side, side),
                               atol=1e-12)
    assert change[0].get_clim() == pytest.approx((-0.01, 0.01))  # its own scale
    assert grid[0].get_images()[0].get_clim()[1] > 0.05  # the weights' scale

    only_init = plot_first_layer_weights(weights[weights["epoch"] == 0], units=units)
    assert [ax.get_ylabel() for ax in only_init.axes if ax.get_label() == "<colorbar>"] == [
        "weight"]
