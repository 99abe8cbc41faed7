"""Bash's builtins (``builtins/*.def`` in bash 5.1): cd, pwd, export, exit, echo, printf,
test/[, read, local, return, shift, set, unset, command, type, eval, source, break,
continue, let; the builtins the lab does not model say so."""

from __future__ import annotations

from simulator.errors import NotModelled
from simulator.shell import bracket
from simulator.shell.arith import ArithError, Evaluator
from simulator.shell.commands import BUILTINS, NOT_BUILTINS_MODULE
from simulator.shell.registry import COMMANDS, CommandContext, command

# bash: the reserved words
KEYWORDS = frozenset(
    [
        "if",
        "then",
        "else",
        "elif",
        "fi",
        "case",
        "esac",
        "for",
        "select",
        "while",
        "until",
        "do",
        "done",
        "in",
        "function",
        "time",
        "{",
        "}",
        "!",
        "[[",
        "]]",
        "coproc",
    ]
)
# Where RHEL 9 installs the lab's commands that are not in /usr/bin
SBIN = frozenset(
    [
        "getenforce",
        "setenforce",
        "sestatus",
        "getsebool",
        "setsebool",
        "matchpathcon",
        "restorecon",
        "semanage",
        "semodule",
        "ausearch",
        "runuser",
        "reboot",
        "auditd",
        "virtqemud",
    ]
)


def _shell_error(ctx: CommandContext, message: str) -> None:
    ctx.err(f"{ctx.shell.name}: {message}\n")


@command("true", ":")
def true(ctx: CommandContext) -> int:
    return 0


@command("false")
def false(ctx: CommandContext) -> int:
    return 1


@command("cd")
def cd(ctx: CommandContext) -> int:
    shell = ctx.shell
    args = ctx.args[1:] if ctx.args[:1] == ["--"] else ctx.args
    if args and args[0].startswith("-") and args[0] != "-":
        raise NotModelled(f"cd {args[0]}")
    if len(args) > 1:
        _shell_error(ctx, "cd: too many arguments")
        return 1
    if not args:
        target = shell.vars.get("HOME")
        if target is None:
            _shell_error(ctx, "cd: HOME not set")
            return 1
    elif args[0] == "-":
        target = shell.vars.get("OLDPWD")
        if target is None:
            _shell_error(ctx, "cd: OLDPWD not set")
            return 1
    else:
        target = args[0]
    if target == "":
        return 0
    old = ctx.proc.cwd
    try:
        ctx.host.chdir(ctx.proc, target)
    except OSError as error:
        _shell_error(ctx, f"cd: {target}: {error.strerror}")
        return 1
    shell.vars["OLDPWD"] = old
    shell.vars["PWD"] = ctx.proc.cwd
    if args and args[0] == "-":
        ctx.out(ctx.proc.cwd + "\n")
    return 0


@command("pwd")
def pwd(ctx: CommandContext) -> int:
    for arg in ctx.args:
        if arg.startswith("-") and arg not in ("-L", "-P"):
            _shell_error(ctx, f"pwd: {arg[:2]}: invalid option")
            ctx.err("pwd: usage: pwd [-LP]\n")
            return 2
    ctx.out(ctx.proc.cwd + "\n")
    return 0


def _identifier(name: str) -> bool:
    return name.isidentifier() and name.isascii()


@command("export")
def export(ctx: CommandContext) -> int:
    args = ctx.args
    if not args or args == ["-p"]:
        for name in sorted(ctx.shell.exported):
            value = ctx.shell.vars.get(name)
            shown = "" if value is None else "=" + _double_quote(value)
            ctx.out(f"declare -x {name}{shown}\n")
        return 0
    if args[0].startswith("-") and args[0] != "--":
        raise NotModelled(f"export {args[0]}")
    status = 0
    for arg in args[1:] if args[0] == "--" else args:
        name, eq, value = arg.partition("=")
        if not _identifier(name):
            _shell_error(ctx, f"export: `{arg}': not a valid identifier")
            status = 1
            continue
        if eq:
            ctx.shell.vars[name] = value
        ctx.shell.exported.add(name)
    return status


def _double_quote(value: str) -> str:
    escaped = "".join("\\" + c if c in '"$`\\' else c for c in value)
    return f'"{escaped}"'


