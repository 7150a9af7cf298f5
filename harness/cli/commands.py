"""What each command does: `do_<command>(args)` takes the parsed arguments and returns the exit code
(0 done, 1 a run, check or expectation that did not pass), as `cmd.Cmd`'s `do_*` methods name them.

The arguments themselves are declared in `harness.cli.parser`. Each command imports what it needs
only when it runs, so that `--help`, `list` and `schema` never load TensorFlow.
"""

import json
import os
import sys
from datetime import datetime

# The tables `list` prints, in its order (`harness.cli.listing` says where each lives).
REGISTRIES = ("activations", "heads", "losses", "datasets", "features", "initializers",
              "optimizers", "schedules", "model_types", "cells")


def do_run(args) -> int:
    from harness.cli.console import format_summary
    from harness.config.file import load_config
    from harness.training.runner import run

    cfg, sources = load_config(args.config, args.set)
    print("config: " + " -> ".join(sources), file=sys.stderr)
    out, page = args.out, None
    if args.live:
        out = out if out is not None else _live_out(cfg)
        page = _start_page(out, "run")
    try:
        result = run(args.config, overrides=args.set, out=out, verbose=args.verbose,
                     force=args.force, preflight=args.preflight, live=args.live)
    finally:
        if page:
            page.stop()
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


def do_list(args) -> int:
    from harness.cli.listing import format_registry

    for name in [args.table] if args.table else REGISTRIES:
        print(format_registry(name))
    return 0


def do_schema(args) -> int:
    if args.json:
        from harness.config.config import Config

        print(json.dumps(Config.model_json_schema(), indent=2))
    else:
        from harness.cli.listing import format_schema

        print(format_schema())
    return 0


def do_report(args) -> int:
    from harness.report.html import build_report

    print(build_report(args.run_dir, lang=args.lang))
    return 0


def do_compare(args) -> int:
    from harness.report.compare.runs import compare, default_out

    out = args.out if args.out is not None else default_out()  # `--out ''` is an error
    table = compare(args.run_dirs, out=out, force=args.force, lang=args.lang)
    print(table.drop(columns=["dir"], errors="ignore").to_string(
        index=False, float_format=lambda v: f"{v:.3g}"))  # 3e-06, not 0.000003
    print(f"report: {os.path.join(out, 'report.html')}")
    return 0


def do_sweep(args) -> int:
    from harness.sweeps.execute import run_sweep
    from harness.sweeps.tables import headline

    page = None
    if args.live:
        page = _start_page(args.out or os.path.join("results", _stem(args.experiment)), "sweep")
    try:
        result = run_sweep(args.experiment, out=args.out, overrides=args.set,
                           run_reports=args.run_reports, jobs=args.jobs, executor=args.executor,
                           address=args.address, max_runs=args.max_runs, force=args.force,
                           live=args.live)
    finally:
        if page:
            page.stop()
    shown = headline(result.summary, list(result.experiment.grid))  # ratios: geometric means
    print(result.summary[shown].to_string(index=False, float_format="{:.4g}".format))
    for _, row in result.failed.iterrows():
        error = f": {row['error']}" if row["error"] else ""
        print(f"failed: {row['dir']}: {row['status']}{error}")
    print(result.report)
    if args.tensorboard:
        _events(result.dir)
    return 1 if len(result.failed) else 0


def do_check(args) -> int:
    from harness.cli.check import check

    return check(args.paths)


def do_lessons(args) -> int:
    from pathlib import Path

    from harness.lessons.site import build_site
    from harness.lessons.sources import LANGS

    source = Path(args.source) if args.source else (
        Path.cwd() if (Path.cwd() / "lessons").is_dir() else Path(__file__).resolve().parents[2])
    only = [n.strip() for n in args.only.split(",") if n.strip()] if args.only else None
    built = build_site(source, Path(args.out), [args.lang] if args.lang else LANGS, only,
                       Path(args.results), jobs=args.jobs, force=args.force)
    for problem in built.problems:
        print(f"error: {problem}", file=sys.stderr)
    took = ", ".join(f"{lang} {s:.1f} s" for lang, s in built.seconds.items())
    pages = sum(len(p) for p in built.pages.values())
    state = "FAILED" if built.problems else "built"
    print(f"lessons: {state}: {pages} lesson pages ({took}); {len(built.problems)} problems; "
          f"{built.out / 'index.html'}")
    return 1 if built.problems else 0


def do_tensorboard(args) -> int:
    _events(args.dir, args.logdir, args.force)
    return 0


def do_activations(args) -> int:
    from harness.cli.explorer import explore

    table, paths = explore(args.names or None, out=args.out, force=args.force)
    print(table)
    for path in paths:
        print(path)
    return 0


def do_preflight(args) -> int:
    from harness.training.preflight import format_checks, preflight

    out = args.out if args.out is not None else os.path.join(
        "results", "preflight", f"{_config_name(args)}-{datetime.now():%Y%m%d-%H%M%S}")
    result = preflight(args.config, overrides=args.set, out=out, force=args.force)
    print(format_checks(result))
    print(out)
    return 0 if result.passed else 1


def do_theory(args) -> int:
    from harness.cli.predict import explain

    text, paths = explain(args.config, overrides=args.set, out=args.out, force=args.force)
    print(text)
    for path in paths:
        print(path)
    return 0


def do_gallery(args) -> int:
    from harness.cli.gallery import build

    print(build(args.out, force=args.force, redraw=args.redraw))
    return 0


def do_watch(args) -> int:
    from harness.errors import HarnessError
    from harness.live.launch import check_installed

    check_installed()
    if not os.path.isdir(args.dir) and args.kind is None:
        raise HarnessError(f"{args.dir}: no such folder; give a run or sweep folder (results/...)")
    from harness.live.server import new_token, serve

    def ready(address):
        print(f"live page: {address}", flush=True)
        if args.kind is None:  # not beside a run: say what stopping it does
            print("(Ctrl-C stops the page, not the run)", file=sys.stderr, flush=True)

    try:
        serve(args.dir, args.host, args.port, new_token(args.host), ready, args.kind,
              with_parent=args.kind is not None)  # beside a run: ends with it
    except KeyboardInterrupt:  # the way to stop a page server
        pass
    return 0


def _start_page(folder, kind: str):
    """The live page beside a run or a sweep, its address printed."""
    from harness.live.launch import Page, check_installed

    check_installed()
    page = Page(folder, kind)
    print(f"live: {page.address}  (the page's buttons steer the run through "
          f"{os.path.join(folder, 'control.json')})", file=sys.stderr, flush=True)
    return page


def _live_out(cfg) -> str:
    """`run --live`'s folder when no --out is given, named as `run` names its own."""
    from harness.rundir.folders import RESULTS
    from harness.training.runner import run_label

    return os.path.join(RESULTS, cfg.name, f"{run_label(cfg)}-{datetime.now():%Y%m%d-%H%M%S}")


def _stem(path) -> str:
    return os.path.splitext(os.path.basename(path))[0]


def _events(folder, logdir=None, force=False) -> None:
    """TensorBoard's event files for a run or sweep folder, and where to point TensorBoard."""
    from harness.rundir.tensorboard import write_events

    logdir, written = write_events(folder, logdir, force)
    print(f"tensorboard: {len(written)} run(s) -> {logdir}; view with `tensorboard --logdir "
          f"{logdir}`", file=sys.stderr)


def _config_name(args) -> str:
    from harness.config.file import load_config

    return load_config(args.config, args.set)[0].name
