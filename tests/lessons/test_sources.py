"""The shipped lessons, read without building: each English lesson has a Korean one resting on the
same runs and quoting the same numbers and figures, every quote names a source the page rests on,
and the generated reference lists every config key."""

import re
from pathlib import Path

import pytest

from harness.config.schema import schema_rows
from harness.errors import ConfigError
from harness.lessons.reference import config_keys_page
from harness.lessons.sources import read_lesson, read_lessons

ROOT = Path(__file__).resolve().parents[2]
QUOTE = re.compile(r"\{harness\}`([^`]+)`")
FIGURE = re.compile(r"```\{harness-figure\} (.+)")
HANGUL = re.compile(r"[\uac00-\ud7af]")
HEADINGS = {"en": ("The question", "The command", "The figure", "What to notice", "Why",
                    "Exercises"),
            "ko": ("질문", "실행해 보기", "그림으로 확인하기", "눈여겨볼 점", "왜 그럴까", "과제")}
COURSE = ["activations", "nonlinearity", "vanishing_depth", "dead_relu", "output_heads",
          "initialisation", "remedies", "convnets", "vanishing_time", "theory", "checks"]


def _glue(lesson) -> tuple[list, list]:
    text = lesson.path.read_text(encoding="utf-8")
    return sorted(QUOTE.findall(text)), sorted(FIGURE.findall(text))


def test_the_course_has_every_lesson_in_both_languages_with_the_same_numbers_and_figures():
    english, korean = read_lessons(ROOT, "en"), read_lessons(ROOT, "ko")
    assert [lesson.name for lesson in english] == COURSE
    assert [lesson.name for lesson in korean] == COURSE
    for en, ko in zip(english, korean):
        assert (en.rests_on, en.expect) == (ko.rests_on, ko.expect), en.name
        assert _glue(en) == _glue(ko), en.name
        assert HANGUL.search(ko.title), ko.name


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_every_quote_and_figure_names_a_source_the_page_rests_on(lang):
    for lesson in read_lessons(ROOT, lang):
        stems = {Path(p).stem for p in lesson.rests_on}
        quotes, figures = _glue(lesson)
        assert quotes and figures, lesson.name  # each page shows numbers and a figure
        for target in quotes + figures:
            assert target.split("@")[0].split(":")[0] in stems, (lesson.name, target)
        text = lesson.path.read_text(encoding="utf-8")
        for heading in HEADINGS[lang]:
            assert f"## {heading}" in text, (lesson.name, heading)


def test_a_bad_lesson_file_is_one_clear_error(tmp_path):
    (tmp_path / "lessons" / "en").mkdir(parents=True)
    bad = tmp_path / "lessons" / "en" / "01_x.md"
    bad.write_text("---\nrests_on: [experiments/none.yaml]\n---\n# X\n")
    with pytest.raises(ConfigError, match="rests_on: experiments/none.yaml: no such file"):
        read_lesson(bad, tmp_path)
    named = tmp_path / "lessons" / "en" / "lesson.md"
    named.write_text("# X\n")
    with pytest.raises(ConfigError, match="NN_name.md"):
        read_lesson(named, tmp_path)


def test_the_config_reference_lists_every_key_with_its_default():
    page = config_keys_page()
    for key, _, default, _ in schema_rows():
        assert f"| `{key}` |" in page and f"`{default}`" in page, key
    assert page.count("\n## ") >= 4  # top level, data, model, train, ...


def test_numbers_read_as_a_lecturer_writes_them():
    from harness.lessons.glue import format_number

    assert [format_number(v) for v in (0.25, 3.48, 0.0017, 6.2e-7, 12345.0, 0.0)] == [
        "0.25", "3.48", "1.7 × 10⁻³", "6.2 × 10⁻⁷", "1.2 × 10⁴", "0"]
    assert format_number(0.853, ".0%") == "85%"
