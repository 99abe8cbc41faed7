"""Shell arithmetic (``$(( ))``, ``(( ))``, ``[[ -eq ]]``) as bash's ``expr.c``: 64-bit
signed integers, C precedence, variables read as expressions, bash's error messages."""

from __future__ import annotations

from collections.abc import Callable

from simulator.errors import SeclabError

MAX_PARENS = 40  # bash allows 1024 (MAX_EXPR_RECURSION_LEVEL); Python's stack does not
MAX_RECURSION = 32  # a variable whose value names itself: bash gives up at 1024 levels


class ArithError(SeclabError):
    """``EXPR: MESSAGE (error token is "TOKEN")``, as bash's expr.c evalerror."""

    def __init__(self, expression: str, message: str, token: str) -> None:
        super().__init__(f'{expression}: {message} (error token is "{token}")')


def _wrap(value: int) -> int:
    value &= (1 << 64) - 1
    return value - (1 << 64) if value >= 1 << 63 else value


_BINARY: dict[str, tuple[int, Callable[[int, int], int]]] = {
    "||": (1, lambda a, b: int(bool(a) or bool(b))),
    "&&": (2, lambda a, b: int(bool(a) and bool(b))),
    "|": (3, lambda a, b: a | b),
    "^": (4, lambda a, b: a ^ b),
    "&": (5, lambda a, b: a & b),
    "==": (6, lambda a, b: int(a == b)),
    "!=": (6, lambda a, b: int(a != b)),
    "<": (7, lambda a, b: int(a < b)),
    ">": (7, lambda a, b: int(a > b)),
    "<=": (7, lambda a, b: int(a <= b)),
    ">=": (7, lambda a, b: int(a >= b)),
    "<<": (8, lambda a, b: _wrap(a << (b & 63))),
    ">>": (8, lambda a, b: a >> (b & 63)),
    "+": (9, lambda a, b: _wrap(a + b)),
    "-": (9, lambda a, b: _wrap(a - b)),
    "*": (10, lambda a, b: _wrap(a * b)),
    "/": (10, lambda a, b: _wrap(_cdiv(a, b))),
    "%": (10, lambda a, b: _wrap(a - b * _cdiv(a, b))),
    "**": (11, lambda a, b: _wrap(pow(a, b, 1 << 64))),
}
_ASSIGN = ("=", "*=", "/=", "%=", "+=", "-=", "<<=", ">>=", "&=", "^=", "|=")
_OPERATORS = sorted(
    {*_BINARY, *_ASSIGN, "?", ":", "(", ")", ",", "!", "~", "++", "--"}, key=len, reverse=True
)


def _cdiv(a: int, b: int) -> int:
    """C division: truncation toward zero."""
    q = abs(a) // abs(b)
    return q if (a < 0) == (b < 0) else -q


class Evaluator:
    """One evaluation; ``lookup``/``assign`` reach the shell's variables."""

    def __init__(
        self,
        lookup: Callable[[str], str | None],
        assign: Callable[[str, str], None],
        depth: int = 0,
    ) -> None:
        self.lookup = lookup
        self.assign = assign
        self.depth = depth

    def evaluate(self, text: str) -> int:
        expression = text.lstrip(" \t\n")
        if not expression.strip():
            return 0
        return _Run(self, expression).run()


