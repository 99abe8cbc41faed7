"""GNU sed 4.8, the common subset: ``s///`` (flags g, p, N, I), ``p``, ``d``, ``q``, ``=``,
``y``; addresses (N, $, /re/, ranges, ``!``); -n, -e, -E/-r, -i. Everything else stops with
``not modelled``."""

from __future__ import annotations

import re

import attrs

from simulator.errors import NotModelled
from simulator.kernel.inode import Kind
from simulator.shell.options import (
    OPTIONAL,
    REQUIRED,
    Spec,
    opt,
    parse,
    tool,
    unmodelled,
)
from simulator.shell.posix_regex import RegexError, translate
from simulator.shell.registry import CommandContext

SED_USAGE = """\
Usage: sed [OPTION]... {script-only-if-no-other-script} [input-file]...

  -n, --quiet, --silent
                 suppress automatic printing of pattern space
      --debug
                 annotate program execution
  -e script, --expression=script
                 add the script to the commands to be executed
  -f script-file, --file=script-file
                 add the contents of script-file to the commands to be executed
  --follow-symlinks
                 follow symlinks when processing in place
  -i[SUFFIX], --in-place[=SUFFIX]
                 edit files in place (makes backup if SUFFIX supplied)
  -l N, --line-length=N
                 specify the desired line-wrap length for the `l' command
  --posix
                 disable all GNU extensions.
  -E, -r, --regexp-extended
                 use extended regular expressions in the script
                 (for portability use POSIX -E).
  -s, --separate
                 consider files as separate rather than as a single,
                 continuous long stream.
      --sandbox
                 operate in sandbox mode (disable e/r/w commands).
  -u, --unbuffered
                 load minimal amounts of data from the input files and flush
                 the output buffers more often
  -z, --null-data
                 separate lines by NUL characters
      --help     display this help and exit
      --version  output version information and exit

If no -e, --expression, -f, or --file option is given, then the first
non-option argument is taken as the sed script to interpret.  All
remaining arguments are names of input files; if no input files are
specified, then the standard input is read.

GNU sed home page: <https://www.gnu.org/software/sed/>.
General help using GNU software: <https://www.gnu.org/gethelp/>.
"""


SED = Spec(
    "sed",
    (
        opt("n", "n", "quiet"),
        opt("n", "", "silent"),
        opt("e", "e", "expression", REQUIRED),
        opt("E", "E", "regexp-extended"),
        opt("E", "r"),
        opt("i", "i", "in-place", OPTIONAL),
        unmodelled("f", "file", REQUIRED),
        unmodelled(long="debug"),
        unmodelled(long="follow-symlinks"),
        unmodelled("l", "line-length", REQUIRED),
        unmodelled(long="posix"),
        unmodelled("s", "separate"),
        unmodelled(long="sandbox"),
        unmodelled("u", "unbuffered"),
        unmodelled("z", "null-data"),
        unmodelled(long="help"),
        unmodelled(long="version"),
    ),
    status=1,
    full_usage=SED_USAGE,
)


class SedError(Exception):
    """``sed: -e expression #1, char N: message``."""


@attrs.frozen(eq=False)
class Address:
    line: int | None = None
    last: bool = False
    regex: re.Pattern[str] | None = None


@attrs.define(eq=False)
class Command:
    first: Address | None
    second: Address | None
    negate: bool
    name: str
    regex: re.Pattern[str] | None = None
    replacement: str = ""
    global_: bool = False
    occurrence: int = 1
    print_: bool = False
    source: str = ""
    dest: str = ""
    exit_code: int = 0
    active: bool = False  # inside a range


