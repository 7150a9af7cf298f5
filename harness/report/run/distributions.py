"""Distributions inside the network: per-layer histograms and update ratios.

The pictures of *Deep Learning from Scratch* ch. 6 and Karpathy's makemore part 3, drawn from
`histograms.csv` (`epoch, layer, quantity, scale, bin_left, bin_right, count`) and `layers.csv`'s
`update_ratio` rows.
"""

import math

import numpy as np
from matplotlib.collections import LineCollection, PolyCollection
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from harness.base.frames import (
    SYM_THRESHOLD,
    full_bins,
    is_hidden,
    layer_key,
    layer_tick,
    metric_table,
    symlog,
)
from harness.report.draw.style import NothingToPlot, activation_color
from harness.report.draw.ticks import label_ticks, symlog_ticks
from harness.report.run.captions import compare_sizes

QUANTITIES = {  # quantity -> (panel title, x label on a linear axis, x label on log10|.|)
    "activation": ("activations a = f(z)", "a", "log10 |a|"),
    "preactivation": ("pre-activations z", "z", "log10 |z|"),
    "preact_grad": ("gradient dL/dz", "dL/dz", "log10 |dL/dz|"),
    "kernel_grad": ("weight gradient dL/dW", "dL/dW", "log10 |dL/dW|"),
}
UPDATE_REFERENCE = 1e-3  # Karpathy: updates ~1e-3 of the weights' size train well
BOUNDED = {"sigmoid", "tanh", "hard_sigmoid", "softsign", "step"}
ROW_INCHES = 0.62  # each layer's row: tall enough that a histogram's shape reads


def histogram_epochs(hist) -> tuple[int, int]:
    """(first, last) epoch of `histograms.csv`; raises NothingToPlot when there is none."""
    if hist is None or hist.empty or not {"quantity", "count"} <= set(hist.columns):
        raise NothingToPlot("no histograms.csv (recorded by newer runs)")
    epochs = sorted(hist["epoch"].unique())
    return int(epochs[0]), int(epochs[-1])


def plot_histograms(hist, activation: str = "", layers=None, color: str | None = None,
                    pooled=()) -> Figure:
    """The histogram grid: one row per layer, one column per quantity, first vs last epoch.

    Each histogram is drawn as shares of its values (epoch 0 counts one batch, a logged epoch
    every step of it), each row scaled to its tallest bar but the two end bins, so the shapes
    compare; a taller end bin is capped at the row's height and its share written beside the
    row: activation columns say how much of the layer sits in the two outermost bins (bounded
    activations: saturated) or in the lowest bin (at 0), gradient columns the share of exact
    zeros (a log axis' first bin, below 1e-12).

    Args:
        hist: the `histograms.csv` frame.
        activation: the hidden activation, for the colour and the title.
        layers: layer names to draw (default: every layer in the file).
        color: overrides the activation's colour.
        pooled: the layers a 2 x 2 max-pool follows: their dL/dz is 0 at three positions of
            four (the pool passes the gradient to the largest only), which their note says.

    Returns:
        A Figure.
    """
    first, last = histogram_epochs(hist)
    quantities = [q for q in QUANTITIES if q in set(hist["quantity"].unique())]
    names = sorted(hist["layer"].unique(), key=layer_key) if layers is None else list(layers)
    color = color or activation_color(activation)
    height = max(3.0, ROW_INCHES * len(names) + 1.6)
    fig = Figure(figsize=(3.2 * len(quantities) + 0.8, height))
    # room right of each panel for its notes, so that they never cover a bar
    fig.subplots_adjust(left=0.07, right=0.94, bottom=0.85 / height, top=1 - 0.75 / height,
                        wspace=0.38)
    axes = np.atleast_1d(fig.subplots(1, len(quantities)))
    groups = _histograms(hist)
    for ax, quantity in zip(axes, quantities):
        fills, outlines, span, log, sym = _rows(ax, groups, quantity, names, (first, last),
                                                activation, set(pooled))
        # one collection per panel rather than a patch per histogram: far fewer artists to draw
        ax.add_collection(PolyCollection(fills, facecolors="#bbbbbb", edgecolors="none"),
                          autolim=False)
        ax.add_collection(LineCollection(outlines, colors=color, linewidths=1.3), autolim=False)
        if sym:  # equal steps of `harness.base.frames.symlog`: linear within 1e-4, decades beyond
            ax.set_xscale("symlog", linthresh=SYM_THRESHOLD, linscale=0.9)
        if span:  # one range per column, where any row has values
            ax.set_xlim(min(span), max(span))
        title, linear, logged = QUANTITIES[quantity]
        ax.set_title(title, fontsize=9)
        ax.set_xlabel(logged if log else f"{linear} (symmetric log axis)" if sym else linear,
                      fontsize=8)
        ax.set_ylim(-0.1, len(names))
        # layer names on the first panel only; no ticks elsewhere (each tick costs artists)
        label_ticks(ax.yaxis, np.arange(len(names)) + 0.4 if ax is axes[0] else [],
                    [layer_tick(n) for n in names] if ax is axes[0] else [])
        if sym:
            symlog_ticks(ax)
        else:
            ax.xaxis.set_major_locator(MaxNLocator(5))
        ax.tick_params(labelsize=7, length=2)
    axes[0].set_ylabel("layer (input at the bottom)", fontsize=8)
    what = f"grey: epoch {first}" + ("" if last == first else f", line: epoch {last}")
    fig.suptitle(f"Distributions per layer: {activation or 'network'} ({what})",
                 fontweight="bold", fontsize=11)
    return fig


