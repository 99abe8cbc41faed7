"""The mini-shell's interpreter: expansion, pipelines, lists, redirections, ``for``, ``if``.

Commands run inside the shell's own process (host.md: typed commands consume no pid).
Pipelines pass bytes from one command to the next; standard error is kept in write order.
"""

from __future__ import annotations

import errno
import fnmatch

import attrs

from simulator import auditd
from simulator.errors import NotModelled, SeclabError
from simulator.kernel.kernel import Kernel
from simulator.kernel.process import Process
from simulator.shell.registry import COMMANDS, STDERR, STDOUT, CommandContext, Machine
from simulator.shell.syntax import (
    AndOr,
    For,
    Lit,
    Node,
    Pipeline,
    Sequence,
    ShellSyntaxError,
    Simple,
    Var,
    Word,
    parse_script,
)

GLOB_CHARS = set("*?[")
MAX_DEPTH = 50

NOT_MODELLED_STATUS = 3  # spec README, fidelity rule 4


@attrs.frozen
class Result:
    """What a command line printed (stdout and stderr in write order) and its status."""

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
    def __init__(self, status: int) -> None:
        super().__init__(status)
        self.status = status


class Shell:
    """A root login shell (``-bash``, pid 2000) on a lab host."""

    def __init__(self, host: Kernel, proc: Process, machine: Machine | None = None) -> None:
        self.host = host
        self.proc = proc
        self.machine = machine
        self.vars: dict[str, str] = {"HOME": "/root", "USER": "root", "PATH": "/usr/bin:/bin"}
        self.status = 0
        self.depth = 0

    # -- entry point --------------------------------------------------------------------------

    def run(self, line: str) -> Result:
        """Run one command line; the virtual clock then moves on by one second."""
        chunks: list[tuple[int, bytes]] = []
        try:
            node = parse_script(line)
        except ShellSyntaxError as error:
            chunks.append((STDERR, f"{error}\n".encode()))
            self.status = 2
        else:
            if node is not None:
                try:
                    self.status = self.execute(node, b"", chunks)
                except ExitShell as stop:
                    self.status = stop.status
        self.host.clock.advance(1)
        return Result(tuple(chunks), self.status)

    # -- execution ------------------------------------------------------------------------------

    def execute(self, node: Node, stdin: bytes, sink: list[tuple[int, bytes]]) -> int:
        if isinstance(node, Simple):
            status = self._simple(node, stdin, sink)
        elif isinstance(node, Pipeline):
            status = self._pipeline(node, stdin, sink)
        elif isinstance(node, AndOr):
            status = self.execute(node.first, stdin, sink)
            for op, item in node.rest:
                if (op == "&&") == (status == 0):
                    self.status = status
                    status = self.execute(item, stdin, sink)
        elif isinstance(node, Sequence):
            status = 0
            for item in node.items:
                status = self.execute(item, stdin, sink)
                self.status = status
        elif isinstance(node, For):
            status = 0
            values = [v for word in node.words for v in self.expand(word, sink)]
            for value in values:
                self.vars[node.name] = value
                status = self.execute(node.body, stdin, sink)
                self.status = status
        else:
            status = 0
            for condition, body in node.branches:
                if self.execute(condition, stdin, sink) == 0:
                    return self.execute(body, stdin, sink)
            if node.otherwise is not None:
                status = self.execute(node.otherwise, stdin, sink)
        self.status = status
        return status

    def _pipeline(self, node: Pipeline, stdin: bytes, sink: list[tuple[int, bytes]]) -> int:
        data = stdin
        status = 0
        for index, command in enumerate(node.commands):
            last = index == len(node.commands) - 1
            local: list[tuple[int, bytes]] = []
            status = self.execute(command, data, local)
            if last:
                sink.extend(local)
            else:
                data = b"".join(d for s, d in local if s == STDOUT)
                sink.extend((s, d) for s, d in local if s == STDERR)
        if node.negate:
            status = int(status == 0)
        return status

    def _simple(self, node: Simple, stdin: bytes, sink: list[tuple[int, bytes]]) -> int:
        argv = [value for word in node.words for value in self.expand(word, sink)]
        if not argv:
            for name, word in node.assignments:
                self.vars[name] = self.expand_single(word, sink)
            return self.status if node.words else 0
        local: list[tuple[int, bytes]] = []
        redirects = self._prepare_redirects(node, sink)
        if redirects is None:
            return NOT_MODELLED_STATUS
        stdin_file, stdout_target, stderr_mode = redirects
        if stdin_file is not None:
            try:
                stdin = self.host.read_file(self.proc, stdin_file)
            except OSError as error:
                sink.append((STDERR, f"bash: {stdin_file}: {error.strerror}\n".encode()))
                return 1
        # ``NAME=value command``: the assignment is in the command's environment only.
        saved = {name: self.vars.get(name) for name, _ in node.assignments}
        for name, word in node.assignments:
            self.vars[name] = self.expand_single(word, sink)
        try:
            status = self.run_command(argv, stdin, local)
        finally:
            for name, value in saved.items():
                if value is None:
                    self.vars.pop(name, None)
                else:
                    self.vars[name] = value
        out_chunks: list[tuple[int, bytes]] = []
        for stream, data in local:
            if stream == STDERR:
                if stderr_mode == "null":
                    continue
                if stderr_mode == "stdout":
                    stream = STDOUT
            out_chunks.append((stream, data))
        if stdout_target is not None:
            path, append = stdout_target
            data = b"".join(d for s, d in out_chunks if s == STDOUT)
            try:
                if path != "/dev/null":
                    self.host.write_file(self.proc, path, data, append=append)
            except OSError as error:
                sink.append((STDERR, f"bash: {path}: {error.strerror}\n".encode()))
                return 1
            out_chunks = [(s, d) for s, d in out_chunks if s == STDERR]
        sink.extend(out_chunks)
        return status

    def _prepare_redirects(
        self, node: Simple, sink: list[tuple[int, bytes]]
    ) -> tuple[str | None, tuple[str, bool] | None, str] | None:
        """(stdin file, stdout file and append flag, stderr mode: tty|stdout|null)."""
        stdin_file: str | None = None
        stdout_target: tuple[str, bool] | None = None
        stderr_mode = "tty"
        for redirect in node.redirects:
            target = None if redirect.target is None else self.expand_single(redirect.target, sink)
            if redirect.op == "2>&1":
                stderr_mode = "stdout"
            elif redirect.op == "<":
                stdin_file = target
            elif redirect.op in ("2>", "2>>"):
                if target != "/dev/null":
                    sink.append((STDERR, b"seclab: not modelled: redirecting stderr to a file\n"))
                    return None
                stderr_mode = "null"
            else:  # ">", ">>", "&>"
                assert target is not None
                stdout_target = (target, redirect.op == ">>")
                if redirect.op == "&>":
                    stderr_mode = "stdout"
        return stdin_file, stdout_target, stderr_mode

    def run_command(self, argv: list[str], stdin: bytes, sink: list[tuple[int, bytes]]) -> int:
        handler = COMMANDS.get(argv[0])
        if handler is None:
            sink.append((STDERR, f"bash: {argv[0]}: command not found\n".encode()))
            return 127
        auditd.flush(self.host)  # the daemon has written what the kernel sent it so far
        context = CommandContext(argv, stdin, self.host, self.proc, self, sink)
        try:
            return handler(context)
        except ExitShell:
            raise
        except NotModelled as error:  # spec README, fidelity rule 4: say so, never guess
            sink.append((STDERR, f"seclab: not modelled: {error}\n".encode()))
            return NOT_MODELLED_STATUS
        except (SeclabError, OSError, ValueError) as error:
            sink.append((STDERR, f"{argv[0]}: {error}\n".encode()))
            return 1
        except Exception as error:  # a bug in the lab: one line, never a traceback
            sink.append((STDERR, f"seclab: internal error in {argv[0]}: {error!r}\n".encode()))
            return 70

    # -- expansion --------------------------------------------------------------------------------

    def substitute(self, source: str, sink: list[tuple[int, bytes]]) -> str:
        """``$(...)``: the command's stdout without trailing newlines."""
        if self.depth >= MAX_DEPTH:
            sink.append((STDERR, b"bash: maximum nesting level exceeded\n"))
            return ""
        self.depth += 1
        try:
            node = parse_script(source)
            local: list[tuple[int, bytes]] = []
            if node is not None:
                self.status = self.execute(node, b"", local)
        except ShellSyntaxError as error:
            sink.append((STDERR, f"{error}\n".encode()))
            self.status = 2
            return ""
        finally:
            self.depth -= 1
        sink.extend((s, d) for s, d in local if s == STDERR)
        return b"".join(d for s, d in local if s == STDOUT).decode(errors="replace").rstrip("\n")

    def variable(self, name: str) -> str:
        if name == "?":
            return str(self.status)
        if name == "$":
            return str(self.proc.pid)
        if name == "0":
            return "-bash"
        return self.vars.get(name, "")

    def expand_single(self, word: Word, sink: list[tuple[int, bytes]]) -> str:
        """An expansion without field splitting or globbing (assignments, redirections)."""
        out = []
        for part in word.parts:
            if isinstance(part, Lit):
                out.append(part.text)
            elif isinstance(part, Var):
                out.append(self.variable(part.name))
            else:
                out.append(self.substitute(part.source, sink))
        return "".join(out)

    def expand(self, word: Word, sink: list[tuple[int, bytes]]) -> list[str]:
        """Fields of a word: expansions, splitting of unquoted results, then globbing."""
        fields: list[list[tuple[str, bool]]] = [[]]
        kept = False  # a quoted part keeps an otherwise empty field
        for part in word.parts:
            if isinstance(part, Lit):
                fields[-1].append((part.text, part.quoted))
                kept = kept or part.quoted
                continue
            value = (
                self.variable(part.name)
                if isinstance(part, Var)
                else self.substitute(part.source, sink)
            )
            if part.quoted:
                fields[-1].append((value, True))
                kept = True
                continue
            pieces = value.split()
            if not pieces:
                continue
            if value[:1].isspace() and fields[-1]:
                fields.append([])
            fields[-1].append((pieces[0], True))
            for piece in pieces[1:]:
                fields.append([(piece, True)])
            if value[-1:].isspace():
                fields.append([])
        out: list[str] = []
        for field in fields:
            if not field:
                continue
            text = "".join(t for t, _ in field)
            globbable = any(not q and GLOB_CHARS & set(t) for t, q in field)
            if globbable:
                matches = self.glob(text)
                if matches:
                    out.extend(matches)
                    continue
            out.append(text)
        if not out and kept:
            out.append("")
        return out

    def glob(self, pattern: str) -> list[str]:
        """Pathname expansion against the simulated filesystem, sorted."""
        absolute = pattern.startswith("/")
        parts = [p for p in pattern.split("/") if p]
        bases = ["/" if absolute else ""]
        for index, part in enumerate(parts):
            last = index == len(parts) - 1
            nxt: list[str] = []
            for base in bases:
                if not GLOB_CHARS & set(part):
                    candidate = base + part
                    if last and not self._exists(candidate):
                        continue
                    nxt.append(candidate + ("" if last else "/"))
                    continue
                try:
                    names = self.host.listdir(self.proc, base or ".")
                except OSError as error:
                    if error.errno in (errno.ENOENT, errno.ENOTDIR, errno.EACCES):
                        continue
                    raise
                for name in names:
                    if name.startswith(".") and not part.startswith("."):
                        continue
                    if fnmatch.fnmatchcase(name, part):
                        nxt.append(base + name + ("" if last else "/"))
            bases = nxt
        return sorted(bases)

    def _exists(self, path: str) -> bool:
        try:
            self.host.lstat(self.proc, path)
        except OSError:
            return False
        return True
