"""Theory beside measurement at initialisation: the mean-field lines over the measured layers.

Takes the tidy `layers.csv` frame holding, at epoch 0, both measured metrics (`preact_std`,
`grad_rms`, `preact_grad_rms`) and the predictions of `harness.theory.meanfield`
(`theory_preact_std`, `theory_grad_ratio`, `theory_preact_grad_ratio`, as `Prediction.tidy` gives
them), and returns a matplotlib `Figure`: where the points leave the lines, finite width, the first
layer's few inputs or the batch depart from the theory.

`plot_jacobians` draws the measured layer Jacobians' singular values (`jacobian_sv_mean`,
`jacobian_sv_max`) at initialisation and at every later logged epoch: how training moves them.
"""

import matplotlib
import numpy as np
from matplotlib.figure import Figure

from harness.base.frames import is_hidden, layer_tick, metric_table, vanishing_ratio
from harness.report.draw.style import LOG_SPAN, NothingToPlot
from harness.report.run.captions import mean_misleads

# (measured metric, theory metric, what, the theory's name, the measured name); gradients
# relative to the last hidden layer's
SIZES = [("preact_std", "theory_preact_std", "z's size", "sqrt(q_l)", "preact_std")]
GRADIENTS = [("grad_rms", "theory_grad_ratio", "dL/dW", "", "grad_rms", "#1f77b4"),
             ("preact_grad_rms", "theory_preact_grad_ratio", "dL/dz", "", "preact_grad_rms",
              "#d62728")]


def plot_theory(layers, epoch: int = 0, reason: str | None = None) -> Figure:
    """Two panels over the hidden layers: the pre-activation size, and the gradient sizes
    relative to the last hidden layer (log scale), measured as points, predicted as lines.

    Args:
        layers: the tidy `layers.csv` frame.
        epoch: the epoch the predictions are for (0: initialisation).
        reason: why there is no prediction (`Prediction.reason`), shown instead of a figure.

    Raises:
        NothingToPlot: no prediction (`reason`), or no theory rows in `layers`.
    """
    if reason:
        raise NothingToPlot(f"no mean-field prediction: {reason}")
    theory = metric_table(layers, "theory_preact_std")
    if theory.empty or epoch not in theory.columns:
        raise NothingToPlot("layers.csv holds no mean-field prediction (theory_* rows)")
    names = [n for n in theory.index if is_hidden(n)]
    x = np.arange(len(names))
    fig = Figure(figsize=(10, 4), layout="constrained")
    size_ax, grad_ax = fig.subplots(1, 2)
    for measured, predicted, *label in SIZES:
        _pair(size_ax, layers, measured, predicted, names, epoch, "#2ca02c", label,
              relative=False)
    size_ax.set(ylabel="size at initialisation", title="Forward: how large z is")
    size_ax.set_ylim(bottom=0)
    for measured, predicted, *label, color in GRADIENTS:
        _pair(grad_ax, layers, measured, predicted, names, epoch, color, label, relative=True)
    grad_ax.set_yscale("log")
    grad_ax.axhline(1.0, color="#999", linewidth=0.8)
    grad_ax.set(ylabel="relative to the last hidden layer (log)",
                title="Backward: how large the gradient is")
    every = max(1, len(names) // 12)  # at most ~12 tick labels
    for ax in (size_ax, grad_ax):
        ax.set_xticks(x[::every], [layer_tick(n) for n in names][::every])
        ax.set_xlabel("hidden layer")
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize=8)
    fig.suptitle("Mean-field theory (lines) against the measured network (points)",
                 fontweight="bold")
    return fig


def _pair(ax, layers, measured, predicted, names, epoch, color, label, relative):
    """One quantity: the theory's line and the measured points; `label` is (what, the
    theory's name for it, the measured metric), e.g. ("z's size", "sqrt(q_l)", "preact_std")."""
    what, theory_name, measured_name = label
    line = metric_table(layers, predicted)
    if not line.empty and epoch in line.columns:
        ax.plot(np.arange(len(names)), line.loc[names, epoch].to_numpy(float), color=color,
                linewidth=2, label=f"{what}, theory" + (f": {theory_name}" if theory_name
                                                          else ""))
    points = metric_table(layers, measured)
    if points.empty or epoch not in points.columns:
        return
    values = points.reindex(names)[epoch].to_numpy(float)
    if relative:
        values = values / values[-1] if values[-1] > 0 else np.full(len(values), np.nan)
    ok = np.isfinite(values) & ((values > 0) if relative else True)
    ax.plot(np.arange(len(names))[ok], values[ok], "o", color=color, markersize=5,
            label=f"{what}, measured ({measured_name})")


