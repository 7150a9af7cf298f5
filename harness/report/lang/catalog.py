"""Translates what a page or a figure shows, at the boundary: the page's text and the figure's text.

Figure and caption code writes English and composes it from computed numbers; this module looks
each finished string up in the language's table (`ko_run.KO`, `ko_models.KO`, `ko_pages.KO`),
keyed by the English text with `{placeholders}` for the computed parts. The drawing code stays one
language and one place: a figure is translated just before it is drawn (`translate_figure`), a
page just before it is written (`translate_html`). A string the table lacks stays English and is
remembered (`untranslated`): the test that draws every kind of page in Korean fails on it, so a
string added to a figure shows up there, with the one line to add to the table.

Why tables and not gettext: the English strings are composed in ~40 figure and caption functions
from f-strings; gettext would need each wrapped and extracted at its source, while this table
matches what the page shows and leaves the figure code untouched.
"""

import html
import re
from contextlib import contextmanager
from functools import cache

from harness.report.lang import ko_models, ko_pages, ko_run
from harness.report.lang.font import font_face_css
from harness.report.lang.setting import current

# One table per language; the Korean one is kept in three files by page (none repeats a key).
TABLES = {"ko": {**ko_run.KO, **ko_models.KO, **ko_pages.KO}}
_FIELD = re.compile(r"\{(\w+)\}")
# Sentences end at . ! ? before a capital, a digit, a bracket or a file name (not after "et al.",
# "e.g.", "ch."); ": " splits nothing (too many labels carry one), so a whole "title: reason" is
# one entry with placeholders.
_SENTENCE = re.compile(r"(?<=[.!?])(?<!\bal\.)(?<!e\.g\.)(?<!i\.e\.)(?<!\bch\.)(?<!\bvs\.)\s+"
                       r"(?=[A-Z0-9(\"'‘]|\w+\.(?:csv|json|png|html)\b)")
_NUMBER = r"[-+−]?(?:\d[\d,]*(?:\.\d+)?|\.\d+)(?:e[-+]?\d+)?%?"
_SETTINGS = r"[\w.]+=[^\s,]+(?:, [\w.]+=[^\s,]+)*"
_VERBATIM_FIELD = re.compile(r"(name|path|error)\d*")  # a run's or file's name, an exception
_TAG = re.compile(r"(<[^>]*>)")
_VERBATIM = {"code", "pre", "script", "style"}  # paths, configs and commands stay as written
# Words a Korean course keeps in English (names in code, cells, optimizers, abbreviations).
KEPT = {"relu", "leaky", "sigmoid", "tanh", "elu", "gelu", "selu", "swish", "silu", "softmax",
        "linear", "step", "lstm", "gru", "simplernn", "rnn", "cnn", "adam", "adamw", "sgd",
        "rmsprop", "adagrad", "nadam", "mse", "rmse", "mae", "vs", "nan", "inf", "log", "rms",
        "glorot", "he", "lecun", "relu6", "hard", "png", "gif", "csv", "html", "json", "yaml",
        "id", "min", "max", "std", "sd", "gmean", "gsd", "dense", "conv", "batchnorm",
        "mnist", "xor", "circles", "moons", "spirals", "gaussians", "digits", "tensorflow",
        "keras", "python", "numpy", "platform", "harness", "jacobian", "tensorboard", "adding",
        "identity", "sequence", "ok", "simple", "recurrent"}
_recording: list[set] = []


def translate(text: str) -> str:
    """`text` in the language in force; unchanged in English, or when the table lacks it."""
    lang = current()
    if lang == "en" or not text or not text.strip():
        return text
    return _translate(lang, text)


@cache
def _patterns(lang: str) -> list[tuple[re.Pattern, str]]:
    """The table's entries with placeholders, as regular expressions, most literal text first."""
    entries = [(msgid, target) for msgid, target in TABLES[lang].items() if _FIELD.search(msgid)]
    entries.sort(key=lambda e: -len(_FIELD.sub("", e[0])))
    compiled = []
    for msgid, target in entries:
        parts = _FIELD.split(msgid)  # literal, name, literal, name, ...
        regex = "".join(re.escape(p) if i % 2 == 0 else f"(?P<{p}>{_field_regex(p)})"
                        for i, p in enumerate(parts))
        compiled.append((re.compile(regex, re.DOTALL), target))
    return compiled


