"""GNU grep 3.6 in en_US.UTF-8: BRE/ERE/fixed patterns, context, counts, lists, -r."""

from __future__ import annotations

import re

from simulator.kernel import errno_table as errno
from simulator.kernel.inode import Kind
from simulator.shell.host_views import read_operand, tree  # not text_tools: grep loads no more
from simulator.shell.options import (
    OPTIONAL,
    REQUIRED,
    Spec,
    UsageError,
    opt,
    parse,
    quote_name,
    tool,
    unmodelled,
)
from simulator.shell.posix_regex import ENCODING_ERRORS, RegexError, compile_posix
from simulator.shell.registry import CommandContext

GREP = Spec(
    "grep",
    (
        opt("E", "E", "extended-regexp"),
        opt("F", "F", "fixed-strings"),
        opt("G", "G", "basic-regexp"),
        opt("e", "e", "regexp", REQUIRED),
        opt("i", "i", "ignore-case"),
        opt("i", "y"),
        opt("no-i", "", "no-ignore-case"),
        opt("v", "v", "invert-match"),
        opt("w", "w", "word-regexp"),
        opt("x", "x", "line-regexp"),
        opt("c", "c", "count"),
        opt("L", "L", "files-without-match"),
        opt("l", "l", "files-with-matches"),
        opt("m", "m", "max-count", REQUIRED),
        opt("o", "o", "only-matching"),
        opt("q", "q", "quiet"),
        opt("q", "", "silent"),
        opt("s", "s", "no-messages"),
        opt("H", "H", "with-filename"),
        opt("h", "h", "no-filename"),
        opt("n", "n", "line-number"),
        opt("A", "A", "after-context", REQUIRED),
        opt("B", "B", "before-context", REQUIRED),
        opt("C", "C", "context", REQUIRED),
        opt("r", "r", "recursive"),
        unmodelled("R", "dereference-recursive"),
        unmodelled("P", "perl-regexp"),
        unmodelled("f", "file", REQUIRED),
        unmodelled("b", "byte-offset"),
        unmodelled("T", "initial-tab"),
        unmodelled("Z", "null"),
        unmodelled("z", "null-data"),
        unmodelled("a", "text"),
        unmodelled("I"),
        unmodelled("U", "binary"),
        unmodelled("D", "devices", REQUIRED),
        unmodelled("d", "directories", REQUIRED),
        unmodelled("V", "version"),
        unmodelled(long="color", arg=OPTIONAL),
        unmodelled(long="colour", arg=OPTIONAL),
        unmodelled(long="label", arg=REQUIRED),
        unmodelled(long="line-buffered"),
        unmodelled(long="binary-files", arg=REQUIRED),
        unmodelled(long="include", arg=REQUIRED),
        unmodelled(long="exclude", arg=REQUIRED),
        unmodelled(long="exclude-from", arg=REQUIRED),
        unmodelled(long="exclude-dir", arg=REQUIRED),
        unmodelled(long="group-separator", arg=REQUIRED),
        unmodelled(long="no-group-separator"),
        unmodelled(long="help"),
    ),
    status=2,
    usage="Usage: grep [OPTION]... PATTERNS [FILE]...\n",
    numeric_short=True,
)


def _context(ctx: CommandContext, value: str | None) -> int:
    text = value or ""
    if not text.isdigit():
        ctx.err(f"grep: {text}: invalid context length argument\n")
        raise UsageError(2)
    return int(text)


def _build(ctx: CommandContext, patterns: list[str], keys: set[str]) -> re.Pattern[str]:
    mode = "G"
    for key in ("E", "F", "G"):
        if key in keys:
            mode = key
    sources = []
    for pattern in patterns:
        for piece in pattern.split("\n"):
            if mode == "F":
                source = re.escape(piece)
            else:
                try:
                    source = compile_posix(piece, extended=mode == "E").pattern
                except RegexError as error:
                    ctx.err(f"grep: {error}\n")
                    raise UsageError(2) from error
            if "x" in keys:
                source = rf"^(?:{source})$"
            elif "w" in keys:
                source = rf"(?<!\w)(?:{source})(?!\w)"
            sources.append(source)
    try:
        return re.compile("|".join(f"(?:{s})" for s in sources), re.I if "i" in keys else 0)
    except re.error as error:
        ctx.err("grep: Invalid regular expression\n")
        raise UsageError(2) from error


def _files(ctx: CommandContext, operands: list[str], recursive: bool) -> list[str]:
    if not recursive:
        return operands or ["-"]
    out: list[str] = []
    for name in operands or ["."]:
        for path in tree(ctx, name):
            try:
                kind = ctx.host.lstat(ctx.proc, path).kind
            except OSError:
                kind = Kind.REGULAR
            if path != name and kind is not Kind.REGULAR:
                continue
            if kind is not Kind.DIRECTORY or path == name:
                if kind is Kind.DIRECTORY:
                    continue
                out.append(path)
    return out


