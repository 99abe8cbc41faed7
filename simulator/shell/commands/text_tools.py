"""Text utilities over bytes (coreutils 8.32 in en_US.UTF-8): cat, head, tail, wc, cut, sort,
uniq, tr, tee. Lines end only at ``\\n``; every other byte passes through untouched."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

from simulator.kernel import errno_table as errno
from simulator.kernel.inode import Kind
from simulator.shell.collation import collate_key
from simulator.shell.host_views import read_operand
from simulator.shell.options import (
    NONE,
    OPTIONAL,
    REQUIRED,
    Spec,
    UsageError,
    opt,
    parse,
    quote,
    quote_name,
    quoteaf,
    tool,
    try_help,
    unmodelled,
)
from simulator.shell.registry import CommandContext


def split_lines(data: bytes) -> list[bytes]:
    """Lines without their ``\\n``; a last line without one still counts."""
    if not data:
        return []
    lines = data.split(b"\n")
    if lines[-1] == b"":
        lines.pop()
    return lines


def _strerror(error: OSError) -> str:
    return error.strerror or ""


# -- cat ---------------------------------------------------------------------------------------

CAT = Spec(
    "cat",
    (
        opt("A", "A", "show-all"),
        opt("b", "b", "number-nonblank"),
        opt("e", "e"),
        opt("E", "E", "show-ends"),
        opt("n", "n", "number"),
        opt("s", "s", "squeeze-blank"),
        opt("t", "t"),
        opt("T", "T", "show-tabs"),
        opt("u", "u"),  # coreutils: "(ignored)"
        opt("v", "v", "show-nonprinting"),
        unmodelled(long="help"),
        unmodelled(long="version"),
    ),
)


def _nonprinting(byte: int, tabs: bool) -> bytes:
    """cat -v: ``^X``, ``M-X``, ``^?`` (coreutils: cat.c cat)."""
    prefix = b""
    if byte >= 128:
        prefix, byte = b"M-", byte - 128
    if byte == 9 and not tabs:
        return prefix + b"\t"
    if byte < 32:
        return prefix + b"^" + bytes([byte + 64])
    if byte == 127:
        return prefix + b"^?"
    return prefix + bytes([byte])


@tool("cat")
def cat(ctx: CommandContext) -> int:
    parsed = parse(ctx, CAT)
    keys = {k for k, _ in parsed.options}
    if "A" in keys:
        keys |= {"v", "E", "T"}
    if "e" in keys:
        keys |= {"v", "E"}
    if "t" in keys:
        keys |= {"v", "T"}
    plain = not keys - {"u"}
    status = 0
    number = 0
    blank_run = 0
    for name in parsed.operands or ["-"]:
        try:
            data = read_operand(ctx, name)
        except OSError as error:
            ctx.err(f"cat: {quote_name(name)}: {_strerror(error)}\n")
            status = 1
            continue
        if plain:
            ctx.out(data)
            continue
        out = bytearray()
        for piece in _pieces(data):
            body, newline = (piece[:-1], True) if piece.endswith(b"\n") else (piece, False)
            if not body and newline:
                blank_run += 1
                if "s" in keys and blank_run > 1:
                    continue
            else:
                blank_run = 0
            if ("n" in keys and "b" not in keys) or ("b" in keys and body):
                number += 1
                out += f"{number:6d}\t".encode()
            if "v" in keys:
                body = b"".join(_nonprinting(b, "T" in keys) for b in body)
            if "T" in keys:
                body = body.replace(b"\t", b"^I")
            out += body
            if newline:
                out += b"$\n" if "E" in keys else b"\n"
        ctx.out(bytes(out))
    return status


def _pieces(data: bytes) -> list[bytes]:
    parts = data.split(b"\n")
    out = [p + b"\n" for p in parts[:-1]]
    if parts[-1]:
        out.append(parts[-1])
    return out


# -- head and tail -------------------------------------------------------------------------------

_SUFFIXES = {
    "b": 512,
    "kB": 1000,
    "K": 1024,
    "KiB": 1024,
    "MB": 1000**2,
    "M": 1024**2,
    "MiB": 1024**2,
    "GB": 1000**3,
    "G": 1024**3,
    "GiB": 1024**3,
    "TB": 1000**4,
    "T": 1024**4,
    "PB": 1000**5,
    "P": 1024**5,
    "EB": 1000**6,
    "E": 1024**6,
}


UINTMAX_MAX = (1 << 64) - 1


def _count(text: str) -> int | None:
    """xstrtoumax with head/tail's suffixes; None when invalid."""
    match = re.fullmatch(r"(\d+)([A-Za-z]*)", text)
    if match is None:
        return None
    value = int(match.group(1))
    suffix = match.group(2)
    if suffix:
        if suffix not in _SUFFIXES:
            return None
        value *= _SUFFIXES[suffix]
    return value


