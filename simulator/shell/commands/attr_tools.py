"""attr 2.5.1's getfattr and setfattr (commands.md 4), after attr's tools/getfattr.c,
tools/setfattr.c and libmisc/ (quote.c, unquote.c, walk_tree.c, next_line.c).

Measured against attr 2.5.1 (the version RHEL 9 ships) by the differential corpus
tests/differential/attr_corpus.jsonl. Names, values and paths are bytes, as in C: a name or
value that is not UTF-8 prints as the same bytes.
"""

from __future__ import annotations

import base64
import re

import attrs

from simulator.kernel import errno_table as errno
from simulator.kernel.inode import Kind
from simulator.shell.options import REQUIRED, Spec, UsageError, opt, parse, tool
from simulator.shell.posix_regex import RegexError, compile_posix
from simulator.shell.registry import CommandContext

VERSION = "2.5.1"
GETFATTR_SPEC = "[-hRLP] [-n name|-d] [-e en] [-m pattern] path..."
GETFATTR_USAGE = f"Usage: getfattr {GETFATTR_SPEC}\nTry `getfattr --help' for more information.\n"
SETFATTR_USAGE = (
    "Usage: setfattr {-n name} [-v value] [-h] file...\n"
    "       setfattr {-x name} [-h] file...\n"
    "Try `setfattr --help' for more information.\n"
)
# getfattr.c help()
GETFATTR_HELP = (
    f"getfattr {VERSION} -- get extended attributes\n"
    f"Usage: getfattr {GETFATTR_SPEC}\n"
    "  -n, --name=name         get the named extended attribute value\n"
    "  -d, --dump              get all extended attribute values\n"
    "  -e, --encoding=...      encode values (as 'text', 'hex' or 'base64')\n"
    "      --match=pattern     only get attributes with names matching pattern\n"
    "      --only-values       print the bare values only\n"
    "  -h, --no-dereference    do not dereference symbolic links\n"
    "      --one-file-system   skip files on different filesystems\n"
    "      --absolute-names    don't strip leading '/' in pathnames\n"
    "  -R, --recursive         recurse into subdirectories\n"
    "  -L, --logical           logical walk, follow symbolic links\n"
    "  -P  --physical          physical walk, do not follow symbolic links\n"
    "      --version           print version and exit\n"
    "      --help              this help text\n"
)
# setfattr.c help()
SETFATTR_HELP = (
    f"setfattr {VERSION} -- set extended attributes\n"
    "Usage: setfattr {-n name} [-v value] [-h] file...\n"
    "       setfattr {-x name} [-h] file...\n"
    "  -n, --name=name         set the value of the named extended attribute\n"
    "  -x, --remove=name       remove the named extended attribute\n"
    "  -v, --value=value       use value as the attribute value\n"
    "  -h, --no-dereference    do not dereference symbolic links\n"
    "      --restore=file      restore extended attributes\n"
    "      --raw               attribute value is not encoded\n"
    "      --version           print version and exit\n"
    "      --help              this help text\n"
)

# getfattr.c long_options[] and CMD_LINE_OPTIONS "n:de:m:hRLP", in attr's order (glibc
# lists an ambiguous abbreviation's candidates in table order). Every option is modelled.
GETFATTR = Spec(
    "getfattr",
    (
        opt("n", "n", "name", REQUIRED),
        opt("d", "d", "dump"),
        opt("e", "e", "encoding", REQUIRED),
        opt("m", "m", "match", REQUIRED),
        opt("only-values", long="only-values"),
        opt("h", "h", "no-dereference"),
        opt("absolute-names", long="absolute-names"),
        opt("one-file-system", long="one-file-system"),
        opt("R", "R", "recursive"),
        opt("L", "L", "logical"),
        opt("P", "P", "physical"),
        opt("version", long="version"),
        opt("help", long="help"),
    ),
    status=2,
    full_usage=GETFATTR_USAGE,
)
# setfattr.c long_options[] and CMD_LINE_OPTIONS "n:x:v:h"
SETFATTR = Spec(
    "setfattr",
    (
        opt("n", "n", "name", REQUIRED),
        opt("x", "x", "remove", REQUIRED),
        opt("v", "v", "value", REQUIRED),
        opt("h", "h", "no-dereference"),
        opt("restore", long="restore", arg=REQUIRED),
        opt("raw", long="raw"),
        opt("version", long="version"),
        opt("help", long="help"),
    ),
    status=2,
    full_usage=SETFATTR_USAGE,
)


