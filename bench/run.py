"""Benchmarks: the harness against plain Keras on the same machine, in the same run.

    python bench/run.py            # ~6 min on 2 CPU cores; writes bench/RESULTS.md
    python bench/run.py --quick    # ~2 min, fewer repetitions and epochs

Each target is a ratio against a plain Keras baseline measured alongside it (median over paired
repetitions), or a wall-clock/memory bound measured in a fresh subprocess:
  P1  MNIST epoch, 5 x 128 ReLU, batch 128, Adam, all per-layer statistics   <= 1.0 x plain fit
      (twice: without histograms, and with them counted on every step, as on a logged epoch)
  P2  circles, 3 x 8 ReLU, batch 32, 100 epochs, statistics every epoch      <= 0.25 x plain fit
      the whole harness.run of it (setup, training, test, snapshots, report)  <= 0.20 x plain fit
      (also against plain fit without validation), and its report's own cost: the run minus the
      same run with report=False                                  <= 0.08 x plain fit, no validation
      The figures one by one (bench/figures.py): each figure's drawing time, a table of its own.
  P3  experiments/vanishing_gradients.yaml (54 runs), --jobs 1, with start-up  <= 40 s
      the same with --jobs 2                                                 <= 0.55 x --jobs 1
      the same with --executor ray (a local cluster, all cores)              <= 0.65 x --jobs 1
  P4  `python -m harness --help` and `python -m harness list`                 <= 1 s
  P5  configs/conv_sigmoid.yaml's epoch (8 conv layers, MNIST), every statistic <= 1.3 x plain fit
  P6  configs/rnn_adding.yaml's epoch (SimpleRNN, T = 50), every statistic     <= 1.3 x plain fit
      (P5, P6 twice, as P1: without histograms, and with them counted on every step)
  Memory: peak RSS of an MNIST run <= 2 GB; of the 54-run study <= 3 GB; of the study with
  --jobs 2 (parent and workers together) <= 2 x that of --jobs 1; of a whole run of P5's and of
  P6's config <= 1.5 x plain fit and test of the same network (`bench/plain.py`).
Each subprocess is started by a small launcher (bench/measure.py), so its peak is its own and not
the bench's (Linux hands a child its parent's RSS high-water mark at fork/exec, and this process
has run TensorFlow). An MNIST run's peak is the `ru_maxrss` of its one process; a study's is the
sum of the RSS of all its processes (sweep and workers), sampled every 50 ms, where libraries
shared by several processes count once for each.
Speed is not asserted in the test suite: these machines are shared and noisy.
"""

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from figures import figure_times
from measure import measure
from plain import plain_model, twin
from study import p3_study

ROOT = Path(__file__).resolve().parents[1]
os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
CONV, RECURRENT = "configs/conv_sigmoid.yaml", "configs/rnn_adding.yaml"  # P5, P6 and their memory


def paired_epochs(s, plain, reps: int, histograms: bool) -> tuple[list, str]:
    """Seconds per epoch, (plain fit, harness), for `reps` epochs of each taken in turn; and
    the ratio of the CPU time the process spent in them (all threads), as a note.

    Wall-clock ratios move with what the machine's other users run; CPU time moves less.

    Args:
        s: a `harness.training.setup.Setup`: the harness' compiled model and its data.
        plain: the compiled plain Keras twin of its network (`plain.twin`).
        reps: repetitions, after one warm-up epoch of each (which traces).
        histograms: whether every step of the harness' epochs counts the histograms, as on a
            logged epoch (else none does).
    """
    import numpy as np

    from harness.training.loop import EpochLoop
    from harness.training.orders import epoch_orders

    data, y, y_val, batch = s.data, s.y["train"], s.y["val"], s.cfg.train.batch_size
    s.model.probe(data.x_train[:batch], y[:batch])  # fixes the histograms' axes, as a run does
    loop = EpochLoop(s.model, data.x_train, y, data.x_val, y_val, batch)
    flags = np.full(1, histograms)
    orders = epoch_orders(len(data.x_train), reps + 1, 0)
    fit = dict(batch_size=batch, epochs=1, validation_data=(data.x_val, y_val), verbose=0)
    plain.fit(data.x_train, y, **fit)  # warm-up: traces
    loop.run(orders[:1], flags)
    pairs, cpu = [], []
    for r in range(reps):
        t, c = time.perf_counter(), time.process_time()
        plain.fit(data.x_train, y, **fit)
        t_plain, c_plain = time.perf_counter() - t, time.process_time() - c
        t, c = time.perf_counter(), time.process_time()
        loop.run(orders[r + 1:r + 2], flags)
        pairs.append((t_plain, time.perf_counter() - t))
        cpu.append((time.process_time() - c) / c_plain)
    return pairs, (f"CPU time ratio {statistics.median(cpu):.2f} "
                   f"({min(cpu):.2f}-{max(cpu):.2f})")


