"""Comparing runs: one table row per run, labelled by what differs between the runs' configs.

`compare(dirs)` returns the table; with `out=` it also writes `compare.csv`, overlaid figures and a
self-contained `report.html`. Labels come from the configs themselves: flatten each into dotted
keys, keep the keys whose values differ, and print them short (`activation=sigmoid, depth=8`).
"""

import json
import math
import os
import re
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd

from harness.base.files import write_csv, write_text
from harness.base.frames import hidden_mean, last_epoch, vanishing_ratio
from harness.base.labels import flatten_config, render, short_keys
from harness.base.owned import check_ours, mark_ours
from harness.errors import HarnessError
from harness.report import page
from harness.report.compare.figures import COMPARE_FIGURES, Compared
from harness.report.compare.plots import run_styles
from harness.report.draw.style import activation_name
from harness.report.entry import draw_entries
from harness.report.lang.setting import using
from harness.report.run.captions import summary_chance
from harness.rundir.run import Run, load_run

METRICS = ["test_loss", "test_accuracy", "test_mae", "test_rmse"]
TIME_RATIOS = ["time_ratio_init", "time_ratio_final"]  # recurrent runs (summary.json)
_MISSING = object()


def compare(dirs, out: str | os.PathLike | None = None, force: bool = False,
            lang: str | None = None) -> pd.DataFrame:
    """One row per run: label, final metrics, vanishing ratios, activation health, status.

    Args:
        dirs: run folders written by `python -m harness run`.
        out: when given, a folder (created if missing) that receives `compare.csv`, `report.html`
            and the figures `compare_grad_norms.png`, `compare_grad_epochs.png`,
            `compare_history.png`; the table's `attrs["report"]` is then the page's path. None:
            the table only (`harness.compare`, like the command, always writes a report).
        force: write into `out` even when it is not a comparison's folder (a run folder, a
            folder of your own files: `harness.base.owned.check_ours` refuses them without it).
        lang: the language of the page and figures, `"en"` or `"ko"`; `None` is the setting
            (`HARNESS_LANG`, else English).

    Returns:
        A DataFrame with columns `label`, `activation`, `depth`, `status`, `epochs_run`, the test
        metrics the runs have (`test_loss`, `test_accuracy` or `test_mae`, `test_rmse`),
        `time_ratio_init`, `time_ratio_final` when a run is recurrent (`summary.json`'s
        ||dL/dh_1|| / ||dL/dh_T|| of its last recurrent layer; NaN for the other runs),
        `vanishing_ratio_init`, `vanishing_ratio_final` (from `layers.csv`, at epoch 0 and at the
        last epoch; NaN with fewer than 2 hidden layers or a zero norm), `saturation_final` and
        `dead_fraction_final` (means over the hidden layers at the last epoch), and `dir`.

    Example:
        >>> compare(["results/sigmoid_deep/a", "results/relu_deep/b"])["label"].tolist()
        ['activation=sigmoid', 'activation=relu']
    """
    if out is not None:
        check_ours(out, "compare", "--out", force, example="results/compare/x")
    runs = [load_run(d) for d in dirs]
    if not runs:
        raise HarnessError("compare: no run folders given; pass the folders that "
                           "`python -m harness run` wrote")
    labels = _unique(run_labels([r.config for r in runs], [r.dir for r in runs]), runs)
    table = pd.DataFrame([_row(run, label) for run, label in zip(runs, labels)])
    metrics = [m for m in METRICS if m in table.columns and table[m].notna().any()]
    timed = [m for m in TIME_RATIOS if table[m].notna().any()]  # recurrent runs only
    table = table[["label", "activation", "depth", "status", "epochs_run", "steered", *metrics,
                   *timed,
                   "vanishing_ratio_init", "vanishing_ratio_final", "saturation_final",
                   "dead_fraction_final", "dir"]]
    if out is not None:
        with using(lang):
            _write(Path(out), runs, table)
        table.attrs["report"] = Path(out) / "report.html"
    return table


def default_out() -> Path:
    """`results/compare/<time>/`: where `harness compare` and `harness.compare` write their
    report when no folder is given."""
    return Path("results", "compare", f"{datetime.now():%Y%m%d-%H%M%S}")


