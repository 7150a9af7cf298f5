"""Ticks fixed once (harness/report/draw/ticks.py) draw the same picture as matplotlib's locators.

Each figure is drawn twice from the same run, once with matplotlib's own locators and formatters
and once with the ticks `save_figure` fixes inside each view, and the two pictures must agree
pixel for pixel.
"""

import matplotlib
import numpy as np
import pandas as pd
import pytest
from fake_runs import make_run
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.ticker import FixedLocator

from harness.report.compare.layers import plot_compare_heatmaps
from harness.report.compare.plots import plot_compare_history, run_styles
from harness.report.draw import png, ticks
from harness.report.run.boundary import plot_decision_boundary
from harness.report.run.curves import plot_history
from harness.report.run.gradients import plot_grad_heatmaps, plot_grad_norms
from harness.report.run.health import plot_activation_stats
from harness.rundir.run import load_run


def _mixed_layers(run):  # two activations: two-line tick labels at a smaller size
    return plot_activation_stats(run.layers, "relu+tanh", activations=["relu", "tanh"] * 2,
                                 head="sigmoid")


def _compare(run):  # shared axes, tick labels on the bottom row only
    history = pd.concat([run.history.assign(run=k) for k in ("a", "b")])
    return plot_compare_history(history, run_styles(["relu", "tanh"], ["a", "b"]))


def _compare_heatmaps(run):  # constrained layout with a shared colour bar
    layers = pd.concat([run.layers.assign(run=k) for k in ("a", "b")])
    return plot_compare_heatmaps(layers, run_styles(["relu", "tanh"], ["a", "b"]))


def _boundary(run):  # equal aspect: the axes shrink when drawn
    points, surface = (pd.read_csv(run.dir / f) for f in ("points.csv", "surface.csv"))
    return plot_decision_boundary(points, surface, "binary", "relu")


FIGURES = {
    "log axis, two legends": lambda run: plot_grad_norms(run.layers, "relu"),
    "images and colour bars": lambda run: plot_grad_heatmaps(run.layers),
    "legend at loc=best": lambda run: plot_history(run.history, "relu", "binary_crossentropy"),
    "mixed layers": _mixed_layers,
    "shared axes": _compare,
    "constrained layout": _compare_heatmaps,
    "equal aspect": _boundary,
}


def _picture(fig, fixed: bool) -> np.ndarray:
    fig.set_dpi(png.DPI)
    canvas = FigureCanvasAgg(ticks.plain_log_ticks(fig))
    with matplotlib.rc_context(png.RC):
        if fixed:
            ticks.fixed_ticks(fig)
            assert all(isinstance(axis.get_major_locator(), FixedLocator)  # fixed ticks used
                       for ax in fig.axes for axis in (ax.xaxis, ax.yaxis))
        canvas.draw()
    return np.asarray(canvas.buffer_rgba()).copy()


@pytest.mark.parametrize("name", FIGURES)
def test_ticks_fixed_once_draw_what_matplotlib_draws(tmp_path, name):
    run = load_run(make_run(tmp_path / "run", depth=4))
    drawn = {fixed: _picture(png.build_figure(lambda: FIGURES[name](run)), fixed)
             for fixed in (False, True)}
    assert drawn[False].shape == drawn[True].shape
    differ = np.argwhere((drawn[False] != drawn[True]).any(axis=-1))
    assert not differ.size, f"{len(differ)} pixels differ, e.g. at (row, column) {differ[0]}"
