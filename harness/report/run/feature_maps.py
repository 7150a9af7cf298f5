"""A conv model's feature maps: one test image as each conv layer hands it on, after training.

Drawn from `feature_maps.csv` (`layer, channel, row, col, value`: the image as layer `input`,
then `conv_1` .. `conv_N`, the first channels of each; `harness.measure.snapshots`). A healthy stack
shows edges and strokes in its first layers and coarser blobs after each pool; a saturated sigmoid
stack shows maps of one flat value (every position the same: the layer passes nothing of the image
on).
"""

import numpy as np
from matplotlib.figure import Figure

from harness.base.frames import layer_key
from harness.report.draw.style import NothingToPlot


def map_array(rows) -> np.ndarray:
    """One layer's rows as a (height, width, channels) array."""
    shape = [int(rows[c].max()) + 1 for c in ("row", "col", "channel")]
    out = np.zeros(shape)
    out[rows["row"].to_numpy(int), rows["col"].to_numpy(int),
        rows["channel"].to_numpy(int)] = rows["value"].to_numpy(float)
    return out


def plot_feature_maps(maps, channels: int = 8) -> Figure:
    """The test image, then one row per conv layer with its first channels' maps.

    Args:
        maps: the `feature_maps.csv` frame.
        channels: how many channels per layer to show.

    Returns:
        A Figure; each map on its own colour scale (grey, dark low, light high), titled with its
        range, so that a flat map (range ~0) reads as one.
    """
    if maps is None or maps.empty or not {"layer", "channel", "value"} <= set(maps):
        raise NothingToPlot("no feature_maps.csv (recorded for conv models by newer runs)")
    layers = sorted((n for n in maps["layer"].unique() if n != "input"), key=layer_key)
    arrays = {name: map_array(maps[maps["layer"] == name]) for name in ["input", *layers]
              if (maps["layer"] == name).any()}
    shown = min(channels, max(a.shape[2] for a in arrays.values()))
    rows = len(arrays)
    fig = Figure(figsize=(1.15 * shown + 1.2, 1.25 * rows + 0.7))
    fig.subplots_adjust(left=0.1, right=0.98, bottom=0.02, top=1 - 0.6 / fig.get_figheight(),
                        wspace=0.08, hspace=0.45)
    axes = fig.subplots(rows, shown, squeeze=False)
    for r, (name, array) in enumerate(arrays.items()):
        for c in range(shown):
            ax = axes[r, c]
            ax.set(xticks=[], yticks=[])
            if c >= array.shape[2]:
                ax.set_axis_off()
                continue
            image = array[:, :, c]
            ax.imshow(image, cmap="gray")
            ax.set_title(f"range {np.ptp(image):.2g}", fontsize=6)
        h, w = array.shape[:2]
        axes[r, 0].set_ylabel(f"{name}\n{h} x {w}", fontsize=8)
    fig.suptitle("A test image through the conv layers, after training",
                 fontweight="bold", fontsize=11)
    return fig
