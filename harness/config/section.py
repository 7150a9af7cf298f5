"""What every section of the config is built from: the frozen `Section` base and `KeyProblem`.

Also the checks and message helpers the sections share: a name checked against one of the option
tables (`check_name`), a value cut for a one-line message (`short_repr`), and why a `yes` in YAML
reached a section as true (`yaml_bool_note`).
"""

from typing import Any

from pydantic import BaseModel, ConfigDict


class KeyProblem(ValueError):
    """A problem found across fields, reported at `key` (a dotted path such as `train.loss`).

    `related` names the other keys involved, so that the error can blame a `--set` of any of them.
    """

    def __init__(self, key: str, message: str, related: tuple[str, ...] = ()):
        super().__init__(message)
        self.key = key
        self.related = related


class Section(BaseModel):
    """A section of the config: frozen, strict (no `"3"` for 3), unknown keys refused, and each
    key's docstring its description (in the JSON Schema and `python -m harness schema`)."""

    model_config = ConfigDict(frozen=True, extra="forbid", strict=True, allow_inf_nan=False,
                              use_attribute_docstrings=True)


def short_repr(value: Any, limit: int = 60) -> str:
    """`repr(value)` cut to `limit` characters, for one-line messages."""
    try:
        text = repr(value)
    except ValueError:  # an int beyond Python's 4300-digit printing limit
        return "a number too long to print"
    return text if len(text) <= limit else text[:limit - 3] + "..."


def yaml_bool_note(value: Any) -> str:
    """For true/false where a word was expected, why: YAML 1.1 reads yes/no and on/off (and
    true/false) as true or false, so `batch_norm: yes` never reaches us as a word; else ''."""
    if not isinstance(value, bool):
        return ""
    return " (YAML reads yes/no and on/off as true/false, not as words)"


def check_name(table, value: Any) -> str:
    """`value` as `table` (a `harness.base.registry.Registry`) spells it.

    Raises:
        ValueError: not a name, or a name the table does not hold (with the closest one).
    """
    if not isinstance(value, str):
        article = "an" if table.kind[0] in "aeiou" else "a"
        raise ValueError(f"{article} {table.kind} is a name, got {short_repr(value)}"
                         f"{yaml_bool_note(value)} (see `python -m harness list {table.command}`)")
    try:
        return table.spelling(value)  # `SGD` is `sgd`: saved as the table spells it
    except KeyError as e:
        raise ValueError(e.args[0]) from None
