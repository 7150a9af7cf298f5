"""Checking one error message: one line, where, which key, and a hint of the fix."""

# A message offers a way out when it says one of these.
FIXES = ("did you mean", "e.g.", "see `", "use ", "write ", "give ", "check ", "remove ",
         "keys here are", "known keys", "takes ", "is one of", "save ")

def shown(text: str) -> str:
    """`text` as a one-line message shows it (characters that break lines escaped)."""
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode() for c in text)


def check(message: str, starts, key: str | None = None, close: bool = False) -> None:
    assert message.isprintable(), f"not one line: {message!r}"
    assert message.startswith(starts), f"should start with {starts!r}: {message!r}"
    if key is not None:
        assert shown(key) in message, f"should name {key!r}: {message!r}"
    assert any(fix in message for fix in FIXES), f"no hint of the fix: {message!r}"
    if close:
        assert "did you mean" in message, f"no 'did you mean': {message!r}"


