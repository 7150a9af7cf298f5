"""Figures overlaying several runs: per-layer gradient norms, first/last layer over epochs, curves.

Each function takes long DataFrames with a `run` column (the run's label) and a `styles` mapping
`run -> {"color", "linestyle", "marker"}` from `run_styles`, and returns a matplotlib `Figure`.
Colours come from the activation (the same table as every other figure); runs that share an
activation get different line styles and markers.
"""

import textwrap

import numpy as np
from matplotlib.colors import to_hex, to_rgb
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from harness.base.frames import is_hidden, layer_tick, metric_table
from harness.report.draw.style import (
    OTHER_COLORS,
    NothingToPlot,
    activation_color,
    norm_label,
    shared_gradient_metric,
)
from harness.report.draw.ticks import epoch_axis, label_ticks

LINESTYLES = ["-", "--", ":", "-."]
MARKERS = ["o", "s", "^", "D", "v"]


def run_styles(activations: list[str], runs: list[str],
               cells: list[str | None] | None = None) -> dict[str, dict]:
    """Line style of each run: colour by activation (and recurrent cell); style, marker and
    shade tell apart runs that share them (in the order given).

    Args:
        activations: each run's hidden activation.
        runs: each run's label, same order.
        cells: each run's recurrent cell (`simple`, `lstm`, `gru`; None for a run that has
            none), same order: a tanh SimpleRNN and a tanh LSTM are different networks, so
            they get different colours (the activation's first, then a palette's).

    Returns:
        `{run: {"color": hex, "linestyle": str, "marker": str, "linewidth": float}}`; earlier
        runs get wider lines, so a later run that coincides with one leaves it visible.
    """
    kinds = list(zip(activations, cells or [None] * len(runs)))
    hues = _kind_colors(kinds)
    seen: dict[tuple, int] = {}
    styles = {}
    for n, (kind, run) in enumerate(zip(kinds, runs)):
        i = seen[kind] = seen.get(kind, -1) + 1
        lighten = min(0.6, 0.25 * (i // len(LINESTYLES)))  # past 4 styles, lighter shades
        color = np.array(to_rgb(hues[kind]))
        styles[run] = {"color": to_hex(color + (1 - color) * lighten),
                       "linestyle": LINESTYLES[i % len(LINESTYLES)],
                       "marker": MARKERS[i % len(MARKERS)],
                       "linewidth": max(1.0, 2.8 - 0.6 * n)}
    return styles


def _kind_colors(kinds: list[tuple]) -> dict[tuple, str]:
    """(activation, cell) -> colour: the activation's colour for the first kind of each
    activation, a colour no activation uses for every further kind (`OTHER_COLORS`)."""
    colors, taken, spare = {}, set(), iter(OTHER_COLORS * (1 + len(kinds)))
    for kind in dict.fromkeys(kinds):
        color = activation_color(kind[0])
        colors[kind] = color if color not in taken else next(spare)
        taken.add(color)
    return colors


def plot_compare_grad_norms(layers_by_run, styles: dict, metric: str | None = None) -> Figure:
    """Per-layer gradient norm of every run at initialisation and at each run's last epoch (log y).

    Args:
        layers_by_run: `layers.csv` rows of all runs with a `run` column.
        styles: from `run_styles`; also fixes the order of the runs.
        metric: which measure to draw; by default `grad_rms` when every run recorded it (the
            measure of the vanishing ratio), else `grad_norm`.

    Returns:
        A Figure with two panels sharing the y axis. Zero norms are drawn as triangles on the
        bottom edge (a log axis cannot show 0).
    """
    metric = metric or shared_gradient_metric(layers_by_run)
    tables = _tables(layers_by_run, styles, metric)
    fig = Figure(figsize=(12, 4.6), layout="constrained")
    axes = fig.subplots(1, 2, sharey=True)
    for run, table in tables.items():
        x = np.arange(1, len(table) + 1)
        for ax, epoch in zip(axes, [table.columns[0], table.columns[-1]]):
            if ax is axes[1] and epoch == table.columns[0]:
                continue  # no training epoch: nothing to show after training
            y = table[epoch].to_numpy(float)
            zero = y == 0
            label = f"{run} (triangles: exactly 0)" if zero.any() else run
            ax.plot(x, np.where(y > 0, y, np.nan), label=label, markersize=5, **styles[run])
            if zero.any():  # a log axis cannot show 0: mark it on the bottom edge
                ax.plot(x[zero], np.zeros(zero.sum()), "v", color=styles[run]["color"],
                        markersize=8, transform=ax.get_xaxis_transform(), clip_on=False)
    trained = any(len(t.columns) > 1 for t in tables.values())
    names = {tuple(t.index) for t in tables.values()}
    for ax, title in zip(axes, ["at initialisation (epoch 0)", "after the last epoch"]):
        ax.set_yscale("log")
        if len(names) == 1:  # one layout: name the ticks as the run figure does (`output`)
            layers = next(iter(names))
            label_ticks(ax.xaxis, list(range(1, len(layers) + 1)),
                        [layer_tick(n) for n in layers])
            ax.set(title=title, xlabel="hidden layer (1 = next to the input), then output")
        else:
            ax.set(title=title,
                   xlabel="layer (1 = next to the input; each line ends at its output layer)")
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.grid(True, alpha=0.3)
    if not trained:  # no run trained an epoch: say so rather than leave an empty panel bare
        axes[1].text(0.5, 0.5, "no run trained an epoch", transform=axes[1].transAxes,
                     ha="center", va="center", color="#666666")
    axes[0].set_ylabel(norm_label(metric))
    figure_legend(fig, axes)
    fig.suptitle("Gradient size per layer", fontweight="bold")
    return fig


def plot_compare_grad_epochs(layers_by_run, styles: dict, metric: str | None = None) -> Figure:
    """Gradient size of the first and of the last hidden layer of every run over epochs (log y).

    Args:
        layers_by_run: `layers.csv` rows of all runs with a `run` column.
        styles: from `run_styles`; also fixes the order of the runs.
        metric: by default `grad_rms` when every run recorded it, else `grad_norm`.

    Returns:
        A Figure with two panels sharing the y axis, so the gap between them reads as the
        vanishing ratio (exactly, with `grad_rms`).
    """
    metric = metric or shared_gradient_metric(layers_by_run)
    tables = _tables(layers_by_run, styles, metric)
    fig = Figure(figsize=(12, 4.6), layout="constrained")
    axes = fig.subplots(1, 2, sharey=True)
    for run, table in tables.items():
        hidden = [name for name in table.index if is_hidden(name)]
        if not hidden:
            continue
        for ax, layer in zip(axes, [hidden[0], hidden[-1]]):
            y = table.loc[layer].to_numpy(float)
            label = run if (y > 0).any() else f"{run} (exactly 0: off the log axis)"
            ax.plot(table.columns, np.where(y > 0, y, np.nan), label=label, markersize=4,
                    **styles[run])
    for ax, title in zip(axes, ["first hidden layer (hidden_1)", "last hidden layer (hidden_N)"]):
        ax.set_yscale("log")
        ax.set(title=title, xlabel="epoch (0 = at initialisation)")
        epoch_axis(ax, np.concatenate([t.columns for t in tables.values()]))
        ax.grid(True, alpha=0.3)
    axes[0].set_ylabel(norm_label(metric))
    figure_legend(fig, axes)
    fig.suptitle("Gradient size of the first and last hidden layer over training",
                 fontweight="bold")
    return fig


def plot_compare_history(history_by_run, styles: dict, chance: dict | None = None) -> Figure:
    """Training (top row) and validation (bottom row) curves of every run, one column per metric.

    Args:
        history_by_run: `history.csv` rows of all runs with a `run` column.
        styles: from `run_styles`.
        chance: `run -> {"accuracy": a, "loss": l}`, the chance level of each run's data; drawn
            as dotted lines (one per distinct value).

    Returns:
        A Figure: loss, then accuracy and/or MAE, whichever the runs recorded. Loss and MAE axes
        start at 0, so that noise between close runs does not look like a difference.
    """
    if history_by_run.empty or "epoch" not in history_by_run:
        raise NothingToPlot("no run has a history.csv row: no epoch finished")
    metrics = [m for m in ("loss", "accuracy", "mae") if m in history_by_run]
    fig = Figure(figsize=(4.6 * len(metrics), 7.0), layout="constrained")
    axes = fig.subplots(2, len(metrics), sharex=True, squeeze=False)
    for run, rows in history_by_run.groupby("run", sort=False):
        rows = rows.sort_values("epoch")
        for col, metric in enumerate(metrics):
            for row, column in enumerate([metric, f"val_{metric}"]):
                if column in rows and rows[column].notna().any():
                    y = rows[column].to_numpy(float)
                    axes[row, col].plot(rows["epoch"], np.where(np.isfinite(y), y, np.nan),
                                        label=run, markersize=4, **styles[run])
    for col, metric in enumerate(metrics):
        by_run = {run: c[metric] for run, c in (chance or {}).items()
                  if c.get(metric) is not None and run in styles}
        levels = sorted(set(by_run.values()))
        columns = [c for c in (metric, f"val_{metric}") if c in history_by_run]
        values = history_by_run[columns].to_numpy(float).ravel()
        values = values[np.isfinite(values)]
        for row, split in enumerate(["train", "validation"]):
            ax = axes[row, col]
            ax.set(title=f"{split} {metric}", ylabel=metric)
            if len(levels) == 1:  # one chance level for all: one grey line
                ax.axhline(levels[0], color="#555555", linestyle=":", linewidth=1.2,
                           label="chance level")
            else:  # each run's data has its own: dotted in the run's colour
                for i, (run, level) in enumerate(by_run.items()):
                    ax.axhline(level, color=styles[run]["color"], linestyle=":", linewidth=1.2,
                               label="chance level (dotted, run's colour)" if i == 0 else "_")
            if metric == "accuracy":
                ax.set_ylim(-0.02, 1.02)
            elif values.size and values.min() >= 0:
                ax.set_ylim(0, 1.05 * max(values.max(), *levels, 0))
            epoch_axis(ax, history_by_run["epoch"])
            ax.grid(True, alpha=0.3)
        axes[1, col].set_xlabel("epoch")
    figure_legend(fig, axes)
    fig.suptitle("Learning curves", fontweight="bold")
    return fig


def _tables(layers_by_run, styles, metric) -> dict:
    """run -> layer x epoch table of `metric`, in the order of `styles`; raises when none has it."""
    if layers_by_run.empty or "run" not in layers_by_run:
        raise NothingToPlot("no run has layers.csv rows")
    tables = {run: metric_table(layers_by_run[layers_by_run["run"] == run], metric)
              for run in styles}
    tables = {run: t for run, t in tables.items() if not t.empty and (t.to_numpy() > 0).any()}
    if not tables:
        raise NothingToPlot(f"no run has a non-zero `{metric}`")
    return tables


def figure_legend(fig, axes) -> None:
    """One legend under the figure with every run drawn on any panel (a run may miss some).

    As many columns as the longest label leaves room for, so no label runs off the figure; a
    label too long for one row is wrapped at its commas.
    """
    found = {}
    for ax in np.ravel(axes):
        for handle, label in zip(*ax.get_legend_handles_labels()):
            found.setdefault(label, handle)
    if not found:
        return
    room = int(fig.get_figwidth() * 72 / (9 * 0.55))  # characters a row of 9 pt text holds
    labels = [textwrap.fill(label, room - 8, break_long_words=False) for label in found]
    longest = max(len(line) for label in labels for line in label.splitlines())
    ncols = max(1, min(len(labels), 4, room // (longest + 8)))
    fig.legend(found.values(), labels, loc="outside lower center", ncols=ncols, fontsize=9,
               frameon=False)
