"""The activation explorer: each activation and its derivative, drawn and tabulated.

    python -m harness activations                          # step, sigmoid, tanh, relu, ... swish
    python -m harness activations sigmoid relu --out /tmp/acts

The curve is the function Keras runs in the model (`harness.catalog.activations.keras_function`);
the derivative is taken from it by autodiff (`harness.catalog.slopes.derivative`), and the table's
formula (`slopes.formula`) is drawn over it dashed where one exists, so a disagreement would show.
At a kink autodiff gives Keras' convention (relu'(0) = 0, leaky_relu'(0) = 0.01). Writes
`activations.png` and `activations.csv` (tidy: `activation, z, value, derivative,
formula_derivative`; the formula column is empty for activations without one).
"""

import math
import os
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from harness.base.files import write_csv, write_figure
from harness.base.owned import check_ours, mark_ours
from harness.catalog import activations, slopes
from harness.errors import HarnessError

DEFAULT = ("step", "sigmoid", "tanh", "relu", "leaky_relu", "linear", "elu", "gelu", "swish")
POINTS = (-5.0, -1.0, 0.0, 1.0, 5.0)
GRID = np.linspace(-5.0, 5.0, 1001)  # includes 0 exactly, where the kinks are


def explore(names=None, out: str | os.PathLike = "results/activations",
            force: bool = False) -> tuple[str, list[Path]]:
    """Draws each activation with its derivative and tabulates both at `POINTS`.

    Args:
        names: activation names (table names, aliases, other Keras names or
            `package.module:function`); default `DEFAULT`.
        out: the folder for `activations.png` and `activations.csv` (created if missing).
        force: write into `out` even when it is not an activations folder
            (`harness.base.owned.check_ours`).

    Returns:
        (the table as printable text, [the PNG's path, the CSV's path]).

    Raises:
        HarnessError: an unknown name (with the closest matches) or a function that is not
            elementwise, before anything is written.
    """
    out = check_ours(out, "activations", "--out", force, example="results/activations")
    names = list(dict.fromkeys(names or DEFAULT))
    for name in names:
        _check(name)
    curves = {name: _curve(name) for name in names}
    table = values_table(names)
    mark_ours(out, "activations")
    png = write_figure(out / "activations.png", plot_activations(curves))
    csv = write_csv(out / "activations.csv", table)
    return format_table(table), [png, csv]


def values_table(names) -> pd.DataFrame:
    """Tidy rows `activation, z, value, derivative, formula_derivative` at `POINTS`."""
    z = np.array(POINTS)
    rows = []
    for name in names:
        value, grad = slopes.derivative(name, z)
        der = slopes.formula(name)
        formula = der(z) if der is not None else np.full(len(z), math.nan)
        rows += [{"activation": name, "z": zi, "value": v, "derivative": g, "formula_derivative": f}
                 for zi, v, g, f in zip(z, value, grad, formula)]
    return pd.DataFrame(rows)


def format_table(table: pd.DataFrame) -> str:
    """Two blocks, f(z) and f'(z), one row per activation and one column per z."""
    blocks = []
    for column, title in (("value", "f(z)"), ("derivative", "f'(z), by autodiff")):
        wide = table.pivot(index="activation", columns="z", values=column)
        wide = wide.loc[list(dict.fromkeys(table["activation"]))]
        wide.columns = [f"z={z:g}" for z in wide.columns]
        wide.index.name = None
        blocks.append(f"{title}:\n{wide.to_string(float_format=_number)}")
    return "\n\n".join(blocks)


def plot_activations(curves: dict) -> Figure:
    """One panel per activation: f (solid), f' by autodiff (wide, pale), the formula f' (dashed).

    Args:
        curves: name -> (f(GRID), f'(GRID)).
    """
    from harness.report.draw.style import activation_color

    cols = min(3, len(curves))
    rows = math.ceil(len(curves) / cols)
    fig = Figure(figsize=(4.2 * cols, 3.2 * rows + 0.6), layout="constrained")
    axes = np.atleast_1d(fig.subplots(rows, cols, squeeze=False).ravel())
    for ax, (name, (value, grad)) in zip(axes, curves.items()):
        color = activation_color(name)
        ax.axhline(0, color="#bbb", linewidth=0.8)
        ax.axvline(0, color="#bbb", linewidth=0.8)
        ax.plot(GRID, value, color=color, linewidth=2, label="f(z), as Keras runs it")
        ax.plot(GRID, grad, color=color, linewidth=4, alpha=0.35, label="f'(z) by autodiff")
        der = slopes.formula(name)
        if der is not None:
            ax.plot(GRID, der(GRID), color="black", linewidth=1.1, linestyle="--",
                    label="f'(z) formula")
        ax.set_title(f"{name}   (largest slope {np.max(np.abs(grad)):.3g})", fontsize=10)
        ax.set_xlim(GRID[0], GRID[-1])
        ax.grid(True, alpha=0.3)
    for ax in axes[len(curves):]:
        ax.set_visible(False)
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncols=3, frameon=False)
    fig.suptitle("Activations and their derivatives: a slope below 1 shrinks the gradient at "
                 "every layer", fontweight="bold")
    return fig


def _check(name: str) -> None:
    try:
        activations.get(name)
        if ":" in name:  # your own function: imported and called once, each failure one line
            activations.check_user_function(name)
    except ValueError as e:
        raise HarnessError(f"activations: {e}") from None


def _curve(name: str) -> tuple[np.ndarray, np.ndarray]:
    """(f, f') on `GRID` by autodiff in float64; an error unless `name` acts on each number
    alone (`slopes.is_elementwise`: softmax does not)."""
    try:
        value, grad = slopes.derivative(name, GRID)
        alone = slopes.is_elementwise(name)
    except Exception as e:  # noqa: BLE001 - e.g. glu, which halves its input
        alone, reason = False, f" ({type(e).__name__})"
    else:
        reason = ""
    if not alone:
        raise HarnessError(f"activations: {name!r} is not elementwise{reason}: each output depends "
                           "on the other units, so there is no curve to draw; leave it out")
    return value, grad


def _number(x: float) -> str:
    return f"{x:.4g}" if abs(x) >= 1e-4 or x == 0 else f"{x:.2e}"
