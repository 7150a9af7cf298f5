"""Every run gets a report: PNG figures and a self-contained `report.html` in the run folder.

`build_report` only reads the run's files (`results/README.md`), so it also rebuilds the report of
an old run, and it never imports TensorFlow. A run that diverged, failed, was interrupted or ran 0
epochs still gets a report: figures that cannot be drawn are skipped and the page says why.
"""

import os
from pathlib import Path

from harness.base.files import write_text
from harness.base.frames import last_epoch, masked_counts
from harness.report import page
from harness.report.entry import draw_entries
from harness.report.lang.setting import using
from harness.report.run import captions
from harness.report.run.figures import RunFiles, run_figures
from harness.report.run.summary import summary_rows, where_diverged
from harness.rundir.run import Run, load_run


def build_report(run_dir: str | os.PathLike | Run, lang: str | None = None,
                 out_dir: str | os.PathLike | None = None, jobs: int | None = None) -> Path:
    """Writes the figures and `report.html` of one run into its folder.

    The figures are the entries of `harness.report.run.figures.RUN_FIGURES` that apply to the
    run, in that order after the model type's headline figures (`run_figures`); an entry that
    applies but cannot be drawn from the run's files is a note.

    Args:
        run_dir: a run folder written by `python -m harness run`, or a `Run` already in memory
            (the runner passes one so that the report exists before `summary.json` is written).
        lang: `"en"` or `"ko"`: the language of the figures and the page; `None` is the setting
            (`HARNESS_LANG`, else English; `harness.report.lang.setting`).
        out_dir: where the figures and `report.html` go (made if missing); `None` is the run
            folder. The lessons draw a run's figures in Korean beside the English ones this way.
        jobs: processes drawing the figures at once (`harness.report.entry.draw_entries`):
            None, one per core; 1, one after another here (a sweep's report helper, which draws
            while the next run trains).

    Returns:
        The path of `report.html`. Beside it: `grad_norms.png`, `grad_heatmap.png`,
        `update_ratio.png`, `histograms.png`, `history.png`, `activations.png`; for Dense
        stacks the mean-field recursion describes, `theory.png` and `jacobians.png`; for toy data
        `boundary.png`, `boundary_epochs.png`, `boundary.gif` and `neurons.png`; for recurrent
        runs `time.png` and `time_heatmap.png`; for image data `first_layer_weights.png` (conv:
        conv_1's filters), conv `feature_maps.png` (each only when the run's files hold what it
        needs).

    Example:
        >>> build_report("results/sigmoid_deep/sigmoid-d8-s0-20250101-120000")
        PosixPath('results/sigmoid_deep/sigmoid-d8-s0-20250101-120000/report.html')
    """
    run = run_dir if isinstance(run_dir, Run) else load_run(run_dir)
    folder = run.dir if out_dir is None else Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    with using(lang):
        return _write_report(run, folder, jobs)


def _write_report(run: Run, folder: Path, jobs: int | None) -> Path:
    files = RunFiles(run)
    notes = _status_notes(run)
    drawn = draw_entries(run_figures(files.model), files, folder, jobs=jobs)
    notes += drawn.notes + _masking_notes(run.layers)
    badge, css = captions.verdict(run.summary, run.status)

    activation, depth = files.activation, files.model.get("depth", "?")
    name = run.config.get("name") or run.dir.name
    body = [f"<h1>{page.esc(name)}</h1>",
            f'<p class="sub">{page.esc(activation)}, depth {page.esc(depth)} '
            f'<span class="status {page.esc(css)}">{page.esc(badge)}</span>'
            f"<br><code>{page.esc(run.dir)}</code></p>",
            page.notes(notes),
            "<h2>Summary</h2>", page.key_values(summary_rows(run)),
            "<h2>Figures</h2>", *drawn.figures,
            "<h2>Resolved config</h2>", f"<pre>{page.esc(_config_text(run))}</pre>",
            "<h2>Versions and command</h2>", page.key_values(_meta_rows(run.meta))]
    title = f"{name}: {activation}, depth {depth} ({badge})"
    return write_text(folder / "report.html", page.page(title, body))


def _status_notes(run: Run) -> list[str]:
    summary, status = run.summary, run.status
    notes = []
    if status == "diverged":
        notes.append(f"The run diverged (a NaN appeared) at {where_diverged(summary)}. The "
                     "figures show what was recorded; non-finite values are left out or masked.")
    elif status == "failed":
        notes.append(f"The run failed: {summary.get('error', 'no error recorded')}.")
    elif status == "interrupted":
        notes.append(f"The run was interrupted after {summary.get('epochs_run', '?')} epoch(s).")
    elif status != "completed":
        notes.append("No summary.json: the run is still going, or was killed before it finished.")
    if last_epoch(run.layers) == 0:
        notes.append("No training epoch was recorded: the figures show the network at "
                     "initialisation (epoch 0) only.")
    return notes


def _masking_notes(layers) -> list[str]:
    counts = {m: masked_counts(layers, m) for m in ("grad_norm", "preact_grad_norm")}
    zeros = ", ".join(f"{z} {m}" for m, (z, _) in counts.items() if z)
    missing = ", ".join(f"{n} {m}" for m, (_, n) in counts.items() if n)
    notes = []
    if zeros:
        notes.append(f"Gradient norms exactly 0 ({zeros} values): no gradient passes, as with a "
                     "step activation. A log scale cannot show 0: they are masked grey in the "
                     "heatmaps and drawn as triangles on the bottom edge of the per-layer plot.")
    if missing:
        notes.append(f"Gradient norms NaN or infinite ({missing} values): masked grey.")
    return notes


def _meta_rows(meta: dict) -> list[tuple[str, str, str]]:
    rows = [(key, meta[key], "") for key in ("harness", "tensorflow", "keras", "python", "numpy",
                                              "platform", "started", "finished") if key in meta]
    command = meta.get("command")
    if command:  # a re-runnable string; runs recorded before that, a list of arguments
        rows.append(("command", command if isinstance(command, str)
                     else " ".join(map(str, command)), ""))
    return rows or [("meta.json", "missing", "")]


def _config_text(run: Run) -> str:
    path = run.dir / "config.yaml"
    return path.read_text() if path.is_file() else ""