def _bytes(text: str) -> bytes:
    return text.encode("utf-8", "surrogateescape")


def strerror_ea(code: int | None) -> str:
    """attr's ``strerror_ea``: ENODATA (the kernel's ENOATTR) reads "No such attribute"."""
    if code == errno.ENODATA:
        return "No such attribute"
    return errno.strerror(code or 0)


def quote(text: bytes, quote_chars: bytes) -> bytes:
    """attr: libmisc/quote.c ``quote()``: a backslash and each of ``quote_chars`` as a
    backslash and three octal digits."""
    special = b"\\" + quote_chars
    return b"".join(b"\\%03o" % c if c in special else bytes((c,)) for c in text)


def unquote(text: bytes) -> bytes:
    """attr: libmisc/unquote.c ``unquote()``: only a backslash and three octal digits. The
    result is a C string: a ``\\000`` ends it."""
    out = bytearray()
    i = 0
    octal = b"01234567"
    while i < len(text):
        if (
            text[i] == 0x5C
            and len(text[i + 1 : i + 4]) == 3
            and all(c in octal for c in text[i + 1 : i + 4])
        ):
            out.append(int(text[i + 1 : i + 4], 8) & 0xFF)
            i += 4
        else:
            out.append(text[i])
            i += 1
    return bytes(out).split(b"\0", 1)[0]


def _isprint(byte: int) -> bool:
    """glibc ``isprint`` in en_US.UTF-8 on one byte: ASCII graphic characters and space
    (tab, newline and bytes >= 0x80 are not printable)."""
    return 0x20 <= byte < 0x7F


def well_enough_printable(value: bytes) -> bool:
    """getfattr.c ``well_enough_printable``: at most 1/8 non-printable bytes, a trailing NUL
    not counted."""
    data = value[:-1] if value.endswith(b"\0") else value
    nonprintable = sum(1 for b in data if not _isprint(b))
    return len(data) >= nonprintable * 8


def encode_value(value: bytes, encoding: str | None) -> bytes:
    """getfattr.c ``encode()``."""
    if encoding is None:
        encoding = "text" if well_enough_printable(value) else "base64"
    if encoding == "hex":
        return b"0x" + value.hex().encode()
    if encoding == "base64":
        return b"0s" + base64.b64encode(value)
    # text: NUL, newline, CR as octal, backslash and '"' after a backslash, every other
    # byte as it is; a NUL that ends the value (SELinux labels) is dropped
    data = value[:-1] if value.endswith(b"\0") else value
    out = bytearray(b'"')
    for b in data:
        if b in (0, 10, 13):
            out += b"\\%03o" % b
        elif b in (0x5C, 0x22):
            out += bytes((0x5C, b))
        else:
            out.append(b)
    out += b'"'
    return bytes(out)


@attrs.frozen(eq=False)
class _InOrder:
    """getopt_long's options in the order it returns them, as far as it gets: ``error`` is
    what it printed on the first bad option (and the status), to print once the options
    before it have had their effect (attr acts on each option as getopt returns it, so a
    --help, --version, bad -e or --restore before a bad option still happens)."""

    options: list[tuple[str, str | None]]
    operands: list[str]
    error: tuple[list[tuple[int, bytes]], int] | None


def _getopt_in_order(ctx: CommandContext, spec: Spec) -> _InOrder:
    """:func:`parse`, and on a usage error the options of the longest part of the command
    line that parses: getopt returned those before it met the bad one."""
    mark = len(ctx.chunks)
    try:
        parsed = parse(ctx, spec)
    except UsageError as error:
        printed = ctx.chunks[mark:]
        del ctx.chunks[mark:]
        args = ctx.args
        for end in range(len(args) - 1, -1, -1):  # bounded: one parse per argument
            try:
                before = parse(ctx, spec, args[:end])
            except UsageError:
                del ctx.chunks[mark:]
                continue
            return _InOrder(before.options, [], (printed, error.status))
        return _InOrder([], [], (printed, error.status))  # pragma: no cover - end 0 parses
    return _InOrder(parsed.options, parsed.operands, None)


