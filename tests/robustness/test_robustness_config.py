"""Malformed configs, generated: every one is a `ConfigError` of one line naming the file, the key
and the fix.

Hypothesis draws well over 1000 bad configs (derandomized: CI sees the same ones every time):
wrong types, misspelt keys and names, bad sizes, per-layer lists of the wrong length, heads that do
not fit the data or loss, YAML syntax errors, files that are not mappings, broken `extends`, NaN
and huge numbers, non-ASCII text, `!!python` tags and bytes that are not UTF-8. Then the same
through `--set`; a sample through the real CLI is in `test_robustness_cli.py`.
"""

import re
import tempfile
from collections import Counter
from pathlib import Path

import pytest
import yaml
from config_messages import check  # noqa: E402 - tests/ is on sys.path
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from harness.base.yamlfile import display_path
from harness.catalog import activations, heads, initializers, losses, optimizers
from harness.config.file import load_config
from harness.data.datasets import DATASETS
from harness.errors import ConfigError
from harness.models.types import readers

SETTINGS = settings(max_examples=100, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
RAN = Counter()  # examples run per test, checked against the 1000 at the end
COUNTED = 25  # tests that add to RAN

# Data a dense model (the default) reads, with its own task (csv: its file decides): on other data
# (a sequence task) the model's type is the error, reported before the head and the loss.
DENSE_TASKS = sorted(n for n, spec in DATASETS.items() if spec.task and "dense" in readers(spec))

FILE_NAMES = ("c.yaml", "my config.yaml", "конфиг.yaml", "🎉 run.yml", "Ärger-1.yaml")

SECTIONS = {"": ("name", "seed", "data", "model", "train"),
            "data": ("name", "n_samples", "noise", "test_fraction", "val_fraction", "classes",
                     "path"),
            "model": ("depth", "width", "activation", "initializer", "use_bias", "head"),
            "train": ("loss", "optimizer", "learning_rate", "batch_size", "epochs")}
INT_KEYS = ("seed", "data.n_samples", "data.classes", "model.depth", "train.batch_size",
            "train.epochs")
FLOAT_KEYS = ("data.noise", "data.test_fraction", "data.val_fraction", "train.learning_rate")
NAME_TABLES = {"data.name": DATASETS, "model.head": heads.HEADS, "train.loss": losses.LOSSES,
               "train.optimizer": optimizers.OPTIMIZERS,
               "model.initializer": initializers.INITIALIZERS,
               "model.activation": activations.ACTIVATIONS}


def error_of(text: str | bytes, overrides=(), name: str = "c.yaml", files: dict | None = None):
    """Writes the config (and `files` beside it), loads it, returns (message, its file as shown)."""
    with tempfile.TemporaryDirectory() as tmp:
        for other, content in (files or {}).items():
            (Path(tmp) / other).write_text(content, encoding="utf-8")
        path = Path(tmp) / name
        path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
        try:
            load_config(path, list(overrides))
        except ConfigError as e:
            return str(e), display_path(path), tmp
    pytest.fail(f"accepted a bad config: {text!r} {list(overrides)}")


def nest(key: str, value) -> dict:
    for part in reversed(key.split(".")):
        value = {part: value}
    return value


def dump(config) -> str:
    return yaml.safe_dump(config, allow_unicode=True, sort_keys=False)


def flow(value) -> str:
    """A value as one YAML flow text, for `--set key=<flow>`."""
    text = yaml.safe_dump(value, default_flow_style=True, allow_unicode=True, width=10**6)
    return text.removesuffix("\n").removesuffix("\n...").strip()


# --- values --------------------------------------------------------------------------------------

texts = st.text(max_size=12)
ints = st.integers(-10**6, 10**6)
floats = st.floats()
some_list = st.lists(st.one_of(ints, texts), min_size=1, max_size=3)
some_dict = st.dictionaries(st.text(min_size=1, max_size=5), ints, min_size=1, max_size=2)
dates = st.dates()

WRONG = {  # values of the wrong type for each kind of key (strict: no "3" for 3, no 1 for true)
    "int": st.one_of(texts, floats, st.booleans(), some_list, some_dict, st.none(), dates),
    "int_or_none": st.one_of(texts, floats, st.booleans(), some_list, some_dict, dates),
    "float": st.one_of(texts, st.booleans(), some_list, some_dict, st.none(), dates),
    "bool": st.one_of(ints, floats, texts, some_list, some_dict, st.none()),
    "name": st.one_of(ints, floats, st.booleans(), some_list, some_dict, st.none(), dates),
    "text_or_none": st.one_of(ints, floats, st.booleans(), some_list, some_dict, dates),
    "activation": st.one_of(ints, floats, st.booleans(), some_dict, st.none(), st.lists(
        st.one_of(ints, st.booleans(), st.none(), some_dict), min_size=1, max_size=3)),
    "initializer": st.one_of(ints, floats, st.booleans(), st.none(),
                             st.lists(texts, max_size=3)),
    "width": st.one_of(texts, floats, st.booleans(), some_dict, st.lists(  # null: default 16
        st.one_of(texts, floats, st.booleans(), st.none()), min_size=1, max_size=3)),
    "section": st.one_of(ints, floats, texts, st.booleans(), some_list, st.none()),
}
KIND = {**{k: "int" for k in INT_KEYS}, **{k: "float" for k in FLOAT_KEYS},
        "data.n_samples": "int_or_none", "data.classes": "int_or_none", "model.use_bias": "bool",
        "name": "name",
        "data.name": "name", "model.head": "name", "train.loss": "name",
        "train.optimizer": "name", "data.path": "text_or_none", "model.activation": "activation",
        "model.initializer": "initializer", "model.width": "width", "data": "section",
        "model": "section", "train": "section"}

BAD_SIZE = {
    "model.depth": st.integers(max_value=-1),
    "model.width": st.one_of(st.integers(max_value=0), st.integers(min_value=100_001),
                             st.lists(st.integers(max_value=0), min_size=3, max_size=3)),
    "data.n_samples": st.integers(max_value=19),
    "data.classes": st.integers(max_value=1),
    "train.batch_size": st.integers(max_value=0),
    "train.epochs": st.integers(max_value=-1),
    "seed": st.integers(max_value=-1),
    "train.learning_rate": st.one_of(st.floats(max_value=0, allow_nan=False),
                                     st.integers(max_value=0)),
    "data.noise": st.one_of(st.floats(max_value=-1e-9, allow_nan=False),
                            st.integers(max_value=-1)),
    "data.test_fraction": st.one_of(st.floats(max_value=0), st.floats(min_value=1)),
    "data.val_fraction": st.one_of(st.floats(max_value=0), st.floats(min_value=1)),
}
VALID = {"data": {"name": "circles", "n_samples": 200}, "model": {"depth": 2, "width": 4},
         "train": {"epochs": 2, "loss": "binary_crossentropy"}}
NUMERIC_KEYS = (*INT_KEYS, *FLOAT_KEYS)
NON_FINITE = (".nan", ".NaN", ".NAN", ".inf", ".Inf", "-.inf", "+.INF", "1e400", "-1e400",
              "1.0e+999")
HUGE = (1e308, -1e308, 1.7976931348623157e308, 10**40, -10**40, 10**300, 10**4000, -10**4000)

NEAR_CHARS = "abcdefghijklmnopqrstuvwxyz_0123456789XZéß"


@st.composite
def near_miss(draw, word: str, valid, chars: str = NEAR_CHARS) -> str:
    """`word` one typo away (insert, delete, replace, swap, flip case), and not a valid name."""
    op = draw(st.sampled_from(("insert", "delete", "replace", "swap", "case")))
    i = draw(st.integers(0, len(word) - 1))
    c = draw(st.sampled_from(chars))
    new = {"insert": word[:i] + c + word[i:], "delete": word[:i] + word[i + 1:],
           "replace": word[:i] + c + word[i + 1:],
           "case": word[:i] + word[i].swapcase() + word[i + 1:],
           "swap": word[:i] + word[i + 1:i + 2] + word[i] + word[i + 2:]}[op]
    assume(new != word and new not in valid and new != "extends")
    return new


def table_names(table) -> list[str]:
    return sorted(name for name in table if ":" not in name)


# --- through a file -------------------------------------------------------------------------------

@SETTINGS
@given(st.sampled_from(sorted(KIND)).flatmap(lambda k: st.tuples(st.just(k), WRONG[KIND[k]])),
       st.sampled_from(FILE_NAMES))
def test_wrong_types(key_value, name):
    key, value = key_value
    RAN["wrong_types"] += 1
    message, where, _ = error_of(dump(nest(key, value)), name=name)
    check(message, where, key)


@SETTINGS
@given(st.sampled_from(sorted(SECTIONS)).flatmap(lambda s: st.tuples(
    st.just(s), st.sampled_from(SECTIONS[s]).flatmap(lambda k: near_miss(k, SECTIONS[s])))),
    st.booleans())
def test_misspelt_keys_say_did_you_mean(section_key, inside):
    section, key = section_key
    RAN["misspelt_keys"] += 1
    dotted = f"{section}.{key}" if section else key
    config = nest(dotted, 1)
    if inside and section:  # beside valid keys, so the typo is the one thing wrong
        config[section].update(VALID[section])
    message, where, _ = error_of(dump(config))
    check(message, where, dotted, close=True)
    assert f"unknown key {key!r}" in message


@SETTINGS
@given(st.sampled_from(sorted(SECTIONS)), st.text(min_size=1, max_size=15))
def test_unknown_keys_list_the_known_ones(section, key):
    assume(key not in SECTIONS[section] and key != "extends")
    RAN["unknown_keys"] += 1
    dotted = f"{section}.{key}" if section else key
    message, where, _ = error_of(dump(nest(section, {key: 1}) if section else {key: 1}))
    check(message, where, dotted)
    assert "unknown key" in message and ("did you mean" in message or "known keys" in message)


@SETTINGS
@given(st.sampled_from(sorted(NAME_TABLES)).flatmap(lambda k: st.tuples(
    st.just(k), st.sampled_from(table_names(NAME_TABLES[k])).flatmap(
        lambda n: near_miss(n, NAME_TABLES[k], NEAR_CHARS.replace(":", ""))))),
    st.booleans())
def test_misspelt_names_say_did_you_mean(key_name, as_mapping):
    key, name = key_name
    RAN["misspelt_names"] += 1
    value = {"name": name} if key == "model.initializer" and as_mapping else name
    message, where, _ = error_of(dump(nest(key, value)))
    check(message, where, key, close=True)
    assert repr(name) in message


@SETTINGS
@given(st.sampled_from(sorted(NAME_TABLES)), st.text(min_size=1, max_size=15))
def test_unknown_names_point_to_the_list(key, name):
    assume(name not in NAME_TABLES[key] and ":" not in name)
    RAN["unknown_names"] += 1
    message, where, _ = error_of(dump(nest(key, name)))
    check(message, where, key)
    assert "unknown" in message and "python -m harness list" in message


PARAMS = {n: e.params for n, e in initializers.INITIALIZERS.items() if e.params}


@SETTINGS
@given(st.sampled_from(sorted(PARAMS)).flatmap(lambda n: st.tuples(
    st.just(n), st.sampled_from(PARAMS[n]).flatmap(lambda p: near_miss(p, PARAMS[n])))))
def test_misspelt_initializer_parameters(name_param):
    name, param = name_param
    RAN["initializer_params"] += 1
    message, where, _ = error_of(dump({"model": {"initializer": {"name": name, param: 0.1}}}))
    check(message, where, "model.initializer", close=True)


@SETTINGS
@given(st.sampled_from(sorted(BAD_SIZE)).flatmap(lambda k: st.tuples(st.just(k), BAD_SIZE[k])))
def test_zero_negative_and_out_of_range_sizes(key_value):
    key, value = key_value
    RAN["sizes"] += 1
    message, where, _ = error_of(dump(nest(key, value)))
    check(message, where, key)


@SETTINGS
@given(st.integers(0, 6), st.sampled_from(("width", "activation")), st.data())
def test_per_layer_lists_must_match_the_depth(depth, key, data):
    values = data.draw(st.lists(st.integers(1, 64) if key == "width" else
                                st.sampled_from(("relu", "tanh", "sigmoid")), max_size=8))
    assume(len(values) != depth)
    RAN["list_lengths"] += 1
    message, where, _ = error_of(dump({"model": {"depth": depth, key: values}}))
    check(message, where, f"model.{key}")


@SETTINGS
@given(st.sampled_from(DENSE_TASKS), st.sampled_from(sorted(heads.HEADS)),
       st.sampled_from(sorted(losses.LOSSES)))
def test_heads_that_do_not_fit_the_data_or_loss(dataset, head, loss):
    spec, entry = DATASETS.get(dataset), heads.HEADS.get(head)
    fits_data, fits_loss = spec.task in entry.tasks, loss in entry.losses + entry.tolerated
    assume(not (fits_data and fits_loss))
    RAN["head_mismatch"] += 1
    message, where, _ = error_of(dump({"data": {"name": dataset}, "model": {"head": head},
                                       "train": {"loss": loss}}))
    check(message, where, "model.head" if not fits_data else "train.loss")
    assert ("use head: " if not fits_data else "use loss: ") in message


YAML_ERRORS = ("model: {depth: 2", "model: [1, 2", "name: 'abc", 'name: "abc',
               "model:\n  depth: 2\n   width: 3", "\tname: x", "model: {depth: 2}}", "a: b: c",
               "- a\nb: c", "name: x\n- y", "key: @value", "key: `x`",
               "model: {depth: 2,, width: 3}", "[a, b}: 1", "%YAML 1.1\n%YAML 1.1\n---\na: 1",
               "name: x\n  y: z", "model: {depth: 2]", "model: [1, 2}", "name: 'it''s' x",
               "&a x: *b", "a: *nope", 'name: "\\q"', "{a: 1} {b: 2}", "a: >-\n  x\n b: 2",
               "a:\n  - b\n  c: d", "!!", ": x", "name: x\n\tmodel: y", "a: [b, c]]",
               "a: {b: c, d}}", "'a': 'b' 'c'", "a: 'b'c'")
VALID_LINES = ("name: ok", "seed: 3", "model: {depth: 2, width: 4}", "train:\n  epochs: 2",
               "# a comment", "data: {name: circles}")
CONTROL = [chr(c) for c in (*range(0, 9), 11, 12, *range(14, 32), 127)]


@SETTINGS
@given(st.lists(st.sampled_from(VALID_LINES), max_size=3, unique=True),
       st.sampled_from(YAML_ERRORS), st.lists(st.sampled_from(VALID_LINES), max_size=2,
                                              unique=True), st.sampled_from(FILE_NAMES))
def test_yaml_syntax_errors(before, bad, after, name):
    RAN["yaml_syntax"] += 1
    message, where, _ = error_of("\n".join([*before, bad, *after]), name=name)
    check(message, where)
    assert "YAML syntax error" in message and "line " in message


@SETTINGS
@given(st.lists(st.sampled_from(VALID_LINES), min_size=1, max_size=4, unique=True), st.data())
def test_control_characters(lines, data):
    text = "\n".join(lines)
    i = data.draw(st.integers(0, len(text)))
    RAN["control_chars"] += 1
    message, where, _ = error_of(text[:i] + data.draw(st.sampled_from(CONTROL)) + text[i:])
    check(message, where)


EMPTY = ("", " ", "\n\n", "# only a comment\n", "---\n", "~", "null", "--- !!null\n")


@SETTINGS
@given(st.one_of(st.one_of(st.lists(st.one_of(ints, texts, some_dict), min_size=1, max_size=3),
                           ints, floats, st.booleans(), texts, dates).map(dump),
                 st.sampled_from(EMPTY)))
def test_files_that_are_not_a_mapping(text):
    RAN["not_mapping"] += 1
    message, where, _ = error_of(text)
    check(message, where)
    assert "the file is empty" in message or "a config is a mapping" in message


@SETTINGS
@given(st.lists(st.sampled_from(FILE_NAMES), min_size=1, max_size=4, unique=True),
       st.sampled_from(("missing", "cycle", "type", "folder")), st.data())
def test_missing_cyclic_and_bad_extends(names, kind, data):
    RAN["extends"] += 1
    last = {"missing": "no such base.yaml", "folder": ".",
            "cycle": data.draw(st.sampled_from(names)),
            "type": data.draw(st.one_of(ints, st.booleans(), some_list, some_dict,
                                        st.just("")))}[kind]
    files = {n: dump({"extends": nxt, "model": {"depth": 2}})
             for n, nxt in zip(names, [*names[1:], last])}
    top = files.pop(names[0])
    message, where, tmp = error_of(top, name=names[0], files=files)
    chain = tuple(display_path(Path(tmp) / n) for n in names)
    check(message, chain, "extends")
    if kind == "cycle":
        assert "cycle" in message


@SETTINGS
@given(st.sampled_from((*NUMERIC_KEYS, "model.width", "width_item", "model.initializer")),
       st.sampled_from(NON_FINITE))
def test_nan_and_infinity(key, token):
    RAN["nan_inf"] += 1
    if key == "width_item":
        key, text = "model.width", f"model: {{width: [4, {token}, 4]}}"
    elif key == "model.initializer":
        text = f"model: {{initializer: {{name: random_normal, stddev: {token}}}}}"
    else:
        section, _, leaf = key.rpartition(".")
        text = f"{section}: {{{leaf}: {token}}}" if section else f"{leaf}: {token}"
    message, where, _ = error_of(text)
    check(message, where, key)


@SETTINGS
@given(st.sampled_from((*NUMERIC_KEYS, "model.width", "model.initializer")),
       st.sampled_from(HUGE))
def test_huge_numbers(key, value):
    RAN["huge"] += 1
    if key == "model.initializer":
        assume(abs(value) >= 1e300)  # smaller ones are valid (if unwise) standard deviations
        config = {"model": {"initializer": {"name": "random_normal", "stddev": value}}}
    else:
        config = nest(key, value)
    message, where, _ = error_of(dump(config))
    check(message, where, key)


def test_a_number_too_long_for_python_to_read():
    message, where, _ = error_of("model: {depth: 1" + "0" * 5000 + "}")
    check(message, where)
    message, where, _ = error_of("model: {width: [" * 400 + "]}" * 400)
    check(message, where)


non_ascii = st.text(st.characters(min_codepoint=0x80, exclude_categories=("Cs",)), min_size=1,
                    max_size=10)


@SETTINGS
@given(st.sampled_from(("name", "key", *sorted(NAME_TABLES))), non_ascii,
       st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7e), max_size=4),
       st.sampled_from(FILE_NAMES))
