"""The shell's interpreter: bash 5.1's expansions, lists, pipelines, redirections, compound
commands and functions, run on the lab host.

Commands run inside the shell's own process (host.md: typed commands consume no pid).
Pipelines pass bytes from one command to the next; standard error is kept in write order.
Every command line runs in a bounded number of steps: a line that would run longer (an
endless loop) is refused as not modelled, with what it printed so far.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

import attrs

from simulator.errors import NotModelled, SeclabError
from simulator.kernel import errno_table as errno
from simulator.kernel.kernel import Kernel
from simulator.kernel.process import Process
from simulator.reprs import attrs_repr
from simulator.shell import patterns
from simulator.shell.arith import ArithError, Evaluator
from simulator.shell.commands import BUILTINS
from simulator.shell.registry import COMMANDS, STDERR, STDOUT, CommandContext, Input, Machine
from simulator.shell.syntax import (
    AndOr,
    Arith,
    CmdSub,
    Lit,
    Param,
    Part,
    Pipeline,
    Redirect,
    Sequence,
    ShellSyntaxError,
    Simple,
    Tilde,
    Word,
    parse,
)
from simulator.system import accounts, auditd

if TYPE_CHECKING:
    from simulator.shell.syntax import Node
    from simulator.shell.syntax_compound import Case, Conditional, For, While

NOT_MODELLED_STATUS = 3  # spec README, fidelity rule 4
INTERNAL_ERROR_STATUS = 70
MAX_STEPS = 200_000  # interpreter steps in one command line
MAX_CALL_DEPTH = 40  # functions, substitutions, subshells and eval inside one another
MAX_FIELDS = 100_000  # words a brace or glob expansion may make
DEFAULT_IFS = " \t\n"

Chunks = list[tuple[int, bytes]]
_Body = Callable[[Input, Chunks], int]  # what runs inside redirections


@attrs.frozen(eq=False, repr=False)
class Result:
    """What a command line printed (stdout and stderr in write order) and its status."""

    __repr__ = attrs_repr  # the text attrs would print, without compiling it at import

    chunks: tuple[tuple[int, bytes], ...]
    status: int

    @property
    def output(self) -> str:
        return b"".join(data for _, data in self.chunks).decode(errors="replace")

    @property
    def stdout(self) -> str:
        return b"".join(d for s, d in self.chunks if s == STDOUT).decode(errors="replace")

    @property
    def stderr(self) -> str:
        return b"".join(d for s, d in self.chunks if s == STDERR).decode(errors="replace")


class ExitShell(Exception):
    """``exit``: ends the shell (or the subshell / substitution it runs in)."""

    def __init__(self, status: int) -> None:
        super().__init__(status)
        self.status = status


class ReturnFromFunction(Exception):
    def __init__(self, status: int) -> None:
        super().__init__(status)
        self.status = status


class LoopControl(Exception):
    """``break N`` / ``continue N``."""

    def __init__(self, kind: str, levels: int) -> None:
        super().__init__(kind, levels)
        self.kind = kind
        self.levels = levels


class AbortLine(Exception):
    """An expansion error: an interactive bash discards the rest of the command line."""

    def __init__(self, status: int = 1) -> None:
        super().__init__(status)
        self.status = status


class StepLimit(NotModelled):
    pass


@attrs.define(repr=False, eq=False)
class _Frame:
    """A function call: its positional parameters and the variables ``local`` saved."""

    args: list[str]
    name: str = ""
    saved: dict[str, str | None] = attrs.field(factory=dict)


@attrs.define(repr=False, eq=False)
class _State:
    """What a subshell copies and throws away."""

    vars: dict[str, str]
    exported: set[str]
    functions: dict[str, Node]
    args: list[str]
    cwd: str
    status: int


class Shell:
    """A root login shell (``-bash``, pid 2000) on a lab host."""

    name = "-bash"  # an interactive login shell's $0: its errors start "-bash: "

    def __init__(self, host: Kernel, proc: Process, machine: Machine | None = None) -> None:
        self.host = host
        self.proc = proc
        self.machine = machine
        self.vars: dict[str, str] = {
            "HOME": "/root",
            "USER": "root",
            "LOGNAME": "root",
            "SHELL": "/bin/bash",
            "HOSTNAME": "ol9-host" if machine is None else machine.profile.hostname,
            "PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/root/bin",
            "PWD": proc.cwd,
        }
        self.exported = {"HOME", "USER", "LOGNAME", "SHELL", "HOSTNAME", "PATH", "PWD"}
        self.functions: dict[str, Node] = {}
        self.args: list[str] = []
        self.frames: list[_Frame] = []
        self.status = 0
        self.depth = 0
        self.subshells = 0  # inside ( ), $( ) or a pipeline: not the interactive shell
        self.loops = 0
        self.steps = 0
        self.exited = False  # the session ended (``exit`` at the top level)
        self.interactive = True  # a terminal session: ``exit`` says ``logout``
        self.stdin: Input = Input(b"")
        self.substitution_status: int | None = None
        self.hashed: set[str] = set()  # commands found on PATH (bash: hash table)

    # -- entry point ------------------------------------------------------------------------------

    def run(self, line: str) -> Result:
        """Run one command line; the virtual clock then moves on by one second."""
        chunks: Chunks = []
        self.steps = 0
        try:
            parsed = parse(line)
        except ShellSyntaxError as error:
            self._say(chunks, str(error))
            if not error.keeps_status:
                self.status = error.status
        else:
            for warning in parsed.warnings:
                self._say(chunks, warning)
            if parsed.has_background:
                chunks.append((STDERR, b"seclab: not modelled: background jobs (&)\n"))
                self.status = NOT_MODELLED_STATUS
            elif parsed.node is not None:
                self.status = self._top(parsed.node, chunks)
        self.host.clock.advance(1)
        return Result(tuple(chunks), self.status)

    def _top(self, node: Node, chunks: Chunks) -> int:
        try:
            return self.execute(node, Input(b""), chunks)
        except ExitShell as stop:
            self.exited = True
            return stop.status
        except AbortLine as abort:
            return abort.status
        except (ReturnFromFunction, LoopControl) as stray:  # cannot happen: builtins check
            raise AssertionError(stray) from None
        except NotModelled as error:
            chunks.append((STDERR, f"seclab: not modelled: {error}\n".encode()))
            return NOT_MODELLED_STATUS

    def _say(self, chunks: Chunks, message: str) -> None:
        """A shell message: bash's ``bash:`` lines name the login shell ``-bash:``."""
        for text in message.splitlines():
            shown = "-" + text if text.startswith("bash: ") else text
            chunks.append((STDERR, (shown + "\n").encode()))

    def error(self, chunks: Chunks, message: str) -> None:
        chunks.append((STDERR, f"{self.name}: {message}\n".encode()))

    def tick(self) -> None:
        self.steps += 1
        if self.steps > MAX_STEPS:
            raise StepLimit(f"a command line running more than {MAX_STEPS} shell steps")

    # -- execution --------------------------------------------------------------------------------

    def execute(self, node: Node, stdin: Input, sink: Chunks) -> int:
        self.tick()
        status = self._dispatch(node, stdin, sink)
        self.status = status
        return status

    def _dispatch(self, node: Node, stdin: Input, sink: Chunks) -> int:
        if isinstance(node, Simple):
            return self._simple(node, stdin, sink)
        if isinstance(node, Pipeline):
            return self._pipeline(node, stdin, sink)
        if isinstance(node, AndOr):
            status = self.execute(node.first, stdin, sink)
            for op, item in node.rest:
                if (op == "&&") == (status == 0):
                    status = self.execute(item, stdin, sink)
            return status
        if isinstance(node, Sequence):
            status = 0
            for item in node.items:
                status = self.execute(item, stdin, sink)
            return status
        return self._compound(node, stdin, sink)

    def _compound(self, node: Node, stdin: Input, sink: Chunks) -> int:
        # any other node is a compound command, whose module the parser has loaded (one
        # name to look up per node, not ten)
        import simulator.shell.syntax_compound as c

        if isinstance(node, c.Compound):
            return self._with_redirects(
                node.redirects, stdin, sink, lambda i, s: self.execute(node.node, i, s)
            )
        if isinstance(node, c.Group):
            return (
                self._subshell(node.body, stdin, sink)
                if node.subshell
                else (self.execute(node.body, stdin, sink))
            )
        if isinstance(node, c.If):
            for condition, body in node.branches:
                if self.execute(condition, stdin, sink) == 0:
                    return self.execute(body, stdin, sink)
            return self.execute(node.otherwise, stdin, sink) if node.otherwise else 0
        if isinstance(node, c.While):
            return self._while(node, stdin, sink)
        if isinstance(node, c.For):
            return self._for(node, stdin, sink)
        if isinstance(node, c.Case):
            return self._case(node, stdin, sink)
        if isinstance(node, c.FunctionDef):
            self.functions[node.name] = node.body
            return 0
        if isinstance(node, c.ArithCommand):
            try:
                value = self.arithmetic(node.expr, sink, "((: ")
            except AbortLine:
                return 1
            return int(value == 0)
        if isinstance(node, c.Conditional):
            return self._conditional(node, sink)
        if isinstance(node, c.Background):  # run() refuses lines with & before anything runs
            raise NotModelled("background jobs (&)")
        raise AssertionError(node)

    def _loop(self, kind: str, error: LoopControl) -> bool:
        """True when the loop ends (``break``), False to go on (``continue``)."""
        if error.levels > 1:
            error.levels -= 1
            raise error
        return kind == "break"

    def _while(self, node: While, stdin: Input, sink: Chunks) -> int:
        status = 0
        self.loops += 1
        try:
            while True:
                self.tick()
                if (self.execute(node.condition, stdin, sink) == 0) == node.until:
                    break
                try:
                    status = self.execute(node.body, stdin, sink)
                except LoopControl as control:
                    status = 0
                    if self._loop(control.kind, control):
                        break
        finally:
            self.loops -= 1
        return status

    def _for(self, node: For, stdin: Input, sink: Chunks) -> int:
        if not (node.name.isidentifier() and node.name.isascii()):
            self.error(sink, f"`{node.name}': not a valid identifier")
            return 1
        values = (
            list(self.args)
            if node.words is None
            else [v for word in node.words for v in self.expand(word, sink)]
        )
        status = 0
        self.loops += 1
        try:
            for value in values:
                self.tick()
                self.set_var(node.name, value)
                try:
                    status = self.execute(node.body, stdin, sink)
                except LoopControl as control:
                    status = 0
                    if self._loop(control.kind, control):
                        break
        finally:
            self.loops -= 1
        return status

    def _case(self, node: Case, stdin: Input, sink: Chunks) -> int:
        subject = self.expand_single(node.word, sink)
        status = 0
        falling = False
        for item in node.items:
            self.tick()
            if not falling and not any(
                patterns.match(self.pattern(p, sink), subject) for p in item.patterns
            ):
                continue
            status = self.execute(item.body, stdin, sink) if item.body is not None else 0
            if item.terminator == ";;":
                return status
            falling = item.terminator == ";&"
        return status

    def _pipeline(self, node: Pipeline, stdin: Input, sink: Chunks) -> int:
        data = stdin
        status = 0
        for index, command in enumerate(node.commands):
            last = index == len(node.commands) - 1
            local: Chunks = []
            if len(node.commands) > 1:  # each part of a pipeline runs in a subshell
                status = self._subshell(command, data, local)
            else:
                status = self.execute(command, data, local)
            if last:
                sink.extend(local)
            else:
                data = Input(b"".join(d for s, d in local if s == STDOUT))
                sink.extend((s, d) for s, d in local if s == STDERR)
        if node.negate:
            status = int(status == 0)
        return status

    # -- subshells and functions ------------------------------------------------------------------

    def _save(self) -> _State:
        return _State(
            dict(self.vars),
            set(self.exported),
            dict(self.functions),
            list(self.args),
            self.proc.cwd,
            self.status,
        )

    def _restore(self, state: _State) -> None:
        self.vars, self.exported, self.functions = state.vars, state.exported, state.functions
        self.args = state.args
        self.proc.cwd = state.cwd

    def _enter(self) -> None:
        self.depth += 1
        if self.depth > MAX_CALL_DEPTH:
            self.depth -= 1
            raise NotModelled(
                f"functions, subshells and substitutions nested more than {MAX_CALL_DEPTH} deep"
            )

    def _subshell(self, node: Node, stdin: Input, sink: Chunks) -> int:
        """``( ... )``, a pipeline's parts: ``cd``, variables and ``exit`` stay inside."""
        state = self._save()
        frames, loops = self.frames, self.loops
        self._enter()
        self.subshells += 1
        try:
            return self.execute(node, stdin, sink)
        except ExitShell as stop:
            return stop.status
        except ReturnFromFunction as ret:
            if not frames:
                raise
            return ret.status
        except LoopControl:
            return 0
        finally:
            self.depth -= 1
            self.subshells -= 1
            self.frames, self.loops = frames, loops
            self._restore(state)

    def call_function(self, body: Node, argv: list[str], stdin: Input, sink: Chunks) -> int:
        self._enter()
        frame = _Frame(self.args, argv[0])
        self.frames.append(frame)
        self.args = argv[1:]
        loops, self.loops = self.loops, 0
        try:
            return self.execute(body, stdin, sink)
        except ReturnFromFunction as ret:
            return ret.status
        finally:
            self.loops = loops
            self.frames.pop()
            self.args = frame.args
            for name, value in frame.saved.items():
                if value is None:
                    self.vars.pop(name, None)
                else:
                    self.vars[name] = value
            self.depth -= 1

    def make_local(self, name: str, value: str | None) -> None:
        frame = self.frames[-1]
        if name not in frame.saved:
            frame.saved[name] = self.vars.get(name)
        if value is not None:
            self.vars[name] = value
        elif name in self.vars and frame.saved[name] is not None:
            self.vars.pop(name)

    def run_nested(self, text: str, stdin: Input, sink: Chunks) -> int:
        """``eval`` and ``source``: a script run in this shell."""
        try:
            parsed = parse(text)
        except ShellSyntaxError as error:
            self._say(sink, str(error))
            return error.status
        if parsed.has_background:
            raise NotModelled("background jobs (&)")
        if parsed.node is None:
            return 0
        self._enter()
        try:
            return self.execute(parsed.node, stdin, sink)
        finally:
            self.depth -= 1

    # -- simple commands --------------------------------------------------------------------------

    def _simple(self, node: Simple, stdin: Input, sink: Chunks) -> int:
        self.substitution_status = None
        argv: list[str] = []
        for word in node.words:
            argv.extend(self.expand(word, sink))
        if not argv:
            for name, word in node.assignments:
                self.set_var(name, self.expand_single(word, sink))
            # x=$(false), $(false): the last substitution's status, else 0
            status = self._substitution_status()
            if node.redirects:
                return self._with_redirects(node.redirects, stdin, sink, lambda _i, _s: status)
            return status
        values = [(name, self.expand_single(word, sink)) for name, word in node.assignments]
        saved = {name: self.vars.get(name) for name, _ in values}
        for name, value in values:  # NAME=value command: for this command only
            self.set_var(name, value)
        try:
            return self._with_redirects(
                node.redirects, stdin, sink, lambda i, s: self.run_command(argv, i, s)
            )
        finally:
            for name, old in saved.items():
                if old is None:
                    self.vars.pop(name, None)
                else:
                    self.vars[name] = old

    def _substitution_status(self) -> int:
        return self.substitution_status or 0

    def run_command(self, argv: list[str], stdin: Input | bytes, sink: Chunks) -> int:
        if isinstance(stdin, bytes):
            stdin = Input(stdin)
        name = argv[0]
        function = self.functions.get(name)
        if function is not None:
            return self.call_function(function, argv, stdin, sink)
        handler = COMMANDS.get(name)
        if handler is None:
            return self._not_found(name, sink)
        if name not in BUILTINS:
            self.hashed.add(name)
        auditd.flush(self.host)  # the daemon has written what the kernel sent it so far
        context = CommandContext(argv, stdin, self.host, self.proc, self, sink)
        saved_stdin, self.stdin = self.stdin, stdin
        try:
            if self.machine is not None and name in self.machine.profile.unmodelled_commands:
                # What this target's version prints is not modelled: refused, never guessed.
                raise NotModelled(f"{name} on {self.machine.profile.name}")
            return handler(context)
        except (ExitShell, ReturnFromFunction, LoopControl, AbortLine, StepLimit):
            raise
        except NotModelled as error:  # spec README, fidelity rule 4: say so, never guess
            sink.append((STDERR, f"seclab: not modelled: {error}\n".encode()))
            return NOT_MODELLED_STATUS
        except OSError as error:  # a system call the command did not expect to fail
            sink.append((STDERR, f"{name}: {error.strerror}\n".encode()))
            return 1
        except SeclabError as error:
            sink.append((STDERR, f"{name}: {error}\n".encode()))
            return 1
        except Exception as error:  # a bug in the lab: one line, never a traceback
            sink.append((STDERR, f"seclab: internal error in {name}: {error!r}\n".encode()))
            return INTERNAL_ERROR_STATUS
        finally:
            self.stdin = saved_stdin

    def _not_found(self, name: str, sink: Chunks) -> int:
        if "/" not in name:
            self.error(sink, f"{name}: command not found")
            return 127
        try:
            st = self.host.stat(self.proc, name)
        except OSError as error:
            self.error(sink, f"{name}: {error.strerror}")
            return 127
        if st.kind.value == "directory":
            self.error(sink, f"{name}: Is a directory")
            return 126
        raise NotModelled(f"running programs from files ({name})")

    # -- redirections -----------------------------------------------------------------------------

    def _with_redirects(
        self,
        redirects: tuple[Redirect, ...],
        stdin: Input,
        sink: Chunks,
        body: _Body,
    ) -> int:
        if not redirects:
            return body(stdin, sink)
        table: dict[int, tuple[str, str]] = {1: ("out", ""), 2: ("err", "")}
        for redirect in redirects:
            outcome = self._redirect(redirect, table, sink)
            if isinstance(outcome, int):
                return outcome
            if outcome is not None:
                stdin = outcome
        local: Chunks = []
        status = body(stdin, local)
        for stream, data in local:
            kind, path = table.get(stream, ("out", ""))
            if kind == "out":
                sink.append((STDOUT, data))
            elif kind == "err":
                sink.append((STDERR, data))
            elif kind == "file":
                try:
                    self.host.write_file(self.proc, path, data, append=True)
                except OSError as error:
                    self.error(sink, f"{path}: {error.strerror}")
        return status

    def _redirect(
        self, redirect: Redirect, table: dict[int, tuple[str, str]], sink: Chunks
    ) -> Input | int | None:
        """Applies one redirection to the table; a new stdin, a failure status, or None."""
        op = redirect.op
        fd = redirect.fd if redirect.fd is not None else (0 if op[0] == "<" else 1)
        if fd > 2:
            raise NotModelled("file descriptors other than 0, 1 and 2")
        if op in ("<<", "<<-"):
            assert redirect.heredoc is not None and redirect.heredoc.body is not None
            return self._stdin_for(fd, self.expand_single(redirect.heredoc.body, sink))
        if op == "<<<":
            return self._stdin_for(fd, self.expand_single(redirect.target, sink) + "\n")
        fields = self.expand(redirect.target, sink)
        if len(fields) != 1:
            self.error(sink, f"{_source(redirect.target)}: ambiguous redirect")
            return 1
        target = fields[0]
        if op in (">&", "<&"):
            if target == "-":
                raise NotModelled("closing file descriptors (>&-)")
            if target.isdigit():
                number = int(target)
                if op == "<&" or fd == 0:
                    if number != 0:
                        raise NotModelled("duplicating standard input")
                    return None
                if number not in table:
                    self.error(sink, f"{target}: Bad file descriptor")
                    return 1
                table[fd] = table[number]
                return None
            if op == "<&" or redirect.fd is not None:
                self.error(sink, f"{target}: ambiguous redirect")
                return 1
            op = "&>"  # >&word: stdout and stderr to a file
        if op == "<>":
            raise NotModelled("opening a file for reading and writing (<>)")
        if op == "<":
            if fd != 0:
                raise NotModelled("reading file descriptors other than 0")
            try:
                return Input(self.host.read_file(self.proc, target))
            except OSError as error:
                self.error(sink, f"{target}: {error.strerror}")
                return 1
        if fd == 0:
            raise NotModelled("writing to standard input")
        append = op in (">>", "&>>")
        destination = self._open(target, append, table, sink)
        if isinstance(destination, int):
            return destination
        if op in ("&>", "&>>"):
            table[1] = table[2] = destination
        else:
            table[fd] = destination
        return None

    def _stdin_for(self, fd: int, text: str) -> Input:
        if fd != 0:
            raise NotModelled("here-documents on file descriptors other than 0")
        return Input(text.encode())

    def _open(
        self, path: str, append: bool, table: dict[int, tuple[str, str]], sink: Chunks
    ) -> tuple[str, str] | int:
        special = {"/dev/null": ("null", ""), "/dev/stdout": table[1], "/dev/stderr": table[2]}
        if path in special:
            return special[path]
        if path == "":
            self.error(sink, ": No such file or directory")
            return 1
        try:
            self.host.write_file(self.proc, path, b"", append=append)
        except OSError as error:
            self.error(sink, f"{path}: {error.strerror}")
            return 1
        return ("file", path)

    # -- variables --------------------------------------------------------------------------------

    def set_var(self, name: str, value: str) -> None:
        self.vars[name] = value

    def variable(self, name: str) -> str | None:
        """A parameter's value, None when unset."""
        if name == "?":
            return str(self.status)
        if name == "$":
            return str(self.proc.pid)
        if name == "#":
            return str(len(self.args))
        if name in ("@", "*"):
            return " ".join(self.args)
        if name == "-":
            return "himBHs"
        if name == "!":
            return None
        if name == "0":
            return self.name
        if name.isdigit():
            index = int(name)
            return self.args[index - 1] if index <= len(self.args) else None
        if name == "PWD":
            return self.vars.get("PWD", self.proc.cwd)
        if name == "FUNCNAME" and self.frames:
            return self.frames[-1].name
        return self.vars.get(name)

    # -- expansion --------------------------------------------------------------------------------

    def substitute(self, node: Node | None, sink: Chunks) -> str:
        """``$(...)``: a subshell's stdout without trailing newlines; its status is ``$?``."""
        local: Chunks = []
        status = 0
        if node is not None:
            status = self._subshell(node, Input(b""), local)
        self.status = status
        self.substitution_status = status
        sink.extend((s, d) for s, d in local if s == STDERR)
        return b"".join(d for s, d in local if s == STDOUT).decode(errors="replace").rstrip("\n")

    def arithmetic(self, expr: Word, sink: Chunks, context: str = "") -> int:
        text = self.expand_single(expr, sink)
        evaluator = Evaluator(self.variable, self.set_var)
        try:
            return evaluator.evaluate(text)
        except ArithError as error:
            self.error(sink, f"{context}{error}")
            raise AbortLine(1) from None

    def _param(self, part: Param, sink: Chunks) -> str | list[str]:
        """A parameter expansion; a list of fields for a quoted ``$@``."""
        self.tick()
        name, op = part.name, part.op
        if op == "bad":
            self.error(sink, f"{name}: bad substitution")
            raise AbortLine(1)
        if op == "not modelled":
            assert part.arg is not None
            raise NotModelled(_literal_text(part.arg))
        if name == "@" and part.quoted and not op:
            return list(self.args)
        value = self.variable(name)
        if op == "":
            return value or ""
        if op == "#len":
            return str(len(self.args)) if name in "@*" else str(len(value or ""))
        missing = value is None or (op.startswith(":") and value == "")
        if op in (":-", "-"):
            return self._param_word(part.arg, sink) if missing else (value or "")
        if op in (":+", "+"):
            return "" if missing else self._param_word(part.arg, sink)
        if op in (":=", "="):
            if not missing:
                return value or ""
            if not (name.isidentifier()):
                self.error(sink, f"${name}: cannot assign in this way")
                raise AbortLine(1)
            new = self.expand_single(part.arg or Word(()), sink)
            self.set_var(name, new)
            return new
        if op in (":?", "?"):
            if not missing:
                return value or ""
            message = self.expand_single(part.arg or Word(()), sink)
            self.error(sink, f"{name}: {message or 'parameter null or not set'}")
            raise AbortLine(1)
        text = value or ""
        pattern = self.pattern(part.arg or Word(()), sink)
        regex = patterns.compile_pattern(patterns.to_regex(pattern))
        if op in ("#", "##"):
            ends = range(len(text) + 1) if op == "#" else range(len(text), -1, -1)
            for end in ends:
                self.tick()
                if regex.fullmatch(text, 0, end):
                    return text[end:]
            return text
        if op in ("%", "%%"):
            starts = range(len(text), -1, -1) if op == "%" else range(len(text) + 1)
            for start in starts:
                self.tick()
                if regex.fullmatch(text, start):
                    return text[:start]
            return text
        replacement = "" if part.arg2 is None else self.expand_single(part.arg2, sink)
        return self._replace(op, text, pattern, regex, replacement)

    def _replace(
        self,
        op: str,
        text: str,
        pattern: patterns.Segments,
        regex: re.Pattern[str],
        replacement: str,
    ) -> str:
        """``${x/p/r}``, ``${x//p/r}``, ``${x/#p/r}``, ``${x/%p/r}``: longest matches."""
        if not pattern:
            return text
        if op == "/#":
            for end in range(len(text), -1, -1):
                self.tick()
                if regex.fullmatch(text, 0, end):
                    return replacement + text[end:]
            return text
        if op == "/%":
            for start in range(len(text) + 1):
                self.tick()
                if regex.fullmatch(text, start):
                    return text[:start] + replacement
            return text
        out: list[str] = []
        i = 0
        replaced = False
        while i <= len(text):
            match_end = -1
            if not (replaced and op == "/"):
                for end in range(len(text), i, -1):
                    self.tick()
                    if regex.fullmatch(text, i, end):
                        match_end = end
                        break
            if match_end > i:
                out.append(replacement)
                i = match_end
                replaced = True
                continue
            if i < len(text):
                out.append(text[i])
            i += 1
        return "".join(out)

    def _param_word(self, word: Word | None, sink: Chunks) -> str:
        return "" if word is None else self.expand_single(word, sink)

    def _part_value(self, part: Part, sink: Chunks) -> str | list[str]:
        if isinstance(part, Param):
            return self._param(part, sink)
        if isinstance(part, CmdSub):
            return self.substitute(part.node, sink)
        if isinstance(part, Arith):
            return str(self.arithmetic(part.expr, sink))
        if isinstance(part, Tilde):
            return self._tilde(part.user)
        assert isinstance(part, Lit)
        return part.text

    def _tilde(self, user: str) -> str:
        if not user:
            return self.vars.get("HOME", "/root")
        if user in ("+", "-"):
            return self.vars.get("PWD" if user == "+" else "OLDPWD", "~" + user)
        try:
            data = self.host.read_file(self.proc, accounts.PASSWD_PATH).decode(errors="replace")
        except OSError:
            return "~" + user
        entry = accounts.entry_named(data, user)  # bash: tilde_expand_word, getpwnam
        if entry is None:
            return "~" + user
        # glibc: nss_files parses a line's missing fields as empty; bash glues pw_dir on
        return entry.fields[5] if len(entry.fields) > 5 else ""

    def expand_single(self, word: Word, sink: Chunks) -> str:
        """An expansion without field splitting or globbing (assignments, here-documents)."""
        out: list[str] = []
        for part in word.parts:
            value = self._part_value(part, sink)
            out.append(" ".join(value) if isinstance(value, list) else value)
        return "".join(out)

    def pattern(self, word: Word, sink: Chunks) -> patterns.Segments:
        """A word as a pattern: quoted parts and quoted expansions match literally."""
        out: list[tuple[str, bool]] = []
        for part in word.parts:
            value = self._part_value(part, sink)
            text = " ".join(value) if isinstance(value, list) else value
            quoted = isinstance(part, Tilde) or (not isinstance(part, Lit) and part.quoted)
            if isinstance(part, Lit):
                quoted = part.quoted
            out.append((text, quoted))
        return tuple(out)

    def expand(self, word: Word, sink: Chunks) -> list[str]:
        """Fields of a word: brace expansion, expansions, splitting of unquoted results,
        pathname expansion (bash: expand_word_list_internal)."""
        if len(word.parts) == 1:  # one unquoted literal with no brace or glob: itself
            part = word.parts[0]
            if (
                isinstance(part, Lit)
                and not part.quoted
                and "{" not in part.text
                and not patterns.GLOB_CHARS.intersection(part.text)
            ):
                self.tick()
                return [part.text]
        out: list[str] = []
        for variant in _brace_expand(word):
            self.tick()
            out.extend(self._expand_one(variant, sink))
            if len(out) > MAX_FIELDS:
                raise NotModelled(f"a word expanding to more than {MAX_FIELDS} words")
        return out

    def _expand_one(self, word: Word, sink: Chunks) -> list[str]:
        fields: list[list[tuple[str, bool]]] = [[]]
        kept = False  # a quoted part keeps an otherwise empty field
        ifs = self.vars.get("IFS", DEFAULT_IFS)
        for part in word.parts:
            value = self._part_value(part, sink)
            if isinstance(part, (Lit, Tilde)):
                assert isinstance(value, str)
                fields[-1].append((value, isinstance(part, Tilde) or part.quoted))
                kept = kept or isinstance(part, Tilde) or part.quoted
                continue
            if isinstance(value, list):  # "$@"
                if value:
                    kept = True
                    fields[-1].append((value[0], True))
                    for item in value[1:]:
                        fields.append([(item, True)])
                continue
            if part.quoted:
                fields[-1].append((value, True))
                kept = True
                continue
            pieces, leading, trailing = _split(value, ifs)
            if not pieces:
                if leading and fields[-1]:
                    fields.append([])
                continue
            if leading and fields[-1]:
                fields.append([])
            fields[-1].append((pieces[0], False))
            for piece in pieces[1:]:
                fields.append([(piece, False)])
            if trailing:
                fields.append([])
        out: list[str] = []
        for field in fields:
            if not field:
                continue
            if patterns.has_glob(field):
                matches = self.glob(tuple(field))
                if matches:
                    out.extend(matches)
                    continue
                out.append(patterns.literal(field))
                continue
            out.append("".join(t for t, _ in field))
        if not out and kept:
            out.append("")
        return out

    # -- pathname expansion -----------------------------------------------------------------------

    def glob(self, pattern: patterns.Segments) -> list[str]:
        """Pathname expansion on the lab's filesystem, sorted as the en_US.UTF-8 locale sorts."""
        components = _split_components(pattern)
        absolute = bool(components) and components[0] == ()
        if absolute:
            components = components[1:]
        dirs_only = bool(components) and components[-1] == ()
        if dirs_only:
            components = components[:-1]
        components = [c for c in components if c]
        bases = ["/" if absolute else ""]
        for index, component in enumerate(components):
            last = index == len(components) - 1
            found: list[str] = []
            for base in bases:
                self.tick()
                if not patterns.has_glob(component):
                    candidate = base + patterns.literal(component)
                    if (last and not dirs_only) and not self._exists(candidate):
                        continue
                    found.append(candidate if last else candidate + "/")
                    continue
                found.extend(self._matches(base, component, last))
                if len(found) > MAX_FIELDS:
                    raise NotModelled(f"a glob matching more than {MAX_FIELDS} names")
            bases = found
        if dirs_only:
            bases = [b + "/" for b in bases if self._is_dir(b)]
        return sorted(bases, key=patterns.collation_key)

    def _matches(self, base: str, component: patterns.Segments, last: bool) -> list[str]:
        try:
            names = self.host.listdir(self.proc, base or ".")
        except OSError as error:
            if error.errno in (errno.ENOENT, errno.ENOTDIR, errno.EACCES):
                return []
            raise
        regex = patterns.compile_pattern(patterns.to_regex(component))
        dotted = "".join(t for t, _ in component).startswith(".")
        # bash 5.1 (before globskipdots): a pattern starting with "." matches . and ..
        candidates = ([".", ".."] if dotted else []) + sorted(names)
        out = []
        for name in candidates:
            if name.startswith(".") and not dotted:
                continue
            if regex.fullmatch(name):
                out.append(base + name + ("" if last else "/"))
        return out

    def _exists(self, path: str) -> bool:
        try:
            self.host.lstat(self.proc, path)
        except OSError:
            return False
        return True

    def _is_dir(self, path: str) -> bool:
        try:
            return self.host.stat(self.proc, path).kind.value == "directory"
        except OSError:
            return False

    # -- [[ ]] ------------------------------------------------------------------------------------

    def _conditional(self, node: Conditional, sink: Chunks) -> int:
        from simulator.shell.conditional import evaluate

        try:
            return evaluate(self, list(node.items), sink)
        except AbortLine:
            return 1


