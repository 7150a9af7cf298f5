"""Reading a run's tidy frames: layer order, layer x epoch tables, the vanishing ratio, full bins.

`layers.csv` holds `epoch, layer, metric, value` rows (see `results/README.md`). Layers are
`hidden_1` .. `hidden_N` (a conv model's `conv_1` .. `conv_N`) then `output`; epoch 0 is the
network at initialisation. Plain pandas: the run (its summary), the console, sweeps, TensorBoard
and the reports all read runs with these.
"""

import math
import re

import numpy as np
import pandas as pd

# A hidden layer is `<prefix>_<k>`, the prefix its model type's (`harness.models.types`: hidden,
# conv, rnn, or a registered type's own); the output layer is `output`.
_HIDDEN = re.compile(r"[a-z]+_(\d+)$")
ALL_DEAD = 1.0 - 1e-9  # a dead share this close to 1 is every unit


def layer_key(name: str) -> tuple:
    """Sort key putting `hidden_1` .. `hidden_N` first (numerically), then `output`, then others."""
    match = _HIDDEN.match(str(name))
    if match:
        return (0, int(match.group(1)), "")
    return (1, 0, "") if name == "output" else (2, 0, str(name))


def is_hidden(name: str) -> bool:
    return bool(_HIDDEN.match(str(name)))


def layer_tick(name: str) -> str:
    """Short axis label: `hidden_3` -> `3`, `output` -> `output`."""
    match = _HIDDEN.match(str(name))
    return match.group(1) if match else str(name)


def metric_table(layers: pd.DataFrame, metric: str) -> pd.DataFrame:
    """One metric as a layer x epoch table.

    Args:
        layers: the tidy `layers.csv` frame.
        metric: e.g. `"grad_norm"`.

    Returns:
        A DataFrame indexed by layer (input to output order) with one column per epoch (ascending).
        Empty when the metric was not recorded.

    Example:
        >>> metric_table(run.layers, "grad_norm")[0]  # per-layer norms at initialisation
    """
    if layers.empty or "metric" not in layers.columns:
        return pd.DataFrame()
    rows = layers[layers["metric"].to_numpy() == metric]  # numpy compares strings ~4x faster
    if rows.empty:
        return pd.DataFrame()
    table = rows.groupby(["layer", "epoch"])["value"].mean().unstack("epoch")
    table = table.reindex(sorted(table.index, key=layer_key))
    return table[sorted(table.columns)].astype(float)


def last_epoch(layers: pd.DataFrame) -> int | None:
    """The largest epoch in `layers.csv` (0 when the run never finished an epoch), or None."""
    if layers.empty or "epoch" not in layers.columns:
        return None
    return int(layers["epoch"].max())


def vanishing_ratio(layers: pd.DataFrame, epoch: int) -> float:
    """`grad_rms(hidden_1) / grad_rms(hidden_N)` (conv: `conv_1` / `conv_N`) at one epoch.

    The root mean square of each kernel's gradient, not its L2 norm: kernels differ in size
    (2 x 16 against 16 x 16 on toy data), and norms would bias the ratio by that. Run folders from
    before `grad_rms` was recorded fall back to `grad_norm`.

    Args:
        layers: the tidy `layers.csv` frame.
        epoch: 0 for initialisation.

    Returns:
        The ratio: near 1 when gradients reach the first layer, orders of magnitude below 1 when
        they vanish on the way. NaN when there are fewer than 2 hidden layers, the epoch is missing,
        or either value is 0 or not finite.
    """
    table = metric_table(layers, "grad_rms")
    if table.empty:
        table = metric_table(layers, "grad_norm")
    hidden = [name for name in table.index if is_hidden(name)]
    if len(hidden) < 2 or epoch not in table.columns:
        return math.nan
    first, last = table.at[hidden[0], epoch], table.at[hidden[-1], epoch]
    if not (math.isfinite(first) and math.isfinite(last)) or first == 0 or last == 0:
        return math.nan
    return float(first / last)


