"""`harness lessons build`: the lesson site, one static HTML tree per language, from checked runs.

Sphinx with MyST-Parser builds it: lessons stay plain Markdown a teacher can edit, Sphinx is the
pure-Python generator the Python documentation itself (and its Korean translation) is built with,
it rereads only the pages whose sources or results changed, and its HTML (the built-in alabaster
theme, search included) opens from `file://` with no server and nothing fetched from the network.

The build: read the lessons of each language (`lessons/<lang>/NN_name.md`), train what the
experiments and configs they rest on still miss (`results.train_missing`), lay the pages out in a
source folder beside the output (`<out>/.src/<lang>/`, files copied only when they changed, so
Sphinx sees what did), then Sphinx writes `<out>/<lang>/`; `<out>/index.html` picks a language.
Every problem (a number outside its band, a figure that is missing, a broken link, any Sphinx
warning) fails the build, and then its saved state is dropped so the next build reads every page.
"""

import io
import shutil
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from harness.base.files import note_written, remove_temporary
from harness.base.owned import check_ours, mark_ours, remove_ours
from harness.errors import HarnessError
from harness.lessons import glue
from harness.lessons.assets import embed_hangul, write_static
from harness.lessons.reference import config_keys_page
from harness.lessons.results import sources_of, train_missing
from harness.lessons.sources import LANGS, read_lessons

TITLES = {"en": ("Why activation functions matter: lessons from measured runs",
                 "Lessons", "Reference"),
          "ko": ("활성화 함수는 왜 중요한가: 직접 측정한 실행으로 배우기",
                 "강의", "참고 문서 (Reference, 영어)")}
INTROS = {
    "en": "Each lesson asks one question, gives the command that answers it, shows the figure "
          "and the numbers of a run checked by `harness check`, says why in a few lines of "
          "theory, and ends with exercises. The numbers are read from the runs when the site is "
          "built; one outside its `expect:` band stops the build.",
    "ko": "각 강의는 질문 하나로 시작합니다. 그 질문에 답하는 명령어, `harness check` 로 검증한 "
          "실행의 그림과 숫자, 짧은 이론 설명, 그리고 과제가 이어집니다. 숫자는 사이트를 빌드할 때 "
          "실행 결과에서 직접 읽어 오며, `expect:` 범위를 벗어난 숫자가 하나라도 있으면 빌드가 "
          "멈춥니다. 참고 문서(Reference)는 영어로 제공됩니다."}


@dataclass
class Built:
    """What a build made.

    Attributes:
        out: the site folder (`index.html`, `en/`, `ko/`).
        pages: language -> the lesson pages built (names).
        trained: sources that had runs to train.
        seconds: language -> seconds Sphinx took.
        problems: every problem found; the build failed when there is one.
    """

    out: Path
    pages: dict = field(default_factory=dict)
    trained: int = 0
    seconds: dict = field(default_factory=dict)
    problems: list = field(default_factory=list)


def build_site(root: Path, out: Path, langs=LANGS, only=None, results: Path | None = None,
               jobs=1, log=sys.stderr, force: bool = False) -> Built:
    """Builds the lesson site.

    Args:
        root: the folder holding `lessons/`, `configs/` and `experiments/` (the repository).
        out: the site folder (made if missing).
        langs: the languages to build.
        only: lesson names to build (None: all).
        results: where the runs are (default `<root>/results/lessons/`).
        jobs: runs of a sweep trained at a time.
        log: where progress goes (None: silent).
        force: write into `out` even when it is not a lesson site's folder.

    Returns:
        A `Built`; `problems` is empty when the build succeeded.

    Raises:
        ConfigError: a bad lesson file, an unknown `--only` name or language.
    """
    root = Path(root).resolve()
    out = check_ours(out, "lessons", "--out", force, "results/lessons").resolve()
    results = Path(results).resolve() if results else root / "results" / "lessons"
    lessons = {lang: read_lessons(root, lang, only) for lang in langs}
    sources = sources_of([lesson for group in lessons.values() for lesson in group], root, results)
    built = Built(out, trained=train_missing(sources, jobs=jobs, log=log))
    mark_ours(out, "lessons")
    raw = {stem: {"path": str(s.path), "experiment": s.experiment, "folder": str(s.folder)}
           for stem, s in sources.items()}
    for lang in langs:
        if log:
            print(f"lessons: building {lang} ({len(lessons[lang])} lessons) -> {out / lang}/",
                  file=log, flush=True)
        begun = time.time()
        other = [o for o in langs if o != lang]
        built.problems += _sphinx(root, out, lang, lessons[lang], raw,
                                  f"../{other[0]}" if other else "", log)
        built.pages[lang] = [lesson.name for lesson in lessons[lang]]
        built.seconds[lang] = time.time() - begun
    _front_page(out, langs)
    return built