def _number(text: str) -> int | None:
    body = text.strip()
    digits = body[1:] if body[:1] in ("+", "-") else body
    if not digits.isascii() or not digits.isdigit():
        return None
    return int(body)


@command("exit", "logout")
def exit_(ctx: CommandContext) -> int:
    from simulator.shell.interpreter import AbortLine, ExitShell

    if ctx.shell.interactive and not ctx.shell.subshells:  # bash: exit.def: a login shell says so
        ctx.err("logout\n")
    args = ctx.args[1:] if ctx.args[:1] == ["--"] else ctx.args
    if not args:
        raise ExitShell(ctx.shell.status)
    value = _number(args[0])
    if value is None:
        _shell_error(ctx, f"{ctx.name}: {args[0]}: numeric argument required")
        raise ExitShell(2)
    if len(args) > 1:  # bash: get_exitstat: jump_to_top_level (DISCARD)
        _shell_error(ctx, f"{ctx.name}: too many arguments")
        raise AbortLine(1)
    raise ExitShell(value & 0xFF)


# -- echo and printf ---------------------------------------------------------------------------

_SIMPLE_ESCAPES = {
    "a": "\a",
    "b": "\b",
    "e": "\x1b",
    "E": "\x1b",
    "f": "\f",
    "n": "\n",
    "r": "\r",
    "t": "\t",
    "v": "\v",
    "\\": "\\",
}
_OCTAL = "01234567"
_HEX = "0123456789abcdefABCDEF"


def backslash_escapes(text: str, *, echo: bool) -> tuple[str, bool]:
    """bash: ansicstr for ``echo -e`` and ``%b`` (``\\0NNN``), or a printf format
    (``\\NNN``); True when ``\\c`` stopped the output."""
    out: list[str] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char != "\\" or i + 1 >= len(text):
            out.append(char)
            i += 1
            continue
        nxt = text[i + 1]
        if nxt in _SIMPLE_ESCAPES:
            out.append(_SIMPLE_ESCAPES[nxt])
            i += 2
        elif nxt == "c":
            return "".join(out), True
        elif nxt in _OCTAL and (not echo or nxt == "0"):
            start = i + 2 if echo else i + 1
            end = start
            while end < len(text) and end < start + 3 and text[end] in _OCTAL:
                end += 1
            out.append(_byte(int(text[start:end] or "0", 8) & 0xFF))
            i = end
        elif nxt in "xuU":
            limit = {"x": 2, "u": 4, "U": 8}[nxt]
            end = i + 2
            while end < len(text) and end < i + 2 + limit and text[end] in _HEX:
                end += 1
            if end == i + 2:
                out.append("\\" + nxt)
            else:
                code = int(text[i + 2 : end], 16)
                if nxt == "x":
                    out.append(_byte(code))
                else:
                    out.append(chr(code) if code < 0x110000 else "\ufffd")
            i = end
        elif not echo and nxt in "\"'?":
            out.append(nxt)
            i += 2
        else:
            out.append("\\" + nxt)
            i += 2
    return "".join(out), False


def _byte(code: int) -> str:
    """An escape's byte: bytes 0x80-0xFF travel as surrogates (they are not characters)."""
    return chr(code) if code < 0x80 else chr(0xDC00 + code)


def _mixed(text: str) -> bytes:
    try:
        return text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        return b"".join(
            _mixed(c) if c.isprintable() else c.encode("utf-8", "replace") for c in text
        )


@command("echo")
def echo(ctx: CommandContext) -> int:
    args = ctx.args
    newline = True
    escapes = False
    while args and len(args[0]) > 1 and args[0][0] == "-" and set(args[0][1:]) <= set("neE"):
        for flag in args[0][1:]:
            if flag == "n":
                newline = False
            else:
                escapes = flag == "e"
        args = args[1:]
    text = " ".join(args)
    if escapes:
        text, stopped = backslash_escapes(text, echo=True)
        if stopped:
            newline = False
        ctx.out(_mixed(text))
    else:
        ctx.out(text)
    if newline:
        ctx.out("\n")
    return 0