def _literal_text(word: Word) -> str:
    return "".join(p.text for p in word.parts if isinstance(p, Lit))


def _source(word: Word) -> str:
    out = []
    for part in word.parts:
        if isinstance(part, Lit):
            out.append(part.text)
        elif isinstance(part, Param):
            out.append("$" + part.name if not part.op else "${" + part.name + "}")
        elif isinstance(part, Tilde):
            out.append("~" + part.user)
        else:
            out.append("$(...)")
    return "".join(out)


def _split(value: str, ifs: str) -> tuple[list[str], bool, bool]:
    """Field splitting (bash: list_string): fields, and whether the value starts or ends
    with a separator (so it does not join the text around it)."""
    if not value:
        return [], False, False
    if not ifs:
        return [value], False, False
    white = "".join(c for c in ifs if c in " \t\n")
    other = "".join(c for c in ifs if c not in " \t\n")
    leading = value[0] in ifs
    trailing = value[-1] in ifs
    stripped = value.strip(white) if white else value
    if not stripped:
        return [], leading, trailing
    w = f"[{re.escape(white)}]*" if white else ""
    o = f"[{re.escape(other)}]"
    separator = (f"{w}{o}{w}" + (f"|{w[:-1]}+" if white else "")) if other else f"{w[:-1]}+"
    pieces = re.split(separator, stripped)
    if other and stripped[-1] in other:
        pieces = pieces[:-1]  # a trailing non-white separator ends a field, makes none
    return pieces, leading, trailing


