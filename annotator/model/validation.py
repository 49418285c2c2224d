"""Checks shared by the model's dataclasses: each returns the cleaned value or
raises :class:`FieldError` naming the field, so a case-file loader can point at
``roots[0].drugs[1].dose_mg`` and the GUI can show a one-line message."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from enum import Enum
from typing import Any, TypeVar

E = TypeVar("E", bound=Enum)


class FieldError(ValueError):
    """A value the model refuses; ``field`` is the attribute name (dotted for nested)."""

    def __init__(self, field: str, problem: str) -> None:
        self.field = field
        self.problem = problem
        super().__init__(f"{field}: {problem}")


class UnknownItemError(KeyError):
    """An id that names no root, film, annotation, finding or redaction of the case."""

    def __init__(self, kind: str, item_id: object) -> None:
        self.kind = kind
        self.item_id = item_id
        super().__init__(item_id)

    def __str__(self) -> str:  # KeyError would show repr(args)
        return f"no {self.kind} with id {self.item_id!r} in this case"


def enum_value(cls: type[E], value: Any, field: str) -> E:
    """``value`` converted to the enum ``cls`` (accepts members and their values)."""
    try:
        return cls(value)
    except ValueError:
        allowed = ", ".join(str(m.value) for m in cls)  # type: ignore[attr-defined]
        raise FieldError(field, f"{value!r} is not one of {allowed}") from None


def text(value: Any, field: str) -> str:
    if not isinstance(value, str):
        raise FieldError(field, f"must be text, got {type(value).__name__}")
    return value


def opt_text(value: Any, field: str) -> str | None:
    return None if value is None else text(value, field)


def non_empty(value: Any, field: str) -> str:
    value = text(value, field)
    if not value.strip():
        raise FieldError(field, "must not be empty")
    return value


def flag(value: Any, field: str) -> bool:
    if not isinstance(value, bool):
        raise FieldError(field, f"must be true or false, got {value!r}")
    return value


def opt_flag(value: Any, field: str) -> bool | None:
    return None if value is None else flag(value, field)


def number(value: Any, field: str, lo: float | None = None, hi: float | None = None) -> float:
    """A finite float within [lo, hi] (bounds optional); bools are refused."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise FieldError(field, f"must be a number, got {type(value).__name__}")
    v = float(value)
    if not math.isfinite(v):
        raise FieldError(field, f"must be a finite number, got {value!r}")
    if lo is not None and v < lo:
        raise FieldError(field, f"must be at least {lo:g}, got {value!r}")
    if hi is not None and v > hi:
        raise FieldError(field, f"must be at most {hi:g}, got {value!r}")
    return v


MAX_COORDINATE = 1e9  # pixels: films are < 1e5 wide; the bound keeps squares and products of coordinates finite


def coordinate(value: Any) -> float:
    """``float(value)`` for a pixel coordinate; a too-large int gives ValueError, not OverflowError."""
    try:
        return float(value)
    except OverflowError:
        raise ValueError("coordinate too large") from None


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def path_text(value: Any, field: str) -> str:
    """Non-empty text naming a file, without control characters (NUL, newline, ...)."""
    value = non_empty(value, field)
    bad = _CONTROL.search(value)
    if bad:
        raise FieldError(field, f"must not contain control characters (found {bad.group()!r})")
    return value


def opt_number(value: Any, field: str, lo: float | None = None, hi: float | None = None) -> float | None:
    return None if value is None else number(value, field, lo, hi)


def integer(value: Any, field: str, lo: int | None = None, hi: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise FieldError(field, f"must be a whole number, got {value!r}")
    if lo is not None and value < lo:
        raise FieldError(field, f"must be at least {lo}, got {value}")
    if hi is not None and value > hi:
        raise FieldError(field, f"must be at most {hi}, got {value}")
    return value


def items(value: Any, cls: type, field: str) -> list:
    """A list whose every element is an instance of ``cls`` (a tuple is accepted and copied)."""
    if not isinstance(value, (list, tuple)):
        raise FieldError(field, f"must be a list, got {type(value).__name__}")
    for i, v in enumerate(value):
        if not isinstance(v, cls):
            raise FieldError(f"{field}[{i}]", f"must be a {cls.__name__}, got {type(v).__name__}")
    return list(value)


def unique_ids(objs: list, field: str) -> None:
    seen: set[str] = set()
    for i, o in enumerate(objs):
        if o.id in seen:
            raise FieldError(f"{field}[{i}].id", f"duplicate id {o.id!r}")
        seen.add(o.id)


def mapping(value: Any, field: str) -> dict:
    if not isinstance(value, dict):
        try:
            value = dict(value)
        except (TypeError, ValueError):
            raise FieldError(field, f"must be a mapping, got {type(value).__name__}") from None
    for k in value:
        if not isinstance(k, str):
            raise FieldError(field, f"keys must be text, got {k!r}")
    return value


def _rebuild(cls: type, kwargs: dict[str, Any]) -> Any:
    return cls(**kwargs)


def reduce_frozen(self: Any) -> tuple[Any, tuple[type, dict[str, Any]]]:
    """``__reduce__`` for frozen dataclasses holding read-only mappings (``MappingProxyType``
    cannot be copied or pickled): rebuild from the field values, with plain dicts."""
    from dataclasses import fields

    values = {f.name: getattr(self, f.name) for f in fields(self)}
    return _rebuild, (type(self), {k: dict(v) if isinstance(v, Mapping) else v for k, v in values.items()})
