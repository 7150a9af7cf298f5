"""Every config key with its type, default and meaning, read from the config's pydantic models.

`harness schema` prints these rows and the lesson site's reference page is generated from them, so
neither is a hand-kept copy of the models' field docstrings.
"""

import types


def schema_rows(model=None, prefix: str = "") -> list[tuple[str, str, str, str]]:
    """Every config key as (dotted key, type, default, meaning), sections expanded in order."""
    from pydantic import BaseModel

    from harness.config.config import Config

    rows = []
    for name, field in (model or Config).model_fields.items():
        annotation = field.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            rows += schema_rows(annotation, f"{prefix}{name}.")
            continue
        kind = type_text(annotation)
        default = "null" if field.default is None else (
            str(field.default).lower() if isinstance(field.default, bool) else str(field.default))
        meaning = " ".join((field.description or "").split())
        rows.append((f"{prefix}{name}", kind, default, meaning))
    return rows


def type_text(annotation) -> str:
    """A config key's type as a YAML writer reads it: `int | null`, `auto | last | list[int] |
    {every: int}`; Literal choices are their values, a sub-section its keys."""
    import typing

    from pydantic import BaseModel

    args = typing.get_args(annotation)
    if typing.get_origin(annotation) is typing.Literal:
        return " | ".join(str(a) for a in args)
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return " | ".join(type_text(a) for a in args)
    if annotation is type(None):
        return "null"
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return "{" + ", ".join(f"{name}: {type_text(field.annotation)}"
                               for name, field in annotation.model_fields.items()) + "}"
    if isinstance(annotation, type) and not args:
        return annotation.__name__
    return str(annotation).replace("typing.", "").replace("dict[str, Any]", "mapping")
