"""A sweep's tables: `runs.csv` (one row per run) and `summary.csv` (seeds grouped per grid cell).

`runs.csv` columns: one per grid key (named by the key, e.g. `model.activation`; a case axis holds
its short label), `seed`, `status` (the run's own; `not run` for one a stopped sweep did not
reach), the test metrics the runs have (`test_loss`, `test_accuracy`, `test_mae`, `test_rmse`),
the final model's `train_loss` and `train_accuracy` (on the training
examples, inference mode), `vanishing_ratio_init`, `vanishing_ratio_final`, `saturation_final` and
`dead_fraction_final` (means over the hidden layers at the last epoch), recurrent runs'
`time_ratio_init` and `time_ratio_final` (||dL/dh_1|| / ||dL/dh_T|| of the last recurrent layer),
`epochs_run`,
`wall_time_s`, `error` (empty unless the run failed) and `dir` (the run folder).

`summary.csv` columns: the grid keys, `n` (runs: one per seed), `n_completed`, then
`<metric>_mean` and `<metric>_std` for every numeric column of `runs.csv` (plain means over the
seeds, NaN values skipped; the std is NaN for a single seed), and for the ratios (`RATIOS`: the
vanishing ratios, and recurrent runs' `time_ratio_init` and `time_ratio_final`) also
`<ratio>_gmean` and `<ratio>_gsd`: the geometric mean and geometric standard deviation over the
seeds (10 ** the mean and the std of log10; values of 0 or below skipped), the numbers the
sweep's page and figures show. A ratio spans decades across seeds: seeds at 1e-4 and 1e-2 have a
plain mean of 0.005 but a geometric mean of 0.001.

With an `expect:` block, both tables get an `expect` column (`met`, `not met`, or empty for a
cell no expectation names), and `summary.csv` an `expect_detail` column: each of the cell's
expectations as `test_accuracy 0.973 (>= 0.95): met`, joined by `; `.
"""

import math

import numpy as np
import pandas as pd

from harness.base.frames import hidden_mean, last_epoch
from harness.config.expect import format_results, matches, sweep_value
from harness.rundir.run import Run

TEST_METRICS = ["test_loss", "test_accuracy", "test_mae", "test_rmse"]
TRAIN_METRICS = ["train_loss", "train_accuracy"]
TIME_RATIOS = ["time_ratio_init", "time_ratio_final"]  # recurrent runs only
RUN_METRICS = ["vanishing_ratio_init", "vanishing_ratio_final", "saturation_final",
               "dead_fraction_final", "epochs_run", "wall_time_s"]
RATIOS = ["vanishing_ratio_init", "vanishing_ratio_final", *TIME_RATIOS]  # averaged in log10 too
# What `harness sweep` prints per cell (ratios as their geometric mean, as the page shows them);
# a column no cell has (the time ratio of dense runs) is left out.
HEADLINE = ["test_accuracy_mean", "train_accuracy_mean", "test_rmse_mean",
            "vanishing_ratio_init_gmean", "vanishing_ratio_final_gmean",
            "time_ratio_init_gmean", "time_ratio_final_gmean"]


def run_row(point, run: Run | None, error: str | None, run_dir) -> dict:
    """One `runs.csv` row for a point of the experiment, from its run (None: no folder made)."""
    summary = run.summary if run is not None else {}
    # No folder: the run failed before writing one (its error says why), or was never started
    # (a sweep stopped before it).
    status = run.status if run is not None else "failed" if error else "not run"
    last = last_epoch(run.layers) if run is not None else None
    return {**grid_values(point), "seed": point.seed, "status": status,
            **{m: _number(summary.get(m)) for m in TEST_METRICS + TRAIN_METRICS},
            "vanishing_ratio_init": _number(summary.get("vanishing_ratio_init")),
            "vanishing_ratio_final": _number(summary.get("vanishing_ratio_final")),
            **{m: _number(summary.get(m)) for m in TIME_RATIOS},
            "saturation_final": _hidden_mean(run, "saturation", last),
            "dead_fraction_final": _hidden_mean(run, "dead_fraction", last),
            "epochs_run": _count(summary.get("epochs_run")),
            "wall_time_s": _number(summary.get("wall_time_s")),
            "error": error or summary.get("error") or "", "dir": str(run_dir)}