@tool("grep")
def grep(ctx: CommandContext) -> int:
    parsed = parse(ctx, GREP)
    keys = {k for k, _ in parsed.options}
    if "no-i" in keys:
        keys.discard("i")
        for k, _ in parsed.options:
            if k == "i":
                keys.add("i")
            elif k == "no-i":
                keys.discard("i")
    operands = list(parsed.operands)
    patterns = parsed.all("e")
    if not patterns:
        if not operands:
            ctx.err(GREP.usage + "Try 'grep --help' for more information.\n")
            return 2
        patterns = [operands.pop(0)]
    after = before = 0
    for key, value in parsed.options:
        if key == "A":
            after = _context(ctx, value)
        elif key == "B":
            before = _context(ctx, value)
        elif key in ("C", "#"):
            after = before = _context(ctx, value)
    max_count = None
    if "m" in keys:
        text = parsed.last("m") or ""
        if not re.fullmatch(r"-?\d+", text):
            ctx.err("grep: invalid max count\n")
            return 2
        max_count = int(text)
    regex = _build(ctx, patterns, keys)
    # grep.c: when matching obviously cannot succeed (-m 0, -v with an empty pattern),
    # exit 1 at once, reading nothing
    if max_count == 0 or (
        "v" in keys and "".join(patterns) == "" and not keys & {"x", "w"} and "L" not in keys
    ):
        return 1
    recursive = "r" in keys
    files = _files(ctx, operands, recursive)
    with_names = ("H" in keys or len(files) > 1 or recursive) and "h" not in keys
    if "H" in keys and "h" in keys:
        with_names = [k for k, _ in parsed.options if k in "Hh"][-1] == "H"
    invert = "v" in keys
    selected_any = False
    error = False
    for name in files:
        shown = "(standard input)" if name == "-" else name
        try:
            data = read_operand(ctx, name)
        except OSError as failure:
            if failure.errno == errno.EISDIR and recursive:
                continue
            if "s" not in keys:
                ctx.err(f"grep: {quote_name(name)}: {failure.strerror}\n")
            error = True
            continue
        count = _one_file(
            ctx, data, shown, regex, keys, invert, with_names, before, after, max_count
        )
        if count:
            selected_any = True
            if "q" in keys:
                return 0
    if error and not ("q" in keys and selected_any):
        return 2
    return 0 if selected_any else 1


def _one_file(
    ctx: CommandContext,
    data: bytes,
    shown: str,
    regex: re.Pattern[str],
    keys: set[str],
    invert: bool,
    with_names: bool,
    before: int,
    after: int,
    max_count: int | None,
) -> int:
    binary = b"\0" in data
    # grep: in a binary file a NUL ends a line too (zap_nuls)
    raw_lines = (data.replace(b"\0", b"\n") if binary else data).split(b"\n")
    if raw_lines and raw_lines[-1] == b"":
        raw_lines.pop()
    lines = [line.decode("utf-8", "surrogateescape") for line in raw_lines]
    quiet = bool(keys & {"q", "c", "l", "L"})
    only = "o" in keys
    numbers = "n" in keys
    prefix = f"{shown}" if with_names else ""
    out: list[str] = []
    count = 0
    last_printed = -1
    pending_after = 0
    stopped = False
    binary_hit = False

    def emit(index: int, sep: str, text: str) -> bool:
        """Queue one output line; False once a binary line stops the file."""
        nonlocal binary_hit
        if binary or re.search(f"[{ENCODING_ERRORS}]", text):
            binary_hit = True
            return False
        head = ""
        if with_names:
            head += prefix + sep
        if numbers:
            head += f"{index + 1}{sep}"
        out.append(head + text + "\n")
        return True

    for index, line in enumerate(lines):
        if max_count is not None and count >= max_count:
            # grep -m: the trailing context of the last match is printed, matching or not
            if quiet or pending_after == 0:
                break
            if not emit(index, "-", line):
                break
            last_printed = index
            pending_after -= 1
            continue
        hit = (regex.search(line) is not None) != invert
        if hit:
            count += 1
            if quiet:
                if "q" in keys or "l" in keys or "L" in keys:
                    break
                continue
            if ((before or after) and last_printed >= 0 and index - before > last_printed + 1) or (
                (before or after) and last_printed < 0 and out
            ):
                out.append("--\n")
            for k in range(max(index - before, last_printed + 1), index):
                if not emit(k, "-", lines[k]):
                    stopped = True
                    break
            if stopped:
                break
            if binary and not emit(index, ":", line):
                stopped = True
                break
            if only:
                if not invert:
                    for match in regex.finditer(line):
                        if match.group() and not emit(index, ":", match.group()):
                            stopped = True
                            break
            elif not emit(index, ":", line):
                stopped = True
            if stopped:
                break
            last_printed = index
            pending_after = after
        elif pending_after and not quiet:
            if not emit(index, "-", line):
                stopped = True
                break
            last_printed = index
            pending_after -= 1
    text = "".join(out)
    ctx.out(text.encode("utf-8", "surrogateescape"))
    if binary_hit:
        ctx.err(f"grep: {shown}: binary file matches\n")
    if "c" in keys:
        ctx.out((f"{prefix}:" if with_names else "") + f"{count}\n")
    if "l" in keys and count:
        ctx.out(f"{shown}\n")
    if "L" in keys and not count:
        ctx.out(f"{shown}\n")
    if "L" in keys:
        pass  # grep 3.2+: -L's status is still whether any line was selected
    return count
