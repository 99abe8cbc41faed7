"""One option front end for every command: glibc ``getopt_long`` as GNU tools use it.

A command declares its surface once (:class:`Spec`: short letters, long names, whether each
takes an argument, whether the lab models it) and :func:`parse` returns the options in the
order given plus the operands, or prints the real tool's usage error. Options the real tool
has but the lab does not model stop the command with ``seclab: not modelled: TOOL OPTION``
(exit 3) before anything changes (spec README, fidelity rule 4).
"""

from __future__ import annotations

import re
from collections.abc import Callable

import attrs

from simulator.errors import NotModelled
from simulator.shell.registry import CommandContext, Handler, command

NONE, REQUIRED, OPTIONAL = 0, 1, 2


@attrs.frozen(repr=False, eq=False)
class Opt:
    """One option: its short letter and/or long name, the key the command sees, its argument."""

    key: str
    short: str = ""
    long: str = ""
    arg: int = NONE
    modelled: bool = True


def opt(key: str, short: str = "", long: str = "", arg: int = NONE) -> Opt:
    return Opt(key, short, long, arg)


def unmodelled(short: str = "", long: str = "", arg: int = NONE) -> Opt:
    return Opt(long or short, short, long, arg, modelled=False)


@attrs.frozen(repr=False, eq=False)
class Spec:
    """A command's option table and how it reports usage errors.

    ``usage`` is the line some tools print before ``Try ...`` (grep's ``Usage: ...``);
    ``status`` the exit status of a usage error (coreutils: 1; ls, grep, sort: 2).
    ``permute``: GNU getopt moves operands after options (False: options end at the first
    operand, as with ``+`` in optstring or POSIXLY_CORRECT)."""

    tool: str
    options: tuple[Opt, ...]
    status: int = 1
    usage: str = ""
    permute: bool = True
    numeric_short: bool = False  # head/tail -5: digits form one option argument
    # tools that print their whole usage text instead of "Try ... --help" (sed, gawk)
    full_usage: str = ""
    # gawk's own getopt: no message for an unknown option, letters unquoted
    gawk_getopt: bool = False

    def short(self, letter: str) -> Opt | None:
        for o in self.options:
            if o.short == letter:
                return o
        return None

    def longs(self, prefix: str) -> list[Opt]:
        exact = [o for o in self.options if o.long == prefix]
        if exact:
            return exact
        return [o for o in self.options if o.long and o.long.startswith(prefix)]


class UsageError(Exception):
    """Raised by a command (or by :func:`parse`) after a usage message; carries the status."""

    def __init__(self, status: int) -> None:
        super().__init__(status)
        self.status = status


def tool(*names: str) -> Callable[[Handler], Handler]:
    """Register a command whose usage errors are raised as :class:`UsageError`."""

    def register(handler: Handler) -> Handler:
        def run(ctx: CommandContext) -> int:
            try:
                return handler(ctx)
            except UsageError as error:
                return error.status

        run.__name__ = handler.__name__
        run.__doc__ = handler.__doc__
        run.__module__ = handler.__module__
        command(*names)(run)
        return handler

    return register


@attrs.define(repr=False, eq=False)
class Parsed:
    options: list[tuple[str, str | None]]
    operands: list[str]

    def has(self, key: str) -> bool:
        return any(k == key for k, _ in self.options)

    def last(self, key: str, default: str | None = None) -> str | None:
        value = default
        for k, v in self.options:
            if k == key:
                value = v
        return value

    def all(self, key: str) -> list[str]:
        return [v or "" for k, v in self.options if k == key]


def try_help(ctx: CommandContext, spec: Spec, message: str = "") -> UsageError:
    """Print ``TOOL: message``, the tool's usage line and ``Try 'TOOL --help' ...``."""
    if spec.gawk_getopt:
        if message.startswith(("invalid option", "unrecognized option")):
            message = ""
        message = re.sub(r"-- '(.)'$", r"-- \1", message)
    text = f"{spec.tool}: {message}\n" if message else ""
    text += spec.usage
    text += spec.full_usage or f"Try '{spec.tool} --help' for more information.\n"
    ctx.err(text)
    return UsageError(spec.status)


