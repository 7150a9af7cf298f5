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

    def remove(self, name: str) -> T:
        """Takes the entry registered as `name` (not an alias) and its aliases out of the table,
        and returns it: an entry registered for a while, e.g. a test's own model type."""
        entry = self._entries.pop(name)
        for alias in self.aliases_of(name):
            del self._aliases[alias]
        return entry

    def spelling(self, name: str) -> str:
        """Returns `name` as the table spells it: itself when registered (a name or an alias),
        else the one name or alias that differs from it only in case (`SGD` -> `sgd`).

        Raises:
            KeyError: no such name, or several that differ only in case (the message suggests
                the closest ones).
        """
        if name in self._entries or name in self._aliases:
            return name
        folded = [key for key in (*self._entries, *self._aliases)
                  if isinstance(name, str) and key.casefold() == name.casefold()]
        if len(folded) != 1:
            raise KeyError(self.unknown_message(name))
        return folded[0]

    def canonical(self, name: str) -> str:
        """Returns the registered name for `name` or one of its aliases (in any case)."""
        name = self.spelling(name)
        return self._aliases.get(name, name)

    def get(self, name: str) -> T:
        return self._entries[self.canonical(name)]

    def __contains__(self, name: object) -> bool:
        try:
            self.spelling(name)
        except KeyError:
            return False
        return True

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries)

    def items(self):
        return self._entries.items()

    def aliases_of(self, name: str) -> list[str]:
        return [alias for alias, target in self._aliases.items() if target == name]

    def unknown_message(self, name: object, extra_names: tuple[str, ...] = ()) -> str:
        """The message for a name that is not in the table, with the closest matches."""
        choices = [*self._entries, *self._aliases, *extra_names]
        # Compared without case (`Adamm` -> adam); a prefix (`he` for he_normal) first: difflib
        # scores short prefixes too low to suggest.
        folded = {c.casefold(): c for c in reversed(choices)}
        text = str(name).casefold()
        prefixed = [c for c in choices if len(text) >= 2 and c.casefold().startswith(text)]
        close = list(dict.fromkeys([*prefixed, *(folded[c] for c in difflib.get_close_matches(
            text, list(folded), n=3, cutoff=0.6))]))[:3]
        hint = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
        return (f"unknown {self.kind} {name!r}{hint} "
                f"(see `python -m harness list {self.command}`)")