@command("printf")
def printf(ctx: CommandContext) -> int:
    args = list(ctx.args)
    target: str | None = None
    if args[:1] == ["-v"] and len(args) >= 2:
        target = args[1]
        args = args[2:]
        if not _identifier(target):
            _shell_error(ctx, f"printf: `{target}': not a valid identifier")
            return 2
    if args[:1] == ["--"]:
        args = args[1:]
    if not args or (args[0].startswith("-") and len(args[0]) > 1):
        if args:
            _shell_error(ctx, f"printf: {args[0][:2]}: invalid option")
        ctx.err("printf: usage: printf [-v var] format [arguments]\n")
        return 2
    formatter = _Printf(ctx, args[0], args[1:])
    text = formatter.run()
    if target is not None:
        ctx.shell.vars[target] = text
    else:
        ctx.out(_mixed(text))
    return formatter.status


class _Printf:
    """bash: printf.def printf_builtin."""

    def __init__(self, ctx: CommandContext, fmt: str, args: list[str]) -> None:
        self.ctx = ctx
        self.fmt = fmt
        self.args = args
        self.used = 0
        self.status = 0

    def next_arg(self) -> str | None:
        if self.used >= len(self.args):
            return None
        self.used += 1
        return self.args[self.used - 1]

    def run(self) -> str:
        out: list[str] = []
        while True:
            before = self.used
            stop = self.once(out)
            if stop or self.used >= len(self.args) or self.used == before:
                return "".join(out)
            self.ctx.shell.tick()

    def once(self, out: list[str]) -> bool:
        """One pass over the format; True when output must stop (``\\c``, an error)."""
        fmt = self.fmt
        i = 0
        while i < len(fmt):
            char = fmt[i]
            if char == "\\":
                end = i + 2
                if i + 1 < len(fmt) and fmt[i + 1] in _OCTAL:
                    end = i + 1
                    while end < len(fmt) and end < i + 4 and fmt[end] in _OCTAL:
                        end += 1
                elif i + 1 < len(fmt) and fmt[i + 1] in "xuU":
                    limit = {"x": 2, "u": 4, "U": 8}[fmt[i + 1]]
                    while end < len(fmt) and end < i + 2 + limit and fmt[end] in _HEX:
                        end += 1
                text, stopped = backslash_escapes(fmt[i:end], echo=False)
                out.append(text)
                if stopped:
                    return True
                i = end
                continue
            if char != "%":
                out.append(char)
                i += 1
                continue
            j = i + 1
            while j < len(fmt) and fmt[j] in "-+ #0'":
                j += 1
            flags = fmt[i + 1 : j]
            width, j = self._star_or_digits(fmt, j)
            precision: str | None = None
            if j < len(fmt) and fmt[j] == ".":
                precision, j = self._star_or_digits(fmt, j + 1)
            if j >= len(fmt):
                _shell_error(self.ctx, "printf: `%': missing format character")
                self.status = 1
                return True
            conv = fmt[j]
            i = j + 1
            if conv == "%":
                out.append("%")
                continue
            if conv not in "diouxXcsbeEfFgGaAq":
                _shell_error(self.ctx, f"printf: `{conv}': invalid format character")
                self.status = 1
                return True
            text, stopped = self.convert(conv, flags.replace("'", ""), width, precision)
            out.append(text)
            if stopped:
                return True
        return False

    def _star_or_digits(self, fmt: str, j: int) -> tuple[str, int]:
        if j < len(fmt) and fmt[j] == "*":
            return str(self.integer(self.next_arg())), j + 1
        start = j
        while j < len(fmt) and fmt[j].isascii() and fmt[j].isdigit():
            j += 1
        return fmt[start:j], j

    def convert(self, conv: str, flags: str, width: str, precision: str | None) -> tuple[str, bool]:
        arg = self.next_arg()
        if len(width) > 4 or len(precision or "") > 4:
            raise NotModelled("printf widths and precisions over 9999")
        spec = "%" + flags + width + ("" if precision is None else "." + (precision or "0"))
        if conv == "q":
            raise NotModelled("printf %q")
        if conv in "sb":
            text = arg or ""
            stopped = False
            if conv == "b":
                text, stopped = backslash_escapes(text, echo=True)
            return (spec + "s") % text, stopped
        if conv == "c":
            return (spec.split(".")[0] + "s") % (arg or "\0")[:1], False  # '' prints a NUL
        if conv in "eEfFgGaA":
            if conv in "aA":
                raise NotModelled("printf %a")
            return (spec + conv) % self.floating(arg), False
        value = self.integer(arg)
        if conv == "u" and value < 0:
            value += 1 << 64
        if conv == "o" and "#" in flags:
            digits = format(value, "o")
            spec = spec.replace("#", "")
            return (spec + "s") % ("0" + digits if digits != "0" else "0"), False
        return (spec + ("d" if conv in "iu" else conv)) % value, False

    def invalid(self, arg: str) -> None:
        _shell_error(self.ctx, f"printf: {arg}: invalid number")
        self.status = 1

    def integer(self, arg: str | None) -> int:
        """bash: printf.def getintmax (strtoimax with base 0; 'c is c's code)."""
        if arg is None or arg == "":
            return 0
        if arg[0] in "'\"":
            return ord(arg[1]) if len(arg) > 1 else 0
        text = arg.lstrip(" \t\n")
        sign = -1 if text[:1] == "-" else 1
        body = text[1:] if text[:1] in "+-" else text
        base, digits = 10, body
        if body[:2] in ("0x", "0X"):
            base, digits = 16, body[2:]
        elif body[:1] == "0":
            base = 8
        valid = "0123456789abcdefABCDEF"[: 10 if base == 10 else (8 if base == 8 else 22)]
        count = 0
        while count < len(digits) and digits[count] in valid:
            count += 1
        value = int(digits[:count], base) if count else 0
        if count < len(digits) or (count == 0 and base != 8):
            self.invalid(arg)
        value *= sign
        return max(min(value, (1 << 63) - 1), -(1 << 63))

    def floating(self, arg: str | None) -> float:
        if arg is None or arg == "":
            return 0.0
        if arg[0] in "'\"":
            return float(ord(arg[1])) if len(arg) > 1 else 0.0
        text = arg.strip(" \t\n")
        end = len(text)
        while end:
            try:
                value = float(text[:end])
            except ValueError:
                end -= 1
                continue
            if end < len(text):
                self.invalid(arg)
            return value
        self.invalid(arg)
        return 0.0