class _Parser:
    def __init__(self, script: str, extended: bool) -> None:
        self.text = script
        self.i = 0
        self.extended = extended

    def fail(self, message: str) -> SedError:
        return SedError(f"-e expression #1, char {self.i}: {message}")

    def peek(self) -> str:
        return self.text[self.i] if self.i < len(self.text) else ""

    def take(self) -> str:
        char = self.peek()
        self.i += 1
        return char

    def skip_blanks(self) -> None:
        while self.peek() in (" ", "\t") and self.peek():
            self.i += 1

    def delimited(self, delim: str, what: str) -> str:
        out = []
        while True:
            if self.i >= len(self.text) or self.peek() == "\n":
                raise self.fail(f"unterminated `{what}' command")
            char = self.take()
            if char == "\\":
                nxt = self.take()
                if nxt == delim:
                    out.append(delim)
                elif nxt == "n":
                    out.append("\\n")
                else:
                    out.append("\\" + nxt)
                continue
            if char == delim:
                return "".join(out)
            out.append(char)

    def compile(self, pattern: str, flags: int) -> re.Pattern[str]:
        try:
            return re.compile(translate(pattern, extended=self.extended), flags)
        except (RegexError, re.error) as error:
            message = str(error) if isinstance(error, RegexError) else "Invalid regex"
            raise self.fail(message) from error

    def address(self) -> Address | None:
        char = self.peek()
        if char.isdigit():
            start = self.i
            while self.peek().isdigit():
                self.i += 1
            return Address(line=int(self.text[start : self.i]))
        if char == "$":
            self.i += 1
            return Address(last=True)
        if char in ("/", "\\"):
            self.i += 1
            delim = self.take() if char == "\\" else "/"
            pattern = self._regex(delim)
            flags = 0
            while self.peek() in ("I", "M"):
                if self.take() == "M":
                    raise NotModelled("sed address flag M")
                flags |= re.IGNORECASE
            return Address(regex=self.compile(pattern, flags))
        return None

    def _regex(self, delim: str) -> str:
        out = []
        while True:
            if self.i >= len(self.text) or self.peek() == "\n":
                raise self.fail("unterminated address regex")
            char = self.take()
            if char == "\\":
                nxt = self.take()
                out.append(delim if nxt == delim else "\\" + nxt)
                continue
            if char == delim:
                return "".join(out)
            out.append(char)

    def commands(self) -> list[Command]:
        out: list[Command] = []
        while True:
            while self.peek() in (" ", "\t", "\n", ";") and self.peek():
                self.i += 1
            if self.i >= len(self.text):
                return out
            first = self.address()
            second = None
            if first is not None and self.peek() == ",":
                self.i += 1
                second = self.address()
                if second is None:
                    raise self.fail("unexpected `,'")
            self.skip_blanks()
            negate = False
            while self.peek() == "!":
                negate = True
                self.i += 1
                self.skip_blanks()
            if self.i >= len(self.text):
                raise self.fail("missing command")
            name = self.take()
            command = Command(first, second, negate, name)
            if name == "s":
                delim = self.take()
                if not delim or delim in "\n\\":
                    raise self.fail("unterminated `s' command")
                pattern = self.delimited(delim, "s")
                command.replacement = self.delimited(delim, "s")
                flags = 0
                while self.peek() and self.peek() not in ";\n}" and self.peek() != " ":
                    flag = self.take()
                    if flag == "g":
                        command.global_ = True
                    elif flag == "p":
                        command.print_ = True
                    elif flag in "iI":
                        flags |= re.IGNORECASE
                    elif flag.isdigit():
                        start = self.i - 1
                        while self.peek().isdigit():
                            self.i += 1
                        command.occurrence = int(self.text[start : self.i])
                        if command.occurrence == 0:
                            raise self.fail("number option to `s' command may not be zero")
                    elif flag in "emMw":
                        raise NotModelled(f"sed s///{flag}")
                    else:
                        raise self.fail("unknown option to `s'")
                command.regex = self.compile(pattern, flags)
                references = [int(d) for d in re.findall(r"\\(\d)", command.replacement)]
                if references and max(references) > command.regex.groups:
                    raise self.fail(f"invalid reference \\{max(references)} on `s' command's RHS")
            elif name == "y":
                delim = self.take()
                source = self.delimited(delim, "y")
                dest = self.delimited(delim, "y")
                if len(source) != len(dest):
                    raise self.fail("strings for `y' command are different lengths")
                command.source, command.dest = source, dest
            elif name in "qQ":
                self.skip_blanks()
                start = self.i
                while self.peek().isdigit():
                    self.i += 1
                command.exit_code = int(self.text[start : self.i] or "0")
            elif name in "pd=":
                pass
            elif name in "{}aicbtTnNPDhHgGxlrRwWFzeLv:#":
                raise NotModelled(f"sed command '{name}'")
            else:
                raise self.fail(f"unknown command: `{name}'")
            self.skip_blanks()
            if self.peek() and self.peek() not in ";\n}":
                raise self.fail("extra characters after command")
            out.append(command)


def _expand_replacement(replacement: str, match: re.Match[str]) -> str:
    out = []
    i = 0
    while i < len(replacement):
        char = replacement[i]
        if char == "\\" and i + 1 < len(replacement):
            nxt = replacement[i + 1]
            if nxt.isdigit():
                out.append(match.group(int(nxt)) or "")
            elif nxt == "n":
                out.append("\n")
            elif nxt == "t":
                out.append("\t")
            elif nxt in "ULluE":
                raise NotModelled(f"sed replacement case conversion \\{nxt}")
            else:
                out.append(nxt)
            i += 2
            continue
        out.append(match.group(0) if char == "&" else char)
        i += 1
    return "".join(out)


