"""Every run gets a report: PNG figures and a self-contained `report.html` in the run folder.

`build_report` only reads the run's files (`results/README.md`), so it also rebuilds the report of
an old run, and it never imports TensorFlow. A run that diverged, failed, was interrupted or ran 0
epochs still gets a report: figures that cannot be drawn are skipped and the page says why.
"""

import os
from pathlib import Path

import pandas as pd

from harness.base.files import write_bytes, write_text
from harness.base.frames import last_epoch, masked_counts
from harness.report import page
from harness.report.draw.png import build_figure, old_objects_frozen, save_figure
from harness.report.draw.style import NothingToPlot, activation_name
from harness.report.run import captions
from harness.report.run.boundary import plot_decision_boundary
from harness.report.run.curves import plot_history
from harness.report.run.distributions import (
    plot_first_layer_weights,
    plot_histograms,
    plot_update_ratio,
)
from harness.report.run.feature_maps import plot_feature_maps
from harness.report.run.gradients import plot_grad_heatmaps, plot_grad_norms
from harness.report.run.health import plot_activation_stats
from harness.report.run.playground import (
    boundary_gif,
    layer_activations,
    layer_widths,
    plot_boundary_epochs,
    plot_neurons,
)
from harness.report.run.summary import summary_rows, where_diverged
from harness.report.run.theory import plot_jacobians, plot_theory
from harness.report.run.time import plot_time, plot_time_heatmap
from harness.rundir.run import Run, load_run, read_table


def build_report(run_dir: str | os.PathLike | Run) -> Path:
    """Writes the figures and `report.html` of one run into its folder.

    Args:
        run_dir: a run folder written by `python -m harness run`, or a `Run` already in memory
            (the runner passes one so that the report exists before `summary.json` is written).

    Returns:
        The path of `report.html`. Beside it: `grad_norms.png`, `grad_heatmap.png`,
        `update_ratio.png`, `histograms.png`, `history.png`, `activations.png`; for Dense
        stacks the mean-field recursion describes, `theory.png` and `jacobians.png`; for toy data
        `boundary.png`, `boundary_epochs.png`, `boundary.gif` and `neurons.png`; for image data
        `first_layer_weights.png` (conv: conv_1's filters), conv `feature_maps.png` (each only
        when the run's files hold what it needs).

    Example:
        >>> build_report("results/sigmoid_deep/sigmoid-d8-s0-20250101-120000")
        PosixPath('results/sigmoid_deep/sigmoid-d8-s0-20250101-120000/report.html')
    """
    run = run_dir if isinstance(run_dir, Run) else load_run(run_dir)
    model = run.config.get("model") or {}
    # A model without hidden layers keeps the config's default activation, which it never uses.
    activation = "no hidden layer" if model.get("depth") == 0 else activation_name(
        model.get("activation"))
    notes = _status_notes(run)
    figures = []
    with old_objects_frozen():
        for name, title, caption, draw in _figures(run, activation):
            path = run.dir / name
            try:
                drawn = build_figure(draw)
            except NothingToPlot as reason:
                path.unlink(missing_ok=True)  # a figure left by an earlier report would mislead
                notes.append(f"{title}: not drawn: {reason}.")
                continue
            if isinstance(drawn, bytes):
                figures.append(page.figure(write_bytes(path, drawn), title, caption))
            else:
                figures.append(page.figure(save_figure(path, drawn), title, caption))
    notes += _masking_notes(run.layers)
    badge, css = captions.verdict(run.summary, run.status)

    depth = model.get("depth", "?")
    name = run.config.get("name") or run.dir.name
    body = [f"<h1>{page.esc(name)}</h1>",
            f'<p class="sub">{page.esc(activation)}, depth {page.esc(depth)} '
            f'<span class="status {page.esc(css)}">{page.esc(badge)}</span>'
            f"<br><code>{page.esc(run.dir)}</code></p>",
            page.notes(notes),
            "<h2>Summary</h2>", page.key_values(summary_rows(run)),
            "<h2>Figures</h2>", *figures,
            "<h2>Resolved config</h2>", f"<pre>{page.esc(_config_text(run))}</pre>",
            "<h2>Versions and command</h2>", page.key_values(_meta_rows(run.meta))]
    title = f"{name}: {activation}, depth {depth} ({badge})"
    return write_text(run.dir / "report.html", page.page(title, body))


