"""Sweeps: an experiment file (base config x grid x seeds) run in one process, with one report.

    python -m harness sweep experiments/vanishing_gradients.yaml

writes `results/vanishing_gradients/<run>/` for every run (e.g. `activation=relu__depth=5__seed=1`),
then `runs.csv`, `summary.csv` and `report.html` beside them. The file format is documented in
`harness.sweeps.experiment`, the tables in `harness.sweeps.tables`.

(The package is `sweeps`, not `sweep`: `harness.sweep` is the function below, and a submodule of
the same name would replace it as soon as it was imported.)

Example:
    >>> from harness.sweeps import sweep
    >>> runs, summary = sweep("experiments/vanishing_gradients.yaml")
"""

from harness.sweeps.execute import SweepResult, run_sweep, sweep
from harness.sweeps.experiment import Experiment, Point, load_experiment

__all__ = ["Experiment", "Point", "SweepResult", "load_experiment", "run_sweep", "sweep"]
