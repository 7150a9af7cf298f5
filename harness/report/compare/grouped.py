"""Runs that share a label (the seeds of one setting) drawn as one line: the mean and a band.

For sweep reports. The input is a long DataFrame with a `run` column (one per seed) and a `group`
column (the label the seeds share). Gradient norms span decades, so on a log axis the line is the
geometric mean (the mean in log space) and the band is computed in log space too.
"""

import re

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from harness.base.frames import layer_key, layer_tick
from harness.report.draw.style import (
    ACTIVATION_COLORS,
    OTHER_COLORS,
    NothingToPlot,
    activation_color,
    norm_label,
    shared_gradient_metric,
)
from harness.report.draw.ticks import epoch_axis, label_ticks

BANDS = ("minmax", "std")
LINESTYLES = ["-", "--", "-.", ":"]
MARKERS = ["o", "s", "^", "D", "v", "P"]


def group_band(frame: pd.DataFrame, x: str, y: str, band: str = "minmax",
               log: bool = False) -> pd.DataFrame:
    """Mean and band of `y` over the runs of each group, at each `x`.

    Args:
        frame: long rows with columns `run`, `group`, `x` and `y`.
        x: the column along the line (e.g. `"epoch"`).
        y: the column to average.
        band: `"minmax"` (lowest to highest run) or `"std"` (mean +- one standard deviation).
        log: average log10 values (a geometric mean) and drop values <= 0.

    Returns:
        A DataFrame with columns `group, x, mean, low, high, runs`, groups in first-seen order.

    Example:
        >>> group_band(frame, "epoch", "val_loss", band="std")
    """
    if band not in BANDS:
        raise ValueError(f"band must be one of {BANDS}, got {band!r}")
    values = frame[y].astype(float)
    keep = np.isfinite(values) & ((values > 0) if log else True)
    data = frame.loc[keep, ["group", x]].assign(v=np.log10(values[keep]) if log else values[keep])
    stats = data.groupby(["group", x], sort=False)["v"].agg(["mean", "std", "min", "max", "count"])
    stats["std"] = stats["std"].fillna(0.0)  # a single run has no spread
    low = stats["min"] if band == "minmax" else stats["mean"] - stats["std"]
    high = stats["max"] if band == "minmax" else stats["mean"] + stats["std"]
    out = pd.DataFrame({"mean": stats["mean"], "low": low, "high": high, "runs": stats["count"]})
    if log:
        out[["mean", "low", "high"]] = 10.0 ** out[["mean", "low", "high"]]
    out = out.reset_index().sort_values(["group", x], key=_first_seen(frame))
    return out.reset_index(drop=True)


def plot_grouped_grad_norms(layers_by_run: pd.DataFrame, metric: str | None = None,
                            band: str = "minmax", colors: dict | None = None) -> Figure:
    """Per-layer gradient norm of groups of runs at initialisation and after the last epoch.

    Args:
        layers_by_run: columns `run, group, epoch, layer, metric, value` (`layers.csv` rows of
            every run, tagged with the run and the group it belongs to).
        metric: which measure to draw; by default `grad_rms` when every run recorded it (the
            measure of the vanishing ratio), else `grad_norm`.
        band: `"minmax"` or `"std"`, computed in log space.
        colors: `group -> colour`; by default the activation's colour when the group names one
            (`"activation=relu, depth=8"` or `"relu"`), else a fixed cycle.

    Returns:
        A Figure with two panels sharing a log y axis: the geometric mean over the group's runs as
        a line, the band shaded. Each run's own last epoch counts as "after the last epoch".

    Example:
        >>> frame = pd.concat([load_run(d).layers.assign(run=d, group=label) for d, label in ...])
        >>> plot_grouped_grad_norms(frame, band="std")
    """
    metric = metric or shared_gradient_metric(layers_by_run)
    rows = layers_by_run[layers_by_run["metric"] == metric] if "metric" in layers_by_run else None
    if rows is None or rows.empty:
        raise NothingToPlot(f"no run has `{metric}` rows")
    rows = rows.assign(x=_positions(rows))
    last = rows.groupby("run")["epoch"].transform("max")
    order = _order(rows)
    colors = colors or group_colors(list(order))
    final = (rows["epoch"] == last) & (last > 0)  # each run's own last epoch
    layouts = {frozenset(names) for _, names in rows.groupby("run")["layer"]}
    panels = [(rows["epoch"] == 0, "at initialisation (epoch 0)")]
    if final.any():  # no run trained an epoch (epochs: 0): no "after" panel to leave empty
        panels.append((final, "after the last epoch"))
    fig = Figure(figsize=(12 if len(panels) > 1 else 7.5, 4.6), layout="constrained")
    axes = np.atleast_1d(fig.subplots(1, len(panels), sharey=True))
    for ax, (when, title) in zip(axes, panels):
        stats = group_band(rows[when], "x", "value", band, log=True)
        for group, line in stats.groupby("group", sort=False):
            _band(ax, line["x"], line, colors[group], _runs_label(group, line['runs'].max()),
                  order[group])
        ax.set(yscale="log", title=title)
        if len(layouts) == 1:  # one layout: name the ticks as the run figure does (`output`)
            layers = sorted(next(iter(layouts)), key=layer_key)
            label_ticks(ax.xaxis, list(range(1, len(layers) + 1)),
                        [layer_tick(n) for n in layers])
            ax.set_xlabel("hidden layer (1 = next to the input), then output")
        else:
            ax.set_xlabel("layer (1 = next to the input; each line ends at its output layer)")
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.grid(True, alpha=0.3)
    axes[0].set_ylabel(norm_label(metric))
    _legend(fig, axes[0], band, "geometric mean")
    fig.suptitle("Gradient size per layer, grouped over runs", fontweight="bold")
    return fig


