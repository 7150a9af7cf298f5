"""Sweeps: an experiment file (base config x grid x seeds) run in one process, with one report.

    python -m harness sweep experiments/vanishing_gradients.yaml

writes `results/vanishing_gradients/<run>/` for every run (e.g. `activation=relu__depth=5__seed=1`),
then `runs.csv`, `summary.csv` and `report.html` beside them. The file format is documented in
`harness.sweeps.experiment`, the tables in `harness.sweeps.tables`.

(The package is `sweeps`, not `sweep`: `harness.sweep` is the API's function, and a submodule of
the same name would replace it as soon as it was imported.)

Example:
    >>> from harness.sweeps.execute import sweep
    >>> runs, summary = sweep("experiments/vanishing_gradients.yaml")
"""
