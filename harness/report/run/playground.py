"""Training as it unfolds on toy data, as the TensorFlow Playground shows it.

The boundary at every logged epoch (`surface.csv`'s `epoch` column) as small multiples and as an
animated GIF, and what every hidden unit computes over the 2-D input plane (`neurons.csv`). The
GIF's frames are drawn straight from the grids with Pillow (no matplotlib figure per frame), so it
costs milliseconds.
"""

import io

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.collections import PolyCollection
from matplotlib.colors import Normalize, to_rgb
from matplotlib.figure import Figure
from PIL import Image, ImageDraw

from harness.base.frames import layer_key, layer_tick
from harness.report.draw.style import NothingToPlot
from harness.report.run.boundary import (
    CLASS_COLORS,
    PLAYGROUND,
    PROBABILITY,
    at_epoch,
    class1_column,
    class_of,
    grid,
    pred_columns,
    surface_task,
)

MAX_PANELS = 6  # boundary small multiples: first, last and evenly spaced ones between
NEURON_PIXELS = 48  # a unit's map, resized smoothly from its coarse grid (`neurons.csv`)


def boundary_epochs(surface) -> list[int]:
    """The logged epochs of `surface.csv` that the small multiples show (at most `MAX_PANELS`)."""
    if "epoch" not in surface.columns:
        raise NothingToPlot("surface.csv has no epoch column (recorded before it existed); the "
                            "boundary after training is shown above")
    epochs = sorted(int(e) for e in surface["epoch"].unique())
    if len(epochs) < 2:
        raise NothingToPlot(f"surface.csv holds one epoch only ({epochs[0]})")
    keep = np.unique(np.linspace(0, len(epochs) - 1, min(len(epochs), MAX_PANELS)).round())
    return [epochs[int(i)] for i in keep]


def surface_image(surface, task: str):
    """One epoch's grid as an RGB array (x2 rows from the bottom, x1 columns) and its extent."""
    preds = pred_columns(surface)
    if task == "binary":
        x1, x2, z = grid(surface, class1_column(surface))
        rgb = PROBABILITY(np.nan_to_num(z, nan=0.5))[..., :3]
    elif task == "multiclass":
        columns = sorted(preds, key=class_of)
        probs = np.stack([grid(surface, c)[2] for c in columns], -1)  # (x2, x1, k)
        x1, x2, _ = grid(surface, columns[0])
        k = probs.shape[-1]
        colors = np.array([to_rgb(CLASS_COLORS[c % len(CLASS_COLORS)]) for c in range(k)])
        best = np.nan_to_num(probs, nan=-1).argmax(-1)
        sure = np.clip(np.nan_to_num((np.nanmax(probs, -1) - 1 / k) / (1 - 1 / k)), 0, 1)
        alpha = (0.1 + 0.6 * sure)[..., None]
        rgb = colors[best] * alpha + (1 - alpha)  # on white
    else:
        x1, x2, z = grid(surface, "pred")
        finite = z[np.isfinite(z)]
        norm = Normalize(finite.min(), finite.max()) if finite.size else Normalize(0, 1)
        rgb = PLAYGROUND(norm(np.nan_to_num(z, nan=norm.vmin)))[..., :3]
    half1, half2 = (x1[1] - x1[0]) / 2, (x2[1] - x2[0]) / 2  # the grid holds cell centres
    return rgb, (x1[0] - half1, x1[-1] + half1, x2[0] - half2, x2[-1] + half2)


