"""What the trained model computes on toy data, drawn the way the TensorFlow Playground does.

Reads `points.csv` (`split, x1[, x2], y`) and `surface.csv` (the model on a regular grid: `x1[, x2]`
then `pred` or `pred_0` .. `pred_{k-1}`; newer runs add a first column `epoch` with one grid per
logged epoch), both described in `results/README.md`.
"""

import numpy as np
from matplotlib.colors import LinearSegmentedColormap, Normalize, to_rgb, to_rgba_array
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from harness.report.draw.style import NothingToPlot, activation_color

# The Playground's colours: orange for class 0 / negative, blue for class 1 / positive.
PLAYGROUND = LinearSegmentedColormap.from_list("playground", ["#f59322", "#e8eaeb", "#0877bd"])
# P(class 1) from `COIN_FLIP[0]` to `COIN_FLIP[1]` is as good as a coin flip: one neutral grey, so
# that a model at chance (P wobbling around 0.5 from epoch to epoch) does not flip its whole
# background between orange and blue.
COIN_FLIP = (0.4, 0.6)
PROBABILITY = LinearSegmentedColormap.from_list(
    "playground_probability", [(0.0, "#f59322"), (COIN_FLIP[0], "#e8eaeb"),
                               (COIN_FLIP[1], "#e8eaeb"), (1.0, "#0877bd")])
CLASS_COLORS = ["#f59322", "#0877bd", "#2ca02c", "#9467bd", "#d62728", "#8c564b", "#e377c2",
                "#7f7f7f", "#bcbd22", "#17becf"]
SPLITS = {"train": dict(edgecolor="white", linewidth=0.8, marker="o"),
          "test": dict(edgecolor="black", linewidth=1.0, marker="o")}


def plot_decision_boundary(points, surface, task: str = "", activation: str = "",
                           class_names=None, input_names=None) -> Figure:
    """The model's output over the input space with the train and test points on top.

    Binary: the probability of class 1 as filled contours, with the 0.5 contour (the decision
    boundary) in black. Multiclass: each grid cell takes its most likely class's colour, fainter
    where the model is unsure. Regression: a fitted curve for 1-D inputs, filled contours for 2-D.

    Args:
        points: the `points.csv` frame.
        surface: the `surface.csv` frame; with an `epoch` column, its last epoch is drawn.
        task: `"binary"`, `"multiclass"` or `"regression"`; inferred from the columns when empty
            (or `"classification"`).
        activation: the hidden activation, for the title and the 1-D curve's colour.
        class_names: the labels of classes 0, 1, ... (a csv file's, from `summary.json`), for
            the legend of binary data; None: "class 0", "class 1".
        input_names: the axes' labels (a csv file's input columns, from `summary.json`); None:
            x1, x2.

    Returns:
        A Figure.
    """
    surface, epoch = at_epoch(surface)
    preds = pred_columns(surface)
    task = surface_task(points, preds, task)
    two_d = "x2" in surface.columns
    fig = Figure(figsize=(6.4, 5.6) if two_d else (7.0, 4.2))
    # 2-D: room above the plane for the legend, out of the points' way and the colour bar's
    fig.subplots_adjust(left=0.11, right=0.9 if two_d else 0.97, bottom=0.1,
                        top=0.82 if two_d else 0.9)
    ax = fig.subplots()
    # A csv file's two columns are in units of their own (years, dollars, degrees): an equal
    # aspect in those units means nothing and can squeeze the plane into a strip.
    own_units = bool(input_names)
    if not two_d:
        _curve(ax, points, surface, activation)
    elif task == "multiclass":
        _regions(ax, fig, points, surface, preds, own_units)
    else:
        _contours(ax, fig, points, surface, binary=task == "binary", class_names=class_names,
                  own_units=own_units)
    if input_names and len(input_names) == (2 if two_d else 1):
        ax.set_xlabel(input_names[0])
        if two_d:
            ax.set_ylabel(input_names[1])
    what = "fitted function" if task == "regression" else "decision boundary"
    when = "at initialisation" if epoch == 0 else "after training"
    fig.suptitle(f"{what.capitalize()} {when}: {activation or 'network'}", fontweight="bold")
    return fig


def at_epoch(surface, epoch=None):
    """`surface.csv` rows of one epoch (the last by default) without the `epoch` column.

    Returns:
        `(frame, epoch)`; epoch is None for runs recorded before the column existed.
    """
    if surface.empty or "x1" not in surface:
        raise NothingToPlot("surface.csv has no predictions")
    if "epoch" not in surface.columns:
        return surface, None
    epoch = surface["epoch"].max() if epoch is None else epoch
    return surface[surface["epoch"] == epoch].drop(columns="epoch"), int(epoch)


