"""A comparison's figures, in page order: the table its `report.html` loops over
(`COMPARE_FIGURES`), each a `harness.report.entry.FigureEntry` over `Compared`.

    drawn = draw_entries(COMPARE_FIGURES, compared, out)
"""

from dataclasses import dataclass

import pandas as pd

from harness.report.compare.layers import (
    plot_compare_heatmaps,
    plot_compare_histograms,
    plot_compare_update_ratio,
)
from harness.report.compare.plots import (
    plot_compare_grad_epochs,
    plot_compare_grad_norms,
    plot_compare_history,
)
from harness.report.draw.style import shared_gradient_metric, size_words
from harness.report.entry import FigureEntry
from harness.report.run.time import plot_time_overlay


@dataclass(frozen=True)
class Compared:
    """The runs of a comparison as its figures read them: each frame stacked over the runs with
    a `run` column holding the run's label.

    Attributes:
        styles: label -> line style (`harness.report.compare.plots.run_styles`), in table order.
        layers, history, histograms: the runs' `layers.csv`, `history.csv`, `histograms.csv`.
        chance: label -> `{"accuracy": a, "loss": l}` at chance (`runs.chance_levels`).
        steps: label -> the run's `timesteps.csv` (empty for a run that is not recurrent).
    """

    styles: dict
    layers: pd.DataFrame
    history: pd.DataFrame
    histograms: pd.DataFrame
    chance: dict
    steps: dict

    def size(self) -> str:
        """What the captions call the gradient size all runs recorded (`size_words`)."""
        return size_words(shared_gradient_metric(self.layers))


def _epochs_caption(c: Compared) -> str:
    rms = shared_gradient_metric(c.layers) == "grad_rms"
    return (f"The kernel gradient {c.size()} of the first hidden layer (left) and of the last one "
            "(right) at each epoch, on the same scale: the vertical gap between the panels is "
            "the " + ("vanishing ratio." if rms else "ratio of their L2 norms (recorded before "
                      "grad_rms, so biased by the layers' sizes)."))


COMPARE_FIGURES = (
    FigureEntry(
        name="compare_grad_norms.png", title="Gradient size per layer",
        draw=lambda c: plot_compare_grad_norms(c.layers, c.styles),
        caption=lambda c: f"Kernel gradient {c.size()} of every layer at initialisation (left) "
                          "and after the last epoch (right). Lines that climb steeply toward the "
                          "output are networks whose first layers barely learn."),
    FigureEntry(
        name="compare_grad_epochs.png", title="First and last hidden layer over training",
        draw=lambda c: plot_compare_grad_epochs(c.layers, c.styles), caption=_epochs_caption),
    FigureEntry(
        name="compare_heatmaps.png", title="Gradient size per layer and epoch",
        draw=lambda c: plot_compare_heatmaps(c.layers, c.styles),
        caption="Each run's layer x epoch gradient size side by side, on ONE colour scale: the "
                "same colour is the same size in every panel, so a run whose bottom rows are "
                "dark gets orders of magnitude less gradient in its first layers."),
    FigureEntry(
        name="compare_history.png", title="Learning curves",
        draw=lambda c: plot_compare_history(c.history, c.styles, c.chance),
        caption="Training (top) and validation (bottom) metrics of every run; dotted: chance "
                "level (always guessing the majority class; its loss)."),
    FigureEntry(
        name="compare_histograms.png",
        title="Distributions in the first, a middle and the last layer",
        draw=lambda c: plot_compare_histograms(c.histograms, c.styles),
        caption="Activations and weight gradients (on log10|g|) of the first, a middle and the "
                "last hidden layer, at initialisation and at the last logged epoch, every run "
                "overlaid. A sigmoid piles its activations at 0 and 1 or at 0.5; its gradients "
                "sit decades left of a ReLU's in the first layer."),
    FigureEntry(
        name="compare_update_ratio.png", title="Update-to-weight ratio per layer",
        draw=lambda c: plot_compare_update_ratio(c.layers, c.styles),
        caption="std(ΔW) / std(W) per layer after the first and after the last epoch; 1e-3 "
                "(dashed) is a usual healthy size. Adaptive optimizers (Adam, RMSprop) lift "
                "small-gradient layers toward it; plain SGD does not."),
    FigureEntry(  # recurrent runs (`harness.report.run.time`)
        name="compare_time.png", title="Gradient over time",
        applies=lambda c: not all(frame.empty for frame in c.steps.values()),
        draw=lambda c: plot_time_overlay(c.steps, c.styles),
        caption="||dL/dh_t|| of each run's last recurrent layer at every step t, through the "
                "whole recurrence, at initialisation (left) and after training (right)."),
)
