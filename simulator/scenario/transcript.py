"""The transcript language (scenarios.md 2): cram-style commands, expected output, and the
matcher with ``(re)``, ``(glob)``, ``(esc)`` and ``[N]``."""

from __future__ import annotations

import re

import attrs

from simulator.errors import SeclabError
from simulator.scenario.txtar import lines


class TranscriptError(SeclabError):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line


@attrs.frozen(repr=False)
class Expected:
    """One expected output line: its text, and how it matches."""

    text: str
    kind: str  # "literal" | "re" | "glob" | "esc"
    line: int  # line in the .txtar file

    def matches(self, actual: str) -> bool:
        if self.kind == "re":
            try:
                return re.fullmatch(self.text, actual) is not None
            except re.error:
                return False
        if self.kind == "glob":
            return re.fullmatch(glob_to_regex(self.text), actual, re.DOTALL) is not None
        if self.kind == "esc":
            return decode_escapes(self.text) == actual
        return self.text == actual

    def source(self) -> str:
        return self.text if self.kind == "literal" else f"{self.text} ({self.kind})"


@attrs.frozen(repr=False, eq=False)
class Step:
    """One ``$`` command with what it should print and its exit status."""

    command: str
    line: int  # line of the ``$``
    command_end: int  # last ``>`` continuation line
    expected: tuple[Expected, ...]
    status: int
    status_line: int | None  # line of ``[N]``, if given
    end_line: int  # last line that belongs to this step


def glob_to_regex(pattern: str) -> str:
    out = []
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\" and i + 1 < len(pattern) and pattern[i + 1] in "*?\\":
            out.append(re.escape(pattern[i + 1]))
            i += 2
            continue
        out.append(".*" if char == "*" else "." if char == "?" else re.escape(char))
        i += 1
    return "".join(out)


def decode_escapes(text: str) -> str | None:
    """The text of an ``(esc)`` line: Python's string escapes (``\\t``, ``\\x1b``,
    ``\\u2192``); ``None`` when an escape is malformed (``\\N{bogus}``, a trailing ``\\``)."""
    try:
        return text.encode("ascii", "backslashreplace").decode("unicode_escape")
    except UnicodeDecodeError:
        return None


_KEYWORD = re.compile(r"^(.*) \((re|glob|esc)\)$")
_STATUS = re.compile(r"^\[(\d+)\]$")
LINE_RULE = (
    "(a transcript line is blank, a command '  $ ', a continuation '  > ', or output two spaces in)"
)


def parse_transcript(data: str, first_line: int) -> list[Step]:
    """Steps from the ``transcript`` entry; ``first_line`` is its first line in the file."""
    steps: list[Step] = []
    command: list[str] | None = None
    line_no = 0
    expected: list[Expected] = []
    status = 0
    status_line: int | None = None
    end = 0
    command_end = 0

    def finish() -> None:
        nonlocal command, expected
        if command is not None:
            while expected and expected[-1].kind == "literal" and expected[-1].text == "":
                expected.pop()
            steps.append(
                Step(
                    "\n".join(command),
                    line_no,
                    command_end,
                    tuple(expected),
                    status,
                    status_line,
                    end,
                )
            )
        command = None

    for offset, raw in enumerate(lines(data)):
        number = first_line + offset
        if raw.strip(" ") and not raw.startswith("  "):
            raise TranscriptError(number, f"not a transcript line: {raw!r} {LINE_RULE}")
        body = raw[2:]
        if not raw.strip(" "):
            if command is not None:
                expected.append(Expected("", "literal", number))
            continue
        if body.startswith("$ "):
            if not body[2:].strip():
                raise TranscriptError(number, "an empty command")
            finish()
            command, line_no, expected, status, status_line = [body[2:]], number, [], 0, None
            end = command_end = number
            continue
        if body.startswith("> ") and command is not None and not expected:
            command.append(body[2:])
            end = command_end = number
            continue
        if command is None:
            raise TranscriptError(number, "output line before any command")
        status_match = _STATUS.match(body)
        if status_match:
            if len(status_match.group(1)) > 3 or int(status_match.group(1)) > 255:
                raise TranscriptError(number, "an exit status is 0 to 255")
            status, status_line = int(status_match.group(1)), number
            end = number
            continue
        keyword = _KEYWORD.match(body)
        if keyword:
            kind = keyword.group(2)
            if kind == "re":
                try:
                    re.compile(keyword.group(1))
                except re.error as error:
                    raise TranscriptError(number, f"bad (re) pattern: {error}") from None
            if kind == "esc" and decode_escapes(keyword.group(1)) is None:
                raise TranscriptError(number, f"bad (esc) line: {keyword.group(1)!r}")
            expected.append(Expected(keyword.group(1), kind, number))
        else:
            expected.append(Expected(body, "literal", number))
        end = number
    finish()
    if not steps:
        raise TranscriptError(first_line - 1, "the transcript has no command")
    return steps


def strip_trailing_blank(lines: list[str]) -> list[str]:
    out = list(lines)
    while out and out[-1] == "":
        out.pop()
    return out


def output_matches(expected: tuple[Expected, ...], actual: list[str]) -> bool:
    actual = strip_trailing_blank(actual)
    if len(expected) != len(actual):
        return False
    return all(e.matches(a) for e, a in zip(expected, actual, strict=True))
