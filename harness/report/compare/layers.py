"""Figures comparing what happens inside several runs' networks, on shared scales.

Layer x epoch gradient heatmaps side by side on ONE colour scale (a 1e5 difference must look like
one), per-layer histograms of the first, a middle and the last hidden layer overlaid across runs,
and the update-to-weight ratio per layer. Inputs are long DataFrames with a `run` column and the
`styles` mapping of `harness.report.compare.plots.run_styles`.
"""

import math
import textwrap

import matplotlib
import numpy as np
from matplotlib.colors import LogNorm
from matplotlib.figure import Figure

from harness.base.frames import (
    SYM_THRESHOLD,
    full_bins,
    is_hidden,
    layer_key,
    layer_tick,
    metric_table,
    symlog,
)
from harness.report.compare.plots import figure_legend
from harness.report.draw.style import NORMS, NothingToPlot, shared_gradient_metric
from harness.report.draw.ticks import symlog_ticks
from harness.report.run.distributions import QUANTITIES, UPDATE_REFERENCE


def plot_compare_heatmaps(layers_by_run, styles: dict, metric: str | None = None) -> Figure:
    """Each run's layer x epoch gradient size as a heatmap, side by side on one log colour scale.

    Args:
        layers_by_run: `layers.csv` rows of all runs with a `run` column.
        styles: `run -> style` (fixes the order of the panels).
        metric: by default `grad_rms` when every run recorded it, else `grad_norm`.

    Returns:
        A Figure with one panel per run and one shared colour bar.
    """
    if layers_by_run.empty or "run" not in layers_by_run:
        raise NothingToPlot("no run has layers.csv rows")
    metric = metric or shared_gradient_metric(layers_by_run)
    tables = {r: metric_table(layers_by_run[layers_by_run["run"] == r], metric) for r in styles}
    tables = {r: t for r, t in tables.items() if not t.empty}
    values = np.concatenate([t.to_numpy(float).ravel() for t in tables.values()]) if tables \
        else np.array([])
    positive = values[np.isfinite(values) & (values > 0)]
    if not positive.size:
        raise NothingToPlot(f"no run has a non-zero `{metric}`")
    norm = LogNorm(positive.min(), max(positive.max(), positive.min() * 10))
    cmap = matplotlib.colormaps["viridis"].with_extremes(bad="#cccccc")
    tall = max(len(t) for t in tables.values())
    fig = Figure(figsize=(min(4.2 * len(tables), 17), max(3.2, 0.3 * tall + 1.9)),
                 layout="constrained")
    axes = np.atleast_1d(fig.subplots(1, len(tables), sharey=False))
    for ax, (run, table) in zip(axes, tables.items()):
        shown = table.to_numpy(float)
        mesh = ax.pcolormesh(np.ma.masked_where(~(np.isfinite(shown) & (shown > 0)), shown),
                             cmap=cmap, norm=norm)
        epochs = list(table.columns)
        step = max(1, math.ceil(len(epochs) / 6))
        ax.set_xticks([i + 0.5 for i in range(0, len(epochs), step)],
                      [str(epochs[i]) for i in range(0, len(epochs), step)])
        rows = range(0, len(table), max(1, math.ceil(len(table) / 12)))
        ax.set_yticks([i + 0.5 for i in rows], [layer_tick(table.index[i]) for i in rows])
        width = int(fig.get_figwidth() / len(tables) * 72 / (9 * 0.6)) - 8  # characters
        ax.set_title(textwrap.fill(run, width, break_long_words=False), fontsize=9,
                     color=styles[run]["color"])
        ax.set_xlabel("epoch")
    axes[0].set_ylabel("layer (input at the bottom)")
    name, symbol = NORMS.get(metric, (metric, ""))
    name = name if metric.endswith("_rms") else f"{name} norm"
    fig.colorbar(mesh, ax=list(axes), label=f"{name} {symbol} (log, shared)")
    fig.suptitle(f"{name[0].upper() + name[1:]} per layer and epoch, one colour scale for all runs",
                 fontweight="bold")
    return fig


