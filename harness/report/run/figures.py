"""One run's figures, in page order: the table `report.html` loops over (`RUN_FIGURES`).

Each entry is a `harness.report.entry.FigureEntry` over `RunFiles`: which runs it applies to
(by the files the run folder holds: toy data's `points.csv`, a recurrent run's `timesteps.csv`,
image data's `first_layer_weights.csv`, a conv run's `feature_maps.csv`), how it is drawn, and
a caption that says how to read it for this run (its optimizer, head and data). A figure every
run has applies always; when the run's files cannot feed it, the page says why.

    drawn = draw_entries(run_figures(run.config["model"]), RunFiles(run), run.dir)

A model type puts its headline figures first (`run_figures`: a recurrent run opens with the
gradient over time, `harness.models.types`).
"""

import pandas as pd

from harness.base.frames import time_ratio
from harness.models.types import lead_figures
from harness.report import page
from harness.report.draw.style import NothingToPlot
from harness.report.entry import FigureEntry, lead
from harness.report.run import captions
from harness.report.run.boundary import plot_decision_boundary
from harness.report.run.curves import plot_history
from harness.report.run.distributions import plot_histograms, plot_update_ratio
from harness.report.run.feature_maps import maps_caption, plot_feature_maps
from harness.report.run.gradients import plot_grad_heatmaps, plot_grad_norms
from harness.report.run.health import plot_activation_stats
from harness.report.run.playground import (
    boundary_gif,
    layer_activations,
    layer_widths,
    plot_boundary_epochs,
    plot_neurons,
)
from harness.report.run.theory import plot_jacobians, plot_theory
from harness.report.run.time import last_layer_h, plot_time, plot_time_heatmap
from harness.report.run.weights import change_words, plot_first_layer_weights, read_change
from harness.rundir.run import Run


class RunFiles:
    """A run as its figures read it: the `Run`, its sections, and the folder's other tables, each
    read once (the Playground's four figures share `points.csv` and `surface.csv`).

    Args:
        run: the run, as `harness.rundir.run.load_run` reads it.
    """

    def __init__(self, run: Run):
        self.run = run
        self.model = run.config.get("model") or {}
        self.train = run.config.get("train") or {}
        self.activation = captions.page_activation(self.model)
        self._tables = {}

    @property
    def layers(self) -> pd.DataFrame:
        return self.run.layers

    @property
    def summary(self) -> dict:
        return self.run.summary

    def has(self, name: str) -> bool:
        """Whether the run folder holds the file `name`, e.g. `timesteps.csv`; a table that
        `summary.json` says the run wrote but is gone raises (`harness.rundir.run.Run.table`)."""
        return (self.run.dir / name).is_file() or (name.endswith(".csv")
                                                   and not self.run.table(name).empty)

    def table(self, name: str) -> pd.DataFrame | None:
        """The run folder's `name.csv`, or None when it is missing or empty; a damaged file
        raises a `HarnessError` naming it (`harness.rundir.run.Run.table`)."""
        if name not in self._tables:
            frame = self.run.table(f"{name}.csv")
            self._tables[name] = None if frame.empty else frame
        return self._tables[name]

    def per_layer(self) -> list[str]:
        """One activation per hidden layer, from the config (a mixed network's ticks)."""
        return list(layer_activations(self.model).values())


def _toy(r: RunFiles) -> bool:
    return r.table("points") is not None or r.table("surface") is not None


def _toy_frames(r: RunFiles) -> tuple[pd.DataFrame, pd.DataFrame]:
    points, surface = r.table("points"), r.table("surface")
    if points is None or surface is None:
        raise NothingToPlot("points.csv or surface.csv is missing")
    return points, surface


def _boundary(r: RunFiles):
    return plot_decision_boundary(*_toy_frames(r), r.summary.get("task", ""), r.activation,
                                  r.summary.get("class_names"), r.summary.get("input_names"))


def _pooled(r: RunFiles) -> list[str]:
    """The conv layers a 2 x 2 max-pool follows (`model.pool`, 1-based, as the config holds it
    resolved)."""
    if not captions.conv_stack(r.layers):
        return []
    return [f"conv_{k}" for k in (r.model.get("pool") or [])]


def _history(r: RunFiles):
    return plot_history(r.run.history, r.activation, r.train.get("loss", ""),
                        r.summary.get("diverged_epoch"), captions.summary_chance(r.summary))


def _history_caption(r: RunFiles) -> str:
    chance = captions.chance_text(r.summary)
    return ("Training (solid) and validation (dashed) metrics after each epoch."
            + (f" Dotted: {chance}." if chance else ""))


def _weights_title(r: RunFiles) -> str:
    return "conv_1's filters" if captions.conv_stack(r.layers) else "First-layer weights"