def _figures(run: Run, activation: str) -> list:
    """The report's figures, in page order, each with its caption; nothing is drawn yet.

    Captions say what the figure shows and how to read it for this run (its optimizer, head and
    data); toy data adds the Playground's figures, image data the first layer's weights.

    Args:
        run: the run.
        activation: the activation's name as the page shows it (`"no hidden layer"` for depth 0).

    Returns:
        `(file name, title, caption, draw)` tuples; `draw()` returns a matplotlib Figure, or the
        bytes of a finished image (the GIF), or raises `NothingToPlot` saying why it cannot.
    """
    config = run.config
    model, train = config.get("model") or {}, config.get("train") or {}
    per_layer = list(layer_activations(model).values())
    head = str(model.get("head", ""))
    learned = run.summary.get("learned")
    figures = [
        ("grad_norms.png", "Gradient size per layer",
         captions.gradient_caption(run.layers, train.get("optimizer", "")),
         lambda: plot_grad_norms(run.layers, activation, activations=per_layer)),
        ("grad_heatmap.png", "Gradient sizes over training",
         "The same sizes at every epoch: rows are layers (input at the bottom), columns epochs. "
         "Left: dL/dW, what the optimizer applies; right: dL/dz, the signal reaching each layer's "
         "pre-activation. A dark band along the bottom rows is a vanishing gradient.",
         lambda: plot_grad_heatmaps(run.layers)),
        ("theory.png", "Theory at initialisation",
         "Lines: the mean-field recursion's prediction for this network at initialisation "
         "(Poole et al. 2016; Schoenholz et al. 2017): sqrt(q_l), the size of each layer's z, "
         "and the gradients' sizes relative to the last hidden layer. Points: the same measured "
         "(preact_std over the whole training set, the gradients on the first batch). Where "
         "the points leave the lines, finite width, few inputs or biases depart from the theory.",
         lambda: plot_theory(run.layers, 0, run.summary.get("theory_reason"))),
        ("jacobians.png", "Layer Jacobians during training",
         "The singular values of each hidden layer's input-output Jacobian diag(f'(z)) Wᵀ at the "
         "first 4 training examples, at initialisation and at every logged epoch (Glorot & "
         "Bengio 2010): the factors by which the layer stretches a small change of its input, "
         "and the gradient on its way back. Near 1 (dashed) the layer keeps a signal's size; "
         "below 1 it shrinks it, and the shrinking compounds over layers (a vanishing "
         "gradient); above 1 it grows it. Taken for plain Dense stacks only: not for conv or "
         "recurrent layers, nor with batch norm, skip connections or dropout.",
         lambda: plot_jacobians(run.layers, run.summary.get("jacobian_reason"))),
        ("update_ratio.png", "Update-to-weight ratio",
         "std(ΔW) / std(W): how far one optimizer step moves each layer's weights, relative to "
         "their size, averaged over each epoch's steps (Karpathy's makemore part 3). Around 1e-3 "
         "(dashed) a layer learns at a healthy pace; far below, it hardly moves; far above, "
         "training is unstable.", lambda: plot_update_ratio(run.layers, activation)),
        ("histograms.png", "Distributions per layer",
         "One row per layer (input at the bottom), grey at initialisation, a line at the last "
         "logged epoch; each row scaled to its tallest bar but the two end bins and the bin "
         "at 0: a taller one (ReLU's zeros, exact zeros on a log axis, a saturated sigmoid) is "
         "cut at the row's height and its share written at the right. Pre-activations, and an "
         "unbounded activation's outputs (ReLU), are on a symmetric log axis (linear within "
         "1e-4, decades beyond; each column one range), so that epoch 0's small values and a "
         "trained network's large ones both show. Activations piled at the ends of a sigmoid's "
         "0..1 range are saturated; all at 0.5, collapsed; spread out, healthy "
         "(Deep Learning from Scratch, ch. 6). Gradients are on a log10|g| axis: a row shifted "
         "left by 3 gets a thousandth of the gradient.",
         lambda: plot_histograms(_read_csv(run.dir / "histograms.csv"), activation)),
        ("history.png", "Learning curves",
         "Training (solid) and validation (dashed) metrics after each epoch."
         + (f" Dotted: {captions.chance_text(run.summary)}." if captions.chance_text(run.summary)
            else ""),
         lambda: plot_history(run.history, activation, train.get("loss", ""),
                              run.summary.get("diverged_epoch"), _chance(run.summary))),
        ("activations.png", "Activation statistics per layer",
         captions.activation_caption(run.layers, per_layer or [activation], head, learned),
         lambda: plot_activation_stats(run.layers, activation, activations=per_layer,
                                       head=head)),
    ]
    points, surface = _read_csv(run.dir / "points.csv"), _read_csv(run.dir / "surface.csv")
    if not (points is None and surface is None):  # toy data
        task = run.summary.get("task", "")
        figures += [
            ("boundary.png", "Fitted function" if task == "regression" else "Decision boundary",
             "The trained model's output on a grid over the data, as in the TensorFlow "
             "Playground. Points with white edges are training data, black edges test data.",
             lambda: _boundary(points, surface, task, activation,
                               run.summary.get("class_names"), run.summary.get("input_names"))),
            ("boundary_epochs.png", "The boundary during training",
             "The model's output at the logged epochs, from initialisation to the last epoch, "
             "with the training points. Grey is a coin flip (P(class 1) from 0.4 to 0.6): a "
             "model at chance stays grey rather than flickering between the two colours.",
             lambda: plot_boundary_epochs(*_toy(points, surface), task, activation)),
            ("boundary.gif", "The boundary during training, animated",
             "Every logged epoch in turn; the last frame holds longer.",
             lambda: boundary_gif(*_toy(points, surface), task)),
            ("neurons.png", "Every hidden unit",
             "Each small map is one hidden unit's output over the input plane after training, "
             "as in the TensorFlow Playground: the first layer draws lines, deeper layers combine "
             "them into curves. A map of one flat colour is a unit that does nothing here (dead "
             "or saturated everywhere).",
             lambda: plot_neurons(_read_csv(run.dir / "neurons.csv"), layer_widths(model),
                                  layer_activations(model)))]
    steps = run.dir / "timesteps.csv"
    if steps.is_file():  # recurrent
        figures += _time_figures(_read_csv(steps), model)
    weights = run.dir / "first_layer_weights.csv"
    if weights.is_file() and model.get("type") == "conv":
        k = model.get("kernel_size", "?")
        figures.append((
            "first_layer_weights.png", "conv_1's filters",
            f"The first conv layer's {k} x {k} filters drawn as images, one pixel per kernel "
            "position, at initialisation and after training (blue positive, red negative): "
            "trained filters become edge and stroke detectors; filters that did not change are "
            "a layer the gradient did not reach.",
            lambda: plot_first_layer_weights(_read_csv(weights))))
    elif weights.is_file():
        figures.append((
            "first_layer_weights.png", "First-layer weights",
            "A few first-layer units' weights drawn as images, one pixel per input, at "
            "initialisation and after training, on one colour scale (blue positive, red "
            "negative), and below them the change between the two on its own scale: after a "
            "few epochs the weights still look like their random start, while the change "
            "shows the strokes of the digits each unit learned to respond to.",
            lambda: plot_first_layer_weights(_read_csv(weights))))
    maps = run.dir / "feature_maps.csv"
    if maps.is_file():
        figures.append((
            "feature_maps.png", "One test image through the conv layers",
            "The first test image as each conv layer hands it on after training, its first "
            "channels side by side, each map on its own grey scale (its range above it). Healthy "
            "layers show strokes and edges, coarser after each pool; a map of one flat grey "
            "(range near 0) passes nothing of the image on: saturated or dead channels.",
            lambda: plot_feature_maps(_read_csv(maps))))
    return figures


