"""The Sphinx extension that puts checked runs into lesson pages (MyST-NB's `glue`, for runs).

In a lesson's Markdown:

    at depth 10 it is {harness}`vanishing_gradients@activation=sigmoid,depth=10:test_accuracy`

    ```{harness-figure} vanishing_gradients:sweep_ratio_by_depth.png
    The vanishing ratio against depth, one line per activation.
    ```

A role's text is `SOURCE[@CELL]:KEY[|FORMAT]`: SOURCE a stem the page `rests_on`, CELL the grid
values that pick one sweep cell (short keys: `activation=sigmoid`), KEY a `summary.csv` metric
(its mean over seeds) or `summary.json` key, FORMAT a Python format spec (`.0%`). The number must
have an `expect:` band (the source's or the lesson's) and meet it, or the build fails: a page
never quotes a number its runs no longer measure. A figure's argument is `SOURCE[@CELL[,seed=N]]:
FILE`: a sweep's own figure (`sweep_*.png`), or a figure of one run (a config's run, or a sweep
cell's run, seed N or the first), drawn from its files when missing (`figures.figure_file`).

Every lesson page also gets the line saying where its numbers were measured, and, when both
languages are built, a link to the same page in the other one.
"""

import math
import re
from pathlib import Path

from docutils import nodes
from docutils.parsers.rst.directives.images import Figure

from harness.errors import HarnessError
from harness.lessons.figures import place_figure
from harness.lessons.results import Measured, Source, measured_on, split_where

WORDS = {
    "en": {"measured": "Numbers on this page were measured with harness {harness} (TensorFlow "
                       "{tensorflow}, Keras {keras}, Python {python}) on {platform}, runs "
                       "finished {finished}; each is checked against its expect: band whenever "
                       "the page is built.",
           "other": "한국어", "met": "met", "band": "expect"},
    "ko": {"measured": "이 페이지의 숫자는 harness {harness} (TensorFlow {tensorflow}, Keras "
                       "{keras}, Python {python}), {platform} 에서 측정한 값입니다 (실행 완료 "
                       "{finished}). 페이지를 빌드할 때마다 각 숫자가 expect: 범위 안에 있는지 "
                       "검사합니다.",
           "other": "English", "met": "충족", "band": "expect"},
}
_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")
# One build at a time (the lesson build runs Sphinx once per language, one after the other):
# `setup` empties both when Sphinx starts. PROBLEMS is what the build reports; CACHE holds each
# page's view of its sources, read once per build.
PROBLEMS: list[str] = []
CACHE: dict = {}


def setup(app):
    """Registers the role, the directive and the settings the lesson build passes."""
    app.add_config_value("harness_sources", {}, "env", dict)
    app.add_config_value("harness_lessons", {}, "env", dict)
    app.add_config_value("harness_lang", "en", "env", str)
    app.add_config_value("harness_other", "", "env", str)
    app.add_role("harness", quote_role)
    app.add_directive("harness-figure", HarnessFigure)
    app.connect("source-read", _decorate)
    PROBLEMS.clear()
    CACHE.clear()
    return {"parallel_read_safe": False, "parallel_write_safe": True}


def format_number(value: float, spec: str = "") -> str:
    """`6.1e-07` -> `6.1 × 10⁻⁷`; plain digits between 0.01 and 1e4; or a format spec (`.0%`)."""
    if spec:
        return format(value, spec)
    if value == 0 or not math.isfinite(value) or 1e-2 <= abs(value) < 1e4:
        return f"{value:.3g}"
    mantissa, exponent = f"{value:.1e}".split("e")
    return f"{mantissa} × 10{str(int(exponent)).translate(_SUPERSCRIPT)}"


def measured(env, stem: str) -> Measured:
    """The source `stem` as the current page sees it (with the page's own bands)."""
    docname = env.docname
    lesson = env.config.harness_lessons.get(docname, {})
    if stem not in lesson.get("rests_on", []):
        raise HarnessError(f"{stem}: not a source of this page; add it to rests_on: "
                           f"({', '.join(lesson.get('rests_on', [])) or 'none yet'})")
    key = (docname, stem)
    if key not in CACHE:
        raw = env.config.harness_sources[stem]
        source = Source(stem, Path(raw["path"]), raw["experiment"], Path(raw["folder"]))
        CACHE[key] = Measured(source, lesson.get("expect", {}).get(stem), docname)
    return CACHE[key]