# -- test / [ ----------------------------------------------------------------------------------


@command("test", "[")
def test(ctx: CommandContext) -> int:
    args = ctx.args
    if ctx.name == "[":
        if not args or args[-1] != "]":
            _shell_error(ctx, "[: missing `]'")
            return 2
        args = args[:-1]
    try:
        return int(not bracket.evaluate(ctx.shell, args))
    except bracket.BracketError as error:
        _shell_error(ctx, f"{ctx.name}: {error}")
        return 2


# -- the shell's own state: read, local, return, shift, set, unset, ... ---------------------------


@command("read")
def read(ctx: CommandContext) -> int:
    """bash: read.def: one line of stdin split by IFS; the last name takes the rest."""
    args = list(ctx.args)
    raw = False
    while args and args[0].startswith("-") and len(args[0]) > 1:
        option = args.pop(0)
        if option == "--":
            break
        if option == "-r":
            raw = True
        elif option == "-p" and args:
            args.pop(0)  # the prompt is shown only when stdin is a terminal
        else:
            raise NotModelled(f"read {option}")
    for name in args:
        if not _identifier(name):
            _shell_error(ctx, f"read: `{name}': not a valid identifier")
            return 1
    source = ctx.shell.stdin
    text = ""
    complete = False
    while True:
        ctx.shell.tick()
        line = source.read_line()
        if line is None:
            break
        chunk = line.decode(errors="replace")
        if chunk.endswith("\n"):
            chunk = chunk[:-1]
            complete = True
        if not raw and chunk.endswith("\\") and not chunk.endswith("\\\\") and complete:
            text += chunk[:-1]
            complete = False
            continue
        text += chunk
        break
    if not raw:
        text = _unescape(text)
    names = args or ["REPLY"]
    ifs = ctx.shell.vars.get("IFS", " \t\n")
    if not args:
        ctx.shell.vars["REPLY"] = text
    else:
        for name, value in zip(names, _read_split(text, ifs, len(names)), strict=True):
            ctx.shell.vars[name] = value
    return 0 if complete else 1


def _unescape(text: str) -> str:
    out: list[str] = []
    i = 0
    while i < len(text):
        if text[i] == "\\" and i + 1 < len(text):
            out.append(text[i + 1])
            i += 2
            continue
        if text[i] != "\\":
            out.append(text[i])
        i += 1
    return "".join(out)