def parse(ctx: CommandContext, spec: Spec, args: list[str] | None = None) -> Parsed:
    """``getopt_long`` over ``args`` (default: the command's arguments).

    Raises :class:`UsageError` after printing glibc's message, :class:`NotModelled` for an
    option the lab does not model."""
    args = list(ctx.args if args is None else args)
    options: list[tuple[str, str | None]] = []
    operands: list[str] = []
    i = 0
    while i < len(args):
        arg = args[i]
        i += 1
        if arg == "--":
            operands.extend(args[i:])
            break
        if arg.startswith("--"):
            name, eq, value = arg[2:].partition("=")
            found = spec.longs(name)
            if len({o.key for o in found}) > 1:
                names = " ".join(f"'--{o.long}'" for o in found)
                # glibc: process_long_option prints d->__nextchar, "=value" included
                raise try_help(ctx, spec, f"option '{arg}' is ambiguous; possibilities: {names}")
            if not found:
                raise try_help(ctx, spec, f"unrecognized option '{arg}'")
            o = found[0]
            if o.arg == NONE and eq:
                raise try_help(ctx, spec, f"option '--{o.long}' doesn't allow an argument")
            got: str | None = value if eq else None
            if o.arg == REQUIRED and not eq:
                if i >= len(args):
                    raise try_help(ctx, spec, f"option '--{o.long}' requires an argument")
                got = args[i]
                i += 1
            if not o.modelled:
                raise NotModelled(f"{spec.tool} --{o.long}")
            options.append((o.key, got))
            continue
        if arg.startswith("-") and len(arg) > 1:
            j = 1
            while j < len(arg):
                letter = arg[j]
                j += 1
                if spec.numeric_short and letter.isdigit():
                    end = j
                    while end < len(arg) and arg[end].isdigit():
                        end += 1
                    options.append(("#", arg[j - 1 : end]))
                    j = end
                    continue
                found_short = spec.short(letter)
                if found_short is None:
                    raise try_help(ctx, spec, f"invalid option -- '{letter}'")
                o = found_short
                got = None
                if o.arg != NONE:
                    if j < len(arg):
                        got = arg[j:]
                    elif o.arg == REQUIRED:
                        if i >= len(args):
                            raise try_help(ctx, spec, f"option requires an argument -- '{letter}'")
                        got = args[i]
                        i += 1
                    j = len(arg)
                if not o.modelled:
                    raise NotModelled(f"{spec.tool} -{letter}")
                options.append((o.key, got))
            continue
        operands.append(arg)
        if not spec.permute:
            operands.extend(args[i:])
            break
    return Parsed(options, operands)


def quote(text: str) -> str:
    """gnulib ``quote()`` in en_US.UTF-8 (locale_quoting_style): U+2018 text U+2019."""
    return "\u2018" + text + "\u2019"


_SHELL_SAFE = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789%+,-./:=@_^")


def quoteaf(text: str) -> str:
    """gnulib ``quoteaf()`` (shell_escape_always_quoting_style): 'text', ``'\\''`` for quotes,
    control characters as ``'$'\\n''``."""
    out = ["'"]
    for char in text:
        if char == "'":
            out.append("'\\''")
        elif char in "\n\t\r\a\b\f\v":
            code = {"\n": "n", "\t": "t", "\r": "r", "\a": "a", "\b": "b", "\f": "f", "\v": "v"}
            out.append(f"'$'\\{code[char]}''")
        elif ord(char) < 32 or ord(char) == 127:
            out.append(f"'$'\\{ord(char):03o}''")
        else:
            out.append(char)
    out.append("'")
    return "".join(out)


def quote_name(text: str) -> str:
    """gnulib ``quotef()``-style shell_escape quoting for names printed by ls and
    ``cannot access`` messages: bare when safe, else as :func:`quoteaf`."""
    if text and all(c in _SHELL_SAFE or ord(c) > 127 for c in text) and text[0] not in "~#":
        return text
    return quoteaf(text)