def _head_tail_spec(name: str) -> Spec:
    return Spec(
        name,
        (
            opt("c", "c", "bytes", REQUIRED),
            opt("n", "n", "lines", REQUIRED),
            opt("q", "q", "quiet"),
            opt("q", "", "silent"),
            opt("v", "v", "verbose"),
            unmodelled("z", "zero-terminated"),
            unmodelled("f", "follow", OPTIONAL if name == "tail" else NONE),
            unmodelled("F"),
            unmodelled("s", "sleep-interval", REQUIRED),
            unmodelled(long="pid", arg=REQUIRED),
            unmodelled(long="retry"),
            unmodelled(long="max-unchanged-stats", arg=REQUIRED),
            unmodelled(long="help"),
            unmodelled(long="version"),
        )
        if name == "tail"
        else (
            opt("c", "c", "bytes", REQUIRED),
            opt("n", "n", "lines", REQUIRED),
            opt("q", "q", "quiet"),
            opt("q", "", "silent"),
            opt("v", "v", "verbose"),
            unmodelled("z", "zero-terminated"),
            unmodelled(long="help"),
            unmodelled(long="version"),
        ),
        numeric_short=True,
    )


HEAD = _head_tail_spec("head")
TAIL = _head_tail_spec("tail")


def _amount(
    ctx: CommandContext, spec: Spec, parsed_options: list[tuple[str, str | None]]
) -> tuple[str, str, int]:
    """(unit 'n' or 'c', sign '' '-' or '+', count) from the last -n/-c/-NUM."""
    unit, sign, count = "n", "", 10
    for key, value in parsed_options:
        if key not in ("n", "c", "#"):
            continue
        assert value is not None
        unit = "n" if key == "#" else key
        text = value
        sign = ""
        if text[:1] in "+-":
            sign, text = text[0], text[1:]
        got = _count(text)
        what = "lines" if unit == "n" else "bytes"
        if got is None:
            ctx.err(f"{spec.tool}: invalid number of {what}: {quote(value)}\n")
            raise UsageError(1)
        if got > UINTMAX_MAX:  # xdectoumax: EOVERFLOW
            ctx.err(
                f"{spec.tool}: invalid number of {what}: {quote(value)}: "
                "Value too large for defined data type\n"
            )
            raise UsageError(1)
        count = got
    return unit, sign, count


def _head_tail(ctx: CommandContext, spec: Spec) -> int:
    parsed = parse(ctx, spec)
    unit, sign, count = _amount(ctx, spec, parsed.options)
    names = parsed.operands or ["-"]
    verbose = parsed.has("v") or (len(names) > 1 and not parsed.has("q"))
    if parsed.has("q") and parsed.last("q") is None:
        verbose = parsed.options[-1][0] == "v" if parsed.has("v") else False
    status = 0
    first = True
    for name in names:
        shown = "standard input" if name == "-" else name
        try:
            data = ctx.host.read_file(ctx.proc, name) if name != "-" else ctx.stdin
        except OSError as error:
            ctx.err(f"{spec.tool}: cannot open {quoteaf(name)} for reading: {_strerror(error)}\n")
            status = 1
            continue
        if verbose:
            ctx.out(("" if first else "\n") + f"==> {shown} <==\n")
        first = False
        try:
            read_operand(ctx, name)
        except OSError as error:
            ctx.err(f"{spec.tool}: error reading {quoteaf(name)}: {_strerror(error)}\n")
            status = 1
            continue
        ctx.out(_select(data, spec.tool, unit, sign, count))
    return status


def _select(data: bytes, name: str, unit: str, sign: str, count: int) -> bytes:
    if unit == "c":
        if name == "head":
            return data[: max(len(data) - count, 0)] if sign == "-" else data[:count]
        if sign == "+":
            return data[max(count - 1, 0) :]
        return data[max(len(data) - count, 0) :] if count else b""
    pieces = _pieces(data)
    if name == "head":
        chosen = pieces[: max(len(pieces) - count, 0)] if sign == "-" else pieces[:count]
    elif sign == "+":
        chosen = pieces[max(count - 1, 0) :]
    else:
        chosen = pieces[max(len(pieces) - count, 0) :] if count else []
    return b"".join(chosen)


@tool("head")
def head(ctx: CommandContext) -> int:
    return _head_tail(ctx, HEAD)


@tool("tail")
def tail(ctx: CommandContext) -> int:
    return _head_tail(ctx, TAIL)


# -- wc ------------------------------------------------------------------------------------------

