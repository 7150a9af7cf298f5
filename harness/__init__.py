"""harness: Keras experiments that show why activation functions matter.

    import harness
    run = harness.run("configs/relu_deep.yaml", overrides=["model.depth=8"])
    run.layers.query("metric == 'grad_norm'")

TensorFlow loads only when something trains: `harness.load_run` and the reports stay light.
"""

from typing import TYPE_CHECKING

from harness.errors import ConfigError, DataError, HarnessError
from harness.version import __version__ as __version__  # `harness.__version__`


def __getattr__(name):
    """`harness.Run` and `harness.load_run`, loaded (with pandas) when first asked for: a
    command that needs neither, such as the live page's server, starts without them."""
    if name in ("Run", "load_run"):
        from harness.rundir import run as module

        return getattr(module, name)
    raise AttributeError(f"module 'harness' has no attribute {name!r}")


if TYPE_CHECKING:
    from harness.rundir.run import Run


def run(config, overrides=None, out=None, verbose=1, report=True, force=False,
        preflight=False) -> "Run":
    """Trains one config and writes its run folder; see `harness.training.runner.run`."""
    from harness.training.runner import run as _run

    return _run(config, overrides=overrides, out=out, verbose=verbose, report=report, force=force,
                preflight=preflight)


def load_config(source, overrides=None):
    """Resolves a config file or mapping (and overrides) into a validated, frozen `Config`."""
    from harness.config.file import load_config as _load

    return _load(source, overrides)[0]


def sweep(experiment, out=None, overrides=None, run_reports=False, jobs=1, executor="local",
          address=None):
    """Runs every run of an experiment file; returns (runs, summary) DataFrames.

    See `harness.sweeps.sweep`: the runs land in `out` (default `results/<experiment stem>/`) with
    `runs.csv`, `summary.csv` and `report.html`; completed runs are skipped on a rerun. `jobs=N`
    trains N at a time; `executor="ray"` runs them as Ray tasks (`address`: the cluster).
    """
    from harness.sweeps.execute import sweep as _sweep

    return _sweep(experiment, out=out, overrides=overrides, run_reports=run_reports, jobs=jobs,
                  executor=executor, address=address)


def compare(dirs, out=None, force=False):
    """Compares run folders as `python -m harness compare` does: writes `compare.csv`, the
    figures and `report.html` into `out` (default `results/compare/<time>/`) and returns the
    table, one row per run; `table.attrs["report"]` is the page's path. See
    `harness.report.compare.runs` (which gives the table alone when `out` is None). `force` writes
    into a folder that is not a comparison's, as `--force` does."""
    from harness.report.compare.runs import compare as _compare
    from harness.report.compare.runs import default_out

    return _compare(dirs, out=default_out() if out is None else out, force=force)


__all__ = ["ConfigError", "DataError", "HarnessError", "Run", "compare", "load_config", "load_run",
           "run", "sweep"]
