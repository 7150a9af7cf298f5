"""Every run gets a report: PNG figures and a self-contained `report.html` in the run folder.

`build_report` only reads the run's files (`results/README.md`), so it also rebuilds the report of
an old run, and it never imports TensorFlow. A run that diverged, failed, was interrupted or ran 0
epochs still gets a report: figures that cannot be drawn are skipped and the page says why.
"""

import os
from pathlib import Path

import pandas as pd

from harness.files import write_figure, write_text
from harness.report import page
from harness.report.boundary import plot_decision_boundary
from harness.report.curves import plot_history
from harness.report.frames import NothingToPlot, last_epoch, masked_counts, vanishing_ratio
from harness.report.plots import (
    activation_name,
    plot_activation_stats,
    plot_grad_heatmaps,
    plot_grad_norms,
)
from harness.rundir import Run, load_run

TEST_METRICS = [("test_loss", "test loss"), ("test_accuracy", "test accuracy"),
                ("test_mae", "test MAE"), ("test_rmse", "test RMSE")]


def build_report(run_dir: str | os.PathLike | Run) -> Path:
    """Writes the figures and `report.html` of one run into its folder.

    Args:
        run_dir: a run folder written by `python -m harness run`, or a `Run` already in memory
            (the runner passes one so that the report exists before `summary.json` is written).

    Returns:
        The path of `report.html`. Beside it: `grad_norms.png`, `grad_heatmap.png`, `history.png`,
        `activations.png` and, for toy data, `boundary.png` (each only when it could be drawn).

    Example:
        >>> build_report("results/sigmoid_deep/sigmoid-d8-s0-20250101-120000")
        PosixPath('results/sigmoid_deep/sigmoid-d8-s0-20250101-120000/report.html')
    """
    run = run_dir if isinstance(run_dir, Run) else load_run(run_dir)
    model = run.config.get("model") or {}
    activation = activation_name(model.get("activation"))
    notes = _status_notes(run)
    figures = []
    for name, title, caption, draw in _figures(run, activation):
        path = run.dir / name
        try:
            fig = draw()
        except NothingToPlot as reason:
            path.unlink(missing_ok=True)  # a figure left by an earlier report would now mislead
            notes.append(f"{title}: not drawn: {reason}.")
            continue
        figures.append(page.figure(write_figure(path, fig), title, caption))
    notes += _masking_notes(run.layers)

    depth = model.get("depth", "?")
    name = run.config.get("name") or run.dir.name
    body = [f"<h1>{page.esc(name)}</h1>",
            f'<p class="sub">{page.esc(activation)}, depth {page.esc(depth)} '
            f'<span class="status {page.esc(run.status)}">{page.esc(run.status)}</span>'
            f"<br><code>{page.esc(run.dir)}</code></p>",
            page.notes(notes),
            "<h2>Summary</h2>", page.key_values(_summary_rows(run)),
            "<h2>Figures</h2>", *figures,
            "<h2>Resolved config</h2>", f"<pre>{page.esc(_config_text(run))}</pre>",
            "<h2>Versions and command</h2>", page.key_values(_meta_rows(run.meta))]
    title = f"{name}: {activation}, depth {depth} ({run.status})"
    return write_text(run.dir / "report.html", page.page(title, body))


def _figures(run: Run, activation: str) -> list:
    """(file name, title, caption, draw) for each figure of the report, in page order."""
    config = run.config
    loss = (config.get("train") or {}).get("loss", "")
    figures = [
        ("grad_norms.png", "Gradient norm per layer",
         "How large the kernel gradient is in each layer at initialisation (dashed) and after the "
         "last epoch (solid). When gradients vanish, the line climbs steeply from layer 1 to the "
         "output: the first layers barely learn. A flat line means every layer gets a similar "
         "signal.",
         lambda: plot_grad_norms(run.layers, activation)),
        ("grad_heatmap.png", "Gradient norms over training",
         "The same norms at every epoch: rows are layers (input at the bottom), columns epochs. "
         "Left: dL/dW, what the optimizer applies; right: dL/dz, the signal reaching each layer's "
         "pre-activation. A dark band along the bottom rows is a vanishing gradient.",
         lambda: plot_grad_heatmaps(run.layers)),
        ("history.png", "Learning curves",
         "Training (solid) and validation (dashed) metrics after each epoch.",
         lambda: plot_history(run.history, activation, loss, run.summary.get("diverged_epoch"))),
        ("activations.png", "Activation statistics per layer",
         "Saturation: share of outputs in the flat tails of sigmoid or tanh, where the derivative "
         "is near 0. Dead units: units whose output is 0 for the whole batch, so no gradient "
         "passes through them. Spread: the standard deviation of each layer's outputs; a spread "
         "shrinking layer after layer is a signal dying on its way through the network.",
         lambda: plot_activation_stats(run.layers, activation)),
    ]
    points, surface = _read_csv(run.dir / "points.csv"), _read_csv(run.dir / "surface.csv")
    if not (points is None and surface is None):  # toy data
        task = run.summary.get("task", "")
        figures.append((
            "boundary.png", "Fitted function" if task == "regression" else "Decision boundary",
            "The trained model's output on a grid over the data, as in the TensorFlow Playground. "
            "Points with white edges are training data, black edges test data.",
            lambda: _boundary(points, surface, task, activation)))
    return figures


def _boundary(points, surface, task, activation):
    if points is None or surface is None:
        raise NothingToPlot("points.csv or surface.csv is missing")
    return plot_decision_boundary(points, surface, task, activation)


