"""The shell's syntax: bash 5.1's grammar (``parse.y``) as a hand-written recursive-descent
parser over one character stream. No ``eval``, no real shell.

Every input either parses, or fails with bash's own message: a syntax error near a token,
an end of file inside a construct (:class:`Incomplete`, so an interactive face can ask for
more with the ``> `` prompt), or ``seclab: not modelled`` for what the lab does not model.
The parser counts its steps (:class:`Budget`); every step consumes input or descends a level
that itself must consume input, so the count is bounded by the input's length.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import attrs

from simulator.errors import SeclabError

MAX_NESTING = 100  # compound commands, substitutions and groups inside one another
STEPS_PER_CHAR = 40


class ShellSyntaxError(SeclabError):
    """A line the shell rejects before running anything. ``str()`` is the message as a
    non-login bash prints it; the login shell prints it with a ``-`` in front."""

    status = 2
    keeps_status = False

    def __init__(self, message: str, token: str = "") -> None:
        super().__init__(message)
        self.token = token

    @classmethod
    def near(cls, token: str) -> ShellSyntaxError:
        # bash: parse.y report_syntax_error
        return cls(f"bash: syntax error near unexpected token `{token}'", token)

    @property
    def message(self) -> str:
        return str(self)


class Incomplete(ShellSyntaxError):
    """End of input inside a construct: an interactive shell prompts ``> `` for more."""

    def __init__(self, message: str = "bash: syntax error: unexpected end of file") -> None:
        super().__init__(message, "")

    @classmethod
    def matching(cls, char: str) -> Incomplete:
        # bash: parse.y parse_matched_pair
        # bash 5.1 then reports the end of file as well (5.2 stopped doing that)
        return cls(
            f"bash: unexpected EOF while looking for matching `{char}'\n"
            "bash: syntax error: unexpected end of file"
        )


class SyntaxNotModelled(ShellSyntaxError):
    """Bash would accept this, the lab does not model it (``seclab: not modelled``, exit 3)."""

    status = 3

    def __init__(self, what: str) -> None:
        super().__init__(f"seclab: not modelled: {what}", "")
        self.what = what


class Budget:
    """Counts parser steps; exceeding the bound is a bug the property test reports."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.steps = 0

    def tick(self) -> None:
        self.steps += 1
        if self.steps > self.limit:
            raise SyntaxNotModelled(f"a command line needing more than {self.limit} parser steps")


# -- words ------------------------------------------------------------------------------------


@attrs.frozen(repr=False)
class Lit:
    text: str
    quoted: bool


@attrs.frozen(repr=False, eq=False)
class Param:
    """``$x``, ``${x}``, ``${#x}``, ``${x:-word}``, ``${x#pat}``, ``${x/a/b}`` ..."""

    name: str
    quoted: bool
    op: str = ""
    arg: Word | None = None
    arg2: Word | None = None


@attrs.frozen(repr=False, eq=False)
class CmdSub:
    node: Node | None
    quoted: bool


@attrs.frozen(repr=False, eq=False)
class Arith:
    expr: Word
    quoted: bool


@attrs.frozen(repr=False, eq=False)
class Tilde:
    user: str


Part = Lit | Param | CmdSub | Arith | Tilde


@attrs.frozen(repr=False)
class Word:
    parts: tuple[Part, ...]

    def literal(self) -> str | None:
        """The text if the word is one unquoted literal (for reserved words and names)."""
        if len(self.parts) == 1 and isinstance(self.parts[0], Lit) and not self.parts[0].quoted:
            return self.parts[0].text
        return None


@attrs.frozen(repr=False, eq=False)
class Token:
    kind: str  # "word" | "op" | "eof"
    value: str
    word: Word | None = None
    fd: int | None = None  # the number in front of a redirection operator

    def show(self) -> str:
        """The token as bash's syntax error names it."""
        if self.kind == "eof":
            return "newline"
        if self.value == "\n":
            return "newline"
        if self.kind == "op":
            return (str(self.fd) if self.fd is not None else "") + self.value
        return self.value


REDIRECT_OPS = ("<<<", "<<-", "&>>", "<<", ">>", ">&", "<&", "<>", ">|", "&>", "<", ">")
CONTROL_OPS = (";;&", ";;", ";&", "&&", "||", "|&", ";", "&", "|", "(", ")", "\n")
SPECIAL_PARAMS = "?$#@*!-0123456789"
WORD_BREAK = " \t\n;&|<>()"
_OP_START = frozenset(op[0] for op in REDIRECT_OPS + CONTROL_OPS)
# a run of word characters with no meaning of their own (none of WORD_BREAK, quotes,
# expansions, escapes, history or tilde): the lexer takes such a run in one step
_PLAIN_RUN = re.compile(r"[^ \t\n;&|<>()~!\\'\"$`]+")
DIGITS = "0123456789"


# -- the tree ---------------------------------------------------------------------------------


@attrs.define(eq=False, repr=False)
class Heredoc:
    """A here-document: its body is read after the line's newline, so it is filled in late."""

    delimiter: str
    strip_tabs: bool
    quoted: bool
    body: Word | None = None
    line: int = 1  # where it starts, for bash's warning


@attrs.frozen(repr=False, eq=False)
class Redirect:
    fd: int | None  # None: the operator's default (0 for <, 1 for >)
    op: str
    target: Word
    heredoc: Heredoc | None = None


@attrs.frozen(repr=False)
class Simple:
    assignments: tuple[tuple[str, Word], ...]
    words: tuple[Word, ...]
    redirects: tuple[Redirect, ...]


@attrs.frozen(repr=False, eq=False)
class Pipeline:
    commands: tuple[Node, ...]
    negate: bool = False


