"""Reading YAML safely: a config or experiment file's text, parsed with plain values only.

Hardened against what a YAML file can do besides holding values: a key given twice (YAML keeps the
last one silently), aliases that expand into billions of values, `!!python` tags, numbers with
thousands of digits, nesting beyond the recursion limit, and files that are devices, pipes or
too big. Every problem is one `ConfigError` line naming the file and the line.
"""

import os
import re
import stat
from pathlib import Path

import yaml

from harness.errors import ConfigError


class _DuplicateKey(yaml.constructor.ConstructorError):
    pass


class _AliasBomb(yaml.YAMLError):
    pass


ALIAS_BUDGET = 10_000  # values that aliases (*name) may add; nested aliases multiply


def _expanded_size(node, sizes: dict, path: set) -> int:
    """Values in `node` with every alias written out (memoised: shared nodes are aliases)."""
    key = id(node)
    if key in sizes:
        return sizes[key]
    if key in path:
        raise _AliasBomb("an alias (*name) refers to the value that contains it; "
                         "write the values out")
    path.add(key)
    children = ([n for pair in node.value for n in pair] if isinstance(node, yaml.MappingNode)
                else node.value if isinstance(node, yaml.SequenceNode) else [])
    size = 1 + sum(_expanded_size(child, sizes, path) for child in children)
    path.discard(key)
    sizes[key] = size
    return size


class _Loader(yaml.SafeLoader):
    """SafeLoader that reads `1e-3` as a float (YAML 1.1 wants `1.0e-3`), rejects a key given
    twice in one mapping (YAML would silently keep the last) and refuses aliases that expand into
    more than `ALIAS_BUDGET` values (a few hundred bytes of nested `&a [*b, *b]` can stand for
    billions)."""

    def construct_document(self, node):
        sizes = {}
        extra = _expanded_size(node, sizes, set()) - len(sizes)
        if extra > ALIAS_BUDGET:
            raise _AliasBomb(f"aliases (*name) expand into {extra:.3g} more values, more than "
                             f"the {ALIAS_BUDGET} allowed; write the values out, or use fewer "
                             "nested aliases")
        return super().construct_document(node)

    def construct_mapping(self, node, deep=False):
        seen = set()
        for key_node, _ in node.value if isinstance(node, yaml.MappingNode) else ():
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            if key is not None and key in seen and key != "<<":
                raise _DuplicateKey(None, None, f"key {key!r} appears twice in one mapping; "
                                    "keep one (merge the two blocks)", key_node.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?(?:\d+\.?\d*|\.\d+)[eE][-+]?\d+$"), list("-+0123456789."))


def parse_yaml(text: str, where: str):
    """Parses YAML text with safe tags only; errors name `where` and the line."""
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass
    except _DuplicateKey as e:
        raise ConfigError(f"{where}: {_line(e)}{e.problem}") from None
    except _AliasBomb as e:
        raise ConfigError(f"{where}: {e}") from None
    except yaml.constructor.ConstructorError as e:
        tag = re.search(r"constructor for the tag '([^']*)'", str(e))
        if tag:
            tag = tag.group(1).replace("tag:yaml.org,2002:", "!!")
            raise ConfigError(f"{where}: {_line(e)}{tag} is not allowed; remove it (configs hold "
                              "plain values: numbers, strings, lists, mappings)") from None
        if "unhashable" in str(e.problem):
            raise ConfigError(f"{where}: {_line(e)}a key must be a plain name, not a list or "
                              "mapping; write `key: value`") from None
        raise ConfigError(f"{where}: {_line(e)}{e.problem}; write plain values (numbers, "
                          "strings, lists, mappings) without !!tags") from None
    except yaml.YAMLError as e:
        problem = getattr(e, "problem", None) or str(e).splitlines()[0]
        raise ConfigError(f"{where}: {_line(e)}YAML syntax error: {problem}; "
                          "check indentation, colons and brackets") from None
    except RecursionError:
        raise ConfigError(f"{where}: lists or mappings nested too deeply to read; "
                          "use a few levels, e.g. model: {width: [8, 4]}") from None
    except (ValueError, KeyError, AttributeError, TypeError) as e:
        # Not YAMLErrors: Python's 4300-digit limit on integers, and PyYAML's constructors for
        # explicit tags on values they cannot read (`!!int x`, `!!bool x`, `!!timestamp x`).
        if "digits" in str(e):
            raise ConfigError(f"{where}: a number with thousands of digits; "
                              "write numbers with at most a few dozen digits") from None
        raise ConfigError(f"{where}: a value YAML cannot read ({type(e).__name__}: "
                          f"{_first_line(e)}); write plain values without !!tags") from None


def _first_line(e: Exception) -> str:
    lines = str(e).strip().splitlines()
    return lines[0][:120] if lines else type(e).__name__


def _line(e) -> str:
    mark = getattr(e, "problem_mark", None)
    return f"line {mark.line + 1}: " if mark is not None else ""


MAX_BYTES = 1_000_000  # a config is a few hundred bytes; a bigger file is not one


def read_text(path: Path, what: str = "file") -> str:
    """The text of a config or experiment file: a regular UTF-8 file of at most `MAX_BYTES`.

    `/dev/zero`, a FIFO or a symlink loop would otherwise read forever, block, or fail with a
    traceback.
    """
    shown = display_path(path)
    try:
        info = os.stat(path)  # before opening: opening a FIFO waits for a writer
        if not stat.S_ISREG(info.st_mode):
            raise ConfigError(f"{shown}: not a regular file (a device, a pipe or a folder); "
                              f"give a YAML {what}")
        if info.st_size > MAX_BYTES:
            raise ConfigError(f"{shown}: {info.st_size} bytes, more than a config holds "
                              f"({MAX_BYTES}); give a YAML {what}")
        with open(path, "rb") as f:
            data = f.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise ConfigError(f"{shown}: no such {what}; check the path") from None
    except OSError as e:
        raise ConfigError(f"{shown}: cannot read the {what} ({e.strerror or e}); "
                          "check the path and its permissions") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise ConfigError(f"{shown}: not UTF-8 text ({e.reason} at byte {e.start}); "
                          "save the file as UTF-8") from None


def display_path(path: Path) -> str:
    """A path as messages show it: relative to the working folder when inside it, else as given."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except (ValueError, OSError, RuntimeError):  # outside the folder, or a symlink loop
        return str(path)