def _split_components(pattern: patterns.Segments) -> list[patterns.Segments]:
    components: list[list[tuple[str, bool]]] = [[]]
    for text, quoted in pattern:
        pieces = text.split("/")
        for index, piece in enumerate(pieces):
            if index:
                components.append([])
            if piece:
                components[-1].append((piece, quoted))
    return [tuple(c) for c in components]


# -- brace expansion (bash: braces.c) --------------------------------------------------------------

_Atom = str | Part  # one unquoted character that brace expansion may use, or an opaque part


def _brace_expand(word: Word) -> list[Word]:
    if not any(isinstance(p, Lit) and not p.quoted and "{" in p.text for p in word.parts):
        return [word]
    atoms: list[_Atom] = []
    for part in word.parts:
        if isinstance(part, Lit) and not part.quoted:
            atoms.extend(part.text)
        else:
            atoms.append(part)
    results: list[list[_Atom]] = []
    _expand_atoms(atoms, results, 0)
    return [_to_word(r) for r in results]


def _to_word(atoms: list[_Atom]) -> Word:
    parts: list[Part] = []
    buf: list[str] = []
    for atom in atoms:
        if isinstance(atom, str):
            buf.append(atom)
            continue
        if buf:
            parts.append(Lit("".join(buf), False))
            buf = []
        parts.append(atom)
    if buf:
        parts.append(Lit("".join(buf), False))
    return Word(tuple(parts))