def _substitute(command: Command, line: str) -> tuple[str, bool]:
    assert command.regex is not None
    count = 0
    changed = False

    def replace(match: re.Match[str]) -> str:
        nonlocal count, changed
        count += 1
        if count == command.occurrence or (command.global_ and count > command.occurrence):
            changed = True
            return _expand_replacement(command.replacement, match)
        return match.group(0)

    # sed: an empty match right after the previous match is not a match (s/x*/-/g)
    out = []
    position = 0
    previous_end = -1
    for match in command.regex.finditer(line):
        if match.start() == match.end() == previous_end:
            continue
        out.append(line[position : match.start()])
        out.append(replace(match))
        position = match.end()
        previous_end = match.end()
    out.append(line[position:])
    return "".join(out), changed


def _matches(address: Address, number: int, line: str, last: bool) -> bool:
    if address.line is not None:
        return number == address.line
    if address.last:
        return last
    assert address.regex is not None
    return address.regex.search(line) is not None


def _selected(command: Command, number: int, line: str, last: bool) -> bool:
    if command.first is None:
        hit = True
    elif command.second is None:
        hit = _matches(command.first, number, line, last)
    elif command.active:
        hit = True
        second = command.second
        if second.line is not None:
            if number >= second.line:
                command.active = False
            if number > second.line:
                hit = True
        elif _matches(second, number, line, last):
            command.active = False
    elif _matches(command.first, number, line, last):
        hit = True
        second = command.second
        if second.line is not None:
            command.active = number < second.line
        else:
            command.active = not (second.last and last)
    else:
        hit = False
    return hit != command.negate


@tool("sed")
def sed(ctx: CommandContext) -> int:
    parsed = parse(ctx, SED)
    operands = list(parsed.operands)
    scripts = parsed.all("e")
    if not scripts:
        if not operands:
            ctx.err(SED_USAGE)
            return 1
        scripts = [operands.pop(0)]
    if parsed.last("i"):
        raise NotModelled("sed -i with a backup suffix")
    try:
        commands = _Parser("\n".join(scripts), parsed.has("E")).commands()
    except SedError as error:
        ctx.err(f"sed: {error}\n")
        return 1
    in_place = parsed.has("i")
    if in_place and not operands:
        ctx.err("sed: no input files\n")
        return 1
    quiet = parsed.has("n")
    groups = [[name] for name in operands] if in_place else [operands or ["-"]]
    status = 0
    for names in groups:
        lines: list[tuple[str, bool]] = []
        for name in names:
            try:
                if name == "-":
                    data = ctx.stdin
                else:
                    data = ctx.host.read_file(ctx.proc, name)
                    if ctx.host.stat(ctx.proc, name).kind is Kind.DIRECTORY:
                        ctx.err(
                            f"sed: couldn't edit {name}: not a regular file\n"
                            if in_place
                            else f"sed: read error on {name}: Is a directory\n"
                        )
                        status = 4 if in_place else 2
                        continue
            except OSError as error:
                ctx.err(f"sed: can't read {name}: {error.strerror}\n")
                status = 2
                continue
            text = data.decode("utf-8", "surrogateescape")
            pieces = text.split("\n")
            for index, piece in enumerate(pieces):
                if index == len(pieces) - 1:
                    if piece:
                        lines.append((piece, False))
                else:
                    lines.append((piece, True))
        out: list[str] = []
        exit_code = None

        def write(text: str, out: list[str] = out) -> None:
            """sed: output_missing_newline - a line read without one gets it when more
            output follows."""
            if out and not out[-1].endswith("\n"):
                out.append("\n")
            out.append(text)

        for number, (line, newline) in enumerate(lines, 1):
            last = number == len(lines)
            end = "\n" if newline else ""
            deleted = False
            for command in commands:
                if not _selected(command, number, line, last):
                    continue
                if command.name == "s":
                    line, changed = _substitute(command, line)
                    if changed and command.print_:
                        write(line + end)
                elif command.name == "p":
                    write(line + end)
                elif command.name == "=":
                    write(f"{number}\n")
                elif command.name == "d":
                    deleted = True
                    break
                elif command.name == "y":
                    line = line.translate(str.maketrans(command.source, command.dest))
                elif command.name in "qQ":
                    exit_code = command.exit_code
                    if command.name == "Q":
                        deleted = True
                    break
            if not deleted and not quiet:
                write(line + end)
            if exit_code is not None:
                break
        data = "".join(out).encode("utf-8", "surrogateescape")
        if in_place:
            try:
                ctx.host.write_file(ctx.proc, names[0], data)
            except OSError as error:
                ctx.err(f"sed: couldn't open file {names[0]}: {error.strerror}\n")
                status = 4
        else:
            ctx.out(data)
        if exit_code is not None:
            return exit_code
    return status
