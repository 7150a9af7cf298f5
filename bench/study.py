"""P3: a study (a sweep of an experiment) in a fresh process, with --jobs 1, --jobs 2 and Ray.

Its wall clock from start to exit, and its memory: the peak of all its processes together (sweep
and workers, sampled by bench/measure.py) and of its largest process. See bench/run.py.
"""

import os
import sys
import tempfile
from pathlib import Path

from measure import SAMPLE_S, measure

ROOT = Path(__file__).resolve().parents[1]


def study(experiment: str, *flags, memory: bool = True) -> dict:
    """One sweep of `experiment` in a fresh subprocess, into a temporary folder; with `memory`,
    the peak memory of its processes together ("rss") and of its largest process."""
    import pandas as pd

    with tempfile.TemporaryDirectory() as out:
        m = measure([sys.executable, "-m", "harness", "sweep", experiment, "--out", out, *flags],
                    cwd=ROOT, tree=memory)
        runs = pd.read_csv(Path(out) / "runs.csv") if (Path(out) / "runs.csv").is_file() else None
    completed = 0 if runs is None else int((runs["status"] == "completed").sum())
    busy = 0.0 if runs is None else float(runs["wall_time_s"].sum())
    return {"wall": m.wall_s, "rss": m.tree_peak_mb, "largest": m.peak_mb, "code": m.code,
            "runs": completed, "busy": busy, "flags": " ".join(flags) or "--jobs 1"}


def p3_study(experiment: str, parallel: bool = True) -> list[dict]:
    """The study with --jobs 1 (wall clock, memory) and, with `parallel`, --jobs 2 and Ray."""
    one = study(experiment)
    note = f"{one['runs']} runs completed, exit {one['code']}"
    rows = [{"target": "P3 study --jobs 1 (s)", "harness": one["wall"], "bound": 40.0,
             "met": one["wall"] <= 40 and one["code"] == 0, "note": note},
            {"target": "memory: study peak RSS (MB)", "harness": one["rss"], "bound": 3072.0,
             "met": one["rss"] <= 3072, "note": f"{note}; {_processes(one)}"}]
    if not parallel:
        return rows
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    for flags, bound, name in ((("--jobs", "2"), 0.55, "P3 study --jobs 2 (s)"),
                               (("--executor", "ray"), 0.65, "P3 study Ray local (s)")):
        other = study(experiment, *flags, memory=flags[0] == "--jobs")
        ratio = other["wall"] / one["wall"]
        note = f"{other['runs']} runs completed, exit {other['code']}; plain = --jobs 1"
        if flags[0] == "--executor" and other["runs"]:
            # CPU-seconds per run spent outside `harness.training.runner.run`: Ray start-up, task
            # scheduling, shipping the files back, workers importing TensorFlow.
            overhead = (other["wall"] * cores - other["busy"]) / other["runs"]
            note += f"; overhead {overhead:.2f} CPU-s per run ({cores} CPUs)"
        rows.append({"target": name, "relative": True, "plain": one["wall"],
                     "harness": other["wall"], "ratio": ratio, "bound": bound,
                     "met": ratio <= bound and other["code"] == 0, "note": note})
        if flags[0] == "--jobs":
            mem = other["rss"] / one["rss"]
            rows.append({"target": "memory: study --jobs 2 peak RSS (MB)", "relative": True,
                         "plain": one["rss"], "harness": other["rss"], "ratio": mem,
                         "bound": 2.0, "met": mem <= 2.0,
                         "note": f"{_processes(other)}; plain = --jobs 1"})
    return rows


def _processes(study_row: dict) -> str:
    return (f"all processes together, sampled every {SAMPLE_S * 1000:.0f} ms; "
            f"largest process {study_row['largest']:.0f} MB")