def _expand_atoms(atoms: list[_Atom], out: list[list[_Atom]], depth: int) -> None:
    if len(out) > MAX_FIELDS or depth > 50:
        raise NotModelled(f"a brace expansion making more than {MAX_FIELDS} words")
    start = 0
    while True:
        found = _find_brace(atoms, start)
        if found is None:
            out.append(atoms)
            return
        open_at, close_at, commas = found
        inner = atoms[open_at + 1 : close_at]
        alternatives: list[list[_Atom]] | None = None
        if commas:
            alternatives = []
            last = 0
            for comma in [*commas, len(inner)]:
                alternatives.append(inner[last:comma])
                last = comma + 1
        else:
            alternatives = _sequence(inner)
        if alternatives is None:
            start = open_at + 1
            continue
        head, tail = atoms[:open_at], atoms[close_at + 1 :]
        for alternative in alternatives:
            _expand_atoms(head + alternative + tail, out, depth + 1)
        return


def _find_brace(atoms: list[_Atom], start: int) -> tuple[int, int, list[int]] | None:
    """The first ``{`` from ``start`` with its matching ``}`` and top-level commas."""
    for open_at in range(start, len(atoms)):
        if atoms[open_at] != "{" or (open_at and atoms[open_at - 1] == "$"):
            continue
        depth = 0
        commas: list[int] = []
        for index in range(open_at + 1, len(atoms)):
            atom = atoms[index]
            if atom == "{":
                depth += 1
            elif atom == "}":
                if depth == 0:
                    inner_commas = [c - open_at - 1 for c in commas]
                    if inner_commas or _is_sequence(atoms[open_at + 1 : index]):
                        return open_at, index, inner_commas
                    break
                depth -= 1
            elif atom == "," and depth == 0:
                commas.append(index)
    return None


