"""The command line's arguments: one small function per command declares its own, and `parser`
puts them together in the order `--help` lists them.

Each command's parser sets `func`, the `harness.cli.commands.do_<command>` that `main` calls with
what it parsed.
"""

import argparse

from harness.cli import commands

SET_HELP = "override a config key, the value read as YAML (repeatable)"


def parser() -> argparse.ArgumentParser:
    """The command line: `run`, `list`, `schema`, `report`, `compare`, `sweep`, `check`,
    `tensorboard`, `preflight`, `theory`, `activations`, `gallery`, `watch` and `lessons`.

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
    for add in (_run, _list, _schema, _report, _compare, _sweep, _check, _tensorboard,
                _preflight, _theory, _activations, _gallery, _watch, _lessons):
        add(sub)
    return p


def _run(sub) -> None:
    r = sub.add_parser("run", help="train one config and write a run folder")
    _config(r)
    _set(r, SET_HELP + ": --set model.width=[8,4]")
    r.add_argument("--out", help="the run folder (default results/<name>/<id>); an earlier run's "
                   "folder is cleared first")
    _force(r, "a run's")
    _lang(r)
    r.add_argument("--verbose", type=int, default=1, choices=(0, 1, 2),
                   help="Keras' progress output: 0 none, 1 a bar (one plain line at the end when "
                        "stdout is not a terminal), 2 a line per epoch")
    r.add_argument("--tensorboard", action="store_true",
                   help="also write TensorBoard event files (into RUN_DIR/tensorboard/)")
    r.add_argument("--preflight", action="store_true",
                   help="run `harness preflight`'s checks first (printed; preflight.json, "
                        "lr_range.csv and lr_range.png in the run folder), then train")
    r.add_argument("--live", action="store_true",
                   help="serve a live page of the run (pause, step, stop, learning rate) and "
                        "print its address; needs the `live` extra")
    r.set_defaults(func=commands.do_run)


def _list(sub) -> None:
    ls = sub.add_parser("list", help="print the tables of names a config can use")
    ls.add_argument("table", nargs="?", choices=commands.REGISTRIES)
    ls.set_defaults(func=commands.do_list)


def _schema(sub) -> None:
    s = sub.add_parser("schema", help="print every config key: type, default and meaning")
    s.add_argument("--json", action="store_true",
                   help="print the JSON Schema instead (for editor completion)")
    s.set_defaults(func=commands.do_schema)


def _report(sub) -> None:
    rep = sub.add_parser("report", help="(re)build a run folder's plots and report.html")
    rep.add_argument("run_dir")
    _lang(rep)
    rep.set_defaults(func=commands.do_report)


def _compare(sub) -> None:
    c = sub.add_parser("compare", help="compare run folders in one report and table")
    c.add_argument("run_dirs", nargs="+")
    c.add_argument("--out", help="folder for compare.csv and report.html "
                                 "(default results/compare/<time>)")
    _force(c, "a comparison's (a run folder's report, your own files)")
    _lang(c)
    c.set_defaults(func=commands.do_compare)


def _sweep(sub) -> None:
    sw = sub.add_parser("sweep", help="run every combination of an experiment file (experiments/)")
    sw.add_argument("experiment", help="an experiment YAML file: base config, grid, seeds")
    sw.add_argument("--out", help="the sweep folder (default results/<experiment file stem>/)")
    _force(sw, "a sweep's")
    _lang(sw)
    _set(sw, "override a config key in every run (repeatable): --set train.epochs=5")
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
    sw.add_argument("--live", action="store_true",
                    help="serve a live page of the sweep (every run's progress, the vanishing "
                         "ratio by depth) and print its address; needs the `live` extra")
    sw.set_defaults(func=commands.do_sweep)


def _check(sub) -> None:
    ch = sub.add_parser("check", help="run configs and experiments and check their expect: "
                                      "blocks (exit 1 when one is not met)")
    ch.add_argument("paths", nargs="+", metavar="PATH",
                    help="config or experiment files, or folders of them: configs experiments")
    ch.set_defaults(func=commands.do_check)


def _tensorboard(sub) -> None:
    tb = sub.add_parser("tensorboard", help="write TensorBoard event files from run folders "
                                            "(history, per-layer statistics, hparams)")
    tb.add_argument("dir", metavar="RUN_OR_SWEEP_DIR")
    tb.add_argument("--logdir", help="where the event files go (default DIR/tensorboard)")
    tb.add_argument("--force", action="store_true",
                    help="write into --logdir even if it holds files that are not ours")
    tb.set_defaults(func=commands.do_tensorboard)


def _preflight(sub) -> None:
    pf = sub.add_parser("preflight", help="check a config before training: initial loss, "
                        "gradients, overfitting 20 examples, a learning-rate range test (exit 1 "
                        "when a check fails)")
    _config(pf)
    _set(pf, SET_HELP)
    pf.add_argument("--out", help="folder for preflight.json, lr_range.csv and lr_range.png "
                                  "(default results/preflight/<name>-<time>)")
    _force(pf, "a preflight's")
    pf.set_defaults(func=commands.do_preflight)


def _theory(sub) -> None:
    th = sub.add_parser("theory", help="the mean-field prediction for a config at "
                        "initialisation, per layer, and its activation's phase diagram")
    _config(th)
    _set(th, SET_HELP)
    th.add_argument("--out", help="folder for theory.csv and phase.png "
                                  "(default results/theory/<name>-<time>)")
    _force(th, "a theory's")
    th.set_defaults(func=commands.do_theory)


def _activations(sub) -> None:
    a = sub.add_parser("activations", help="plot activations and their derivatives; print a table")
    a.add_argument("names", nargs="*", metavar="NAME",
                   help="activations to show (default: step sigmoid tanh relu leaky_relu linear "
                        "elu gelu swish)")
    a.add_argument("--out", default="results/activations",
                   help="folder for activations.png and activations.csv (default %(default)s)")
    _force(a, "this command's")
    a.set_defaults(func=commands.do_activations)


def _gallery(sub) -> None:
    g = sub.add_parser("gallery", help="every figure kind on one page: tiny dense, conv and "
                       "recurrent runs, two sweeps, a comparison, preflight and theory")
    g.add_argument("--out", default="results/gallery",
                   help="folder for the runs and gallery.html (default %(default)s)")
    g.add_argument("--redraw", action="store_true",
                   help="keep the runs already in --out and redraw their pages")
    _force(g, "a gallery's")
    g.set_defaults(func=commands.do_gallery)


def _watch(sub) -> None:
    w = sub.add_parser("watch", help="serve a live page of a run or sweep folder, while it is "
                       "written or after (pause, step, stop, learning rate via control.json)")
    w.add_argument("dir", metavar="RUN_OR_SWEEP_DIR")
    w.add_argument("--host", default="127.0.0.1",
                   help="address to bind (default %(default)s: this machine only); any other "
                        "puts a token in the page's address that every request must carry")
    w.add_argument("--port", type=int, default=0, help="port (default: a free one)")
    w.add_argument("--kind", choices=("run", "sweep"), help=argparse.SUPPRESS)  # run/sweep --live
    w.set_defaults(func=commands.do_watch)


def _config(p) -> None:
    p.add_argument("config", help="a YAML config file (see configs/)")


def _set(p, text: str) -> None:
    p.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help=text)


def _lang(p) -> None:
    """`--lang`: the language of the reports a command draws (figures and pages; messages on the
    command line stay English). The default is `HARNESS_LANG`, else English."""
    p.add_argument("--lang", choices=("en", "ko"),
                   help="draw the reports in English or Korean (한국어); default: the "
                        "HARNESS_LANG environment variable, else en")


def _force(p, whose: str) -> None:
    """`--force`, to write into `--out` when it holds files that are not `whose`."""
    p.add_argument("--force", action="store_true",
                   help=f"write into --out even if it holds files that are not {whose}")


def _lessons(sub) -> None:
    le = sub.add_parser("lessons", help="build the lesson site (static HTML, English and Korean) "
                                        "from checked runs")
    le.add_argument("action", choices=("build",))
    le.add_argument("--lang", choices=("en", "ko"),
                    help="build one language (default: both, each page linking the other)")
    le.add_argument("--only", metavar="NAME,...",
                    help="build only these lessons (their names without the NN_ prefix)")
    le.add_argument("--out", default="results/lessons",
                    help="the site folder (default results/lessons; open OUT/index.html)")
    le.add_argument("--results", default="results",
                    help="where the runs are: sweeps resume in RESULTS/<experiment>/, as "
                         "`harness check` runs them (default results)")
    le.add_argument("--jobs", default="1", metavar="N",
                    help="runs of a sweep trained at a time, as `harness sweep --jobs`")
    le.add_argument("--source", metavar="DIR",
                    help="the folder holding lessons/, configs/ and experiments/ (default: the "
                         "current folder when it has lessons/, else the harness checkout)")
    _force(le, "a lesson site's")
    le.set_defaults(func=commands.do_lessons)
