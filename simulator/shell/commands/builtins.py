"""Shell builtins: cd, pwd, export, true, false, test/[, echo, printf, sleep, exit."""

from __future__ import annotations

from collections.abc import Callable

from simulator.kernel.calls_files import StatResult
from simulator.kernel.inode import Kind
from simulator.shell.commands.sleep_interval import interval_seconds
from simulator.shell.registry import CommandContext, command


@command("true", ":")
def true(ctx: CommandContext) -> int:
    return 0


@command("false")
def false(ctx: CommandContext) -> int:
    return 1


@command("cd")
def cd(ctx: CommandContext) -> int:
    target = ctx.args[0] if ctx.args else ctx.shell.vars.get("HOME", "/root")
    try:
        ctx.host.chdir(ctx.proc, target)
    except OSError as error:
        ctx.err(f"bash: cd: {target}: {error.strerror}\n")
        return 1
    ctx.shell.vars["PWD"] = ctx.proc.cwd
    return 0


@command("pwd")
def pwd(ctx: CommandContext) -> int:
    ctx.out(ctx.proc.cwd + "\n")
    return 0


@command("export")
def export(ctx: CommandContext) -> int:
    for arg in ctx.args:
        name, eq, value = arg.partition("=")
        if eq:
            ctx.shell.vars[name] = value
    return 0


@command("exit")
def exit_(ctx: CommandContext) -> int:
    from simulator.shell.interpreter import ExitShell

    raise ExitShell(int(ctx.args[0]) if ctx.args and ctx.args[0].isdigit() else ctx.shell.status)


@command("sleep")
def sleep(ctx: CommandContext) -> int:
    """``sleep N`` moves the virtual clock on by N seconds."""
    if not ctx.args:
        ctx.err("sleep: missing operand\nTry 'sleep --help' for more information.\n")
        return 1
    total = 0.0
    for arg in ctx.args:
        try:
            total += interval_seconds(arg)
        except ValueError:
            ctx.err(f"sleep: invalid time interval '{arg}'\n")
            return 1
    ctx.host.clock.sleep(total)
    return 0


@command("echo")
def echo(ctx: CommandContext) -> int:
    args = ctx.args
    newline = True
    escapes = False
    while args and args[0] in ("-n", "-e", "-E", "-ne", "-en"):
        newline = newline and "n" not in args[0]
        escapes = "e" in args[0]
        args = args[1:]
    text = " ".join(args)
    if escapes:
        text = text.encode().decode("unicode_escape")
    ctx.out(text + ("\n" if newline else ""))
    return 0


@command("printf")
def printf(ctx: CommandContext) -> int:
    if not ctx.args:
        ctx.err("printf: usage: printf [-v var] format [arguments]\n")
        return 2
    fmt = ctx.args[0].encode().decode("unicode_escape")
    args = ctx.args[1:]
    out = []
    while True:
        text, used = _format(fmt, args)
        out.append(text)
        args = args[used:]
        if not args or used == 0:
            break
    ctx.out("".join(out))
    return 0


def _format(fmt: str, args: list[str]) -> tuple[str, int]:
    out = []
    used = 0
    i = 0
    while i < len(fmt):
        if fmt[i] != "%":
            out.append(fmt[i])
            i += 1
            continue
        j = i + 1
        while j < len(fmt) and fmt[j] in "-+ #0123456789.":
            j += 1
        if j >= len(fmt):
            out.append(fmt[i:])
            break
        conv, spec = fmt[j], fmt[i + 1 : j]
        i = j + 1
        if conv == "%":
            out.append("%")
            continue
        value = args[used] if used < len(args) else ""
        used += 1
        if conv in "di":
            out.append(f"%{spec}d" % int(value or 0))
        elif conv in "xXo":
            out.append(f"%{spec}{conv}" % int(value or 0))
        else:
            out.append(f"%{spec}s" % value)
    return "".join(out), used


_UNARY: dict[str, Callable[[StatResult | None], bool]] = {
    "-e": lambda st: st is not None,
    "-f": lambda st: st is not None and st.kind is Kind.REGULAR,
    "-d": lambda st: st is not None and st.kind is Kind.DIRECTORY,
    "-b": lambda st: st is not None and st.kind is Kind.BLOCK,
    "-c": lambda st: st is not None and st.kind is Kind.CHAR,
    "-s": lambda st: st is not None and st.st_size > 0,
}


@command("test", "[")
def test(ctx: CommandContext) -> int:
    args = ctx.args
    if ctx.name == "[":
        if not args or args[-1] != "]":
            ctx.err("bash: [: missing `]'\n")
            return 2
        args = args[:-1]
    negate = bool(args) and args[0] == "!"
    if negate:
        args = args[1:]
    result = _evaluate(ctx, args)
    if result is None:
        ctx.err(f"bash: {ctx.name}: too many arguments\n")
        return 2
    return int(result == negate)


def _evaluate(ctx: CommandContext, args: list[str]) -> bool | None:
    if not args:
        return False
    if len(args) == 1:
        return args[0] != ""
    if len(args) == 2:
        if args[0] == "-n":
            return args[1] != ""
        if args[0] == "-z":
            return args[1] == ""
        if args[0] == "-L":
            try:
                return ctx.host.lstat(ctx.proc, args[1]).kind is Kind.SYMLINK
            except OSError:
                return False
        check = _UNARY.get(args[0])
        if check is None:
            return None
        try:
            st = ctx.host.stat(ctx.proc, args[1])
        except OSError:
            st = None
        return check(st)
    if len(args) == 3:
        left, op, right = args
        if op in ("=", "=="):
            return left == right
        if op == "!=":
            return left != right
        numeric = {
            "-eq": int.__eq__,
            "-ne": int.__ne__,
            "-lt": int.__lt__,
            "-le": int.__le__,
            "-gt": int.__gt__,
            "-ge": int.__ge__,
        }
        if op in numeric:
            try:
                return bool(numeric[op](int(left), int(right)))
            except ValueError:
                return None
    return None
