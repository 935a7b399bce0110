"""JSON from strangers, parsed within bounds: nesting depth, number of values, size.

Python's parser recurses per nesting level and accepts any number of values; a body of a few
kilobytes can exhaust the stack (RecursionError) or make a service loop for seconds. Every
place that parses JSON it did not write itself goes through `loads`.
"""

import json
from typing import Any

MAX_DEPTH = 32
MAX_VALUES = 20_000


class JSONTooComplex(ValueError):
    """The document nests deeper or holds more values than allowed."""


def loads(text: str | bytes, *, max_depth: int = MAX_DEPTH, max_values: int = MAX_VALUES) -> Any:
    """Parse a JSON document, refusing NaN/Infinity and documents beyond the bounds."""
    if isinstance(text, bytes):
        text = text.decode("utf-8")
    _check_nesting(text, max_depth)
    try:
        value = json.loads(text, parse_constant=_refuse_constant)
    except RecursionError as exc:  # pragma: no cover - _check_nesting refuses such depths first
        raise JSONTooComplex("nesting") from exc
    _count_values(value, max_values)
    return value


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def _check_nesting(text: str, max_depth: int) -> None:
    """Refuse deep nesting before the recursive parser sees it (brackets inside strings skipped)."""
    if text.count("[") + text.count("{") <= max_depth:
        return
    depth = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > max_depth:
                raise JSONTooComplex("nesting")
        elif char in "]}":
            depth -= 1


def _count_values(value: Any, max_values: int) -> None:
    pending, seen = [value], 0
    while pending:
        current = pending.pop()
        seen += 1
        if seen > max_values:
            raise JSONTooComplex("values")
        if isinstance(current, dict):
            pending.extend(current.values())
        elif isinstance(current, list):
            pending.extend(current)