def _sphinx(root: Path, out: Path, lang: str, lessons, sources: dict, other: str, log) -> list:
    """Lays out one language's sources and runs Sphinx on them; returns the problems."""
    from sphinx.application import Sphinx
    from sphinx.util.console import nocolor
    from sphinx.util.docutils import docutils_namespace, patch_docutils

    src = mark_ours(out / ".src" / lang, "lessons")  # records the lessons copied in (`_copy`)
    wanted = {"index.md", "reference", "_figures", "_static"} | {x.path.name for x in lessons}
    remove_ours(src, [item.name for item in src.iterdir() if item.name not in wanted],
                "a lesson left out by --only this time")
    for lesson in lessons:
        _copy(lesson.path, src / lesson.path.name)
    for page in sorted((root / "lessons" / "reference").glob("*.md")):
        _copy(page, src / "reference" / page.name)
    _write(src / "reference" / "config_keys.md", config_keys_page())
    _write(src / "index.md", _index(lang, lessons, src / "reference"))
    css = write_static(src / "_static")
    doctrees = out / ".doctrees" / lang
    warnings = io.StringIO()
    overrides = {
        "project": "harness", "language": lang, "root_doc": "index",
        "extensions": ["myst_parser", "harness.lessons.glue"],
        "myst_enable_extensions": ["colon_fence"], "myst_heading_anchors": 3,
        "html_theme": "alabaster", "html_title": TITLES[lang][0],
        "html_static_path": ["_static"], "html_css_files": css,
        "html_js_files": ["harness.js"], "html_copy_source": False,
        "html_show_copyright": False, "html_show_sourcelink": False,
        "html_theme_options": {"show_powered_by": False, "sidebar_width": "230px",
                               "page_width": "1100px"},
        "harness_sources": sources, "harness_lang": lang, "harness_other": other,
        "harness_lessons": {lesson.docname: {"rests_on": [Path(p).stem for p in lesson.rests_on],
                                             "expect": lesson.expect, "file": str(lesson.path)}
                            for lesson in lessons},
    }
    nocolor()
    try:  # a namespace of its own, as sphinx-build's: a second build in this process is clean
        with patch_docutils(src), docutils_namespace():
            app = Sphinx(str(src), None, str(out / lang), str(doctrees), "html",
                         confoverrides=overrides, status=None, warning=warnings, freshenv=False,
                         verbosity=0)
            app.build()
    except Exception as e:  # Sphinx wraps an extension's error; say it on one line
        remove_temporary(out / ".doctrees")
        raise HarnessError(f"lessons ({lang}): {type(e).__name__}: {e}") from None
    embed_hangul(out / lang)
    problems = list(glue.PROBLEMS) + [line for line in warnings.getvalue().splitlines()
                                       if line.strip()]
    if problems:  # reread every page next time, so no problem hides in a page's saved state
        remove_temporary(out / ".doctrees")
    return problems


def _index(lang: str, lessons, reference: Path) -> str:
    title, lessons_caption, reference_caption = TITLES[lang]
    pages = "\n".join(lesson.docname for lesson in lessons)
    refs = "\n".join(f"reference/{p.stem}" for p in sorted(reference.glob("*.md")))
    return (f"# {title}\n\n{INTROS[lang]}\n\n"
            f"```{{toctree}}\n:maxdepth: 1\n:caption: {lessons_caption}\n\n{pages}\n```\n\n"
            f"```{{toctree}}\n:maxdepth: 1\n:caption: {reference_caption}\n\n{refs}\n```\n")


def _front_page(out: Path, langs) -> None:
    links = "".join(f'<li><a href="{lang}/index.html">{TITLES[lang][0]}</a></li>'
                    for lang in langs)
    _write(out / "index.html", '<!DOCTYPE html><html><head><meta charset="utf-8">'
           f"<title>harness lessons</title></head><body><ul>{links}</ul></body></html>\n")


def _copy(source: Path, target: Path) -> None:
    """Copies a file only when its bytes changed, keeping its time (Sphinx rereads by time)."""
    if target.is_file() and target.read_bytes() == source.read_bytes():
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    note_written(target)  # before it exists, as every write of the harness
    shutil.copy2(source, target)


def _write(target: Path, text: str) -> None:
    if target.is_file() and target.read_text(encoding="utf-8") == text:
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    note_written(target)
    target.write_text(text, encoding="utf-8")
