"""`python -m harness ...` and the `harness` console script.

Commands import what they need when they run: `--help`, `list` and `schema` never load TensorFlow.
Bad input prints one line, `error: <where>: <what>; <fix>`, and exits with code 2; Ctrl-C exits
with 130 after marking the current run `interrupted`.
"""

import argparse
import errno
import json
import os
import signal
import sys
from datetime import datetime

from harness.base.stops import Stopped, handle_stop_signals, raise_swallowed_stop, sticky_stops
from harness.errors import HarnessError

DISK_ERRORS = (errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM)
REGISTRIES = ("activations", "heads", "losses", "datasets", "features", "initializers",
              "optimizers", "schedules", "model_types", "cells")


def _run(args) -> int:
    from harness.cli.console import format_summary
    from harness.config.file import load_config
    from harness.training.runner import run

    cfg, sources = load_config(args.config, args.set)
    print("config: " + " -> ".join(sources), file=sys.stderr)
    result = run(args.config, overrides=args.set, out=args.out, verbose=args.verbose,
                 force=args.force, preflight=args.preflight)
    lines = format_summary(result).splitlines()
    if result.summary.get("expect"):
        from harness.config.expect import format_results

        lines[-1:-1] = format_results(result.summary["expect"]).splitlines()
    print("\n".join(lines))  # the run folder last
    if args.tensorboard:
        _events(result.dir)
    if result.status == "diverged":
        s, lr = result.summary, cfg.train.learning_rate
        print(f"note: the loss became NaN or infinite at epoch {s.get('diverged_epoch')} step "
              f"{s.get('diverged_step')}, so the run stopped there; lower train.learning_rate "
              f"(now {lr:g}), e.g. --set train.learning_rate={lr / 10:g}", file=sys.stderr)
    return 0 if result.status == "completed" else 1


def _list(args) -> int:
    from harness.cli.listing import format_registry

    for name in [args.table] if args.table else REGISTRIES:
        print(format_registry(name))
    return 0


def _schema(args) -> int:
    if args.json:
        from harness.config.config import Config

        print(json.dumps(Config.model_json_schema(), indent=2))
    else:
        from harness.cli.listing import format_schema

        print(format_schema())
    return 0


def _report(args) -> int:
    from harness.report import build_report

    print(build_report(args.run_dir))
    return 0


def _compare(args) -> int:
    from harness.report.compare.runs import compare, default_out

    out = args.out if args.out is not None else default_out()  # `--out ''` is an error
    table = compare(args.run_dirs, out=out, force=args.force)
    print(table.drop(columns=["dir"], errors="ignore").to_string(
        index=False, float_format=lambda v: f"{v:.3g}"))  # 3e-06, not 0.000003
    print(f"report: {os.path.join(out, 'report.html')}")
    return 0


def _sweep(args) -> int:
    from harness.sweeps import run_sweep

    result = run_sweep(args.experiment, out=args.out, overrides=args.set,
                       run_reports=args.run_reports, jobs=args.jobs, executor=args.executor,
                       address=args.address, max_runs=args.max_runs, force=args.force)
    from harness.sweeps.tables import headline

    shown = headline(result.summary, list(result.experiment.grid))  # ratios: geometric means
    print(result.summary[shown].to_string(index=False, float_format="{:.4g}".format))
    for _, row in result.failed.iterrows():
        error = f": {row['error']}" if row["error"] else ""
        print(f"failed: {row['dir']}: {row['status']}{error}")
    print(result.report)
    if args.tensorboard:
        _events(result.dir)
    return 1 if len(result.failed) else 0


def _check(args) -> int:
    from harness.cli.check import check

    return check(args.paths)


def _tensorboard(args) -> int:
    _events(args.dir, args.logdir, args.force)
    return 0


def _events(folder, logdir=None, force=False) -> None:
    from harness.rundir.tensorboard import write_events

    logdir, written = write_events(folder, logdir, force)
    print(f"tensorboard: {len(written)} run(s) -> {logdir}; view with `tensorboard --logdir "
          f"{logdir}`", file=sys.stderr)


def _activations(args) -> int:
    from harness.cli.explorer import explore

    table, paths = explore(args.names or None, out=args.out, force=args.force)
    print(table)
    for path in paths:
        print(path)
    return 0


def _preflight(args) -> int:
    from harness.training.preflight import format_checks, preflight

    out = args.out if args.out is not None else os.path.join(
        "results", "preflight", f"{_config_name(args)}-{datetime.now():%Y%m%d-%H%M%S}")
    result = preflight(args.config, overrides=args.set, out=out, force=args.force)
    print(format_checks(result))
    print(out)
    return 0 if result.passed else 1