def _weights_caption(r: RunFiles) -> str:
    try:
        words = change_words(read_change(r.table("first_layer_weights")))
    except NothingToPlot:
        words = ""
    found = f" Here {words}." if words else ""
    if captions.conv_stack(r.layers):
        k = r.model.get("kernel_size", "?")
        return (f"The first conv layer's {k} x {k} filters drawn as images, one pixel per kernel "
                "position, at initialisation and after training (blue positive, red negative), "
                "and below them the change between the two, magnified on a scale of its own (its "
                "factor at the left): trained filters become edge and stroke detectors; filters "
                "that hardly changed are a layer the gradient did not reach." + found)
    return ("A few first-layer units' weights drawn as images, one pixel per input, at "
            "initialisation and after training, on one colour scale (blue positive, red "
            "negative), and below them the change between the two, magnified on a scale of its "
            "own (its factor at the left): a pattern there (strokes of the digits) is what "
            "training wrote; one even colour per unit is a shift, no pattern." + found)


def _time_caption(r: RunFiles) -> str:
    return (f"{captions.cell_name(r.model)}: ||dL/dh_t||, the loss's gradient reaching the state "
            "at step t through the whole recurrence (later steps, the layer above, the head), one "
            "line per logged epoch, log scale. The head reads the last step (right); a line "
            "falling to the left is the gradient vanishing back through time, and the first "
            "steps then learn nothing. Gated cells often vanish more at initialisation than a "
            "tanh SimpleRNN: what their gates buy is learned, so compare the initialisation line "
            "with the trained ones." + _time_numbers(r.table("timesteps")))


def _time_numbers(steps: pd.DataFrame | None) -> str:
    """The caption's numbers, from the lines drawn: the time ratio (of the last recurrent
    layer's h: what `summary.json`'s `time_ratio_*` hold) and the steps that are exactly 0."""
    if steps is None:
        return ""
    h = last_layer_h(steps)
    last = int(h["epoch"].max())
    ratios = [f"{page.fmt(time_ratio(steps, epoch), 'ratio')} at "
              + ("initialisation" if epoch == 0 else f"epoch {epoch}")
              for epoch in dict.fromkeys((0, last))]
    text = (f" The time ratio (time_ratio_init, time_ratio_final in summary.json) is the last "
            f"recurrent layer's ({h['layer'].iloc[0]}) h line, first step over last: "
            f"{', '.join(ratios)}.")
    zeros = steps[steps["value"] == 0]
    if not zeros.empty:
        text += (f" {zeros['step'].nunique()} steps have a gradient of exactly 0 (each value "
                 "below float32's smallest number), drawn as ticks along the bottom edge.")
    return text