WC = Spec(
    "wc",
    (
        opt("c", "c", "bytes"),
        opt("m", "m", "chars"),
        opt("l", "l", "lines"),
        opt("w", "w", "words"),
        opt("L", "L", "max-line-length"),
        unmodelled(long="files0-from", arg=REQUIRED),
        unmodelled(long="help"),
        unmodelled(long="version"),
    ),
)


def _display_width(line: bytes) -> int:
    width = 0
    for char in line.decode("utf-8", "surrogateescape"):
        if char == "\t":
            width += 8 - width % 8
        elif "\udc80" <= char <= "\udcff" or not char.isprintable():
            continue
        elif unicodedata.east_asian_width(char) in "WF":
            width += 2
        else:
            width += 1
    return width


def _wc_counts(data: bytes) -> dict[str, int]:
    text = data.decode("utf-8", "surrogateescape")
    return {
        "l": data.count(b"\n"),
        "w": sum(1 for word in text.split() if any(c.isprintable() for c in word)),
        "m": sum(1 for c in text if not "\udc80" <= c <= "\udcff"),
        "c": len(data),
        "L": max((_display_width(line) for line in data.split(b"\n")), default=0),
    }


@tool("wc")
def wc(ctx: CommandContext) -> int:
    parsed = parse(ctx, WC)
    wanted = [k for k in "lwmcL" if parsed.has(k)] or ["l", "w", "c"]
    names = parsed.operands or ["-"]
    status = 0
    rows: list[tuple[list[int], str]] = []
    regular_total = 0
    minimum = 1
    errors: list[tuple[int, str]] = []
    for name in names:
        if name == "-":
            minimum = 7
        else:
            try:
                st = ctx.host.stat(ctx.proc, name)
                if st.kind is Kind.REGULAR:
                    regular_total += st.st_size
                else:
                    minimum = 7
            except OSError:
                pass
        try:
            data = read_operand(ctx, name)
        except OSError as error:
            status = 1
            errors.append((len(rows), f"wc: {quote_name(name)}: {_strerror(error)}\n"))
            if error.errno == errno.EISDIR:
                rows.append(([0] * len(wanted), name))
            continue
        counts = _wc_counts(data)
        rows.append(
            ([counts[k] for k in wanted], "" if name == "-" and not parsed.operands else name)
        )
    # wc.c: the total of -L is the longest line of all files, not a sum
    totals = [
        max((r[0][i] for r in rows), default=0) if key == "L" else sum(r[0][i] for r in rows)
        for i, key in enumerate(wanted)
    ]
    width = max(len(str(regular_total)), minimum)
    if len(names) == 1 and len(wanted) == 1:
        width = 1
    index = 0
    for position, message in [*errors, (len(rows), "")]:
        while index < position:
            values, name = rows[index]
            text = " ".join(f"{v:>{width}}" for v in values)
            ctx.out(f"{text} {name}\n" if name else f"{text}\n")
            index += 1
        ctx.err(message)
    if len(names) > 1:
        ctx.out(" ".join(f"{v:>{width}}" for v in totals) + " total\n")
    return status


# -- cut -----------------------------------------------------------------------------------------

CUT = Spec(
    "cut",
    (
        opt("b", "b", "bytes", REQUIRED),
        opt("c", "c", "characters", REQUIRED),
        opt("f", "f", "fields", REQUIRED),
        opt("d", "d", "delimiter", REQUIRED),
        opt("n", "n"),  # coreutils: "(ignored)"
        opt("s", "s", "only-delimited"),
        opt("complement", "", "complement"),
        opt("output-delimiter", "", "output-delimiter", REQUIRED),
        unmodelled("z", "zero-terminated"),
        unmodelled(long="help"),
        unmodelled(long="version"),
    ),
)


def _cut_ranges(ctx: CommandContext, text: str, fields: bool) -> list[tuple[int, int]]:
    """coreutils: set-fields.c set_fields; open ranges end at a huge number, never expanded."""

    def fail(message: str) -> UsageError:
        return try_help(ctx, CUT, message)

    what = "fields" if fields else "byte/character positions"
    bad_value = "field value" if fields else "byte/character position"
    for number in re.findall(r"\d+", text):
        if int(number) >= UINTMAX_MAX:  # set-fields.c: DECIMAL_DIGIT_ACCUMULATE overflow
            what_number = "field number" if fields else "byte/character offset"
            raise fail(f"{what_number} {quote(number)} is too large")
    ranges: list[tuple[int, int]] = []
    for item in text.replace(" ", ",").split(","):
        if item == "":
            raise fail(f"{what} are numbered from 1")
        low_text, dash, high_text = item.partition("-")
        if not dash:
            if not item.isdigit():
                raise fail(f"invalid {bad_value} {quote(item)}")
            if int(item) == 0:
                raise fail(f"{what} are numbered from 1")
            ranges.append((int(item), int(item)))
            continue
        if "-" in high_text:
            raise fail(f"invalid {'field' if fields else 'byte or character'} range")
        if not low_text and not high_text:
            raise fail("invalid range with no endpoint: -")
        for part in (low_text, high_text):
            if part and not part.isdigit():
                raise fail(f"invalid {bad_value} {quote(item)}")
        low = int(low_text) if low_text else 1
        if low == 0 or (high_text and int(high_text) == 0):
            raise fail(f"{what} are numbered from 1")
        high = int(high_text) if high_text else 1 << 62
        if high < low:
            raise fail("invalid decreasing range")
        ranges.append((low, high))
    return ranges


