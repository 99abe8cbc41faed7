"""Bash's pattern matching (``glob.c``/``strmatch``) and the en_US.UTF-8 collation order
that pathname expansion sorts its results in (as ``ls`` does).

A pattern is a sequence of (text, quoted) segments: quoted characters match themselves."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

Segments = tuple[tuple[str, bool], ...]

GLOB_CHARS = frozenset("*?[")

# POSIX character classes inside brackets: [[:alpha:]]
_CLASSES = {
    "alpha": "a-zA-Z",
    "digit": "0-9",
    "alnum": "a-zA-Z0-9",
    "upper": "A-Z",
    "lower": "a-z",
    "space": " \\t\\n\\r\\f\\v",
    "blank": " \\t",
    "punct": re.escape("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"),
    "xdigit": "0-9A-Fa-f",
    "cntrl": "\\x00-\\x1f\\x7f",
    "print": " -~",
    "graph": "!-~",
    "word": "a-zA-Z0-9_",
}


def has_glob(segments: Iterable[tuple[str, bool]]) -> bool:
    return any(not quoted and GLOB_CHARS & set(text) for text, quoted in segments)


def to_regex(segments: Iterable[tuple[str, bool]]) -> str:
    """The regular expression of a pattern (bash: strmatch), anchored by the caller."""
    chars = [(c, q) for text, q in segments for c in text]
    out: list[str] = []
    i = 0
    while i < len(chars):
        char, quoted = chars[i]
        i += 1
        if quoted:
            out.append(re.escape(char))
        elif char == "*":
            out.append(".*")
        elif char == "?":
            out.append(".")
        elif char == "\\" and i < len(chars):
            out.append(re.escape(chars[i][0]))
            i += 1
        elif char == "[":
            bracket, used = _bracket(chars, i)
            if bracket is None:
                out.append(re.escape("["))
            else:
                out.append(bracket)
                i = used
        else:
            out.append(re.escape(char))
    return "".join(out)


def _bracket(chars: list[tuple[str, bool]], start: int) -> tuple[str | None, int]:
    """A bracket expression starting after ``[``: its regex and the index after ``]``."""
    i = start
    negate = False
    if i < len(chars) and not chars[i][1] and chars[i][0] in "!^":
        negate = True
        i += 1
    items: list[str] = []
    first = True
    while i < len(chars):
        char, quoted = chars[i]
        if char == "]" and not quoted and not first:
            body = "".join(items)
            return ("[^" if negate else "[") + body + "]", i + 1
        first = False
        if char == "[" and not quoted and i + 1 < len(chars) and chars[i + 1][0] == ":":
            end = "".join(c for c, _ in chars[i + 2 :]).find(":]")
            if end >= 0:
                name = "".join(c for c, _ in chars[i + 2 : i + 2 + end])
                if name in _CLASSES:
                    items.append(_CLASSES[name])
                    i += end + 4
                    continue
        if (
            i + 2 < len(chars)
            and chars[i + 1] == ("-", False)
            and not (chars[i + 2][0] == "]" and not chars[i + 2][1])
        ):
            low, high = char, chars[i + 2][0]
            if low <= high:
                items.append(re.escape(low) + "-" + re.escape(high))
            i += 3
            continue
        items.append(re.escape(char))
        i += 1
    return None, start


@lru_cache(maxsize=512)
def compile_pattern(regex: str) -> re.Pattern[str]:
    return re.compile(regex, re.DOTALL)


def match(segments: Segments, text: str) -> bool:
    return compile_pattern(to_regex(segments)).fullmatch(text) is not None


def literal(segments: Iterable[tuple[str, bool]]) -> str:
    """The pattern's text with its quoting removed (what a non-matching glob leaves)."""
    out: list[str] = []
    for text, quoted in segments:
        if quoted:
            out.append(text)
            continue
        i = 0
        while i < len(text):
            if text[i] == "\\" and i + 1 < len(text):
                i += 1
            out.append(text[i])
            i += 1
    return "".join(out)


# -- collation: glibc's ISO 14651 table for en_US.UTF-8 (localedata/locales/iso14651_t1) ------
# Level 1 compares letters and digits only (digits first, case and accents ignored),
# level 2 accents, level 3 case (lower first), level 4 the punctuation that levels 1-3 skip.
# The punctuation order is what `LC_ALL=en_US.UTF-8 sort` gives on glibc 2.34+.
_PUNCTUATION = "$ !\"#%&'()*+,-./:;<=>?@[\\]^_`{|}~"


def collation_key(name: str) -> tuple[object, ...]:
    """Sort key of ``name`` in the en_US.UTF-8 locale (``ls``, glob results)."""
    primary: list[tuple[int, str]] = []
    accents: list[int] = []
    cases: list[int] = []
    fourth: list[tuple[int, int]] = []
    for char in name:
        base = unicodedata.normalize("NFD", char)
        letter = base[0]
        if letter.isalnum():
            primary.append((0 if letter.isdigit() else 1, letter.lower()))
            accents.append(len(base) - 1 and ord(base[1]))
            cases.append(int(letter.isupper()))
            fourth.append((1, 0))
        else:
            rank = _PUNCTUATION.find(char)
            fourth.append((0, rank if rank >= 0 else 100 + ord(char)))
    return (tuple(primary), tuple(accents), tuple(cases), tuple(fourth), name)