def test_non_ascii_names_keys_and_values(where_, text, ascii_part, file_name):
    RAN["non_ascii"] += 1
    value = ascii_part + text
    if where_ == "key":
        key, config = f"model.{value}", {"model": {value: 1}}
    else:
        assume(":" not in value)
        key, config = where_, nest(where_, value)
    message, where, _ = error_of(dump(config), name=file_name)
    check(message, where, key)


TAGS = ("!!python/object/apply:os.system", "!!python/object/new:os.system",
        "!!python/name:os.system", "!!python/module:os", "!!python/object:os.system",
        "!!python/tuple", "!!python/str", "!!python/bytes", "!!python/complex", "!custom",
        "!<tag:yaml.org,2002:python/object/apply:os.system>")
PLACES = ("{tag} {payload}", "name: {tag} {payload}", "model:\n  activation: {tag} {payload}",
          "model: {{width: [{tag} {payload}]}}", "? {tag} {payload}\n: 1",
          "data: {{name: circles}}\ntrain: {{epochs: {tag} {payload}}}")


@SETTINGS
@given(st.sampled_from(TAGS), st.sampled_from(PLACES), st.booleans())
def test_python_tags_are_rejected_and_never_run(tag, place, in_parent):
    RAN["tags"] += 1
    with tempfile.TemporaryDirectory() as tmp:
        marker = Path(tmp) / "PWNED"
        text = place.format(tag=tag, payload=f'["touch {marker}"]')
        files = {"base.yaml": text} if in_parent else {}
        message, where, folder = error_of("extends: base.yaml\n" if in_parent else text,
                                          files=files)
        assert not marker.exists()
    starts = display_path(Path(folder) / "base.yaml") if in_parent else where
    check(message, starts)
    assert "is not allowed" in message and "line " in message


