"""What the live page shows, read from a run or sweep folder as it is written: nothing else.

The page server (`harness.live.server`) keeps one `RunFeed` or `SweepFeed` per open page and asks
it, a few times a second, for what changed since it last asked. A run's CSV files only grow
(`harness.training.recorder` appends whole lines), so a feed reads each from where it stopped:
a long run costs no more per epoch than a short one. Only the standard library and PyYAML are
used here: the server starts in a fraction of a second and never loads pandas or TensorFlow.
"""

import csv
import io
import json
import math
import os
from pathlib import Path

import yaml

GRADIENT_METRICS = ("grad_rms", "grad_norm")  # the report's choice: the size-fair RMS first
TIME_METRIC = "h_grad_norm"  # ||dL/dh_t||, per step, of a recurrent layer
CONFIG_KEYS = (("model", "type"), ("model", "activation"), ("model", "depth"),
               ("model", "cell"), ("data", "name"), ("train", "epochs"),
               ("train", "learning_rate"), ("train", "optimizer"))


class Tail:
    """The new complete lines of a CSV file that only grows, as rows (lists of strings)."""

    def __init__(self, path: Path):
        self.path, self.offset, self.header = path, 0, None

    def read(self) -> list[list[str]]:
        try:
            size = self.path.stat().st_size
            if size < self.offset:  # replaced by a new run: start over
                self.offset, self.header = 0, None
            if size == self.offset:
                return []
            with open(self.path, "rb") as f:
                f.seek(self.offset)
                data = f.read(size - self.offset)
        except OSError:
            return []
        end = data.rfind(b"\n") + 1  # a line still being written waits for its end
        self.offset += end
        rows = list(csv.reader(io.StringIO(data[:end].decode("utf-8", "replace"))))
        if self.header is None and rows:
            self.header, rows = rows[0], rows[1:]
        return rows