def p1_mnist(reps: int, n_samples: int | None, histograms: bool = False) -> dict:
    """Seconds per MNIST epoch: plain fit vs the harness' in-graph loop with statistics (and,
    with `histograms`, the histograms a logged epoch counts)."""
    from harness.training.setup import setup

    config = {"data": {"name": "mnist", "n_samples": n_samples, "val_fraction": 0.1},
              "model": {"depth": 5, "width": 128, "activation": "relu", "head": "softmax"},
              "train": {"loss": "sparse_categorical_crossentropy", "learning_rate": 0.001,
                        "batch_size": 128}}
    s = setup(config)
    pairs, cpu = paired_epochs(s, twin(s.cfg, s.data), reps, histograms)
    what = "with histograms" if histograms else "no histograms"
    return _paired(f"P1 MNIST epoch, {what} (s)", pairs, 1.0,
                   f"{len(s.data.x_train)} examples", cpu)


def p5_p6_epoch(name: str, config: str, reps: int, histograms: bool) -> dict:
    """Seconds per epoch of a shipped conv or recurrent config with every per-layer statistic
    (and, with `histograms`, the histograms counted on every step), against plain fit of the
    same network on the same data."""
    from harness.training.setup import setup

    s = setup(str(ROOT / config))
    pairs, cpu = paired_epochs(s, twin(s.cfg, s.data), reps, histograms)
    what = "with histograms" if histograms else "no histograms"
    return _paired(f"{name}, {what} (s)", pairs, 1.3,
                   f"{config}, {len(s.data.x_train)} examples, batch {s.cfg.train.batch_size}",
                   cpu)


def p2_toy(reps: int, epochs: int) -> list[dict]:
    """A whole toy training run: plain fit (with and without validation) vs the harness'
    training, its whole `harness.run`, and the run without its report (`report=False`)."""
    import keras

    from harness.training.runner import run
    from harness.training.setup import setup
    from harness.training.train import fit

    config = {"data": {"name": "circles", "n_samples": 1000},
              "model": {"depth": 3, "width": 8, "activation": "relu"},
              "train": {"batch_size": 32, "epochs": epochs}}
    rows = []  # (plain, plain without validation, fit, run, run without report) per rep
    for _ in range(reps):
        s = setup(config)
        cfg, data, y, y_val = s.cfg, s.data, s.y["train"], s.y["val"]
        plains = []
        for validation in ((data.x_val, y_val), None):
            plain = plain_model(cfg.model, (2,), 1, "sigmoid")
            plain.compile(optimizer=keras.optimizers.Adam(0.01), loss="binary_crossentropy",
                          metrics=["accuracy"])
            t = time.perf_counter()
            plain.fit(data.x_train, y, batch_size=32, epochs=epochs,
                      validation_data=validation, verbose=0)
            plains.append(time.perf_counter() - t)
        times = []
        for step in (lambda out, s=s: fit(s, Path(out), verbose=0),  # training only
                     lambda out: run(config, out=out, verbose=0),  # set-up to report
                     lambda out: run(config, out=out, verbose=0, report=False)):
            with tempfile.TemporaryDirectory() as out:
                t = time.perf_counter()
                step(out)
                times.append(time.perf_counter() - t)
        rows.append((*plains, *times))
    plain, bare = [r[0] for r in rows], [r[1] for r in rows]
    report = [r[3] - r[4] for r in rows]
    return [_paired(f"P2 circles, {epochs} epochs (s)", list(zip(plain, [r[2] for r in rows])),
                    0.25, "training with statistics every epoch and histograms on the default "
                    "schedule"),
            _paired(f"P2 whole harness.run, {epochs} epochs (s)",
                    list(zip(plain, [r[3] for r in rows])), 0.20,
                    "setup, training, test, surfaces, neurons, report"),
            _paired(f"P2 whole harness.run vs plain fit without validation, {epochs} epochs (s)",
                    list(zip(bare, [r[3] for r in rows])), 0.20, "the same runs"),
            _paired("P2 the report's own cost (s)", list(zip(bare, report)), 0.08,
                    "the run minus the same run with report=False, same process, against plain "
                    "fit without validation")]