@attrs.frozen(repr=False, eq=False)
class AndOr:
    first: Node
    rest: tuple[tuple[str, Node], ...]


@attrs.frozen(repr=False, eq=False)
class Sequence:
    items: tuple[Node, ...]


if TYPE_CHECKING:
    from simulator.shell.syntax_compound import (
        ArithCommand,
        Background,
        Case,
        Compound,
        Conditional,
        For,
        FunctionDef,
        Group,
        If,
        While,
    )

    Node = (
        Simple
        | Pipeline
        | AndOr
        | Sequence
        | Background
        | For
        | If
        | While
        | Case
        | Group
        | FunctionDef
        | ArithCommand
        | Conditional
        | Compound
    )

RESERVED = frozenset(
    [
        "if",
        "then",
        "else",
        "elif",
        "fi",
        "case",
        "esac",
        "for",
        "while",
        "until",
        "do",
        "done",
        "in",
        "function",
        "select",
        "time",
        "!",
        "{",
        "}",
        "[[",
        "]]",
    ]
)
CLOSERS = frozenset(("then", "else", "elif", "fi", "do", "done", "esac", "}"))


class _Parser:
    """Lexer and parser in one: bash's lexing depends on the parser's state (reserved words
    at a command's start, ``$(...)`` parsed as a command list, here-documents after a newline)."""

    def __init__(self, text: str, budget: Budget) -> None:
        self.text = text
        self.pos = 0
        self.budget = budget
        self.depth = 0
        self.pending: list[Heredoc] = []
        self.warnings: list[str] = []
        self.heredoc_open = False  # the input ended inside a here-document
        self.lookahead: Token | None = None
        self.has_background = False

    # -- characters ---------------------------------------------------------------------------

    def char(self, offset: int = 0) -> str:
        i = self.pos + offset
        return self.text[i] if i < len(self.text) else ""

    def advance(self, n: int = 1) -> None:
        self.budget.tick()
        self.pos += n

    def nest(self) -> None:
        self.budget.tick()
        self.depth += 1
        if self.depth > MAX_NESTING:
            raise SyntaxNotModelled(f"constructs nested more than {MAX_NESTING} deep")

    def unnest(self) -> None:
        self.depth -= 1

    # -- tokens -------------------------------------------------------------------------------

    def peek(self) -> Token:
        if self.lookahead is None:
            self.lookahead = self._lex()
        return self.lookahead

    def take(self) -> Token:
        token = self.peek()
        self.lookahead = None
        return token

    def peek_reserved(self) -> str | None:
        token = self.peek()
        return token.word.literal() if token.kind == "word" and token.word is not None else None

    def is_op(self, *values: str) -> bool:
        token = self.peek()
        return token.kind == "op" and token.fd is None and token.value in values

    def unexpected(self, token: Token | None = None) -> ShellSyntaxError:
        token = token or self.peek()
        if token.kind == "eof":
            return Incomplete()
        return ShellSyntaxError.near(token.show())

    def _lex(self) -> Token:
        char = ""
        while True:
            self.budget.tick()
            char = self.char()
            if char == "":
                return Token("eof", "")
            if char in " \t":
                self.advance()
                continue
            if char == "\\" and self.char(1) == "\n":
                self.advance(2)
                continue
            if char == "#":
                while self.char() not in ("", "\n"):
                    self.advance()
                continue
            if char == "\n":
                self.advance()
                self._read_heredocs()
                return Token("op", "\n")
            break
        fd: int | None = None
        if char in DIGITS:
            end = self.pos
            while end < len(self.text) and self.text[end] in DIGITS:
                end += 1
            after = self.text[end : end + 1]
            if after in ("<", ">") and end - self.pos <= 9:
                fd = int(self.text[self.pos : end])
                self.advance(end - self.pos)
                char = self.char()
        if char not in _OP_START:
            word = self._word()
            return Token("word", self.text_of(word), word)
        if self.text.startswith(("<(", ">("), self.pos):
            raise SyntaxNotModelled("process substitution")
        for op in REDIRECT_OPS + CONTROL_OPS:
            if self.text.startswith(op, self.pos):
                if fd is not None and op not in REDIRECT_OPS:
                    continue
                self.advance(len(op))
                return Token("op", op, fd=fd)
        word = self._word()
        return Token("word", self.text_of(word), word)

    @staticmethod
    def text_of(word: Word) -> str:
        return "".join(p.text if isinstance(p, Lit) else "$" for p in word.parts)

    # -- words --------------------------------------------------------------------------------

    def _word(self) -> Word:
        parts: list[Part] = []
        buf: list[str] = []
        start = self.pos

        def flush() -> None:
            if buf:
                parts.append(Lit("".join(buf), False))
                buf.clear()

        tilde = self._tilde()
        if tilde is not None:
            parts.append(tilde)
        while True:
            char = self.char()
            if char == "~" and self.text[self.pos - 1] in "=:":
                # bash: a tilde after the = of an assignment-like word, or after its colons
                name, equals, _ = self.text[start : self.pos].partition("=")
                if equals and name.isidentifier() and name.isascii():
                    tilde = self._tilde()
                    if tilde is not None:
                        flush()
                        parts.append(tilde)
                        continue
            if char == "" or char in WORD_BREAK:
                if char == "(" and buf and buf[-1][-1] in "?*+@!":
                    raise SyntaxNotModelled("extended glob patterns (extglob)")
                break
            plain = _PLAIN_RUN.match(self.text, self.pos)
            if plain is not None:
                buf.append(plain.group())
                self.advance(plain.end() - self.pos)
                continue
            if char == "!":
                self._history_expansion()
            if char == "\\":
                flush()
                if self.char(1) == "\n":
                    self.advance(2)
                    continue
                if self.char(1) == "":
                    self.advance()
                    parts.append(Lit("\\", True))
                    continue
                parts.append(Lit(self.char(1), True))
                self.advance(2)
                continue
            if char == "'":
                flush()
                parts.append(self._single_quoted())
                continue
            if char == '"':
                flush()
                self.advance()
                parts.extend(self._double_quoted())
                continue
            if char == "$" and self.char(1) in ("'", '"'):
                flush()
                if self.char(1) == '"':  # $"...": locale translation, as "..." in C
                    self.advance(2)
                    parts.extend(self._double_quoted())
                    continue
                self.advance(2)
                parts.append(Lit(self._ansi_c(), True))
                continue
            if char in "$`":
                flush()
                parts.append(self._dollar(quoted=False))
                continue
            buf.append(char)
            self.advance()
        flush()
        if self.pos == start:  # cannot happen: the caller saw a word character
            raise ShellSyntaxError.near(self.char() or "newline")
        return Word(tuple(parts))

    def _tilde(self) -> Tilde | None:
        """A tilde prefix at the current position (``~``, ``~user``) ending at / or :."""
        if self.char() != "~":
            return None
        end = self.pos + 1
        while end < len(self.text) and (self.text[end].isalnum() or self.text[end] in "_-."):
            end += 1
        if self.text[end : end + 1] in ("", "/", ":") or self.text[end] in WORD_BREAK:
            tilde = Tilde(self.text[self.pos + 1 : end])
            self.advance(end - self.pos)
            return tilde
        return None

    def _history_expansion(self, *, quoted: bool = False) -> None:
        """An interactive bash expands ``!word`` from its history (bash: hist_expand)."""
        after = self.char(1)
        if after in ("", " ", "\t", "\n", "=", "(") or (quoted and after == '"'):
            return
        # bash: bashline.c bash_history_inhibit_expansion: [!...] is a glob's negation
        if self.pos and self.text[self.pos - 1] == "[" and "]" in self.text[self.pos + 1 :]:
            return
        raise SyntaxNotModelled("history expansion (!)")

    def _ansi_c(self) -> str:
        """``$'...'``: backslash escapes as bash's ansicstr."""
        out: list[str] = []
        while True:
            char = self.char()
            if char == "":
                raise Incomplete.matching("'")
            if char == "'":
                self.advance()
                return "".join(out)
            if char == "\\" and self.char(1):
                nxt = self.char(1)
                simple = {
                    "n": "\n",
                    "t": "\t",
                    "r": "\r",
                    "a": "\a",
                    "b": "\b",
                    "e": "\x1b",
                    "E": "\x1b",
                    "f": "\f",
                    "v": "\v",
                    "\\": "\\",
                    "'": "'",
                    '"': '"',
                    "?": "?",
                }
                if nxt in simple:
                    out.append(simple[nxt])
                    self.advance(2)
                    continue
                if nxt in "01234567":
                    end = self.pos + 1
                    while (
                        end < len(self.text) and end < self.pos + 4 and self.text[end] in "01234567"
                    ):
                        end += 1
                    out.append(chr(int(self.text[self.pos + 1 : end], 8) & 0xFF))
                    self.advance(end - self.pos)
                    continue
                # bash: ansicstr: \xHH takes up to 2 hex digits, \uHHHH up to 4 and
                # \UHHHHHHHH up to 8 (a code point, written in UTF-8); none: kept as is
                digits = {"x": 2, "u": 4, "U": 8}.get(nxt, 0)
                if digits:
                    end = self.pos + 2
                    while (
                        end < len(self.text)
                        and end < self.pos + 2 + digits
                        and self.text[end] in "0123456789abcdefABCDEF"
                    ):
                        end += 1
                    if end > self.pos + 2:
                        value = int(self.text[self.pos + 2 : end], 16)
                        if value > 0x10FFFF or 0xD800 <= value <= 0xDFFF:
                            # bash writes these as (invalid) UTF-8 bytes
                            raise SyntaxNotModelled(f"$'\\{nxt}' of U+{value:04X}")
                        out.append(chr(value))
                        self.advance(end - self.pos)
                        continue
                # bash: ansicstr: \cX is control-X (TOCTRL: '?' is DEL); \c\\ takes both
                if nxt == "c" and self.char(2) not in ("", "'"):
                    control = self.char(2)
                    out.append("\x7f" if control == "?" else chr(ord(control.upper()) & 0x1F))
                    skip = 4 if control == "\\" and self.char(3) == "\\" else 3
                    self.advance(skip)
                    continue
                out.append("\\" + nxt)
                self.advance(2)
                continue
            out.append(char)
            self.advance()

    def _single_quoted(self) -> Lit:
        """``'...'``: everything up to the next quote, literally (bash: no escapes inside)."""
        end = self.text.find("'", self.pos + 1)
        if end < 0:
            raise Incomplete.matching("'")
        text = self.text[self.pos + 1 : end]
        self.advance(end + 1 - self.pos)
        return Lit(text, True)

    def _double_quoted(self) -> list[Part]:
        parts: list[Part] = []
        buf: list[str] = []
        while True:
            char = self.char()
            if char == "":
                raise Incomplete.matching('"')
            if char == '"':
                self.advance()
                break
            if char == "!":
                self._history_expansion(quoted=True)
            if char == "\\" and self.char(1) in ("$", "`", '"', "\\", "\n"):
                if self.char(1) != "\n":
                    buf.append(self.char(1))
                self.advance(2)
                continue
            if char in "$`":
                if buf:
                    parts.append(Lit("".join(buf), True))
                    buf = []
                parts.append(self._dollar(quoted=True))
                continue
            buf.append(char)
            self.advance()
        parts.append(Lit("".join(buf), True))  # keeps "" as an empty field
        return parts

    def _dollar(self, *, quoted: bool) -> Part:
        if self.char() == "`":
            return self._backquote(quoted)
        self.advance()  # the $
        char = self.char()
        if char == "(" and self.char(1) == "(":
            self.advance(2)
            return Arith(self._arith_body(), quoted)
        if char == "(":
            self.advance()
            return CmdSub(self._subcommand(), quoted)
        if char == "[":  # $[...]: the old arithmetic form
            raise SyntaxNotModelled("the $[...] arithmetic form")
        if char == "{":
            self.advance()
            return self._braced_param(quoted)
        if char and char in SPECIAL_PARAMS:
            self.advance()
            return Param(char, quoted)
        start = self.pos
        while self.char().isascii() and (self.char().isalnum() or self.char() == "_"):
            self.advance()
        if start == self.pos:
            return Lit("$", quoted)
        return Param(self.text[start : self.pos], quoted)

    def _subcommand(self) -> Node | None:
        """``$(...)``: a command list up to the matching ``)``."""
        self.nest()
        saved = self.lookahead
        self.lookahead = None
        try:
            node = self.parse_list(closing=")")
            token = self.take()
            if token.kind == "eof":
                raise Incomplete.matching(")")
            if not (token.kind == "op" and token.value == ")" and token.fd is None):
                raise self.unexpected(token)
        finally:
            self.lookahead = saved
            self.unnest()
        return node

    def _backquote(self, quoted: bool) -> Part:
        """`...`: backslash quotes only $, ` and \\ inside; the rest is a command list."""
        self.advance()
        out: list[str] = []
        while True:
            char = self.char()
            if char == "":
                raise Incomplete.matching("`")
            if char == "`":
                self.advance()
                break
            if char == "\\" and self.char(1) in ("$", "`", "\\") + (('"',) if quoted else ()):
                out.append(self.char(1))
                self.advance(2)
                continue
            out.append(char)
            self.advance()
        self.nest()
        try:
            inner = _Parser("".join(out), self.budget)
            inner.depth = self.depth
            node = inner.parse_all()
            self.has_background = self.has_background or inner.has_background
        finally:
            self.unnest()
        return CmdSub(node, quoted)

    def _arith_body(self) -> Word:
        """The text of ``$(( ... ))`` up to the matching ``))``, with its expansions."""
        parts: list[Part] = []
        buf: list[str] = []
        depth = 0
        while True:
            char = self.char()
            if char == "":
                raise Incomplete.matching(")")
            if char == ")" and depth == 0:
                if self.char(1) != ")":
                    raise ShellSyntaxError.near(")")
                self.advance(2)
                break
            if char == "(":
                depth += 1
            elif char == ")":
                depth -= 1
            if char in "$`":
                if buf:
                    parts.append(Lit("".join(buf), True))
                    buf = []
                parts.append(self._dollar(quoted=True))
                continue
            if char == "\\" and self.char(1):
                buf.append(self.char(1))
                self.advance(2)
                continue
            if char in "'\"":
                quote = char
                self.advance()
                while self.char() != quote:
                    if self.char() == "":
                        raise Incomplete.matching(quote)
                    buf.append(self.char())
                    self.advance()
                self.advance()
                continue
            buf.append(char)
            self.advance()
        if buf:
            parts.append(Lit("".join(buf), True))
        return Word(tuple(parts))

    def _braced_param(self, quoted: bool) -> Part:
        """``${...}``; bash reports a bad one when it expands it, so do we (op "bad")."""
        self.nest()
        try:
            return self._braced_param_inner(quoted)
        finally:
            self.unnest()

    def _braced_param_inner(self, quoted: bool) -> Part:
        start = self.pos - 2
        length = False
        if self.char() == "#" and self.char(1) not in ("}", ""):
            length = True
            self.advance()
        name_start = self.pos
        if self.char() == "!" and self.char(1) not in ("}", ""):
            return self._bad_param(start, quoted, "indirect expansion ${!name}")
        if self.char() and self.char() in SPECIAL_PARAMS and self.char() not in DIGITS:
            self.advance()
        elif self.char() and self.char() in DIGITS:
            while self.char() and self.char() in DIGITS:
                self.advance()
        else:
            while self.char().isascii() and (self.char().isalnum() or self.char() == "_"):
                self.advance()
        name = self.text[name_start : self.pos]
        valid = bool(name) and (name in SPECIAL_PARAMS or name.isdigit() or name[0] not in DIGITS)
        if length:
            if self.char() == "}" and valid:
                self.advance()
                return Param(name, quoted, "#len")
            return self._bad_param(start, quoted)
        if not valid:
            return self._bad_param(start, quoted)
        char = self.char()
        if char == "}":
            self.advance()
            return Param(name, quoted)
        for op in (
            ":-",
            ":=",
            ":+",
            ":?",
            "-",
            "=",
            "+",
            "?",
            "##",
            "#",
            "%%",
            "%",
            "//",
            "/#",
            "/%",
            "/",
        ):
            if self.text.startswith(op, self.pos):
                self.advance(len(op))
                if op[0] == "/":
                    pattern = self._param_word(stop="/}")
                    replacement = None
                    if self.char() == "/":
                        self.advance()
                        replacement = self._param_word(stop="}")
                    self.advance()
                    return Param(name, quoted, op, pattern, replacement)
                arg = self._param_word(stop="}")
                self.advance()
                return Param(name, quoted, op, arg)
        if char == ":":
            return self._bad_param(start, quoted, "substring expansion ${name:offset:length}")
        if char in "^,@[":
            return self._bad_param(start, quoted, f"the ${{name{char}...}} expansion")
        return self._bad_param(start, quoted)

    def _bad_param(self, start: int, quoted: bool, not_modelled: str = "") -> Part:
        depth = 1
        while depth:
            char = self.char()
            if char == "":
                raise Incomplete.matching("}")
            if char == "{":
                depth += 1
            elif char == "}":
                depth -= 1
            elif char == "\\":
                self.advance()
            self.advance()
        text = self.text[start : self.pos]
        return Param(
            text,
            quoted,
            "not modelled" if not_modelled else "bad",
            Word((Lit(not_modelled, True),)),
        )

    def _param_word(self, stop: str) -> Word:
        """The word inside ``${x:-word}``: quotes and expansions, up to an unquoted stop."""
        parts: list[Part] = []
        buf: list[str] = []

        def flush() -> None:
            if buf:
                parts.append(Lit("".join(buf), False))
                buf.clear()

        while True:
            char = self.char()
            if char == "":
                raise Incomplete.matching("}")
            if char in stop:
                break
            if char == "\\":
                flush()
                if self.char(1) == "":
                    raise Incomplete.matching("}")
                parts.append(Lit(self.char(1), True))
                self.advance(2)
                continue
            if char == "'":
                flush()
                parts.append(self._single_quoted())
                continue
            if char == '"':
                flush()
                self.advance()
                parts.extend(self._double_quoted())
                continue
            if char in "$`":
                flush()
                parts.append(self._dollar(quoted=False))
                continue
            buf.append(char)
            self.advance()
        flush()
        return Word(tuple(parts))

    # -- here-documents -------------------------------------------------------------------------

    def _read_heredocs(self) -> None:
        """After a newline: the bodies of the here-documents the line opened
        (bash: gather_here_documents)."""
        pending, self.pending = self.pending, []
        for doc in pending:
            lines: list[str] = []
            while True:
                self.budget.tick()
                if self.pos >= len(self.text):
                    # bash: make_here_document
                    self.heredoc_open = True
                    self.warnings.append(
                        f"bash: warning: here-document at line {doc.line} delimited by end-of-file"
                        f" (wanted `{doc.delimiter}')"
                    )
                    break
                end = self.text.find("\n", self.pos)
                line = self.text[self.pos :] if end < 0 else self.text[self.pos : end]
                self.advance((len(self.text) if end < 0 else end + 1) - self.pos)
                if doc.strip_tabs:
                    line = line.lstrip("\t")
                if line == doc.delimiter:
                    break
                lines.append(line + "\n")
            body = "".join(lines)
            if doc.quoted:
                doc.body = Word((Lit(body, True),))
            else:
                doc.body = _Parser(body, self.budget).heredoc_word()

    def heredoc_word(self) -> Word:
        """An unquoted here-document's body: ``$`` expansions and ``\\`` before ``$`\\``."""
        parts: list[Part] = []
        buf: list[str] = []
        while self.char():
            char = self.char()
            if char == "\\" and self.char(1) in ("$", "`", "\\", "\n"):
                if self.char(1) != "\n":
                    buf.append(self.char(1))
                self.advance(2)
                continue
            if char in "$`":
                if buf:
                    parts.append(Lit("".join(buf), True))
                    buf = []
                parts.append(self._dollar(quoted=True))
                continue
            buf.append(char)
            self.advance()
        if buf:
            parts.append(Lit("".join(buf), True))
        return Word(tuple(parts))

    # -- the grammar ----------------------------------------------------------------------------

    def parse_all(self) -> Node | None:
        node = self.parse_list(closing="")
        token = self.peek()
        if token.kind != "eof":
            raise self.unexpected(token)
        if self.pending:  # a here-document opened on the last line, without a newline
            self._read_heredocs()
        return node

    def parse_list(
        self, closing: str, stops: frozenset[str] = frozenset(), *, case: bool = False
    ) -> Node | None:
        """A list of and-or lists separated by ``;``, ``&`` or newlines, up to ``closing``
        (``)`` of a group or a substitution) or one of the reserved words in ``stops``."""
        self.nest()
        try:
            items: list[Node] = []
            while True:
                while self.is_op("\n"):
                    self.take()
                token = self.peek()
                if token.kind == "eof":
                    break
                if closing and self.is_op(closing):
                    break
                if self.peek_reserved() in stops or (case and self.is_op(";;", ";&", ";;&")):
                    break
                node = self.and_or()
                if self.is_op("&"):
                    self.take()
                    self.has_background = True
                    from simulator.shell.syntax_compound import Background

                    node = Background(node)
                elif self.is_op(";"):
                    self.take()
                elif self.is_op("\n"):
                    pass
                elif (
                    self.peek().kind == "eof"
                    or (closing and self.is_op(closing))
                    or self.peek_reserved() in stops
                    or (case and self.is_op(";;", ";&", ";;&"))
                ):
                    items.append(node)
                    break
                else:
                    raise self.unexpected()
                items.append(node)
        finally:
            self.unnest()
        if not items:
            return None
        return items[0] if len(items) == 1 else Sequence(tuple(items))

    def body(self, stops: frozenset[str], closing: str = "") -> Node:
        """A compound command's list: bash requires at least one command in it."""
        node = self.parse_list(closing, stops)
        if node is None:
            raise self.unexpected()
        return node

    def and_or(self) -> Node:
        first = self.pipeline()
        rest: list[tuple[str, Node]] = []
        while self.is_op("&&", "||"):
            op = self.take().value
            while self.is_op("\n"):
                self.take()
            rest.append((op, self.pipeline()))
        return first if not rest else AndOr(first, tuple(rest))

    def pipeline(self) -> Node:
        negate = False
        while self.peek_reserved() in ("!", "time"):
            if self.peek_reserved() == "time":
                raise SyntaxNotModelled("the time keyword")
            self.take()
            negate = not negate
        commands = [self.command()]
        while self.is_op("|", "|&"):
            if self.take().value == "|&":
                raise SyntaxNotModelled("the |& pipe")
            while self.is_op("\n"):
                self.take()
            commands.append(self.command())
        if len(commands) == 1 and not negate:
            return commands[0]
        return Pipeline(tuple(commands), negate)

    def command(self) -> Node:
        self.nest()
        try:
            node = self._command()
        finally:
            self.unnest()
        if isinstance(node, Simple):
            return node
        # any other command is a compound one, whose module _command has loaded
        from simulator.shell.syntax_compound import Compound, FunctionDef

        if isinstance(node, FunctionDef):
            return node
        redirects = self.redirects()
        return Compound(node, redirects) if redirects else node

    def _command(self) -> Node:
        token = self.peek()
        reserved = self.peek_reserved()
        if token.kind == "op" and token.fd is None and token.value == "(":
            self.take()
            from simulator.shell.syntax_compound import ArithCommand, Group

            if self.char() == "(" and self.text[self.pos - 1] == "(":
                self.advance()
                return ArithCommand(self._arith_body())
            body = self.body(frozenset(), closing=")")
            self.expect_op(")")
            return Group(body, subshell=True)
        if token.kind == "eof":
            raise Incomplete()
        if token.kind == "op" and token.value not in REDIRECT_OPS:
            raise self.unexpected(token)
        handlers = {
            "if": self.if_clause,
            "for": self.for_clause,
            "while": self.while_clause,
            "until": self.while_clause,
            "case": self.case_clause,
            "{": self.brace_group,
            "[[": self.conditional,
            "function": self.function_keyword,
            "select": self._select,
        }
        if reserved in handlers:
            return handlers[reserved]()
        if reserved in CLOSERS or reserved in ("in", "]]"):
            raise ShellSyntaxError.near(reserved or "")
        return self.simple()

    def _select(self) -> Node:
        raise SyntaxNotModelled("select loops")

    def expect_reserved(self, name: str) -> None:
        while self.is_op("\n"):
            self.take()
        if self.peek_reserved() != name:
            raise self.unexpected()
        self.take()

    def expect_op(self, op: str) -> None:
        if not self.is_op(op):
            raise self.unexpected()
        self.take()

    def brace_group(self) -> Node:
        from simulator.shell.syntax_compound import Group

        self.take()
        body = self.body(frozenset({"}"}))
        self.expect_reserved("}")
        return Group(body, subshell=False)

    def if_clause(self) -> Node:
        from simulator.shell.syntax_compound import If

        self.take()
        branches: list[tuple[Node, Node]] = []
        condition = self.body(frozenset({"then"}))
        self.expect_reserved("then")
        branches.append((condition, self.body(frozenset({"elif", "else", "fi"}))))
        otherwise: Node | None = None
        while True:
            reserved = self.peek_reserved()
            if reserved == "elif":
                self.take()
                condition = self.body(frozenset({"then"}))
                self.expect_reserved("then")
                branches.append((condition, self.body(frozenset({"elif", "else", "fi"}))))
                continue
            if reserved == "else":
                self.take()
                otherwise = self.body(frozenset({"fi"}))
            self.expect_reserved("fi")
            return If(tuple(branches), otherwise)

    def while_clause(self) -> Node:
        from simulator.shell.syntax_compound import While

        until = self.take().value == "until"
        condition = self.body(frozenset({"do"}))
        self.expect_reserved("do")
        body = self.body(frozenset({"done"}))
        self.expect_reserved("done")
        return While(condition, body, until)

    def for_clause(self) -> Node:
        from simulator.shell.syntax_compound import For

        self.take()
        if self.is_op("(") and self.char() == "(":
            raise SyntaxNotModelled("arithmetic for loops")
        token = self.take()
        if token.kind != "word" or token.word is None:
            raise self.unexpected(token)
        name = self.text_of(token.word)  # a bad name is an error when the loop runs
        words: tuple[Word, ...] | None = None
        while self.is_op("\n"):
            self.take()
        if self.peek_reserved() == "in":
            self.take()
            items: list[Word] = []
            while self.peek().kind == "word":
                word = self.take().word
                assert word is not None
                items.append(word)
            words = tuple(items)
            if not self.is_op(";", "\n"):
                raise self.unexpected()
            self.take()
        elif self.is_op(";"):
            self.take()
        self.expect_reserved("do")
        body = self.body(frozenset({"done"}))
        self.expect_reserved("done")
        return For(name, words, body)

    def case_clause(self) -> Node:
        from simulator.shell.syntax_compound import Case, CaseItem

        self.take()
        token = self.take()
        if token.kind != "word" or token.word is None:
            raise self.unexpected(token)
        subject = token.word
        while self.is_op("\n"):
            self.take()
        if self.peek_reserved() != "in":
            raise self.unexpected()
        self.take()
        items: list[CaseItem] = []
        while True:
            self.budget.tick()
            while self.is_op("\n"):
                self.take()
            if self.peek_reserved() == "esac":
                self.take()
                return Case(subject, tuple(items))
            if self.is_op("("):
                self.take()
            patterns: list[Word] = []
            while True:
                token = self.take()
                if token.kind != "word" or token.word is None:
                    raise self.unexpected(token)
                patterns.append(token.word)
                if self.is_op("|"):
                    self.take()
                    continue
                break
            self.expect_op(")")
            body = self.parse_list("", frozenset({"esac"}), case=True)
            terminator = ";;"
            if self.is_op(";;", ";&", ";;&"):
                terminator = self.take().value
            elif self.peek_reserved() != "esac":
                raise self.unexpected()
            items.append(CaseItem(tuple(patterns), body, terminator))

    def function_keyword(self) -> Node:
        self.take()
        token = self.take()
        name = token.word.literal() if token.word else None
        if not name:
            raise self.unexpected(token)
        if self.is_op("("):
            self.take()
            self.expect_op(")")
        return self.function_body(name)

    def function_body(self, name: str) -> Node:
        from simulator.shell.syntax_compound import FUNCTION_BODIES, FunctionDef

        while self.is_op("\n"):
            self.take()
        body = self.command()
        if not isinstance(body, FUNCTION_BODIES):
            raise ShellSyntaxError.near(self.text_of_node(body))
        return FunctionDef(name, body)

    @staticmethod
    def text_of_node(node: Node) -> str:
        if isinstance(node, Simple) and node.words:
            return _Parser.text_of(node.words[0])
        return "newline"

    def conditional(self) -> Node:
        from simulator.shell.syntax_compound import Conditional

        self.take()
        items: list[Word | str] = []
        while True:
            token = self.peek()
            if token.kind == "eof":
                raise Incomplete()
            if token.kind == "word" and token.word is not None and token.word.literal() == "]]":
                self.take()
                break
            if token.kind == "op":
                if token.fd is None and token.value in ("&&", "||", "(", ")", "<", ">"):
                    items.append(self.take().value)
                    continue
                _check_conditional(items, token.show())
                raise ShellSyntaxError.near(token.show())
            assert token.word is not None
            items.append(self.take().word or Word(()))
        _check_conditional(items, "]]")
        return Conditional(tuple(items))

    def redirects(self) -> tuple[Redirect, ...]:
        out: list[Redirect] = []
        while self.peek().kind == "op" and self.peek().value in REDIRECT_OPS:
            out.append(self.redirect())
        return tuple(out)

    def redirect(self) -> Redirect:
        token = self.take()
        target = self.take()
        if target.kind != "word" or target.word is None:
            raise self.unexpected(target)
        if token.value in ("<<", "<<-"):
            delimiter, quoted = _heredoc_delimiter(target.word)
            line = self.text.count("\n", 0, self.pos) + 1
            doc = Heredoc(delimiter, token.value == "<<-", quoted, line=line)
            self.pending.append(doc)
            return Redirect(token.fd, token.value, target.word, doc)
        return Redirect(token.fd, token.value, target.word)

    def simple(self) -> Node:
        assignments: list[tuple[str, Word]] = []
        words: list[Word] = []
        redirects: list[Redirect] = []
        while True:
            token = self.peek()
            if token.kind == "op":
                if token.value in REDIRECT_OPS:
                    redirects.append(self.redirect())
                    continue
                if token.value == "(" and len(words) == 1 and not assignments and not redirects:
                    name = words[0].literal()
                    if name and not name.startswith(("$", "`")) and name not in RESERVED:
                        self.take()
                        self.expect_op(")")
                        return self.function_body(name)
                    raise ShellSyntaxError.near("(")
                if token.value == "(":
                    if assignments and not words and not assignments[-1][1].parts:
                        raise SyntaxNotModelled("arrays")
                    raise ShellSyntaxError.near("(")
                break
            if token.kind != "word" or token.word is None:
                break
            word = token.word
            if not words:
                assignment = _assignment(word)
                if assignment is not None:
                    assignments.append(assignment)
                    self.take()
                    continue
            words.append(word)
            self.take()
        if not words and not assignments and not redirects:
            raise self.unexpected()
        return Simple(tuple(assignments), tuple(words), tuple(redirects))


