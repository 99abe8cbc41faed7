"""A unified diff of a scenario against its updated text, in time linear in the file.

``difflib.unified_diff`` over a whole file is quadratic in the worst case (an 8,000-line
failing transcript took 22 s). The runner knows which line ranges changed (each failing
command's expected output), so only those ranges are compared, each with
``difflib.SequenceMatcher`` when it is small and as one replacement when it is not.
The text is the same as ``difflib.unified_diff`` prints (three lines of context).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from typing import Literal

Opcode = tuple[Literal["replace", "delete", "insert", "equal"], int, int, int, int]

# Above this many line pairs a changed range is shown as one replacement, not a minimal diff.
MATCHER_BUDGET = 250_000
CONTEXT = 3


def block_opcodes(old: Sequence[str], new: Sequence[str]) -> list[Opcode]:
    """Opcodes for one changed range: common ends trimmed, the middle matched if small."""
    head = 0
    while head < len(old) and head < len(new) and old[head] == new[head]:
        head += 1
    tail = 0
    while tail < len(old) - head and tail < len(new) - head and old[-1 - tail] == new[-1 - tail]:
        tail += 1
    a, b = old[head : len(old) - tail], new[head : len(new) - tail]
    ops: list[Opcode] = []
    if head:
        ops.append(("equal", 0, head, 0, head))
    if len(a) * len(b) <= MATCHER_BUDGET:
        middle = difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
    else:
        middle = [("replace", 0, len(a), 0, len(b))]
    for tag, i1, i2, j1, j2 in middle:
        if i1 != i2 or j1 != j2:
            ops.append((tag, head + i1, head + i2, head + j1, head + j2))
    if tail:
        ops.append(("equal", len(old) - tail, len(old), len(new) - tail, len(new)))
    return ops


def replacement_opcodes(
    total: int, replacements: Iterable[tuple[int, int, Sequence[str], Sequence[str]]]
) -> list[Opcode]:
    """Opcodes over a whole file of ``total`` lines where each ``(start, end, old, new)``
    replaces old lines ``start:end`` (0-based, sorted, not overlapping) by ``new``."""
    ops: list[Opcode] = []
    a = b = 0

    def add(op: Opcode) -> None:
        if ops and op[0] == "equal" and ops[-1][0] == "equal":
            last = ops.pop()
            op = ("equal", last[1], op[2], last[3], op[4])
        ops.append(op)

    for start, end, old, new in replacements:
        if start > a:
            add(("equal", a, start, b, b + start - a))
            b += start - a
        for tag, i1, i2, j1, j2 in block_opcodes(old, new):
            add((tag, start + i1, start + i2, b + j1, b + j2))
        a, b = end, b + len(new)
    if total > a:
        add(("equal", a, total, b, b + total - a))
    return ops


class _Fixed(difflib.SequenceMatcher[str]):
    """A matcher whose opcodes are given, for ``get_grouped_opcodes``."""

    def __init__(self, opcodes: list[Opcode]) -> None:
        super().__init__(None, [], [])
        self._fixed = opcodes

    def get_opcodes(self) -> list[Opcode]:
        return self._fixed or [("equal", 0, 0, 0, 0)]


def _range(start: int, stop: int) -> str:
    # difflib: _format_range_unified
    length = stop - start
    if length == 1:
        return str(start + 1)
    return f"{start if not length else start + 1},{length}"


def unified_diff(
    before: Sequence[str], after: Sequence[str], opcodes: list[Opcode], names: tuple[str, str]
) -> str:
    """``difflib.unified_diff`` text (lines without newlines in, one string out)."""
    out: list[str] = []
    for group in _Fixed(opcodes).get_grouped_opcodes(CONTEXT):
        if not any(tag != "equal" for tag, *_ in group):
            continue
        if not out:
            out += [f"--- {names[0]}\n", f"+++ {names[1]}\n"]
        first, last = group[0], group[-1]
        out.append(f"@@ -{_range(first[1], last[2])} +{_range(first[3], last[4])} @@\n")
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                out += [f" {line}\n" for line in before[i1:i2]]
                continue
            out += [f"-{line}\n" for line in before[i1:i2]]
            out += [f"+{line}\n" for line in after[j1:j2]]
    return "".join(out)