def _selected(index: int, ranges: list[tuple[int, int]]) -> bool:
    return any(low <= index <= high for low, high in ranges)


@tool("cut")
def cut(ctx: CommandContext) -> int:
    parsed = parse(ctx, CUT)
    lists = [(k, v) for k, v in parsed.options if k in "bcf"]
    if len({k for k, _ in lists}) > 1 or (len(lists) > 1 and lists[0][0] != lists[-1][0]):
        raise try_help(ctx, CUT, "only one list may be specified")
    if len(lists) > 1:
        raise try_help(ctx, CUT, "only one list may be specified")
    if not lists:
        raise try_help(ctx, CUT, "you must specify a list of bytes, characters, or fields")
    kind, spec_text = lists[0]
    fields = kind == "f"
    delimiter = parsed.last("d")
    if delimiter is not None and len(delimiter.encode()) > 1:
        raise try_help(ctx, CUT, "the delimiter must be a single character")
    if delimiter is not None and not fields:
        raise try_help(
            ctx, CUT, "an input delimiter may be specified only when operating on fields"
        )
    if parsed.has("s") and not fields:
        raise try_help(
            ctx, CUT, "suppressing non-delimited lines makes sense\n\tonly when operating on fields"
        )
    ranges = _cut_ranges(ctx, spec_text or "", fields)
    complement = parsed.has("complement")
    delim = (delimiter or "\t").encode() or b"\0"
    out_delim_text = parsed.last("output-delimiter")
    out_delim = delim if out_delim_text is None else out_delim_text.encode()
    status = 0
    for name in parsed.operands or ["-"]:
        try:
            data = read_operand(ctx, name)
        except OSError as error:
            ctx.err(f"cut: {quote_name(name)}: {_strerror(error)}\n")
            status = 1
            continue
        out = bytearray()
        for line in split_lines(data):
            if fields:
                if delim not in line:
                    if not parsed.has("s"):
                        out += line + b"\n"
                    continue
                parts = line.split(delim)
                chosen = [p for i, p in enumerate(parts, 1) if _selected(i, ranges) != complement]
                out += out_delim.join(chosen) + b"\n"
            else:
                if out_delim_text is None:
                    out += (
                        bytes(
                            b for i, b in enumerate(line, 1) if _selected(i, ranges) != complement
                        )
                        + b"\n"
                    )
                    continue
                pieces: list[bytes] = []
                run = bytearray()
                previous = False
                for i, b in enumerate(line, 1):
                    chosen_now = _selected(i, ranges) != complement
                    if chosen_now:
                        if not previous and run:
                            pieces.append(bytes(run))
                            run = bytearray()
                        run.append(b)
                    elif previous:
                        pieces.append(bytes(run))
                        run = bytearray()
                    previous = chosen_now
                if run:
                    pieces.append(bytes(run))
                out += out_delim.join(pieces) + b"\n"
        ctx.out(bytes(out))
    return status


# -- sort ----------------------------------------------------------------------------------------

SORT = Spec(
    "sort",
    (
        opt("b", "b", "ignore-leading-blanks"),
        opt("d", "d", "dictionary-order"),
        opt("f", "f", "ignore-case"),
        opt("g", "g", "general-numeric-sort"),
        opt("h", "h", "human-numeric-sort"),
        opt("n", "n", "numeric-sort"),
        opt("r", "r", "reverse"),
        opt("c", "c", "check"),
        opt("k", "k", "key", REQUIRED),
        opt("o", "o", "output", REQUIRED),
        opt("s", "s", "stable"),
        opt("t", "t", "field-separator", REQUIRED),
        opt("u", "u", "unique"),
        unmodelled("i", "ignore-nonprinting"),
        unmodelled("M", "month-sort"),
        unmodelled("R", "random-sort"),
        unmodelled("V", "version-sort"),
        unmodelled("m", "merge"),
        unmodelled("C"),
        unmodelled("z", "zero-terminated"),
        unmodelled("S", "buffer-size", REQUIRED),
        unmodelled("T", "temporary-directory", REQUIRED),
        unmodelled(long="parallel", arg=REQUIRED),
        unmodelled(long="random-source", arg=REQUIRED),
        unmodelled(long="sort", arg=REQUIRED),
        unmodelled(long="files0-from", arg=REQUIRED),
        unmodelled(long="compress-program", arg=REQUIRED),
        unmodelled(long="batch-size", arg=REQUIRED),
        unmodelled(long="debug"),
        unmodelled(long="help"),
        unmodelled(long="version"),
    ),
    status=2,
)

