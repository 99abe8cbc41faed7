"""Text utilities pipelines need: cat, grep, head, tail, wc, cut, sort, uniq, tr, tee, xargs."""

from __future__ import annotations

import re

from simulator.kernel import errno_table as errno
from simulator.shell.commands.builtins import backslash_escapes
from simulator.shell.registry import CommandContext, command


def _lines(data: bytes) -> list[str]:
    return data.decode(errors="replace").splitlines()


def _inputs(ctx: CommandContext, files: list[str]) -> list[tuple[str, bytes | None]]:
    """(name, data or None on error) for each file, or stdin when there are none."""
    if not files:
        return [("-", ctx.stdin)]
    out: list[tuple[str, bytes | None]] = []
    for name in files:
        if name == "-":
            out.append((name, ctx.stdin))
            continue
        try:
            out.append((name, ctx.host.read_file(ctx.proc, name)))
        except OSError as error:
            message = "Is a directory" if error.errno == errno.EISDIR else error.strerror
            ctx.err(f"{ctx.name}: {name}: {message}\n")
            out.append((name, None))
    return out


@command("cat")
def cat(ctx: CommandContext) -> int:
    status = 0
    for _, data in _inputs(ctx, [a for a in ctx.args if a != "--"]):
        if data is None:
            status = 1
        else:
            ctx.out(data)
    return status


def _bre_to_python(pattern: str) -> str:
    """GNU grep BRE: ``\\(`` ``\\)`` ``\\{`` ``\\}`` ``\\|`` ``\\+`` ``\\?`` are operators;
    bare ``( ) { } | + ?`` are literals."""
    out = []
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\" and i + 1 < len(pattern):
            nxt = pattern[i + 1]
            out.append(nxt if nxt in "(){}|+?" else "\\" + nxt)
            i += 2
            continue
        out.append("\\" + char if char in "(){}|+?" else char)
        i += 1
    return "".join(out)


@command("grep")
def grep(ctx: CommandContext) -> int:
    flags = {
        "v": False,
        "E": False,
        "F": False,
        "i": False,
        "c": False,
        "w": False,
        "x": False,
        "q": False,
        "o": False,
        "n": False,
    }
    patterns: list[str] = []
    after = before = 0
    files: list[str] = []
    args = list(ctx.args)
    while args:
        arg = args.pop(0)
        if arg == "--":
            files.extend(args)
            break
        if arg in ("-e", "-A", "-B") or (
            arg.startswith("-") and arg[1:2] in "eAB" and len(arg) > 2
        ):
            value = arg[2:] if len(arg) > 2 else (args.pop(0) if args else None)
            if value is None:
                ctx.err(
                    f"grep: option requires an argument -- '{arg[1]}'\n"
                    "Usage: grep [OPTION]... PATTERNS [FILE]...\n"
                    "Try 'grep --help' for more information.\n"
                )
                return 2
            if arg[1] == "e":
                patterns.append(value)
            elif not value.isascii() or not value.isdigit():
                ctx.err(f"grep: {value}: invalid context length argument\n")
                return 2
            elif arg[1] == "A":
                after = int(value)
            else:
                before = int(value)
            continue
        if arg.startswith("-") and len(arg) > 1:
            for letter in arg[1:]:
                if letter not in flags:
                    ctx.err(
                        f"grep: invalid option -- '{letter}'\n"
                        "Usage: grep [OPTION]... PATTERNS [FILE]...\n"
                        "Try 'grep --help' for more information.\n"
                    )
                    return 2
                flags[letter] = True
            continue
        if not patterns and not files and not any(a == "-e" for a in ctx.args):
            patterns.append(arg)
        else:
            files.append(arg)
    if not patterns:
        ctx.err(
            "Usage: grep [OPTION]... PATTERNS [FILE]...\nTry 'grep --help' for more information.\n"
        )
        return 2
    sources = []
    for pattern in patterns:
        for piece in pattern.split("\n"):
            if flags["F"]:
                source = re.escape(piece)
            elif flags["E"]:
                source = piece
            else:
                source = _bre_to_python(piece)
            if flags["w"]:
                source = rf"(?<!\w)(?:{source})(?!\w)"
            if flags["x"]:
                source = rf"^(?:{source})$"
            sources.append(source)
    try:
        regex = re.compile("|".join(f"(?:{s})" for s in sources), re.I if flags["i"] else 0)
    except re.error:
        ctx.err("grep: Invalid regular expression\n")
        return 2
    matched_any = False
    errors = False
    inputs = _inputs(ctx, files)
    for name, data in inputs:
        if data is None:
            errors = True
            continue
        lines = _lines(data)
        prefix = f"{name}:" if len(inputs) > 1 else ""
        count = 0
        last_printed = -1
        pending_after = 0
        for number, line in enumerate(lines):
            hit = (regex.search(line) is not None) != flags["v"]
            if hit:
                count += 1
                matched_any = True
                if flags["q"] or flags["c"]:
                    continue
                start = max(number - before, last_printed + 1)
                for k in range(start, number):
                    ctx.out(
                        f"{prefix}{k + 1}-{lines[k]}\n" if flags["n"] else f"{prefix}{lines[k]}\n"
                    )
                if flags["o"] and not flags["v"]:
                    for m in regex.finditer(line):
                        ctx.out(
                            f"{prefix}{number + 1}:{m.group()}\n"
                            if flags["n"]
                            else f"{prefix}{m.group()}\n"
                        )
                else:
                    ctx.out(f"{prefix}{number + 1}:{line}\n" if flags["n"] else f"{prefix}{line}\n")
                last_printed = number
                pending_after = after
            elif pending_after and not flags["q"] and not flags["c"]:
                ctx.out(f"{prefix}{number + 1}-{line}\n" if flags["n"] else f"{prefix}{line}\n")
                last_printed = number
                pending_after -= 1
        if flags["c"]:
            ctx.out(f"{prefix}{count}\n")
    if flags["q"] and matched_any:
        return 0
    if errors:
        return 2
    return 0 if matched_any else 1