def _toy(points, surface):
    if points is None or surface is None:
        raise NothingToPlot("points.csv or surface.csv is missing")
    return points, surface


def _chance(summary: dict) -> dict:
    return {k: summary[f"chance_{k}"] for k in ("accuracy", "loss")
            if summary.get(f"chance_{k}") is not None}


def _boundary(points, surface, task, activation, class_names=None, input_names=None):
    if points is None or surface is None:
        raise NothingToPlot("points.csv or surface.csv is missing")
    return plot_decision_boundary(points, surface, task, activation, class_names, input_names)


def _status_notes(run: Run) -> list[str]:
    summary, status = run.summary, run.status
    notes = []
    if status == "diverged":
        notes.append(f"The run diverged (a NaN appeared) at {where_diverged(summary)}. The "
                     "figures show what was recorded; non-finite values are left out or masked.")
    elif status == "failed":
        notes.append(f"The run failed: {summary.get('error', 'no error recorded')}.")
    elif status == "interrupted":
        notes.append(f"The run was interrupted after {summary.get('epochs_run', '?')} epoch(s).")
    elif status != "completed":
        notes.append("No summary.json: the run is still going, or was killed before it finished.")
    if last_epoch(run.layers) == 0:
        notes.append("No training epoch was recorded: the figures show the network at "
                     "initialisation (epoch 0) only.")
    return notes