def dead_layer(layers: pd.DataFrame) -> str | None:
    """The highest hidden layer whose every unit is dead at the last epoch, said in one line.

    A layer whose units all output 0 passes no gradient down: every layer below it (and its own
    weights) gets exactly zero. Returns None when no hidden layer is entirely dead.
    """
    table = metric_table(layers, "dead_fraction")
    if table.empty:
        return None
    hidden = [n for n in table.index if is_hidden(n)]
    for name in reversed(hidden):
        row = table.loc[name]
        if not row.iloc[-1] >= ALL_DEAD:
            continue
        alive = [epoch for epoch, share in row.items() if not share >= ALL_DEAD]
        since = f"from epoch {alive[-1] + 1}" if alive else "from initialisation"
        below = hidden[:hidden.index(name)]
        effect = ("no gradient reaches the layers below" if below
                  else "its weights get no gradient")
        return f"{name} is 100% dead {since}: {effect}"
    return None


def hidden_mean(layers: pd.DataFrame, metric: str, epoch: int | None) -> float:
    """Mean of a metric over the hidden layers at one epoch; NaN when not recorded."""
    table = metric_table(layers, metric)
    if table.empty or epoch not in table.columns:
        return math.nan
    return float(table.loc[[n for n in table.index if is_hidden(n)], epoch].mean())


def masked_counts(layers: pd.DataFrame, metric: str) -> tuple[int, int]:
    """How many values of a metric a log scale cannot show: (exact zeros, NaN or infinite)."""
    if layers.empty or "metric" not in layers.columns:
        return 0, 0
    values = layers.loc[layers["metric"] == metric, "value"].to_numpy(float)
    return int((values == 0).sum()), int((~np.isfinite(values)).sum())


BIN_COLUMNS = ("bin_left", "bin_right", "count")


def full_bins(hist: pd.DataFrame) -> pd.DataFrame:
    """`histograms.csv` rows with the bins the file leaves out put back, with count 0.

    The file keeps a histogram's zero-count bins only at its two ends
    (`harness.measure.histograms`), so each axis' extent is known and its bins, of equal width, can
    be filled in between. Files that hold every bin come back as they are. The other columns
    (`epoch, layer, quantity, scale`, and e.g. a `run` column of stacked runs) name the histograms.

    Args:
        hist: `histograms.csv` rows.

    Returns:
        Every bin of every histogram: histograms in the order of their first rows, bins ascending.
    """
    if hist is None or hist.empty or not set(BIN_COLUMNS) <= set(hist.columns):
        return hist
    if "scale" in hist.columns and (hist["scale"] == "symlog").any():
        return _full_symlog_bins(hist)
    keys = [c for c in hist.columns if c not in BIN_COLUMNS]
    hist = hist.reset_index(drop=True)
    group = hist.groupby(keys, sort=False, dropna=False)
    first, end = group["bin_left"].min().to_numpy(), group["bin_right"].max().to_numpy()
    heads = group.head(1)  # one row per histogram, in `ngroup` order
    width = (heads["bin_right"] - heads["bin_left"]).to_numpy()  # every bin of an axis alike
    if not (np.isfinite(first).all() and np.isfinite(end).all() and (width > 0).all()):
        return hist  # not bins this file's writer makes: drawn as they are
    bins = np.maximum(np.round((end - first) / width), 1).astype(np.int64)
    gid = group.ngroup().to_numpy()
    index = np.round((hist["bin_left"].to_numpy() - first[gid]) / width[gid]).astype(np.int64)
    start = np.cumsum(bins) - bins  # each histogram's first row in the result
    at = start[gid] + index  # where each recorded bin goes
    even = np.allclose(hist["bin_right"] - hist["bin_left"], width[gid], rtol=1e-6, atol=0)
    if bins.sum() == len(hist) or not even or len(np.unique(at)) < len(at) or (
            index >= bins[gid]).any():
        return hist  # nothing left out, or not one axis of equal bins: drawn as they are
    which = np.repeat(np.arange(len(bins)), bins)
    k = np.arange(bins.sum()) - start[which]  # bin index within its histogram
    # 10 significant digits of the axis' largest |end|, as the file writes them: no 4e-15 for 0
    big = np.maximum(np.abs(first), np.abs(end))
    digits = 10.0 ** (9 - np.floor(np.log10(np.where(big > 0, big, 1.0))))[which]
    edges = first[which] + width[which] * k
    columns = {"bin_left": np.round(edges * digits) / digits,
               "bin_right": np.round((edges + width[which]) * digits) / digits,
               "count": np.zeros(len(k), hist["count"].dtype)}
    for name, values in columns.items():
        values[at] = hist[name].to_numpy()  # recorded bins as written
    return heads.iloc[which][keys].reset_index(drop=True).assign(**columns)[list(hist.columns)]