def p4_startup(reps: int) -> list[dict]:
    rows = []
    baseline = statistics.median(
        measure([sys.executable, "-c", "import tensorflow"], cwd=ROOT).wall_s for _ in range(reps))
    for args in (["--help"], ["list"]):
        wall = statistics.median(
            measure([sys.executable, "-m", "harness", *args], cwd=ROOT).wall_s
            for _ in range(reps))
        rows.append({"target": f"P4 harness {args[0]} (s)", "plain": baseline, "harness": wall,
                     "ratio": wall / baseline, "bound": 1.0, "met": wall <= 1.0,
                     "note": "plain = `import tensorflow`"})
    return rows


def memory_mnist(epochs: int) -> dict:
    with tempfile.TemporaryDirectory() as out:
        plain_code = ("import os; os.environ.setdefault('KERAS_BACKEND', 'tensorflow')\n"
                      "import keras\nfrom harness.data import images\n"
                      "(x, y), _ = images.load_mnist()\nx = x.reshape(-1, 784) / 255.0\n"
                      "m = keras.Sequential([keras.Input((784,))] + [keras.layers.Dense(128, "
                      "activation='relu') for _ in range(8)] + [keras.layers.Dense(10, "
                      "activation='softmax')])\nm.compile('adam', "
                      "'sparse_categorical_crossentropy')\n"
                      f"m.fit(x, y, batch_size=128, epochs={epochs}, verbose=0)\n")
        plain_rss = measure([sys.executable, "-c", plain_code], cwd=ROOT).peak_mb
        _, rss, _, code = measure([sys.executable, "-m", "harness", "run",
                                   "configs/mnist_relu_deep.yaml", "--set",
                                   f"train.epochs={epochs}", "--out", out, "--verbose", "0"],
                                  cwd=ROOT)
    return {"target": "memory: MNIST run peak RSS (MB)", "plain": plain_rss, "harness": rss,
            "ratio": rss / plain_rss, "bound": 2048.0, "met": rss <= 2048 and code == 0,
            "note": f"8 x 128, {epochs} epoch(s); plain = Keras fit of the same net; "
                    "high-water mark of the one process"}


def memory_vs_plain(name: str, config: str, epochs: int) -> dict:
    """Peak RSS of a whole `harness run` of a shipped config (statistics, test, report) against
    its plain twin's fit and test (`bench/plain.py`), each in a fresh process."""
    plain = measure([sys.executable, str(ROOT / "bench" / "plain.py"), config,
                     "--epochs", str(epochs)], cwd=ROOT)
    with tempfile.TemporaryDirectory() as out:
        ours = measure([sys.executable, "-m", "harness", "run", config, "--set",
                        f"train.epochs={epochs}", "--out", out, "--verbose", "0"], cwd=ROOT)
    ratio = ours.peak_mb / plain.peak_mb
    return {"target": f"memory: {name} peak RSS (MB)", "relative": True, "plain": plain.peak_mb,
            "harness": ours.peak_mb, "ratio": ratio, "bound": 1.5,
            "met": ratio <= 1.5 and ours.code == 0 and plain.code == 0,
            "note": f"{config}, {epochs} epoch(s); plain = Keras fit and evaluate of the same "
                    "net; high-water mark of each process"}


