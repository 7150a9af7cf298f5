"""What the CLI prints after a run: the test metric and the per-layer gradient table."""

import numpy as np
import pandas as pd

from harness.report.frames import vanishing_ratio
from harness.rundir import Run


def _grad_norms(layers: pd.DataFrame, epoch: int) -> pd.Series:
    if layers.empty:
        return pd.Series(dtype=float)
    rows = layers[(layers.epoch == epoch) & (layers.metric == "grad_norm")]
    return rows.set_index("layer")["value"]


def format_summary(run: Run) -> str:
    """A few lines: status, test metrics, grad_norm per layer at init and at the last epoch."""
    s = run.summary
    metrics = ", ".join(f"{k} {s[k]:.4g}" for k in ("test_loss", "test_accuracy", "test_mae",
                                                        "test_rmse") if s.get(k) is not None)
    lines = [f"{run.config['name']}: {s.get('status')} after {s.get('epochs_run', 0)} epochs "
             f"in {s.get('wall_time_s', 0):.1f} s; {metrics or 'no test metrics'}"]
    last = int(run.layers.epoch.max()) if not run.layers.empty else 0
    table = pd.DataFrame({"init": _grad_norms(run.layers, 0),
                          f"epoch {last}": _grad_norms(run.layers, last)})
    if not table.empty:
        lines.append("grad_norm (L2 norm of dL/dW) per layer:")
        lines += ["  " + line for line in table.to_string(float_format="{:.3e}".format).splitlines()]
        for epoch, label in ((0, "init"), (last, f"epoch {last}")):
            ratio = vanishing_ratio(run.layers, epoch)
            if np.isfinite(ratio):
                lines.append(f"  first/last hidden layer at {label}: {ratio:.3g}")
    if (run.dir / "report.html").exists():
        lines.append(f"report: {run.dir / 'report.html'}")
    lines.append(str(run.dir))
    return "\n".join(lines)