# compiled (and cached by re) the first time a brace expansion is tried, not at import
_SEQUENCE = r"(-?\d+|[A-Za-z])\.\.(-?\d+|[A-Za-z])(?:\.\.(-?\d+))?"


def _is_sequence(atoms: list[_Atom]) -> bool:
    text = "".join(a for a in atoms if isinstance(a, str))
    if len(text) != len(atoms):
        return False
    match = re.fullmatch(_SEQUENCE, text)
    if match is None:
        return False
    first, last = match.group(1), match.group(2)
    return first.lstrip("-").isdigit() == last.lstrip("-").isdigit()


def _sequence(atoms: list[_Atom]) -> list[list[_Atom]] | None:
    """``{1..5}``, ``{a..e}``, ``{01..10..2}`` (bash: braces.c mkseq)."""
    if not _is_sequence(atoms):
        return None
    match = re.fullmatch(_SEQUENCE, "".join(a for a in atoms if isinstance(a, str)))
    assert match is not None
    first, last, step_text = match.group(1), match.group(2), match.group(3)
    step = abs(int(step_text)) if step_text else 1
    step = step or 1
    if first.lstrip("-").isdigit():
        a, b = int(first), int(last)
        if abs(b - a) // step > MAX_FIELDS:
            raise NotModelled(f"a brace expansion making more than {MAX_FIELDS} words")
        width = (
            max(len(first), len(last))
            if (first.lstrip("-").startswith("0") or last.lstrip("-").startswith("0"))
            else 0
        )
        values = range(a, b + 1, step) if a <= b else range(a, b - 1, -step)
        return [
            list(str(v).zfill(width) if v >= 0 else "-" + str(-v).zfill(width - 1)) for v in values
        ]
    a, b = ord(first), ord(last)
    values = range(a, b + 1, step) if a <= b else range(a, b - 1, -step)
    return [[chr(v)] for v in values]