def _paired(target, pairs, bound, note, extra=None) -> dict:
    ratios = [ours / plain for plain, ours in pairs]
    ratio = statistics.median(ratios)
    note = (f"{note}; median of {len(pairs)} paired reps, ratios {min(ratios):.2f}-"
            f"{max(ratios):.2f}" + (f"; {extra}" if extra else ""))
    return {"target": target, "relative": True, "plain": statistics.median(p for p, _ in pairs),
            "harness": statistics.median(o for _, o in pairs), "ratio": ratio, "bound": bound,
            "met": ratio <= bound, "note": note}


def table(rows) -> str:
    lines = ["| target | plain Keras | harness | ratio | bound | met | note |",
             "|---|---|---|---|---|---|---|"]
    for r in rows:
        cells = [r["target"], _num(r.get("plain")), _num(r.get("harness")), _num(r.get("ratio")),
                 ("x " if r.get("relative") else "") + _num(r["bound"]),
                 "yes" if r["met"] else "NO",
                 r.get("note", "")]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _num(value) -> str:
    return "" if value is None else f"{value:.3g}"


def machine() -> str:
    import keras
    import tensorflow as tf

    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (f"{platform.platform()}, {os.cpu_count()} CPU cores, {mem:.0f} GiB; Python "
            f"{platform.python_version()}, TensorFlow {tf.__version__}, Keras {keras.__version__}")


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--quick", action="store_true", help="fewer repetitions and epochs")
    p.add_argument("--out", default=str(ROOT / "bench" / "RESULTS.md"))
    p.add_argument("--only", help="comma-separated subset: P1,P2,P3,P4,P5,P6,memory,memory-conv,"
                   "memory-recurrent,figures (the study's memory rows come with P3)")
    p.add_argument("--experiment", default="experiments/vanishing_gradients.yaml",
                   help="the P3 study (default %(default)s)")
    p.add_argument("--no-parallel", action="store_true",
                   help="P3 with --jobs 1 only (skip --jobs 2 and Ray)")
    args = p.parse_args()
    reps = 3 if args.quick else 5
    rows = []
    steps = [("P4", lambda: p4_startup(reps)),
             ("P2", lambda: p2_toy(reps, 100)),
             ("P1", lambda: [p1_mnist(reps, 20000 if args.quick else None, h)
                             for h in (False, True)]),
             ("P3", lambda: p3_study(args.experiment, not args.no_parallel)),
             ("memory", lambda: [memory_mnist(1)]),
             ("P5", lambda: [p5_p6_epoch("P5 conv MNIST epoch", CONV, reps, h)
                             for h in (False, True)]),
             ("P6", lambda: [p5_p6_epoch("P6 recurrent adding epoch", RECURRENT, reps, h)
                             for h in (False, True)]),
             ("memory-conv", lambda: [memory_vs_plain("conv MNIST run", CONV, 1)]),
             ("memory-recurrent", lambda: [memory_vs_plain("recurrent adding run", RECURRENT,
                                                           1)])]
    for name, step in steps:
        if args.only and name not in args.only.split(","):
            continue
        print(f"measuring {name} ...", file=sys.stderr, flush=True)
        rows += step()
        print(table(rows[-1:]).splitlines()[-1], file=sys.stderr, flush=True)
    text = table(rows)
    if not args.only or "figures" in args.only.split(","):
        print("measuring figures ...", file=sys.stderr, flush=True)
        text += "\n\n" + figure_times(reps)
    print(text)
    mode = "--quick" if args.quick else "full"
    Path(args.out).write_text(
        f"# Benchmark results\n\n`python bench/run.py{' --quick' if args.quick else ''}` "
        f"({mode}) on {date.today()}:\n{machine()}.\n\n{text}\n\n"
        "Ratios are harness / plain Keras, measured in the same process (P1, P2, P5, P6: median of "
        "paired repetitions) or in fresh subprocesses (P3, P4, memory: wall clock; peak RSS "
        "from `wait4` in a small launcher, or summed over a sweep's processes). See "
        "`python bench/run.py --help` and the docstrings of bench/run.py and bench/measure.py.\n")
    print(f"wrote {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
