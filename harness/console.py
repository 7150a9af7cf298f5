"""What the CLI prints after a run: the test metric and the per-layer gradient table."""

import numpy as np

from harness.report.frames import last_epoch, metric_table, vanishing_ratio
from harness.rundir import Run


def format_summary(run: Run) -> str:
    """A few lines: status, test metrics, grad_norm per layer at init and at the last epoch."""
    s = run.summary
    metrics = ", ".join(f"{k} {s[k]:.4g}" for k in ("test_loss", "test_accuracy", "test_mae",
                                                        "test_rmse") if s.get(k) is not None)
    lines = [f"{run.config['name']}: {s.get('status')} after {s.get('epochs_run', 0)} epochs "
             f"in {s.get('wall_time_s', 0):.1f} s; {metrics or 'no test metrics'}"]
    last = last_epoch(run.layers) or 0
    table = metric_table(run.layers, "grad_norm")
    if not table.empty:
        table = table[[0, last]].set_axis(["init", f"epoch {last}"], axis=1)
        lines.append("grad_norm (L2 norm of dL/dW) per layer:")
        text = table.to_string(float_format="{:.3e}".format)
        lines += ["  " + line for line in text.splitlines()]
        for epoch, label in ((0, "init"), (last, f"epoch {last}")):
            ratio = vanishing_ratio(run.layers, epoch)
            if np.isfinite(ratio):
                lines.append(f"  vanishing ratio (grad_rms, first/last hidden layer) at {label}: "
                             f"{ratio:.3g}")
    if (run.dir / "report.html").exists():
        lines.append(f"report: {run.dir / 'report.html'}")
    lines.append(str(run.dir))
    return "\n".join(lines)