COND_UNARY = frozenset(
    [
        "-a",
        "-b",
        "-c",
        "-d",
        "-e",
        "-f",
        "-g",
        "-h",
        "-k",
        "-p",
        "-r",
        "-s",
        "-t",
        "-u",
        "-w",
        "-x",
        "-G",
        "-L",
        "-N",
        "-O",
        "-S",
        "-n",
        "-z",
        "-o",
        "-v",
        "-R",
    ]
)
COND_BINARY = frozenset(
    ["==", "=", "!=", "<", ">", "=~", "-eq", "-ne", "-lt", "-le", "-gt", "-ge", "-nt", "-ot", "-ef"]
)


def _check_conditional(items: list[Word | str], end: str) -> None:
    """bash: parse.y cond_expr: the shape of ``[[ ... ]]``, with its messages."""
    shown = [i if isinstance(i, str) else _Parser.text_of(i) for i in items] + [end]
    literal = [i if isinstance(i, str) else i.literal() for i in items] + [None]
    pos = 0

    def fail(message: str) -> ShellSyntaxError:
        error = ShellSyntaxError(f"bash: {message}", shown[pos])
        # bash 5.2 (recorded) leaves $? alone when the error is at the closing ]]
        error.keeps_status = shown[pos] == "]]"
        return error

    def term() -> None:
        nonlocal pos
        if pos >= len(items):
            return  # [[ ]]: bash accepts it
        current = literal[pos]
        if current == "!":
            pos += 1
            term()
            return
        if current == "(" and isinstance(items[pos], str):
            pos += 1
            disjunction()
            if literal[pos] != ")":
                raise fail(f"unexpected token `{shown[pos]}', expected `)'")
            pos += 1
            return
        if current in COND_UNARY and pos + 1 < len(items):
            if isinstance(items[pos + 1], str):
                pos += 1
                raise fail(f"unexpected argument `{shown[pos]}' to conditional unary operator")
            pos += 2
            return
        if current in COND_UNARY:
            pos += 1
            raise fail(f"unexpected argument `{shown[pos]}' to conditional unary operator")
        pos += 1
        following = literal[pos]
        if following in COND_BINARY:
            pos += 1
            if pos >= len(items) or (isinstance(items[pos], str) and items[pos] not in ("<", ">")):
                raise fail(f"unexpected argument `{shown[pos]}' to conditional binary operator")
            pos += 1
            return
        if pos < len(items) and literal[pos] not in ("&&", "||", ")"):
            raise fail(f"unexpected token `{shown[pos]}', conditional binary operator expected")
        if pos >= len(items) and end != "]]":
            raise fail(f"unexpected token `{end}', conditional binary operator expected")

    def conjunction() -> None:
        nonlocal pos
        term()
        while literal[pos] == "&&" and isinstance(items[pos], str):
            pos += 1
            term()

    def disjunction() -> None:
        nonlocal pos
        conjunction()
        while literal[pos] == "||" and isinstance(items[pos], str):
            pos += 1
            conjunction()

    disjunction()
    if pos < len(items):
        raise fail(f"syntax error near `{shown[pos]}'")