def _status_notes(run: Run) -> list[str]:
    summary, status = run.summary, run.status
    notes = []
    if status == "diverged":
        notes.append(f"The run diverged (a NaN appeared) at {_where_diverged(summary)}. The "
                     "figures show what was recorded; non-finite values are left out or masked.")
    elif status == "failed":
        notes.append(f"The run failed: {summary.get('error', 'no error recorded')}.")
    elif status == "interrupted":
        notes.append(f"The run was interrupted after {summary.get('epochs_run', '?')} epoch(s).")
    elif status != "completed":
        notes.append("No summary.json: the run is still going, or was killed before it finished.")
    if last_epoch(run.layers) == 0:
        notes.append("No training epoch was recorded: the figures show the network at "
                     "initialisation (epoch 0) only.")
    return notes


def _masking_notes(layers) -> list[str]:
    counts = {m: masked_counts(layers, m) for m in ("grad_norm", "preact_grad_norm")}
    zeros = ", ".join(f"{z} {m}" for m, (z, _) in counts.items() if z)
    missing = ", ".join(f"{n} {m}" for m, (_, n) in counts.items() if n)
    notes = []
    if zeros:
        notes.append(f"Gradient norms exactly 0 ({zeros} values): no gradient passes, as with a "
                     "step activation. A log scale cannot show 0: they are masked grey in the "
                     "heatmaps and drawn as triangles on the bottom edge of the per-layer plot.")
    if missing:
        notes.append(f"Gradient norms NaN or infinite ({missing} values): masked grey.")
    return notes


def _summary_rows(run: Run) -> list[tuple[str, str, str]]:
    s, config = run.summary, run.config
    model, train, data = (config.get(k) or {} for k in ("model", "train", "data"))
    status_hint = {"diverged": f"at {_where_diverged(s)}",
                   "failed": str(s.get("error", ""))}.get(run.status, "")
    rows = [("status", run.status, status_hint), ("task", s.get("task", "?"), ""),
            ("epochs", f"{s.get('epochs_run', '?')} of {train.get('epochs', '?')}", "")]
    rows += [(label, page.fmt(s[key]), "") for key, label in TEST_METRICS if key in s]
    last = last_epoch(run.layers)
    for epoch in [0] + ([last] if last else []):
        ratio = vanishing_ratio(run.layers, epoch)
        label = f"vanishing ratio at epoch {epoch} (last)" if epoch else "vanishing ratio at init"
        rows.append((label, page.fmt(ratio, "ratio"), page.ratio_hint(ratio)))
    wall = s.get("wall_time_s", run.meta.get("wall_time_s"))
    rows += [("wall time", f"{wall:.1f} s" if wall is not None else "n/a", ""),
             ("model", f"{model.get('depth', '?')} hidden x {model.get('width', '?')} units, "
                       f"{activation_name(model.get('activation')) or '?'}, "
                       f"{model.get('initializer', '?')} init, "
                       f"{model.get('head', '?')} head", ""),
             ("training", f"{train.get('optimizer', '?')}, "
                          f"learning rate {train.get('learning_rate', '?')}, "
                          f"batch {train.get('batch_size', '?')}, "
                          f"loss {train.get('loss', '?')}", ""),
             ("data", f"{data.get('name', '?')}, {_samples(data, run.summary)}", "")]
    remedies = _remedies(model, train)
    if remedies:
        rows.insert(-2, ("remedies", remedies, ""))
    if "train_accuracy" in s:
        rows.insert(3 + sum(key in s for key, _ in TEST_METRICS), (
            "train accuracy", page.fmt(s["train_accuracy"]),
            "final model on its training examples, no dropout"))
    return rows


def _remedies(model: dict, train: dict) -> str:
    """The config's remedies that are on, e.g. `batch norm before, dropout 0.5`; '' for none."""
    dropout = model.get("dropout") or 0
    schedule = train.get("schedule") or "constant"
    schedule = schedule.get("name") if isinstance(schedule, dict) else schedule
    parts = []
    if model.get("batch_norm", "none") != "none":
        parts.append(f"batch norm {model['batch_norm']}")
    if model.get("residual"):
        parts.append(f"residual {model['residual']}")
    if any(dropout) if isinstance(dropout, list) else dropout:
        parts.append(f"dropout {dropout}")
    parts += [f"{key} {model[key]}" for key in ("l1", "l2") if model.get(key)]
    if train.get("clipnorm"):
        parts.append(f"clipnorm {train['clipnorm']}")
    if schedule != "constant":
        parts.append(f"{schedule} learning-rate schedule")
    return ", ".join(parts)


def _where_diverged(summary: dict) -> str:
    return f"epoch {summary.get('diverged_epoch', '?')}, step {summary.get('diverged_step', '?')}"


def _samples(data: dict, summary: dict) -> str:
    split = summary.get("examples")
    if isinstance(split, dict):
        return " / ".join(f"{split.get(k, '?')} {k}" for k in ("train", "val", "test"))
    n = data.get("n_samples")
    return "default sample count" if n is None else f"{n} samples"


def _meta_rows(meta: dict) -> list[tuple[str, str, str]]:
    rows = [(key, meta[key], "") for key in ("harness", "tensorflow", "keras", "python", "numpy",
                                              "platform", "started", "finished") if key in meta]
    if meta.get("command"):
        rows.append(("command", " ".join(map(str, meta["command"])), ""))
    return rows or [("meta.json", "missing", "")]


def _config_text(run: Run) -> str:
    path = run.dir / "config.yaml"
    return path.read_text() if path.is_file() else ""


def _read_csv(path: Path) -> pd.DataFrame | None:
    """The frame, or None when the file is missing or empty."""
    try:
        return pd.read_csv(path)
    except (FileNotFoundError, pd.errors.EmptyDataError):
        return None
