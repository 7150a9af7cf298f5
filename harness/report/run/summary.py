"""A run's key numbers as (label, value, hint) rows: the report's Summary table, and the rows
Jupyter shows for a `Run` (`harness.report.notebook`).

Reads only what a `Run` holds (its summary, config, layers and meta), and imports no run-folder
code, so that a `Run` can show itself without a circle back to `harness.rundir.run`.
"""

import math

from harness.base.frames import dead_layer, is_hidden, last_epoch, metric_table, vanishing_ratio
from harness.report import page
from harness.report.draw.style import activation_name
from harness.report.run import captions

TEST_METRICS = [("test_loss", "test loss"), ("test_accuracy", "test accuracy"),
                ("test_mae", "test MAE"), ("test_rmse", "test RMSE")]


def summary_rows(run) -> list[tuple[str, str, str]]:
    """The rows of a run's Summary table: status, test metrics, vanishing ratios, the setup.

    Args:
        run: a `harness.rundir.run.Run`.

    Returns:
        `(label, value, hint)` rows for `page.key_values`, e.g. `("epochs", "20 of 20", "")`.
    """
    s, config = run.summary, run.config
    model, train, data = (config.get(k) or {} for k in ("model", "train", "data"))
    status_hint = {"diverged": f"at {where_diverged(s)}",
                   "failed": str(s.get("error", ""))}.get(run.status, "")
    badge, _ = captions.verdict(s, run.status)
    rows = [("status", badge, status_hint or captions.chance_text(s)),
            ("task", s.get("task", "?"), ""),
            ("epochs", f"{s.get('epochs_run', '?')} of {train.get('epochs', '?')}", "")]
    rows += [(label, page.fmt(s[key]), "") for key, label in TEST_METRICS if key in s]
    rows += _ratio_rows(run)
    wall = s.get("wall_time_s", run.meta.get("wall_time_s"))
    rows += [("wall time", f"{wall:.1f} s" if wall is not None else "n/a", ""),
             ("model", _model_layers(model) + f"{model.get('initializer', '?')} init, "
                       f"{model.get('head', '?')} head", ""),
             ("training", f"{train.get('optimizer', '?')}, "
                          f"learning rate {train.get('learning_rate', '?')}, "
                          f"batch {train.get('batch_size', '?')}, "
                          f"loss {train.get('loss', '?')}", ""),
             ("data", f"{data.get('name', '?')}, {_inputs(data)}{_samples(data, run.summary)}",
              "")]
    remedies = _remedies(model, train)
    if remedies:
        rows.insert(-2, ("remedies", remedies, ""))
    if "train_accuracy" in s:
        rows.insert(3 + sum(key in s for key, _ in TEST_METRICS), (
            "train accuracy", page.fmt(s["train_accuracy"]),
            "final model on its training examples, no dropout"))
    return rows


def _ratio_rows(run) -> list[tuple[str, str, str]]:
    """The time ratios of a recurrent run (`summary.json`), then the vanishing ratios at
    initialisation and at the last epoch; a recurrent run shows the vanishing ratio only where
    it has one (a stacked model: first recurrent layer against the last)."""
    s, rows, last = run.summary, [], last_epoch(run.layers)
    hidden = [n for n in metric_table(run.layers, "grad_norm").index if is_hidden(n)]
    timed = "time_ratio_init" in s or "time_ratio_final" in s
    for key, label in (("time_ratio_init", "time ratio at init"),
                       ("time_ratio_final", "time ratio at the last logged epoch")):
        if key in s:
            rows.append((label, page.fmt(s[key], "ratio"), _time_hint(s[key], hidden)))
    for epoch in [0] + ([last] if last else []):
        ratio = vanishing_ratio(run.layers, epoch)
        if timed and not ratio > 0:
            continue  # one recurrent layer: no ratio across layers, the time ratio says it
        label = f"vanishing ratio at epoch {epoch} (last)" if epoch else "vanishing ratio at init"
        hint = (page.ratio_hint(ratio, hidden[0], hidden[-1]) if len(hidden) >= 2
                else page.ratio_hint(ratio))
        if epoch and epoch == last and not ratio > 0:  # a dead layer blocks every gradient below
            hint = dead_layer(run.layers) or hint
        rows.append((label, page.fmt(ratio, "ratio"), hint))
    return rows


def _time_hint(ratio, hidden: list[str]) -> str:
    """Says what a time ratio means in words, naming the layer it is of (the last recurrent
    layer, `hidden[-1]`)."""
    layer = f"{hidden[-1]}, the last recurrent layer" if hidden else "the last recurrent layer"
    what = f"||dL/dh_1|| / ||dL/dh_T|| of {layer}"
    if ratio is None or not math.isfinite(ratio):
        return f"{what}: not measured (no timesteps.csv, or the last step's gradient is 0)"
    if ratio == 0:
        return f"{what}: no gradient reaches step 1 (exactly 0)"
    if ratio < 1:
        return f"{what}: step 1 gets {_times(1 / ratio)} less gradient than the last step"
    return f"{what}: step 1 gets {_times(ratio)} more gradient than the last step"


def _times(factor: float) -> str:
    """`2.83x`, `38,400x`, `9.3e+09x`: three significant digits, read at a glance."""
    if factor < 1e4:
        return f"{factor:,.3g}x"
    return f"{float(f'{factor:.3g}'):,.0f}x" if factor < 1e7 else f"{factor:.2g}x"


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


def where_diverged(summary: dict) -> str:
    """`epoch 3, step 41`: where a diverged run met its first NaN (from `summary.json`)."""
    return f"epoch {summary.get('diverged_epoch', '?')}, step {summary.get('diverged_step', '?')}"


def _inputs(data: dict) -> str:
    """`inputs x1^2, x2^2, ` when `data.features` chose the model's inputs, else ''."""
    features = data.get("features")
    return f"inputs {', '.join(map(str, features))}, " if features else ""


def _samples(data: dict, summary: dict) -> str:
    split = summary.get("examples")
    if isinstance(split, dict):
        return " / ".join(f"{split.get(k, '?')} {k}" for k in ("train", "val", "test"))
    n = data.get("n_samples")
    return "default sample count" if n is None else f"{n} samples"


def _model_layers(model: dict) -> str:
    """The model row's first part, by the keys only one type's config has (conv `filters`,
    recurrent `cell`): `2 LSTM (sigmoid gates, tanh state) layers x 8 units, `."""
    depth, width = model.get("depth", "?"), model.get("width", "?")
    if depth == 0:
        return "no hidden layer, "
    if model.get("filters") is not None:
        return _conv_layers(model)
    if model.get("cell"):
        return f"{depth} {captions.cell_name(model)} {_plural(depth, 'layer')} x {width} units, "
    return (f"{depth} hidden x {width} units, "
            f"{activation_name(model.get('activation')) or '?'}, ")


def _plural(n, word: str) -> str:
    """`1 layer`, `2 layers` (without the number)."""
    return word if n == 1 else f"{word}s"


def _conv_layers(model: dict) -> str:
    """`8 conv layers x 16 filters 3 x 3, 2 x 2 max-pools after conv 3, 5, `: the model row of a
    config that gives conv filters (only a conv model's config has them)."""
    k = model.get("kernel_size", "?")
    pools = ", ".join(str(p) for p in model.get("pool") or [])
    pools = f"2 x 2 max-pools after conv {pools}" if pools else "no max-pool"
    return (f"{model.get('depth', '?')} conv layers x {model.get('filters', '?')} filters "
            f"{k} x {k}, {pools}, global average pooling, ")
