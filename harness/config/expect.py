"""Expected results as data: the `expect:` block of a config or an experiment file.

A config states what its run should show; the run checks it at the end, prints each expectation
as met or not met with the measured value, and records the outcome in `summary.json`:

    expect: {test_accuracy: ">= 0.95", vanishing_ratio_init: "<= 1e-3"}

A condition is a comparison and a number (`">= 0.95"`, `"< 1e-3"`, `"== 0"`, `"!= 0"`), a list
of them (a range: `[">= 0.1", "<= 10"]`), or a plain value that must be equal (`learned: true`,
`status: completed`, `status: "!= failed"`). Keys are `summary.json`
and `runs.csv` names (`RUN_KEYS`). An `expect:` is not inherited through `extends`: it states
what this file claims. What can never be met is refused when the file is validated: a condition
that is not one (`"≥ 0.1"`), a word or `true` for a number, a number for `status` or `learned`,
a result the task does not measure (`test_mae` on a classifier, once the task is known) and, in
an experiment of one seed, a spread over seeds (`test_accuracy_std`).

An experiment file's `expect:` holds for every grid cell, on the mean over the cell's seeds, or
for the cells a `where:` picks (grid keys and values; a case axis is matched by its inner keys):

    expect:
      - {test_accuracy: ">= 0.9"}                               # every cell
      - where: {model.activation: sigmoid, model.depth: 10}     # these cells only
        test_accuracy: "<= 0.6"
        vanishing_ratio_init_std: "< 1e-3"
      - where: {model.activation: [relu, elu]}                  # a list: any of these
        test_accuracy: ">= 0.9"

Sweep keys are the `runs.csv` metrics (their mean over seeds) or any `summary.csv` column
(`test_accuracy_std`, `n_completed`). `python -m harness check PATH...` runs every config and
experiment under PATH and exits with 1 when an expectation is not met.
"""

import difflib
import math
import operator
import re
from dataclasses import dataclass, field
from typing import Any

RUN_KEYS = ("test_accuracy", "test_loss", "test_mae", "test_rmse", "train_accuracy", "train_loss",
            "train_mae", "train_rmse", "vanishing_ratio_init",
            "vanishing_ratio_final", "time_ratio_init", "time_ratio_final", "saturation_final",
            "dead_fraction_final", "epochs_run",
            "wall_time_s", "chance_accuracy", "chance_loss", "learned", "status")
# runs.csv metrics a sweep averages over seeds (summary.csv: <key>_mean, <key>_std).
SWEEP_METRICS = ("test_accuracy", "test_loss", "test_mae", "test_rmse", "train_accuracy",
                 "train_loss", "vanishing_ratio_init",
                 "vanishing_ratio_final", "time_ratio_init", "time_ratio_final", "saturation_final",
                 "dead_fraction_final",
                 "epochs_run", "wall_time_s")
SWEEP_KEYS = (*SWEEP_METRICS, *(f"{m}_{s}" for m in SWEEP_METRICS for s in ("mean", "std")),
              "n", "n_completed")

# Keys that are not numbers, and the values they take; every other key is compared with a number.
STATUSES = ("completed", "diverged", "interrupted", "failed")
WORDS = {"status": STATUSES, "learned": (True, False)}
# Results measured for one kind of task only (a sweep's `<key>_mean` / `_std` too): what to use on
# the other kind instead.
ONLY = {"classification": {"test_accuracy": "test_loss", "train_accuracy": "train_loss",
                           "chance_accuracy": "chance_loss"},
        "regression": {"test_mae": "test_accuracy", "test_rmse": "test_accuracy",
                       "train_mae": "train_accuracy", "train_rmse": "train_accuracy"}}

_OPS = {">=": operator.ge, "<=": operator.le, "==": operator.eq, "!=": operator.ne,
        ">": operator.gt, "<": operator.lt}
_CONDITION = re.compile(r"\s*(>=|<=|==|!=|>|<)\s*(\S+)\s*")
_EXAMPLE = 'e.g. expect: {test_accuracy: ">= 0.95"}'


