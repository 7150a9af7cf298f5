"""The report's figures are declared in tables (issue 24): the page draws exactly the table's
entries that apply to a run, in table order, and a new figure is one entry."""

import dataclasses
import html as html_text
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from fake_runs import make_run
from matplotlib.figure import Figure

from harness.base.files import write_bytes
from harness.base.owned import mark_ours
from harness.report import page
from harness.report.compare.figures import COMPARE_FIGURES
from harness.report.draw.style import NothingToPlot
from harness.report.entry import FigureEntry, draw_entries
from harness.report.html import build_report
from harness.report.run.figures import RUN_FIGURES, RunFiles
from harness.rundir.run import load_run
from harness.sweeps.figures import FACET_FIGURES, SWEEP_FIGURES

ROOT = Path(__file__).resolve().parents[2]


def _as_conv(run_dir: Path) -> Path:
    """A fake image run turned into what a conv run's folder holds: conv_k layers, feature maps,
    and conv keys in its config, whose `model.type` stays `dense`: the page reads the files."""
    for name in ("layers.csv", "histograms.csv"):
        frame = pd.read_csv(run_dir / name)
        frame["layer"] = frame["layer"].str.replace("hidden_", "conv_")
        frame.to_csv(run_dir / name, index=False)
    rows = [(layer, c, r, k, float(r * k + c)) for layer, side in (("input", 8), ("conv_1", 4))
            for c in range(2) for r in range(side) for k in range(side)]
    pd.DataFrame(rows, columns=["layer", "channel", "row", "col", "value"]).to_csv(
        run_dir / "feature_maps.csv", index=False)
    config = yaml.safe_load((run_dir / "config.yaml").read_text())
    config["model"].update(filters=4, kernel_size=3, pool=[2])
    (run_dir / "config.yaml").write_text(yaml.safe_dump(config))
    return run_dir


def _as_recurrent(run_dir: Path) -> Path:
    """A fake run with a recurrent run's `timesteps.csv` beside its files."""
    rows = [(epoch, "rnn_1", step, "h_grad_norm", 0.5 ** (10 - step) * (1 + epoch))
            for epoch in (0, 1, 2) for step in range(1, 11)]
    pd.DataFrame(rows, columns=["epoch", "layer", "step", "metric", "value"]).to_csv(
        run_dir / "timesteps.csv", index=False)
    return run_dir


RUNS = {
    "toy": lambda d: make_run(d, activation="sigmoid"),
    "conv": lambda d: _as_conv(make_run(d, image=True, activation="sigmoid")),
    "recurrent": lambda d: _as_recurrent(make_run(d, task="regression")),
    "old folder": lambda d: make_run(d, recorded="old"),
}
SAYS = {  # what the page says of a run, read from its files, not from its config's model.type
    "conv": ["<h3>conv_1's filters</h3>", "3 x 3 filters drawn as images", "conv_1 gets",
             "conv layers x 4 filters 3 x 3, 2 x 2 max-pools after conv 2"],
    "toy": ["hidden_1 gets", "5 hidden x 16 units"],
}


@pytest.mark.parametrize("kind", RUNS)
def test_the_page_draws_the_entries_that_apply_in_table_order(tmp_path, kind):
    run_dir = RUNS[kind](tmp_path / "run")
    files = RunFiles(load_run(run_dir))
    text = build_report(run_dir).read_text()
    applying = [e for e in RUN_FIGURES if e.applies(files)]
    not_drawn = [e for e in applying if f"{page.esc(e.title_for(files))}: not drawn: " in text]
    drawn = [e for e in applying if e not in not_drawn]
    assert re.findall(r'<figure id="([^"]+)">', text) == [
        e.name.replace(".", "_") for e in drawn]
    assert text.count("<img ") == len(drawn)
    for entry in drawn:  # its title and the caption computed for this run, under its image
        assert f"<h3>{page.esc(entry.title_for(files))}</h3>" in text
        assert f"<figcaption>{page.esc(entry.caption_for(files))} " in text
    written = {p.name for p in run_dir.iterdir() if p.suffix in (".png", ".gif")}
    assert written == {e.name for e in drawn}
    assert drawn, "every kind of run gets figures"
    assert all(words in html_text.unescape(text) for words in SAYS.get(kind, []))


def test_a_new_figure_is_one_entry_of_a_table(tmp_path):
    def line(n) -> Figure:
        fig = Figure(figsize=(2, 2))
        fig.subplots().plot(np.arange(n))
        return fig

    def cannot(_):
        raise NothingToPlot("nothing recorded")

    mark_ours(tmp_path, "compare")  # a page's folder, as every command marks it
    write_bytes(tmp_path / "gone_x.png", b"an earlier page's figure")
    (tmp_path / "never_x.png").write_bytes(b"the user's")  # not the harness's: stays
    table = (
        FigureEntry(name="line.png", title="A line", draw=line,
                    caption=lambda n: f"{n} points."),
        FigureEntry(name="never.png", title="Never", draw=line, applies=lambda n: n > 100),
        FigureEntry(name="gone.png", title="Gone", draw=cannot),
        FigureEntry(name="still.gif", title=lambda n: f"{n} frames", draw=lambda n: b"GIF89a"),
    )
    drawn = draw_entries(table, 5, tmp_path, suffix="_x")
    assert drawn.files == ["line_x.png", "still_x.gif"]
    assert drawn.notes == ["Gone: not drawn: nothing recorded."]
    assert [re.search(r"<h3>(.*)</h3>", f).group(1) for f in drawn.figures] == ["A line",
                                                                              "5 frames"]
    assert "<figcaption>5 points. " in drawn.figures[0]
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith(".")) == [
        "line_x.png", "never_x.png", "still_x.gif"]
    assert (tmp_path / "line_x.png").read_bytes()[:4] == b"\x89PNG"


@pytest.mark.parametrize("table", [RUN_FIGURES, COMPARE_FIGURES, SWEEP_FIGURES + FACET_FIGURES])
def test_entries_are_frozen_and_name_one_file_each(table):
    names = [entry.name for entry in table]
    assert len(set(names)) == len(names)
    with pytest.raises(dataclasses.FrozenInstanceError):
        table[0].name = "other.png"


def test_report_code_reads_no_model_type():
    # Which figures a run gets is decided by what its folder holds (issue 24). The type is read
    # only to ask its registry entry which figures lead its pages (issue 28: a recurrent page
    # opens with time.png), never to choose or draw one.
    sweeps = ROOT / "harness" / "sweeps"
    sources = [*(ROOT / "harness" / "report").rglob("*.py"), sweeps / "report.py",
               sweeps / "figures.py"]
    found = [f"{path.relative_to(ROOT)}: {line.strip()}" for path in sources
             for line in path.read_text().splitlines()
             if re.search(r"""get\(["']type["']\)|\.type\b|\[["']type["']\]""", line)
             and "lead_figures(" not in line]
    assert found == []