RUN_FIGURES = (
    FigureEntry(
        name="grad_norms.png", title="Gradient size per layer",
        draw=lambda r: plot_grad_norms(r.layers, r.activation, activations=r.per_layer()),
        caption=lambda r: captions.gradient_caption(r.layers, r.train.get("optimizer", ""))),
    FigureEntry(
        name="grad_heatmap.png", title="Gradient sizes over training",
        draw=lambda r: plot_grad_heatmaps(r.layers),
        caption="The same sizes at every epoch: rows are layers (input at the bottom), columns "
                "epochs. Left: dL/dW, what the optimizer applies; right: dL/dz, the signal "
                "reaching each layer's pre-activation. A dark band along the bottom rows is a "
                "vanishing gradient."),
    FigureEntry(
        name="theory.png", title="Theory at initialisation",
        draw=lambda r: plot_theory(r.layers, 0, r.summary.get("theory_reason")),
        caption="Lines: the mean-field recursion's prediction for this network at initialisation "
                "(Poole et al. 2016; Schoenholz et al. 2017): sqrt(q_l), the size of each layer's "
                "z, and the gradients' sizes relative to the last hidden layer. Points: the same "
                "measured (preact_std over the whole training set, the gradients on the first "
                "batch). Where the points leave the lines, finite width, few inputs or biases "
                "depart from the theory."),
    FigureEntry(
        name="jacobians.png", title="Layer Jacobians during training",
        draw=lambda r: plot_jacobians(r.layers, r.summary.get("jacobian_reason")),
        caption=lambda r: (
            "The singular values of each hidden layer's input-output Jacobian diag(f'(z)) Wᵀ "
            "at the first 4 training examples, at initialisation and at every logged epoch "
            "(Glorot & Bengio 2010): the factors by which the layer stretches a small change "
            "of its input, and the gradient on its way back. Near 1 (dashed) the layer keeps "
            "a signal's size; below 1 it shrinks it, and the shrinking compounds over layers "
            "(a vanishing gradient); above 1 it grows it. " + captions.jacobian_reading(r.layers)
            + " Taken for plain Dense stacks only: not for conv or recurrent layers, nor with "
            "batch norm, skip connections or dropout.")),
    FigureEntry(
        name="update_ratio.png", title="Update-to-weight ratio",
        draw=lambda r: plot_update_ratio(r.layers, r.activation),
        caption="std(ΔW) / std(W): how far one optimizer step moves each layer's weights, "
                "relative to their size, averaged over each epoch's steps (Karpathy's makemore "
                "part 3). Around 1e-3 (dashed) a layer learns at a healthy pace; far below, it "
                "hardly moves; far above, training is unstable."),
    FigureEntry(
        name="histograms.png", title="Distributions per layer",
        draw=lambda r: plot_histograms(r.table("histograms"), r.activation, pooled=_pooled(r)),
        caption=lambda r: captions.histogram_caption(_pooled(r))),
    FigureEntry(
        name="history.png", title="Learning curves", draw=_history, caption=_history_caption),
    FigureEntry(
        name="activations.png", title="Activation statistics per layer",
        draw=lambda r: plot_activation_stats(r.layers, r.activation, activations=r.per_layer(),
                                             head=str(r.model.get("head", ""))),
        caption=lambda r: captions.activation_caption(
            r.layers, r.per_layer() or [r.activation], str(r.model.get("head", "")),
            r.summary.get("learned"))),
    # toy data: the TensorFlow Playground's pictures
    FigureEntry(
        name="boundary.png", applies=_toy, draw=_boundary,
        title=lambda r: ("Fitted function" if r.summary.get("task", "") == "regression"
                         else "Decision boundary"),
        caption="The trained model's output on a grid over the data, as in the TensorFlow "
                "Playground. Points with white edges are training data, black edges test data."),
    FigureEntry(
        name="boundary_epochs.png", title="The boundary during training", applies=_toy,
        draw=lambda r: plot_boundary_epochs(*_toy_frames(r), r.summary.get("task", ""),
                                            r.activation),
        caption="The model's output at the logged epochs, from initialisation to the last epoch, "
                "with the training points. Grey is a coin flip (P(class 1) from 0.4 to 0.6): a "
                "model at chance stays grey rather than flickering between the two colours."),
    FigureEntry(
        name="boundary.gif", title="The boundary during training, animated", applies=_toy,
        draw=lambda r: boundary_gif(*_toy_frames(r), r.summary.get("task", "")),
        caption="Every logged epoch in turn; the last frame holds longer."),
    FigureEntry(
        name="neurons.png", title="Every hidden unit", applies=_toy,
        draw=lambda r: plot_neurons(r.table("neurons"), layer_widths(r.model),
                                    layer_activations(r.model)),
        caption="Each small map is one hidden unit's output over the input plane after training, "
                "as in the TensorFlow Playground: the first layer draws lines, deeper layers "
                "combine them into curves. A map of one flat colour is a unit that does nothing "
                "on this plane (dead or saturated everywhere)."),
    # a recurrent run's gradient over time (`harness.report.run.time`)
    FigureEntry(
        name="time.png", title="Gradient over time", applies=lambda r: r.has("timesteps.csv"),
        draw=lambda r: plot_time(r.table("timesteps"), captions.cell_name(r.model)),
        caption=_time_caption),
    FigureEntry(
        name="time_heatmap.png", title="Gradient over time, every logged epoch",
        applies=lambda r: r.has("timesteps.csv"),
        draw=lambda r: plot_time_heatmap(r.table("timesteps")),
        caption="The same norms as a step x epoch map (rows epochs, initialisation at the "
                "bottom): a dark left side is a gradient that never reaches the early steps."),
    # image data
    FigureEntry(
        name="first_layer_weights.png", title=_weights_title,
        applies=lambda r: r.has("first_layer_weights.csv"),
        draw=lambda r: plot_first_layer_weights(r.table("first_layer_weights")),
        caption=_weights_caption),
    FigureEntry(
        name="feature_maps.png", title="One test image through the conv layers",
        applies=lambda r: r.has("feature_maps.csv"),
        draw=lambda r: plot_feature_maps(r.table("feature_maps"),
                                         kernel_size=int(r.model.get("kernel_size") or 3)),
        caption=lambda r: maps_caption(r.table("feature_maps"),
                                       int(r.model.get("kernel_size") or 3))),
)


def run_figures(model: dict) -> tuple[FigureEntry, ...]:
    """`RUN_FIGURES` in the order of a run of `model` (its config's `model:` section): the
    model type's headline figures first (a recurrent run's `time.png` and `time_heatmap.png`,
    `ModelType.lead_figures`), the rest in the table's order."""
    return lead(RUN_FIGURES, lead_figures(model.get("type") or "dense"))
