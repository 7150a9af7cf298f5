"""A run's key numbers as (label, value, hint) rows: the report's Summary table, and the rows
Jupyter shows for a `Run` (`harness.report.notebook`).

Reads only what a `Run` holds (its summary, config, layers and meta), and imports no run-folder
code, so that a `Run` can show itself without a circle back to `harness.rundir.run`.
"""

from harness.base.frames import dead_layer, last_epoch, vanishing_ratio
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
    last = last_epoch(run.layers)
    for epoch in [0] + ([last] if last else []):
        ratio = vanishing_ratio(run.layers, epoch)
        label = f"vanishing ratio at epoch {epoch} (last)" if epoch else "vanishing ratio at init"
        hint = page.ratio_hint(ratio, "conv_1" if captions.conv_stack(run.layers) else "hidden_1")
        if epoch and epoch == last and not ratio > 0:  # a dead layer blocks every gradient below
            hint = dead_layer(run.layers) or hint
        rows.append((label, page.fmt(ratio, "ratio"), hint))
    wall = s.get("wall_time_s", run.meta.get("wall_time_s"))
    rows += [("wall time", f"{wall:.1f} s" if wall is not None else "n/a", ""),
             ("model", ("no hidden layer, " if model.get("depth") == 0 else
                        _conv_layers(model) if model.get("filters") is not None else
                        f"{model.get('depth', '?')} hidden x {model.get('width', '?')} units, "
                        f"{activation_name(model.get('activation')) or '?'}, ")
                       + f"{model.get('initializer', '?')} init, "
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


def _conv_layers(model: dict) -> str:
    """`8 conv layers x 16 filters 3 x 3, 2 x 2 max-pools after conv 3, 5, `: the model row of a
    config that gives conv filters (only a conv model's config has them)."""
    k = model.get("kernel_size", "?")
    pools = ", ".join(str(p) for p in model.get("pool") or []) or "none"
    return (f"{model.get('depth', '?')} conv layers x {model.get('filters', '?')} filters "
            f"{k} x {k}, 2 x 2 max-pools after conv {pools}, global average pooling, ")
