"""Made-up run folders that follow `results/README.md`, for report and comparison tests.

The numbers are plausible, not trained: a sigmoid net's kernel gradient shrinks exactly 4x per layer
toward `hidden_1` (so its vanishing ratio is `4 ** -(depth - 1)` at every epoch), a ReLU net's is
roughly flat, and a step net's hidden gradients are exactly zero.

Example:
    >>> run_dir = make_run(tmp_path / "sig", activation="sigmoid", depth=8)
    >>> build_report(run_dir)
"""

import math
import os
from pathlib import Path

import fake_stats
import numpy as np
import pandas as pd

from harness.base.files import write_csv, write_json, write_yaml
from harness.base.owned import mark_ours

# Per-layer shrink factor of the kernel gradient, going from the last hidden layer toward hidden_1.
SHRINK = {"sigmoid": 4.0, "tanh": 1.6, "step": math.inf}
BOUNDED = {"sigmoid", "tanh"}
TASKS = {
    "binary": dict(data="circle", classes=2, head="sigmoid", loss="binary_crossentropy", dims=2),
    "multiclass": dict(data="blobs", classes=3, head="softmax",
                       loss="sparse_categorical_crossentropy", dims=2),
    "regression": dict(data="sine", classes=None, head="linear", loss="mse", dims=1),
}
CENTRES = np.array([[-3.0, -2.0], [3.0, -2.0], [0.0, 3.0]])  # multiclass blobs


