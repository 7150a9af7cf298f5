"""`harness gallery --out DIR`: every figure kind the harness draws, on one page.

Trains tiny runs of the shipped configs (a dense network on the circles toy, a conv network on
scikit-learn's digits, a recurrent one on the adding problem), two tiny sweeps (dense over depth
and activation, recurrent over the cell), compares the three runs, and runs `preflight` and
`theory` on the dense config. Each writes its own page as usual; the gallery then loops over the
pages' own figure tables (`RUN_FIGURES`, `COMPARE_FIGURES`, `SWEEP_FIGURES`, `FACET_FIGURES`)
and puts, under each entry, that figure as every page drew it, with its caption: one figure kind
after another, a dense, a conv and a recurrent run side by side. An entry no page drew is listed
at the top as missing, so a new figure cannot be left out of the gallery (the test that builds it
fails). There is no second list of figures here: the tables are the list.

It exists to look at: a figure whose caption says something its picture does not show is found
by reading the gallery from top to bottom (issue 28).
"""

import re
from pathlib import Path
from typing import NamedTuple

import yaml

from harness.base.files import write_text
from harness.base.owned import check_ours, mark_ours
from harness.report import page
from harness.report.compare.figures import COMPARE_FIGURES
from harness.report.run.figures import RUN_FIGURES
from harness.sweeps.figures import FACET_FIGURES, SWEEP_FIGURES

CONFIGS = Path(__file__).resolve().parents[2] / "configs"
TINY = {"train.epochs": 2, "data.n_samples": 240}
RUNS = {  # folder -> (shipped config, overrides that make it tiny)
    "dense": ("base.yaml", {**TINY, "model.depth": 3, "model.width": 8}),
    "conv": ("conv_sigmoid.yaml", {**TINY, "data.name": "digits", "data.n_samples": 400,
                                  "model.depth": 3, "model.filters": 4, "model.pool": [2]}),
    "recurrent": ("rnn_adding.yaml", {**TINY, "data.length": 12, "model.width": 8}),
}
SWEEPS = {  # folder -> (shipped config, grid, overrides)
    "sweep_dense": ("base.yaml", {"model.depth": [2, 3], "model.activation": ["relu", "sigmoid"]},
                    {**TINY, "model.width": 6}),
    "sweep_recurrent": ("rnn_adding.yaml", {"model.cell": ["simple", "lstm"]},
                        {**TINY, "data.length": 12, "model.width": 8}),
}


class Table(NamedTuple):
    """A page's figure table and the folders whose pages drew it."""

    name: str
    entries: tuple
    folders: tuple


TABLES = (Table("RUN_FIGURES", RUN_FIGURES, tuple(RUNS)),
          Table("COMPARE_FIGURES", COMPARE_FIGURES, ("compare",)),
          Table("SWEEP_FIGURES", SWEEP_FIGURES, tuple(SWEEPS)),
          Table("FACET_FIGURES", FACET_FIGURES, tuple(SWEEPS)))
SINGLE = {"preflight": "lr_range.png", "theory": "phase.png"}  # the one-figure commands


def build(out, force: bool = False, redraw: bool = False) -> Path:
    """Makes the runs, sweeps, comparison, preflight and theory folders in `out`, then
    `out/gallery.html`; returns its path.

    Args:
        out: a new or empty folder, or an earlier gallery's.
        force: write into `out` even when it holds files that are not a gallery's.
        redraw: keep the runs an earlier gallery trained in `out` and redraw their pages (after
            a change to a figure: seconds instead of minutes).
    """
    out = check_ours(out, "gallery", "--out", force, example="results/gallery")
    mark_ours(out, "gallery")
    make(out, redraw)
    return write_page(out)


def make(out: Path, redraw: bool = False) -> None:
    """Every source the gallery shows, trained and drawn by the harness' own commands."""
    from harness.report.compare.runs import compare
    from harness.report.html import build_report
    from harness.sweeps.execute import run_sweep
    from harness.training.preflight import preflight
    from harness.training.runner import run

    for folder, (config, sets) in RUNS.items():
        if redraw and (out / folder / "summary.json").is_file():
            build_report(out / folder)
            continue
        run(CONFIGS / config, overrides=sets, out=out / folder, verbose=0, force=True)
    for folder, (config, grid, sets) in SWEEPS.items():
        path = out / f"{folder}.yaml"
        path.write_text(yaml.safe_dump({"base": str(CONFIGS / config), "grid": grid,
                                        "set": sets}, sort_keys=False))
        run_sweep(path, out=out / folder, force=True)  # complete runs are kept, the page redrawn
    compare([out / folder for folder in RUNS], out=out / "compare", force=True)
    config, sets = RUNS["dense"]
    preflight(CONFIGS / config, overrides=sets, out=out / "preflight", force=True)
    from harness.cli.predict import explain

    explain(CONFIGS / config, overrides=sets, out=out / "theory", force=True)


def figures_of(page_html: str, entry) -> list[str]:
    """The `<figure>` blocks of a page drawn from `entry`: its file, or its file with a facet's
    suffix (`sweep_grad_norms_depth=2.png`), in page order."""
    stem, ext = Path(entry.name).stem, Path(entry.name).suffix.lstrip(".")
    pattern = (rf'<figure id="{re.escape(stem)}(?:_[^"]*=[^"]*)?_{re.escape(ext)}">'
               r".*?</figure>")
    return re.findall(pattern, page_html, flags=re.S)


def write_page(out: Path) -> Path:
    """`gallery.html` from the pages already in `out`: per table, per entry, every drawing."""
    pages = {folder: (out / folder / "report.html").read_text(encoding="utf-8")
             for table in TABLES for folder in table.folders
             if (out / folder / "report.html").is_file()}
    body, missing, count = [], [], 0
    for table in TABLES:
        body.append(f"<h2>{page.esc(table.name)}</h2>")
        for entry in table.entries:
            found = [(folder, block) for folder in table.folders
                     for block in figures_of(pages.get(folder, ""), entry)]
            body.append(f'<h3 class="kind">{page.esc(entry.name)}</h3>')
            if not found:
                missing.append(f"{table.name}: {entry.name}")
            drawn = {folder for folder, _ in found}
            body += [f'<p class="hint">{page.esc(folder)}: not drawn for this source</p>'
                     for folder in table.folders if folder not in drawn]
            for folder, block in found:
                body.append(f'<p class="hint">from <a href="{folder}/report.html">'
                            f"{page.esc(folder)}</a></p>{block}")
                count += 1
    for folder, name in SINGLE.items():
        path = out / folder / name
        body.append(f'<h3 class="kind">{page.esc(name)} ({folder})</h3>')
        if path.is_file():
            body.append(page.figure(path, f"{name}, from `harness {folder}`"))
            count += 1
        else:
            missing.append(f"{folder}: {name}")
    head = [f"<h1>Gallery: every figure kind ({count} drawings)</h1>",
            '<p class="sub">Each figure table of the reports, entry by entry, as a dense, a conv '
            "and a recurrent run, a sweep and a comparison drew it (tiny runs: the numbers are "
            "not the calibrated ones; the figures and their captions are what to read).</p>",
            page.notes([f"MISSING: {m} is drawn by no page here" for m in missing], css="warn")]
    return write_text(out / "gallery.html", page.page("Gallery", head + body))
