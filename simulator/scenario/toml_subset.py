"""The plain part of TOML that almost every ``scenario.toml`` is written in, read without
importing ``tomllib`` (which, with the ``datetime`` it loads, is about 3 % of a one-scenario
``seclab run``; a regular expression for this subset costs half of that to compile, so this
is a scanner over string methods).

:func:`loads` reads a document made only of

- blank lines and ``#`` comments;
- table headers ``[a.b]`` whose keys are bare (``A-Za-z0-9_-``) or basic strings without
  escapes (``[files."/var/lib/x.qcow2"]``);
- ``key = value`` with a bare key, where the value is ``true``, ``false``, a decimal
  integer, a basic string without escapes, or a one-line array of those;

and returns what ``tomllib.loads`` returns for it. Anything else, including every
document that is not valid TOML, returns ``None``, and the caller asks ``tomllib``, which
then gives its own result or its own error: this reader never decides an error.
``tests/scenario/test_toml_subset.py`` checks the two agree.
"""

from __future__ import annotations

from typing import Any

WHITESPACE = " \t"  # TOML 1.0: whitespace is space and tab
BARE_KEY_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")
DIGITS = frozenset("0123456789")
# tomllib: ILLEGAL_COMMENT_CHARS and ILLEGAL_BASIC_STR_CHARS, the control characters but tab
CONTROL = frozenset(chr(c) for c in range(0x20) if c != 0x09) | {"\x7f"}
NOT_IN_PLAIN_STRING = CONTROL | {'"', "\\"}


class _Unplain(Exception):
    """Not in the plain subset: the caller falls back to tomllib."""


def _skip_ws(line: str, at: int) -> int:
    while at < len(line) and line[at] in WHITESPACE:
        at += 1
    return at


def _end_of_line(line: str, at: int) -> None:
    """Only whitespace and a comment may follow."""
    at = _skip_ws(line, at)
    if at < len(line) and (line[at] != "#" or not CONTROL.isdisjoint(line[at + 1 :])):
        raise _Unplain


def _key(line: str, at: int, *, quoted: bool) -> tuple[str, int]:
    if quoted and line.startswith('"', at):
        return _string(line, at)
    end = at
    while end < len(line) and line[end] in BARE_KEY_CHARS:
        end += 1
    if end == at:
        raise _Unplain
    return line[at:end], end


def _string(line: str, at: int) -> tuple[str, int]:
    end = line.find('"', at + 1)
    if end < 0 or not NOT_IN_PLAIN_STRING.isdisjoint(line[at + 1 : end]):
        raise _Unplain
    return line[at + 1 : end], end + 1


def _scalar(line: str, at: int) -> tuple[Any, int]:
    if line.startswith('"', at):
        return _string(line, at)
    for word, value in (("true", True), ("false", False)):
        if line.startswith(word, at):
            return value, at + len(word)  # what follows is checked by the caller
    end = at + 1 if line.startswith(("+", "-"), at) else at
    digits = end
    while end < len(line) and line[end] in DIGITS:
        end += 1
    if end == digits or (line[digits] == "0" and end - digits > 1):
        raise _Unplain  # no digits, or a leading zero
    # 1_000, 0x10, 1e3, 1.5 or a date stop at a character the caller refuses
    try:
        return int(line[at:end]), end
    except ValueError:  # longer than sys.int_max_str_digits: tomllib's (and its error)
        raise _Unplain from None


def _value(line: str, at: int) -> tuple[Any, int]:
    if not line.startswith("[", at):
        return _scalar(line, at)
    items: list[Any] = []
    at = _skip_ws(line, at + 1)
    while not line.startswith("]", at):
        item, at = _scalar(line, at)
        items.append(item)
        at = _skip_ws(line, at)
        if line.startswith(",", at):
            at = _skip_ws(line, at + 1)
        elif not line.startswith("]", at):
            raise _Unplain
    return items, at + 1


def _header(line: str, at: int) -> tuple[tuple[str, ...], int]:
    """``[a."b"]``; ``[[a]]``, an array of tables, is not plain (``[`` is no key)."""
    path = []
    at = _skip_ws(line, at + 1)
    while True:
        key, at = _key(line, at, quoted=True)
        path.append(key)
        at = _skip_ws(line, at)
        if line.startswith("]", at):
            return tuple(path), at + 1
        if not line.startswith(".", at):
            raise _Unplain
        at = _skip_ws(line, at + 1)


def _load(text: str) -> dict[str, Any]:
    document: dict[str, Any] = {}
    table = document
    defined: set[tuple[str, ...]] = set()
    for line in text.split("\n"):
        at = _skip_ws(line, 0)
        if at == len(line) or line[at] == "#":
            _end_of_line(line, at)
        elif line[at] == "[":
            path, at = _header(line, at)
            _end_of_line(line, at)
            if path in defined:
                raise _Unplain  # a table defined twice: tomllib's error
            defined.add(path)
            table = document
            for key in path:
                child = table.setdefault(key, {})
                if not isinstance(child, dict):
                    raise _Unplain  # a key already holding a value: tomllib's error
                table = child
        else:
            key, at = _key(line, at, quoted=False)
            at = _skip_ws(line, at)
            if not line.startswith("=", at):
                raise _Unplain
            value, at = _value(line, _skip_ws(line, at + 1))
            _end_of_line(line, at)
            if key in table:
                raise _Unplain  # a key defined twice: tomllib's error
            table[key] = value
    return document


def loads(text: str) -> dict[str, Any] | None:
    """``tomllib.loads(text)`` when ``text`` is in the plain subset above, else ``None``."""
    try:
        return _load(text)
    except _Unplain:
        return None
