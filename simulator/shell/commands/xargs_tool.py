"""findutils 4.8 xargs: build command lines from standard input (-n, -I, -0, -r)."""

from __future__ import annotations

import re

from simulator.shell.options import REQUIRED, Spec, opt, parse, tool, try_help, unmodelled
from simulator.shell.registry import CommandContext

XARGS = Spec(
    "xargs",
    (
        opt("n", "n", "max-args", REQUIRED),
        opt("I", "I", "", REQUIRED),
        opt("0", "0", "null"),
        opt("r", "r", "no-run-if-empty"),
        unmodelled("a", "arg-file", REQUIRED),
        unmodelled("d", "delimiter", REQUIRED),
        unmodelled("E", "", REQUIRED),
        unmodelled("e", "eof"),
        unmodelled("i", "replace"),
        unmodelled("L", "", REQUIRED),
        unmodelled("l", "max-lines"),
        unmodelled("P", "max-procs", REQUIRED),
        unmodelled("p", "interactive"),
        unmodelled("s", "max-chars", REQUIRED),
        unmodelled("t", "verbose"),
        unmodelled("x", "exit"),
        unmodelled(long="process-slot-var", arg=REQUIRED),
        unmodelled(long="open-tty"),
        unmodelled("o"),
        unmodelled(long="show-limits"),
        unmodelled(long="help"),
        unmodelled(long="version"),
    ),
    status=1,
    usage="",
    permute=False,
)


class _QuoteError(Exception):
    pass


def _words(data: bytes) -> list[str]:
    """xargs' default input: blank-separated, with '...', "..." and backslash quoting."""
    text = data.decode("utf-8", "surrogateescape")
    words: list[str] = []
    current: list[str] = []
    have = False
    i = 0
    while i < len(text):
        c = text[i]
        if c in " \t\n":
            if have:
                words.append("".join(current))
            current, have = [], False
        elif c in "'\"":
            end = text.find(c, i + 1)
            newline = text.find("\n", i + 1)
            if end < 0 or (0 <= newline < end):
                kind = "single" if c == "'" else "double"
                raise _QuoteError(
                    f"xargs: unmatched {kind} quote; by default quotes are special to xargs "
                    "unless you use the -0 option\n"
                )
            current.append(text[i + 1 : end])
            have = True
            i = end
        elif c == "\\" and i + 1 < len(text):
            current.append(text[i + 1])
            have = True
            i += 1
        else:
            current.append(c)
            have = True
        i += 1
    if have:
        words.append("".join(current))
    return words


@tool("xargs")
def xargs(ctx: CommandContext) -> int:
    parsed = parse(ctx, XARGS)
    command = parsed.operands or ["echo"]
    if parsed.has("0"):
        items = ctx.stdin.split(b"\0")
        if items and items[-1] == b"":
            items.pop()
        words = [w.decode("utf-8", "surrogateescape") for w in items]
    else:
        data = ctx.stdin
        if b"\0" in data:  # findutils: a NUL ends the argument it is in
            ctx.err(
                "xargs: WARNING: a NUL character occurred in the input.  It cannot be passed "
                "through in the argument list.  Did you mean to use the --null option?\n"
            )
            data = re.sub(rb"\0[^ \t\n]*", b"", data)
        try:
            words = _words(data)
        except _QuoteError as error:
            ctx.err(str(error))
            return 1
    replace = parsed.last("I")
    max_args = parsed.last("n")
    if max_args is not None and (not max_args.isdigit() or int(max_args) < 1):
        ctx.err(f'xargs: invalid number "{max_args}" for -n option\n')
        raise try_help(ctx, XARGS)
    if replace is not None:
        lines = [
            line.strip(" \t")
            for line in ctx.stdin.decode("utf-8", "surrogateescape").split("\n")
            if line.strip(" \t")
        ]
        batches = [[arg.replace(replace, line) for arg in command] for line in lines]
    else:
        size = int(max_args) if max_args is not None else max(len(words), 1)
        chunks = [words[i : i + size] for i in range(0, len(words), size)] or (
            [] if parsed.has("r") else [[]]
        )
        batches = [command + chunk for chunk in chunks]
    status = 0
    for argv in batches:
        local: list[tuple[int, bytes]] = []
        code = ctx.shell.run_command(argv, b"", local)
        ctx.chunks.extend(local)
        if code == 127:
            return 127
        if code == 255:
            ctx.err(f"xargs: {argv[0]}: exited with status 255; aborting\n")
            return 124
        if code:
            status = 123
    return status
