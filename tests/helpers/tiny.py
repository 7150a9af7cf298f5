"""The one tiny config the tests train: circles, 200 samples, depth 2, width 4, 2 epochs.

As a mapping (`TINY`, `tiny(...)` to change a few keys), as `--set` overrides of
`configs/base.yaml` (`SETS`, `set_args`), and as an experiment file over it (`experiment`).
A run of it takes ~1 s once TensorFlow is loaded; tests that need other sizes say why.
"""

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
BASE = ROOT / "configs" / "base.yaml"
TINY = {"name": "tiny", "data": {"name": "circles", "n_samples": 200},
        "model": {"depth": 2, "width": 4}, "train": {"epochs": 2}}
# The same run as overrides of configs/base.yaml (which sets the rest to the defaults).
SETS = {"train.epochs": 2, "data.n_samples": 200, "model.depth": 2, "model.width": 4}


def tiny(**sections) -> dict:
    """`TINY` with keys of its sections changed or added: `tiny(train={"epochs": 1}, seed=3)`."""
    config = {key: dict(value) if isinstance(value, dict) else value
              for key, value in TINY.items()}
    for key, value in sections.items():
        if isinstance(value, dict) and isinstance(config.get(key), dict):
            config[key] = {**config[key], **value}
        else:
            config[key] = value
    return config


def set_args(sets: dict | None = None) -> list[str]:
    """`SETS` (updated with `sets`) as `--set key=value` arguments."""
    return [arg for key, value in {**SETS, **(sets or {})}.items()
            for arg in ("--set", f"{key}={value}")]


def experiment(folder: Path, grid: dict | None = None, seeds=None, name: str = "study",
               sets: dict | None = None) -> Path:
    """Writes `folder/<name>.yaml`: an experiment over configs/base.yaml with the tiny settings.

    Args:
        folder: where the file goes (created if missing).
        grid: the grid; by default activation relu and tanh.
        seeds: the seeds of every grid cell; by default none given (seed 0, not in the names).
        name: the file's stem (the default `--out` is `results/<name>`).
        sets: more `set:` keys, or other values for the tiny ones (`{"train.epochs": 3}`); the
            grid's keys are left out.

    Returns:
        The experiment file's path.
    """
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.yaml"
    text = {"base": BASE.as_posix(), "grid": grid or {"model.activation": ["relu", "tanh"]}}
    if seeds is not None:
        text["seeds"] = list(seeds)
    text["set"] = {key: value for key, value in {**SETS, **(sets or {})}.items()
                   if key not in text["grid"]}  # a key the grid varies is the grid's
    path.write_text(yaml.safe_dump(text, sort_keys=False))
    return path