def pred_columns(surface) -> list[str]:
    """The prediction columns; raises NothingToPlot when there are none or none is finite."""
    preds = [c for c in surface.columns if c.startswith("pred")]
    if surface.empty or not preds:
        raise NothingToPlot("surface.csv has no predictions")
    if not np.isfinite(surface[preds].to_numpy(float)).any():
        raise NothingToPlot("surface.csv holds no finite predictions (the model output NaN)")
    return preds


def surface_task(points, preds, task: str = "") -> str:
    """`binary`, `multiclass` or `regression`: the summary's task, else read off the columns.

    Two-class data under a softmax head (`pred_0`, `pred_1`) is drawn as binary.
    """
    if task == "multiclass" and len(preds) == 2:
        return "binary"
    if task in ("binary", "multiclass", "regression"):
        return task
    if len(preds) > 2:
        return "multiclass"
    if len(preds) == 2:
        return "binary"
    y = points["y"].to_numpy(float) if "y" in points else np.array([])
    return "binary" if y.size and np.isin(y, (0, 1)).all() else "regression"


def class1_column(surface) -> str:
    """The column holding P(class 1): `pred` under a sigmoid head, `pred_1` under a softmax."""
    return "pred" if "pred" in surface.columns else "pred_1"


def grid(surface, column, axes=None):
    """A `surface.csv` column as a 2-D array (x2 rows, x1 columns) with its axes.

    The grid is regular (`results/README.md`), so sorting and reshaping gives the table that
    `pivot_table` would, at a fraction of the cost; cells missing from the grid stay NaN.

    Args:
        surface: the frame (one epoch).
        column: the column to lay out.
        axes: (x1, x2), sorted, holding every value of the frame's: grids of several epochs
            come out the same shape even when one is cut short. Default: the frame's own.
    """
    x1, x2 = axes or (np.unique(surface["x1"].to_numpy(float)),
                      np.unique(surface["x2"].to_numpy(float)))
    flat = [name for name, axis in (("x1", x1), ("x2", x2)) if len(axis) < 2]
    if flat:  # a run recorded before constant inputs got an axis of their own
        raise NothingToPlot(f"surface.csv's grid has one value of {flat[0]} (an input that is "
                            "the same in every example), no area to draw over")
    i1 = np.searchsorted(x1, surface["x1"].to_numpy(float))
    i2 = np.searchsorted(x2, surface["x2"].to_numpy(float))
    z = np.full((len(x2), len(x1)), np.nan)
    z[i2, i1] = surface[column].to_numpy(float)
    return x1, x2, z


def _contours(ax, fig, points, surface, binary: bool, class_names=None, own_units=False):
    x1, x2, z = grid(surface, class1_column(surface) if binary else "pred")
    if binary:
        # Translucent fill, so points keep their full colour over the region of their own class.
        fill = ax.contourf(x1, x2, z, levels=np.linspace(0, 1, 11), cmap=PROBABILITY, alpha=0.55)
        low, high = np.nanmin(z), np.nanmax(z)
        if low < 0.5 < high:
            ax.contour(x1, x2, z, levels=[0.5], colors="black", linewidths=1.8)
        else:
            ax.text(0.02, 0.02, f"no boundary: the model says class {int(low >= 0.5)} everywhere\n"
                    f"(P(class 1) between {low:.2f} and {high:.2f})", transform=ax.transAxes,
                    fontsize=9, va="bottom",
                    bbox=dict(facecolor="white", alpha=0.85, edgecolor="#999999"))
        fig.colorbar(fill, ax=ax, label=f"model's P(class 1); grey: {COIN_FLIP[0]:g}-"
                     f"{COIN_FLIP[1]:g}, a coin flip; black line: 0.5")
        colors = [CLASS_COLORS[int(c) % 2] for c in points["y"]]
        names = class_names if class_names and len(class_names) == 2 else ("class 0", "class 1")
        _points(ax, points, colors, f"{names[0]} (orange) / {names[1]} (blue)")
    else:
        y = points["y"].to_numpy(float)
        finite = np.concatenate([z[np.isfinite(z)], y[np.isfinite(y)]])
        norm = Normalize(finite.min(), finite.max())
        fill = ax.contourf(x1, x2, z, levels=15, cmap="viridis", norm=norm, alpha=0.6)
        fig.colorbar(fill, ax=ax, label="prediction (fill) and target (points)")
        _points(ax, points, fill.cmap(norm(y)), "points coloured by target")
    _plane_axes(ax, x1, x2, own_units)