@dataclass(frozen=True)
class Expectation:
    """One expected result.

    Attributes:
        key: the measured quantity (`test_accuracy`).
        op: `>=`, `<=`, `>`, `<`, `==` or `!=`.
        value: the number (or, for `==`, the plain value) it is compared with.
        where: grid key -> value, the cells it applies to (empty: every cell, or the run).
    """

    key: str
    op: str
    value: Any
    where: dict = field(default_factory=dict)

    @property
    def condition(self) -> str:
        value = str(self.value).lower() if isinstance(self.value, bool) else self.value
        return f"{self.op} {value:g}" if isinstance(value, float) else f"{self.op} {value}"

    def met_by(self, measured) -> bool:
        if measured is None or (isinstance(measured, float) and math.isnan(measured)):
            return False
        try:
            return bool(_OPS[self.op](measured, self.value))
        except TypeError:  # a number against a word
            return False

    def result(self, measured, cell: str = "") -> dict:
        """The outcome as recorded: key, condition, measured value, met."""
        if isinstance(measured, float) and math.isnan(measured):
            measured = None
        out = {"key": self.key, "condition": self.condition, "measured": measured,
               "met": self.met_by(measured)}
        return {"cell": cell, **out} if cell else out


def parse_run(block) -> list[Expectation]:
    """A config's `expect:` mapping -> expectations. Raises ValueError with the fix."""
    if not isinstance(block, dict) or not block:
        raise ValueError(f"a mapping of results to conditions, {_EXAMPLE}; got {block!r}")
    return [e for key, value in block.items() for e in _parse_all(key, value, RUN_KEYS)]


def parse_sweep(block, grid_keys, seeds: int = 2) -> list[Expectation]:
    """An experiment's `expect:` (a mapping, or a list of them with `where:`) -> expectations.

    Args:
        block: the `expect:` value.
        grid_keys: the dotted keys the grid varies (a case axis: the keys inside its cases).
        seeds: the seeds per cell: a spread over seeds (`*_std`) needs two or more.

    Raises:
        ValueError: a message naming the entry and the fix.
    """
    entries = block if isinstance(block, list) else [block]
    if not entries:
        raise ValueError(f"an empty list; give conditions, {_EXAMPLE}")
    out = []
    for entry in entries:
        if not isinstance(entry, dict) or not entry:
            raise ValueError(f"each entry is a mapping of results to conditions, optionally with "
                             f"where: {{model.depth: 10}}; got {entry!r}")
        where = entry.get("where", {})
        if not isinstance(where, dict) or not where and "where" in entry:
            raise ValueError(f"where: a mapping of grid keys to values, e.g. where: "
                             f"{{model.activation: sigmoid}}; got {where!r}")
        for key in where:
            if key not in grid_keys:
                raise ValueError(f"where: {key!r} is not varied by the grid"
                                 f"{_close(key, grid_keys)}; the grid varies "
                                 f"{', '.join(grid_keys)}")
        conditions = {k: v for k, v in entry.items() if k != "where"}
        if not conditions:
            raise ValueError(f"where: {where} without a condition; add one, "
                             'e.g. test_accuracy: ">= 0.9"')
        for key in conditions:
            if str(key).endswith("_std") and seeds < 2:
                raise ValueError(f"{key}: a spread over seeds, but the experiment runs one seed "
                                 "per cell, so it is never measured; add seeds (e.g. seeds: "
                                 "[0, 1, 2]) or expect the mean")
        out += [e for k, v in conditions.items() for e in _parse_all(k, v, SWEEP_KEYS, where)]
    return out


def _parse_all(key, value, known, where=None) -> list[Expectation]:
    """A key's condition, or its list of conditions (a range: [">= 0.1", "<= 10"])."""
    if isinstance(value, list) and value:
        return [_parse(key, v, known, where) for v in value]
    return [_parse(key, value, known, where)]


def _parse(key, value, known, where=None) -> Expectation:
    if key not in known:
        raise ValueError(f"{key!r}: not a result that is measured{_close(key, known)}; "
                         f"known: {', '.join(known)}")
    where = dict(where or {})
    if key in WORDS:
        return _parse_word(key, value, where)
    if isinstance(value, str):
        match = _CONDITION.fullmatch(value)
        if match:
            number = _number(match.group(2))
            if number is None:
                raise ValueError(f"{key}: {value!r}: {match.group(2)!r} is not a number; "
                                 f'write e.g. "{match.group(1)} 0.95"')
            return Expectation(key, match.group(1), number, where)
        if _number(value) is not None:  # "0.95": equal to the number
            return Expectation(key, "==", _number(value), where)
        raise ValueError(f"{key}: {value!r} is not a condition; write an operator "
                         '(>=, <=, >, <, ==, !=) and a number, e.g. ">= 0.95"')
    if isinstance(value, (dict, list)) or value is None:
        raise ValueError(f"{key}: {value!r} is not a condition; write e.g. "
                         f'{key}: ">= 0.95" (quoted: YAML reads > as a block marker)')
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ValueError(f"{key}: {value!r} is not a number, so it is never met; write a "
                         f'condition on a number, e.g. {key}: ">= 0.95"')
    return Expectation(key, "==", value, where)