def _read_split(text: str, ifs: str, count: int) -> list[str]:
    white = "".join(c for c in ifs if c in " \t\n")
    rest = text.strip(white) if white else text
    values: list[str] = []
    while len(values) < count - 1 and rest:
        index = next((i for i, c in enumerate(rest) if c in ifs), -1)
        if index < 0:
            values.append(rest)
            rest = ""
            break
        values.append(rest[:index])
        rest = rest[index:]
        rest = rest.lstrip(white)
        if rest[:1] and rest[0] in ifs and rest[0] not in white:
            rest = rest[1:].lstrip(white)
    values.append(rest)
    values.extend([""] * (count - len(values)))
    return values[:count]


@command("local")
def local(ctx: CommandContext) -> int:
    if not ctx.shell.frames:
        _shell_error(ctx, "local: can only be used in a function")
        return 1
    status = 0
    for arg in ctx.args:
        if arg.startswith("-"):
            raise NotModelled(f"local {arg}")
        name, eq, value = arg.partition("=")
        if not _identifier(name):
            _shell_error(ctx, f"local: `{arg}': not a valid identifier")
            status = 1
            continue
        ctx.shell.make_local(name, value if eq else None)
    return status


@command("return")
def return_(ctx: CommandContext) -> int:
    from simulator.shell.interpreter import ReturnFromFunction

    if not ctx.shell.frames:
        _shell_error(ctx, "return: can only `return' from a function or sourced script")
        return 2  # EX_USAGE
    if not ctx.args:
        raise ReturnFromFunction(ctx.shell.status)
    value = _number(ctx.args[0])
    if value is None:
        _shell_error(ctx, f"return: {ctx.args[0]}: numeric argument required")
        raise ReturnFromFunction(2)
    if len(ctx.args) > 1:
        _shell_error(ctx, "return: too many arguments")
        return 1
    raise ReturnFromFunction(value & 0xFF)


@command("break", "continue")
def loop_control(ctx: CommandContext) -> int:
    from simulator.shell.interpreter import LoopControl

    levels = 1
    if ctx.args:
        value = _number(ctx.args[0])
        if value is None:
            _shell_error(ctx, f"{ctx.name}: {ctx.args[0]}: numeric argument required")
            return 1
        if value < 1:
            _shell_error(ctx, f"{ctx.name}: {ctx.args[0]}: loop count out of range")
            return 1
        levels = value
    if not ctx.shell.loops:
        _shell_error(ctx, f"{ctx.name}: only meaningful in a `for', `while', or `until' loop")
        return 0
    raise LoopControl(ctx.name, min(levels, ctx.shell.loops))


@command("shift")
def shift(ctx: CommandContext) -> int:
    count = 1
    if ctx.args:
        value = _number(ctx.args[0])
        if value is None:
            _shell_error(ctx, f"shift: {ctx.args[0]}: numeric argument required")
            return 1
        if value < 0:
            _shell_error(ctx, f"shift: {ctx.args[0]}: shift count out of range")
            return 1
        count = value
    if count > len(ctx.shell.args):
        return 1
    ctx.shell.args = ctx.shell.args[count:]
    return 0


@command("set")
def set_(ctx: CommandContext) -> int:
    args = ctx.args
    if not args:
        raise NotModelled("set without arguments (listing every variable and function)")
    if args[0] == "--":
        ctx.shell.args = list(args[1:])
        return 0
    if args[0].startswith(("-", "+")) and len(args[0]) > 1:
        raise NotModelled(f"set {args[0]} (shell options)")
    ctx.shell.args = list(args)
    return 0


@command("unset")
def unset(ctx: CommandContext) -> int:
    args = list(ctx.args)
    functions = False
    while args and args[0].startswith("-") and len(args[0]) > 1:
        option = args.pop(0)
        if option == "--":
            break
        if option not in ("-v", "-f"):
            raise NotModelled(f"unset {option}")
        functions = option == "-f"
    status = 0
    for name in args:
        if not _identifier(name):
            _shell_error(ctx, f"unset: `{name}': not a valid identifier")
            status = 1
            continue
        if functions:
            ctx.shell.functions.pop(name, None)
        elif name in ctx.shell.vars:
            ctx.shell.vars.pop(name)
            ctx.shell.exported.discard(name)
        else:
            ctx.shell.functions.pop(name, None)
    return status