def plot_boundary_epochs(points, surface, task: str = "", activation: str = "") -> Figure:
    """The model's output over the input plane at several logged epochs, side by side.

    Args:
        points: the `points.csv` frame (training points are drawn on each panel).
        surface: the `surface.csv` frame with its `epoch` column.
        task: `"binary"`, `"multiclass"` or `"regression"` (inferred when empty).
        activation: the hidden activation, for the title.

    Returns:
        A Figure, one panel per epoch; 1-D data gets one panel with a curve per epoch.
    """
    epochs = boundary_epochs(surface)
    first, _ = at_epoch(surface, epochs[0])
    task = surface_task(points, pred_columns(first), task)
    if "x2" not in surface.columns:
        return _curves(points, surface, epochs, activation)
    n = len(epochs)
    fig = Figure(figsize=(2.3 * n + 0.3, 2.95))
    # One axes holds every panel side by side (an axes per panel cost most of the drawing):
    # panel k spans x in [k * step, k * step + width], a gap of 6% of a panel between panels.
    ax = fig.add_axes((0.02, 0.04, 0.96, 0.74))
    ax.set_axis_off()
    frames = [at_epoch(surface, epoch)[0] for epoch in epochs]
    _, extent = surface_image(frames[0], task)
    width = extent[1] - extent[0]
    step = 1.06 * width
    lines = []  # binary: P(class 1) of every panel side by side, NaN columns between panels
    axes = tuple(np.unique(surface[c].to_numpy(float)) for c in ("x1", "x2"))  # all epochs' grid
    for k, (epoch, frame) in enumerate(zip(epochs, frames)):
        rgb, (left, right, bottom, top) = surface_image(frame, task)
        shift = k * step - left
        ax.imshow(rgb, origin="lower", extent=(left + shift, right + shift, bottom, top),
                  interpolation="bilinear", aspect="auto")
        if task == "binary":
            x1, x2, z = grid(frame, class1_column(frame), axes)
            lines.append((x1 + shift, z))
        ax.annotate("init (epoch 0)" if epoch == 0 else f"epoch {epoch}",
                    (k * step + width / 2, top), xytext=(0, 6), textcoords="offset points",
                    ha="center", va="baseline", fontsize=9)
    if lines:
        x1 = np.concatenate([np.append(x, x[-1] + (step - width) / 2) for x, _ in lines])
        z = np.hstack([np.column_stack([z, np.full(len(z), np.nan)]) for _, z in lines])
        if np.nanmin(z) < 0.5 < np.nanmax(z):
            ax.contour(x1, x2, z, levels=[0.5], colors="black", linewidths=1.2)
    ax.add_collection(PolyCollection(  # each panel's frame, as its own axes had
        [[(k * step, extent[2]), (k * step + width, extent[2]), (k * step + width, extent[3]),
          (k * step, extent[3])] for k in range(n)], facecolors="none", edgecolors="black",
        linewidths=matplotlib.rcParams["axes.linewidth"], zorder=2.5, clip_on=False))
    train = points[points["split"] == "train"] if "split" in points else points
    # inside the grid only: each panel's own axes used to clip the points beyond it
    train = train[train["x1"].between(*extent[:2]) & train["x2"].between(*extent[2:])]
    x = train["x1"].to_numpy(float)[None, :] + (np.arange(n) * step - extent[0])[:, None]
    labels = train["y"].to_numpy(float).astype(int) if task != "regression" else None
    # one marker line per class: markers are stamped, far cheaper than a scatter's paths
    for label in [None] if labels is None else np.unique(labels):
        mine = slice(None) if label is None else labels == label
        color = "#333333" if label is None else CLASS_COLORS[label % len(CLASS_COLORS)]
        ax.plot(x[:, mine].ravel(), np.tile(train["x2"].to_numpy(float)[mine], n), "o",
                color=color, markersize=2.5, markeredgecolor="white", markeredgewidth=0.3,
                snap=False, zorder=1)  # under the boundary line, round like a scatter's
    ax.set(xlim=(0, (n - 1) * step + width), ylim=extent[2:])
    what = "fitted function" if task == "regression" else "decision boundary"
    fig.suptitle(f"How the {what} forms during training: {activation or 'network'}",
                 fontweight="bold", fontsize=11)
    return fig


def _curves(points, surface, epochs, activation) -> Figure:
    fig = Figure(figsize=(7.0, 3.8))
    fig.subplots_adjust(left=0.09, right=0.97, bottom=0.13, top=0.88)
    ax = fig.subplots()
    ax.scatter(points["x1"], points["y"], s=8, color="#bbbbbb", label="data")
    shades = PLAYGROUND(np.linspace(0.55, 1.0, len(epochs)))
    for epoch, color in zip(epochs, shades):
        line = at_epoch(surface, epoch)[0].sort_values("x1")
        ax.plot(line["x1"], line["pred"], color=color, label=f"epoch {epoch}")
    ax.set(xlabel="x1", ylabel="y")
    ax.legend(fontsize=8, ncols=2)
    fig.suptitle(f"How the fitted function forms during training: {activation or 'network'}",
                 fontweight="bold", fontsize=11)
    return fig