def _rows(ax, groups: dict, quantity: str, names: list, epochs: tuple, activation: str,
          pooled: set):
    """One quantity's panel, a row per layer: the first epoch's histogram as a fill, the last
    one's as an outline, each row's share in a cut bin written beside it.

    Args:
        ax: the panel; only the notes are drawn on it here.
        groups: `_histograms`' arrays.
        quantity, names: the panel's quantity and the layers, input first.
        epochs: (first, last) epoch.
        activation: the hidden activation (how an activation's end bins are read).
        pooled: the layers a max-pool follows (their dL/dz zeros are the pool's).

    Returns:
        `(fills, outlines, span, log, sym)`: the polygons, the x range the rows need, and whether
        a row is on a log10|x| or a symmetric log axis.
    """
    first, last = epochs
    log, sym, fills, outlines, span = False, False, [], [], []
    # a column with a symlog row (the head's) is a symlog axis: a linear row on it (a bounded
    # activation's) is drawn as its density on that axis, share / bin width in the axis' units,
    # or its bins near 0, each spanning decades, would draw a plateau the values do not have
    column_sym = any(g[2] == "symlog" for k, g in groups.items() if k[0] == quantity)
    for row, layer in enumerate(names):  # input layer at the bottom
        shown = [(e, groups[(quantity, layer, e)]) for e in dict.fromkeys([first, last])
                 if (quantity, layer, e) in groups]
        # shares, not counts: epoch 0 is one batch, a logged epoch every step of it
        shares = {e: counts / max(counts.sum(), 1) for e, (_, counts, _) in shown}
        if column_sym:
            shares = {e: (share / np.diff(symlog(edges)) if scale == "linear" else share)
                      for (e, (edges, _, scale)), share in zip(shown, shares.values())}
        # Scaled to the tallest inner bar: an end bin (ReLU's zeros, a log axis' exact zeros,
        # saturated sigmoids) would flatten the rest; it is capped at the row's height, and
        # its share is written beside the row.
        peak = max((_inner(s, e).max() for s, (e, _, _) in zip(
            shares.values(), (g for _, g in shown))), default=0) or 1
        for epoch, (edges, counts, scale) in shown:
            log, sym = log or scale == "log10_abs", sym or scale == "symlog"
            outline = _steps(edges, row + 0.9 * np.minimum(shares[epoch] / peak, 1.0))
            if epoch == first:
                fills.append(np.vstack([[edges[0], row], outline, [edges[-1], row]]))
            if epoch == last and last != first:
                outlines.append(outline)
            span += _span(edges, counts, scale)
        if (quantity, layer, last) in groups:
            edges, counts, scale = groups[(quantity, layer, last)]
            note = (_symlog_share(counts, edges) if scale == "symlog"
                    else _edge_share(counts, edges, activation) if quantity == "activation"
                    else _zero_share(counts) if scale == "log10_abs" else "")
            if note and quantity == "preact_grad" and layer in pooled:
                note += "\n(max-pool)"
            if note:
                ax.text(1.01, row + 0.45, note, transform=ax.get_yaxis_transform(),
                        ha="left", va="center", fontsize=6.5, color="#444444",
                        clip_on=False)
    return fills, outlines, span, log, sym


def _histograms(hist) -> dict:
    """`(quantity, layer, epoch) -> (edges, counts, scale)` as numpy arrays, bins in order."""
    hist = full_bins(hist).sort_values(["quantity", "layer", "epoch", "bin_left"])
    left, right = hist["bin_left"].to_numpy(float), hist["bin_right"].to_numpy(float)
    counts, scales = hist["count"].to_numpy(float), hist["scale"].to_numpy()
    found = {}
    for key, index in hist.groupby(["quantity", "layer", "epoch"]).indices.items():
        index = np.sort(index)
        found[key] = (np.append(left[index], right[index[-1]]), counts[index], scales[index[0]])
    return found


def _steps(edges, heights):
    """The outline of a histogram: (2 * bins, 2) points along the tops of its bars."""
    return np.column_stack([np.repeat(edges, 2)[1:-1], np.repeat(heights, 2)])


def _inner(shares, edges=None):
    """A histogram's bins but its two ends (all of them when it has three or fewer), and on a
    symlog axis but the bin holding 0 (ReLU's exact zeros)."""
    inner = np.array(shares[1:-1] if len(shares) > 3 else shares, float)
    if edges is not None and len(shares) > 3:
        inner[(edges[1:-2] <= 0) & (edges[2:-1] > 0)] = 0
    return inner