def plot_compare_histograms(hist_by_run, styles: dict,
                            quantities=("activation", "kernel_grad")) -> Figure:
    """Histograms of the first, a middle and the last hidden layer, every run overlaid.

    Rows: each quantity at initialisation and at each run's last logged epoch. Counts become
    densities (share of values per unit of x), so runs with different bins compare.

    Args:
        hist_by_run: `histograms.csv` rows of all runs with a `run` column.
        styles: `run -> style`.
        quantities: which quantities to show, one pair of rows each.

    Returns:
        A Figure.
    """
    if hist_by_run is None or hist_by_run.empty or "quantity" not in hist_by_run:
        raise NothingToPlot("no run has a histograms.csv (recorded by newer runs)")
    quantities = [q for q in quantities if q in set(hist_by_run["quantity"])]
    hist_by_run = full_bins(hist_by_run)  # the zero-count bins the files leave out
    depth = max(sum(1 for n in rows["layer"].unique() if is_hidden(n))
                for _, rows in hist_by_run.groupby("run"))
    if not quantities or not depth:
        raise NothingToPlot("histograms.csv has no hidden-layer rows of these quantities")
    picks = list(dict.fromkeys([1, (depth + 1) // 2, depth]))  # positions, per run's own depth
    rows = [(q, when) for q in quantities for when in ("first", "last")]
    fig = Figure(figsize=(3.6 * len(picks) + 0.8, 2.1 * len(rows) + 1.0), layout="constrained")
    axes = fig.subplots(len(rows), len(picks), squeeze=False)
    drawn, spans = _overlay(axes, hist_by_run, styles, rows, picks)
    for (r, c), bars in drawn.items():
        _cut_end_bins(axes[r, c], bars, styles)
    for r, span in spans.items():  # a symlog axis runs to +-1e3: show where the values are
        for ax in axes[r]:
            ax.set_xscale("symlog", linthresh=SYM_THRESHOLD, linscale=0.9)
            if span:
                ax.set_xlim(min(span), max(span))
            symlog_ticks(ax)
    for r, (quantity, when) in enumerate(rows):
        title, linear, logged = QUANTITIES[quantity]
        log = (hist_by_run.loc[hist_by_run["quantity"] == quantity, "scale"] == "log10_abs").any()
        for c, position in enumerate(picks):
            ax = axes[r, c]
            where = "first" if position == 1 else ("last" if position == depth else "middle")
            ax.set_title(f"{title}, {where} hidden layer ({position}), "
                         f"{'at init' if when == 'first' else 'last epoch'}", fontsize=8)
            ax.set_xlabel(logged if log else f"{linear} (symmetric log axis)" if r in spans
                          else linear, fontsize=8)
            ax.tick_params(labelsize=7)
            ax.grid(True, alpha=0.3)
        axes[r, 0].set_ylabel("density", fontsize=8)
    figure_legend(fig, axes)
    fig.suptitle("Distributions in the first, a middle and the last hidden layer",
                 fontweight="bold")
    return fig


def _overlay(axes, hist_by_run, styles: dict, rows: list, picks: list) -> tuple[dict, dict]:
    """Draws every run's histograms into the grid, as steps in the run's style.

    Args:
        axes: the (rows, picks) grid of panels.
        hist_by_run, styles: as `plot_compare_histograms` takes them (full bins).
        rows: (quantity, "first" or "last") per row.
        picks: the hidden layers' positions per column, 1 = the first.

    Returns:
        `(drawn, spans)`: (row, col) -> [(run, density, shares, zero bins)], the bars the y
        limits need (every run's); row -> the x range its symlog histograms hold.
    """
    drawn = {}  # (row, col) -> [(run, density, shares, zero bin)]: the y limit needs every run's
    spans = {}  # row -> x range of its symlog histograms
    on_symlog = set(hist_by_run.loc[hist_by_run["scale"] == "symlog", "quantity"])
    for run, frame in hist_by_run.groupby("run", sort=False):
        if run not in styles:
            continue
        hidden = sorted((n for n in frame["layer"].unique() if is_hidden(n)), key=layer_key)
        epochs = sorted(frame["epoch"].unique())
        for r, (quantity, when) in enumerate(rows):
            epoch = epochs[0] if when == "first" else epochs[-1]
            for c, position in enumerate(picks):
                layer = hidden[min(position, len(hidden)) - 1] if hidden else None
                part = frame[(frame["quantity"] == quantity) & (frame["layer"] == layer)
                             & (frame["epoch"] == epoch)]
                if part.empty:
                    continue
                edges = np.append(part["bin_left"].to_numpy(float), part["bin_right"].iloc[-1])
                counts = part["count"].to_numpy(float)
                share = counts / max(counts.sum(), 1)
                sym = part["scale"].iloc[0] == "symlog"
                # On a row drawn on the symlog axis (a ReLU run beside a sigmoid one), density
                # per step of that axis, so that both runs' bars compare; else per unit of x.
                density = share / np.diff(symlog(edges) if quantity in on_symlog else edges)
                style = styles[run]
                axes[r, c].stairs(density, edges, color=style["color"], label=run,
                                  linestyle=style["linestyle"], linewidth=style.get("linewidth"))
                zero = np.flatnonzero((edges[:-1] <= 0) & (edges[1:] > 0)) if sym else []
                drawn.setdefault((r, c), []).append((run, density, share, list(zero)))
                if sym:
                    held = np.flatnonzero(counts > 0)
                    spans.setdefault(r, []).extend(
                        [edges[max(held[0] - 1, 0)], edges[min(held[-1] + 2, len(edges) - 1)]]
                        if held.size else [])
    return drawn, spans


def _cut_end_bins(ax, bars, styles) -> None:
    """Scales a panel to the runs' tallest inner bar: an end bin (ReLU's zeros, a log axis' exact
    zeros, a saturated sigmoid), or a symlog axis' bin at 0 (ReLU's zeros), 100x taller would
    flatten every other run. A cut bar's share is written in its run's colour, as the run
    report's histogram grid does."""
    inner = [np.delete(d, [0, len(d) - 1, *zero]) if len(d) > 3 else d
             for _, d, _, zero in bars]
    peak = max((float(np.max(d)) for d in inner if d.size), default=0.0)
    if not peak > 0:
        return
    top = 1.15 * peak
    notes = [(run, f"{share[i]:.0%} " + (f"in the {side} end bin" if side else "at 0")
              + " (bar cut)")
             for run, density, share, zero in bars if len(density) > 3
             for i, side in ((0, "left"), (-1, "right"), *((z, "") for z in zero))
             if density[i] > top]
    if not notes:
        return
    ax.set_ylim(0, top)
    for k, (run, text) in enumerate(notes):
        ax.text(0.98, 0.96 - 0.09 * k, text, transform=ax.transAxes, ha="right", va="top",
                fontsize=6.5, color=styles[run]["color"])


def plot_compare_update_ratio(layers_by_run, styles: dict) -> Figure:
    """Update-to-weight ratio per layer of every run, after the first and the last epoch (log y).

    Returns:
        A Figure with two panels sharing the y axis and the 1e-3 reference line.
    """
    if layers_by_run.empty or "run" not in layers_by_run:
        raise NothingToPlot("no run has layers.csv rows")
    tables = {r: metric_table(layers_by_run[layers_by_run["run"] == r], "update_ratio")
              for r in styles}
    tables = {r: t[[c for c in t.columns if c > 0]] for r, t in tables.items() if not t.empty}
    tables = {r: t for r, t in tables.items() if not t.empty and (t.to_numpy(float) > 0).any()}
    if not tables:
        raise NothingToPlot("no run has `update_ratio` rows (recorded by newer runs, after an "
                            "epoch)")
    fig = Figure(figsize=(12, 4.6), layout="constrained")
    axes = fig.subplots(1, 2, sharey=True)
    for run, table in tables.items():
        x = np.arange(1, len(table) + 1)
        for ax, epoch in zip(axes, [table.columns[0], table.columns[-1]]):
            y = table[epoch].to_numpy(float)
            ax.plot(x, np.where(y > 0, y, np.nan), label=run, markersize=5, **styles[run])
    for ax, title in zip(axes, ["after the first epoch", "after the last epoch"]):
        ax.axhline(UPDATE_REFERENCE, color="black", linestyle="--", linewidth=1)
        ax.set(yscale="log", title=title,
               xlabel="layer (1 = next to the input; each line ends at its output layer)")
        ax.grid(True, alpha=0.3)
    axes[0].set_ylabel("update ratio std(ΔW) / std(W)  (log; dashed: 1e-3)")
    figure_legend(fig, axes)
    fig.suptitle("How far each step moves each layer's weights", fontweight="bold")
    return fig

