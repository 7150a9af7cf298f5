"""What the CLI prints after a run: the verdict, the per-layer gradient table, what to look at."""

import math

import pandas as pd

from harness.base.frames import dead_layer, is_hidden, last_epoch, metric_table, vanishing_ratio
from harness.checks.verdict import accuracy_noise
from harness.rundir.run import Run


def plural(n: int, word: str) -> str:
    """`1 epoch`, `2 epochs`."""
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def number(value: float) -> str:
    """Three significant digits; scientific notation for tiny or huge values (`2.83e-06`)."""
    if value is None or not math.isfinite(value):
        return "n/a"
    if value != 0 and not 1e-3 <= abs(value) < 1e5:
        return f"{value:.2e}"
    return f"{value:.3g}"


def format_summary(run: Run) -> str:
    """A few lines: status and verdict, test metrics, the gradient per layer, what to look at.

    Args:
        run: a finished (or stopped) run, as `harness.load_run` reads it.

    Returns:
        The text, its last line the run folder.
    """
    lines = [_headline(run)]
    last = last_epoch(run.layers) or 0
    metric = "grad_rms" if _has(run.layers, "grad_rms") else "grad_norm"
    table = metric_table(run.layers, metric)
    if not table.empty:
        table = table[[0, last]].set_axis(["init", f"epoch {last}"], axis=1)
        table.index = table.index.astype(str).rename(None)
        meaning = ("RMS of dL/dW per weight" if metric == "grad_rms" else "L2 norm of dL/dW")
        lines.append(f"{metric} ({meaning}) per layer:")
        text = table.to_string(float_format=lambda v: "0" if v == 0 else f"{v:.3e}")
        lines += ["  " + line for line in text.splitlines()]
    lines += ["look at:", *("  " + item for item in _look_at(run, metric, last))]
    if (run.dir / "report.html").exists():
        lines.append(f"report: {run.dir / 'report.html'}")
    lines.append(str(run.dir))
    return "\n".join(lines)


def _headline(run: Run) -> str:
    s = run.summary
    metrics = ", ".join(f"{k} {s[k]:.4g}" for k in ("test_loss", "test_accuracy", "test_mae",
                                                        "test_rmse") if s.get(k) is not None)
    head = (f"{run.config.get('name', 'run')}: {s.get('status')} after "
            f"{plural(int(s.get('epochs_run') or 0), 'epoch')} in {s.get('wall_time_s', 0):.1f} s; "
            f"{metrics or 'no test metrics'}")
    steering = run.meta.get("steering") or []
    if steering:  # the numbers are not those of the config alone
        rates = [e["learning_rate"] for e in steering if "learning_rate" in e]
        head += (f"\nsteered {plural(len(steering), 'time')} through control.json (meta.json's "
                 f"`steering`)" + (f"; learning rate last set to {rates[-1]:g}" if rates else ""))
    if s.get("learned") is False:
        n = (s.get("examples") or {}).get("test", 0)
        if s.get("chance_accuracy") is not None:
            base = (f"always answering the most common class scores {s['chance_accuracy']:.3g}, "
                    f"+-{accuracy_noise(s['chance_accuracy'], n):.2g} on {n} test examples")
        else:
            base = ("predicting the training mean scores a test loss of "
                    f"{number(s.get('chance_loss'))}")
        head += f"\ndid not learn (chance level): {base}"
    return head


def _look_at(run: Run, metric: str, last: int) -> list[str]:
    """A few lines: a recurrent run's time ratio, the vanishing ratio (or the dead layer that
    blocks it), then the most saturated or most dead hidden layer."""
    items = []
    dead = dead_layer(run.layers)
    grads = metric_table(run.layers, metric)
    hidden = [n for n in grads.index if is_hidden(n)]
    timed = _time_ratio(run.summary, hidden)
    if timed:
        items.append(timed)
    if dead:
        items.append(dead)
    elif len(hidden) >= 2 and not grads.loc[hidden, [0, last]].to_numpy().any():
        items.append(f"no gradient reaches any hidden layer: {metric} is exactly 0 in "
                     f"{hidden[0]} .. {hidden[-1]} (an activation with zero slope, like a step)")
    elif len(hidden) >= 2:
        ratios = [(label, vanishing_ratio(run.layers, epoch))
                  for epoch, label in ((0, "init"), (last, f"epoch {last}"))]
        shown = ", ".join(f"{number(r)} at {label}" for label, r in ratios)
        items.append(f"vanishing ratio, {metric} of {hidden[0]} / {hidden[-1]}: {shown} "
                     "(1e-3 or less: vanishing)")
    worst = _worst_layer(run.layers, last, dead_too=not dead)
    if worst:
        items.append(worst)
    return items or ["nothing unusual in the per-layer statistics"]


def _time_ratio(summary: dict, hidden: list[str]) -> str | None:
    """A recurrent run's headline: the time ratio at initialisation and at the end, what it is
    and where it is drawn; None for runs without one (`summary.json`'s `time_ratio_*`)."""
    if "time_ratio_init" not in summary and "time_ratio_final" not in summary:
        return None
    layer = hidden[-1] if hidden else "the last recurrent layer"
    shown = ", ".join(f"{_ratio(summary.get(key))} at {label}" for key, label in (
        ("time_ratio_init", "init"), ("time_ratio_final", "the last logged epoch"))
        if key in summary)
    return (f"time ratio, ||dL/dh_1|| / ||dL/dh_T|| of {layer} (the last recurrent layer): "
            f"{shown} (1e-3 or less: the gradient vanishes back through time); time.png draws "
            "it at every step")


def _ratio(value) -> str:
    """A time ratio; 0 said as what it is (step 1's gradient is exactly 0 in float32)."""
    return "0 (no gradient reaches step 1)" if value == 0 else number(value)


def _worst_layer(layers: pd.DataFrame, last: int, dead_too: bool = True) -> str | None:
    """The most saturated hidden layer, else (with `dead_too`) the most dead one, at the last
    epoch."""
    for metric, what in (("saturation", "of its outputs in the flat region"),
                         ("dead_fraction", "of its units dead"))[:2 if dead_too else 1]:
        table = metric_table(layers, metric)
        if table.empty or last not in table.columns:
            continue
        column = table.loc[[n for n in table.index if is_hidden(n)], last]
        if column.empty or not column.max() > 0.01:
            continue
        name = column.idxmax()
        label = "saturated" if metric == "saturation" else "dead"
        return f"most {label} layer: {name} ({column.max():.0%} {what} at epoch {last})"
    return None


def _has(layers: pd.DataFrame, metric: str) -> bool:
    return "metric" in layers.columns and bool((layers["metric"] == metric).any())
