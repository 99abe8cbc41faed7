"""gawk 5.1, the common subset: ``BEGIN``/``END``, patterns (expressions and ``/re/``),
``print``, ``printf``, fields (``$n``, ``NF``, assignment rebuilds ``$0``), ``NR``, ``FS``/``-F``,
variables, arithmetic, comparisons, ``~``, ``&&``/``||``/``!``, ``++``/``+=``, ``if``/``else``,
``length``/``substr``/``index``/``tolower``/``toupper``. Anything else - and every program the
lab cannot parse - stops with ``not modelled`` (gawk's own syntax-error text is not modelled).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import Union

import attrs

from simulator.errors import NotModelled
from simulator.kernel.inode import Kind
from simulator.shell.options import REQUIRED, Spec, opt, parse, tool, unmodelled
from simulator.shell.posix_regex import RegexError, translate
from simulator.shell.registry import CommandContext

# gawk usage() as recorded from gawk 5.2.1 (RHEL 9 has 5.1.0; its text is not verified here)
AWK_USAGE = (
    "Usage: awk [POSIX or GNU style options] -f progfile [--] file ...\n"
    "Usage: awk [POSIX or GNU style options] [--] 'program' file ...\n"
    "POSIX options:\t\tGNU long options: (standard)\n"
    "\t-f progfile\t\t--file=progfile\n"
    "\t-F fs\t\t\t--field-separator=fs\n"
    "\t-v var=val\t\t--assign=var=val\n"
    "Short options:\t\tGNU long options: (extensions)\n"
    "\t-b\t\t\t--characters-as-bytes\n"
    "\t-c\t\t\t--traditional\n"
    "\t-C\t\t\t--copyright\n"
    "\t-d[file]\t\t--dump-variables[=file]\n"
    "\t-D[file]\t\t--debug[=file]\n"
    "\t-e 'program-text'\t--source='program-text'\n"
    "\t-E file\t\t\t--exec=file\n"
    "\t-g\t\t\t--gen-pot\n"
    "\t-h\t\t\t--help\n"
    "\t-i includefile\t\t--include=includefile\n"
    "\t-I\t\t\t--trace\n"
    "\t-l library\t\t--load=library\n"
    "\t-L[fatal|invalid|no-ext]\t--lint[=fatal|invalid|no-ext]\n"
    "\t-M\t\t\t--bignum\n"
    "\t-N\t\t\t--use-lc-numeric\n"
    "\t-n\t\t\t--non-decimal-data\n"
    "\t-o[file]\t\t--pretty-print[=file]\n"
    "\t-O\t\t\t--optimize\n"
    "\t-p[file]\t\t--profile[=file]\n"
    "\t-P\t\t\t--posix\n"
    "\t-r\t\t\t--re-interval\n"
    "\t-s\t\t\t--no-optimize\n"
    "\t-S\t\t\t--sandbox\n"
    "\t-t\t\t\t--lint-old\n"
    "\t-V\t\t\t--version\n"
    "\n"
    "To report bugs, use the `gawkbug' program.\n"
    "For full instructions, see the node `Bugs' in `gawk.info'\n"
    "which is section `Reporting Problems and Bugs' in the\n"
    "printed version.  This same information may be found at\n"
    "https://www.gnu.org/software/gawk/manual/html_node/Bugs.html.\n"
    "PLEASE do NOT try to report bugs by posting in comp.lang.awk,\n"
    "or by using a web forum such as Stack Overflow.\n"
    "\n"
    "gawk is a pattern scanning and processing language.\n"
    "By default it reads standard input and writes standard output.\n"
    "\n"
    "Examples:\n"
    "\tawk '{ sum += $1 }; END { print sum }' file\n"
    "\tawk -F: '{ print $1 }' /etc/passwd\n"
)


AWK = Spec(
    "awk",
    (
        opt("F", "F", "field-separator", REQUIRED),
        opt("v", "v", "assign", REQUIRED),
        unmodelled("f", "file", REQUIRED),
        unmodelled("b", "characters-as-bytes"),
        unmodelled("c", "traditional"),
        unmodelled("C", "copyright"),
        unmodelled("d", "dump-variables"),
        unmodelled("D", "debug"),
        unmodelled("e", "source", REQUIRED),
        unmodelled("E", "exec", REQUIRED),
        unmodelled("g", "gen-pot"),
        unmodelled("h", "help"),
        unmodelled("i", "include", REQUIRED),
        unmodelled("I", "trace"),
        unmodelled("l", "load", REQUIRED),
        unmodelled("L", "lint"),
        unmodelled("M", "bignum"),
        unmodelled("N", "use-lc-numeric"),
        unmodelled("n", "non-decimal-data"),
        unmodelled("o", "pretty-print"),
        unmodelled("O", "optimize"),
        unmodelled("p", "profile"),
        unmodelled("P", "posix"),
        unmodelled("r", "re-interval"),
        unmodelled("s", "no-optimize"),
        unmodelled("S", "sandbox"),
        unmodelled("t", "lint-old"),
        unmodelled("V", "version"),
    ),
    status=1,
    permute=False,
    full_usage=AWK_USAGE,
    gawk_getopt=True,
)

MAX_NESTING = 64
MAX_STEPS = 1_000_000

Value = Union[str, float, "StrNum"]


@attrs.frozen(eq=False)
class StrNum:
    """Input that looks numeric: compares as a number, prints as its text (awk strnum)."""

    text: str


_NUMERIC = re.compile(r"[ \t\n]*[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?[ \t\n]*\Z")
_PREFIX = re.compile(r"[ \t\n]*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)")


def field_value(text: str) -> Value:
    return StrNum(text) if _NUMERIC.match(text) else text


def to_number(value: Value) -> float:
    if isinstance(value, float):
        return value
    text = value.text if isinstance(value, StrNum) else value
    match = _PREFIX.match(text)
    return float(match.group(1)) if match else 0.0


def number_text(number: float) -> str:
    if math.isnan(number):  # gawk 4.2.1+: a signed "+nan"/"+inf"
        return "-nan" if math.copysign(1, number) < 0 else "+nan"
    if math.isinf(number):
        return "-inf" if number < 0 else "+inf"
    if number == int(number) and abs(number) < 1e16:
        return str(int(number))
    return f"{number:.6g}"


def to_text(value: Value) -> str:
    if isinstance(value, float):
        return number_text(value)
    return value.text if isinstance(value, StrNum) else value


def truthy(value: Value) -> bool:
    if isinstance(value, float):
        return value != 0
    if isinstance(value, StrNum):
        return to_number(value) != 0
    return value != ""


# -- syntax tree -----------------------------------------------------------------------------


@attrs.frozen(eq=False)
class Node:
    kind: str
    value: object = None
    children: tuple[Node, ...] = ()


_TOKEN = re.compile(
    r"""
    (?P<space>[ \t]+|\\\n)
  | (?P<newline>[\n;]+)
  | (?P<number>(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)
  | (?P<string>"(?:[^"\\\n]|\\.)*")
  | (?P<name>[A-Za-z_][A-Za-z_0-9]*)
  | (?P<op>\+\+|--|\+=|-=|\*=|/=|%=|==|!=|<=|>=|&&|\|\||!~|[-+*/%<>!~=$(){},?:^])
    """,
    re.VERBOSE,
)

_KEYWORDS = {"BEGIN", "END", "print", "printf", "if", "else", "getline", "function", "while"}
_KEYWORDS |= {"for", "do", "next", "exit", "delete", "in", "return", "break", "continue"}
_BUILTINS = {"length", "substr", "index", "tolower", "toupper"}


def _unescape(text: str) -> str:
    table = {"n": "\n", "t": "\t", "\\": "\\", '"': '"', "/": "/", "a": "\a", "b": "\b"}
    table.update({"f": "\f", "r": "\r", "v": "\v"})
    return re.sub(r"\\(.)", lambda m: table.get(m.group(1), "\\" + m.group(1)), text)


class _Parser:
    def __init__(self, source: str) -> None:
        self.tokens = self._lex(source)
        self.i = 0
        self.depth = 0

    @staticmethod
    def _lex(source: str) -> list[tuple[str, str]]:
        tokens: list[tuple[str, str]] = []
        i = 0
        while i < len(source):
            if source[i] == "#":
                end = source.find("\n", i)
                i = len(source) if end < 0 else end
                continue
            if source[i] == "/" and _regex_allowed(tokens):
                j = i + 1
                while j < len(source) and source[j] != "/":
                    if source[j] == "\n":
                        raise NotModelled("awk program the lab cannot parse")
                    j += 2 if source[j] == "\\" else 1
                if j >= len(source):
                    raise NotModelled("awk program the lab cannot parse")
                tokens.append(("regex", source[i + 1 : j]))
                i = j + 1
                continue
            match = _TOKEN.match(source, i)
            if match is None:
                raise NotModelled("awk program the lab cannot parse")
            kind = match.lastgroup or ""
            if kind != "space":
                tokens.append((kind, match.group()))
            i = match.end()
        return tokens

    def peek(self, offset: int = 0) -> tuple[str, str]:
        index = self.i + offset
        return self.tokens[index] if index < len(self.tokens) else ("eof", "")

    def take(self) -> tuple[str, str]:
        token = self.peek()
        self.i += 1
        return token

    def expect(self, text: str) -> None:
        if self.take()[1] != text:
            raise NotModelled("awk program the lab cannot parse")

    def skip_newlines(self) -> None:
        while self.peek()[0] == "newline":
            self.i += 1

    def nest(self) -> None:
        self.depth += 1
        if self.depth > MAX_NESTING:
            raise NotModelled("awk program nested this deeply")

    # program := item*
    def program(self) -> tuple[list[Node], list[tuple[Node | None, Node | None]], list[Node]]:
        begin: list[Node] = []
        rules: list[tuple[Node | None, Node | None]] = []
        end: list[Node] = []
        self.skip_newlines()
        while self.peek()[0] != "eof":
            text = self.peek()[1]
            if text in ("BEGIN", "END"):
                self.take()
                block = self.block()
                (begin if text == "BEGIN" else end).append(block)
            elif text == "function":
                raise NotModelled("awk function definitions")
            else:
                pattern = None if text == "{" else self.expression()
                action = self.block() if self.peek()[1] == "{" else None
                rules.append((pattern, action))
            self.skip_newlines()
        return begin, rules, end

    def block(self) -> Node:
        self.expect("{")
        statements: list[Node] = []
        self.skip_newlines()
        while self.peek()[1] != "}":
            if self.peek()[0] == "eof":
                raise NotModelled("awk program the lab cannot parse")
            statements.append(self.statement())
            self.skip_newlines()
        self.take()
        return Node("block", children=tuple(statements))

    def statement(self) -> Node:
        self.nest()
        try:
            kind, text = self.peek()
            if text == "{":
                return self.block()
            if text in ("print", "printf"):
                self.take()
                args: list[Node] = []
                if self.peek()[1] == "(":
                    raise NotModelled(f"awk {text}(...)")
                while self.peek()[0] not in ("newline", "eof") and self.peek()[1] != "}":
                    args.append(self.expression(no_gt=True))
                    if self.peek()[1] == ",":
                        self.take()
                        self.skip_newlines()
                if self.peek()[1] in (">", "|"):
                    raise NotModelled(f"awk {text} redirection")
                return Node(text, children=tuple(args))
            if text == "if":
                self.take()
                self.expect("(")
                condition = self.expression()
                self.expect(")")
                self.skip_newlines()
                then = self.statement()
                saved = self.i
                self.skip_newlines()
                if self.peek()[1] == "else":
                    self.take()
                    self.skip_newlines()
                    return Node("if", children=(condition, then, self.statement()))
                self.i = saved
                return Node("if", children=(condition, then))
            if kind == "name" and text in _KEYWORDS:
                raise NotModelled(f"awk {text}")
            return Node("expr", children=(self.expression(),))
        finally:
            self.depth -= 1

    # expression grammar, lowest precedence first
    def expression(self, no_gt: bool = False) -> Node:
        self.nest()
        try:
            return self.assignment(no_gt)
        finally:
            self.depth -= 1

    def assignment(self, no_gt: bool) -> Node:
        left = self.ternary(no_gt)
        op = self.peek()[1]
        if op in ("=", "+=", "-=", "*=", "/=", "%=") and left.kind in ("var", "field"):
            self.take()
            return Node("assign", op, (left, self.assignment(no_gt)))
        return left

    def ternary(self, no_gt: bool) -> Node:
        condition = self.or_(no_gt)
        if self.peek()[1] == "?":
            self.take()
            yes = self.ternary(no_gt)
            self.expect(":")
            return Node("?", children=(condition, yes, self.ternary(no_gt)))
        return condition

    def or_(self, no_gt: bool) -> Node:
        left = self.and_(no_gt)
        while self.peek()[1] == "||":
            self.take()
            self.skip_newlines()
            left = Node("||", children=(left, self.and_(no_gt)))
        return left

    def and_(self, no_gt: bool) -> Node:
        left = self.match(no_gt)
        while self.peek()[1] == "&&":
            self.take()
            self.skip_newlines()
            left = Node("&&", children=(left, self.match(no_gt)))
        return left

    def match(self, no_gt: bool) -> Node:
        left = self.comparison(no_gt)
        while self.peek()[1] in ("~", "!~"):
            op = self.take()[1]
            left = Node(op, children=(left, self.comparison(no_gt)))
        return left

    def comparison(self, no_gt: bool) -> Node:
        left = self.concatenation()
        op = self.peek()[1]
        if op in ("<", "<=", "==", "!=", ">=") or (op == ">" and not no_gt):
            self.take()
            return Node("cmp", op, (left, self.concatenation()))
        return left

    def concatenation(self) -> Node:
        left = self.additive()
        while True:
            kind, text = self.peek()
            starts = kind in ("number", "string", "regex") or text in ("$", "(", "-", "+")
            starts = starts or (kind == "name" and text not in _KEYWORDS - {"getline"})
            if not starts or text == "in":
                return left
            if text in ("-", "+"):
                return left  # binary minus/plus belong to the additive level
            left = Node("concat", children=(left, self.additive()))

    def additive(self) -> Node:
        left = self.multiplicative()
        while self.peek()[1] in ("+", "-"):
            op = self.take()[1]
            left = Node("arith", op, (left, self.multiplicative()))
        return left

    def multiplicative(self) -> Node:
        left = self.unary()
        while self.peek()[1] in ("*", "/", "%"):
            op = self.take()[1]
            left = Node("arith", op, (left, self.unary()))
        return left

    def unary(self) -> Node:
        op = self.peek()[1]
        if op in ("!", "-", "+"):
            self.take()
            self.nest()
            try:
                return Node("unary", op, (self.unary(),))
            finally:
                self.depth -= 1
        return self.power()

    def power(self) -> Node:
        base = self.postfix()
        if self.peek()[1] == "^":
            self.take()
            return Node("arith", "^", (base, self.unary()))
        return base

    def postfix(self) -> Node:
        node = self.primary()
        if self.peek()[1] in ("++", "--") and node.kind in ("var", "field"):
            return Node("post", self.take()[1], (node,))
        return node

    def primary(self) -> Node:
        kind, text = self.take()
        if kind == "number":
            return Node("num", float(text))
        if kind == "string":
            return Node("str", _unescape(text[1:-1]))
        if kind == "regex":
            return Node("regex", _compile(text))
        if text == "$":
            self.nest()
            try:
                return Node("field", children=(self.primary_for_field(),))
            finally:
                self.depth -= 1
        if text == "(":
            inner = self.expression()
            self.expect(")")
            return Node("group", children=(inner,))
        if text in ("++", "--"):
            target = self.primary()
            if target.kind not in ("var", "field"):
                raise NotModelled("awk program the lab cannot parse")
            return Node("pre", text, (target,))
        if kind == "name":
            if text in _BUILTINS:
                args: list[Node] = []
                if self.peek()[1] == "(":
                    self.take()
                    while self.peek()[1] != ")":
                        args.append(self.expression())
                        if self.peek()[1] == ",":
                            self.take()
                        elif self.peek()[1] != ")":
                            raise NotModelled("awk program the lab cannot parse")
                    self.take()
                return Node("call", text, tuple(args))
            if text in _KEYWORDS or self.peek()[1] in ("(", "["):
                raise NotModelled(f"awk {text}")
            return Node("var", text)
        raise NotModelled("awk program the lab cannot parse")

    def primary_for_field(self) -> Node:
        if self.peek()[1] in ("++", "--", "-"):
            return self.unary()
        return self.primary()


def _regex_allowed(tokens: list[tuple[str, str]]) -> bool:
    if not tokens:
        return True
    kind, text = tokens[-1]
    return kind in ("newline",) or text in ("(", ",", "{", "}", "!", "~", "!~", "&&", "||")


def _compile(source: str) -> re.Pattern[str]:
    try:
        return re.compile(translate(source, extended=True))
    except (RegexError, re.error) as error:
        raise NotModelled("awk regular expression the lab cannot translate") from error


# -- running -----------------------------------------------------------------------------------


class _Exit(Exception):
    pass


@attrs.define(eq=False)
class _Machine:
    out: list[str]
    fs: str = " "
    variables: dict[str, Value] = attrs.field(factory=dict)
    fields: list[str] = attrs.field(factory=list)
    record: str = ""
    nr: int = 0
    steps: int = 0
    filename: str = ""
    fnr: int = 0
    warnings: list[str] = attrs.field(factory=list)

    def set_record(self, text: str) -> None:
        self.record = text
        self.fields = self.split(text)

    def split(self, text: str) -> list[str]:
        fs = to_text(self.variables.get("FS", self.fs))
        if fs == " ":  # default splitting: runs of space, tab and newline only
            stripped = text.strip(" \t\n")
            return re.split(r"[ \t\n]+", stripped) if stripped else []
        if len(fs) == 1 and fs != "\\":
            return text.split(fs) if text else []
        try:
            return re.split(translate(fs, extended=True), text) if text else []
        except RegexError as error:
            raise NotModelled("awk FS the lab cannot translate") from error

    def get(self, name: str) -> Value:
        if name == "NR":
            return float(self.nr)
        if name == "NF":
            return float(len(self.fields))
        return self.variables.get(name, "")

    def field(self, index: int) -> Value:
        if index < 0:
            raise NotModelled("awk negative field index")
        if index == 0:
            return field_value(self.record)
        return field_value(self.fields[index - 1]) if index <= len(self.fields) else ""

    def set_field(self, index: int, value: str) -> None:
        if index == 0:
            self.set_record(value)
            return
        if index > 10000:
            raise NotModelled("awk field index above 10000")
        while len(self.fields) < index:
            self.fields.append("")
        self.fields[index - 1] = value
        self.record = to_text(self.variables.get("OFS", " ")).join(self.fields)

    def assign(self, target: Node, value: Value) -> None:
        if target.kind == "var":
            name = str(target.value)
            if name == "NF":
                count = int(to_number(value))
                self.fields = (self.fields + [""] * count)[:count]
                self.record = to_text(self.variables.get("OFS", " ")).join(self.fields)
            elif name == "NR":
                self.nr = int(to_number(value))
            else:
                self.variables[name] = value
        else:
            self.set_field(int(to_number(self.eval(target.children[0]))), to_text(value))

    def eval(self, node: Node) -> Value:
        self.steps += 1
        if self.steps > MAX_STEPS:
            raise NotModelled("awk program running this long")
        kind = node.kind
        if kind == "num":
            return float(node.value)  # type: ignore[arg-type]
        if kind == "str":
            return str(node.value)
        if kind == "regex":
            pattern: re.Pattern[str] = node.value  # type: ignore[assignment]
            return 1.0 if pattern.search(self.record) else 0.0
        if kind == "group":
            return self.eval(node.children[0])
        if kind == "var":
            return self.get(str(node.value))
        if kind == "field":
            return self.field(int(to_number(self.eval(node.children[0]))))
        if kind == "assign":
            target, source = node.children
            value = self.eval(source)
            if node.value != "=":
                value = _arith(str(node.value)[0], self.eval(target), value)
            self.assign(target, value)
            return value
        if kind in ("post", "pre"):
            target = node.children[0]
            old = to_number(self.eval(target))
            new = old + (1 if node.value == "++" else -1)
            self.assign(target, new)
            return old if kind == "post" else new
        if kind == "unary":
            value = self.eval(node.children[0])
            if node.value == "!":
                return 0.0 if truthy(value) else 1.0
            number = to_number(value)
            return -number if node.value == "-" else number
        if kind == "arith":
            return _arith(str(node.value), *(self.eval(c) for c in node.children))
        if kind == "concat":
            return "".join(to_text(self.eval(c)) for c in node.children)
        if kind == "cmp":
            return 1.0 if _compare(str(node.value), *(self.eval(c) for c in node.children)) else 0.0
        if kind in ("~", "!~"):
            subject = to_text(self.eval(node.children[0]))
            right = node.children[1]
            regex = right.value if right.kind == "regex" else _compile(to_text(self.eval(right)))
            assert isinstance(regex, re.Pattern)
            found = regex.search(subject) is not None
            return 1.0 if found == (kind == "~") else 0.0
        if kind == "&&":
            return (
                1.0
                if truthy(self.eval(node.children[0])) and truthy(self.eval(node.children[1]))
                else 0.0
            )
        if kind == "||":
            return (
                1.0
                if truthy(self.eval(node.children[0])) or truthy(self.eval(node.children[1]))
                else 0.0
            )
        if kind == "?":
            condition, yes, no = node.children
            return self.eval(yes if truthy(self.eval(condition)) else no)
        if kind == "call":
            return self.call(str(node.value), [self.eval(c) for c in node.children])
        raise NotModelled(f"awk {kind}")

    def call(self, name: str, args: list[Value]) -> Value:
        text = to_text(args[0]) if args else self.record
        invalid = re.search("[\udc80-\udcff]", text) is not None
        if invalid and not self.warnings:  # gawk warns once, converting to wide characters
            self.warnings.append(
                f"awk: cmd. line:1: (FILENAME={self.filename} FNR={self.fnr}) warning: "
                "Invalid multibyte data detected. There may be a mismatch between your "
                "data and your locale\n"
            )
        if name == "length":
            return float(len(text))
        if not args:
            raise NotModelled(f"awk {name}() without arguments")
        if name in ("tolower", "toupper"):  # gawk rebuilds the string: bad bytes become U+FFFD
            text = re.sub("[\udc80-\udcff]", "\ufffd", text)
            return text.lower() if name == "tolower" else text.upper()
        if name == "index":
            return float(text.find(to_text(args[1])) + 1) if len(args) > 1 else 0.0
        bound = len(text) + 2  # positions beyond the string change nothing (and inf/nan)
        start = _clamp(to_number(args[1]), bound) if len(args) > 1 else 1
        length = _clamp(to_number(args[2]), 2 * bound) if len(args) > 2 else len(text) + 1
        first = max(start, 1)
        last = start + length  # exclusive, in 1-based positions
        return text[first - 1 : max(first - 1, last - 1)]

    def run(self, node: Node) -> None:
        kind = node.kind
        if kind == "block":
            for child in node.children:
                self.run(child)
        elif kind == "expr":
            self.eval(node.children[0])
        elif kind == "if":
            if truthy(self.eval(node.children[0])):
                self.run(node.children[1])
            elif len(node.children) > 2:
                self.run(node.children[2])
        elif kind == "print":
            ofs = to_text(self.variables.get("OFS", " "))
            ors = to_text(self.variables.get("ORS", "\n"))
            if not node.children:
                self.out.append(self.record + ors)
            else:
                self.out.append(
                    ofs.join(self._print_text(self.eval(c)) for c in node.children) + ors
                )
        elif kind == "printf":
            if not node.children:
                raise NotModelled("awk printf without a format")
            values = [self.eval(c) for c in node.children]
            self.out.append(_printf(to_text(values[0]), values[1:]))

    @staticmethod
    def _print_text(value: Value) -> str:
        return to_text(value)


def _clamp(number: float, bound: int) -> int:
    """round() a substr position into [-bound, bound]; nan counts as 0."""
    if math.isnan(number):
        return 0
    return int(max(-bound, min(bound, round(number) if abs(number) < 1e18 else number)))


def _arith(op: str, left: Value, right: Value) -> float:
    a, b = to_number(left), to_number(right)
    if op == "+":
        return a + b
    if op == "-":
        return a - b
    if op == "*":
        return a * b
    if op == "^":
        try:
            return float(a**b)
        except OverflowError:
            return math.inf if a > 0 or b % 2 == 0 else -math.inf
        except (ZeroDivisionError, TypeError) as error:
            raise NotModelled("awk arithmetic out of range") from error
    if b == 0:
        raise NotModelled("awk division by zero")
    return a / b if op == "/" else math.fmod(a, b)


def _compare(op: str, left: Value, right: Value) -> bool:
    numeric = all(isinstance(v, (float, StrNum)) for v in (left, right))
    a: float | str
    b: float | str
    if numeric:
        a, b = to_number(left), to_number(right)
    else:
        a, b = to_text(left), to_text(right)
    checks: dict[str, Callable[[], bool]] = {
        "<": lambda: a < b,  # type: ignore[operator]
        "<=": lambda: a <= b,  # type: ignore[operator]
        ">": lambda: a > b,  # type: ignore[operator]
        ">=": lambda: a >= b,  # type: ignore[operator]
        "==": lambda: a == b,
        "!=": lambda: a != b,
    }
    return checks[op]()


_FORMAT = re.compile(r"%([-+ #0]*)(\d*)(?:\.(\d*))?([diouxXeEfFgGcs%])")


def _printf(fmt: str, values: list[Value]) -> str:
    out = []
    position = 0
    index = 0
    for match in _FORMAT.finditer(fmt):
        out.append(fmt[position : match.start()])
        position = match.end()
        flags, width, precision, conv = match.groups()
        if conv == "%":
            out.append("%")
            continue
        value = values[index] if index < len(values) else ""
        index += 1
        if int(width or 0) > 1 << 20 or int(precision or 0) > 1 << 20:
            raise NotModelled("awk printf width or precision above 1048576")
        spec = "%" + flags + width + ("." + precision if precision is not None else "")
        if conv in "diouxX":
            number = to_number(value)
            if math.isnan(number) or math.isinf(number):
                raise NotModelled("awk printf of nan or inf")
            out.append((spec + conv.replace("i", "d").replace("u", "d")) % int(number))
        elif conv in "eEfFgG":
            out.append((spec + conv) % to_number(value))
        elif conv == "c":
            if isinstance(value, float):
                code = int(value) if math.isfinite(value) else 0
                text = chr(code) if 0 <= code < 0x110000 and not 0xD800 <= code < 0xE000 else ""
            else:
                text = to_text(value)
            out.append((spec + "s") % text[:1])
        else:
            out.append((spec + "s") % to_text(value))
    if "%" in fmt[position:]:
        raise NotModelled("awk printf format the lab cannot read")
    out.append(fmt[position:])
    return "".join(out)


@tool("awk", "gawk")
def awk(ctx: CommandContext) -> int:
    parsed = parse(ctx, AWK)
    operands = list(parsed.operands)
    if not operands:
        ctx.err(AWK_USAGE)
        return 1
    program = operands.pop(0)
    begin, rules, end = _Parser(program).program()
    machine = _Machine(out=[])
    separator = parsed.last("F")
    if separator is not None:
        machine.variables["FS"] = "\t" if separator == "t" else _unescape(separator)
    for assignment in parsed.all("v"):
        name, eq, value = assignment.partition("=")
        if not eq or not re.fullmatch(r"[A-Za-z_]\w*", name):
            raise NotModelled(f"awk -v {assignment}")
        machine.variables[name] = field_value(_unescape(value))
    status = 0
    try:
        for block in begin:
            machine.run(block)
        if rules or end:
            for name in operands or ["-"]:
                if "=" in name and re.match(r"[A-Za-z_]\w*=", name):
                    raise NotModelled("awk command-line assignments")
                try:
                    if name == "-":
                        data = ctx.stdin
                    else:
                        data = ctx.host.read_file(ctx.proc, name)
                        if ctx.host.stat(ctx.proc, name).kind is Kind.DIRECTORY:
                            ctx.err(
                                f"awk: warning: command line argument `{name}' is a directory: "
                                "skipped\n"
                            )
                            continue
                except OSError as error:
                    ctx.err(
                        f"awk: fatal: cannot open file `{name}' for reading: {error.strerror}\n"
                    )
                    status = 2
                    break
                text = data.decode("utf-8", "surrogateescape")
                records = text.split("\n")
                if records and records[-1] == "":
                    records.pop()
                machine.filename = "" if name == "-" else name
                machine.fnr = 0
                for record in records:
                    machine.nr += 1
                    machine.fnr += 1
                    machine.set_record(record)
                    for pattern, action in rules:
                        if pattern is None or truthy(machine.eval(pattern)):
                            if action is None:
                                machine.out.append(machine.record + "\n")
                            else:
                                machine.run(action)
            for block in end:
                machine.run(block)
    except _Exit:
        pass
    ctx.out("".join(machine.out).encode("utf-8", "surrogateescape"))
    ctx.err("".join(machine.warnings))
    return status