def _heredoc_delimiter(word: Word) -> tuple[str, bool]:
    quoted = any(isinstance(p, Lit) and p.quoted for p in word.parts)
    text = "".join(p.text if isinstance(p, Lit) else _source_of(p) for p in word.parts)
    return text, quoted


def _source_of(part: Part) -> str:
    if isinstance(part, Param):
        return "$" + part.name if not part.op else "${" + part.name + "}"
    if isinstance(part, Tilde):
        return "~" + part.user
    return "$(...)"


def _assignment(word: Word) -> tuple[str, Word] | None:
    head = word.parts[0] if word.parts else None
    if not isinstance(head, Lit) or head.quoted or "=" not in head.text:
        return None
    name, _, value = head.text.partition("=")
    if name.endswith("+"):
        raise SyntaxNotModelled("the += assignment")
    if "[" in name:
        raise SyntaxNotModelled("arrays")
    if not (name.isidentifier() and name.isascii()):
        return None
    rest: tuple[Part, ...] = ((Lit(value, False),) if value else ()) + word.parts[1:]
    return name, Word(rest)


@attrs.frozen(repr=False)
class Parsed:
    node: Node | None
    warnings: tuple[str, ...]
    has_background: bool
    steps: int
    heredoc_open: bool = False


def step_bound(text: str) -> int:
    """The most steps parsing ``text`` may take: linear in its length."""
    return STEPS_PER_CHAR * (len(text) + 2) + 100