JACOBIAN_PANELS = [("jacobian_sv_mean", "mean singular value"),
                   ("jacobian_sv_max", "largest singular value")]
LEGEND_EPOCHS = 8  # more logged epochs than this get a colour bar instead of a legend


def plot_jacobians(layers, reason: str | None = None) -> Figure:
    """The layer Jacobians' mean and largest singular value per hidden layer, one line per
    logged epoch (initialisation darkest), beside 1, where a layer keeps a change's size.

    Args:
        layers: the tidy `layers.csv` frame.
        reason: why they were not taken (`summary.json`'s `jacobian_reason`), shown instead.

    Raises:
        NothingToPlot: no `jacobian_sv_*` rows (`reason` says why when given).
    """
    tables = {metric: metric_table(layers, metric) for metric, _ in JACOBIAN_PANELS}
    if any(t.empty for t in tables.values()):
        raise NothingToPlot(f"no layer Jacobians: {reason}" if reason else
                            "layers.csv holds no layer Jacobians (jacobian_sv_* rows)")
    names = [n for n in tables["jacobian_sv_mean"].index if is_hidden(n)]
    epochs = list(tables["jacobian_sv_mean"].columns)
    # viridis short of its palest yellow, which vanishes on white; a legend's few epochs
    # evenly spaced on it (init and epoch 1 apart), a colour bar's many by their epoch
    cmap = matplotlib.colors.ListedColormap(matplotlib.colormaps["viridis"](
        np.linspace(0.0, 0.9, 256)))
    norm = matplotlib.colors.Normalize(0, max(max(epochs), 1))
    legend = len(epochs) <= LEGEND_EPOCHS
    colors = cmap(np.linspace(0.0, 1.0, len(epochs)) if legend else norm(np.array(epochs, float)))
    x = np.arange(len(names))
    fig = Figure(figsize=(10, 4), layout="constrained")
    axes = fig.subplots(1, 2)
    every = max(1, len(names) // 12)  # at most ~12 tick labels
    for ax, (metric, label) in zip(axes, JACOBIAN_PANELS):
        table = tables[metric].reindex(names)
        for epoch, color in zip(epochs, colors):
            values = table[epoch].to_numpy(float)
            ok = np.isfinite(values) & (values > 0)
            ax.plot(x[ok], values[ok], "o-", color=color, markersize=4, linewidth=1.5,
                    label="init" if epoch == 0 else f"epoch {epoch}")
        ax.axhline(1.0, color="#999", linewidth=0.8, linestyle="--")
        values = table.to_numpy(float)
        values = values[np.isfinite(values) & (values > 0)]
        log = len(values) and values.max() > LOG_SPAN * values.min()
        if log:
            ax.set_yscale("log")
        ax.set(title=label, xlabel="hidden layer",
               ylabel="singular value of diag(f'(z)) Wᵀ" + (" (log)" if log else ""))
        ax.set_xticks(x[::every], [layer_tick(n) for n in names][::every])
        ax.grid(True, alpha=0.3)
    if legend:
        fig.legend(*axes[1].get_legend_handles_labels(), loc="outside right upper", fontsize=8,
                   title="logged epoch", title_fontsize=8)
    else:
        fig.colorbar(matplotlib.cm.ScalarMappable(norm, cmap), ax=axes, pad=0.01,
                     label="logged epoch")
    fig.suptitle("Layer Jacobians at the logged epochs (1: the layer keeps a change's size)",
                 fontweight="bold")
    if mean_misleads(layers):  # the trap of the mean: say it where the eye is
        axes[0].set_title(f"{JACOBIAN_PANELS[0][1]}: dL/dz shrinks, yet the weight gradient\n"
                          f"does not vanish here (ratio {vanishing_ratio(layers, 0):.2g}, "
                          "grad_norms.png)", fontsize=9)
    return fig