def differing_keys(configs: list[dict]) -> list[str]:
    """Dotted config keys whose values are not the same in every config (a missing key differs).

    `name` is left out when anything else differs: it restates the change. `expect` (what a run
    should reach, not how it runs) is always left out. `model.activation` goes first (what this
    harness is about), `seed` last, the rest in config order.
    """
    flats = [{k: v for k, v in flatten_config(c).items() if k.split(".")[0] != "expect"}
             for c in configs]
    keys = list(dict.fromkeys(k for flat in flats for k in flat))
    differ = [k for k in keys if len({_canonical(f.get(k, _MISSING)) for f in flats}) > 1]
    if set(differ) - {"name"}:
        differ = [k for k in differ if k != "name"]
    return sorted(differ, key=lambda k: (k != "model.activation", k == "seed"))


def run_labels(configs: list[dict], dirs: list | None = None) -> list[str]:
    """Short labels saying how each config differs from the others.

    Args:
        configs: the runs' resolved configs (nested dicts).
        dirs: the runs' folders; their names are the labels when no config key differs.

    Returns:
        One label per config, e.g. `"activation=sigmoid, depth=8"`: each differing key by its last
        segment, or by as many trailing segments as needed to tell it from another differing key.

    Example:
        >>> run_labels([{"model": {"activation": "relu"}}, {"model": {"activation": "tanh"}}])
        ['activation=relu', 'activation=tanh']
    """
    keys = differing_keys(configs)
    if not keys:
        if dirs:
            return shorten([Path(d).name for d in dirs])
        return [f"run {i + 1}" for i in range(len(configs))]
    short = short_keys(keys)
    flats = [flatten_config(c) for c in configs]
    return [", ".join(f"{short[k]}={render(flat.get(k))}" for k in keys)
            for flat in flats]


def shorten(names: list[str]) -> list[str]:
    """Folder names cut down to what differs: the parts (split at `-`, `_`, `=`) that every name
    shares at its start or its end are dropped, e.g. `relu-d8-s0-20250101-120000` and
    `relu-d8-s0-20250101-120105` become `120000` and `120105`.

    Example:
        >>> shorten(["sigmoid-d8-s0-20250101-1200", "relu-d8-s0-20250101-1200"])
        ['sigmoid', 'relu']
    """
    if len(names) < 2 or len(set(names)) < len(names):
        return list(names)
    parts = [re.split(r"(?<=[-_=])", name) for name in names]  # keeps each separator
    head = 0
    while all(len(p) > head + 1 for p in parts) and len({p[head] for p in parts}) == 1:
        head += 1
    tail = 0
    while (all(len(p) > head + tail + 1 for p in parts)
           and len({p[len(p) - 1 - tail] for p in parts}) == 1):
        tail += 1
    short = ["".join(p[head:len(p) - tail]).strip("-_=") for p in parts]
    return short if all(short) and len(set(short)) == len(short) else list(names)


def _row(run: Run, label: str) -> dict:
    last = last_epoch(run.layers)
    model = run.config.get("model") or {}
    return {"label": label, "activation": activation_name(model.get("activation")),
            "depth": model.get("depth"), "status": run.status,
            "epochs_run": run.summary.get("epochs_run", math.nan),
            # changes asked through control.json (meta.json's `steering`): 0 for an untouched run
            "steered": len(run.meta.get("steering") or []),
            **{m: _number(run.summary.get(m)) for m in METRICS + TIME_RATIOS},
            "vanishing_ratio_init": vanishing_ratio(run.layers, 0),
            "vanishing_ratio_final": vanishing_ratio(run.layers, last),
            "saturation_final": hidden_mean(run.layers, "saturation", last),
            "dead_fraction_final": hidden_mean(run.layers, "dead_fraction", last),
            "dir": str(run.dir)}


