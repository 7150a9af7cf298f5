"""Reports: one run's figures and `report.html`, and comparisons across runs.

Everything here reads run folders (`results/README.md`) with pandas and draws with matplotlib
figures (no pyplot); none of it imports TensorFlow, so reports open fast.

Example:
    >>> from harness.report import build_report, compare
    >>> build_report("results/sigmoid_deep/sigmoid-d8-s0-20250101-120000")
    >>> compare(["results/sigmoid_deep/...", "results/relu_deep/..."], out="results/compare")
"""

from harness.report.boundary import plot_decision_boundary
from harness.report.compare import compare, differing_keys, flatten_config, run_labels
from harness.report.compare_plots import (
                                          plot_compare_grad_epochs,
                                          plot_compare_grad_norms,
                                          plot_compare_history,
                                          run_styles,
)
from harness.report.curves import plot_history
from harness.report.distributions import (
                                          plot_first_layer_weights,
                                          plot_histograms,
                                          plot_update_ratio,
)
from harness.report.frames import NothingToPlot, metric_table, vanishing_ratio
from harness.report.grouped import (
                                          group_band,
                                          group_colors,
                                          plot_grouped_grad_norms,
                                          plot_grouped_history,
)
from harness.report.health import plot_activation_stats
from harness.report.html import build_report
from harness.report.playground import boundary_gif, plot_boundary_epochs, plot_neurons
from harness.report.plots import (
                                          ACTIVATION_COLORS,
                                          activation_color,
                                          plot_grad_heatmaps,
                                          plot_grad_norms,
)

__all__ = [
    "build_report", "compare", "run_labels", "differing_keys", "flatten_config",
    "plot_grad_norms", "plot_grad_heatmaps", "plot_history", "plot_activation_stats",
    "plot_decision_boundary", "plot_compare_grad_norms", "plot_compare_grad_epochs",
    "plot_compare_history", "run_styles", "plot_grouped_grad_norms", "plot_grouped_history",
    "group_band", "group_colors", "ACTIVATION_COLORS", "activation_color", "metric_table",
    "vanishing_ratio", "NothingToPlot", "plot_histograms", "plot_update_ratio",
    "plot_first_layer_weights", "plot_boundary_epochs", "boundary_gif", "plot_neurons",
]