def grid_values(point) -> dict:
    """The point's grid values as table cells: plain numbers and names as they are, else labels."""
    return {key: value if isinstance(value, (int, float, str)) else point.labels[key]
            for key, value in point.cell.items()}


def runs_frame(rows: list[dict]) -> pd.DataFrame:
    """The `runs.csv` frame; test metric columns no run has are left out."""
    frame = pd.DataFrame(rows)
    if "epochs_run" in frame:  # a count: 15, not 15.0 (empty for a run that has none)
        frame["epochs_run"] = frame["epochs_run"].astype("Int64")
    unused = [m for m in TEST_METRICS + TRAIN_METRICS + TIME_RATIOS
              if m in frame and frame[m].isna().all()]
    return frame.drop(columns=unused)


def summary_frame(runs: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Groups `runs` over seeds by the grid columns `keys`: n, n_completed, mean and std."""
    metrics = [c for c in [*TEST_METRICS, *TRAIN_METRICS, *RUN_METRICS, *TIME_RATIOS] if c in runs]
    numbers = runs[metrics].astype(float)
    grouped = numbers.groupby([runs[k] for k in keys], sort=False)
    stats = grouped.agg(["mean", "std"])
    stats.columns = [f"{metric}_{stat}" for metric, stat in stats.columns]
    ratios = [r for r in RATIOS if r in metrics]
    logs = np.log10(numbers[ratios].where(numbers[ratios] > 0))
    geometric = 10 ** logs.groupby([runs[k] for k in keys], sort=False).agg(["mean", "std"])
    geometric.columns = [f"{ratio}_g{'mean' if stat == 'mean' else 'sd'}"
                         for ratio, stat in geometric.columns]
    stats = stats.join(geometric)[[f"{m}_{s}" for m in metrics for s in (
        ("mean", "std", "gmean", "gsd") if m in ratios else ("mean", "std"))]]
    counts = runs.groupby(keys, sort=False)["status"].agg(
        n="size", n_completed=lambda s: int((s == "completed").sum()))
    return counts.join(stats).reset_index()


def headline(summary: pd.DataFrame, keys: list[str]) -> list[str]:
    """The `summary.csv` columns `harness sweep` prints: the grid keys, counts, `HEADLINE`."""
    return [*keys, "n", "n_completed",
            *(c for c in HEADLINE if c in summary and summary[c].notna().any())]


def _hidden_mean(run: Run | None, metric: str, epoch: int | None) -> float:
    return hidden_mean(run.layers, metric, epoch) if run is not None else math.nan


def _count(value) -> int | None:
    try:
        return None if value is None else int(value)
    except (TypeError, ValueError):
        return None


def _number(value) -> float:
    try:
        return math.nan if value is None else float(value)
    except (TypeError, ValueError):
        return math.nan


def check_cells(exp, runs: pd.DataFrame, summary: pd.DataFrame) -> list[dict]:
    """Checks the experiment's `expect:` on every cell; adds the `expect` columns to both tables.

    Args:
        exp: the `Experiment`; its cells are the summary's rows, in order.
        runs, summary: the tables, changed in place.

    Returns:
        One result per (cell, expectation): cell (the group label), key, condition, measured, met.
    """
    from harness.sweeps.experiment import cell_values

    if not exp.expect:
        return []
    firsts = [p for p in exp.points if p.seed == exp.seeds[0]]  # one point per cell, in order
    results, outcome, detail = [], {}, []
    for point, (_, row) in zip(firsts, summary.iterrows()):
        mine = [e.result(sweep_value(row, e.key), point.group) for e in exp.expect
                if matches(e.where, cell_values(point))]
        results += mine
        outcome[point.group] = "" if not mine else (
            "met" if all(r["met"] for r in mine) else "not met")
        detail.append("; ".join(line.removeprefix(f"expect: {point.group}: ")
                                for line in format_results(mine).splitlines()))
    summary["expect"] = [outcome[p.group] for p in firsts]
    summary["expect_detail"] = detail
    runs["expect"] = [outcome[p.group] for p in exp.points]
    return results
