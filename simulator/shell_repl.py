"""``seclab shell``: a terminal session on a lab host that behaves like RHEL's bash.

RHEL's prompt (``PS1='[\\u@\\h \\W]\\$ '``), the ``> `` prompt while a construct is open,
Ctrl-C cancelling the line (not the session), tab completion of command names and of
paths in the lab's filesystem (never the real one). With standard input not a terminal
nothing is prompted, as bash does.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, TextIO

from simulator.shell.interpreter import INTERNAL_ERROR_STATUS
from simulator.shell.registry import COMMANDS, STDERR
from simulator.shell.syntax import Incomplete, ShellSyntaxError, parse

if TYPE_CHECKING:
    from simulator.host import Host

CONTINUATION = "> "  # bash: PS2
WORD_BREAKS = " \t\n;|&<>()"  # where a word to complete starts


def prompt(host: Host) -> str:
    """``[root@ol9-host images]# ``: \\W is the last component of $PWD, ``~`` for $HOME."""
    shell = host.session
    cwd = shell.proc.cwd
    home = shell.vars.get("HOME", "/root")
    if cwd == home:
        where = "~"
    elif cwd == "/":
        where = "/"
    else:
        where = cwd.rstrip("/").rsplit("/", 1)[-1]
    name = shell.vars.get("HOSTNAME", "ol9-host").split(".", 1)[0]
    return f"[root@{name} {where}]# "


def needs_more(text: str) -> bool:
    """True while ``text`` ends inside a construct (an open quote, ``if``, ``&&``, a
    here-document before its delimiter, a line ending in ``\\``)."""
    trailing = len(text) - len(text.rstrip("\\"))
    if trailing % 2:
        return True
    try:
        parsed = parse(text)
    except Incomplete:
        return True
    except ShellSyntaxError:
        return False
    return parsed.heredoc_open


class Completer:
    """Tab completion from the lab: commands, functions and builtins for the first word,
    paths of the lab's filesystem (relative to the shell's cwd) elsewhere."""

    def __init__(self, host: Host) -> None:
        self.host = host
        self.matches: list[str] = []

    def candidates(self, line: str, start: int, text: str) -> list[str]:
        before = line[:start].rstrip(" \t")
        first_word = not before or before[-1] in ";|&(" or before.endswith(("&&", "||"))
        if first_word and "/" not in text:
            names = set(COMMANDS) | set(self.host.session.functions)
            return sorted(n + " " for n in names if n.startswith(text))
        return self.paths(text)

    def paths(self, text: str) -> list[str]:
        shell = self.host.session
        directory, _, prefix = text.rpartition("/")
        if text.startswith("~"):
            return []
        base = (directory or "/") if text.startswith("/") else (directory or ".")
        try:
            names = self.host.listdir(shell.proc, base)
        except OSError:
            return []
        out = []
        for name in sorted(names):
            if not name.startswith(prefix) or (name.startswith(".") and not prefix):
                continue
            path = (directory + "/" if directory or text.startswith("/") else "") + name
            try:
                is_dir = self.host.stat(shell.proc, path).kind.value == "directory"
            except OSError:
                is_dir = False
            out.append(path + ("/" if is_dir else " "))
        return out

    def complete(self, text: str, state: int, line: str, start: int) -> str | None:
        if state == 0:
            self.matches = self.candidates(line, start, text)
        return self.matches[state] if state < len(self.matches) else None


def _install_readline(host: Host) -> None:
    try:
        import readline  # line editing and history where the platform has it
    except ImportError:  # pragma: no cover - every supported platform has it
        return
    completer = Completer(host)

    def complete(text: str, state: int) -> str | None:
        return completer.complete(text, state, readline.get_line_buffer(), readline.get_begidx())

    readline.set_completer_delims(WORD_BREAKS)
    readline.set_completer(complete)
    readline.parse_and_bind("tab: complete")


def run_session(
    host: Host,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
    read: Callable[[str], str] | None = None,
) -> int:
    """The session; its exit status is the shell's last status (``exit N`` sets it)."""
    stdin = stdin or sys.stdin
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    interactive = read is not None or stdin.isatty()
    shell = host.session
    shell.interactive = interactive
    if read is None:
        if interactive:
            _install_readline(host)
            read = input
        else:
            read = _line_reader(stdin)
    lines: list[str] = []
    while not shell.exited:
        try:
            line = read("" if not interactive else CONTINUATION if lines else prompt(host))
        except EOFError:
            if lines:  # the end inside a construct: bash's "unexpected end of file"
                _show(host, "\n".join(lines), stdout, stderr)
            if interactive:
                stderr.write("logout\n")
            break
        except KeyboardInterrupt:  # Ctrl-C: the line is dropped, the session goes on
            stdout.write("^C\n")
            stdout.flush()
            lines = []
            shell.status = 130
            continue
        lines.append(line)
        text = "\n".join(lines)
        if needs_more(text):
            continue
        lines = []
        if interactive and text.strip() == "help":
            from simulator.shell.commands.lab import help_text

            stdout.write(help_text(host.profile) + "Commands: " + " ".join(sorted(COMMANDS)) + "\n")
            continue
        try:
            _show(host, text, stdout, stderr)
        except KeyboardInterrupt:
            stdout.write("^C\n")
            shell.status = 130
        except Exception as error:  # a bug in the lab: said in one line, the session goes on
            stderr.write(f"seclab: internal error: {error!r}\n")
            shell.status = INTERNAL_ERROR_STATUS
    stdout.flush()
    return shell.status


def _show(host: Host, text: str, stdout: TextIO, stderr: TextIO) -> None:
    result = host.run(text)
    for stream, data in result.chunks:
        target = stderr if stream == STDERR else stdout
        target.write(data.decode(errors="replace"))
        target.flush()


def _line_reader(stdin: TextIO) -> Callable[[str], str]:
    def read(_prompt: str) -> str:
        line = stdin.readline()
        if not line:
            raise EOFError
        return line.rstrip("\n")

    return read