def _field_regex(name: str) -> str:
    """`{n}`, `{n1}`, ... match a number (3, 0.25, 1.3e-05, 28%); `{kv}`, `{kv1}`, ... settings
    as a sweep names its cells (`depth=2`, `train.epochs=2, model.width=8`); others any text."""
    if re.fullmatch(r"n\d*", name):
        return _NUMBER
    return _SETTINGS if re.fullmatch(r"kv\d*", name) else ".+?"


@cache
def _translate(lang: str, text: str) -> str:
    stripped = text.strip()
    if stripped != text:  # keep the surrounding space (HTML text between tags)
        head, tail = text[:len(text) - len(text.lstrip())], text[len(text.rstrip()):]
        return head + _translate(lang, stripped) + tail
    table = TABLES[lang]
    if text in table:
        return table[text]
    sentences = _SENTENCE.split(text)  # before the patterns: a field stops at its sentence
    if len(sentences) > 1:
        return " ".join(_translate(lang, s) for s in sentences)
    for pattern, target in _patterns(lang):
        match = pattern.fullmatch(text)
        if match:
            return target.format_map({k: v if _VERBATIM_FIELD.fullmatch(k) or not v.strip()
                                      else _translate(lang, v)
                                      for k, v in match.groupdict().items()})
    if "\n" in text:  # a label set on several lines, each its own entry
        return "\n".join(_translate(lang, line) if line else line for line in text.split("\n"))
    if looks_english(text):
        for seen in _recording:
            seen.add(text)
    return text


def looks_english(text: str) -> bool:
    """Whether `text` holds English words a reader must read (not names, paths or numbers)."""
    if text.startswith(("python ", "harness ")):  # a command to copy
        return False
    if re.match(r"[A-Z]\w*(Error|Exception)\b", text):  # Python's message: stays as raised
        return False
    words = []
    for token in text.split():
        if re.search(r"[_./=\\\d@#]", token):  # hidden_1, summary.csv, lr=0.1, 3e-05
            continue
        words += re.findall(r"[A-Za-z]{2,}", token)
    return any(w.lower() not in KEPT for w in words)


@contextmanager
def untranslated():
    """Collects, inside the block, every string shown that the table lacks and that reads as
    English (the test of the Korean pages).

    Yields:
        A set, filled as pages and figures are drawn.
    """
    seen: set[str] = set()
    _recording.append(seen)
    _translate.cache_clear()  # strings met before the block are met again
    try:
        yield seen
    finally:
        _recording.remove(seen)


def translate_html(document: str) -> str:
    """A page with its text translated; tags, attributes and code/pre/script/style kept."""
    if current() == "en":
        return document
    parts, verbatim = _TAG.split(document), 0
    for i, part in enumerate(parts):
        if i % 2:  # a tag
            name = re.match(r"</?\s*([a-zA-Z0-9]+)", part)
            if name and name.group(1).lower() in _VERBATIM:
                verbatim += -1 if part.startswith("</") else 1
            continue
        if part.strip() and not verbatim:
            parts[i] = html.escape(translate(html.unescape(part)), quote=False)
    document = "".join(parts)
    # the page carries the Hangul it shows (most machines have no Korean font)
    document = document.replace("</style>", font_face_css(document) + "</style>", 1)
    return document.replace('<html lang="en">', f'<html lang="{current()}">', 1)


def translate_figure(fig) -> None:
    """Translates every text a matplotlib figure shows (titles, labels, legends, notes, ticks)."""
    if current() == "en":
        return
    from matplotlib.text import Text
    from matplotlib.ticker import FixedFormatter

    for axis in (axis for ax in fig.axes for axis in (ax.xaxis, ax.yaxis)):
        formatter = axis.get_major_formatter()  # named ticks ("output") are made while drawing
        if isinstance(formatter, FixedFormatter):
            formatter.seq = [translate(str(label)) for label in formatter.seq]
    for text in fig.findobj(Text):
        shown = text.get_text()
        if shown:
            new = translate(shown)
            if new != shown:
                text.set_text(new)
