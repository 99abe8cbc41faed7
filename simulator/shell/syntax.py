"""The mini-shell's syntax: a hand-written tokenizer and recursive-descent parser for the
sh subset of scenarios.md 3. No ``eval``, no real shell."""

from __future__ import annotations

import attrs

from simulator.errors import SeclabError


class ShellSyntaxError(SeclabError):
    """``bash: syntax error near unexpected token 'X'``."""

    def __init__(self, token: str) -> None:
        super().__init__(f"bash: syntax error near unexpected token '{token}'")
        self.token = token


# -- words ------------------------------------------------------------------------------------


@attrs.frozen
class Lit:
    text: str
    quoted: bool


@attrs.frozen
class Var:
    name: str
    quoted: bool


@attrs.frozen
class CmdSub:
    source: str
    quoted: bool


Part = Lit | Var | CmdSub


@attrs.frozen
class Word:
    parts: tuple[Part, ...]

    def literal(self) -> str | None:
        """The text if the word is one unquoted literal (for reserved words and names)."""
        if len(self.parts) == 1 and isinstance(self.parts[0], Lit) and not self.parts[0].quoted:
            return self.parts[0].text
        return None


@attrs.frozen
class Token:
    kind: str  # "word" | "op"
    value: str
    word: Word | None = None


OPERATORS = ("&&", "||", ";;", "2>&1", "2>>", "2>", "&>", ">>", ">", "<", "|", ";", "\n", "(", ")")
SPECIAL_VARS = "?$#@*0123456789"


class _Lexer:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    def peek(self, n: int = 0) -> str:
        i = self.pos + n
        return self.text[i] if i < len(self.text) else ""

    def tokens(self) -> list[Token]:
        out: list[Token] = []
        while self.pos < len(self.text):
            char = self.peek()
            if char in " \t":
                self.pos += 1
                continue
            if char == "#" and (not out or out[-1].kind == "op" or self._at_word_start()):
                while self.peek() not in ("", "\n"):
                    self.pos += 1
                continue
            if char == "\\" and self.peek(1) == "\n":
                self.pos += 2
                continue
            op = next((o for o in OPERATORS if self.text.startswith(o, self.pos)), None)
            if op in ("2>&1", "2>", "2>>") and not self._at_word_start():
                op = None  # only a redirection when the 2 starts a word
            if op is not None:
                self.pos += len(op)
                out.append(Token("op", op))
                continue
            start = self.pos
            word = self.word()
            if self.pos == start:  # a character no rule consumes (a lone "&"): never loop on it
                self.pos += 1
                out.append(Token("op", char))
                continue
            out.append(Token("word", "", word))
        return out

    def _at_word_start(self) -> bool:
        return self.pos == 0 or self.text[self.pos - 1] in " \t\n;|&()"

    def word(self) -> Word:
        parts: list[Part] = []
        buf: list[str] = []

        def flush(quoted: bool = False) -> None:
            if buf:
                parts.append(Lit("".join(buf), quoted))
                buf.clear()

        while self.pos < len(self.text):
            char = self.peek()
            if char in " \t\n;|&<>()":
                if char in "<>" and not buf and not parts:
                    break
                break
            if char == "\\":
                flush()
                nxt = self.peek(1)
                self.pos += 2
                parts.append(Lit(nxt, True))
                continue
            if char == "'":
                flush()
                end = self.text.find("'", self.pos + 1)
                if end < 0:
                    raise ShellSyntaxError("'")
                parts.append(Lit(self.text[self.pos + 1 : end], True))
                self.pos = end + 1
                continue
            if char == '"':
                flush()
                self.pos += 1
                parts.extend(self.double_quoted())
                continue
            if char == "$":
                flush()
                parts.append(self.dollar(quoted=False))
                continue
            buf.append(char)
            self.pos += 1
        flush()
        return Word(tuple(parts))

    def double_quoted(self) -> list[Part]:
        parts: list[Part] = []
        buf: list[str] = []
        while True:
            char = self.peek()
            if char == "":
                raise ShellSyntaxError('"')
            if char == '"':
                self.pos += 1
                break
            if char == "\\" and self.peek(1) in '$`"\\\n':
                buf.append(self.peek(1))
                self.pos += 2
                continue
            if char == "$":
                if buf:
                    parts.append(Lit("".join(buf), True))
                    buf = []
                parts.append(self.dollar(quoted=True))
                continue
            buf.append(char)
            self.pos += 1
        parts.append(Lit("".join(buf), True))  # keeps "" as an empty field
        return parts

    def dollar(self, *, quoted: bool) -> Part:
        self.pos += 1
        char = self.peek()
        if char == "(":
            start = self.pos + 1
            depth, i = 1, start
            quote = ""
            while i < len(self.text) and depth:
                c = self.text[i]
                if quote:
                    if c == quote:
                        quote = ""
                elif c in "'\"":
                    quote = c
                elif c == "(":
                    depth += 1
                elif c == ")":
                    depth -= 1
                i += 1
            if depth:
                raise ShellSyntaxError("(")
            self.pos = i
            return CmdSub(self.text[start : i - 1], quoted)
        if char == "{":
            end = self.text.find("}", self.pos)
            if end < 0:
                raise ShellSyntaxError("{")
            name = self.text[self.pos + 1 : end]
            self.pos = end + 1
            return Var(name, quoted)
        if char and char in SPECIAL_VARS:
            self.pos += 1
            return Var(char, quoted)
        start = self.pos
        while self.peek().isalnum() or self.peek() == "_":
            self.pos += 1
        if start == self.pos:
            return Lit("$", quoted)
        return Var(self.text[start : self.pos], quoted)