def _write(out: Path, runs: list[Run], table: pd.DataFrame) -> None:
    """Writes the comparison's files: `compare.csv`, the overlaid figures and `report.html`.

    A figure the runs' files cannot feed is left out, its reason written in the page's notes
    (and an older PNG of that name removed, so the folder never shows a stale one).

    Args:
        out: the comparison's folder (made if missing).
        runs: the runs, in table order.
        table: `compare`'s table, one row per run (its `label` names each run in the figures).
    """
    mark_ours(out, "compare")
    write_csv(out / "compare.csv", table)
    labels = list(table["label"])
    compared = Compared(
        styles=run_styles(list(table["activation"]), labels,
                          [(r.config.get("model") or {}).get("cell") for r in runs]),
        layers=_stack([r.layers for r in runs], labels),
        history=_stack([r.history for r in runs], labels),
        histograms=_stack([r.table("histograms.csv") for r in runs], labels),
        chance={label: chance_levels(r) for r, label in zip(runs, labels)},
        steps={label: r.table("timesteps.csv") for r, label in zip(runs, labels)})
    drawn = draw_entries(COMPARE_FIGURES, compared, out)
    notes, figures = drawn.notes, drawn.figures
    notes += [f"{lab}: status {r.status}." for r, lab in zip(runs, labels)
              if r.status != "completed"]
    keys = differing_keys([r.config for r in runs])
    body = [f"<h1>Comparing {len(runs)} runs</h1>",
            f'<p class="sub">Runs differ in: '
            f'{page.esc(", ".join(keys) or "nothing (labelled by folder)")}</p>',
            page.notes(notes), "<h2>Table</h2>", page.frame_table(table.drop(columns="dir")),
            '<p class="hint">vanishing ratio = grad_rms(hidden_1) / grad_rms(last hidden layer) '
            "(the gradient's RMS per weight, fair across layer sizes); saturation and dead "
            "fraction are means over the hidden layers at the last epoch"
            + ("; time ratio = ||dL/dh_1|| / ||dL/dh_T|| of a recurrent run's last recurrent "
               "layer, at initialisation and at the last logged epoch"
               if "time_ratio_init" in table else "") + ".</p>",
            "<h2>Figures</h2>", *figures, "<h2>Runs</h2>", _run_list(runs, labels, out)]
    write_text(out / "report.html", page.page(f"Comparing {len(runs)} runs", body))


def chance_levels(run: Run) -> dict:
    """`{"accuracy": a, "loss": l}` at chance for a classification run: from summary.json's
    `chance_accuracy` / `chance_loss` when recorded, else from the test labels in points.csv
    (the majority class's share; the entropy of the class shares, the loss of always answering
    them). Empty for regression or when neither is there."""
    summary = run.summary
    found = summary_chance(summary)
    if found or summary.get("task") == "regression":
        return found
    points = run.table("points.csv")
    if points.empty or "y" not in points or summary.get("task") not in ("binary", "multiclass"):
        return {}
    test = points[points["split"] == "test"] if "split" in points else points
    shares = test["y"].value_counts(normalize=True).to_numpy(float)
    return {"accuracy": float(shares.max()), "loss": float(-(shares * np.log(shares)).sum())}


def _stack(frames: list[pd.DataFrame], labels: list[str]) -> pd.DataFrame:
    """The runs' frames one under the other, tagged with a `run` column; empty frames left out."""
    tagged = [f.assign(run=label) for f, label in zip(frames, labels) if not f.empty]
    return pd.concat(tagged, ignore_index=True) if tagged else pd.DataFrame(columns=["run"])


def _run_list(runs: list[Run], labels: list[str], out: Path) -> str:
    items = []
    for run, label in zip(runs, labels):
        report = run.dir / "report.html"
        link = (f' (<a href="{page.esc(Path(os.path.relpath(report, out)).as_posix())}">report</a>)'
                if report.is_file() else "")
        items.append(f"<li><b>{page.esc(label)}</b>: <code>{page.esc(run.dir)}</code>{link}</li>")
    return "<ul>" + "".join(items) + "</ul>"


def _unique(labels: list[str], runs: list[Run]) -> list[str]:
    """Appends the folder name to labels that several runs share (identical configs)."""
    counts = pd.Series(labels).value_counts()
    return [f"{lab} [{r.dir.parent.name}/{r.dir.name}]" if counts[lab] > 1 else lab
            for lab, r in zip(labels, runs)]


def _canonical(value) -> str:
    return "<missing>" if value is _MISSING else json.dumps(value, sort_keys=True, default=str)


def _number(value) -> float:
    try:
        return math.nan if value is None else float(value)
    except (TypeError, ValueError):  # a summary.json edited by hand, or damaged
        return math.nan