def _count_option(ctx: CommandContext, default: int) -> tuple[int, list[str], bool] | None:
    count, files, from_end = default, [], False
    args = list(ctx.args)
    while args:
        arg = args.pop(0)
        if arg == "-n" and not args:
            ctx.err(
                f"{ctx.name}: option requires an argument -- 'n'\n"
                f"Try '{ctx.name} --help' for more information.\n"
            )
            return None
        if arg == "-n" and args:
            value = args.pop(0)
        elif arg.startswith("-n"):
            value = arg[2:]
        elif arg.startswith("-") and arg[1:].isdigit():
            value = arg[1:]
        else:
            files.append(arg)
            continue
        from_end = value.startswith("+")
        digits = value[1:] if value[:1] in "+-" else value
        if not digits.isascii() or not digits.isdigit():
            ctx.err(f"{ctx.name}: invalid number of lines: \u2018{digits}\u2019\n")
            return None
        count = int(digits)
    return count, files, from_end


@command("head")
def head(ctx: CommandContext) -> int:
    parsed = _count_option(ctx, 10)
    if parsed is None:
        return 1
    count, files, _ = parsed
    status = 0
    for _, data in _inputs(ctx, files):
        if data is None:
            status = 1
            continue
        for line in _lines(data)[:count]:
            ctx.out(line + "\n")
    return status


@command("tail")
def tail(ctx: CommandContext) -> int:
    parsed = _count_option(ctx, 10)
    if parsed is None:
        return 1
    count, files, from_start = parsed
    status = 0
    for _, data in _inputs(ctx, files):
        if data is None:
            status = 1
            continue
        lines = _lines(data)
        chosen = lines[count - 1 :] if from_start else (lines[-count:] if count else [])
        for line in chosen:
            ctx.out(line + "\n")
    return status


@command("wc")
def wc(ctx: CommandContext) -> int:
    opts = "".join(a[1:] for a in ctx.args if a.startswith("-") and len(a) > 1) or "lwc"
    files = [a for a in ctx.args if not a.startswith("-") or a == "-"]
    status = 0
    rows = []
    for name, data in _inputs(ctx, files):
        if data is None:
            status = 1
            continue
        counts = {"l": data.count(b"\n"), "w": len(data.split()), "c": len(data)}
        rows.append(([counts[k] for k in "lwc" if k in opts], name if files else ""))
    width = max((len(str(v)) for values, _ in rows for v in values), default=1)
    single = len(rows) == 1 and len(rows[0][0]) == 1 and not files
    for values, name in rows:
        text = " ".join(str(v) if single else str(v).rjust(width) for v in values)
        ctx.out(f"{text} {name}\n" if name else f"{text}\n")
    return status