def _usage_error(ctx: CommandContext, error: tuple[list[tuple[int, bytes]], int]) -> int:
    printed, status = error
    ctx.chunks.extend(printed)
    return status


def _synopsis(ctx: CommandContext, usage: str) -> int:
    """attr's ``synopsis:`` label: the usage lines without a message, exit 2."""
    ctx.err(usage)
    return 2


@attrs.define(eq=False)
class _GetfattrRun:
    """getfattr.c's globals for one run."""

    ctx: CommandContext
    name: bytes | None = None
    dump: bool = False
    encoding: str | None = None
    pattern: str = r"^user\."
    only_values: bool = False
    strip_leading_slash: bool = True
    dereference: bool = True  # WALK_TREE_DEREFERENCE
    recursive: bool = False
    logical: bool = False
    physical: bool = False
    one_file_system: bool = False
    absolute_warning: bool = False
    had_errors: int = 0

    def shown_path(self, path: bytes) -> bytes:
        """print_attribute(): leading '/' stripped (warned once per run), then one './'."""
        if not self.strip_leading_slash:
            return path
        if path.startswith(b"/"):
            if not self.absolute_warning:
                self.ctx.err("getfattr: Removing leading '/' from absolute path names\n")
                self.absolute_warning = True
            path = path.lstrip(b"/")
        elif path.startswith(b"./"):
            path = path[1:].lstrip(b"/")
        return path or b"."

    def print_attribute(self, path: str, name: bytes, header: list[bool]) -> int:
        """getfattr.c ``print_attribute``."""
        ctx = self.ctx
        value = b""
        if self.dump or self.only_values:
            try:
                value = ctx.host.getxattr(ctx.proc, path, name, follow=self.dereference)
            except OSError as error:
                # no program name on this one line (getfattr.c)
                ctx.err(
                    quote(_bytes(path), b"\n\r")
                    + b": "
                    + quote(name, b"\n\r")
                    + b": "
                    + strerror_ea(error.errno).encode()
                    + b"\n"
                )
                return 1
        shown = self.shown_path(_bytes(path))
        if not header[0] and not self.only_values:
            ctx.out(b"# file: " + quote(shown, b"\n\r") + b"\n")
            header[0] = True
        if self.only_values:
            ctx.out(value)
        elif self.dump:
            ctx.out(quote(name, b"=\n\r") + b"=" + encode_value(value, self.encoding) + b"\n")
        else:
            ctx.out(quote(name, b"=\n\r") + b"\n")
        return 0

    def list_attributes(self, path: str, header: list[bool], regex: RegexMatcher) -> int:
        """getfattr.c ``list_attributes``: names matching -m, in strcmp order; a value that
        cannot be read is reported but does not make the exit status 1 (as in attr)."""
        ctx = self.ctx
        try:
            listed = ctx.host.listxattr(ctx.proc, path, follow=self.dereference)
        except OSError as error:
            ctx.err(
                b"getfattr: "
                + quote(_bytes(path), b"\n\r")
                + b": "
                + strerror_ea(error.errno).encode()
                + b"\n"
            )
            self.had_errors += 1
            return 1
        names = sorted(n for n in listed if n and regex(n))
        for name in names:
            self.print_attribute(path, name, header)
        return 0

    def do_print(self, path: str, regex: RegexMatcher) -> int:
        """getfattr.c ``do_print``: one file's block and the blank line after it."""
        header = [False]
        if self.name is not None:
            err = self.print_attribute(path, self.name, header)
        else:
            err = self.list_attributes(path, header, regex)
        if header[0]:
            self.ctx.out("\n")
        return err

    def failed(self, path: str, error: OSError) -> int:
        """do_print() with WALK_TREE_FAILED: ``getfattr: PATH: strerror``."""
        self.ctx.err(
            b"getfattr: "
            + quote(_bytes(path), b"\n\r")
            + b": "
            + errno.strerror(error.errno or 0).encode()
            + b"\n"
        )
        return 1

    def walk_tree(self, top: str, regex: RegexMatcher) -> int:
        """attr: libmisc/walk_tree.c ``walk_tree_rec``, without recursion: lstat each path
        (stat a symbolic link unless -h), visit it, and with -R descend into directories,
        and into symbolic links to them at the top (or everywhere with -L; nowhere with
        -P); a directory already open above is not entered again. Children are named
        PATH/NAME as given ("r/" gives "r//s") and come in the lab's directory order."""
        ctx = self.ctx
        err = 0
        device = None
        open_dirs: list[tuple[object, int]] = []
        stack: list[tuple[str, int] | None] = [(top, 0)]
        while stack:
            item = stack.pop()
            if item is None:
                open_dirs.pop()
                continue
            path, depth = item
            follow_symlinks = self.logical or (
                self.dereference and not self.physical and depth == 0
            )
            try:
                st = ctx.host.lstat(ctx.proc, path)
            except OSError as error:
                err += self.failed(path, error)
                continue
            if self.one_file_system:
                if device is None:
                    device = st.st_dev
                elif st.st_dev != device:
                    continue
            symlink = st.kind is Kind.SYMLINK
            have_dir_stat = False
            if symlink:
                if self.dereference:
                    try:
                        st = ctx.host.stat(ctx.proc, path)
                    except OSError as error:
                        err += self.failed(path, error)
                        continue
                    have_dir_stat = True
            elif st.kind is Kind.DIRECTORY:
                have_dir_stat = True
            err += self.do_print(path, regex)
            if not self.recursive:
                continue
            if not ((not symlink and st.kind is Kind.DIRECTORY) or (symlink and follow_symlinks)):
                continue
            if have_dir_stat and (st.st_dev, st.st_ino) in open_dirs:
                continue
            try:
                children = ctx.host.listdir(ctx.proc, path)  # opendir + readdir
            except OSError as error:
                if error.errno not in (errno.ENOTDIR, errno.ENOENT):
                    err += self.failed(path, error)
                continue
            if not have_dir_stat:
                try:
                    st = ctx.host.stat(ctx.proc, path)
                except OSError:
                    continue
                if (st.st_dev, st.st_ino) in open_dirs:
                    continue
            open_dirs.append((st.st_dev, st.st_ino))
            stack.append(None)
            stack.extend((f"{path}/{child}", depth + 1) for child in reversed(children))
        return err