def plot_grouped_history(history_by_run: pd.DataFrame, metrics=("loss", "val_loss"),
                         band: str = "minmax", colors: dict | None = None) -> Figure:
    """Learning curves of groups of runs: the mean over each group's runs and a band, per metric.

    Args:
        history_by_run: `history.csv` rows of every run with `run` and `group` columns.
        metrics: history columns to draw, one panel each (missing ones are left out).
        band: `"minmax"` or `"std"`.
        colors: `group -> colour`, as in `plot_grouped_grad_norms`.

    Returns:
        A Figure. A `val_` metric's panel shares its y axis with the training metric's, so that
        the gap between the two (overfitting) reads across them.
    """
    metrics = [m for m in metrics if m in history_by_run]
    if history_by_run.empty or not metrics:
        raise NothingToPlot("no run has history rows for these metrics")
    order = _order(history_by_run)
    colors = colors or group_colors(list(order))
    fig = Figure(figsize=(4.8 * len(metrics), 4.2), layout="constrained")
    axes = fig.subplots(1, len(metrics), squeeze=False)[0]
    for ax, metric in zip(axes, metrics):
        stats = group_band(history_by_run, "epoch", metric, band)
        for group, line in stats.groupby("group", sort=False):
            _band(ax, line["epoch"], line, colors[group], _runs_label(group, line['runs'].max()),
                  order[group])
        ax.set(title=metric, xlabel="epoch", ylabel=metric)
        epoch_axis(ax, history_by_run["epoch"])
        ax.grid(True, alpha=0.3)
    for ax, metric in zip(axes, metrics):
        if metric.startswith("val_") and metric[4:] in metrics:
            ax.sharey(axes[metrics.index(metric[4:])])
            ax.autoscale(axis="y")  # over both panels' lines
    _legend(fig, axes[0], band, "mean")
    fig.suptitle("Learning curves, grouped over runs", fontweight="bold")
    return fig


def group_colors(groups: list[str]) -> dict[str, str]:
    """`group -> colour`: the activation's colour when the group names one, else a cycle."""
    colors = {}
    for i, group in enumerate(groups):
        match = re.search(r"activation=([\w-]+)", str(group))
        name = match.group(1) if match else str(group)
        known = match or name.lower() in ACTIVATION_COLORS
        colors[group] = activation_color(name) if known else OTHER_COLORS[i % len(OTHER_COLORS)]
    return colors


def _positions(rows: pd.DataFrame) -> list[int]:
    """Each row's layer position within its own run: 1 for hidden_1 .. depth + 1 for output."""
    order = {}
    for run, names in rows.groupby("run")["layer"]:
        for i, name in enumerate(sorted(set(names), key=layer_key)):
            order[(run, name)] = i + 1
    return [order[key] for key in zip(rows["run"], rows["layer"])]


def group_style(i: int) -> dict:
    """Line style of the i-th group: dashes, markers and a width that shrinks with i, so that
    groups whose lines coincide (ReLU and Leaky ReLU at initialisation) all stay visible."""
    return {"linestyle": LINESTYLES[i % len(LINESTYLES)], "marker": MARKERS[i % len(MARKERS)],
            "linewidth": max(1.0, 2.8 - 0.5 * i), "markersize": max(3.0, 6.5 - 0.8 * i)}


def _order(frame: pd.DataFrame) -> dict:
    """`group -> i`, in first-seen order: a group keeps its style in a panel that lacks another
    (gradients of exactly 0 are not drawn on a log axis), as in the legend."""
    return {g: i for i, g in enumerate(dict.fromkeys(frame["group"]))}


MARKED = 30  # points per line that all get a marker; longer lines get ~20


def _band(ax, x, line, color, label, i=0):
    ax.fill_between(x, line["low"], line["high"], color=color, alpha=0.2, linewidth=0)
    # Markers tell apart groups whose lines coincide; on every one of 200 epochs they hide them.
    every = None if len(x) <= MARKED else max(1, len(x) // 20)
    ax.plot(x, line["mean"], color=color, label=label, markevery=every, **group_style(i))


def _legend(fig, ax, band, centre):
    handles, labels = ax.get_legend_handles_labels()
    what = "min to max" if band == "minmax" else "mean ± 1 std"
    room = int(fig.get_figwidth() * 72 / (9 * 0.55))  # characters a row of 9 pt text holds
    longest = max((len(label) for label in labels), default=1)
    ncols = max(1, min(len(labels), 3, room // (longest + 8)))  # no label off the figure
    fig.legend(handles, labels, loc="outside lower center", ncols=ncols, fontsize=9,
               frameon=False, title=f"line: {centre} over the group's runs; band: {what}")


def _first_seen(frame):
    """Sort key keeping groups in the order they first appear in `frame` (x stays ascending)."""
    rank = {g: i for i, g in enumerate(dict.fromkeys(frame["group"]))}
    return lambda col: col.map(rank) if col.name == "group" else col


def _runs_label(group: str, runs: int) -> str:
    """`relu (3 runs)`, `relu (1 run)`: a legend entry and the runs its band spans."""
    return f"{group} ({runs} run{'' if runs == 1 else 's'})"