@SETTINGS
@given(st.binary(max_size=30), st.binary(max_size=30),
       st.sampled_from((b"\xff", b"\xc0\xaf", b"\xed\xa0\x80")))  # never valid UTF-8
def test_bytes_that_are_not_utf8(before, after, bad):
    RAN["not_utf8"] += 1
    message, where, _ = error_of(before + bad + after)
    check(message, where)
    assert "not UTF-8" in message


@settings(SETTINGS, max_examples=150)
@given(st.dictionaries(st.sampled_from(("name", "seed", "data", "model", "train", "extends")),
                       st.recursive(st.one_of(st.none(), st.booleans(), ints, floats, texts),
                                    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
                                        st.sampled_from([k for s in SECTIONS.values() for k in s]),
                                        inner, max_size=4), max_leaves=8)))
def test_random_structures_either_load_or_explain(config):
    """Not counted in the 1000: some of these are valid configs."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "c.yaml"
        path.write_text(dump(config), encoding="utf-8")
        try:
            load_config(path)
        except ConfigError as e:
            check(str(e), display_path(path))


@pytest.mark.parametrize("text, key, expected", [
    # Crashed before: TypeError from importlib, KeyError/AttributeError from PyYAML's constructors,
    # OverflowError from math.isfinite, a multi-line message for a key holding a newline.
    ("model: {activation: '..x:y'}", "model.activation", "is not package.module:function"),
    ("model: {activation: 'a b:c'}", "model.activation", "is not package.module:function"),
    ("model: {activation: ':'}", "model.activation", "is not package.module:function"),
    ("model: {activation: 'zz_no_such_package_here.acts:fn'}", "model.activation",
     "cannot import activation"),
    ("model: {depth: 0, activation: []}", "model.activation", "an empty list"),
    ("a: !!bool x", None, "a value YAML cannot read"),
    ("a: !!timestamp x", None, "a value YAML cannot read"),
    ("a: !!int x", None, "a value YAML cannot read"),
    ("a: !!map [1]", None, "expected a mapping node"),
    ("<<: 1", None, "for merging"),
    ("? [a, b]\n: 1", None, "a key must be a plain name"),
    ('"a\\nb": 1', "a\\nb", "unknown key"),
    ('model: {"x\\u2028y": 1}', "model.x\\u2028y", "unknown key"),
    ("model: {initializer: {name: random_normal, stddev: 1" + "0" * 400 + "}}",
     "model.initializer", "must be a finite number"),
    ("model: {initializer: {name: random_normal, stddev: abc}}", "model.initializer",
     "must be a finite number, got 'abc'"),
    ("model: {initializer: {name: variance_scaling, mode: fan_sideways}}", "model.initializer",
     "is one of fan_in, fan_out, fan_avg"),
    ("model: {initializer: {name: variance_scaling, scale: -1}}", "model.initializer",
     "must be above 0"),
    ("model: {initializer: {stddev: 0.1}}", "model.initializer", "needs name:"),
    ("model: {initializer: null}", "model.initializer", "an initializer is a name, got None"),
    ("name: 2024-01-01", "name", "quoted"),
    ("extends: .", "extends", "is not a file"),
])
def test_edge_cases_found_by_generating(text, key, expected):
    message, where, _ = error_of(text)
    check(message, where, key)
    assert expected in message


def test_long_extends_chains_and_set_extends(tmp_path):
    for i in range(60):
        (tmp_path / f"c{i}.yaml").write_text(f"extends: c{i + 1}.yaml\n")
    (tmp_path / "c60.yaml").write_text("name: end\n")
    with pytest.raises(ConfigError, match="a chain of more than 50 files"):
        load_config(tmp_path / "c0.yaml")
    message, _, _ = error_of("name: x\n", ["extends=base.yaml"])
    check(message, "--set extends")


# --- through --set --------------------------------------------------------------------------------

def set_error(*overrides):
    return error_of("name: base\n", overrides)


@SETTINGS
@given(st.sampled_from(sorted(KIND)).flatmap(lambda k: st.tuples(st.just(k), WRONG[KIND[k]])))
def test_set_wrong_types(key_value):
    key, value = key_value
    RAN["set_wrong_types"] += 1
    message, _, _ = set_error(f"{key}={flow(value)}")
    check(message, f"--set {key}", key)


ASCII_NEAR = "abcdefghijklmnopqrstuvwxyz_0123456789XZ"


@SETTINGS
@given(st.sampled_from(sorted(s for s in SECTIONS if s))
       .flatmap(lambda s: st.tuples(st.just(s), st.sampled_from(SECTIONS[s]).flatmap(
           lambda k: near_miss(k, SECTIONS[s], ASCII_NEAR)), st.sampled_from(SECTIONS[s]),
           near_miss(s, SECTIONS[""], ASCII_NEAR))), st.booleans())
def test_set_misspelt_keys(parts, section_typo):
    section, leaf_typo, leaf, typo = parts
    assume(not leaf_typo[0].isdigit() and not typo[0].isdigit())
    RAN["set_misspelt_keys"] += 1
    key, named = (f"{typo}.{leaf}", typo) if section_typo else (f"{section}.{leaf_typo}",
                                                                  f"{section}.{leaf_typo}")
    message, _, _ = set_error(f"{key}=1")
    check(message, f"--set {key}", named, close=True)


@SETTINGS
@given(st.sampled_from(sorted(NAME_TABLES)).flatmap(lambda k: st.tuples(
    st.just(k), st.one_of(
        st.sampled_from(table_names(NAME_TABLES[k])).flatmap(
            lambda n: near_miss(n, NAME_TABLES[k], NEAR_CHARS)),
        st.text(min_size=1, max_size=12).filter(lambda t: ":" not in t and t not in NAME_TABLES[k]
                                                )))))
def test_set_unknown_names(key_name):
    key, name = key_name
    RAN["set_names"] += 1
    message, _, _ = set_error(f"{key}={flow(name)}")
    check(message, f"--set {key}", key)


@SETTINGS
@given(st.one_of(
    st.sampled_from(sorted(BAD_SIZE)).flatmap(lambda k: st.tuples(st.just(k), BAD_SIZE[k].map(
        flow))),
    st.tuples(st.sampled_from(NUMERIC_KEYS), st.sampled_from(NON_FINITE)),
    st.tuples(st.sampled_from(NUMERIC_KEYS), st.sampled_from(HUGE).map(flow))))
def test_set_sizes_nan_and_huge_numbers(key_value):
    key, value = key_value
    RAN["set_numbers"] += 1
    message, _, _ = set_error(f"{key}={value}")
    check(message, f"--set {key}", key)


KEY_CHARS = st.characters(codec="utf-8", exclude_categories=("Cs",))


@SETTINGS
@given(st.one_of(st.text(KEY_CHARS, max_size=15).filter(lambda t: "=" not in t),
                 st.tuples(st.text(KEY_CHARS, max_size=10), st.text(max_size=5)).map("=".join)))
def test_set_malformed_overrides(item):
    assume("=" not in item or not re.fullmatch(r"[A-Za-z_]\w*(\.[A-Za-z_]\w*)*",
                                               item.partition("=")[0], re.ASCII))
    RAN["set_malformed"] += 1
    message, _, _ = set_error(item)
    check(message, "--set ")
    assert "expected KEY=VALUE" in message


@SETTINGS
@given(st.sampled_from(sorted(KIND)), st.sampled_from((*YAML_ERRORS[:12], *TAGS)))
def test_set_yaml_errors_and_tags(key, bad):
    RAN["set_yaml"] += 1
    with tempfile.TemporaryDirectory() as tmp:
        marker = Path(tmp) / "PWNED"
        value = f'{bad} ["touch {marker}"]' if bad.startswith("!") else bad
        message, _, _ = set_error(f"{key}={value}")
        assert not marker.exists()
    check(message, f"--set {key}")


@SETTINGS
@given(st.sampled_from(DENSE_TASKS), st.sampled_from(sorted(heads.HEADS)),
       st.sampled_from(sorted(losses.LOSSES)))
def test_set_head_mismatch_names_the_key(dataset, head, loss):
    spec, entry = DATASETS.get(dataset), heads.HEADS.get(head)
    fits_data = spec.task in entry.tasks
    assume(not (fits_data and loss in entry.losses + entry.tolerated))
    RAN["set_head_mismatch"] += 1
    message, _, _ = set_error(f"data.name={dataset}", f"model.head={head}",
                              f"train.loss={loss}")
    # A clash between keys set on the command line names the --set options that clash.
    key = "model.head" if not fits_data else "train.loss"
    check(message, "--set ", key)
    assert message.split(": ")[0] == ("--set model.head, --set data.name" if not fits_data
                                      else "--set train.loss, --set model.head")


def test_at_least_1000_generated_bad_configs():
    if len(RAN) < COUNTED:
        pytest.skip("counts only when the whole file runs")
    assert sum(RAN.values()) >= 1000, RAN