def _regions(ax, fig, points, surface, preds, own_units=False):
    columns = sorted(preds, key=class_of)
    probs = np.stack([grid(surface, c)[2] for c in columns], -1)  # (x2, x1, k)
    x1, x2, _ = grid(surface, preds[0])
    k = probs.shape[-1]
    best = np.nan_to_num(probs, nan=-1).argmax(-1)
    confidence = (np.nanmax(probs, -1) - 1 / k) / (1 - 1 / k)  # 0 = uniform guess, 1 = certain
    image = np.zeros(best.shape + (4,))
    image[..., :3] = np.array([to_rgb(CLASS_COLORS[c % len(CLASS_COLORS)]) for c in range(k)])[best]
    image[..., 3] = 0.08 + 0.42 * np.nan_to_num(np.clip(confidence, 0, 1))  # points stay visible
    half1, half2 = (x1[1] - x1[0]) / 2, (x2[1] - x2[0]) / 2  # the grid holds cell centres
    ax.imshow(image, origin="lower", aspect="auto", interpolation="bilinear",
              extent=(x1[0] - half1, x1[-1] + half1, x2[0] - half2, x2[-1] + half2))
    for c in range(k):  # boundaries: where class c stops beating the best of the others
        margin = probs[..., c] - np.delete(probs, c, axis=-1).max(-1)
        if np.nanmin(margin) < 0 < np.nanmax(margin):
            ax.contour(x1, x2, margin, levels=[0], colors="#333333", linewidths=1.2)
    colors = [CLASS_COLORS[int(c) % len(CLASS_COLORS)] for c in points["y"]]
    _points(ax, points, colors, f"{k} classes; fainter = less sure")
    _plane_axes(ax, x1, x2, own_units)


def plane_aspect(x1, x2, own_units: bool = False) -> str:
    """`equal` when the two inputs share a unit and span similar ranges (the toys: a circle stays
    round), else `auto`: a csv file's columns each have their own unit (`own_units`), and inputs
    whose ranges lie far apart would be squeezed into a strip."""
    spans = sorted(float(np.ptp(v)) for v in (x1, x2))
    similar = spans[0] > 0 and spans[1] / spans[0] <= 4
    return "equal" if similar and not own_units else "auto"


def _plane_axes(ax, x1, x2, own_units=False):
    ax.set(xlabel="x1", ylabel="x2", aspect=plane_aspect(x1, x2, own_units))
    # 100000 as 1.0 with x1e5 beside the axis: long tick labels pushed the axis label off
    ax.ticklabel_format(style="sci", scilimits=(-3, 4))


def _curve(ax, points, surface, activation):
    for split in SPLITS:
        rows = points[points["split"] == split]
        train = split == "train"
        ax.scatter(rows["x1"], rows["y"], s=16, facecolor="#999999" if train else "white",
                   edgecolor="#555555" if train else "black", label=f"{split} points")
    line = surface.sort_values("x1")
    ax.plot(line["x1"], line["pred"], color=activation_color(activation), linewidth=2.2,
            label="model")
    ax.set(xlabel="x1", ylabel="y")
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=9)


def _points(ax, points, colors, title):
    colors = to_rgba_array(colors)  # (points, 4)
    x, y = points["x1"].to_numpy(float), points["x2"].to_numpy(float)
    # one marker line per split and colour: markers are stamped, far cheaper than a scatter
    for split, style in SPLITS.items():
        mask = (points["split"] == split).to_numpy()
        for color in np.unique(colors[mask], axis=0):
            mine = mask & (colors == color).all(axis=1)
            ax.plot(x[mine], y[mine], linestyle="none", marker=style["marker"], markersize=4.8,
                    color=color, markeredgecolor=style["edgecolor"],
                    markeredgewidth=style["linewidth"], snap=False, zorder=3)
    handles = [Line2D([], [], marker="o", linestyle="none", markersize=6, markerfacecolor="#999999",
                      markeredgecolor=SPLITS[split]["edgecolor"], label=label)
               for split, label in [("train", "train"), ("test", "test (black edge)")]]
    # Above the plane, as wide as the figure allows: inside it, a long title ("rain (orange) /
    # dry (blue)") ran under the colour bar, and the box hid points.
    ax.legend(handles=handles, title=title, fontsize=8, title_fontsize=8, ncols=2,
              loc="lower left", bbox_to_anchor=(0.0, 1.01), borderaxespad=0.0, frameon=False,
              alignment="left")


def class_of(column: str) -> int:
    return int(column.rsplit("_", 1)[1]) if "_" in column else 0