def _theory(args) -> int:
    from harness.cli.predict import explain

    text, paths = explain(args.config, overrides=args.set, out=args.out, force=args.force)
    print(text)
    for path in paths:
        print(path)
    return 0


def _config_name(args) -> str:
    from harness.config.file import load_config

    return load_config(args.config, args.set)[0].name


def parser() -> argparse.ArgumentParser:
    """The command line: `run`, `list`, `schema`, `report`, `compare`, `sweep`, `check`,
    `tensorboard` and `activations`, each calling its `_<command>(args)` above.

    Returns:
        The parser; `main` runs `args.func(args)` on what it parses.

    Example:
        >>> parser().parse_args(["run", "configs/relu_deep.yaml", "--set", "model.depth=8"])
    """
    p = argparse.ArgumentParser(
        prog="harness", description="Train small Keras networks and see, layer by layer, why "
        "activation functions matter.",
        epilog="example: python -m harness run configs/relu_deep.yaml --set model.depth=8")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    r = sub.add_parser("run", help="train one config and write a run folder")
    r.add_argument("config", help="a YAML config file (see configs/)")
    r.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                   help="override a config key, the value read as YAML (repeatable): "
                        "--set model.width=[8,4]")
    r.add_argument("--out", help="the run folder (default results/<name>/<id>); an earlier run's "
                   "folder is cleared first")
    r.add_argument("--force", action="store_true",
                   help="write into --out even if it holds files that are not a run's")
    r.add_argument("--verbose", type=int, default=1, choices=(0, 1, 2),
                   help="Keras' progress output: 0 none, 1 a bar (one plain line at the end when "
                        "stdout is not a terminal), 2 a line per epoch")
    r.add_argument("--tensorboard", action="store_true",
                   help="also write TensorBoard event files (into RUN_DIR/tensorboard/)")
    r.add_argument("--preflight", action="store_true",
                   help="run `harness preflight`'s checks first (printed; preflight.json, "
                        "lr_range.csv and lr_range.png in the run folder), then train")
    r.set_defaults(func=_run)

    ls = sub.add_parser("list", help="print the tables of names a config can use")
    ls.add_argument("table", nargs="?", choices=REGISTRIES)
    ls.set_defaults(func=_list)

    s = sub.add_parser("schema", help="print every config key: type, default and meaning")
    s.add_argument("--json", action="store_true",
                   help="print the JSON Schema instead (for editor completion)")
    s.set_defaults(func=_schema)

    rep = sub.add_parser("report", help="(re)build a run folder's plots and report.html")
    rep.add_argument("run_dir")
    rep.set_defaults(func=_report)

    c = sub.add_parser("compare", help="compare run folders in one report and table")
    c.add_argument("run_dirs", nargs="+")
    c.add_argument("--out", help="folder for compare.csv and report.html "
                                 "(default results/compare/<time>)")
    c.add_argument("--force", action="store_true",
                   help="write into --out even if it holds files that are not a comparison's "
                        "(a run folder's report, your own files)")
    c.set_defaults(func=_compare)

    sw = sub.add_parser("sweep", help="run every combination of an experiment file (experiments/)")
    sw.add_argument("experiment", help="an experiment YAML file: base config, grid, seeds")
    sw.add_argument("--out", help="the sweep folder (default results/<experiment file stem>/)")
    sw.add_argument("--force", action="store_true",
                    help="write into --out even if it holds files that are not a sweep's")
    sw.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                    help="override a config key in every run (repeatable): --set train.epochs=5")
    sw.add_argument("--run-reports", action="store_true",
                    help="also build every run's own report.html (~0.7 s each, in a background "
                         "process); without it, build one with `harness report RUN_DIR`")
    sw.add_argument("--jobs", default="1", metavar="N",
                    help="runs trained at a time in worker processes, or `auto` (one per core); "
                         "default 1")
    sw.add_argument("--executor", default="local", choices=("local", "ray"),
                    help="`ray`: every run as a Ray task (pip install -e '.[ray]')")
    sw.add_argument("--address", help="with --executor ray: the cluster to join (`ray start "
                                      "--head` prints it); default: start a local one")
    sw.add_argument("--tensorboard", action="store_true",
                    help="also write TensorBoard event files (into SWEEP_DIR/tensorboard/)")
    sw.add_argument("--max-runs", type=int, metavar="N",
                    help="refuse experiments that expand to more than N runs (default 1000)")
    sw.set_defaults(func=_sweep)

    ch = sub.add_parser("check", help="run configs and experiments and check their expect: "
                                      "blocks (exit 1 when one is not met)")
    ch.add_argument("paths", nargs="+", metavar="PATH",
                    help="config or experiment files, or folders of them: configs experiments")
    ch.set_defaults(func=_check)

    tb = sub.add_parser("tensorboard", help="write TensorBoard event files from run folders "
                                            "(history, per-layer statistics, hparams)")
    tb.add_argument("dir", metavar="RUN_OR_SWEEP_DIR")
    tb.add_argument("--logdir", help="where the event files go (default DIR/tensorboard)")
    tb.add_argument("--force", action="store_true",
                    help="write into --logdir even if it holds files that are not ours")
    tb.set_defaults(func=_tensorboard)

    pf = sub.add_parser("preflight", help="check a config before training: initial loss, "
                        "gradients, overfitting 20 examples, a learning-rate range test (exit 1 "
                        "when a check fails)")
    pf.add_argument("config", help="a YAML config file (see configs/)")
    pf.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                    help="override a config key, the value read as YAML (repeatable)")
    pf.add_argument("--out", help="folder for preflight.json, lr_range.csv and lr_range.png "
                                  "(default results/preflight/<name>-<time>)")
    pf.add_argument("--force", action="store_true",
                    help="write into --out even if it holds files that are not a preflight's")
    pf.set_defaults(func=_preflight)

    th = sub.add_parser("theory", help="the mean-field prediction for a config at "
                        "initialisation, per layer, and its activation's phase diagram")
    th.add_argument("config", help="a YAML config file (see configs/)")
    th.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                    help="override a config key, the value read as YAML (repeatable)")
    th.add_argument("--out", help="folder for theory.csv and phase.png "
                                  "(default results/theory/<name>-<time>)")
    th.add_argument("--force", action="store_true",
                    help="write into --out even if it holds files that are not a theory's")
    th.set_defaults(func=_theory)

    a = sub.add_parser("activations", help="plot activations and their derivatives; print a table")
    a.add_argument("names", nargs="*", metavar="NAME",
                   help="activations to show (default: step sigmoid tanh relu leaky_relu linear "
                        "elu gelu swish)")
    a.add_argument("--out", default="results/activations",
                   help="folder for activations.png and activations.csv (default %(default)s)")
    a.add_argument("--force", action="store_true",
                   help="write into --out even if it holds files that are not this command's")
    a.set_defaults(func=_activations)
    return p


