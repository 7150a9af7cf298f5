"""Lesson files: Markdown with a front matter that names the runs the page rests on.

A lesson is `lessons/<lang>/<NN>_<name>.md` (`NN` orders the course, `name` is what `--only`
takes). Its front matter, between `---` lines at the top, says which shipped experiments or configs
its numbers and figures come from, and may add `expect:` bands of its own for numbers it quotes:

    ---
    rests_on: [experiments/vanishing_gradients.yaml, configs/sigmoid_deep.yaml]
    expect:
      vanishing_gradients:
        - where: {model.activation: sigmoid, model.depth: 2}
          vanishing_ratio_init: [">= 0.01", "<= 1"]
    ---

Paths are relative to the folder that holds `lessons/` (the repository). A source is named in the
page by its file's stem (`vanishing_gradients`).
"""

import re
from dataclasses import dataclass, field
from pathlib import Path

from harness.base.yamlfile import parse_yaml
from harness.errors import ConfigError

LANGS = ("en", "ko")
_FRONT = re.compile(r"\A---\n(.*?)\n---\n", re.S)
_NAME = re.compile(r"\A(\d+)_([a-z0-9_]+)\Z")


@dataclass(frozen=True)
class Lesson:
    """One lesson page.

    Attributes:
        path: the Markdown file.
        name: its name without the order prefix (`vanishing_depth`).
        order: the prefix's number: the course's order.
        title: its first `# ` heading.
        rests_on: the experiment and config files its numbers come from.
        expect: source stem -> the lesson's own `expect:` block for that source (raw YAML).
    """

    path: Path
    name: str
    order: int
    title: str
    rests_on: tuple
    expect: dict = field(default_factory=dict)

    @property
    def docname(self) -> str:
        return self.path.stem


def read_lessons(root: Path, lang: str, only: list[str] | None = None) -> list[Lesson]:
    """The lessons of one language, in course order.

    Args:
        root: the folder holding `lessons/` (the repository).
        lang: `en` or `ko`: the folder `lessons/<lang>/`.
        only: lesson names to keep (None: all).

    Raises:
        ConfigError: a badly named file, a bad front matter, a source that is not there, or a
            name in `only` that no lesson has (with the names there are).
    """
    folder = root / "lessons" / lang
    if not folder.is_dir():
        raise ConfigError(f"{folder}: no such folder; lessons live in lessons/<lang>/ "
                          f"(languages: {', '.join(LANGS)})")
    lessons = [read_lesson(path, root) for path in sorted(folder.glob("*.md"))]
    lessons.sort(key=lambda lesson: lesson.order)
    if only:
        names = [lesson.name for lesson in lessons]
        unknown = [name for name in only if name not in names]
        if unknown:
            raise ConfigError(f"--only {','.join(unknown)}: no such lesson in {folder}; "
                              f"the lessons are {', '.join(names)}")
        lessons = [lesson for lesson in lessons if lesson.name in only]
    return lessons


def read_lesson(path: Path, root: Path) -> Lesson:
    """One lesson file's name, title and front matter (see the module docstring)."""
    match = _NAME.fullmatch(path.stem)
    if not match:
        raise ConfigError(f"{path}: a lesson file is named NN_name.md (e.g. 03_vanishing_depth.md: "
                          "NN orders the course, name is what --only takes)")
    text = path.read_text(encoding="utf-8")
    front = _FRONT.match(text)
    meta = parse_yaml(front.group(1), str(path)) if front else {}
    if not isinstance(meta, dict):
        raise ConfigError(f"{path}: the front matter is a mapping (rests_on: [...], expect: ...)")
    rests_on = meta.get("rests_on") or []
    if not isinstance(rests_on, list) or not all(isinstance(p, str) for p in rests_on):
        raise ConfigError(f"{path}: rests_on: a list of experiment or config files, e.g. "
                          "rests_on: [experiments/vanishing_gradients.yaml]")
    for item in rests_on:
        if not (root / item).is_file():
            raise ConfigError(f"{path}: rests_on: {item}: no such file under {root}")
    expect = meta.get("expect") or {}
    stems = {Path(p).stem for p in rests_on}
    if not isinstance(expect, dict) or set(expect) - stems:
        raise ConfigError(f"{path}: expect: a mapping from a source it rests on "
                          f"({', '.join(sorted(stems)) or 'none'}) to its expect: block")
    heading = re.search(r"^# (.+)$", text, re.M)
    if not heading:
        raise ConfigError(f"{path}: no title; start the page with a '# Title' line")
    return Lesson(path, match.group(2), int(match.group(1)), heading.group(1).strip(),
                  tuple(rests_on), expect)
