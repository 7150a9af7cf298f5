"""How far a conv run's sampled histograms are from the full ones (issue 25).

    python bench/histogram_sample.py                       # configs/conv_sigmoid.yaml, ~2 min
    python bench/histogram_sample.py CONFIG --set train.epochs=1

Runs the config twice, each in a fresh process (a process reuses its compiled training loop for
the next run of the same network), the same seed: as shipped (a conv layer's activation,
pre-activation and dL/dz histograms count `SAMPLED_POSITIONS` positions per example and channel)
and with every position counted. Training does not read the histograms, so both runs train the
same network; only `histograms.csv` differs. Prints, per layer and quantity, the total variation
distance between the two (half the sum of |p - q| over the bins of the normalised histograms:
0 the same shape, 1 no overlap), the largest over the logged epochs, and each histogram's bins.
"""

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


def total_variation(sampled, full) -> "pd.DataFrame":  # noqa: F821 - pandas is imported late
    """Per (epoch, layer, quantity): 0.5 * sum |p - q| of the two runs' normalised counts."""
    from harness.base.frames import full_bins

    keys = ["epoch", "layer", "quantity"]
    a = full_bins(sampled.drop(columns="counted_fraction"))
    b = full_bins(full)
    merged = a.merge(b, on=[*keys, "scale", "bin_left", "bin_right"], how="outer",
                     suffixes=("_sampled", "_full")).fillna({"count_sampled": 0, "count_full": 0})
    merged["p"] = merged["count_sampled"] / merged.groupby(keys)["count_sampled"].transform("sum")
    merged["q"] = merged["count_full"] / merged.groupby(keys)["count_full"].transform("sum")
    merged["gap"] = (merged["p"] - merged["q"]).abs() / 2
    return merged.groupby(keys, sort=False)["gap"].sum().rename("tv").reset_index()


def one_run(config: str, overrides: list[str], positions: int, out: str) -> None:
    """Trains `config` into `out`, its conv histograms counting `positions` positions."""
    from harness.measure import histograms
    from harness.training.runner import run

    histograms.SAMPLED_POSITIONS = positions  # read when the model's meter is built
    run(str(ROOT / config), overrides, out=out, verbose=0, report=False)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("config", nargs="?", default="configs/conv_sigmoid.yaml")
    p.add_argument("--set", action="append", default=[], help="KEY=VALUE, as `harness run`")
    p.add_argument("--one", nargs=2, metavar=("POSITIONS", "OUT"), help=argparse.SUPPRESS)
    args = p.parse_args()
    sys.path.insert(0, str(ROOT))
    if args.one:
        one_run(args.config, args.set, int(args.one[0]), args.one[1])
        return
    import pandas as pd

    from harness.measure.histograms import SAMPLED_POSITIONS

    frames = {}
    with tempfile.TemporaryDirectory() as out:
        for name, positions in (("sampled", SAMPLED_POSITIONS), ("full", 1 << 30)):
            sets = [x for kv in args.set for x in ("--set", kv)]
            subprocess.run([sys.executable, __file__, args.config, *sets, "--one",
                            str(positions), str(Path(out) / name)], check=True,
                           env={**os.environ, "PYTHONPATH": str(ROOT)})
            frames[name] = pd.read_csv(Path(out) / name / "histograms.csv")
    share = frames["sampled"].groupby(["layer", "quantity"])["counted_fraction"].first()
    tv = total_variation(frames["sampled"], frames["full"]).merge(
        share.rename("counted").reset_index(), on=["layer", "quantity"])
    worst = tv.groupby(["layer", "quantity", "counted"], sort=False)["tv"].agg(["max", "median"])
    print(f"{args.config} {' '.join(args.set)}: total variation distance, sampled vs full, "
          f"over epochs {sorted(tv['epoch'].unique())}\n")
    print("| layer | quantity | counted | largest | median |\n|---|---|---|---|---|")
    for (layer, quantity, counted), row in worst.iterrows():
        if counted < 1:
            print(f"| {layer} | {quantity} | {counted:.3g} | {row['max']:.4f} "
                  f"| {row['median']:.4f} |")
    sampled, whole = tv[tv["counted"] < 1], tv[tv["counted"] == 1]
    print(f"\nsampled histograms: largest {sampled['tv'].max():.4f}, median "
          f"{sampled['tv'].median():.4f}; the ones counted in full (dL/dW, small maps, the head) "
          f"equal in both runs: {bool(np.allclose(whole['tv'], 0))}")

if __name__ == "__main__":
    main()
