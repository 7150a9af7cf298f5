"""A sweep's `report.html`: the headline figure, the summary over seeds, the figures per facet,
and every run.

Built from the run folders with the report package's page helpers (no TensorFlow); the figures are
the tables of `harness.sweeps.figures`, drawn by `harness.report.entry.draw_entries`.
"""

import os
from pathlib import Path

import pandas as pd

from harness.base.files import write_text
from harness.base.frames import masked_counts
from harness.report import page
from harness.report.entry import draw_entries, lead
from harness.sweeps.figures import FACET_FIGURES, SWEEP_FIGURES, Study, facets, lead_names

# Between ± (or ×/÷) and the spread: a narrow window wraps a cell as "0.553 / ± 0.157", so the
# summary table fits the page instead of cutting its last columns (issue 18: at 1,400 px).
NBSP = "\u00a0"
TIMES_DIVIDE = "×\u2060/\u2060÷"  # ×/÷ held together by word joiners: no break at the slash
SHOWN = ["test_accuracy", "train_accuracy", "test_rmse", "test_loss", "time_ratio_init",
         "time_ratio_final", "vanishing_ratio_init", "vanishing_ratio_final", "dead_fraction_final",
         "saturation_final", "wall_time_s"]


def write_report(out: Path, exp, runs: pd.DataFrame, summary: pd.DataFrame, loaded: dict) -> Path:
    """Writes the figures and `report.html` of a sweep into `out`; returns the page's path.

    The figures are `harness.sweeps.figures`' tables: the headline (`SWEEP_FIGURES`) above the
    summary over seeds, then `FACET_FIGURES` once per facet.

    Args:
        out: the sweep folder.
        exp: the `Experiment`.
        runs, summary: the `runs.csv` and `summary.csv` frames.
        loaded: run folder name -> `Run`, for the runs whose folder exists.
    """
    first = lead_names(exp)
    drawn = draw_entries(lead(SWEEP_FIGURES, first), Study(exp, runs), out)
    figures, files, notes, cell_figure = drawn.figures, drawn.files, drawn.notes, {}
    leading = {entry.file() for entry in SWEEP_FIGURES if entry.name in first}
    for facet in facets(exp, loaded):
        here = draw_entries(lead(FACET_FIGURES, first), facet, out, facet.suffix)
        figures, files, notes = figures + here.figures, files + here.files, notes + here.notes
        leading |= {entry.file(facet.suffix) for entry in FACET_FIGURES if entry.name in first}
        if f"sweep_grad_norms{facet.suffix}.png" in here.files:  # the runs table links it
            cell_figure.update({f: f"sweep_grad_norms{facet.suffix}_png" for f in facet.folders})
    zeros = [p.group for p in exp.points if p.folder in loaded
             and masked_counts(loaded[p.folder].layers, "grad_norm")[0]]
    if zeros:
        notes.append(f"{len(zeros)} runs ({', '.join(dict.fromkeys(zeros))}) have gradient norms "
                     "of exactly 0: no gradient passes (as through a step). A log axis cannot show "
                     "0, so those layers are missing from the gradient figures.")
    failed = runs[runs["status"] != "completed"]
    # the headline: the model type's own figure where one was drawn (a recurrent sweep's
    # gradient over time), else the first
    at = next((i for i, name in enumerate(files) if name in leading), 0)
    headline, rest = figures[at:at + 1], figures[:at] + figures[at + 1:]
    body = [f"<h1>Sweep: {page.esc(exp.name)}</h1>",
            f'<p class="sub">{len(runs)} runs: {page.esc(_grid_text(exp))}; '
            f"{len(runs) - len(failed)} completed, {len(failed)} not.<br>"
            f"<code>{page.esc(exp.path)}</code> over <code>{page.esc(exp.base)}</code>"
            + (f", with {page.esc(_fixed_text(exp))}" if exp.fixed else "") + "</p>",
            page.notes([_failure(row) for _, row in failed.iterrows()], css="warn"),
            page.notes(notes), *headline,
            summary_section(summary, list(exp.grid)),
            "<h2>Figures</h2>", *rest,
            "<h2>Runs</h2>", _runs_table(runs, exp, out, cell_figure)]
    return write_text(out / "report.html", page.page(f"Sweep: {exp.name}", body))