def quote_role(name, rawtext, text, lineno, inliner, options=None, content=None):
    """`{harness}` role: the number, with its source and band as the hover text."""
    env = inliner.document.settings.env
    where_to = f"{_file(env)}:{lineno}"
    try:
        head, _, spec = text.partition("|")
        target, _, key = head.rpartition(":")
        stem, _, where = target.partition("@")
        source = measured(env, stem.strip())
        quote = source.quote(key.strip(), where.strip())
        for file in quote.files:
            env.note_dependency(file)
        shown = format_number(quote.value, spec.strip())
    except HarnessError as e:
        PROBLEMS.append(f"{where_to}: {{harness}}`{text}`: {e}")
        return [nodes.problematic(rawtext, rawtext)], []
    if not quote.met:
        PROBLEMS.append(
            f"{where_to}: {{harness}}`{text}` is {quote.value:.4g}, outside its expect: band "
            f"({', '.join(quote.bands)}): the runs no longer show what the page says; update the "
            "page and its band, or find out what changed")
    hover = (f"{stem}{' (' + quote.cell + ')' if quote.cell else ''}: {key.strip()} = "
             f"{quote.value:.4g}; expect {', '.join(quote.bands)}")
    return [nodes.abbreviation(shown, shown, explanation=hover, classes=["harness-number"])], []


class HarnessFigure(Figure):
    """`{harness-figure}`: a figure of a checked run, copied into the site (see the module)."""

    def run(self):
        env = self.state.document.settings.env
        where_to = f"{_file(env)}:{self.lineno}"
        target, _, name = self.arguments[0].rpartition(":")
        stem, _, where = target.partition("@")
        try:
            source = measured(env, stem.strip())
            run_dir = None
            if where or not source.source.experiment:
                run_dir = _run_folder(source, where)
            label = re.sub(r"[^A-Za-z0-9_.-]+", "_", f"{stem}-{where}" if where else stem)
            placed = place_figure(source.source, name.strip(), run_dir, env.config.harness_lang,
                                  Path(env.srcdir) / "_figures" / label)
        except HarnessError as e:
            PROBLEMS.append(f"{where_to}: harness-figure {self.arguments[0]}: {e}")
            return [nodes.problematic(self.block_text, self.block_text)]
        env.note_dependency(str(placed.original))
        self.arguments[0] = f"/_figures/{label}/{placed.copy.name}"
        path = placed.original
        self.options.setdefault("alt", f"{stem} {where} {path.stem}".strip())
        return super().run()


def _run_folder(source: Measured, where: str) -> Path:
    """The run folder a figure names: a config's run, or a sweep cell's (seed N or the first)."""
    if not source.source.experiment:
        if where:
            raise HarnessError(f"{source.source.stem}: a config has one run; drop @{where}")
        return source.source.folder
    parts = split_where(where)
    seeds = [p for p in parts if p.strip().startswith("seed=")]
    seed = int(seeds[0].partition("=")[2]) if seeds else source.exp.seeds[0]
    index = source.cell_index(",".join(p for p in parts if p not in seeds))
    group = source.groups[index]
    for point in source.exp.points:
        if point.group == group and point.seed == seed:
            return source.source.folder / point.folder
    raise HarnessError(f"{source.source.stem}@{where}: no run with seed {seed}; the seeds are "
                       f"{source.exp.seeds}")


def _file(env) -> str:
    """The lesson file a page was laid out from (errors name it, not the build's copy)."""
    return env.config.harness_lessons.get(env.docname, {}).get("file") or str(
        env.doc2path(env.docname))


def _decorate(app, docname, content):
    """Adds the measured-on line to every lesson page and the other language's link."""
    lesson = app.config.harness_lessons.get(docname)
    if lesson is None:
        return
    words = WORDS[app.config.harness_lang]
    text = content[0]
    if app.config.harness_other:
        link = (f'<p class="harness-lang"><a href="{app.config.harness_other}/{docname}.html">'
                f'{words["other"]}</a></p>\n\n')
        text = link + text if not text.startswith("---") else _after_front(text, link)
    for stem in lesson["rests_on"]:
        raw = app.config.harness_sources[stem]
        source = Source(stem, Path(raw["path"]), raw["experiment"], Path(raw["folder"]))
        on = measured_on(source)
        if on:
            text += "\n\n```{admonition} " + stem + "\n:class: harness-measured\n" + (
                words["measured"].format(**{k: v or "?" for k, v in on.items()})) + "\n```\n"
    content[0] = text


def _after_front(text: str, insert: str) -> str:
    end = text.index("\n---\n", 3) + 5
    return text[:end] + "\n" + insert + text[end:]