_INTERVAL = re.compile(r"\{(\d*)(,(\d*))?\}")


def _regcomp_extended_refuses(pattern: str) -> bool:
    """What glibc's ``regcomp(REG_EXTENDED)`` (RE_SYNTAX_POSIX_EXTENDED) refuses and GNU
    grep's ERE (which :func:`compile_posix` follows) takes: a ``* + ? {`` with nothing
    before it (RE_CONTEXT_INVALID_OPS: REG_BADRPT) and a ``{`` that is not an interval
    (no RE_INVALID_INTERVAL_ORD: REG_EBRACE/REG_BADBR). Measured with attr 2.5.1's
    getfattr -m: "*a", "(*a)", "a|*b", "{1}a", "a{1", "a{x}", "a{2,1}" are refused."""
    i = 0
    at_start = True
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            i += 2
            at_start = False
            continue
        if c == "[":
            i = _bracket_end(pattern, i)
            at_start = False
            continue
        if c in "*+?{" and at_start:
            return True
        if c == "{":
            found = _INTERVAL.match(pattern, i)
            if found is None or (found[1] == "" and found[2] is None):
                return True
            if found[1] and found[3] and int(found[3]) < int(found[1]):
                return True
            i = found.end()
            continue
        at_start = c in "(|"
        i += 1
    return False


def _bracket_end(pattern: str, i: int) -> int:
    """The index after the bracket expression that starts at ``pattern[i]`` (the end of
    the pattern if it is not closed: compile_posix reports that)."""
    j = i + 1
    if j < len(pattern) and pattern[j] == "^":
        j += 1
    if j < len(pattern) and pattern[j] == "]":
        j += 1
    while j < len(pattern) and pattern[j] != "]":
        if pattern[j] == "[" and j + 1 < len(pattern) and pattern[j + 1] in ":.=":
            close = pattern.find(pattern[j + 1] + "]", j + 2)
            j = len(pattern) if close < 0 else close + 2
        else:
            j += 1
    return j + 1