class _Run:
    def __init__(self, owner: Evaluator, expression: str) -> None:
        self.owner = owner
        self.expression = expression
        self.pos = 0
        self.last = 0  # where the last token started (bash: lasttp)
        self.token = ""
        self.kind = ""  # "num" | "name" | "op" | "eof"
        self.nesting = 0
        self.next_token()

    def error(self, message: str) -> ArithError:
        return ArithError(self.expression, message, self.expression[self.last :])

    def next_token(self) -> None:
        text = self.expression
        while self.pos < len(text) and text[self.pos] in " \t\n":
            self.pos += 1
        if self.pos >= len(text):
            self.kind, self.token = "eof", ""
            return
        self.last = self.pos
        char = text[self.pos]
        if char.isascii() and char.isdigit():
            end = self.pos
            while end < len(text) and (text[end].isalnum() or text[end] in "#@_"):
                end += 1
            self.kind, self.token, self.pos = "num", text[self.pos : end], end
            return
        if char.isascii() and (char.isalpha() or char == "_"):
            end = self.pos
            while (
                end < len(text)
                and text[end].isascii()
                and (text[end].isalnum() or text[end] == "_")
            ):
                end += 1
            self.kind, self.token, self.pos = "name", text[self.pos : end], end
            return
        for op in _OPERATORS:
            if text.startswith(op, self.pos):
                self.kind, self.token, self.pos = "op", op, self.pos + len(op)
                return
        self.kind, self.token = "bad", char
        raise self.error("syntax error: invalid arithmetic operator")

    def run(self) -> int:
        value = self.comma()
        if self.kind != "eof":
            raise self.error("syntax error in expression")
        return value

    def comma(self) -> int:
        value = self.assignment()
        while self.kind == "op" and self.token == ",":
            self.next_token()
            value = self.assignment()
        return value

    def assignment(self) -> int:
        if self.kind == "name":
            name, save = self.token, (self.pos, self.last)
            self.next_token()
            if self.kind == "op" and self.token in _ASSIGN:
                op = self.token
                self.next_token()
                value = self.assignment()
                if op != "=":
                    value = self.apply(op[:-1], self.variable(name), value)
                self.owner.assign(name, str(value))
                return value
            self.pos, self.last = save
            self.kind, self.token = "name", name
        value = self.conditional()
        if self.kind == "op" and self.token in _ASSIGN:
            raise self.error("attempted assignment to non-variable")
        return value

    def conditional(self) -> int:
        value = self.binary(1)
        if self.kind == "op" and self.token == "?":
            self.next_token()
            yes = self.comma()
            if not (self.kind == "op" and self.token == ":"):
                raise self.error("`:' expected for conditional expression")
            self.next_token()
            no = self.conditional()
            return yes if value else no
        return value

    def binary(self, level: int) -> int:
        """Precedence climbing: one recursion per operator, not per precedence level."""
        value = self.unary()
        while self.kind == "op" and self.token in _BINARY and _BINARY[self.token][0] >= level:
            op = self.token
            precedence = _BINARY[op][0]
            self.next_token()
            if op == "**":  # right-associative: the one chain that recurses
                self.nesting += 1
                if self.nesting > MAX_PARENS:
                    raise self.error("expression recursion level exceeded")
                right = self.binary(precedence)
                self.nesting -= 1
            else:
                right = self.binary(precedence + 1)
            value = self.apply(op, value, right)
        return value

    def apply(self, op: str, left: int, right: int) -> int:
        if op in ("/", "%") and right == 0:
            raise self.error("division by 0")
        if op == "**" and right < 0:
            raise self.error("exponent less than 0")
        return _BINARY[op][1](left, right)

    def unary(self) -> int:
        prefixes: list[str] = []
        while self.kind == "op" and self.token in ("!", "~", "-", "+"):
            prefixes.append(self.token)
            self.next_token()
        value = self.increment()
        for op in reversed(prefixes):
            value = {"!": int(not value), "~": ~value, "-": _wrap(-value), "+": value}[op]
        return value

    def increment(self) -> int:
        if self.kind == "op" and self.token in ("++", "--"):
            op = self.token
            self.next_token()
            if self.kind != "name":
                raise self.error("syntax error: operand expected")
            name = self.token
            value = _wrap(self.variable(name) + (1 if op == "++" else -1))
            self.owner.assign(name, str(value))
            self.next_token()
            return value
        return self.primary()

    def primary(self) -> int:
        if self.kind == "op" and self.token == "(":
            self.nesting += 1
            if self.nesting > MAX_PARENS:
                raise self.error("expression recursion level exceeded")
            self.next_token()
            value = self.comma()
            self.nesting -= 1
            if not (self.kind == "op" and self.token == ")"):
                raise self.error("missing `)'")
            self.next_token()
            return value
        if self.kind == "num":
            value = self.number(self.token)
            self.next_token()
            return value
        if self.kind == "name":
            name = self.token
            value = self.variable(name)
            self.next_token()
            if self.kind == "op" and self.token in ("++", "--"):
                self.owner.assign(name, str(_wrap(value + (1 if self.token == "++" else -1))))
                self.next_token()
            return value
        if self.kind == "eof":
            raise self.error("syntax error: operand expected")
        raise self.error("syntax error: operand expected")

    def number(self, text: str) -> int:
        base = 10
        digits = text
        if "#" in text:
            prefix, _, digits = text.partition("#")
            if not prefix.isdigit() or not 2 <= int(prefix) <= 64:
                raise self.error("invalid arithmetic base")
            base = int(prefix)
        elif text[:2] in ("0x", "0X"):
            base, digits = 16, text[2:]
        elif text.startswith("0") and len(text) > 1:
            base, digits = 8, text[1:]
        value = 0
        for char in digits:
            digit = _digit(char, base)
            if digit is None:
                raise self.error("invalid number")
            if digit >= base:
                raise self.error("value too great for base")
            value = _wrap(value * base + digit)
        if not digits and base == 16:
            raise self.error("invalid number")
        return value

    def variable(self, name: str) -> int:
        value = self.owner.lookup(name)
        if value is None or not value.strip():
            return 0
        if self.owner.depth >= MAX_RECURSION:
            raise self.error("expression recursion level exceeded")
        inner = Evaluator(self.owner.lookup, self.owner.assign, self.owner.depth + 1)
        return inner.evaluate(value)


def _digit(char: str, base: int) -> int | None:
    # bash: expr.c strlong: 0-9, a-z, A-Z, @, _ ; letters are case-blind up to base 36
    if "0" <= char <= "9":
        return ord(char) - ord("0")
    if "a" <= char <= "z":
        return ord(char) - ord("a") + 10
    if "A" <= char <= "Z":
        return ord(char) - ord("A") + (10 if base <= 36 else 36)
    if char == "@":
        return 62
    if char == "_":
        return 63
    return None