def _parse_word(key, value, where: dict) -> Expectation:
    """`status` and `learned`: a plain value (or `== v`, `!= v`) of the values they take."""
    choices = WORDS[key]
    op, word = "==", value
    if isinstance(value, str) and not isinstance(choices[0], bool):
        match = re.fullmatch(r"\s*(==|!=)?\s*(\S+)\s*", value)
        if match:
            op, word = match.group(1) or "==", match.group(2)
    if word not in choices or isinstance(word, bool) != isinstance(choices[0], bool):
        shown = " or ".join(str(c).lower() for c in choices)
        raise ValueError(f"{key}: {value!r} is never measured; {key} is {shown}, e.g. "
                         f"{key}: {str(choices[0]).lower()}")
    return Expectation(key, op, word, where)


def task_problem(expectations: list[Expectation], task: str | None) -> str | None:
    """Why one of `expectations` is never measured on data of `task`, or None (also when the
    task is not known yet: a csv file's target decides it when the file is read)."""
    if task is None:
        return None
    kind = "regression" if task == "regression" else "classification"
    other = "classification" if kind == "regression" else "regression"
    for e in expectations:
        base = re.sub(r"_(mean|std)$", "", e.key)
        if base in ONLY[other]:
            return (f"{e.key}: measured on {other} data only, and this is {task} data, so it is "
                    f"never met; expect {e.key.replace(base, ONLY[other][base])} instead")
    return None


def type_problem(expectations: list[Expectation], kind: str, measured_by) -> str | None:
    """Why one of `expectations` is never measured by a model of type `kind`, or None.

    Args:
        expectations: parsed `expect:` entries (a sweep's `<key>_mean` / `_std` too).
        kind: the config's `model.type`.
        measured_by: `key -> {model type: what the key is}` for the types whose runs alone
            measure it ({} for a key every run measures; `harness.models.types.measured_by`).
    """
    for e in expectations:
        base = re.sub(r"_(mean|std)$", "", e.key)
        types = measured_by(base)
        if types and kind not in types:
            what = "; ".join(types.values())
            return (f"{e.key} ({what}) is measured on {' and '.join(types)} models only, and "
                    f"this is a {kind} model, so it is never met; remove it (to run a file "
                    "whose expect: names it on another model, add --set expect=null)")
    return None


def cells_problem(expectations: list[Expectation], cells) -> str | None:
    """`task_problem` for an experiment: `cells` holds (grid values, task) per run; each
    expectation is checked on the cells its `where:` picks."""
    for values, task in cells:
        problem = task_problem([e for e in expectations if matches(e.where, values)], task)
        if problem:
            return problem
    return None


def _number(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _close(key, known) -> str:
    close = difflib.get_close_matches(str(key), list(known), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def check_run(expectations: list[Expectation], measured: dict) -> list[dict]:
    """Each expectation's result against a run's measured values (`summary.json` and more)."""
    return [e.result(measured.get(e.key)) for e in expectations]


def matches(where: dict, values: dict) -> bool:
    """Whether a cell with grid values `values` (dotted key -> value) is one `where` picks.

    A `where` value picks the cells with that value; a list also picks those with any one of its
    items (`model.activation: [relu, elu]`), unless the grid's values are lists themselves.
    """
    from harness.base.labels import render

    def same(a, b):
        return a == b or render(a) == render(b)

    return all(k in values and (same(values[k], v) or isinstance(v, list) and any(
        same(values[k], item) for item in v)) for k, v in where.items())


def sweep_value(row, key: str):
    """The measured value of `key` in a `summary.csv` row: a metric is its mean over seeds."""
    column = f"{key}_mean" if key in SWEEP_METRICS else key
    return float(row[column]) if column in row and row[column] is not None else None


def format_results(results: list[dict]) -> str:
    """One line per result: `expect: [cell: ]test_accuracy 0.981 (>= 0.95): met`."""
    lines = []
    for r in results:
        measured = r["measured"]
        shown = f"{measured:.4g}" if isinstance(measured, float) else (
            "missing" if measured is None else str(measured).lower())
        cell = f"{r['cell']}: " if r.get("cell") else ""
        lines.append(f"expect: {cell}{r['key']} {shown} ({r['condition']}): "
                     f"{'met' if r['met'] else 'NOT MET'}")
    return "\n".join(lines)