def time_ratio(timesteps: pd.DataFrame, epoch: int | None = None) -> float:
    """`||dL/dh_1|| / ||dL/dh_T||` of the last recurrent layer at one epoch of `timesteps.csv`.

    Args:
        timesteps: the tidy `timesteps.csv` frame (epoch, layer, step, metric, value).
        epoch: 0 for initialisation; None for the last epoch recorded.

    Returns:
        The ratio: near 1 when the gradient reaches the first step, orders of magnitude below 1
        when it vanishes on the way back through time, above 1 when it grows. NaN when the frame
        is empty or the epoch is missing.
    """
    if timesteps is None or timesteps.empty:
        return float("nan")
    h = timesteps[timesteps["metric"] == "h_grad_norm"]
    h = h[h["layer"] == sorted(h["layer"].unique(), key=lambda n: int(n.rsplit("_", 1)[1]))[-1]]
    epoch = int(h["epoch"].max()) if epoch is None else epoch
    h = h[h["epoch"] == epoch].sort_values("step")
    if h.empty or h["value"].iloc[-1] == 0:
        return float("nan")
    return float(h["value"].iloc[0] / h["value"].iloc[-1])


def _full_symlog_bins(hist: pd.DataFrame) -> pd.DataFrame:
    """`full_bins` for files with `symlog` axes, whose bins are equal in `symlog(x)` (there the
    equal-width filling happens; the recorded bins keep their edges as written)."""
    on = (hist["scale"] == "symlog").to_numpy()
    coords = hist.assign(bin_left=np.where(on, symlog(hist["bin_left"]), hist["bin_left"]),
                         bin_right=np.where(on, symlog(hist["bin_right"]), hist["bin_right"]))
    full = full_bins(coords.assign(scale=np.where(on, "symlog_t", hist["scale"])))
    back = (full["scale"] == "symlog_t").to_numpy()
    edges = {c: np.where(back, [float(f"{e:.10g}") for e in symexp(full[c])], full[c])
             for c in ("bin_left", "bin_right")}
    return full.assign(**edges, scale=np.where(back, "symlog", full["scale"]))


SYM_THRESHOLD = 1e-4  # the `symlog` histogram axis is linear below this |x|


def symlog(x):
    """t = sign(x) (1 + log10(|x| / SYM_THRESHOLD)) beyond the threshold, x / SYM_THRESHOLD
    within it: the coordinate whose equal steps are `histograms.csv`'s `symlog` bins."""
    x = np.asarray(x, float)
    with np.errstate(divide="ignore", invalid="ignore"):
        far = np.sign(x) * (1 + np.log10(np.abs(x) / SYM_THRESHOLD))
    return np.where(np.abs(x) >= SYM_THRESHOLD, far, x / SYM_THRESHOLD)


def symexp(t):
    """The inverse of `symlog`."""
    t = np.asarray(t, float)
    return np.where(np.abs(t) >= 1, np.sign(t) * SYM_THRESHOLD * 10.0 ** (np.abs(t) - 1),
                    t * SYM_THRESHOLD)