def read_json(path: Path):
    """The JSON in `path`, or None when it is missing or not (yet) whole."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def number(text: str):
    """A CSV cell as a float for the page (JSON has no NaN: None)."""
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def config_of(run_dir: Path) -> dict:
    """The keys of `config.yaml` a page titles a run with (`section.key` -> value)."""
    try:
        config = yaml.safe_load((run_dir / "config.yaml").read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError):
        return {}
    out = {}
    for section, key in CONFIG_KEYS:
        value = (config.get(section) or {}).get(key) if isinstance(config, dict) else None
        if value is not None:
            out[f"{section}.{key}"] = value
    return out


class RunFeed:
    """A run folder's news for the page: new epochs of `history.csv`, the per-layer gradient
    size of `layers.csv`, ||dL/dh_t|| of `timesteps.csv`, `live.json`, the control wish, the
    steering record and, once written, `summary.json`'s status."""

    def __init__(self, run_dir: Path):
        self.dir = Path(run_dir)
        self.tails = {name: Tail(self.dir / name)
                      for name in ("history.csv", "layers.csv", "timesteps.csv")}
        self.seen: dict[str, object] = {}  # file -> its last stat signature sent
        self.metric: str | None = None  # the gradient size drawn, one of GRADIENT_METRICS

    def changed(self, name: str) -> bool:
        try:
            st = (self.dir / name).stat()
            signature = (st.st_mtime_ns, st.st_size, st.st_ino)
        except OSError:
            signature = None
        if self.seen.get(name, 0) == signature:
            return False
        self.seen[name] = signature
        return True

    def update(self) -> dict:
        """What is new since the last call ({} for nothing); the first call sends everything."""
        news: dict = {}
        if self.changed("config.yaml"):
            news["config"] = config_of(self.dir)
        history = self.tails["history.csv"].read()
        if history:
            news["history"] = {"columns": self.tails["history.csv"].header,
                               "rows": [[number(v) for v in row] for row in history]}
        grads = self._layers()
        if grads:
            news["grads"] = grads
        steps = self._timesteps()
        if steps:
            news["timesteps"] = steps
        if self.changed("points.csv"):
            news["points"] = self._points()
        for name, key in (("live.json", "boundary"), ("control.json", "control"),
                          ("meta.json", "meta"), ("summary.json", "summary")):
            if self.changed(name):
                value = read_json(self.dir / name)
                if key == "meta":
                    value = {"steering": (value or {}).get("steering", [])}
                news[key] = value
        return news

    def _points(self, cap: int = 400) -> list:
        """[x1, x2, y] of the first `cap` training points of `points.csv` (two-input data)."""
        tail = Tail(self.dir / "points.csv")
        rows = tail.read()
        if tail.header is None or not {"split", "x1", "x2", "y"} <= set(tail.header):
            return []
        split, x1, x2, y = (tail.header.index(c) for c in ("split", "x1", "x2", "y"))
        return [[number(r[x1]), number(r[x2]), number(r[y])] for r in rows
                if len(r) == len(tail.header) and r[split] == "train"][:cap]

    def _layers(self) -> list:
        """[epoch, layer, metric, value] rows of the gradient size (`GRADIENT_METRICS`)."""
        tail = self.tails["layers.csv"]
        rows = tail.read()
        if not rows or tail.header is None:
            return []
        e, layer, metric, value = (tail.header.index(c)
                                   for c in ("epoch", "layer", "metric", "value"))
        if self.metric is None:  # epoch 0's rows say which the run records
            found = {r[metric] for r in rows if len(r) == len(tail.header)}
            self.metric = next((m for m in GRADIENT_METRICS if m in found), GRADIENT_METRICS[-1])
        return [[int(r[e]), r[layer], r[metric], number(r[value])] for r in rows
                if len(r) == len(tail.header) and r[metric] == self.metric]

    def _timesteps(self) -> list:
        """[epoch, layer, step, value] rows of ||dL/dh_t||."""
        tail = self.tails["timesteps.csv"]
        rows = tail.read()
        if not rows or tail.header is None:
            return []
        cols = [tail.header.index(c) for c in ("epoch", "layer", "step", "metric", "value")]
        out = []
        for r in rows:
            if len(r) == len(tail.header) and r[cols[3]] == TIME_METRIC:
                out.append([int(r[cols[0]]), r[cols[1]], int(r[cols[2]]), number(r[cols[4]])])
        return out


def is_run_dir(path: Path) -> bool:
    return (path / "meta.json").is_file() or (path / "history.csv").is_file()


def run_dirs(sweep_dir: Path) -> list[Path]:
    """The run folders under a sweep folder (at any depth, in name order)."""
    found = []
    for root, dirs, _ in os.walk(sweep_dir):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != "tensorboard")
        if root != str(sweep_dir) and is_run_dir(Path(root)):
            found.append(Path(root))
            dirs[:] = []
    return found


def epochs_done(run_dir: Path) -> int:
    """Complete lines of `history.csv` below its header."""
    try:
        with open(run_dir / "history.csv", "rb") as f:
            return max(0, f.read().count(b"\n") - 1)
    except OSError:
        return 0


class SweepFeed:
    """A sweep folder's news: every run's progress and status, and each finished run's
    vanishing ratios, so the page draws them by depth as runs finish."""

    def __init__(self, sweep_dir: Path):
        self.dir = Path(sweep_dir)
        self.last: list | None = None

    def update(self) -> dict:
        runs = []
        for run_dir in run_dirs(self.dir):
            summary = read_json(run_dir / "summary.json") or {}
            runs.append({
                "path": run_dir.relative_to(self.dir).as_posix(), "config": config_of(run_dir),
                "epochs_done": epochs_done(run_dir), "status": summary.get("status"),
                **{k: summary.get(k) for k in ("vanishing_ratio_init", "vanishing_ratio_final",
                                               "test_accuracy", "time_ratio_init")}})
        if runs == self.last:
            return {}
        self.last = runs
        return {"runs": runs}