_HUMAN = " KMGTPEZY"


def _numeric(text: str) -> float:
    """The leading number (blanks, sign, digits with ',' grouping, '.' decimals), else 0."""
    match = re.match(r"[ \t]*(-?)(\d[\d,]*)?(\.\d*)?", text)
    if match is None or not (match.group(2) or (match.group(3) and len(match.group(3)) > 1)):
        return 0.0
    digits = (match.group(2) or "0").replace(",", "") + (match.group(3) or "")
    value = float(digits)
    return -value if match.group(1) else value


def _human(text: str) -> tuple[int, float]:
    match = re.match(r"[ \t]*(-?)(\d[\d,]*)?(\.\d*)?([KMGTPEZYk]?)", text)
    number = _numeric(text)
    suffix = match.group(4).upper() if match and (match.group(2) or match.group(3)) else ""
    rank = _HUMAN.index(suffix) if suffix else 0
    sign = -1 if number < 0 else (1 if number > 0 else 0)
    return (sign * rank, number)


def _general(text: str) -> tuple[int, float]:
    match = re.match(
        r"[ \t]*([-+]?(?:0[xX][0-9a-fA-F]+|(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"
        r"|inf(?:inity)?|nan))",
        text,
        re.IGNORECASE,
    )
    if match is None:
        return (0, 0.0)  # not a number: before every number
    word = match.group(1)
    try:
        value = float.fromhex(word) if "x" in word.lower() else float(word)
    except ValueError:
        return (0, 0.0)
    if value != value:
        return (1, 0.0)
    return (2, value)


class _Key:
    def __init__(self, spec: str, ctx: CommandContext) -> None:
        match = re.fullmatch(
            r"(\d+)(?:\.(\d+))?([bdfghnr]*)(?:,(\d+)(?:\.(\d+))?([bdfghnr]*))?", spec
        )
        if match is None or int(match.group(1)) == 0:
            detail = (
                "field number is zero" if spec.startswith("0") else "invalid number at field start"
            )
            ctx.err(f"sort: {detail}: invalid field specification {quote(spec)}\n")
            raise UsageError(2)
        self.start_field = int(match.group(1))
        self.start_char = int(match.group(2) or 1)
        self.end_field = int(match.group(4)) if match.group(4) else None
        self.end_char = int(match.group(5) or 0)
        self.flags = set((match.group(3) or "") + (match.group(6) or ""))


def _fields(line: str, sep: str | None) -> list[tuple[int, int]]:
    """Spans of the fields of ``line``: with -t split at sep, else a field is its leading blanks
    and the non-blanks after them."""
    spans = []
    if sep is not None:
        start = 0
        while True:
            end = line.find(sep, start)
            if end < 0:
                spans.append((start, len(line)))
                return spans
            spans.append((start, end))
            start = end + 1
    for match in re.finditer(r"[ \t]*[^ \t]+|[ \t]+$", line):
        spans.append(match.span())
    return spans or [(0, 0)]


def _key_text(line: str, key: _Key, sep: str | None, blanks: bool) -> str:
    spans = _fields(line, sep)
    if key.start_field > len(spans):
        return ""
    start = spans[key.start_field - 1][0]
    if blanks or "b" in key.flags:
        while start < len(line) and line[start] in " \t":
            start += 1
    start = min(start + key.start_char - 1, len(line))
    if key.end_field is None or key.end_field > len(spans):
        end = len(line)
    elif key.end_char == 0:
        end = spans[key.end_field - 1][1]
    else:
        field_start = spans[key.end_field - 1][0]
        end = min(field_start + key.end_char, len(line))
    return line[start : max(start, end)]