@command("cut")
def cut(ctx: CommandContext) -> int:
    delimiter, fields, files = "\t", "", []
    args = list(ctx.args)
    while args:
        arg = args.pop(0)
        if arg[:2] in ("-d", "-f"):
            value = arg[2:] or (args.pop(0) if args else None)
            if value is None:
                ctx.err(
                    f"cut: option requires an argument -- '{arg[1]}'\n"
                    "Try 'cut --help' for more information.\n"
                )
                return 1
            if arg[1] == "d":
                delimiter = value
            else:
                fields = value
        else:
            files.append(arg)
    if not fields:
        ctx.err(
            "cut: you must specify a list of bytes, characters, or fields\n"
            "Try 'cut --help' for more information.\n"
        )
        return 1
    wanted: set[int] = set()
    open_end: int | None = None
    if any(not part.isdigit() for part in fields.replace("-", ",").split(",") if part):
        ctx.err(
            f"cut: invalid field value \u2018{fields}\u2019\n"
            "Try 'cut --help' for more information.\n"
        )
        return 1
    for item in fields.split(","):
        low, dash, high = item.partition("-")
        if "-" in high:
            ctx.err("cut: invalid field range\nTry 'cut --help' for more information.\n")
            return 1
        if not dash:
            wanted.add(int(low))
        elif not high:
            open_end = int(low or 1)
        else:
            wanted.update(range(int(low or 1), int(high) + 1))
    for _, data in _inputs(ctx, files):
        for line in _lines(data or b""):
            if delimiter not in line:
                ctx.out(line + "\n")
                continue
            parts = line.split(delimiter)
            chosen = [
                p
                for i, p in enumerate(parts, 1)
                if i in wanted or (open_end is not None and i >= open_end)
            ]
            ctx.out(delimiter.join(chosen) + "\n")
    return 0


@command("sort")
def sort(ctx: CommandContext) -> int:
    opts = "".join(a[1:] for a in ctx.args if a.startswith("-") and len(a) > 1)
    files = [a for a in ctx.args if not a.startswith("-")]
    lines = [line for _, data in _inputs(ctx, files) for line in _lines(data or b"")]

    def numeric(line: str) -> tuple[float, str]:
        match = re.match(r"\s*(-?\d+(?:\.\d+)?)", line)
        return (float(match.group(1)) if match else 0.0, line)

    lines.sort(key=numeric if "n" in opts else None, reverse="r" in opts)
    if "u" in opts:
        lines = list(dict.fromkeys(lines))
    ctx.out("".join(line + "\n" for line in lines))
    return 0


@command("uniq")
def uniq(ctx: CommandContext) -> int:
    count = "-c" in ctx.args
    files = [a for a in ctx.args if not a.startswith("-")]
    previous: str | None = None
    run = 0
    out: list[tuple[int, str]] = []
    for line in [line for _, data in _inputs(ctx, files) for line in _lines(data or b"")]:
        if line == previous:
            run += 1
            continue
        if previous is not None:
            out.append((run, previous))
        previous, run = line, 1
    if previous is not None:
        out.append((run, previous))
    for n, line in out:
        ctx.out(f"{n:7d} {line}\n" if count else line + "\n")
    return 0


@command("tr")
def tr(ctx: CommandContext) -> int:
    args = [a for a in ctx.args if not a.startswith("-")]
    delete = "-d" in ctx.args
    text = ctx.stdin.decode(errors="replace")

    def expand(spec: str) -> str:
        spec = backslash_escapes(spec, echo=False)[0]
        out: list[str] = []
        i = 0
        while i < len(spec):
            if i + 2 < len(spec) and spec[i + 1] == "-":
                out.extend(chr(c) for c in range(ord(spec[i]), ord(spec[i + 2]) + 1))
                i += 3
            else:
                out.append(spec[i])
                i += 1
        return "".join(out)

    if delete and args:
        remove = set(expand(args[0]))
        ctx.out("".join(c for c in text if c not in remove))
        return 0
    if len(args) != 2:
        ctx.err("tr: missing operand\nTry 'tr --help' for more information.\n")
        return 1
    source, target = expand(args[0]), expand(args[1])
    if source and not target:
        ctx.err("tr: when not truncating set1, string2 must be non-empty\n")
        return 1
    target = target + target[-1:] * (len(source) - len(target))
    target = target[: len(source)].ljust(len(source), target[-1:] or " ")  # tr pads set2
    ctx.out(text.translate(str.maketrans(source, target)))
    return 0


@command("tee")
def tee(ctx: CommandContext) -> int:
    append = "-a" in ctx.args
    status = 0
    for name in [a for a in ctx.args if not a.startswith("-")]:
        try:
            ctx.host.write_file(ctx.proc, name, ctx.stdin, append=append)
        except OSError as error:
            ctx.err(f"tee: {name}: {error.strerror}\n")
            status = 1
    ctx.out(ctx.stdin)
    return status


@command("xargs")
def xargs(ctx: CommandContext) -> int:
    words = ctx.stdin.decode(errors="replace").split()
    argv = (ctx.args or ["echo"]) + words
    local: list[tuple[int, bytes]] = []
    status = ctx.shell.run_command(argv, b"", local)
    ctx.chunks.extend(local)
    return 123 if status else 0