def tokenize(text: str) -> list[Token]:
    return _Lexer(text).tokens()


# -- the tree ---------------------------------------------------------------------------------


@attrs.frozen
class Redirect:
    op: str  # ">", ">>", "<", "2>", "2>>", "&>", "2>&1"
    target: Word | None


@attrs.frozen
class Simple:
    assignments: tuple[tuple[str, Word], ...]
    words: tuple[Word, ...]
    redirects: tuple[Redirect, ...]


@attrs.frozen
class Pipeline:
    commands: tuple[Node, ...]
    negate: bool = False


@attrs.frozen
class AndOr:
    first: Node
    rest: tuple[tuple[str, Node], ...]


@attrs.frozen
class Sequence:
    items: tuple[Node, ...]


@attrs.frozen
class For:
    name: str
    words: tuple[Word, ...]
    body: Node


@attrs.frozen
class If:
    branches: tuple[tuple[Node, Node], ...]
    otherwise: Node | None


Node = Simple | Pipeline | AndOr | Sequence | For | If

RESERVED_END = ("do", "done", "then", "else", "elif", "fi", "in")


class _Parser:
    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.i = 0

    def peek(self) -> Token | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def peek_reserved(self) -> str | None:
        token = self.peek()
        if token is None or token.kind != "word" or token.word is None:
            return None
        return token.word.literal()

    def next(self) -> Token:
        token = self.peek()
        if token is None:
            raise ShellSyntaxError("newline")
        self.i += 1
        return token

    def expect_reserved(self, name: str) -> None:
        self.skip_newlines()
        if self.peek_reserved() != name:
            token = self.peek()
            raise ShellSyntaxError(
                "newline"
                if token is None
                else (token.value or (token.word.literal() if token.word else "") or "newline")
            )
        self.i += 1

    def skip_newlines(self) -> None:
        while (token := self.peek()) is not None and token.kind == "op" and token.value in "\n;":
            self.i += 1

    def parse_list(self, stop: tuple[str, ...] = ()) -> Node:
        items: list[Node] = []
        while True:
            self.skip_newlines()
            token = self.peek()
            if token is None or self.peek_reserved() in stop:
                break
            if token.kind == "op" and token.value not in ("(",):
                raise ShellSyntaxError(token.value)
            items.append(self.and_or())
            token = self.peek()
            if token is not None and token.kind == "op" and token.value in (";", "\n"):
                self.i += 1
                continue
            if token is not None and self.peek_reserved() not in stop:
                raise ShellSyntaxError(token.value or "newline")
            if token is not None and token.kind == "op":
                raise ShellSyntaxError(token.value)
        return items[0] if len(items) == 1 else Sequence(tuple(items))

    def and_or(self) -> Node:
        first = self.pipeline()
        rest: list[tuple[str, Node]] = []
        while (
            (token := self.peek()) is not None
            and token.kind == "op"
            and token.value
            in (
                "&&",
                "||",
            )
        ):
            self.i += 1
            while (t := self.peek()) is not None and t.kind == "op" and t.value == "\n":
                self.i += 1
            rest.append((token.value, self.pipeline()))
        return first if not rest else AndOr(first, tuple(rest))

    def pipeline(self) -> Node:
        negate = False
        if self.peek_reserved() == "!":
            negate = True
            self.i += 1
        commands = [self.command()]
        while (token := self.peek()) is not None and token.kind == "op" and token.value == "|":
            self.i += 1
            while (t := self.peek()) is not None and t.kind == "op" and t.value == "\n":
                self.i += 1
            commands.append(self.command())
        if len(commands) == 1 and not negate:
            return commands[0]
        return Pipeline(tuple(commands), negate)

    def command(self) -> Node:
        reserved = self.peek_reserved()
        if reserved == "for":
            return self.for_clause()
        if reserved == "if":
            return self.if_clause()
        if reserved in RESERVED_END:
            raise ShellSyntaxError(reserved or "")
        return self.simple()

    def for_clause(self) -> Node:
        self.i += 1
        token = self.next()
        name = token.word.literal() if token.word else None
        if not name or not name.isidentifier():
            raise ShellSyntaxError(token.value or (name or "newline"))
        words: list[Word] = []
        if self.peek_reserved() == "in":
            self.i += 1
            while (item := self.peek()) is not None and item.kind == "word":
                assert item.word is not None
                words.append(item.word)
                self.i += 1
        self.expect_reserved("do")
        body = self.parse_list(("done",))
        self.expect_reserved("done")
        return For(name, tuple(words), body)

    def if_clause(self) -> Node:
        self.i += 1
        branches: list[tuple[Node, Node]] = []
        condition = self.parse_list(("then",))
        self.expect_reserved("then")
        body = self.parse_list(("elif", "else", "fi"))
        branches.append((condition, body))
        otherwise: Node | None = None
        while True:
            self.skip_newlines()
            reserved = self.peek_reserved()
            if reserved == "elif":
                self.i += 1
                condition = self.parse_list(("then",))
                self.expect_reserved("then")
                branches.append((condition, self.parse_list(("elif", "else", "fi"))))
                continue
            if reserved == "else":
                self.i += 1
                otherwise = self.parse_list(("fi",))
            self.expect_reserved("fi")
            return If(tuple(branches), otherwise)

    def simple(self) -> Node:
        assignments: list[tuple[str, Word]] = []
        words: list[Word] = []
        redirects: list[Redirect] = []
        while (token := self.peek()) is not None:
            if token.kind == "op":
                if token.value == "2>&1":
                    redirects.append(Redirect("2>&1", None))
                    self.i += 1
                    continue
                if token.value in (">", ">>", "<", "2>", "2>>", "&>"):
                    self.i += 1
                    target = self.peek()
                    if target is None or target.kind != "word":
                        raise ShellSyntaxError("newline" if target is None else target.value)
                    self.i += 1
                    redirects.append(Redirect(token.value, target.word))
                    continue
                break
            assert token.word is not None
            if not words and not redirects:
                head = token.word.parts[0] if token.word.parts else None
                if isinstance(head, Lit) and not head.quoted and "=" in head.text:
                    name, _, value = head.text.partition("=")
                    if name.isidentifier():
                        rest = (
                            (Lit(value, False), *token.word.parts[1:])
                            if value
                            else (token.word.parts[1:])
                        )
                        assignments.append((name, Word(tuple(rest))))
                        self.i += 1
                        continue
            if words == [] and token.word.literal() in RESERVED_END and not assignments:
                break
            words.append(token.word)
            self.i += 1
        if not words and not assignments and not redirects:
            token = self.peek()
            raise ShellSyntaxError("newline" if token is None else token.value)
        return Simple(tuple(assignments), tuple(words), tuple(redirects))


def parse_script(text: str) -> Node | None:
    """The tree of a command line (None for an empty or comment-only line)."""
    tokens = tokenize(text)
    if all(t.kind == "op" and t.value in ("\n", ";") for t in tokens):
        if tokens and tokens[0].value == ";":
            raise ShellSyntaxError(";")
        return None
    parser = _Parser(tokens)
    node = parser.parse_list()
    if parser.peek() is not None:
        token = parser.next()
        raise ShellSyntaxError(token.value or (token.word.literal() if token.word else "") or "")
    return node