@tool("sort")
def sort(ctx: CommandContext) -> int:
    parsed = parse(ctx, SORT)
    global_flags = {k for k, _ in parsed.options if k in "bdfghnr"}
    keys = [_Key(v or "", ctx) for v in parsed.all("k")]
    sep = parsed.last("t")
    if sep is not None and len(sep) != 1:
        ctx.err(f"sort: multi-character tab {quote(sep)}\n" if sep else "sort: empty tab\n")
        return 2
    lines: list[str] = []
    for name in parsed.operands or ["-"]:
        try:
            data = read_operand(ctx, name)
        except OSError as error:
            if error.errno == errno.EISDIR:
                ctx.err(f"sort: read failed: {quote_name(name)}: {_strerror(error)}\n")
            else:
                ctx.err(f"sort: cannot read: {quote_name(name)}: {_strerror(error)}\n")
            return 2
        lines.extend(line.decode("utf-8", "surrogateescape") for line in split_lines(data))
        if parsed.has("c"):
            break

    def one(text: str, flags: set[str]) -> tuple[object, ...]:
        if "b" in flags:
            text = text.lstrip(" \t")
        if "d" in flags:  # sort.c: byte-wise, only ASCII letters, digits and blanks count
            text = "".join(c for c in text if (c.isascii() and c.isalnum()) or c in " \t")
        if "n" in flags:
            return (_numeric(text),)
        if "h" in flags:
            return _human(text)
        if "g" in flags:
            return _general(text)
        if "f" in flags:
            text = text.upper()
        return collate_key(text)

    def compare_key(line: str) -> list[tuple[tuple[object, ...], bool]]:
        if not keys:
            return [(one(line, global_flags), "r" in global_flags)]
        out = []
        for key in keys:
            flags = key.flags or global_flags
            out.append((one(_key_text(line, key, sep, "b" in global_flags), flags), "r" in flags))
        return out

    import functools

    def cmp_keys(a: str, b: str) -> int:
        for (ka, rev), (kb, _) in zip(compare_key(a), compare_key(b), strict=True):
            if ka != kb:
                result = -1 if ka < kb else 1  # type: ignore[operator,unused-ignore]
                return -result if rev else result
        return 0

    def cmp_full(a: str, b: str) -> int:
        result = cmp_keys(a, b)
        if result or parsed.has("s") or parsed.has("u"):
            return result
        ka, kb = collate_key(a), collate_key(b)
        if ka == kb:
            return 0
        result = -1 if ka < kb else 1
        return -result if "r" in global_flags else result

    if parsed.has("c"):
        name = (parsed.operands or ["-"])[0]
        for index in range(1, len(lines)):
            order = cmp_full(lines[index - 1], lines[index])
            if order > 0 or (parsed.has("u") and order == 0):
                label = "-" if name == "-" else name
                ctx.err(
                    f"sort: {label}:{index + 1}: disorder: ".encode()
                    + lines[index].encode("utf-8", "surrogateescape")
                    + b"\n"
                )
                return 1
        return 0
    ordered = sorted(lines, key=functools.cmp_to_key(cmp_full))
    if parsed.has("u"):
        unique: list[str] = []
        for line in ordered:
            if not unique or cmp_keys(unique[-1], line) != 0:
                unique.append(line)
        ordered = unique
    data = "".join(line + "\n" for line in ordered).encode("utf-8", "surrogateescape")
    output = parsed.last("o")
    if output is not None:
        try:
            ctx.host.write_file(ctx.proc, output, data)
        except OSError as error:
            ctx.err(f"sort: open failed: {quote_name(output)}: {_strerror(error)}\n")
            return 2
        return 0
    ctx.out(data)
    return 0


# -- uniq ----------------------------------------------------------------------------------------

UNIQ = Spec(
    "uniq",
    (
        opt("c", "c", "count"),
        opt("d", "d", "repeated"),
        opt("D", "D"),
        opt("f", "f", "skip-fields", REQUIRED),
        opt("i", "i", "ignore-case"),
        opt("s", "s", "skip-chars", REQUIRED),
        opt("u", "u", "unique"),
        opt("w", "w", "check-chars", REQUIRED),
        unmodelled(long="all-repeated", arg=OPTIONAL),
        unmodelled(long="group", arg=OPTIONAL),
        unmodelled("z", "zero-terminated"),
        unmodelled(long="help"),
        unmodelled(long="version"),
    ),
)


def _uniq_number(ctx: CommandContext, value: str | None, what: str) -> int:
    text = value or ""
    if not text.isdigit():
        ctx.err(f"uniq: {text}: invalid number of {what}\n")
        raise UsageError(1)
    return int(text)