class PipeSafe:
    """Standard output or error that, once its reader has gone (`harness run ... | head`), drops
    what is written instead of raising `BrokenPipeError` into the training loop."""

    def __init__(self, stream):
        self.stream = stream

    def write(self, text):
        try:
            return self.stream.write(text)
        except (BrokenPipeError, ValueError):
            self._drop()
            return len(text)

    def flush(self):
        try:
            self.stream.flush()
        except (BrokenPipeError, ValueError):
            self._drop()

    def _drop(self):
        # Point the file descriptor at /dev/null too, so that the flush at exit stays quiet.
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, self.stream.fileno())
            os.close(devnull)
        except (OSError, ValueError):
            pass

    def __getattr__(self, name):
        return getattr(self.stream, name)


def main(argv=None) -> None:
    args = parser().parse_args(argv)
    previous = handle_stop_signals()
    # `run ... | head` (and `2>&1 | head`, where the progress lines go too) must not stop it
    stdout, sys.stdout = sys.stdout, PipeSafe(sys.stdout)
    stderr, sys.stderr = sys.stderr, PipeSafe(sys.stderr)
    try:
        with sticky_stops():
            code = _main(args)
    finally:
        sys.stdout, sys.stderr = stdout, stderr
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    sys.exit(code)


def _main(args) -> int:
    try:
        code = args.func(args)
        raise_swallowed_stop()  # asked to stop while a finalizer ran, after the last check
        return code
    except HarnessError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    except Stopped as e:
        print(f"interrupted ({signal.Signals(e.signum).name})", file=sys.stderr)
        return 128 + e.signum
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except OSError as e:
        if e.errno not in DISK_ERRORS:
            raise
        where = f"{e.filename}: " if e.filename else ""
        print(f"error: {where}{e.strerror}; free some space or give another --out (the run "
              "folder says how far the run got)", file=sys.stderr)
        return 2
    except Exception as e:
        from harness.config.memory import limits, out_of_memory

        if not out_of_memory(e):
            raise
        what = (str(e).strip().splitlines() or [type(e).__name__])[0][:160]
        room = limits()
        tightest = f"; memory is tightest {room[0][1]}" if room else ""
        print(f"error: out of memory ({type(e).__name__}: {what}{tightest}); use a smaller "
              "model.width, train.batch_size or data.n_samples (the run folder, if one was "
              "made, says failed)", file=sys.stderr)
        return 2
