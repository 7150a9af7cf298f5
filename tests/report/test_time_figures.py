"""The gradient-over-time figures say what they draw (issue 28): an LSTM's h and c in titled
panels of a clear grid, exactly-0 steps drawn and named rather than dropped, SimpleRNN and LSTM
runs told apart by colour, and recurrent pages opening with these figures."""

import pandas as pd
import pytest

from harness.report.compare.figures import COMPARE_FIGURES
from harness.report.compare.plots import run_styles
from harness.report.entry import lead
from harness.report.run.figures import RUN_FIGURES, run_figures
from harness.report.run.time import ZERO_COLOR, plot_time, plot_time_heatmap
from harness.sweeps.figures import FACET_FIGURES


def timesteps(layers=("rnn_1",), metrics=("h_grad_norm",), steps=10, epochs=(0, 3),
              zeros_before=0) -> pd.DataFrame:
    """A `timesteps.csv` frame falling 10x a step back, exactly 0 before step `zeros_before`."""
    rows = [(epoch, layer, t, metric, 0.0 if t < zeros_before else 10.0 ** (t - steps))
            for epoch in epochs for layer in layers for metric in metrics
            for t in range(1, steps + 1)]
    return pd.DataFrame(rows, columns=["epoch", "layer", "step", "metric", "value"])


def visible(fig):
    return [ax for ax in fig.axes if ax.get_visible()]


def test_a_two_layer_lstm_has_a_row_per_layer_and_titled_h_and_c_panels():
    fig = plot_time(timesteps(("rnn_1", "rnn_2"), ("h_grad_norm", "c_grad_norm")), "LSTM")
    axes = visible(fig)
    assert [ax.get_title() for ax in axes] == [
        "rnn_1: hidden state h_t", "rnn_1: cell state c_t (LSTM)",
        "rnn_2: hidden state h_t", "rnn_2: cell state c_t (LSTM)"]
    assert len(fig.axes) == 4  # a 2 x 2 grid: no hidden fifth and sixth panel
    rows = {round(ax.get_position().y0, 3) for ax in axes}
    assert len(rows) == 2


def test_exactly_zero_steps_keep_their_place_and_are_named():
    fig = plot_time(timesteps(steps=10, zeros_before=4))
    ax = visible(fig)[0]
    low, high = ax.get_xlim()
    assert low < 1 and high > 10  # the axis starts at step 1, not at the first nonzero step
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "exactly 0 (bottom edge): 3 of 10 steps" in labels
    ticks = [line for line in ax.lines if line.get_marker() == "|" and len(line.get_xdata())]
    assert sorted({x for line in ticks for x in line.get_xdata()}) == [1, 2, 3]


def test_the_heatmap_gives_zeros_a_colour_and_a_legend_entry():
    fig = plot_time_heatmap(timesteps(steps=10, zeros_before=4))
    texts = [t.get_text() for legend in fig.legends for t in legend.get_texts()]
    assert texts == ["exactly 0"]
    zero = [mesh for mesh in fig.axes[0].collections
            if getattr(mesh.get_cmap(), "colors", None) == [ZERO_COLOR]]
    assert len(zero) == 1
    assert zero[0].get_array().count() == 3 * 2  # steps 1-3 at both epochs, painted
    # without zeros: no entry
    assert not plot_time_heatmap(timesteps()).legends


def test_a_simple_rnn_and_an_lstm_of_the_same_activation_get_different_colours():
    styles = run_styles(["tanh", "tanh", "tanh"], ["simple", "lstm", "simple 2"],
                        ["simple", "lstm", "simple"])
    assert styles["simple"]["color"] != styles["lstm"]["color"]
    # two runs of one kind share the colour, and differ in line style
    assert styles["simple 2"]["color"] == styles["simple"]["color"]
    assert styles["simple 2"]["linestyle"] != styles["simple"]["linestyle"]
    dense = run_styles(["tanh", "relu"], ["a", "b"])  # no cells: colours by activation as before
    assert dense == run_styles(["tanh", "relu"], ["a", "b"], [None, None])


def test_recurrent_pages_open_with_the_gradient_over_time():
    names = [entry.name for entry in run_figures({"type": "recurrent"})]
    assert names[:2] == ["time.png", "time_heatmap.png"]
    assert sorted(names) == sorted(entry.name for entry in RUN_FIGURES)
    assert run_figures({"type": "dense"}) == RUN_FIGURES == run_figures({})
    assert run_figures({"type": "conv"}) == RUN_FIGURES
    first = ("time.png", "sweep_time.png")
    assert lead(FACET_FIGURES, first)[0].name == "sweep_time.png"
    assert lead(COMPARE_FIGURES, ("compare_time.png",))[0].name == "compare_time.png"


@pytest.mark.parametrize("names", [(), ("no_such.png",)])
def test_lead_leaves_a_table_without_those_figures_as_it_is(names):
    assert lead(RUN_FIGURES, names) == RUN_FIGURES