def _span(edges, counts, scale) -> list:
    """The x range a histogram needs: a linear or log axis whole, a symlog axis where it holds
    values (its ends are +-1e3), one bin wider on each side."""
    if scale != "symlog":
        return [edges[0], edges[-1]]
    held = np.flatnonzero(counts > 0)
    if not held.size:
        return []
    return [edges[max(held[0] - 1, 0)], edges[min(held[-1] + 2, len(edges) - 1)]]


def _symlog_share(counts, edges) -> str:
    """On a symlog axis, the share at 0 (the bin holding it), when it is visible."""
    share = counts[(edges[:-1] <= 0) & (edges[1:] > 0)].sum() / (counts.sum() or 1.0)
    return f"at 0 {100 * share:.0f}%" if share >= 0.01 else ""


def _zero_share(counts) -> str:
    """The share in a log axis' first bin (exact zeros and below 1e-12), when it is visible."""
    share = counts[0] / (counts.sum() or 1.0)
    return f"0: {100 * share:.0f}%" if share >= 0.01 else ""


def _edge_share(counts, edges, activation: str) -> str:
    """A linear activation row's note: a bounded activation's share in its two outermost bins
    (saturated), or an unbounded one's in its lowest bin (at 0)."""
    total = counts.sum() or 1.0
    if activation in BOUNDED or (edges[0] >= -1 and edges[-1] <= 1 and edges[0] < 0):
        return f"saturated {100 * (counts[0] + counts[-1]) / total:.0f}%"
    if edges[0] < 0 < edges[-1]:
        return f"end bins {100 * (counts[0] + counts[-1]) / total:.0f}%"
    return f"at 0 {100 * counts[0] / total:.0f}%"


def plot_update_ratio(layers, activation: str = "") -> Figure:
    """Update-to-weight ratio std(dW) / std(W) of every layer over epochs, on a log axis.

    Args:
        layers: the tidy `layers.csv` frame with `update_ratio` rows.
        activation: the hidden activation, for the title.

    Returns:
        A Figure with one line per layer (dark = input side) and the 1e-3 reference line.
    """
    table = metric_table(layers, "update_ratio")
    table = table[[c for c in table.columns if c > 0]] if not table.empty else table
    # inf: a layer whose weights are all equal (std(W) = 0, e.g. a constant initializer)
    table = table.where(np.isfinite(table.to_numpy(float)) & (table.to_numpy(float) > 0))
    if table.empty or not (table.to_numpy(float) > 0).any():
        raise NothingToPlot("layers.csv has no `update_ratio` rows (recorded by newer runs, "
                            "after at least one epoch)")
    fig = Figure(figsize=(7.5, 4.0))
    fig.subplots_adjust(left=0.1, right=0.8, bottom=0.13, top=0.86)
    ax = fig.subplots()
    shades = _layer_shades(table.index)
    epochs = np.asarray(table.columns, dtype=float)
    marker = "o" if len(epochs) <= 12 else None
    for layer, color in zip(table.index, shades):
        y = table.loc[layer].to_numpy(float)
        ax.plot(epochs, y, color=color, marker=marker, markersize=3,
                label=layer)
    ax.axhline(UPDATE_REFERENCE, color="black", linestyle="--", linewidth=1)
    ax.text(epochs[0], UPDATE_REFERENCE * 1.25, "1e-3: a usual healthy size", fontsize=8)
    ax.set_yscale("log")
    positive = table.to_numpy(float)
    positive = positive[positive > 0]
    low, high = min(positive.min(), UPDATE_REFERENCE), max(positive.max(), UPDATE_REFERENCE)
    ax.set_ylim(10 ** math.floor(math.log10(low)), 10 ** math.ceil(math.log10(high) + 1e-9))
    if len(epochs) < 5:
        ax.set_xticks(epochs, [str(int(e)) for e in epochs])
    ax.set(xlabel="epoch", ylabel="update ratio std(ΔW) / std(W)  (log)")
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    fig.suptitle(f"How far each step moves the weights: {activation or 'network'}",
                 fontweight="bold", fontsize=11)
    ax.set_title(_update_gap(table), fontsize=9, color="#444444")
    return fig


def _update_gap(table) -> str:
    hidden = [n for n in table.index if is_hidden(n)]
    if len(hidden) < 2:
        return "per layer, mean over each epoch's steps"
    last = table.columns[-1]
    first, deep = table.at[hidden[0], last], table.at[hidden[-1], last]
    if not (first > 0 and deep > 0):
        return "per layer, mean over each epoch's steps"
    return (f"epoch {last}: {hidden[0]}'s steps are {compare_sizes(first, deep)} {hidden[-1]}'s "
            f"({first:.1e} vs {deep:.1e})")


def _layer_shades(names) -> list:
    """Dark for the layers next to the input, light toward the output (viridis)."""
    import matplotlib

    cmap = matplotlib.colormaps["viridis"]
    return [cmap(0.9 * i / max(len(names) - 1, 1)) for i in range(len(names))]
