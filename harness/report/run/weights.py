"""The first layer's weights drawn as images: what training wrote into them.

Drawn from `first_layer_weights.csv` (`epoch, unit, input, value`): a Dense layer's units over
a square image's pixels, or a conv layer's filters over their kernel positions.
"""

import math
import textwrap
from typing import NamedTuple

import numpy as np
from matplotlib.figure import Figure

from harness.report.draw.style import NothingToPlot

MOVED = 0.1  # a largest change below this share of the largest weight: the weights hardly moved
UNIFORM = 0.7  # |mean change| over its RMS above this: each unit's change is mostly one shift


class Change(NamedTuple):
    """How far training moved the drawn units' weights, as the figure shows it.

    Attributes:
        epochs: the epochs drawn (init and the last).
        units: the units drawn.
        images: epoch -> (units, side, side) weights.
        weight: the largest |weight| over the drawn epochs (the weights' scale).
        change: the largest |change| (the change row's scale); 0 with one epoch.
        uniform: the median over units of |mean change| / RMS change: near 1, each unit's
            weights all moved by the same amount (a shift, no pattern).
    """

    epochs: list
    units: list
    images: dict
    weight: float
    change: float
    uniform: float


def read_change(weights, units: int = 6) -> Change:
    """`first_layer_weights.csv` as the figure draws it; raises `NothingToPlot`."""
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
    weight = max(float(np.abs(images[e]).max()) for e in epochs) or 1.0
    if len(epochs) < 2:
        return Change(epochs, shown, images, weight, 0.0, math.nan)
    delta = (images[epochs[1]] - images[epochs[0]]).reshape(len(shown), -1)
    rms = np.sqrt((delta ** 2).mean(axis=1))
    uniform = float(np.median(np.abs(delta.mean(axis=1)) / np.where(rms > 0, rms, np.inf)))
    return Change(epochs, shown, images, weight, float(np.abs(delta).max()), uniform)


def change_words(c: Change) -> str:
    """What the change row shows, in numbers: its scale against the weights', and whether it is
    a pattern or one shift per unit."""
    if c.change == 0 or not math.isfinite(c.uniform):
        return "the weights did not change" if len(c.epochs) == 2 else ""
    share = c.change / c.weight
    text = (f"the largest change is {share:.0%} of the largest weight"
            + (" (they hardly moved)" if share < MOVED else ""))
    if c.uniform >= UNIFORM:
        text += "; mostly one even shift per unit, no pattern"
    return text


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
        weight) and the change (its own scale and colour bar, its magnification against the
        weights' written beside it); blue positive, red negative.
    """
    moved = read_change(weights, units)
    epochs, shown, images = moved.epochs, moved.units, moved.images
    side = images[epochs[0]].shape[1]
    rows = [("init" if e == 0 else f"epoch {e}", images[e]) for e in epochs]
    if len(epochs) == 2:
        magnified = moved.weight / moved.change if moved.change > 0 else 1.0
        rows.append((f"change\n(epoch {epochs[1]} - init)\nx{magnified:.2g} vs the\nweights' "
                     "scale", images[epochs[1]] - images[epochs[0]]))
    fig = Figure(figsize=(1.3 * len(shown) + 1.9, 1.45 * len(rows) + 0.7), layout="constrained")
    axes = fig.subplots(len(rows), len(shown), squeeze=False)
    weight_scale = moved.weight
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
    words = change_words(moved)
    fig.suptitle(f"First-layer weights as {side} x {side} images"
                 + ("\n" + "\n".join(textwrap.wrap(words, 70)) if words else ""),
                 fontweight="bold", fontsize=10)
    return fig


def _weight_images(rows, units, n_inputs: int, side: int) -> np.ndarray:
    """One epoch's `first_layer_weights.csv` rows as images, (units, side, side)."""
    images = np.zeros((len(units), n_inputs))
    for i, unit in enumerate(units):
        these = rows[rows["unit"] == unit]
        images[i, these["input"].to_numpy(int)] = these["value"].to_numpy(float)
    return images.reshape(len(units), side, side)
