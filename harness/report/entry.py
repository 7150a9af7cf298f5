"""A page's figures as a table: each figure one `FigureEntry`, every table drawn by one loop.

The run report (`harness.report.run.figures`), the comparison (`harness.report.compare.figures`)
and the sweep page (`harness.sweeps.figures`) each declare their figures as a tuple of entries, in
page order, and hand it to `draw_entries`; a new figure is one entry in one table.

    drawn = draw_entries(RUN_FIGURES, RunFiles(run), run.dir)
    body += drawn.figures      # one <figure> per entry that applies and could be drawn
    notes += drawn.notes       # "Learning curves: not drawn: history.csv has no rows."
"""

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any, NamedTuple

from harness.base.files import note_written, write_bytes
from harness.base.owned import remove_ours
from harness.report import page
from harness.report.draw.png import build_figure, old_objects_frozen, save_figure
from harness.report.draw.style import NothingToPlot
from harness.report.draw.tasks import default_jobs, forked_map


def always(_source) -> bool:
    """The `applies` of a figure every page of its kind shows (or says why it could not draw)."""
    return True


@dataclass(frozen=True, kw_only=True)
class FigureEntry:
    """One figure of a page, declared: its file, which sources it applies to, how it is drawn,
    its title and caption.

    A page's figures are a tuple of these in page order, and everything that handles figures
    loops over that tuple: `draw_entries` (which times each figure and draws them concurrently);
    a second language for titles and captions, and a live page that redraws a running run's
    figures next. Keep an entry this small and frozen (a file name and four functions of the
    source) so that each of those stays one loop over the same table, and a new figure one entry.

    The source is whatever the page draws from: a run's files (`harness.report.run.figures`),
    the runs of a comparison, one facet of a sweep. `applies` looks only at what the source holds
    (its files and tables), never at its config's model type: draw only what a run has.

    Attributes:
        name: the file the figure is written to, beside the page, e.g. `"grad_norms.png"`; a
            `.gif` entry's `draw` returns the finished image's bytes.
        title: the figure's heading, or source -> heading.
        draw: source -> a matplotlib `Figure` (or a GIF's bytes); raises `NothingToPlot` saying
            why it cannot draw from this source, which the page then shows in the figure's place.
        caption: what the figure shows and how to read it, or source -> that text, computed from
            the numbers the figure draws so that it is true of this source.
        applies: source -> whether the page has this figure at all (by default it always has).
    """

    name: str
    title: str | Callable[[Any], str]
    draw: Callable[[Any], Any]
    caption: str | Callable[[Any], str] = ""
    applies: Callable[[Any], bool] = always

    def title_for(self, source) -> str:
        """The title for this source."""
        return self.title(source) if callable(self.title) else self.title

    def caption_for(self, source) -> str:
        """The caption for this source."""
        return self.caption(source) if callable(self.caption) else self.caption

    def file(self, suffix: str = "") -> str:
        """The file name, `suffix` before its extension: `sweep_history_depth=5.png`."""
        name = Path(self.name)
        return f"{name.stem}{suffix}{name.suffix}"


def lead(entries: Sequence[FigureEntry], first: Sequence[str]) -> tuple[FigureEntry, ...]:
    """The table with the entries named in `first` (file names) moved to the front, in that
    order, the rest in theirs: a model type's headline figures first on its pages
    (`harness.models.model_type.ModelType.lead_figures`). Names the table lacks are skipped."""
    named = {entry.name: entry for entry in entries}
    front = [named[name] for name in dict.fromkeys(first) if name in named]
    return (*front, *(entry for entry in entries if entry not in front))


class Drawn(NamedTuple):
    """What `draw_entries` made of a table, in table order."""

    figures: list[str]  # the page's `<figure>` blocks, image embedded
    notes: list[str]  # one "<title>: not drawn: <reason>." per entry that applied but could not
    files: list[str]  # the names of the files written
    seconds: dict[str, float]  # file name -> wall seconds to draw and write it (or to fail)
    cpu_seconds: dict[str, float]  # the same in CPU time of the process that drew it


class _Outcome(NamedTuple):
    """One entry drawn (in whichever process drew it): its `<figure>` or its note."""

    figure: str | None
    note: str | None
    file: str
    seconds: float
    cpu_seconds: float


def draw_entries(entries: Sequence[FigureEntry], source, folder: Path,
                 suffix: str = "", jobs: int | None = None) -> Drawn:
    """Draws every entry that applies to `source` into `folder`; the page keeps table order.

    An entry that applies but cannot be drawn (`NothingToPlot`) gets a note instead, and the file
    an earlier page left under its name is removed: a stale figure would mislead.

    The entries are independent tasks: with more than one job they are drawn at the same time in
    processes forked from this one (`harness.report.draw.tasks`), each writing its own file, and
    the files are the same bytes as drawn one after another. Any other exception a drawing raises
    is raised here, as a loop would (the others are still drawn).

    Args:
        entries: the page's table.
        source: what the entries' functions take (a run's files, a comparison's runs, ...).
        folder: where the files go, beside the page.
        suffix: put before each file's extension (a sweep draws its table once per facet).
        jobs: processes that draw; None: one per core (`tasks.default_jobs`), 1: here, in order.

    Returns:
        The figures, notes and written files, and each entry's drawing time, as `Drawn`.
    """
    applying = [entry for entry in entries if entry.applies(source)]
    jobs = default_jobs(len(applying)) if jobs is None else jobs
    with old_objects_frozen():
        for entry in applying:  # the marker is written here, once: the drawing processes
            note_written(folder / entry.file(suffix))  # only write their own files
        outcomes = forked_map(lambda i: _draw(applying[i], source, folder, suffix),
                              len(applying), jobs)
    # A stale figure of an earlier page would mislead: removed here, not in the processes above.
    remove_ours(folder, [o.file for o in outcomes if o.figure is None], "an earlier figure")
    return Drawn(figures=[o.figure for o in outcomes if o.figure is not None],
                 notes=[o.note for o in outcomes if o.note is not None],
                 files=[o.file for o in outcomes if o.figure is not None],
                 seconds={o.file: o.seconds for o in outcomes},
                 cpu_seconds={o.file: o.cpu_seconds for o in outcomes})


def _draw(entry: FigureEntry, source, folder: Path, suffix: str) -> _Outcome:
    start, cpu = time.perf_counter(), time.process_time()
    title, path = entry.title_for(source), folder / entry.file(suffix)
    try:
        image = build_figure(partial(entry.draw, source))
    except NothingToPlot as reason:
        return _Outcome(None, f"{title}: not drawn: {reason}.", path.name,
                        time.perf_counter() - start, time.process_time() - cpu)
    written = (write_bytes(path, image) if isinstance(image, bytes)
               else save_figure(path, image))
    figure = page.figure(written, title, entry.caption_for(source))
    return _Outcome(figure, None, written.name, time.perf_counter() - start,
                    time.process_time() - cpu)
