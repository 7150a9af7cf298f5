"""A conv model's feature maps: one test image as each conv layer hands it on, after training.

Drawn from `feature_maps.csv` (`layer, channel, row, col, value`: the image as layer `input`,
then `conv_1` .. `conv_N`, the first channels of each; `harness.measure.snapshots`). A healthy stack
shows edges and strokes in its first layers and coarser blobs after each pool; a saturated sigmoid
stack shows maps of one flat value (every position the same: the layer passes nothing of the image
on).

Every conv layer is drawn on ONE grey scale, so that a flat map looks flat rather than stretched to
black and white by a scale of its own. The scale and each layer's range are taken over the maps'
interior, the pixels no zero padding has reached: padding makes the pixels near the border differ
from the rest (a sigmoid layer's frame is often its only contrast), a range set by them says
nothing about the image, and each layer's padding reaches one pixel further in (k // 2 for a
k x k kernel; a pool halves the reach).
"""

from typing import NamedTuple

import numpy as np
from matplotlib.figure import Figure

from harness.base.frames import layer_key
from harness.report.draw.style import NothingToPlot

FLAT = 0.05  # a layer whose interior range is below this share of the scale is flat grey
PERCENTILES = (0.5, 99.5)  # the shared scale: most of the interior values, not one outlier


def map_array(rows) -> np.ndarray:
    """One layer's rows as a (height, width, channels) array."""
    shape = [int(rows[c].max()) + 1 for c in ("row", "col", "channel")]
    out = np.zeros(shape)
    out[rows["row"].to_numpy(int), rows["col"].to_numpy(int),
        rows["channel"].to_numpy(int)] = rows["value"].to_numpy(float)
    return out


MIN_INTERIOR = 3  # pixels a side: a smaller interior has no range worth the name


