"""How runs and sweeps show themselves in Jupyter: `Run._repr_html_` and `SweepResult._repr_html_`.

A run shows its key numbers (status, test metrics, vanishing ratios) and two figures, the gradient
norm per layer and the learning curves; a sweep shows its summary over seeds and the gradient norms
of its groups. Figures are embedded as small PNGs, like the reports (no TensorFlow here), in the
language of `HARNESS_LANG` (`%env HARNESS_LANG=ko` in a notebook draws them in Korean).
"""

import base64
import io

import matplotlib

from harness.report import page
from harness.report.draw.png import build_figure
from harness.report.draw.style import NothingToPlot
from harness.report.lang.catalog import translate_figure, translate_html
from harness.report.lang.font import font_rc
from harness.report.lang.setting import current
from harness.report.run.curves import plot_history
from harness.report.run.gradients import plot_grad_norms
from harness.report.run.summary import summary_rows  # the report's own rows

SWEEP_COLUMNS = ("test_accuracy", "test_rmse", "vanishing_ratio_init", "vanishing_ratio_final")


def run_html(run) -> str:
    """A `Run` as an HTML fragment: title, key numbers, gradient norms and learning curves."""
    model = run.config.get("model") or {}
    loss = (run.config.get("train") or {}).get("loss", "")
    figures = []
    for draw in (lambda: plot_grad_norms(run.layers, model.get("activation", "")),
                 lambda: plot_history(run.history, model.get("activation", ""), loss,
                                      run.summary.get("diverged_epoch"))):
        try:
            figures.append(_img(build_figure(draw), width=420))
        except NothingToPlot:
            continue
    rows = [row for row in summary_rows(run) if row[0] not in ("training", "data")]
    return translate_html(
        f'<div><h4>Run {page.esc(run.dir)} <span class="status {page.esc(run.status)}">'
        f"{page.esc(run.status)}</span></h4>{page.key_values(rows)}"
        f'<div style="display:flex;flex-wrap:wrap;gap:8px">{"".join(figures)}</div></div>')


def sweep_html(result) -> str:
    """A `SweepResult` as an HTML fragment: counts, the summary over seeds, its figures."""
    grid = list(result.experiment.grid)
    # ratios as their geometric mean over seeds (summary.csv's `_gmean`), as the page shows them
    columns = [f"{m}_gmean" if f"{m}_gmean" in result.summary else f"{m}_mean"
               for m in SWEEP_COLUMNS]
    shown = [*grid, "n", "n_completed",
             *(c for c in columns if c in result.summary and result.summary[c].notna().any())]
    failed = len(result.failed)
    paths = [result.dir / "sweep_ratio_by_depth.png", *sorted(result.dir.glob("sweep_grad_norms*"))]
    figures = [f'<img src="data:image/png;base64,{_b64(path.read_bytes())}" width="520">'
               for path in paths[:3] if path.is_file()]
    return translate_html(
        f"<div><h4>Sweep {page.esc(result.experiment.path.name)}: {len(result.runs)} runs "
        f"in {page.esc(result.dir)}</h4><p>trained now {result.trained}, failed {failed}; "
        f"report: {page.esc(result.report)}</p>{page.frame_table(result.summary[shown])}"
        f'<div style="display:flex;flex-wrap:wrap;gap:8px">{"".join(figures)}</div></div>')


def _img(figure, width: int) -> str:
    buffer = io.BytesIO()
    with matplotlib.rc_context(font_rc(current())):
        translate_figure(figure)
        figure.savefig(buffer, format="png", dpi=80)
    return f'<img src="data:image/png;base64,{_b64(buffer.getvalue())}" width="{width}">'


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")
