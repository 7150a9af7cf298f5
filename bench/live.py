"""What steering and a live page cost a run: the same config trained three ways, taken in turn in
one process (the machine's load falls on all three alike), and the ratios printed.

    plain   `harness.run(...)`: chunks of many epochs per compiled call (no control.json)
    steered `live=True`: one epoch per call, control.json read and live.json written per epoch
    page    `live=True` with `harness watch` serving the folder and a page (an event-stream
            reader) connected the whole time

    python bench/live.py                       # relu_deep on circles, 30 epochs, 3 rounds
    python bench/live.py --config configs/rnn_adding.yaml --epochs 5

Prints seconds per run (median over rounds; training, test and files, TensorFlow already loaded)
and the ratios steered/plain and page/steered: the page's own cost is the second.
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def reader(address: str, stop: threading.Event) -> None:
    """A page: reads the event stream until told to stop or the run ends."""
    try:
        with urllib.request.urlopen(address + "events", timeout=600) as r:
            for _ in r:
                if stop.is_set():
                    return
    except OSError:
        return


def one(config, sets, out: Path, mode: str) -> float:
    from harness.training.runner import run

    shutil.rmtree(out, ignore_errors=True)
    page = stop = None
    if mode == "page":
        page = subprocess.Popen([sys.executable, "-m", "harness", "watch", str(out), "--kind",
                                 "run"], stdout=subprocess.PIPE, text=True, cwd=ROOT,
                                env={**os.environ, "PYTHONPATH": str(ROOT)})
        address = page.stdout.readline().split(": ", 1)[1].strip()
        stop = threading.Event()
        threading.Thread(target=reader, args=(address, stop), daemon=True).start()
    start = time.perf_counter()
    run(config, overrides=sets, out=out, verbose=0, report=False, live=mode != "plain")
    seconds = time.perf_counter() - start
    if page:
        stop.set()
        page.terminate()
        page.wait()
    return seconds


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--config", default=str(ROOT / "configs" / "relu_deep.yaml"))
    p.add_argument("--epochs", type=int, default=30)
    p.add_argument("--rounds", type=int, default=3)
    args = p.parse_args(argv)
    sets = [f"train.epochs={args.epochs}"]
    folder = Path(tempfile.mkdtemp(prefix="bench-live-"))
    one(args.config, sets, folder / "warm", "plain")  # TensorFlow loaded, first trace done
    times = {"plain": [], "steered": [], "page": []}
    for _ in range(args.rounds):
        for mode in times:
            times[mode].append(one(args.config, sets, folder / mode, mode))
    med = {mode: statistics.median(v) for mode, v in times.items()}
    print(f"{Path(args.config).name}, {args.epochs} epochs, median of {args.rounds} rounds")
    for mode, seconds in med.items():
        print(f"  {mode:8s} {seconds:6.2f} s  ({', '.join(f'{v:.2f}' for v in times[mode])})")
    print(f"  steered / plain {med['steered'] / med['plain']:.2f}x; "
          f"page / steered {med['page'] / med['steered']:.2f}x")
    shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