def command_path(name: str) -> str:
    """Where a lab command lives on RHEL 9."""
    return ("/usr/sbin/" if name in SBIN else "/usr/bin/") + name


def _kind(ctx: CommandContext, name: str) -> str | None:
    if name in KEYWORDS:
        return "keyword"
    if name in ctx.shell.functions:
        return "function"
    if name in BUILTINS:
        return "builtin"
    if name in COMMANDS:
        return "file"
    return None


@command("type")
def type_(ctx: CommandContext) -> int:
    args = list(ctx.args)
    terse = False
    while args and args[0].startswith("-") and len(args[0]) > 1:
        option = args.pop(0)
        if option == "--":
            break
        if option != "-t":
            raise NotModelled(f"type {option}")
        terse = True
    found = False
    status = 0
    for name in args:
        kind = _kind(ctx, name)
        if kind is None:
            if not terse:
                _shell_error(ctx, f"type: {name}: not found")
            status = 1
            continue
        found = True
        if terse:
            ctx.out(kind + "\n")
        elif kind == "function":
            raise NotModelled("type of a shell function (bash prints its body)")
        elif kind == "keyword":
            ctx.out(f"{name} is a shell keyword\n")
        elif kind == "builtin":
            ctx.out(f"{name} is a shell builtin\n")
        elif name in ctx.shell.hashed:
            ctx.out(f"{name} is hashed ({command_path(name)})\n")
        else:
            ctx.out(f"{name} is {command_path(name)}\n")
    return 0 if found and not status else 1


@command("command")
def command_(ctx: CommandContext) -> int:
    args = list(ctx.args)
    if args[:1] == ["-v"]:
        found = False
        for name in args[1:]:
            kind = _kind(ctx, name)
            if kind is None:
                continue
            found = True
            ctx.out((command_path(name) if kind == "file" else name) + "\n")
        return 0 if found else 1
    if args[:1] == ["--"]:
        args = args[1:]
    if args and args[0].startswith("-"):
        raise NotModelled(f"command {args[0]}")
    if not args:
        return 0
    function = ctx.shell.functions.pop(args[0], None)  # command skips functions
    try:
        return ctx.shell.run_command(args, ctx.input, ctx.chunks)
    finally:
        if function is not None:
            ctx.shell.functions[args[0]] = function


@command("builtin")
def builtin(ctx: CommandContext) -> int:
    if not ctx.args:
        return 0
    if ctx.args[0] not in BUILTINS:
        _shell_error(ctx, f"builtin: {ctx.args[0]}: not a shell builtin")
        return 1
    return command_(ctx)


@command("eval")
def eval_(ctx: CommandContext) -> int:
    return ctx.shell.run_nested(" ".join(ctx.args), ctx.input, ctx.chunks)


@command("source", ".")
def source(ctx: CommandContext) -> int:
    if not ctx.args:
        _shell_error(ctx, f"{ctx.name}: filename argument required")
        ctx.err(f"{ctx.name}: usage: {ctx.name} filename [arguments]\n")
        return 2
    if len(ctx.args) > 1:
        raise NotModelled(f"{ctx.name} with arguments")
    path = ctx.args[0]
    try:
        text = ctx.host.read_file(ctx.proc, path).decode(errors="replace")
    except OSError as error:
        _shell_error(ctx, f"{path}: {error.strerror}")
        return 1
    return ctx.shell.run_nested(text, ctx.input, ctx.chunks)


@command("let")
def let(ctx: CommandContext) -> int:
    if not ctx.args:
        _shell_error(ctx, "let: expression expected")
        return 1
    evaluator = Evaluator(ctx.shell.variable, ctx.shell.set_var)
    value = 0
    for arg in ctx.args:
        try:
            value = evaluator.evaluate(arg)
        except ArithError as error:
            _shell_error(ctx, f"let: {error}")
            return 1
    return int(value == 0)


@command("wait")
def wait(ctx: CommandContext) -> int:
    return 0  # no background jobs ever run (they are not modelled)


def _not_modelled_builtin(ctx: CommandContext) -> int:
    raise NotModelled(f"the bash builtin {ctx.name}")


for _name in sorted(BUILTINS - NOT_BUILTINS_MODULE):
    if not COMMANDS.registered(_name):
        command(_name)(_not_modelled_builtin)