@tool("uniq")
def uniq(ctx: CommandContext) -> int:
    parsed = parse(ctx, UNIQ)
    if len(parsed.operands) > 2:
        raise try_help(ctx, UNIQ, f"extra operand {quote(parsed.operands[2])}")
    skip_fields = _uniq_number(ctx, parsed.last("f", "0"), "fields to skip")
    skip_chars = _uniq_number(ctx, parsed.last("s", "0"), "bytes to skip")
    width = parsed.last("w")
    check = _uniq_number(ctx, width, "bytes to compare") if width is not None else None
    if parsed.has("c") and parsed.has("D"):
        ctx.err(
            "uniq: printing all duplicated lines and repeat counts is meaningless\n"
            "Try 'uniq --help' for more information.\n"
        )
        return 1
    source = parsed.operands[0] if parsed.operands else "-"
    try:
        data = read_operand(ctx, source)
    except OSError as error:
        if error.errno == errno.EISDIR:
            ctx.err(f"uniq: error reading {quoteaf(source)}\n")
        else:
            ctx.err(f"uniq: {quote_name(source)}: {_strerror(error)}\n")
        return 1

    def comparable(line: bytes) -> bytes:
        rest = line
        for _ in range(min(skip_fields, len(line) + 1)):
            rest = rest.lstrip(b" \t")
            match = re.match(rb"[^ \t]*", rest)
            rest = rest[match.end() if match else 0 :]
        rest = rest[skip_chars:]
        if check is not None:
            rest = rest[:check]
        if parsed.has("i"):
            rest = (
                rest.decode("utf-8", "surrogateescape")
                .casefold()
                .encode("utf-8", "surrogateescape")
            )
        return rest

    groups: list[list[bytes]] = []
    for line in split_lines(data):
        if groups and comparable(groups[-1][0]) == comparable(line):
            groups[-1].append(line)
        else:
            groups.append([line])
    out = bytearray()
    for group in groups:
        repeated = len(group) > 1
        if parsed.has("d") and not repeated and not parsed.has("D"):
            continue
        if parsed.has("u") and repeated:
            continue
        if parsed.has("D"):
            if repeated:
                out += b"".join(line + b"\n" for line in group)
            continue
        if parsed.has("c"):
            out += f"{len(group):7d} ".encode()
        out += group[0] + b"\n"
    if len(parsed.operands) == 2:
        try:
            ctx.host.write_file(ctx.proc, parsed.operands[1], bytes(out))
        except OSError as error:
            ctx.err(f"uniq: {quote_name(parsed.operands[1])}: {_strerror(error)}\n")
            return 1
        return 0
    ctx.out(bytes(out))
    return 0


# -- tr ------------------------------------------------------------------------------------------

TR = Spec(
    "tr",
    (
        opt("c", "c", "complement"),
        opt("c", "C"),
        opt("d", "d", "delete"),
        opt("s", "s", "squeeze-repeats"),
        opt("t", "t", "truncate-set1"),
        unmodelled(long="help"),
        unmodelled(long="version"),
    ),
)

_TR_CLASSES: dict[str, Callable[[int], bool]] = {
    "alnum": lambda b: chr(b).isalnum() and b < 128,
    "alpha": lambda b: chr(b).isalpha() and b < 128,
    "blank": lambda b: b in (9, 32),
    "cntrl": lambda b: b < 32 or b == 127,
    "digit": lambda b: 48 <= b <= 57,
    "graph": lambda b: 33 <= b <= 126,
    "lower": lambda b: 97 <= b <= 122,
    "print": lambda b: 32 <= b <= 126,
    "punct": lambda b: 33 <= b <= 126 and not chr(b).isalnum(),
    "space": lambda b: b in (9, 10, 11, 12, 13, 32),
    "upper": lambda b: 65 <= b <= 90,
    "xdigit": lambda b: chr(b) in "0123456789abcdefABCDEF",
}


class _TrError(Exception):
    pass


def _tr_unescape(spec: str) -> list[tuple[int, bool]]:
    """(byte, escaped) pairs of a tr operand (coreutils: tr.c unquote)."""
    raw = spec.encode("utf-8", "surrogateescape")
    out: list[tuple[int, bool]] = []
    i = 0
    while i < len(raw):
        b = raw[i]
        if b == 0x5C and i + 1 < len(raw):
            nxt = chr(raw[i + 1])
            if nxt in "01234567":
                j = i + 1
                value = 0
                while j < len(raw) and j < i + 4 and chr(raw[j]) in "01234567":
                    if value * 8 + raw[j] - 48 > 255:
                        break
                    value = value * 8 + raw[j] - 48
                    j += 1
                out.append((value, True))
                i = j
                continue
            table = {"a": 7, "b": 8, "f": 12, "n": 10, "r": 13, "t": 9, "v": 11}
            out.append((table.get(nxt, raw[i + 1]), True))
            i += 2
            continue
        out.append((b, False))
        i += 1
    return out


