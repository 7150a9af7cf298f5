"""The one place the lesson build draws or takes a run's figures and copies them into the site.

A sweep's own figures (`sweep_*.png`) are written by the sweep; a run's figures are drawn from its
files by the report (`harness.report.html.build_report`), as `harness report RUN_DIR` does, when
the run was trained without them (sweeps and checks skip them). A Korean page's run figures are
drawn in Korean into the site's own folder (`in_language`): the run folder keeps its English report.
"""

import shutil
from pathlib import Path
from typing import NamedTuple

from harness.errors import HarnessError


class Placed(NamedTuple):
    """A figure as the site uses it: the file in the results, and its copy beside the pages."""

    original: Path
    copy: Path


def place_figure(source, name: str, run_dir: Path | None, lang: str, folder: Path) -> Placed:
    """Takes (drawing it when missing) a figure of a source and copies it into `folder`.

    Args:
        source: the `harness.lessons.results.Source`.
        name: the figure's file name (`grad_norms.png`, `sweep_ratio_by_depth.png`).
        run_dir: the run folder, or None for the sweep folder's own figure.
        lang: the page's language (`en`, `ko`): a run's figure is drawn in it (`in_language`);
            a sweep's own figures (`sweep_*.png`) are the sweep's, in the language it was run in.
        folder: where the site keeps it (the copy is rewritten only when its bytes changed, so
            Sphinx sees an unchanged figure as unchanged).

    Raises:
        HarnessError: the figure is not one the run or sweep draws (the ones it has are listed).
    """
    original = figure_file(source, name, run_dir, lang)
    if run_dir is not None and lang != "en":
        original = in_language(original, run_dir, lang, folder / ".drawn")
    copy = folder / original.name
    if not copy.is_file() or copy.read_bytes() != original.read_bytes():
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(original, copy)
    return Placed(original, copy)


def figure_file(source, name: str, run_dir: Path | None, lang: str) -> Path:
    """The PNG file `name` of a source's sweep (run_dir None) or of one of its runs.

    Args:
        source: the `harness.lessons.results.Source`.
        name: the figure's file name (`grad_norms.png`, `sweep_ratio_by_depth.png`).
        run_dir: the run folder, or None for the sweep folder's own figure.
        lang: the page's language (`en`, `ko`); this file is the run's English one
            (`place_figure` asks for the page's language).

    Returns:
        The path of the figure file (in the results, not copied).

    Raises:
        HarnessError: the figure is not one the run or sweep draws (the ones it has are listed).
    """
    folder = source.folder if run_dir is None else run_dir
    path = folder / name
    if run_dir is not None and not path.is_file():
        from harness.report.html import build_report

        build_report(run_dir)
    if not path.is_file():
        drawn = sorted(p.name for p in folder.glob("*.png"))
        raise HarnessError(f"{source.stem}: {folder} has no {name}; it has "
                           f"{', '.join(drawn) or 'no figure yet (train it first)'}")
    return path


def in_language(figure: Path, run_dir: Path, lang: str, drawn: Path) -> Path:
    """A run's figure in the page's language: its report drawn into `drawn`, never into the run
    folder (the English report there stays), and drawn again when the run is newer.

    Args:
        figure: the English figure in the run folder (`figure_file`).
        run_dir: the run folder.
        lang: the language (`ko`).
        drawn: the site's folder for the run's figures in that language.

    Returns:
        The figure in `lang`, or `figure` when the report does not draw it there.
    """
    path = drawn / figure.name
    finished = run_dir / "summary.json"
    if (not path.is_file() or finished.is_file()
            and path.stat().st_mtime < finished.stat().st_mtime):
        from harness.report.html import build_report

        build_report(run_dir, lang=lang, out_dir=drawn)
    return path if path.is_file() else figure
