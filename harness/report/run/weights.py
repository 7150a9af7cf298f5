"""The first layer's weights drawn as images: what training wrote into them.

Drawn from `first_layer_weights.csv` (`epoch, unit, input, value`): a Dense layer's units over
a square image's pixels, or a conv layer's filters over their kernel positions.
"""

import math

import numpy as np
from matplotlib.figure import Figure

from harness.report.draw.style import NothingToPlot


def plot_first_layer_weights(weights, units: int = 6) -> Figure:
    """A handful of first-layer units' weights as images (side = sqrt(inputs)): at
    initialisation, at the last epoch, and the change between them.

    After a few epochs the weights still look like their random start (they moved by a fifth
    of their size): the change is what training wrote into them, strokes of the digits.

    Args:
        weights: the `first_layer_weights.csv` frame.
        units: how many units to show.

    Returns:
        A Figure: one column per unit; rows init, last epoch (one colour scale, its colour bar:
        weight) and the change (its own scale and colour bar); blue positive, red negative.
    """
    if weights is None or weights.empty or not {"unit", "input", "value"} <= set(weights):
        raise NothingToPlot("no first_layer_weights.csv (recorded for image data by newer runs)")
    n_inputs = int(weights["input"].max()) + 1
    side = math.isqrt(n_inputs)
    if side * side != n_inputs:
        raise NothingToPlot(f"{n_inputs} inputs are not a square image")
    epochs = sorted(weights["epoch"].unique())
    epochs = list(dict.fromkeys([epochs[0], epochs[-1]]))
    shown = sorted(weights["unit"].unique())[:units]
    images = {epoch: _weight_images(weights[weights["epoch"] == epoch], shown, n_inputs, side)
              for epoch in epochs}
    rows = [("init" if e == 0 else f"epoch {e}", images[e]) for e in epochs]
    if len(epochs) == 2:
        rows.append((f"change\n(epoch {epochs[1]}\n- init)", images[epochs[1]] - images[epochs[0]]))
    fig = Figure(figsize=(1.3 * len(shown) + 1.9, 1.45 * len(rows) + 0.7), layout="constrained")
    axes = fig.subplots(len(rows), len(shown), squeeze=False)
    weight_scale = max(float(np.abs(images[e]).max()) for e in epochs) or 1.0
    for r, (label, stack) in enumerate(rows):
        change = r == len(epochs)
        scale = (float(np.abs(stack).max()) or 1.0) if change else weight_scale
        for c, unit in enumerate(shown):
            ax = axes[r, c]
            drawn = ax.imshow(stack[c], cmap="RdBu", vmin=-scale, vmax=scale)
            ax.set(xticks=[], yticks=[])
            if r == 0:
                ax.set_title(f"unit {unit}", fontsize=8)
        axes[r, 0].set_ylabel(label, fontsize=9)
        if change or r == len(epochs) - 1:  # one bar for the weights' rows, one for the change
            bar = fig.colorbar(drawn, ax=axes[r:r + 1] if change else axes[:len(epochs)],
                               shrink=0.9, pad=0.02)
            bar.set_label("change" if change else "weight", fontsize=8)
            bar.ax.tick_params(labelsize=7)
    fig.suptitle(f"First-layer weights as {side} x {side} images"
                 + (": the change shows what training wrote" if len(rows) > len(epochs) else ""),
                 fontweight="bold", fontsize=11)
    return fig


def _weight_images(rows, units, n_inputs: int, side: int) -> np.ndarray:
    """One epoch's `first_layer_weights.csv` rows as images, (units, side, side)."""
    images = np.zeros((len(units), n_inputs))
    for i, unit in enumerate(units):
        these = rows[rows["unit"] == unit]
        images[i, these["input"].to_numpy(int)] = these["value"].to_numpy(float)
    return images.reshape(len(units), side, side)