def _tr_expand(spec: str, *, second: bool, length: int = 0) -> tuple[list[int], list[str]]:
    """The bytes of a set and the classes used (for the upper/lower pairing)."""
    items = _tr_unescape(spec)
    out: list[int] = []
    classes: list[str] = []
    i = 0
    text = bytes(b for b, _ in items)
    while i < len(items):
        b, escaped = items[i]
        if b == ord("[") and not escaped and i + 1 < len(items):
            rest = text[i:]
            match = re.match(rb"\[:([a-z]+):\]", rest)
            if match:
                name = match.group(1).decode()
                if name not in _TR_CLASSES:
                    raise _TrError(f"invalid character class {quote(name)}")
                out.extend(c for c in range(256) if _TR_CLASSES[name](c))
                classes.append(name)
                i += match.end()
                continue
            match = re.match(rb"\[(.)\*(\d*)\]", rest, re.DOTALL)
            if match:
                count = (
                    int(match.group(2) or "0", 8 if match.group(2).startswith(b"0") else 10)
                    if match.group(2)
                    else 0
                )
                if not second:
                    out.append(b)
                    i += 1
                    continue
                # what lies beyond set1's length is never used: no need to build it
                count = min(count, length + 1)
                out.extend([match.group(1)[0]] * (count or max(length - len(out), 0)))
                i += match.end()
                continue
            match = re.match(rb"\[=(.)=\]", rest, re.DOTALL)
            if match:
                out.append(match.group(1)[0])
                i += match.end()
                continue
        if i + 2 < len(items) and items[i + 1] == (ord("-"), False):
            high = items[i + 2][0]
            if high < b:
                low_text = bytes([b]).decode("latin-1")
                high_text = bytes([high]).decode("latin-1")
                raise _TrError(
                    f"range-endpoints of '{low_text}-{high_text}' are in reverse collating "
                    "sequence order"
                )
            out.extend(range(b, high + 1))
            i += 3
            continue
        out.append(b)
        i += 1
    return out, classes


@tool("tr")
def tr(ctx: CommandContext) -> int:
    parsed = parse(ctx, TR)
    complement, delete, squeeze = parsed.has("c"), parsed.has("d"), parsed.has("s")
    operands = parsed.operands
    needed = 2 if (delete and squeeze) or not (delete or squeeze) else 1
    if not operands:
        raise try_help(ctx, TR, "missing operand")
    if len(operands) < needed:
        why = (
            "Two strings must be given when both deleting and squeezing repeats."
            if delete and squeeze
            else "Two strings must be given when translating."
        )
        raise try_help(ctx, TR, f"missing operand after {quote(operands[-1])}\n{why}")
    if len(operands) > 2 or (delete and not squeeze and len(operands) > 1):
        why = (
            "Only one string may be given when deleting without squeezing repeats."
            if delete and not squeeze
            else ""
        )
        extra = operands[1] if delete and not squeeze else operands[2]
        raise try_help(ctx, TR, f"extra operand {quote(extra)}" + (f"\n{why}" if why else ""))
    try:
        set1, classes1 = _tr_expand(operands[0], second=False)
        if complement:
            set1 = [b for b in range(256) if b not in set(set1)]
        set2: list[int] = []
        classes2: list[str] = []
        if len(operands) == 2:
            set2, classes2 = _tr_expand(operands[1], second=True, length=len(set1))
    except _TrError as error:
        ctx.err(f"tr: {error}\n")
        return 1
    data = ctx.stdin
    translating = not delete and len(operands) == 2
    if translating:
        if not set2 and set1:
            ctx.err("tr: when not truncating set1, string2 must be non-empty\n")
            return 1
        if parsed.has("t"):
            set1 = set1[: len(set2)]
        elif len(set2) < len(set1):
            set2 = set2 + [set2[-1]] * (len(set1) - len(set2))
        if classes1 and classes2 and classes1 != classes2:
            pass
        table = bytes(range(256))
        mapping = bytearray(table)
        for a, b in zip(set1, set2, strict=False):
            mapping[a] = b
        data = data.translate(bytes(mapping))
        squeeze_set = set(set2)
    elif delete:
        data = data.translate(None, bytes(set1))
        squeeze_set = set(set2)
    else:
        squeeze_set = set(set1)
    if squeeze:
        out = bytearray()
        for b in data:
            if out and out[-1] == b and b in squeeze_set:
                continue
            out.append(b)
        data = bytes(out)
    ctx.out(data)
    return 0


# -- tee -----------------------------------------------------------------------------------------

TEE = Spec(
    "tee",
    (
        opt("a", "a", "append"),
        unmodelled("i", "ignore-interrupts"),
        unmodelled("p"),
        unmodelled(long="output-error", arg=OPTIONAL),
        unmodelled(long="help"),
        unmodelled(long="version"),
    ),
)


@tool("tee")
def tee(ctx: CommandContext) -> int:
    parsed = parse(ctx, TEE)
    status = 0
    for name in parsed.operands:
        try:
            ctx.host.write_file(ctx.proc, name, ctx.stdin, append=parsed.has("a"))
        except OSError as error:
            ctx.err(f"tee: {quote_name(name)}: {_strerror(error)}\n")
            status = 1
    ctx.out(ctx.stdin)
    return status