class RegexMatcher:
    """``regexec`` with getfattr's REG_EXTENDED | REG_NOSUB pattern on a name."""

    def __init__(self, pattern: str) -> None:
        if _regcomp_extended_refuses(pattern):
            raise RegexError("Invalid regular expression")
        self.regex = compile_posix(pattern, extended=True)

    def __call__(self, name: bytes) -> bool:
        return self.regex.search(name.decode("utf-8", "surrogateescape")) is not None


@tool("getfattr")
def getfattr(ctx: CommandContext) -> int:
    """getfattr.c ``main``: options in the order getopt_long returns them (--help,
    --version and a bad -e end the run there), then each operand's tree."""
    parsed = _getopt_in_order(ctx, GETFATTR)
    run = _GetfattrRun(ctx)
    for key, value in parsed.options:
        if key == "absolute-names":
            run.strip_leading_slash = False
        elif key == "d":
            run.dump = True
        elif key == "e":
            if value not in ("text", "hex", "base64"):
                return _synopsis(ctx, GETFATTR_USAGE)
            run.encoding = value
        elif key == "help":
            ctx.out(GETFATTR_HELP)
            return 0
        elif key == "h":
            run.dereference = False
        elif key == "n":
            run.dump = True  # getfattr.c: -n sets opt_dump
            run.name = _bytes(value or "")
        elif key == "m":
            run.pattern = "" if value == "-" else (value or "")
        elif key == "only-values":
            run.only_values = True
        elif key == "L":
            run.logical, run.physical = True, False
        elif key == "P":
            run.physical, run.logical = True, False
        elif key == "R":
            run.recursive = True
        elif key == "one-file-system":
            run.one_file_system = True
        elif key == "version":
            ctx.out(f"getfattr {VERSION}\n")
            return 0
    if parsed.error is not None:
        return _usage_error(ctx, parsed.error)
    if not parsed.operands:
        return _synopsis(ctx, GETFATTR_USAGE)
    try:
        regex = RegexMatcher(run.pattern)
    except RegexError:
        ctx.err(b'getfattr: invalid regular expression "' + _bytes(run.pattern) + b'"\n')
        return 1
    for operand in parsed.operands:
        run.had_errors += run.walk_tree(operand, regex)
    return 1 if run.had_errors else 0