def boundary_gif(points, surface, task: str = "", size: int = 260,
                 frame_ms: int = 700) -> bytes:
    """An animated GIF of the boundary over the logged epochs (every one of them).

    Args:
        points: the `points.csv` frame; training points are dotted on each frame.
        surface: the `surface.csv` frame with its `epoch` column and a 2-D grid.
        task: as in `plot_boundary_epochs`.
        size: frame width and height in pixels.
        frame_ms: how long each frame shows; the last one shows three times as long.

    Returns:
        The GIF's bytes.
    """
    if "x2" not in surface.columns:
        raise NothingToPlot("1-D input: the curves over epochs are in the figure above")
    if "epoch" not in surface.columns or surface["epoch"].nunique() < 2:
        raise NothingToPlot("surface.csv holds one epoch only")
    epochs = sorted(int(e) for e in surface["epoch"].unique())
    task = surface_task(points, pred_columns(at_epoch(surface, epochs[0])[0]), task)
    train = points[points["split"] == "train"] if "split" in points else points
    images = [surface_image(at_epoch(surface, epoch)[0], task) for epoch in epochs]
    dots = _dots(train, images[0][1], size, task)  # every frame has the same grid and points
    frames = []
    for epoch, (rgb, _) in zip(epochs, images):
        image = Image.fromarray((np.clip(rgb[::-1], 0, 1) * 255).astype(np.uint8))
        image = image.resize((size, size), Image.BILINEAR)
        image.paste(dots, mask=dots)
        draw = ImageDraw.Draw(image)
        draw.rectangle((0, 0, 96, 16), fill="white")
        draw.text((4, 3), "init (epoch 0)" if epoch == 0 else f"epoch {epoch}", fill="black")
        # the fast octree keeps the smooth fills as well as the median cut did, ~10x faster
        frames.append(image.quantize(255, method=Image.Quantize.FASTOCTREE))
    buffer = io.BytesIO()
    durations = [frame_ms] * (len(frames) - 1) + [3 * frame_ms]
    frames[0].save(buffer, format="GIF", save_all=True, append_images=frames[1:],
                   duration=durations, loop=0)
    return buffer.getvalue()


def _dots(train, extent, size: int, task: str) -> Image.Image:
    """The training points as dots with white rims on a transparent `size` x `size` layer."""
    left, right, bottom, top = extent
    layer = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    px = (train["x1"].to_numpy(float) - left) / (right - left) * size
    py = (top - train["x2"].to_numpy(float)) / (top - bottom) * size
    for x, y, label in zip(px, py, train["y"]):
        color = CLASS_COLORS[int(label) % len(CLASS_COLORS)] if task != "regression" \
            else "#333333"
        draw.ellipse((x - 2.5, y - 2.5, x + 2.5, y + 2.5), fill=color, outline="white")
    return layer


