"""Name -> entry tables for activations, heads, losses, initializers, optimizers and datasets.

Every option the config accepts lives in one `Registry`: one place to add a name, and one place that
turns an unknown name into a "did you mean" message.
"""

import difflib
from collections.abc import Iterator
from typing import Generic, TypeVar

T = TypeVar("T")


class Registry(Generic[T]):
    """A table of named entries with aliases.

    Args:
        kind: what the entries are, singular (`"activation"`), used in messages.
        command: the `harness list` argument that prints the table (`"activations"`).

    Example:
        >>> table = Registry("optimizer", "optimizers")
        >>> table.register("sgd", "plain SGD")
        >>> table.get("sgd")
        'plain SGD'
    """

    def __init__(self, kind: str, command: str):
        self.kind = kind
        self.command = command
        self._entries: dict[str, T] = {}
        self._aliases: dict[str, str] = {}

    def register(self, name: str, entry: T, aliases: tuple[str, ...] = ()) -> T:
        """Adds `entry` under `name` and its aliases; a name already taken is an error."""
        for key in (name, *aliases):
            if key in self._entries or key in self._aliases:
                raise ValueError(f"{self.kind} {key!r} is registered twice")
        self._entries[name] = entry
        self._aliases.update({alias: name for alias in aliases})
        return entry

    def canonical(self, name: str) -> str:
        """Returns the registered name for `name` or one of its aliases."""
        name = self._aliases.get(name, name)
        if name not in self._entries:
            raise KeyError(self.unknown_message(name))
        return name

    def get(self, name: str) -> T:
        return self._entries[self.canonical(name)]

    def __contains__(self, name: object) -> bool:
        return name in self._entries or name in self._aliases

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries)

    def items(self):
        return self._entries.items()

    def aliases_of(self, name: str) -> list[str]:
        return [alias for alias, target in self._aliases.items() if target == name]

    def unknown_message(self, name: object, extra_names: tuple[str, ...] = ()) -> str:
        """The message for a name that is not in the table, with the closest matches."""
        choices = [*self._entries, *self._aliases, *extra_names]
        # A prefix (`he` for he_normal) first: difflib scores short prefixes too low to suggest.
        prefixed = [c for c in choices if len(str(name)) >= 2 and c.startswith(str(name))]
        close = list(dict.fromkeys(
            [*prefixed, *difflib.get_close_matches(str(name), choices, n=3, cutoff=0.6)]))[:3]
        hint = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
        return (f"unknown {self.kind} {name!r}{hint} "
                f"(see `python -m harness list {self.command}`)")