def make_run(dir: str | os.PathLike, activation: str = "relu", depth: int = 5, epochs: int = 4,
             task: str = "binary", seed: int = 0, status: str = "completed", *,
             dims: int | None = None, width: int = 16, use_bias: bool = True,
             recorded: str = "new", head: str | None = None, optimizer: str = "adam",
             learned: bool | None = None, image: bool = False) -> Path:
    """Writes a plausible run folder into `dir` (created if missing) and returns its path.

    Args:
        dir: the run folder to write.
        activation: hidden activation; `sigmoid`, `tanh` and `step` get vanishing (or zero)
            gradients, anything else roughly flat ones.
        depth: number of hidden layers.
        epochs: configured epochs; `0` gives a run with only the epoch-0 probe and empty history.
        task: `"binary"`, `"multiclass"` or `"regression"`.
        seed: the run's seed (also seeds the made-up numbers).
        status: `completed`, `diverged` (NaN at the last epoch run), `interrupted` (half the
            epochs) or `failed` (one epoch, no surface, an `error`).
        dims: input dimensions of the toy data; 2 for classification, 1 for regression by default.
        width: units per hidden layer.
        use_bias: whether `bias_grad_norm` rows are written.
        recorded: `"new"` writes every file and metric of CONTRACT.md (histograms.csv,
            neurons.csv, surface.csv with an epoch column, grad_rms, update_ratio, ...); `"old"`
            writes a folder as runs recorded before them.
        head: the output head; by default the task's (`softmax` on binary data gives `pred_0`,
            `pred_1` columns in surface.csv).
        optimizer: `train.optimizer` in the config.
        learned: written to summary.json with chance_accuracy / chance_loss when not None.
        image: also write `first_layer_weights.csv` of a 28 x 28 input (data name `mnist`).

    Returns:
        The run folder.
    """
    spec = TASKS[task]
    dims = dims or spec["dims"]
    rng = np.random.default_rng(seed)
    run_dir = mark_ours(Path(dir), "run")  # as a real run: its files are the harness's

    epochs_run = {"completed": epochs, "diverged": max(1, epochs - 1),
                  "interrupted": epochs // 2, "failed": min(epochs, 1)}[status]
    config = {
        "name": f"{activation}_d{depth}",
        "seed": seed,
        "data": {"name": spec["data"] if dims == spec["dims"] else f"{spec['data']}_{dims}d",
                 "n_samples": 200, "noise": 0.1, "test_fraction": 0.25, "val_fraction": 0.2,
                 "classes": spec["classes"], "path": None},
        "model": {"depth": depth, "width": width, "activation": activation,
                  "initializer": "glorot_uniform", "use_bias": use_bias,
                  "head": head or spec["head"]},
        "train": {"loss": spec["loss"], "optimizer": optimizer, "learning_rate": 0.01,
                  "batch_size": 32, "epochs": epochs},
    }
    write_json(run_dir / "meta.json", {
        "harness": "0.1.0", "python": "3.11.7", "tensorflow": "2.21.0", "keras": "3.15.0",
        "numpy": "2.4.6", "platform": "Linux-x86_64",
        "command": ["python", "-m", "harness", "run", f"configs/{config['name']}.yaml"],
        "seed": seed, "started": "2025-01-01T12:00:00", "finished": "2025-01-01T12:00:09",
        "wall_time_s": 9.2, "config_file": f"configs/{config['name']}.yaml"})

    if image:
        config["data"]["name"] = "mnist"
    write_yaml(run_dir / "config.yaml", config)
    new = recorded == "new"
    layers = _layers(activation, depth, epochs_run, use_bias, task, rng, width, dims, new)
    history = _history(task, epochs_run, activation, rng)
    if status == "diverged":
        layers.loc[layers["epoch"] == epochs_run, "value"] = np.nan
        history.loc[history["epoch"] == epochs_run, history.columns[1:]] = np.nan
    write_csv(run_dir / "layers.csv", layers)
    write_csv(run_dir / "history.csv", history)

    quality = 0.15 if activation in SHRINK and depth > 3 else 1.0
    if status != "failed":
        points, surface = _toy(task, dims, quality, rng, head or spec["head"],
                               _schedule(epochs_run) if new else None)
        if status == "diverged":
            surface.loc[:, [c for c in surface.columns if c.startswith("pred")]] = np.nan
        write_csv(run_dir / "points.csv", points)
        write_csv(run_dir / "surface.csv", surface)
        if new and dims == 2:
            write_csv(run_dir / "neurons.csv", fake_stats.neurons(depth, width, epochs_run, rng))
    if new:
        write_csv(run_dir / "histograms.csv",
                  fake_stats.histograms(activation, depth, _schedule(epochs_run), rng))
    if image:
        write_csv(run_dir / "first_layer_weights.csv", fake_stats.first_layer_weights(epochs_run,
                                                                                     rng))

    last = history.iloc[-1] if len(history) else None
    summary = {"status": status, "epochs_run": epochs_run, "wall_time_s": 9.2}
    if task == "regression":
        summary.update(test_loss=_final(last, "val_loss", 0.9),
                       test_mae=_final(last, "val_mae", 0.8),
                       test_rmse=_final(last, "val_rmse", 0.95))
    else:
        summary.update(test_loss=_final(last, "val_loss", 0.7),
                       test_accuracy=_final(last, "val_accuracy", 1 / spec["classes"]))
    summary["task"] = task
    summary["vanishing_ratio_init"] = _ratio(layers, 0)
    summary["vanishing_ratio_final"] = _ratio(layers, epochs_run)
    if learned is not None and task != "regression":
        summary.update(chance_accuracy=1 / spec["classes"], chance_loss=math.log(spec["classes"]),
                       learned=learned)
    if status == "diverged":
        summary.update(diverged_epoch=epochs_run, diverged_step=17)
    if status == "failed":
        summary.update({key: None for key in summary if key.startswith("test_")})
        summary["error"] = "ValueError: made-up failure in a fake run"
    write_json(run_dir / "summary.json", summary)
    return run_dir


def _schedule(epochs) -> list[int]:
    """The logged epochs of histograms and surface: first, middle and last."""
    return sorted({0, epochs // 2, epochs})


def _layers(activation, depth, epochs, use_bias, task, rng, width, dims, new) -> pd.DataFrame:
    shrink = SHRINK.get(activation, 1.0)
    rows = []
    for epoch in range(epochs + 1):
        scale = 0.3 * (1.0 - 0.5 * epoch / (epochs + 1))  # gradients shrink as the loss falls
        for k in range(1, depth + 2):
            layer = "output" if k == depth + 1 else f"hidden_{k}"
            if layer == "output":
                grad = 0.5 * scale / 0.3
            elif math.isinf(shrink):
                grad = 0.0
            elif activation in SHRINK:
                grad = scale * shrink ** -(depth - k)  # exact: keeps the ratio known
            else:
                grad = scale * (1 + 0.15 * rng.standard_normal())
            stats = _activation_stats(activation, k, depth, epoch, epochs, layer, task, rng)
            metrics = {"grad_norm": grad, "preact_grad_norm": 0.8 * grad, **stats}
            if use_bias:
                metrics["bias_grad_norm"] = 0.3 * grad
            if new:
                fan_in = dims if k == 1 else width
                metrics.update(fake_stats.layer_metrics(activation, grad, fan_in, width, epoch,
                                                        metrics["dead_fraction"]))
            rows += [(epoch, layer, name, value) for name, value in metrics.items()]
    return pd.DataFrame(rows, columns=["epoch", "layer", "metric", "value"])


def _activation_stats(activation, k, depth, epoch, epochs, layer, task, rng) -> dict:
    progress = epoch / max(epochs, 1)
    if layer == "output":
        saturation = 0.0 if task == "regression" else 0.1 * progress
        return {"act_mean": 0.5, "act_std": 0.2, "saturation": saturation, "dead_fraction": 0.0}
    if activation in BOUNDED:
        std = 0.25 * 0.7 ** (k - 1)
        return {"act_mean": 0.5 if activation == "sigmoid" else 0.0, "act_std": std,
                "saturation": min(1.0, 0.05 + 0.25 * k / depth + 0.2 * progress),
                "dead_fraction": 0.0}
    dead = 0.02 * k + 0.1 * progress if activation == "relu" else 0.0
    return {"act_mean": 0.4, "act_std": 0.6 + 0.05 * rng.standard_normal(), "saturation": 0.0,
            "dead_fraction": min(1.0, dead)}


def _history(task, epochs, activation, rng) -> pd.DataFrame:
    speed = 0.15 if activation in SHRINK else 0.8
    e = np.arange(1, epochs + 1, dtype=float)
    falling = np.exp(-speed * e)
    jitter = lambda: 1 + 0.02 * rng.standard_normal(len(e))  # noqa: E731
    if task == "regression":
        loss = 0.05 + 0.9 * falling * jitter()
        frame = {"epoch": e.astype(int), "loss": loss, "val_loss": 1.1 * loss,
                 "mae": 0.8 * np.sqrt(loss), "val_mae": 0.85 * np.sqrt(loss),
                 "rmse": np.sqrt(loss), "val_rmse": np.sqrt(1.1 * loss)}
    else:
        loss = 0.1 + 0.6 * falling * jitter()
        accuracy = np.clip(1.0 - 0.5 * falling * jitter(), 0, 1)
        frame = {"epoch": e.astype(int), "loss": loss, "val_loss": 1.08 * loss,
                 "accuracy": accuracy, "val_accuracy": accuracy - 0.02}
    return pd.DataFrame(frame)


def _toy(task, dims, quality, rng, head, epochs) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Returns (points, surface) for the task; `quality` in (0, 1] says how well the fit went.

    With `epochs` (a list), surface.csv has an `epoch` column and one grid per epoch, the fit
    improving from nothing at epoch 0 to `quality` at the last.
    """
    n = 200
    if task == "multiclass":
        y = rng.integers(0, 3, n)
        x = CENTRES[y] + rng.normal(0, 1.2, (n, 2))
    else:
        x = rng.uniform(-5, 5, (n, dims))
        y = _truth(task, x) + (0.1 * rng.standard_normal(n) if task == "regression" else 0)
    points = pd.DataFrame(x, columns=[f"x{i + 1}" for i in range(dims)])
    points.insert(0, "split", np.where(np.arange(n) < 0.75 * n, "train", "test"))
    points["y"] = y

    if epochs is None:
        return points, _surface(task, dims, quality, head)
    last = max(max(epochs), 1)
    grids = [_surface(task, dims, quality * max(e / last, 0.02), head) for e in epochs]
    surface = pd.concat([g.assign(epoch=e) for e, g in zip(epochs, grids)], ignore_index=True)
    return points, surface[["epoch", *grids[0].columns]]


def _surface(task, dims, quality, head) -> pd.DataFrame:
    axes = np.linspace(-6, 6, 120 if dims == 1 else 40)
    grid = np.stack([g.ravel() for g in np.meshgrid(*([axes] * dims))], axis=1)  # (cells, dims)
    surface = pd.DataFrame(grid, columns=[f"x{i + 1}" for i in range(dims)])
    if task == "multiclass":
        logits = -quality * ((grid[:, None, :] - CENTRES[None]) ** 2).sum(-1) / 4  # (cells, 3)
        probs = np.exp(logits - logits.max(1, keepdims=True))
        probs /= probs.sum(1, keepdims=True)
        for c in range(3):
            surface[f"pred_{c}"] = probs[:, c]
    elif task == "binary":
        p1 = 1 / (1 + np.exp(-2 * quality * (3.0 - np.hypot(grid[:, 0], grid[:, 1]))))
        if head == "softmax":
            surface["pred_0"], surface["pred_1"] = 1 - p1, p1
        else:
            surface["pred"] = p1
    else:
        surface["pred"] = quality * _truth(task, grid)
    return surface


def _truth(task, x):
    if task == "binary":
        return (np.hypot(x[:, 0], x[:, 1]) < 3.0).astype(int)  # class 1 inside the circle
    return np.sin(x[:, 0]) * (np.cos(x[:, 1] / 2) if x.shape[1] > 1 else 1.0)


def _final(last, column, fallback):
    if last is None:
        return fallback  # 0 epochs: the test metrics of the net at initialisation
    value = float(last[column])
    return None if math.isnan(value) else value


def _ratio(layers, epoch):
    grads = layers[(layers["metric"] == "grad_norm") & (layers["epoch"] == epoch)]
    grads = grads.set_index("layer")["value"]
    hidden = [name for name in grads.index if name.startswith("hidden_")]
    if len(hidden) < 2 or not grads[hidden[0]] or not grads[hidden[-1]]:
        return None
    ratio = grads[hidden[0]] / grads[hidden[-1]]
    return None if math.isnan(ratio) else float(ratio)
