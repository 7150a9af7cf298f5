"""The report's figures, one by one: what each figure costs to draw, so that the next one's cost
shows when it lands (issue 25). See bench/run.py.

Trains P2's toy run, a small conv run and a small recurrent run once each (no report), then
draws each run's figure table (`harness.report.run.figures.RUN_FIGURES`) one figure after another
in this process (`draw_entries(..., jobs=1)`: each figure's wall and CPU time), and then as a run
does, concurrently (one process per core): the page's wall time.
"""

import statistics
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RUNS = {  # column -> (config, overrides): P2's toy run and a few epochs of P5's and P6's configs
    "toy (P2)": ({"data": {"name": "circles", "n_samples": 1000},
                  "model": {"depth": 3, "width": 8, "activation": "relu"},
                  "train": {"batch_size": 32, "epochs": 100}}, []),
    "conv": ("configs/conv_sigmoid.yaml", ["data.n_samples=600", "train.epochs=2"]),
    "recurrent": ("configs/rnn_adding.yaml", ["data.n_samples=1000", "train.epochs=3"]),
}


def figure_times(reps: int) -> str:
    """A markdown table: per figure and run, the median milliseconds (wall, and CPU) of `reps`
    draws of it, then the page's total drawn one by one and drawn concurrently."""
    from harness.report.entry import draw_entries
    from harness.report.run.figures import RUN_FIGURES, RunFiles
    from harness.rundir.run import load_run
    from harness.training.runner import run

    columns, totals = {}, {}
    with tempfile.TemporaryDirectory() as out:
        for name, (config, overrides) in RUNS.items():
            source = config if isinstance(config, dict) else str(ROOT / config)
            folder = run(source, overrides, out=Path(out) / name.split()[0], verbose=0,
                         report=False).dir
            times, pages = [], []
            for _ in range(reps):
                drawn = draw_entries(RUN_FIGURES, RunFiles(load_run(folder)), folder, jobs=1)
                times.append(drawn)
                start = time.perf_counter()
                draw_entries(RUN_FIGURES, RunFiles(load_run(folder)), folder)
                pages.append(time.perf_counter() - start)
            columns[name] = {f: (statistics.median(d.seconds[f] for d in times),
                                 statistics.median(d.cpu_seconds[f] for d in times))
                             for f in times[0].seconds}
            totals[name] = (statistics.median(sum(d.seconds.values()) for d in times),
                            statistics.median(sum(d.cpu_seconds.values()) for d in times),
                            statistics.median(pages))
    names = [e.name for e in RUN_FIGURES if any(e.name in c for c in columns.values())]
    lines = ["| figure | " + " | ".join(f"{c}: wall (CPU) ms" for c in columns) + " |",
             "|---|" + "---|" * len(columns)]
    for figure in names:
        cells = [f"{columns[c][figure][0] * 1e3:.0f} ({columns[c][figure][1] * 1e3:.0f})"
                 if figure in columns[c] else "" for c in columns]
        lines.append(f"| {figure} | " + " | ".join(cells) + " |")
    lines.append("| **all, one after another** | " + " | ".join(
        f"{t[0] * 1e3:.0f} ({t[1] * 1e3:.0f})" for t in totals.values()) + " |")
    lines.append("| **all, concurrently (as a run draws them)** | " + " | ".join(
        f"{t[2] * 1e3:.0f}" for t in totals.values()) + " |")
    runs = "; ".join(f"{c}: {cfg if isinstance(cfg, str) else 'P2 config'} {' '.join(o)}"
                     for c, (cfg, o) in RUNS.items())
    return (f"Per-figure drawing time, median of {reps} (`draw_entries(..., jobs=1)`; runs: "
            f"{runs}):\n\n" + "\n".join(lines))