def reaches(arrays: dict, kernel_size: int = 3) -> dict:
    """Conv layer -> how many pixels in from each side its zero padding (and every earlier
    layer's) reaches, from the maps' sizes: a halved size is a pool."""
    reach, size, found = 0, None, {}
    for name, array in arrays.items():
        if name == "input":
            continue
        h = array.shape[0]
        if size is not None and h < size:
            reach = -(-reach * h // size)  # a pool: the reach shrinks with the map
        reach += kernel_size // 2
        size, found[name] = h, reach
    return found


def interior(array: np.ndarray, reach: int) -> np.ndarray | None:
    """A (height, width, channels) map without the `reach` pixels of each side, or None when
    fewer than `MIN_INTERIOR` a side are left."""
    h, w = array.shape[:2]
    if min(h, w) - 2 * reach < MIN_INTERIOR:
        return None
    return array[reach:h - reach, reach:w - reach]


class Maps(NamedTuple):
    """What the figure draws and its caption reads.

    Attributes:
        arrays: layer -> (height, width, channels), `input` first.
        scale: (low, high) of the one grey scale of the conv layers.
        ranges: conv layer -> the largest interior range over its shown channels (those whose
            every pixel the padding reaches are left out).
        flat: the conv layers whose interior range is below `FLAT` of the scale.
        padded: the conv layers without an interior.
    """

    arrays: dict
    scale: tuple
    ranges: dict
    flat: list
    padded: list


def read_maps(maps, channels: int = 8, kernel_size: int = 3) -> Maps:
    """`feature_maps.csv` as `Maps`; raises `NothingToPlot` when it holds no maps."""
    if maps is None or maps.empty or not {"layer", "channel", "value"} <= set(maps):
        raise NothingToPlot("no feature_maps.csv (recorded for conv models by newer runs)")
    layers = sorted((n for n in maps["layer"].unique() if n != "input"), key=layer_key)
    arrays = {name: map_array(maps[maps["layer"] == name])[:, :, :channels]
              for name in ["input", *layers] if (maps["layer"] == name).any()}
    conv = [n for n in arrays if n != "input"]
    if not conv:
        raise NothingToPlot("feature_maps.csv holds no conv layer")
    reach = reaches(arrays, kernel_size)
    inside = {n: interior(arrays[n], reach[n]) for n in conv}
    inside = {n: a for n, a in inside.items() if a is not None}
    values = np.concatenate([a.ravel() for a in inside.values()] or
                            [arrays[n].ravel() for n in conv])
    low, high = (float(v) for v in np.percentile(values, PERCENTILES))
    if not high > low:
        low, high = low - 0.5, high + 0.5
    ranges = {n: float(np.ptp(a, axis=(0, 1)).max()) for n, a in inside.items()}
    flat = [n for n in ranges if ranges[n] < FLAT * (high - low)]
    return Maps(arrays, (low, high), ranges, flat, [n for n in conv if n not in inside])


def maps_caption(maps, kernel_size: int = 3) -> str:
    """The figure's caption, its claim (which layers are flat) read from the same numbers."""
    try:
        m = read_maps(maps, kernel_size=kernel_size)
    except NothingToPlot:
        return "The first test image as each conv layer hands it on after training."
    low, high = m.scale
    text = ("The first test image as each conv layer hands it on after training, its first "
            f"channels side by side, every conv layer on one grey scale ({low:.3g} black to "
            f"{high:.3g} white), so that a map with little contrast looks flat. Each row's "
            "range is that of its maps' interior, the pixels no zero padding reached: padding "
            "makes the pixels near the border differ from the rest (the light or dark frames), "
            "one pixel further in at each layer. ")
    if m.padded:
        text += (f"{', '.join(m.padded)}: the padding reaches every pixel, so no range is "
                 "given. ")
    if not m.ranges:
        return text
    if not m.flat:
        return text + ("Here no layer is flat: each keeps at least "
                       f"{min(m.ranges.values()) / (high - low):.0%} of the scale's contrast, "
                       "strokes and edges, coarser after each pool.")
    names = ", ".join(m.flat)
    return text + (f"Flat grey here (interior range below {FLAT:.0%} of the scale): {names}: "
                   "these layers pass almost nothing of the image on (saturated or dead "
                   "channels).")


def plot_feature_maps(maps, channels: int = 8, kernel_size: int = 3) -> Figure:
    """The test image, then one row per conv layer with its first channels' maps.

    Args:
        maps: the `feature_maps.csv` frame.
        channels: how many channels per layer to show.
        kernel_size: the conv layers' kernel size (how far each one's padding reaches).

    Returns:
        A Figure; the conv layers on one grey scale (`read_maps`), each row labelled with its
        interior range, "flat" where it is below `FLAT` of the scale.
    """
    m = read_maps(maps, channels, kernel_size)
    shown = max(a.shape[2] for a in m.arrays.values())
    rows = len(m.arrays)
    fig = Figure(figsize=(1.15 * shown + 1.6, 1.25 * rows + 0.9))
    fig.subplots_adjust(left=0.13, right=0.98, bottom=0.02, top=1 - 0.8 / fig.get_figheight(),
                        wspace=0.08, hspace=0.3)
    axes = fig.subplots(rows, shown, squeeze=False)
    low, high = m.scale
    for r, (name, array) in enumerate(m.arrays.items()):
        scale = {} if name == "input" else {"vmin": low, "vmax": high}
        for c in range(shown):
            ax = axes[r, c]
            ax.set(xticks=[], yticks=[])
            if c >= array.shape[2]:
                ax.set_axis_off()
                continue
            ax.imshow(array[:, :, c], cmap="gray", **scale)
        h, w = array.shape[:2]
        label = f"{name}\n{h} x {w}"
        if name in m.ranges:
            label += f"\nrange {m.ranges[name]:.2g}" + ("\nflat" if name in m.flat else "")
        elif name != "input":
            label += "\n(all padded)"
        axes[r, 0].set_ylabel(label, fontsize=7.5)
    fig.suptitle(f"A test image through the conv layers, after training\n"
                 f"(conv layers on one grey scale, {low:.2g} to {high:.2g}; "
                 + (f"flat: {', '.join(m.flat)})" if m.flat else "none flat)"),
                 fontweight="bold", fontsize=10)
    return fig
