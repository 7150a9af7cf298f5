"""A page's figures drawn concurrently (issue 25): forked processes draw the same files and the
same page as one loop, time each figure, and a figure that fails is reported as before."""

import os
import shutil
import sys

import numpy as np
import pytest
from fake_runs import make_run
from matplotlib.figure import Figure

from harness.report.draw.style import NothingToPlot
from harness.report.draw.tasks import default_jobs, forked_map
from harness.report.entry import FigureEntry, draw_entries
from harness.report.html import build_report
from harness.report.run.figures import RUN_FIGURES, RunFiles
from harness.rundir.run import load_run

linux_only = pytest.mark.skipif(sys.platform != "linux", reason="figures are forked on Linux")


def _images(folder):
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())
            if p.suffix in (".png", ".gif")}


@linux_only
@pytest.mark.parametrize("kind", ["toy", "image"])
def test_concurrent_report_is_the_sequential_report(tmp_path, kind):
    one = make_run(tmp_path / "one", activation="sigmoid", image=kind == "image")
    two = shutil.copytree(one, tmp_path / "two")
    page_one = build_report(one, jobs=1).read_text()
    page_two = build_report(two, jobs=2).read_text()
    assert page_two.replace(str(two), str(one)) == page_one
    assert _images(two) == _images(one) and len(_images(one)) >= 8


def _line(n) -> Figure:
    fig = Figure(figsize=(2, 2))
    fig.subplots().plot(np.arange(n))
    return fig


def _broken(_):
    raise ValueError("a plotting bug")


def _nothing(_):
    raise NothingToPlot("nothing recorded")


TABLE = (FigureEntry(name="a.png", title="A", draw=_line),
         FigureEntry(name="never.png", title="Never", draw=_broken, applies=lambda n: n > 100),
         FigureEntry(name="gone.png", title="Gone", draw=_nothing),
         FigureEntry(name="bad.png", title="Bad", draw=_broken),
         FigureEntry(name="b.png", title="B", draw=_line))


@linux_only
def test_a_failing_figure_raises_as_in_a_loop_and_the_others_are_drawn(tmp_path):
    with pytest.raises(ValueError, match="a plotting bug"):
        draw_entries(TABLE, 5, tmp_path, jobs=2)
    # its neighbours were drawn; the one that cannot be drawn left no file
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.png", "b.png"]


@pytest.mark.parametrize("jobs", [1, 2])
def test_each_figure_is_timed_and_notes_keep_table_order(tmp_path, jobs):
    drawn = draw_entries(TABLE[:3] + TABLE[4:], 5, tmp_path, jobs=jobs)
    assert drawn.files == ["a.png", "b.png"]
    assert drawn.notes == ["Gone: not drawn: nothing recorded."]
    # every entry that applies, drawn or not, and only those
    assert list(drawn.seconds) == list(drawn.cpu_seconds) == ["a.png", "gone.png", "b.png"]
    assert all(s > 0 for s in drawn.seconds.values())
    assert drawn.seconds["a.png"] > drawn.seconds["gone.png"]  # a drawing costs more than a note


@linux_only
def test_a_report_whose_figure_fails_raises_it_and_writes_no_page(tmp_path, monkeypatch):
    # the runner turns this into "warning: report not written (ValueError: a plotting bug)"
    run_dir = make_run(tmp_path / "run")
    bad = (*RUN_FIGURES[:2], FigureEntry(name="bad.png", title="Bad", draw=_broken))
    monkeypatch.setattr("harness.report.html.run_figures", lambda model: bad)
    with pytest.raises(ValueError, match="a plotting bug"):
        build_report(run_dir)
    assert not (run_dir / "report.html").exists()
    assert (run_dir / "grad_heatmap.png").is_file()


@linux_only
def test_forked_map_keeps_order_runs_elsewhere_and_takes_lambdas():
    here = os.getpid()
    pids = forked_map(lambda i: (i * i, os.getpid()), 5, jobs=2)
    assert [square for square, _ in pids] == [0, 1, 4, 9, 16]
    assert here not in {pid for _, pid in pids}
    assert forked_map(lambda i: os.getpid(), 3, jobs=1) == [here] * 3


@linux_only
def test_no_forking_inside_a_worker():
    # a worker of a pool (a sweep's --jobs, or a figure task) draws its figures itself
    assert default_jobs(12) >= 1
    assert forked_map(lambda i: default_jobs(12), 2, jobs=2) == [1, 1]
    assert default_jobs(1) == 1


def test_the_run_table_applies_by_files_the_concurrent_path_reads(tmp_path):
    # RunFiles reads tables lazily: a forked task reads its own, and the parent's stay valid
    run_dir = make_run(tmp_path / "run")
    files = RunFiles(load_run(run_dir))
    drawn = draw_entries(RUN_FIGURES, files, run_dir)
    assert set(drawn.seconds) == {e.name for e in RUN_FIGURES if e.applies(files)}
    assert files.table("points") is not None