# The trees of the last lines parsed, by their text: a line checked when a scenario loads,
# or by the REPL for a continuation, and then run, or a line typed again, is parsed once.
# A tree is a value (frozen nodes; a here-document's body is filled in while parsing and
# never after), and parsing depends on nothing but the text, so a kept tree is the tree.
PARSED_LINES = 256
PARSED_LINE_CHARS = 4096  # longer texts are parsed every time, not kept
_PARSED: dict[str, Parsed] = {}


def parse(text: str) -> Parsed:
    """A command line as bash reads it: lines ending in a newline (one is added)."""
    kept = _PARSED.get(text)
    if kept is not None:
        return kept
    parsed = _parse(text)
    if len(text) <= PARSED_LINE_CHARS:
        if len(_PARSED) >= PARSED_LINES:
            del _PARSED[next(iter(_PARSED))]  # the oldest
        _PARSED[text] = parsed
    return parsed


# One plain word: no quoting, expansion, operator, comment or tilde can be in it.
_PLAIN_WORD = r"[A-Za-z0-9%+,\-./:=?@\[\]^_{}*]+"
_PLAIN_LINE = re.compile(rf"[ \t]*{_PLAIN_WORD}(?:[ \t]+{_PLAIN_WORD})*[ \t]*")


def _plain_line(text: str) -> Parsed | None:
    """What the parser makes of a line of plain words (``virsh start vm``, ``ls -Z /x``),
    without running it: one simple command of one literal per word, and the steps the
    parser counts for it (5, two per word and two per blank). None for any other line:
    a reserved word or an assignment first, or a character the grammar gives a meaning."""
    if _PLAIN_LINE.fullmatch(text) is None:
        return None
    words = text.split()
    if words[0] in RESERVED or "=" in words[0]:
        return None
    blanks = len(text) - sum(len(word) for word in words)
    node = Simple((), tuple(Word((Lit(word, False),)) for word in words), ())
    return Parsed(node, (), False, 5 + 2 * len(words) + 2 * blanks)


def _parse(text: str) -> Parsed:
    plain = _plain_line(text)
    if plain is not None:
        return plain
    return _parse_grammar(text)


def _parse_grammar(text: str) -> Parsed:
    # bash: parse.y shell_getc ignores NUL bytes in its input (a line cannot carry one)
    text = text.replace("\0", "")
    line = text if text.endswith("\n") else text + "\n"
    budget = Budget(step_bound(line))
    parser = _Parser(line, budget)
    node = parser.parse_all()
    return Parsed(
        node, tuple(parser.warnings), parser.has_background, budget.steps, parser.heredoc_open
    )


def parse_script(text: str) -> Node | None:
    """The tree of a command line (None for an empty or comment-only line, or for one with
    what the lab does not model: the shell says so when the line runs)."""
    try:
        return parse(text).node
    except SyntaxNotModelled:
        return None