def plot_neurons(neurons, widths: dict | None = None, activations: dict | None = None) -> Figure:
    """What each hidden unit outputs over the 2-D input plane: one small map per unit.

    Args:
        neurons: the `neurons.csv` frame (`epoch, layer, unit, x1, x2, value`); its last epoch.
        widths: layer -> number of units, to say when fewer were recorded (capped).
        activations: layer -> activation name, shown over each column.

    Returns:
        A Figure: layers as columns (input on the left), units as rows; orange negative, blue
        positive, white 0, on one colour scale per layer; a bounded activation's layer on its
        range instead (sigmoid: orange 0, white 0.5, blue 1), so that its outputs, all
        positive, are not all drawn blue.
    """
    if neurons is None or neurons.empty or not {"layer", "unit", "value"} <= set(neurons):
        raise NothingToPlot("no neurons.csv (recorded for 2-D toy data by newer runs)")
    rows = neurons[neurons["epoch"] == neurons["epoch"].max()] if "epoch" in neurons else neurons
    codes, names = pd.factorize(rows["layer"])  # compare the layer names once, not per layer
    maps = {name: _unit_maps(rows[codes == code]) for code, name in enumerate(names)}
    layers = sorted(maps, key=layer_key)
    units = {layer: maps[layer][0] for layer in layers}
    tall = max(len(u) for u in units.values())
    # One mosaic image in one axes: an axes per unit would cost ~10x the drawing time.
    side = NEURON_PIXELS
    cell = side + max(2, side // 6)  # tile plus white gap
    mosaic = np.ones((tall * cell, len(layers) * cell, 3))
    heads, capped, scales = [], [], {}
    for col, layer in enumerate(layers):
        z = maps[layer][1]  # (units, x2, x1), x2 ascending
        name = (activations or {}).get(layer, "")
        bounds = activation_bounds(name)
        if bounds:  # the activation's own range: sigmoid's 0 orange, 0.5 white, 1 blue
            low, high = bounds
            scales[name] = f"{name}: orange {low:g} < {(low + high) / 2:g} < {high:g} blue"
        else:  # 0 white, one scale per layer: ReLU's outputs run from white to blue
            high = float(np.nanmax(np.abs(z))) or 1.0
            low = -high
            scales[""] = "orange < 0 < blue, one scale per column"
        for row, unit_z in enumerate(z):
            tile = PLAYGROUND((_smooth(np.nan_to_num(unit_z[::-1]), side) - low)
                              / (high - low))[..., :3]
            top, left = row * cell, col * cell
            mosaic[top:top + tile.shape[0], left:left + tile.shape[1]] = tile
        head = layer_tick(layer)
        if activations and activations.get(layer):
            head += f"\n{activations[layer]}"
        width = (widths or {}).get(layer)
        if width and width > len(units[layer]):
            capped.append(layer)
            head += f"\n{len(units[layer])} of {width}"
        heads.append(head)
    inches = 0.8
    grid = inches * len(layers)  # the mosaic keeps square tiles; the title needs ~5 inches
    fig = Figure(figsize=(max(grid + 0.5, 5.2), inches * tall + 1.3))
    top = 1 - 1.15 / fig.get_figheight()
    ax = fig.add_axes(((1 - grid / fig.get_figwidth()) / 2, 0.1 / fig.get_figheight(),
                       grid / fig.get_figwidth(), top - 0.1 / fig.get_figheight()))
    ax.imshow(mosaic, interpolation="nearest", aspect="auto")
    ax.set_axis_off()
    for col, head in enumerate(heads):
        ax.text(col * cell + side / 2, -side * 0.1, head, ha="center", va="bottom", fontsize=8)
    title = "What each hidden unit computes over the input plane"
    # one clause per colour scale: "orange < 0 < blue, ...; sigmoid: orange 0 < 0.5 < 1 blue"
    note = f"columns: hidden layers (input side left); {'; '.join(scales.values())}"
    if capped:
        note += f"\ncapped: only the first {tall} units of wider layers are drawn"
    fig.suptitle(title, fontweight="bold", fontsize=10, y=1 - 0.05 / fig.get_figheight(),
                 va="top")
    fig.text(0.5, 1 - 0.3 / fig.get_figheight(), note, ha="center", va="top", fontsize=7.5,
             color="#444444")
    return fig


def activation_bounds(name: str) -> tuple[float, float] | None:
    """The output range of a bounded activation in the table (sigmoid: (0, 1)); None for an
    unbounded one, a user's function, or a name the table does not know (an older run's)."""
    from harness.catalog import activations  # the table only: no Keras, no TensorFlow

    try:
        return activations.get(name).bounds if name else None
    except ValueError:
        return None


def _smooth(z, side: int) -> np.ndarray:
    """A unit's grid resized to (side, side) by bilinear interpolation between the grid points, as
    the Playground's browser scales its 10 x 10 unit maps."""
    image = Image.fromarray(np.asarray(z, np.float32)).resize((side, side), Image.BILINEAR)
    return np.asarray(image)


def _unit_maps(rows):
    """One layer's `neurons.csv` rows as (units, values of shape (units, x2, x1)).

    Every unit shares the layer's regular grid, so one array holds them all, as `grid` does.
    """
    units, at_unit = np.unique(rows["unit"].to_numpy(), return_inverse=True)
    x1, at_x1 = np.unique(rows["x1"].to_numpy(float), return_inverse=True)
    x2, at_x2 = np.unique(rows["x2"].to_numpy(float), return_inverse=True)
    z = np.full((len(units), len(x2), len(x1)), np.nan)
    z[at_unit, at_x2, at_x1] = rows["value"].to_numpy(float)
    return list(units), z


def layer_widths(model: dict) -> dict:
    """`hidden_k -> units` from the config's `model.width` (a number or a list) and depth."""
    width, depth = model.get("width"), model.get("depth") or 0
    widths = width if isinstance(width, list) else [width] * int(depth)
    return {f"hidden_{k + 1}": w for k, w in enumerate(widths) if isinstance(w, int)}


def layer_activations(model: dict) -> dict:
    """`hidden_k -> activation` from `model.activation` (one name or a list, one per layer)."""
    act, depth = model.get("activation"), model.get("depth") or 0
    names = act if isinstance(act, list) else [act] * int(depth)
    return {f"hidden_{k + 1}": str(a) for k, a in enumerate(names) if a is not None}