@attrs.define(eq=False)
class _Decoder:
    """setfattr.c ``decode()`` with its static buffer: high_water_alloc() grows it in
    256-byte steps and leaves it NULL while nothing larger than 0 bytes was asked for, so
    a base64 value of under four characters ("0s") decodes to NULL, and setfattr then skips
    the file without a message or an error status (as attr 2.5.1 does)."""

    capacity: int = 0

    def _alloc(self, size: int) -> bool:
        """high_water_alloc(); True if the buffer is not NULL afterwards."""
        if self.capacity < size:
            self.capacity = (size + 255) & ~255
        return self.capacity > 0

    def decode(self, value: bytes) -> bytes | None:
        """The value, or None: "bad input encoding" was printed (``bad`` is True) or the
        buffer was NULL."""
        if not value:
            return b""
        if value[:2] in (b"0x", b"0X"):
            allocated = self._alloc(len(value) // 2)
            data = _decode_hex(value[2:])
        elif value[:2] in (b"0s", b"0S"):
            allocated = self._alloc(len(value) // 4 * 3)
            data = _decode_base64(value[2:])
        else:
            self._alloc(len(value))
            return _decode_text(value)
        if data is None:
            raise _BadEncoding
        return data if allocated else None


class _BadEncoding(Exception):
    """setfattr.c's bad_hex_encoding/bad_base64_encoding labels."""


_SPACE = b" \t\n\v\f\r"  # isspace() in en_US.UTF-8 on ASCII


def _hex_digit(c: int) -> int:
    return int(chr(c), 16) if chr(c) in "0123456789abcdefABCDEF" else -1


def _decode_hex(text: bytes) -> bytes | None:
    """setfattr.c decode(), "0x": pairs of hex digits, white space anywhere."""
    out = bytearray()
    v, end = 0, len(text)
    while v < end:
        while v < end and text[v] in _SPACE:
            v += 1
        if v == end:
            break
        d1 = _hex_digit(text[v])
        v += 1
        while v < end and text[v] in _SPACE:
            v += 1
        if v == end:
            return None
        d0 = _hex_digit(text[v])
        v += 1
        if d1 < 0 or d0 < 0:
            return None
        out.append(d1 << 4 | d0)
    return bytes(out)


_B64 = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"


def _base64_digit(c: int) -> int:
    """setfattr.c ``base64_digit``: -2 for '=', -1 for anything else not in the alphabet."""
    if c == 0x3D:
        return -2
    return _B64.find(bytes((c,)))


def _decode_base64(text: bytes) -> bytes | None:
    """setfattr.c decode(), "0s": groups of four, white space between groups, '='
    padding; a port of attr's loop, including what it accepts after the padding."""
    out = bytearray()
    v, end = 0, len(text)
    while True:
        while v < end and text[v] in _SPACE:
            v += 1
        if v == end:
            d0 = d1 = d2 = d3 = -2
            break
        if v + 4 > end:
            return None
        d0, d1, d2, d3 = (_base64_digit(c) for c in text[v : v + 4])
        v += 4
        if d0 < 0 or d1 < 0 or d2 < 0 or d3 < 0:
            break
        out += bytes(
            ((d0 << 2 | d1 >> 4) & 0xFF, (d1 << 4 | d2 >> 2) & 0xFF, (d2 << 6 | d3) & 0xFF)
        )
    if d0 != -2:
        if d0 == -1 or d1 < 0 or d2 == -1 or d3 == -1:
            return None
        out.append((d0 << 2 | d1 >> 4) & 0xFF)
        if d2 != -2:
            out.append((d1 << 4 | d2 >> 2) & 0xFF)
            if d3 != -2:
                out.append((d2 << 6 | d3) & 0xFF)
            elif d2 & 0x03:
                return None
        elif d1 & 0x0F or d3 != -2:
            return None
    elif d1 != -2 or d2 != -2 or d3 != -2:
        return None
    # base64_end:
    while v < end and text[v] in _SPACE:
        v += 1
    if v + 4 <= end and text[v] == 0x3D:
        if text[v + 1 : v + 4] != b"===":
            return None
        v += 4
    while v < end and text[v] in _SPACE:
        v += 1
    return None if v < end else bytes(out)


def _decode_text(value: bytes) -> bytes:
    """setfattr.c decode(), text: one pair of enclosing double quotes dropped; ``\\\\`` and
    ``\\"`` are the character, a backslash and one to three octal digits a byte, any other
    backslash stays. Reads one byte past the value where C reads the quote or the NUL."""
    buf = value + b"\0"
    v, end = 0, len(value)
    if end > 1 and buf[0] == 0x22 and buf[end - 1] == 0x22:
        v, end = 1, end - 1
    out = bytearray()
    is_octal = range(0x30, 0x38).__contains__
    while v < end:
        if buf[v] == 0x5C and buf[v + 1] in (0x5C, 0x22):
            out.append(buf[v + 1])
            v += 2
        elif buf[v] == 0x5C and is_octal(buf[v + 1]):
            c = buf[v + 1] - 0x30
            v += 2
            for _ in range(2):
                if is_octal(buf[v]):
                    c = (c << 3) + buf[v] - 0x30
                    v += 1
            out.append(c & 0xFF)
        else:
            out.append(buf[v])
            v += 1
    return bytes(out)


@attrs.define(eq=False)
class _SetfattrRun:
    """setfattr.c's globals for one run."""

    ctx: CommandContext
    set_: bool = False
    remove: bool = False
    restored: bool = False
    dereference: bool = True
    raw: bool = False
    had_errors: int = 0
    decoder: _Decoder = attrs.field(factory=_Decoder)

    def do_set(self, path: bytes, name: bytes | None, value: bytes | None) -> int:
        """setfattr.c ``do_set``: set (also for --restore) or remove one attribute."""
        ctx = self.ctx
        data = b""
        if value is not None:
            if self.raw:
                data = value
            else:
                try:
                    decoded = self.decoder.decode(value)
                except _BadEncoding:
                    ctx.err("bad input encoding\n")  # no program name (setfattr.c)
                    self.had_errors += 1
                    return 1
                if decoded is None:
                    return 1
                data = decoded
        where = path.decode("utf-8", "surrogateescape")
        try:
            if name is None:
                # --restore with file operands and no -n: setxattr(path, NULL, ...)
                raise OSError(errno.EFAULT, errno.strerror(errno.EFAULT), where)
            if self.set_ or self.restored:
                ctx.host.setxattr(ctx.proc, where, name, data, follow=self.dereference)
            else:
                ctx.host.removexattr(ctx.proc, where, name, follow=self.dereference)
        except OSError as error:
            ctx.err(
                b"setfattr: "
                + quote(path, b"\n\r")
                + b": "
                + strerror_ea(error.errno).encode()
                + b"\n"
            )
            self.had_errors += 1
            return 1
        return 0

    def restore(self, filename: str) -> int:
        """setfattr.c ``restore``: blocks of ``# file: PATH`` and ``NAME=VALUE`` lines, as
        getfattr -d prints them. A file that cannot be opened is reported but leaves the
        exit status 0 (attr returns before counting the error)."""
        ctx = self.ctx
        if filename == "-":
            data = ctx.stdin
        else:
            try:
                data = ctx.host.read_file(ctx.proc, filename)
                if ctx.host.stat(ctx.proc, filename).kind is Kind.DIRECTORY:
                    raise OSError(errno.EISDIR, errno.strerror(errno.EISDIR), filename)
            except OSError as error:
                ctx.err(f"setfattr: {filename}: {strerror_ea(error.errno)}\n")
                if error.errno != errno.EISDIR:
                    return 1  # fopen() failed
                self.had_errors += 1  # fopen() of a directory works; reading it fails
                return 1
        lines = _next_lines(data)
        status = 0
        line = 0
        i = 0
        while True:
            backup_line = line
            while i < len(lines) and lines[i] == b"":
                i += 1
                line += 1
            if i == len(lines):
                break
            header = lines[i]
            i += 1
            line += 1
            if not header.startswith(b"# file: "):
                if filename != "-":
                    ctx.err(
                        f"setfattr: {filename}: No filename found in line {backup_line}, aborting\n"
                    )
                else:
                    ctx.err(
                        f"setfattr: No filename found in line {backup_line} of standard "
                        "input, aborting\n"
                    )
                status = 1
                break
            path = unquote(header[8:])
            while i < len(lines) and lines[i] != b"":
                name, eq, value = lines[i].partition(b"=")
                i += 1
                line += 1
                status = self.do_set(path, unquote(name), value if eq else None)
            if i == len(lines):
                break
            i += 1
            line += 1
        if status:
            self.had_errors += 1
        return status


def _next_lines(data: bytes) -> list[bytes]:
    """libmisc/next_line.c over a whole file: lines without their trailing newlines and
    carriage returns; a last line without a newline still counts; a line ends at a NUL."""
    if not data:
        return []
    parts = data.split(b"\n")
    if parts[-1] == b"":
        parts.pop()
    return [part.split(b"\0", 1)[0].rstrip(b"\r\n") for part in parts]


@tool("setfattr")
def setfattr(ctx: CommandContext) -> int:
    """setfattr.c ``main``: options in the order getopt_long returns them; --restore runs
    when it is met, even if a bad option follows."""
    parsed = _getopt_in_order(ctx, SETFATTR)
    run = _SetfattrRun(ctx)
    name: bytes | None = None
    value: bytes | None = None
    for key, given in parsed.options:
        arg = _bytes(given or "")
        if key == "n":
            if name is not None or run.remove:
                return _synopsis(ctx, SETFATTR_USAGE)
            name, run.set_ = arg, True
        elif key == "h":
            run.dereference = False
        elif key == "v":
            if value is not None or run.remove:
                return _synopsis(ctx, SETFATTR_USAGE)
            value = arg
        elif key == "raw":
            run.raw = True
        elif key == "x":
            if name is not None or run.set_:
                return _synopsis(ctx, SETFATTR_USAGE)
            name, run.remove = arg, True
        elif key == "restore":
            run.restored = True
            run.restore(given or "")
        elif key == "version":
            ctx.out(f"setfattr {VERSION}\n")
            return 0
        elif key == "help":
            ctx.out(SETFATTR_HELP)
            return 0
    if parsed.error is not None:
        return _usage_error(ctx, parsed.error)
    if not (((run.remove or run.set_) and parsed.operands) or run.restored):
        return _synopsis(ctx, SETFATTR_USAGE)
    for operand in parsed.operands:
        run.do_set(_bytes(operand), None if name is None else unquote(name), value)
    return 1 if run.had_errors else 0
