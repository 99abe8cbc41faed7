"""``[[ ... ]]``: bash's conditional command (``execute_cmd.c`` execute_cond_node).

Words are expanded without splitting or globbing; the right side of ``==``/``!=`` is a
pattern; ``-eq`` and friends compare arithmetic expressions. ``=~`` is not modelled."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from simulator.errors import NotModelled
from simulator.shell import bracket, patterns
from simulator.shell.arith import ArithError, Evaluator
from simulator.shell.syntax import Word

if TYPE_CHECKING:
    from simulator.shell.interpreter import Chunks, Shell

Item = Word | str

ARITH_COMPARE: dict[str, Callable[[int, int], bool]] = {
    "-eq": lambda a, b: a == b,
    "-ne": lambda a, b: a != b,
    "-lt": lambda a, b: a < b,
    "-le": lambda a, b: a <= b,
    "-gt": lambda a, b: a > b,
    "-ge": lambda a, b: a >= b,
}
BINARY = frozenset(("==", "=", "!=", "<", ">", "=~", "-nt", "-ot", "-ef", *ARITH_COMPARE))


class _CondError(Exception):
    pass


def evaluate(shell: Shell, items: list[Item], sink: Chunks) -> int:
    """0 when true, 1 when false, 2 on an error (with bash's message)."""
    if not items:
        return shell.status  # [[ ]]: bash runs nothing
    run = _Run(shell, items, sink)
    try:
        value = run.disjunction()
        if run.pos != len(items):
            raise _CondError(run.show(run.pos))
    except _CondError as error:
        shell.error(sink, "syntax error in conditional expression")
        if str(error):
            shell.error(sink, f"syntax error near `{error}'")
        return 2
    return 0 if value else 1


class _Run:
    def __init__(self, shell: Shell, items: list[Item], sink: Chunks) -> None:
        self.shell = shell
        self.items = items
        self.sink = sink
        self.pos = 0

    def show(self, index: int) -> str:
        if index >= len(self.items):
            return "]]"
        item = self.items[index]
        return (
            item if isinstance(item, str) else "".join(getattr(p, "text", "$") for p in item.parts)
        )

    def op(self, index: int | None = None) -> str | None:
        """The item as an operator word (an unquoted literal or an operator token)."""
        index = self.pos if index is None else index
        if index >= len(self.items):
            return None
        item = self.items[index]
        return item if isinstance(item, str) else item.literal()

    def word(self) -> Word:
        if self.pos >= len(self.items):
            raise _CondError("]]")
        item = self.items[self.pos]
        if isinstance(item, str):
            raise _CondError(item)
        self.pos += 1
        return item

    def text(self, word: Word) -> str:
        return self.shell.expand_single(word, self.sink)

    def disjunction(self) -> bool:
        value = self.conjunction()
        while self.op() == "||" and isinstance(self.items[self.pos], str):
            self.pos += 1
            right = self.conjunction()
            value = value or right
        return value

    def conjunction(self) -> bool:
        value = self.negation()
        while self.op() == "&&" and isinstance(self.items[self.pos], str):
            self.pos += 1
            right = self.negation()
            value = value and right
        return value

    def negation(self) -> bool:
        self.shell.tick()
        if self.op() == "!":
            self.pos += 1
            return not self.negation()
        if self.op() == "(" and isinstance(self.items[self.pos], str):
            self.pos += 1
            value = self.disjunction()
            if self.op() != ")":
                raise _CondError(self.show(self.pos))
            self.pos += 1
            return value
        return self.primary()

    def primary(self) -> bool:
        first = self.op()
        following = self.op(self.pos + 1)
        if following in BINARY:
            left = self.word()
            self.pos += 1
            return self.binary(left, following)
        if first is not None and first.startswith("-") and len(first) == 2:
            self.pos += 1
            return self.unary(first, self.text(self.word()))
        return self.text(self.word()) != ""

    def unary(self, op: str, operand: str) -> bool:
        if op in bracket.UNARY_ALL and op != "-a":
            return bracket.unary(self.shell, op, operand)
        raise _CondError(op)

    def binary(self, left: Word, op: str) -> bool:
        right = self.word()
        if op in ("==", "=", "!="):
            matched = patterns.match(self.shell.pattern(right, self.sink), self.text(left))
            return matched if op != "!=" else not matched
        if op in ("<", ">"):
            a, b = self.text(left), self.text(right)
            key_a, key_b = patterns.collation_key(a), patterns.collation_key(b)
            return key_a < key_b if op == "<" else key_a > key_b
        if op in ARITH_COMPARE:
            evaluator = Evaluator(self.shell.variable, self.shell.set_var)
            try:
                low = evaluator.evaluate(self.text(left))
                high = evaluator.evaluate(self.text(right))
            except ArithError as error:
                self.shell.error(self.sink, str(error))
                raise _CondError("") from None
            return ARITH_COMPARE[op](low, high)
        raise NotModelled(f"the [[ {op} ]] operator")