def summary_section(summary: pd.DataFrame, keys: list[str]) -> str:
    """The page's "Summary over seeds": one row per grid cell, mean ± sd (ratios: geometric mean
    ×/÷ geometric sd), cells that wrap before the spread rather than run off a narrow page."""
    return ("<h2>Summary over seeds</h2>" + page.frame_table(_summary_view(summary, keys))
            + '<p class="hint">Ratios: geometric mean ×/÷ geometric standard deviation over the '
            "seeds of each cell (the mean of log10, as the figures draw them); other columns: "
            "mean ± standard deviation. Vanishing ratio = grad_rms(hidden_1) / grad_rms(last "
            "hidden layer), n/a with fewer than 2 hidden layers. "
            + ("Time ratio = ||dL/dh_1|| / ||dL/dh_T|| of a recurrent run's last recurrent "
               "layer, at initialisation and at the last logged epoch. "
               if "time_ratio_init_gmean" in summary else "")
            + "summary.csv holds every column's "
            "plain mean and std, and the ratios' geometric ones (_gmean, _gsd); every run is in "
            "runs.csv.</p>")


def _summary_view(summary: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    view = summary[[*keys, "n", "n_completed"]].copy()
    for metric in SHOWN:
        if f"{metric}_mean" in summary and summary[f"{metric}_mean"].notna().any():
            if f"{metric}_gmean" in summary:  # a ratio: its seeds averaged in log10
                view[metric] = [_geometric(g, s, metric) for g, s in
                                zip(summary[f"{metric}_gmean"], summary[f"{metric}_gsd"])]
            else:
                view[metric] = [_mean_std(m, s, metric) for m, s in
                                zip(summary[f"{metric}_mean"], summary[f"{metric}_std"])]
    if "expect" in summary:  # the experiment's expect: block, per cell
        view["expect"] = summary["expect"]
    return view


def _geometric(gmean, gsd, metric) -> str:
    """`gm ×/÷ gsd` (summary.csv's `_gmean`, `_gsd`): a ratio as the figures average it."""
    if pd.isna(gmean):
        return "n/a"
    return page.fmt(gmean, metric) + ("" if pd.isna(gsd) else f" {TIMES_DIVIDE}{NBSP}{gsd:.2g}")


def _mean_std(mean, std, name) -> str:
    if pd.isna(mean):
        return "n/a"
    return page.fmt(mean, name) + ("" if pd.isna(std) else f" ±{NBSP}{page.fmt(std, name)}")


def _runs_table(runs: pd.DataFrame, exp, out: Path, cell_figure: dict) -> str:
    """One row per run, linking its report; a run without one (sweeps build them only with
    `--run-reports`, to keep a study fast) links its cell's figures on this page and its folder."""
    metric = "test_accuracy" if "test_accuracy" in runs else "test_rmse"
    head = "".join(f"<th>{page.esc(c)}</th>" for c in
                   ["run", "seed", "status", metric, "ratio at init", "ratio at end", "report"])
    rows = []
    for point, (_, row) in zip(exp.points, runs.iterrows()):
        report = Path(row["dir"]) / "report.html"
        target = report if report.is_file() else report.parent  # the folder until a report exists
        link = (f'<a href="{page.esc(Path(os.path.relpath(target, out)).as_posix())}">'
                f'{"report" if report.is_file() else "folder"}</a>')
        if not report.is_file() and point.folder in cell_figure:
            link = f'<a href="#{page.esc(cell_figure[point.folder])}">cell figures</a> · {link}'

        cells = [point.group, row["seed"], row["status"]]
        numbers = [(row.get(metric), metric), (row["vanishing_ratio_init"], "ratio"),
                   (row["vanishing_ratio_final"], "ratio")]
        rows.append("<tr>" + "".join(f"<td>{page.esc(c)}</td>" for c in cells)
                    + "".join(f'<td class="num">{page.fmt(v, n)}</td>' for v, n in numbers)
                    + f"<td>{link}</td></tr>")
    missing = [Path(d) for d in runs["dir"] if not (Path(d) / "report.html").is_file()]
    hint = ("" if not missing else
            f'<p class="hint">{len(missing)} runs have no report of their own yet: build one with '
            f"<code>python -m harness report {page.esc(missing[0].as_posix())}</code>, or every "
            "one by running the sweep again with <code>--run-reports</code> (the trained runs are "
            "skipped; ~0.7 s per report).</p>")
    return f"<table><tr>{head}</tr>{''.join(rows)}</table>{hint}"


def _failure(row) -> str:
    error = f": {row['error']}" if row["error"] else ""
    return f"{Path(row['dir']).name}: {row['status']}{error}"


def _grid_text(exp) -> str:
    axes = [f"{key} [{', '.join(map(str, dict.fromkeys(p.labels[key] for p in exp.points)))}]"
            for key in exp.grid]
    return " x ".join([*axes, f"seeds {exp.seeds}"])


def _fixed_text(exp) -> str:
    return ", ".join(f"{k}={v}" for k, v in exp.fixed.items())