def _masking_notes(layers) -> list[str]:
    counts = {m: masked_counts(layers, m) for m in ("grad_norm", "preact_grad_norm")}
    zeros = ", ".join(f"{z} {m}" for m, (z, _) in counts.items() if z)
    missing = ", ".join(f"{n} {m}" for m, (_, n) in counts.items() if n)
    notes = []
    if zeros:
        notes.append(f"Gradient norms exactly 0 ({zeros} values): no gradient passes, as with a "
                     "step activation. A log scale cannot show 0: they are masked grey in the "
                     "heatmaps and drawn as triangles on the bottom edge of the per-layer plot.")
    if missing:
        notes.append(f"Gradient norms NaN or infinite ({missing} values): masked grey.")
    return notes


def _meta_rows(meta: dict) -> list[tuple[str, str, str]]:
    rows = [(key, meta[key], "") for key in ("harness", "tensorflow", "keras", "python", "numpy",
                                              "platform", "started", "finished") if key in meta]
    command = meta.get("command")
    if command:  # a re-runnable string; runs recorded before that, a list of arguments
        rows.append(("command", command if isinstance(command, str)
                     else " ".join(map(str, command)), ""))
    return rows or [("meta.json", "missing", "")]


def _config_text(run: Run) -> str:
    path = run.dir / "config.yaml"
    return path.read_text() if path.is_file() else ""


def _read_csv(path: Path) -> pd.DataFrame | None:
    """The frame, or None when the file is missing or empty; a damaged file raises a
    `HarnessError` naming it (`harness.rundir.run.read_table`)."""
    frame = read_table(path)
    return None if frame.empty else frame


def _time_figures(steps, model: dict) -> list:
    """A recurrent run's gradient over time: per step, per logged epoch (`harness.report.run.time`)."""
    cell = model.get("cell") or "simple"
    name = {"simple": f"SimpleRNN ({activation_name(model.get('activation'))})",
            "lstm": "LSTM (sigmoid gates, tanh state)", "gru": "GRU (sigmoid gates, tanh "
            "candidate)"}.get(cell, cell)
    return [
        ("time.png", "Gradient over time",
         f"{name}: ||dL/dh_t||, the loss's gradient reaching the state at step t through the "
         "whole recurrence (later steps, the layer above, the head), one line per logged epoch, "
         "log scale. The head reads the last step (right); a line falling to the left is the "
         "gradient vanishing back through time, and the first steps then learn nothing. Gated "
         "cells often vanish more at initialisation than a tanh SimpleRNN: what their gates buy "
         "is learned, so compare the initialisation line with the trained ones.",
         lambda: plot_time(steps, name)),
        ("time_heatmap.png", "Gradient over time, every logged epoch",
         "The same norms as a step x epoch map (rows epochs, initialisation at the bottom): a "
         "dark left side is a gradient that never reaches the early steps.",
         lambda: plot_time_heatmap(steps))]
