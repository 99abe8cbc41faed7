"""The ``test``/``[`` builtin as bash's ``test.c``: POSIX's rules by argument count, then
``-a``/``-o``/``!``/``( )`` expressions; the file tests shared with ``[[ ]]``."""

from __future__ import annotations

import os
import stat as stat_bits
from collections.abc import Callable
from typing import TYPE_CHECKING

from simulator.errors import NotModelled
from simulator.kernel.calls_files import StatResult
from simulator.kernel.inode import Kind

if TYPE_CHECKING:
    from simulator.shell.interpreter import Shell

FILE_TESTS: dict[str, Callable[[StatResult], bool]] = {
    "-e": lambda _st: True,
    "-a": lambda _st: True,
    "-f": lambda st: st.kind is Kind.REGULAR,
    "-d": lambda st: st.kind is Kind.DIRECTORY,
    "-b": lambda st: st.kind is Kind.BLOCK,
    "-c": lambda st: st.kind is Kind.CHAR,
    "-p": lambda st: st.kind is Kind.FIFO,
    "-S": lambda st: st.kind is Kind.SOCKET,
    "-s": lambda st: st.st_size > 0,
    "-u": lambda st: bool(st.st_mode & stat_bits.S_ISUID),
    "-g": lambda st: bool(st.st_mode & stat_bits.S_ISGID),
    "-k": lambda st: bool(st.st_mode & stat_bits.S_ISVTX),
}
ACCESS_TESTS = {"-r": os.R_OK, "-w": os.W_OK, "-x": os.X_OK}
NOT_MODELLED_UNARY = frozenset(("-t", "-N", "-o", "-R"))
UNARY = frozenset((*FILE_TESTS, *ACCESS_TESTS, "-h", "-L", "-O", "-G", "-z", "-n", "-v"))
UNARY_ALL = UNARY | NOT_MODELLED_UNARY
INTEGER = {
    "-eq": lambda a, b: a == b,
    "-ne": lambda a, b: a != b,
    "-lt": lambda a, b: a < b,
    "-le": lambda a, b: a <= b,
    "-gt": lambda a, b: a > b,
    "-ge": lambda a, b: a >= b,
}
BINARY = frozenset(("=", "==", "!=", "<", ">", "-nt", "-ot", "-ef", *INTEGER))


class BracketError(Exception):
    """bash: test.c test_syntax_error: the message after ``test: ``."""


def unary(shell: Shell, op: str, operand: str) -> bool:
    """A unary test (``-f FILE``, ``-z STRING``...)."""
    if op == "-n":
        return operand != ""
    if op == "-z":
        return operand == ""
    if op == "-v":
        return shell.variable(operand) is not None
    if op in NOT_MODELLED_UNARY:
        raise NotModelled(f"the {op} test")
    if op in ("-h", "-L"):
        try:
            return shell.host.lstat(shell.proc, operand).kind is Kind.SYMLINK
        except OSError:
            return False
    if op in ACCESS_TESTS:
        try:
            shell.host.access(shell.proc, operand, ACCESS_TESTS[op])
        except OSError:
            return False
        return True
    try:
        st = shell.host.stat(shell.proc, operand)
    except OSError:
        return False
    if op == "-O":
        return st.st_uid == shell.proc.uid
    if op == "-G":
        return st.st_gid == shell.proc.gid
    return FILE_TESTS[op](st)


def _integer(text: str) -> int:
    body = text.strip(" \t\n")
    digits = body[1:] if body[:1] in ("+", "-") else body
    if not digits or not digits.isascii() or not digits.isdigit():
        raise BracketError(f"{text}: integer expression expected")
    return int(body)


def binary(shell: Shell, left: str, op: str, right: str) -> bool:
    if op in ("=", "=="):
        return left == right
    if op == "!=":
        return left != right
    if op in ("<", ">"):
        from simulator.shell.patterns import collation_key

        low, high = collation_key(left), collation_key(right)
        return low < high if op == "<" else low > high
    if op in INTEGER:
        return bool(INTEGER[op](_integer(left), _integer(right)))
    if op in ("-nt", "-ot", "-ef"):
        try:
            a = shell.host.stat(shell.proc, left)
            b = shell.host.stat(shell.proc, right)
        except OSError:
            if op == "-ef":
                return False
            return _exists(shell, left) if op == "-nt" else _exists(shell, right)
        if op == "-ef":
            return (a.st_dev, a.st_ino) == (b.st_dev, b.st_ino)
        return a.st_mtime > b.st_mtime if op == "-nt" else a.st_mtime < b.st_mtime
    raise BracketError(f"{op}: binary operator expected")


def _exists(shell: Shell, path: str) -> bool:
    try:
        shell.host.stat(shell.proc, path)
    except OSError:
        return False
    return True


def evaluate(shell: Shell, args: list[str]) -> bool:
    """bash: test.c posixtest, then expr for five or more arguments."""
    count = len(args)
    if count == 0:
        return False
    if count == 1:
        return args[0] != ""
    if count == 2:
        return _two(shell, args)
    if count == 3:
        return _three(shell, args)
    if count == 4:
        if args[0] == "!":
            return not _three(shell, args[1:])
        if args[0] == "(" and args[3] == ")":
            return _two(shell, args[1:3])
    return _Expression(shell, args).run()


def _two(shell: Shell, args: list[str]) -> bool:
    if args[0] == "!":
        return args[1] == ""
    if args[0] in UNARY_ALL:
        return unary(shell, args[0], args[1])
    raise BracketError(f"{args[0]}: unary operator expected")


def _three(shell: Shell, args: list[str]) -> bool:
    if args[1] in BINARY:
        return binary(shell, *args)
    if args[1] in ("-a", "-o"):
        left, right = args[0] != "", args[2] != ""
        return (left and right) if args[1] == "-a" else (left or right)
    if args[0] == "!":
        return not _two(shell, args[1:])
    if args[0] == "(" and args[2] == ")":
        return args[1] != ""
    raise BracketError(f"{args[1]}: binary operator expected")


class _Expression:
    """bash: test.c expr/or/and/term for five or more arguments."""

    def __init__(self, shell: Shell, args: list[str]) -> None:
        self.shell = shell
        self.args = args
        self.pos = 0

    def run(self) -> bool:
        value = self.disjunction()
        if self.pos < len(self.args):
            raise BracketError("too many arguments")
        return value

    def peek(self, offset: int = 0) -> str | None:
        index = self.pos + offset
        return self.args[index] if index < len(self.args) else None

    def disjunction(self) -> bool:
        value = self.conjunction()
        while self.peek() == "-o":
            self.pos += 1
            right = self.conjunction()
            value = value or right
        return value

    def conjunction(self) -> bool:
        value = self.term()
        while self.peek() == "-a":
            self.pos += 1
            right = self.term()
            value = value and right
        return value

    def term(self) -> bool:
        self.shell.tick()
        current = self.peek()
        if current is None:
            raise BracketError("argument expected")
        if current == "!":
            self.pos += 1
            return not self.term()
        if current == "(":
            self.pos += 1
            value = self.disjunction()
            if self.peek() != ")":
                raise BracketError("`)' expected")
            self.pos += 1
            return value
        following = self.peek(1)
        if following in BINARY and self.peek(2) is not None:
            self.pos += 3
            return binary(self.shell, current, following, self.args[self.pos - 1])
        if current in UNARY_ALL and following is not None:
            self.pos += 2
            return unary(self.shell, current, following)
        self.pos += 1
        return current != ""
