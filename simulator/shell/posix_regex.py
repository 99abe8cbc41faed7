"""POSIX regular expressions (GNU BRE and ERE, as grep 3.6 and sed 4.8 read them in
en_US.UTF-8) translated to Python's ``re`` over text decoded with ``surrogateescape``.

An undecodable byte is a lone surrogate; like glibc's matcher, ``.`` and negated brackets never
match it. Python's leftmost-first alternation stands in for POSIX leftmost-longest (it differs
only in which of several alternatives ``-o`` prints; see docs/deviations.md).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

ENCODING_ERRORS = "\udc80-\udcff"

# glibc's classes in en_US.UTF-8, over the code points the lab's files use (Latin, CJK, kana).
_CLASS_TESTS: dict[str, Callable[[str], bool]] = {
    "alpha": str.isalpha,
    "digit": lambda c: "0" <= c <= "9",
    "alnum": lambda c: c.isalpha() or "0" <= c <= "9",
    "upper": str.isupper,
    "lower": str.islower,
    "space": lambda c: c in " \t\n\r\f\v",
    "blank": lambda c: c in " \t",
    "punct": lambda c: c.isascii() and 33 <= ord(c) <= 126 and not c.isalnum(),
    "print": lambda c: c.isprintable() and c != "\x7f",
    "graph": lambda c: c.isprintable() and c not in " \x7f",
    "cntrl": lambda c: ord(c) < 32 or ord(c) == 127,
    "xdigit": lambda c: c in "0123456789abcdefABCDEF",
}
_SPAN = [chr(c) for c in range(0x2FF)] + [chr(c) for c in range(0x3040, 0x3100)]


def _class_members(name: str) -> str:
    test = _CLASS_TESTS[name]
    members = "".join(c for c in _SPAN if test(c))
    if name in ("alpha", "alnum", "print", "graph"):
        members += "\u4e00-\u9fff"
    return members


def _accented(low: str, high: str) -> str:
    """glibc collates é between e and f: ``[a-z]`` also holds the accented lowercase letters
    whose base letter is in the range (``[A-Z]`` the uppercase ones)."""
    if not (low.isascii() and high.isascii() and low.isalpha() and high.isalpha()):
        return ""
    if low.islower() != high.islower():
        return ""
    found = []
    for char in _SPAN[128:]:
        base = unicodedata.normalize("NFD", char)[0]
        if base.isascii() and low <= base <= high and char.isalpha():
            found.append(char)
    return "".join(found)


def _escape_in_class(text: str) -> str:
    return "".join("\\" + c if c in "\\]^-[&~|" else c for c in text if c)


class RegexError(Exception):
    """The message GNU prints for a malformed expression (``Unmatched [, [^, ...``)."""


_WORD = r"[^\W]"


def _bracket(pattern: str, i: int) -> tuple[str, int]:
    """Translate ``[...]`` starting at ``pattern[i] == '['``; return (python, next index)."""
    j = i + 1
    if j >= len(pattern):
        raise RegexError("Invalid regular expression")  # glibc: a lone trailing '['
    negate = j < len(pattern) and pattern[j] == "^"
    if negate:
        j += 1
    parts: list[str] = []
    first = True
    while True:
        if j >= len(pattern):
            raise RegexError("Unmatched [, [^, [:, [., or [=")
        c = pattern[j]
        if c == "]" and not first:
            j += 1
            break
        first = False
        if c == "[" and j + 1 < len(pattern) and pattern[j + 1] in ":.=":
            kind = pattern[j + 1]
            end = pattern.find(kind + "]", j + 2)
            if end < 0:
                raise RegexError("Unmatched [, [^, [:, [., or [=")
            name = pattern[j + 2 : end]
            if kind == ":":
                if name not in _CLASS_TESTS:
                    raise RegexError("Invalid character class name")
                parts.append(_class_members(name))
            else:
                parts.append(_escape_in_class(name))
            j = end + 2
            continue
        if j + 2 < len(pattern) and pattern[j + 1] == "-" and pattern[j + 2] != "]":
            low, high = c, pattern[j + 2]
            if ord(low) > ord(high):
                raise RegexError("Invalid range end")
            parts.append(_escape_in_class(low) + "-" + _escape_in_class(high))
            parts.append(_accented(low, high))
            j += 3
            continue
        parts.append(_escape_in_class(c))
        j += 1
    body = "".join(parts)
    if negate:
        return f"[^{body}\n{ENCODING_ERRORS}]", j
    return (f"[{body}]" if body else "(?!)"), j


def translate(pattern: str, *, extended: bool) -> str:
    """A POSIX BRE (``extended=False``) or ERE as a Python expression."""
    out: list[str] = []
    i = 0
    depth = 0
    groups = 0
    n = len(pattern)

    def at_start() -> bool:
        return not out or out[-1] in ("(", "|", "^")

    while i < n:
        c = pattern[i]
        if c == "\\":
            if i + 1 >= n:
                raise RegexError("Trailing backslash")
            d = pattern[i + 1]
            i += 2
            if not extended and d in "(){}|+?":
                c = d  # an operator in BRE; handled below as ERE would
                if c == "{":
                    i, text = _interval(pattern, i, bre=True)
                    if at_start():
                        raise RegexError("Invalid preceding regular expression")
                    _repeat(out, text)
                    continue
                if c == "}":
                    out.append(r"\}")
                    continue
            else:
                if d.isdigit() and d != "0":
                    if int(d) > groups:
                        raise RegexError("Invalid back reference")
                    out.append("\\" + d)
                elif d == "<":
                    out.append(r"\b(?=\w)")
                elif d == ">":
                    out.append(r"\b(?<=\w)")
                elif d in "bBwWsS":
                    out.append("\\" + d)
                elif d == "`":
                    out.append(r"\A")
                elif d == "'":
                    out.append(r"\Z")
                else:
                    out.append(re.escape(d))
                continue
        elif not extended and c in "(){}|+?":
            out.append(re.escape(c))
            i += 1
            continue
        else:
            i += 1
        if c == "(":
            depth += 1
            groups += 1
            out.append("(")
        elif c == ")":
            if depth == 0:
                if extended:
                    out.append(r"\)")
                    continue
                raise RegexError("Unmatched ) or \\)")
            depth -= 1
            out.append(")")
        elif c == "|":
            out.append("|")
        elif c in "*+?":
            if at_start():
                if extended and c != "*":
                    continue  # GNU ERE: a leading repetition applies to nothing
                out.append(re.escape(c))
            else:
                _repeat(out, c)
        elif c == "{":
            if extended and at_start():
                out.append(r"\{")
                continue
            try:
                i, text = _interval(pattern, i, bre=False)
            except RegexError:
                out.append(r"\{")  # GNU ERE: a malformed interval is a literal brace
                continue
            _repeat(out, text)
        elif c == "}":
            out.append(r"\}")
        elif c == "^":
            if extended or at_start():
                out.append("^")
            else:
                out.append(r"\^")
        elif c == "$":
            rest = pattern[i:]
            if extended or not rest or rest.startswith(("\\)", "\\|")):
                out.append("$")
            else:
                out.append(r"\$")
        elif c == ".":
            out.append(f"[^\n{ENCODING_ERRORS}]")
        elif c == "[":
            text, i = _bracket(pattern, i - 1)
            out.append(text)
        else:
            out.append(re.escape(c))
    if depth:
        raise RegexError("Unmatched ( or \\(")
    return "".join(out)


class _Repeated(str):
    """An atom with its repetition, as one element of the translation."""


def _repeat(out: list[str], operator: str) -> None:
    """Apply a repetition to the atom that ends ``out`` (a group from its ``(``). A
    repetition of a repetition repeats the repeated atom, as GNU regex parses ``a**``,
    ``a+?`` or ``a{1}{2}`` (glibc: regcomp.c parse_dup_op in a loop); Python reads ``*?``
    as lazy and ``*+`` as possessive, so the inner one is wrapped in a group."""
    if out[-1] == ")":
        depth, start = 0, len(out) - 1
        while start >= 0:
            depth += {")": 1, "(": -1}.get(out[start], 0)
            if depth == 0:
                break
            start -= 1
        atom = "".join(out[start:])
        del out[start:]
    else:
        atom = out.pop()
    if isinstance(atom, _Repeated):
        atom = f"(?:{atom})"
    out.append(_Repeated(atom + ("{0,1}" if operator == "?" else operator)))


def _interval(pattern: str, i: int, *, bre: bool) -> tuple[int, str]:
    close = "\\}" if bre else "}"
    end = pattern.find(close, i)
    if end < 0:
        raise RegexError("Unmatched \\{" if bre else "Unmatched { ")
    body = pattern[i:end]
    low, comma, high = body.partition(",")
    if not (low.isdigit() or (comma and not low)) or (high and not high.isdigit()):
        raise RegexError("Invalid content of \\{\\}")
    if high and int(high) < int(low or 0):
        raise RegexError("Invalid content of \\{\\}")
    if int(low or 0) > 32767 or int(high or 0) > 32767:
        raise RegexError("Regular expression too big")
    return end + len(close), "{" + body + "}"


def compile_posix(pattern: str, *, extended: bool, ignore_case: bool = False) -> re.Pattern[str]:
    flags = re.IGNORECASE if ignore_case else 0
    try:
        return re.compile(translate(pattern, extended=extended), flags)
    except re.error as error:
        raise RegexError("Invalid regular expression") from error
