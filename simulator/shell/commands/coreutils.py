"""coreutils and friends: ls, stat, touch, mkdir, rm, cp, mv, ln, chown, chgrp, chmod,
mknod, id, readlink, realpath (formats: commands.md 2 and 3)."""

from __future__ import annotations

import contextlib
import math
import re

import attrs

from simulator.errors import NotModelled
from simulator.kernel import errno_table as errno
from simulator.kernel import open_flags
from simulator.kernel.calls_files import StatResult
from simulator.kernel.inode import DeviceNumber, Kind
from simulator.shell.accounts import (
    group_names,
    lookup_group,
    lookup_user,
    user_entry,
    user_groups,
    user_names,
)
from simulator.shell.collation import collate_key
from simulator.shell.commands.fileinfo import (
    blocks_512,
    full_date,
    ls_date,
    mode_string,
    mode_string_bits,
    type_name,
)
from simulator.shell.host_views import tree
from simulator.shell.options import (
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


def _context(ctx: CommandContext, path: str, follow: bool = True) -> str:
    try:
        return ctx.host.getfilecon(ctx.proc, path, follow=follow)
    except OSError:
        return "?"


# -- ls ------------------------------------------------------------------------------------------


@attrs.frozen(repr=False)
class _Entry:
    name: str  # as printed
    path: str  # as resolved
    st: StatResult
    context: str
    target: str | None


def _entry(
    ctx: CommandContext, name: str, path: str, st: StatResult, keys: set[str], shown: str
) -> _Entry:
    target = None
    if st.kind is Kind.SYMLINK:
        try:
            target = ctx.host.readlink(ctx.proc, path)
        except OSError:
            target = None
    # coreutils: ls.c gobble_file asks for the label only for the long format (its mode
    # string ends in '.' when there is one) or -Z; other listings make no getxattr call.
    context = "?"
    if keys & {"l", "Z"}:
        try:
            context = ctx.host.getfilecon(ctx.proc, path, follow=False)
        except OSError as error:
            # a filesystem without labels is '?' quietly; any other failure is reported
            # (error (0, errno, "%s", quotearg_colon (absolute_name))) and the file listed
            if error.errno not in (errno.ENOTSUP, errno.ENODATA):
                ctx.err(f"ls: {shown}: {error.strerror}\n")
    return _Entry(name, path, st, context, target)


def _attach(dirname: str, name: str) -> str:
    """coreutils: ls.c attach, how ls names a file of a directory it lists."""
    if dirname == ".":
        return name
    return dirname + ("" if dirname.endswith("/") else "/") + name


def _print_long(ctx: CommandContext, entries: list[_Entry], flags: set[str]) -> None:
    users, groups = user_names(ctx), group_names(ctx)
    numeric = "n" in flags

    def owner(e: _Entry) -> str:
        return str(e.st.st_uid) if numeric else users.get(e.st.st_uid, str(e.st.st_uid))

    def group(e: _Entry) -> str:
        return str(e.st.st_gid) if numeric else groups.get(e.st.st_gid, str(e.st.st_gid))

    devices = [e for e in entries if e.st.st_rdev is not None and e.st.kind.is_device]
    major_w = max((len(str(e.st.st_rdev.major)) for e in devices if e.st.st_rdev), default=0)
    minor_w = max((len(str(e.st.st_rdev.minor)) for e in devices if e.st.st_rdev), default=0)

    def size_text(e: _Entry) -> str:
        return human_size(e.st.st_size) if "h" in flags else str(e.st.st_size)

    sizes = [size_text(e) for e in entries if e not in devices]
    size_w = max([len(s) for s in sizes] + ([major_w + 2 + minor_w] if devices else []))
    has_context = any(e.context != "?" for e in entries)
    widths = {
        "nlink": max(len(str(e.st.st_nlink)) for e in entries),
        "owner": max(len(owner(e)) for e in entries),
        "group": max(len(group(e)) for e in entries),
        "context": max(len(e.context) for e in entries),
        "inode": max(len(str(e.st.st_ino)) for e in entries),
    }
    now = ctx.host.clock.now
    for e in entries:
        mode = mode_string(e.st) + ("." if has_context and e.context != "?" else "")
        if has_context and e.context == "?":
            mode += " "
        line = f"{e.st.st_ino:>{widths['inode']}} " if "i" in flags else ""
        if "s" in flags:
            line += (
                f"{_blocks_text(e, flags):>{max(len(_blocks_text(x, flags)) for x in entries)}} "
            )
        line += f"{mode} {e.st.st_nlink:>{widths['nlink']}} "
        line += f"{owner(e):<{widths['owner']}} {group(e):<{widths['group']}} "
        if "Z" in flags:
            line += f"{e.context:<{widths['context']}} "
        if e in devices and e.st.st_rdev is not None:
            rdev = e.st.st_rdev
            size = f"{rdev.major:>{size_w - minor_w - 2}}, {rdev.minor:>{minor_w}}"
        else:
            size = f"{size_text(e):>{size_w}}"
        line += f"{size} {ls_date(e.st.st_mtime, now)} {e.name}"
        if "F" in flags and e.target is None:
            line += _indicator(e.st)
        if e.target is not None:
            line += f" -> {e.target}"
            if "F" in flags:  # ls.c: the target gets the indicator of what it points to
                with contextlib.suppress(OSError):
                    line += _indicator(ctx.host.stat(ctx.proc, e.path))
        ctx.out(line + "\n")


LS = Spec(
    "ls",
    (
        opt("a", "a", "all"),
        unmodelled(long="escape", short="b"),
        opt("d", "d", "directory"),
        unmodelled("D", "dired"),
        unmodelled(long="full-time"),
        unmodelled(long="group-directories-first"),
        opt("h", "h", "human-readable"),
        opt("i", "i", "inode"),
        opt("k", "k", "kibibytes"),
        opt("n", "n", "numeric-uid-gid"),
        unmodelled("G", "no-group"),
        unmodelled("q", "hide-control-chars"),
        opt("r", "r", "reverse"),
        opt("s", "s", "size"),
        unmodelled("w", "width", REQUIRED),
        opt("A", "A", "almost-all"),
        unmodelled("B", "ignore-backups"),
        opt("F", "F", "classify"),
        unmodelled(long="file-type"),
        unmodelled(long="si"),
        unmodelled("H", "dereference-command-line"),
        unmodelled(long="dereference-command-line-symlink-to-dir"),
        unmodelled(long="hide", arg=REQUIRED),
        unmodelled("I", "ignore", REQUIRED),
        unmodelled(long="indicator-style", arg=REQUIRED),
        opt("L", "L", "dereference"),
        unmodelled("N", "literal"),
        unmodelled("Q", "quote-name"),
        unmodelled(long="quoting-style", arg=REQUIRED),
        opt("R", "R", "recursive"),
        unmodelled(long="format", arg=REQUIRED),
        unmodelled(long="show-control-chars"),
        unmodelled(long="sort", arg=REQUIRED),
        unmodelled("T", "tabsize", REQUIRED),
        unmodelled(long="time", arg=REQUIRED),
        unmodelled(long="time-style", arg=REQUIRED),
        unmodelled(long="color", arg=OPTIONAL),
        unmodelled(long="hyperlink", arg=OPTIONAL),
        unmodelled(long="block-size", arg=REQUIRED),
        opt("Z", "Z", "context"),
        unmodelled(long="author"),
        unmodelled(long="help"),
        unmodelled(long="version"),
        opt("l", "l"),
        opt("1", "1"),
        opt("S", "S"),
        opt("t", "t"),
        opt("U", "U"),
        unmodelled("c"),
        unmodelled("C"),
        unmodelled("f"),
        unmodelled("g"),
        unmodelled("m"),
        unmodelled("o"),
        unmodelled("p"),
        unmodelled("u"),
        unmodelled("v"),
        unmodelled("x"),
        unmodelled("X"),
    ),
    status=2,
)


def human_size(size: int) -> str:
    """coreutils human_readable with -h: powers of 1024, rounded up, one decimal below 10."""
    if size < 1024:
        return str(size)
    value = float(size)
    for unit in "KMGTPEZY":
        value /= 1024
        if value < 10:
            tenths = math.ceil(value * 10 - 1e-9)
            if tenths < 100:
                return f"{tenths // 10}.{tenths % 10}{unit}"
            return f"10{unit}"
        if math.ceil(value - 1e-9) < 1024:
            return f"{math.ceil(value - 1e-9)}{unit}"
    return f"{size}"


def _indicator(st: StatResult) -> str:
    """ls -F (coreutils: ls.c get_type_indicator)."""
    if st.kind is Kind.DIRECTORY:
        return "/"
    if st.kind is Kind.SYMLINK:
        return "@"
    if st.kind is Kind.FIFO:
        return "|"
    if st.kind is Kind.SOCKET:
        return "="
    if st.kind is Kind.REGULAR and st.mode & 0o111:
        return "*"
    return ""


def _sorted_entries(entries: list[_Entry], keys: set[str]) -> list[_Entry]:
    """coreutils: ls.c sort_files; names compare with strcoll (en_US.UTF-8)."""
    if "U" in keys or len(entries) < 2:
        return entries  # (one entry: every order is the same)
    ordered = sorted(entries, key=lambda e: collate_key(e.name))
    if "S" in keys:
        ordered.sort(key=lambda e: -e.st.st_size)
    elif "t" in keys:
        ordered.sort(key=lambda e: -e.st.st_mtime)
    if "r" in keys:
        ordered.reverse()
    return ordered


def _blocks_text(e: _Entry, keys: set[str]) -> str:
    blocks = blocks_512(e.st)
    return human_size(blocks * 512) if "h" in keys else str(-(-blocks // 2))


def _print_short(ctx: CommandContext, entries: list[_Entry], keys: set[str]) -> None:
    inode_width = max(len(str(e.st.st_ino)) for e in entries)
    context_width = max(len(e.context) for e in entries)
    block_width = max(len(_blocks_text(e, keys)) for e in entries)
    for e in entries:
        line = ""
        if "i" in keys:
            line += f"{e.st.st_ino:>{inode_width}} "
        if "s" in keys:
            line += f"{_blocks_text(e, keys):>{block_width}} "
        if "Z" in keys:
            line += f"{e.context:>{context_width}} "
        line += e.name + (_indicator(e.st) if "F" in keys else "")
        ctx.out(line + "\n")


def _print_listing(ctx: CommandContext, entries: list[_Entry], keys: set[str]) -> None:
    if not entries:
        return
    if "l" in keys or "n" in keys:
        _print_long(ctx, entries, keys)
    else:
        _print_short(ctx, entries, keys)


@tool("ls")
def ls(ctx: CommandContext) -> int:
    parsed = parse(ctx, LS)
    keys = {k for k, _ in parsed.options}
    if "n" in keys:
        keys.add("l")
    operands = parsed.operands or ["."]
    status = 0
    files: list[_Entry] = []
    dirs: list[_Entry] = []
    long = "l" in keys
    for name in operands:
        try:
            st = ctx.host.lstat(ctx.proc, name)
        except OSError as error:
            ctx.err(f"ls: cannot access {quoteaf(name)}: {error.strerror}\n")
            status = 2
            continue
        if st.kind is Kind.SYMLINK and (
            "L" in keys or ("d" not in keys and not long and "F" not in keys)
        ):
            try:
                st = ctx.host.stat(ctx.proc, name)
            except OSError as error:
                if "L" in keys:
                    ctx.err(f"ls: cannot access {quoteaf(name)}: {error.strerror}\n")
                    status = 2
                    continue
        entry = _entry(ctx, name, name, st, keys, name)
        if st.kind is Kind.DIRECTORY and "d" not in keys:
            dirs.append(entry)
        else:
            files.append(entry)
    _print_listing(ctx, _sorted_entries(files, keys), keys)
    show_headers = len(operands) > 1 or bool(files) or "R" in keys or status != 0
    printed = bool(files)
    pending = [(e.name, e.path) for e in _sorted_entries(dirs, keys)]
    pending.reverse()
    while pending:  # -R: iterative, subdirectories right after their parent (ls.c)
        name, path = pending.pop()
        if printed:
            ctx.out("\n")
        printed = True
        if show_headers:
            ctx.out(f"{name}:\n")
        try:
            names = ctx.host.listdir(ctx.proc, path)
        except OSError as error:
            ctx.err(f"ls: cannot open directory {quoteaf(name)}: {error.strerror}\n")
            status = 2
            continue
        if "a" in keys:
            names = [".", "..", *names]
        elif "A" not in keys:
            names = [n for n in names if not n.startswith(".")]
        entries = []
        for child in names:
            child_path = path.rstrip("/") + "/" + child if path.rstrip("/") else "/" + child
            try:
                st = ctx.host.lstat(ctx.proc, child_path)
            except OSError as error:
                ctx.err(f"ls: cannot access {quoteaf(child_path)}: {error.strerror}\n")
                status = 1
                continue
            entries.append(_entry(ctx, child, child_path, st, keys, _attach(name, child)))
        entries = _sorted_entries(entries, keys)
        if long or "s" in keys:
            total = sum(blocks_512(e.st) for e in entries)
            shown = human_size(total * 512) if "h" in keys else str(total // 2)
            ctx.out(f"total {shown}\n")
        _print_listing(ctx, entries, keys)
        if "R" in keys:
            below = [
                (name.rstrip("/") + "/" + e.name if name != "/" else "/" + e.name, e.path)
                for e in entries
                if e.st.kind is Kind.DIRECTORY and e.name not in (".", "..")
            ]
            pending.extend(reversed(below))
    return status


# -- stat --------------------------------------------------------------------------------------

STAT = Spec(
    "stat",
    (
        opt("L", "L", "dereference"),
        opt("c", "c", "format", REQUIRED),
        opt("printf", "", "printf", REQUIRED),
        unmodelled("f", "file-system"),
        unmodelled("t", "terse"),
        unmodelled(long="cached", arg=REQUIRED),
        unmodelled(long="help"),
        unmodelled(long="version"),
    ),
)

_STAT_ESCAPES = {"a": "\a", "b": "\b", "e": "\x1b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}
_STAT_ESCAPES.update({"v": "\v", "\\": "\\", '"': '"'})


def _stat_escapes(fmt: str) -> str:
    """stat --printf backslash escapes (coreutils: stat.c print_esc_char)."""
    out = []
    i = 0
    while i < len(fmt):
        if fmt[i] == "\\" and i + 1 < len(fmt):
            nxt = fmt[i + 1]
            if nxt in "01234567":
                j = i + 1
                while j < len(fmt) and j < i + 4 and fmt[j] in "01234567":
                    j += 1
                out.append(chr(int(fmt[i + 1 : j], 8) & 0xFF))
                i = j
                continue
            out.append(_STAT_ESCAPES.get(nxt, "\\" + nxt))
            i += 2
            continue
        out.append(fmt[i])
        i += 1
    return "".join(out)


def _stat_format(ctx: CommandContext, fmt: str, name: str, st: StatResult) -> tuple[str, bool]:
    """Expand stat's ``%`` directives (with flags and widths); the flag says whether the
    context lookup failed."""
    users, groups = user_names(ctx), group_names(ctx)
    failed = False
    out = []
    i = 0
    while i < len(fmt):
        char = fmt[i]
        if char != "%":
            out.append(char)
            i += 1
            continue
        match = re.match(r"%([-#0 +']*)(\d*)(?:\.(\d+))?(.?)", fmt[i:])
        assert match is not None
        flags, width, _, code = match.groups()
        i += match.end()
        if code == "":
            out.append("%" + flags + width)
            continue
        if code == "%":
            out.append("%")
            continue
        rdev = st.st_rdev or DeviceNumber(0, 0)
        value: str
        if code == "C":
            try:
                value = ctx.host.getfilecon(ctx.proc, name)
            except OSError as error:
                ctx.err(
                    f"stat: failed to get security context of {quoteaf(name)}: {error.strerror}\n"
                )
                value = "?"
                failed = True
        elif code == "N":
            value = quoteaf(name)
            if st.kind is Kind.SYMLINK:
                value += " -> " + quoteaf(ctx.host.readlink(ctx.proc, name))
        else:
            dates = {
                "x": full_date(st.st_atime),
                "y": full_date(st.st_mtime),
                "z": full_date(st.st_ctime),
                "w": "-",
                "X": str(st.st_atime),
                "Y": str(st.st_mtime),
                "Z": str(st.st_ctime),
                "W": "0",
            }
            values = {
                "n": name,
                "i": str(st.st_ino),
                "a": f"{st.mode:o}",
                "A": mode_string(st),
                "f": f"{_raw_mode(st):x}",
                "u": str(st.st_uid),
                "g": str(st.st_gid),
                "U": users.get(st.st_uid, "UNKNOWN"),
                "G": groups.get(st.st_gid, "UNKNOWN"),
                "F": type_name(st),
                "s": str(st.st_size),
                "t": f"{rdev.major:x}",
                "T": f"{rdev.minor:x}",
                "h": str(st.st_nlink),
                "b": str(blocks_512(st)),
                "B": "512",
                "o": "4096",
                "d": str(st.st_dev.encode()),
                "D": f"{st.st_dev.encode():x}",
                "m": "?",
                **dates,
            }
            if code == "m":
                raise NotModelled("stat %m")
            value = values.get(code, "?")
        if width:
            if int(width) > MAX_FIELD_WIDTH:
                raise NotModelled(f"stat field width above {MAX_FIELD_WIDTH}")
            value = value.ljust(int(width)) if "-" in flags else value.rjust(int(width))
        out.append(value)
    return "".join(out), failed


MAX_FIELD_WIDTH = 1 << 20

_TYPE_BITS = {
    Kind.REGULAR: 0o100000,
    Kind.DIRECTORY: 0o40000,
    Kind.SYMLINK: 0o120000,
    Kind.BLOCK: 0o60000,
    Kind.CHAR: 0o20000,
    Kind.FIFO: 0o10000,
    Kind.SOCKET: 0o140000,
}


def _raw_mode(st: StatResult) -> int:
    return _TYPE_BITS[st.kind] | st.mode


@tool("stat")
def stat(ctx: CommandContext) -> int:
    parsed = parse(ctx, STAT)
    if not parsed.operands:
        raise try_help(ctx, STAT, "missing operand")
    fmt: str | None = None
    for key, value in parsed.options:
        if key == "c":
            fmt = (value or "") + "\n"
        elif key == "printf":
            fmt = _stat_escapes(value or "")
    status = 0
    for name in parsed.operands:
        try:
            st = (
                ctx.host.stat(ctx.proc, name) if parsed.has("L") else ctx.host.lstat(ctx.proc, name)
            )
        except OSError as error:
            call = ctx.machine.profile.stat_call  # coreutils 8.32+: statx; 8.30: stat
            ctx.err(f"stat: cannot {call} {quoteaf(name)}: {error.strerror}\n")
            status = 1
            continue
        if fmt is not None:
            text, failed = _stat_format(ctx, fmt, name, st)
            ctx.out(text)
            status |= int(failed)
            continue
        ctx.out(_default_stat(ctx, name, st))
    return status


def _default_stat(ctx: CommandContext, name: str, st: StatResult) -> str:
    users, groups = user_names(ctx), group_names(ctx)
    shown = name
    if st.kind is Kind.SYMLINK:
        shown += f" -> {ctx.host.readlink(ctx.proc, name)}"
    dev = st.st_dev.encode()
    lines = [
        f"  File: {shown}",
        f"  Size: {st.st_size:<10}\tBlocks: {blocks_512(st):<10} "
        f"IO Block: {4096:<6} {type_name(st)}",
    ]
    if st.kind.is_device and st.st_rdev is not None:
        lines.append(
            f"Device: {dev:x}h/{dev}d\tInode: {st.st_ino:<10}  Links: {st.st_nlink:<5} "
            f"Device type: {st.st_rdev.major:x},{st.st_rdev.minor:x}"
        )
    else:
        lines.append(f"Device: {dev:x}h/{dev}d\tInode: {st.st_ino:<10}  Links: {st.st_nlink}")
    user = users.get(st.st_uid, "UNKNOWN")
    group = groups.get(st.st_gid, "UNKNOWN")
    lines.append(
        f"Access: ({st.mode:04o}/{mode_string(st)})  Uid: ({st.st_uid:5}/{user:>8})   "
        f"Gid: ({st.st_gid:5}/{group:>8})"
    )
    lines.append(f"Context: {_context(ctx, name, follow=False)}")
    lines += [
        f"Access: {full_date(st.st_atime)}",
        f"Modify: {full_date(st.st_mtime)}",
        f"Change: {full_date(st.st_ctime)}",
        " Birth: -",
    ]
    return "\n".join(lines) + "\n"


# -- making and removing ---------------------------------------------------------------------

TOUCH = Spec(
    "touch",
    (
        unmodelled("a"),
        opt("c", "c", "no-create"),
        unmodelled("d", "date", REQUIRED),
        unmodelled("f"),
        unmodelled("h", "no-dereference"),
        unmodelled("m"),
        unmodelled("r", "reference", REQUIRED),
        unmodelled("t", "", REQUIRED),
        unmodelled(long="time", arg=REQUIRED),
        unmodelled(long="help"),
        unmodelled(long="version"),
    ),
)


@tool("touch")
def touch(ctx: CommandContext) -> int:
    parsed = parse(ctx, TOUCH)
    if not parsed.operands:
        raise try_help(ctx, TOUCH, "missing file operand")
    no_create = parsed.has("c")
    status = 0
    for name in parsed.operands:
        try:
            handle = ctx.host.open(
                ctx.proc,
                name,
                open_flags.O_WRONLY | (0 if no_create else open_flags.O_CREAT),
                0o666,
            )
            inode = ctx.host.inode_at(handle.location)
            inode.mtime = inode.atime = inode.ctime = ctx.host.clock.now
        except OSError as error:
            if error.errno == errno.ENOENT and no_create:
                continue
            if error.errno == errno.EISDIR:
                continue
            ctx.err(f"touch: cannot touch {quoteaf(name)}: {error.strerror}\n")
            status = 1
    return status


MKDIR = Spec(
    "mkdir",
    (
        opt("m", "m", "mode", REQUIRED),
        opt("p", "p", "parents"),
        opt("v", "v", "verbose"),
        unmodelled("Z"),
        unmodelled(long="context", arg=OPTIONAL),
        unmodelled(long="help"),
        unmodelled(long="version"),
    ),
)


def parse_mode(spec: str, base: int, is_dir: bool, umask: int) -> int | None:
    """coreutils modechange: octal (at most 07777) or symbolic clauses; clauses without
    ``ugoa`` leave the umask's bits alone. None when invalid."""
    if spec and all(c in "01234567" for c in spec):
        value = int(spec, 8)
        return value if value <= 0o7777 else None
    mode = base
    for clause in spec.split(","):
        match = re.fullmatch(r"([ugoa]*)((?:[-+=][rwxXstugo]*)+)", clause)
        if match is None:
            return None
        who = match.group(1)
        mask = 0o7777 if who else 0o7777 & ~umask
        targets = who.replace("a", "ugo") or "ugo"
        for action in re.findall(r"[-+=][rwxXstugo]*", match.group(2)):
            op, perms = action[0], action[1:]
            bits = 0
            for letter in perms:
                if letter in "ugo":  # copy another class's bits
                    shift = {"u": 6, "g": 3, "o": 0}[letter]
                    three = (mode >> shift) & 7
                    bits |= sum(three << s for s in (6, 3, 0))
                elif letter == "r":
                    bits |= 0o444
                elif letter == "w":
                    bits |= 0o222
                elif letter == "x" or (letter == "X" and (is_dir or mode & 0o111)):
                    bits |= 0o111
                elif letter == "s":
                    bits |= 0o6000
                elif letter == "t":
                    bits |= 0o1000
            affected = 0
            for t in targets:
                affected |= {"u": 0o4700, "g": 0o2070, "o": 0o1007}[t]
            bits &= affected & mask
            if op == "+":
                mode |= bits
            elif op == "-":
                mode &= ~bits
            else:
                mode = (mode & ~(affected & (mask | 0o7000 if who else mask))) | bits
    return mode & 0o7777


@tool("mkdir")
def mkdir(ctx: CommandContext) -> int:
    parsed = parse(ctx, MKDIR)
    if not parsed.operands:
        raise try_help(ctx, MKDIR, "missing operand")
    mode_text = parsed.last("m")
    mode: int | None = None
    if mode_text is not None:
        mode = parse_mode(mode_text, 0o777, True, ctx.proc.umask)
        if mode is None:
            ctx.err(f"mkdir: invalid mode {quote(mode_text)}\n")
            return 1
    verbose = parsed.has("v")
    status = 0
    for name in parsed.operands:
        targets = [name]
        if parsed.has("p"):
            parts = name.split("/")
            targets = [
                "/".join(parts[: i + 1]) for i in range(len(parts)) if parts[i] not in ("", ".")
            ]
        for index, target in enumerate(targets):
            last = index == len(targets) - 1
            try:
                # mkdir -p: parents are 0777 & ~umask, then u+wx (coreutils: mkancesdirs)
                ctx.host.mkdir(ctx.proc, target, 0o777)
                if last and mode is not None:
                    ctx.host.chmod(ctx.proc, target, mode)
            except OSError as error:
                if error.errno == errno.EEXIST and parsed.has("p"):
                    continue
                ctx.err(f"mkdir: cannot create directory {quote(target)}: {error.strerror}\n")
                status = 1
                break
            if verbose:
                ctx.out(f"mkdir: created directory {quoteaf(target)}\n")
    return status


RM = Spec(
    "rm",
    (
        opt("f", "f", "force"),
        unmodelled("i"),
        unmodelled("I"),
        unmodelled(long="interactive", arg=OPTIONAL),
        unmodelled(long="one-file-system"),
        unmodelled(long="no-preserve-root"),
        opt("preserve-root", "", "preserve-root"),
        opt("r", "r", "recursive"),
        opt("r", "R"),
        opt("d", "d", "dir"),
        opt("v", "v", "verbose"),
        unmodelled(long="help"),
        unmodelled(long="version"),
    ),
)


def _remove(ctx: CommandContext, path: str, kind: Kind, verbose: bool) -> bool:
    try:
        if kind is Kind.DIRECTORY:
            ctx.host.rmdir(ctx.proc, path)
        else:
            ctx.host.unlink(ctx.proc, path)
    except OSError as error:
        ctx.err(f"rm: cannot remove {quoteaf(path)}: {error.strerror}\n")
        return False
    if verbose:
        what = "directory " if kind is Kind.DIRECTORY else ""
        ctx.out(f"removed {what}{quoteaf(path)}\n")
    return True


@tool("rm")
def rm(ctx: CommandContext) -> int:
    parsed = parse(ctx, RM)
    force, recursive, verbose = parsed.has("f"), parsed.has("r"), parsed.has("v")
    if not parsed.operands:
        if force:
            return 0
        raise try_help(ctx, RM, "missing operand")
    status = 0
    for name in parsed.operands:
        last = name.rstrip("/").rsplit("/", 1)[-1]
        if last in (".", ".."):
            ctx.err(f"rm: refusing to remove '.' or '..' directory: skipping {quoteaf(name)}\n")
            status = 1
            continue
        try:
            st = ctx.host.lstat(ctx.proc, name)
        except OSError as error:
            if not (force and error.errno == errno.ENOENT):
                ctx.err(f"rm: cannot remove {quoteaf(name)}: {error.strerror}\n")
                status = 1
            continue
        if st.kind is Kind.DIRECTORY and not recursive:
            if not parsed.has("d"):
                ctx.err(f"rm: cannot remove {quoteaf(name)}: Is a directory\n")
                status = 1
            elif not _remove(ctx, name, Kind.DIRECTORY, verbose):
                status = 1
            continue
        if st.kind is Kind.DIRECTORY:
            try:
                is_root = ctx.host.realpath(ctx.proc, name) == "/"
            except OSError:
                is_root = False
            if is_root:  # coreutils: --preserve-root is the default
                if name.strip("/") == "":
                    ctx.err("rm: it is dangerous to operate recursively on '/'\n")
                else:
                    ctx.err(
                        f"rm: it is dangerous to operate recursively on {quoteaf(name)} "
                        "(same as '/')\n"
                    )
                ctx.err("rm: use --no-preserve-root to override this failsafe\n")
                status = 1
                continue
            # post-order, iteratively; a directory whose contents failed stays (rm.c)
            failed: set[str] = set()
            for path in tree(ctx, name, post_order=True):
                try:
                    kind = ctx.host.lstat(ctx.proc, path).kind
                except OSError:
                    continue
                if any(f.startswith(path.rstrip("/") + "/") for f in failed):
                    failed.add(path)
                    continue
                if not _remove(ctx, path, kind, verbose):
                    failed.add(path)
                    status = 1
            continue
        if not _remove(ctx, name, st.kind, verbose):
            status = 1
    return status


def _target_path(ctx: CommandContext, source: str, dest: str) -> str:
    try:
        if ctx.host.stat(ctx.proc, dest).kind is Kind.DIRECTORY:
            return dest.rstrip("/") + "/" + source.rstrip("/").rsplit("/", 1)[-1]
    except OSError:
        pass
    return dest


def _copy_file(ctx: CommandContext, source: str, target: str, preserve: bool) -> None:
    """``cp``: a new inode with the data, mode and image header. The new file gets its
    directory's default label; with -a/-p/--preserve=context the source's label and owner."""
    data = ctx.host.read_file(ctx.proc, source)
    st = ctx.host.stat(ctx.proc, source)
    ctx.host.write_file(ctx.proc, target, data, mode=st.mode & 0o777)
    ctx.host.truncate(ctx.proc, target, st.st_size)
    if st.image is not None:
        ctx.host.set_image(ctx.proc, target, st.image)
    if preserve:
        _preserve(ctx, source, target, st)


def _preserve(ctx: CommandContext, source: str, target: str, st: StatResult) -> None:
    ctx.host.chown(ctx.proc, target, st.st_uid, st.st_gid, follow=False)
    if st.kind is not Kind.SYMLINK:
        ctx.host.chmod(ctx.proc, target, st.mode & 0o7777)
    with contextlib.suppress(OSError):
        label = ctx.host.getfilecon(ctx.proc, source, follow=False)
        ctx.host.setfilecon(ctx.proc, target, label, follow=False)


CP = Spec(
    "cp",
    (
        opt("a", "a", "archive"),
        unmodelled(long="attributes-only"),
        unmodelled(long="backup", arg=OPTIONAL),
        unmodelled("b"),
        unmodelled(long="copy-contents"),
        unmodelled("d"),
        opt("f", "f", "force"),
        unmodelled("i", "interactive"),
        unmodelled("H"),
        unmodelled("l", "link"),
        unmodelled("L", "dereference"),
        unmodelled("n", "no-clobber"),
        unmodelled("P", "no-dereference"),
        opt("p", "p"),
        opt("preserve", "", "preserve", OPTIONAL),
        unmodelled(long="no-preserve", arg=REQUIRED),
        unmodelled(long="parents"),
        opt("r", "R", "recursive"),
        opt("r", "r"),
        unmodelled(long="reflink", arg=OPTIONAL),
        unmodelled(long="remove-destination"),
        unmodelled(long="sparse", arg=REQUIRED),
        unmodelled(long="strip-trailing-slashes"),
        unmodelled("s", "symbolic-link"),
        unmodelled("S", "suffix", REQUIRED),
        unmodelled("t", "target-directory", REQUIRED),
        unmodelled("T", "no-target-directory"),
        unmodelled("u", "update"),
        opt("v", "v", "verbose"),
        unmodelled("x", "one-file-system"),
        unmodelled("Z"),
        unmodelled(long="context", arg=OPTIONAL),
        unmodelled(long="help"),
        unmodelled(long="version"),
    ),
)


def _missing_destination(ctx: CommandContext, spec: Spec, operands: list[str]) -> UsageError:
    if not operands:
        return try_help(ctx, spec, "missing file operand")
    return try_help(ctx, spec, f"missing destination file operand after {quoteaf(operands[0])}")


@tool("cp")
def cp(ctx: CommandContext) -> int:
    parsed = parse(ctx, CP)
    operands = parsed.operands
    if len(operands) < 2:
        raise _missing_destination(ctx, CP, operands)
    preserve_value = parsed.last("preserve")
    if parsed.has("preserve") and preserve_value not in (
        None,
        "all",
        "context",
        "mode,ownership,timestamps,context",
    ):
        raise NotModelled(f"cp --preserve={preserve_value}")
    preserve = parsed.has("a") or parsed.has("p") or parsed.has("preserve")
    recursive = parsed.has("r") or parsed.has("a")
    if len(operands) > 2:
        try:
            is_dir = ctx.host.stat(ctx.proc, operands[-1]).kind is Kind.DIRECTORY
        except OSError:
            is_dir = False
        if not is_dir:
            ctx.err(f"cp: target {quoteaf(operands[-1])} is not a directory\n")
            return 1
    status = 0
    for source in operands[:-1]:
        target = _target_path(ctx, source, operands[-1])
        try:
            st = (ctx.host.lstat if recursive else ctx.host.stat)(ctx.proc, source)
        except OSError as error:
            ctx.err(f"cp: cannot stat {quoteaf(source)}: {error.strerror}\n")
            status = 1
            continue
        if st.kind is Kind.DIRECTORY and not recursive:
            ctx.err(f"cp: -r not specified; omitting directory {quoteaf(source)}\n")
            status = 1
            continue
        try:
            same = ctx.host.stat(ctx.proc, target)
            if (same.st_dev, same.st_ino) == (st.st_dev, st.st_ino):
                ctx.err(f"cp: {quoteaf(source)} and {quoteaf(target)} are the same file\n")
                status = 1
                continue
        except OSError:
            pass
        status |= _copy_tree(ctx, source, target, st, preserve, parsed.has("v"))
    return status


def _copy_tree(
    ctx: CommandContext, source: str, target: str, st: StatResult, preserve: bool, verbose: bool
) -> int:
    """Copy ``source`` (a file, or with -r a tree, links copied as links) to ``target``."""
    status = 0
    base = source.rstrip("/") or "/"
    for path in tree(ctx, source, recursive=st.kind is Kind.DIRECTORY):
        dest = target + path[len(base) :] if path != source else target
        try:
            kind = ctx.host.lstat(ctx.proc, path).kind if path != source else st.kind
            if kind is Kind.DIRECTORY:
                if path == source and _exists(ctx, dest):
                    pass
                else:
                    ctx.host.mkdir(ctx.proc, dest, 0o700)
                    ctx.host.chmod(
                        ctx.proc,
                        dest,
                        ctx.host.stat(ctx.proc, path).mode & ~ctx.proc.umask
                        if not preserve
                        else ctx.host.stat(ctx.proc, path).mode,
                    )
            elif kind is Kind.SYMLINK:
                ctx.host.symlink(ctx.proc, ctx.host.readlink(ctx.proc, path), dest)
            elif kind is Kind.REGULAR:
                _copy_file(ctx, path, dest, preserve)
            else:
                raise NotModelled(f"cp of a {kind.name.lower()} file")
            if preserve and kind is not Kind.REGULAR:
                _preserve(ctx, path, dest, ctx.host.lstat(ctx.proc, path))
        except OSError as error:
            if error.filename == path:
                ctx.err(f"cp: cannot open {quoteaf(path)} for reading: {error.strerror}\n")
            else:
                ctx.err(f"cp: cannot create regular file {quoteaf(dest)}: {error.strerror}\n")
            status = 1
            continue
        if verbose:
            ctx.out(f"{quoteaf(path)} -> {quoteaf(dest)}\n")
    return status


def _exists(ctx: CommandContext, path: str) -> bool:
    try:
        ctx.host.lstat(ctx.proc, path)
    except OSError:
        return False
    return True


MV = Spec(
    "mv",
    (
        unmodelled(long="backup", arg=OPTIONAL),
        unmodelled("b"),
        opt("f", "f", "force"),
        unmodelled("i", "interactive"),
        unmodelled("n", "no-clobber"),
        unmodelled(long="strip-trailing-slashes"),
        unmodelled("S", "suffix", REQUIRED),
        unmodelled("t", "target-directory", REQUIRED),
        unmodelled("T", "no-target-directory"),
        unmodelled("u", "update"),
        opt("v", "v", "verbose"),
        unmodelled("Z", "context"),
        unmodelled(long="help"),
        unmodelled(long="version"),
    ),
)


@tool("mv")
def mv(ctx: CommandContext) -> int:
    parsed = parse(ctx, MV)
    operands = parsed.operands
    if len(operands) < 2:
        raise _missing_destination(ctx, MV, operands)
    status = 0
    for source in operands[:-1]:
        target = _target_path(ctx, source, operands[-1])
        try:
            ctx.host.lstat(ctx.proc, source)
        except OSError as error:
            ctx.err(f"mv: cannot stat {quoteaf(source)}: {error.strerror}\n")
            status = 1
            continue
        try:
            ctx.host.rename(ctx.proc, source, target)
        except OSError as error:
            if error.errno == errno.EXDEV:
                try:
                    _copy_file(ctx, source, target, preserve=True)
                    ctx.host.unlink(ctx.proc, source)
                except OSError as inner:
                    error = inner
                else:
                    if parsed.has("v"):
                        ctx.out(f"copied {quoteaf(source)} -> {quoteaf(target)}\n")
                    continue
            ctx.err(f"mv: cannot move {quoteaf(source)} to {quoteaf(target)}: {error.strerror}\n")
            status = 1
            continue
        if parsed.has("v"):
            ctx.out(f"renamed {quoteaf(source)} -> {quoteaf(target)}\n")
    return status


LN = Spec(
    "ln",
    (
        unmodelled(long="backup", arg=OPTIONAL),
        unmodelled("b"),
        unmodelled("d", "directory"),
        unmodelled("F"),
        opt("f", "f", "force"),
        unmodelled("i", "interactive"),
        unmodelled("L", "logical"),
        unmodelled("n", "no-dereference"),
        unmodelled("P", "physical"),
        unmodelled("r", "relative"),
        opt("s", "s", "symbolic"),
        unmodelled("S", "suffix", REQUIRED),
        unmodelled("t", "target-directory", REQUIRED),
        unmodelled("T", "no-target-directory"),
        opt("v", "v", "verbose"),
        unmodelled(long="help"),
        unmodelled(long="version"),
    ),
)


@tool("ln")
def ln(ctx: CommandContext) -> int:
    parsed = parse(ctx, LN)
    operands = parsed.operands
    if not operands:
        raise try_help(ctx, LN, "missing file operand")
    if len(operands) == 1:
        operands = [operands[0], "."]
    if len(operands) > 2:
        raise NotModelled("ln with several sources")
    source, dest = operands
    symbolic = parsed.has("s")
    target = _target_path(ctx, source, dest)
    kind = "symbolic" if symbolic else "hard"
    try:
        if parsed.has("f"):
            with contextlib.suppress(OSError):
                ctx.host.unlink(ctx.proc, target)
        if symbolic:
            ctx.host.symlink(ctx.proc, source, target)
        else:
            ctx.host.link(ctx.proc, source, target)
    except OSError as error:
        if error.errno == errno.EEXIST:
            ctx.err(f"ln: failed to create {kind} link {quoteaf(target)}: File exists\n")
        elif not symbolic and error.filename == source:
            ctx.err(f"ln: failed to access {quoteaf(source)}: {error.strerror}\n")
        else:
            ctx.err(
                f"ln: failed to create {kind} link {quoteaf(target)} => {quoteaf(source)}: "
                f"{error.strerror}\n"
            )
        return 1
    if parsed.has("v"):
        arrow = "->" if symbolic else "=>"
        ctx.out(f"{quoteaf(target)} {arrow} {quoteaf(source)}\n")
    return 0


# -- owners and modes -------------------------------------------------------------------------


def _chown_spec(name: str, group_only: bool) -> Spec:
    return Spec(
        name,
        (
            opt("c", "c", "changes"),
            opt("f", "f", "silent"),
            opt("f", "", "quiet"),
            opt("v", "v", "verbose"),
            opt("R", "R", "recursive"),
            opt("h", "h", "no-dereference"),
            opt("dereference", "", "dereference"),
            unmodelled(long="from", arg=REQUIRED),
            unmodelled(long="reference", arg=REQUIRED),
            unmodelled(long="no-preserve-root"),
            opt("preserve-root", "", "preserve-root"),
            unmodelled("H"),
            unmodelled("L"),
            unmodelled("P"),
            unmodelled(long="help"),
            unmodelled(long="version"),
        ),
    )


CHOWN = _chown_spec("chown", False)
CHGRP = _chown_spec("chgrp", True)


def _owner_text(ctx: CommandContext, uid: int, gid: int, *, user: bool, group: bool) -> str:
    """coreutils chown-core.c user_group_str: only the parts the command line names."""
    users, groups = user_names(ctx), group_names(ctx)
    user_text = users.get(uid, str(uid))
    group_text = groups.get(gid, str(gid))
    if user and group:
        return f"{user_text}:{group_text}"
    return user_text if user else group_text


def _chown_like(ctx: CommandContext, spec: Spec, *, group_only: bool) -> int:
    parsed = parse(ctx, spec)
    if len(parsed.operands) < 2:
        if not parsed.operands:
            raise try_help(ctx, spec, "missing operand")
        raise try_help(ctx, spec, f"missing operand after {quote(parsed.operands[0])}")
    owner, operands = parsed.operands[0], parsed.operands[1:]
    user_part, colon, group_part = ("", ":", owner) if group_only else owner.partition(":")
    uid = gid = -1
    if user_part:
        found = lookup_user(ctx, user_part)
        if found is None:
            ctx.err(f"{spec.tool}: invalid user: {quote(owner)}\n")
            return 1
        uid = found
    if colon and group_part:
        found = lookup_group(ctx, group_part)
        if found is None:
            ctx.err(f"{spec.tool}: invalid group: {quote(owner)}\n")
            return 1
        gid = found
    recursive = parsed.has("R")
    verbose, changes, silent = parsed.has("v"), parsed.has("c"), parsed.has("f")
    status = 0
    for name in operands:
        for path in tree(ctx, name, recursive=recursive):
            # chown -R without -H/-L is -P: links are changed, never followed (chown.c)
            follow = not parsed.has("h") and not recursive
            try:
                before = ctx.host.stat(ctx.proc, path, follow=follow)
                ctx.host.chown(ctx.proc, path, uid, gid, follow=follow)
                after = ctx.host.stat(ctx.proc, path, follow=follow)
            except OSError as error:
                if not silent:
                    verb = "group" if group_only else "ownership"
                    if error.errno == errno.ENOENT:
                        ctx.err(f"{spec.tool}: cannot access {quoteaf(path)}: {error.strerror}\n")
                    else:
                        ctx.err(
                            f"{spec.tool}: changing {verb} of {quoteaf(path)}: {error.strerror}\n"
                        )
                status = 1
                continue
            shown = {"user": uid != -1, "group": gid != -1 or group_only}
            old = _owner_text(ctx, before.st_uid, before.st_gid, **shown)
            new = _owner_text(ctx, after.st_uid, after.st_gid, **shown)
            what = "group" if group_only else "ownership"
            if old != new and (verbose or changes):
                ctx.out(f"changed {what} of {quoteaf(path)} from {old} to {new}\n")
            elif verbose:
                ctx.out(f"{what} of {quoteaf(path)} retained as {new}\n")
    return status


@tool("chown")
def chown(ctx: CommandContext) -> int:
    return _chown_like(ctx, CHOWN, group_only=False)


@tool("chgrp")
def chgrp(ctx: CommandContext) -> int:
    return _chown_like(ctx, CHGRP, group_only=True)


CHMOD = Spec(
    "chmod",
    (
        opt("c", "c", "changes"),
        opt("f", "f", "silent"),
        opt("f", "", "quiet"),
        opt("v", "v", "verbose"),
        opt("R", "R", "recursive"),
        unmodelled(long="no-preserve-root"),
        opt("preserve-root", "", "preserve-root"),
        unmodelled(long="reference", arg=REQUIRED),
        unmodelled(long="help"),
        unmodelled(long="version"),
    ),
)


def _mode_words(mode: int) -> str:
    return mode_string_bits(mode)


@tool("chmod")
def chmod(ctx: CommandContext) -> int:
    # chmod: "-w", "-rx", ... are modes, not options (coreutils: chmod.c main)
    args = list(ctx.args)
    mode_arg: str | None = None
    rest: list[str] = []
    for index, arg in enumerate(args):
        if arg == "--":
            rest.extend(args[index:])
            break
        if mode_arg is None and re.fullmatch(r"-[rwxXst]+", arg):
            mode_arg = arg
            continue
        rest.append(arg)
    parsed = parse(ctx, CHMOD, rest)
    operands = parsed.operands
    if mode_arg is None:
        if not operands:
            raise try_help(ctx, CHMOD, "missing operand")
        mode_arg, operands = operands[0], operands[1:]
    if not operands:
        raise try_help(ctx, CHMOD, f"missing operand after {quote(mode_arg)}")
    if parse_mode(mode_arg, 0, False, 0) is None:
        raise try_help(ctx, CHMOD, f"invalid mode: {quote(mode_arg)}")
    recursive = parsed.has("R")
    verbose, changes, silent = parsed.has("v"), parsed.has("c"), parsed.has("f")
    status = 0
    for name in operands:
        for path in tree(ctx, name, recursive=recursive):
            try:
                st = ctx.host.stat(ctx.proc, path, follow=path == name)
                if st.kind is Kind.SYMLINK:
                    continue  # chmod -R never changes links (and never follows them)
                mode = parse_mode(mode_arg, st.mode, st.kind is Kind.DIRECTORY, ctx.proc.umask)
                assert mode is not None
                ctx.host.chmod(ctx.proc, path, mode)
            except OSError as error:
                if not silent:
                    if error.errno == errno.ENOENT:
                        ctx.err(f"chmod: cannot access {quoteaf(path)}: {error.strerror}\n")
                    else:
                        ctx.err(
                            f"chmod: changing permissions of {quoteaf(path)}: {error.strerror}\n"
                        )
                status = 1
                continue
            old, new = st.mode & 0o7777, mode & 0o7777
            if old != new and (verbose or changes):
                ctx.out(
                    f"mode of {quoteaf(path)} changed from {old:04o} ({_mode_words(old)}) "
                    f"to {new:04o} ({_mode_words(new)})\n"
                )
            elif verbose:
                ctx.out(f"mode of {quoteaf(path)} retained as {new:04o} ({_mode_words(new)})\n")
    return status


MKNOD = Spec(
    "mknod",
    (
        opt("m", "m", "mode", REQUIRED),
        unmodelled("Z"),
        unmodelled(long="context", arg=OPTIONAL),
        unmodelled(long="help"),
        unmodelled(long="version"),
    ),
)

_MKNOD_KINDS = {"b": Kind.BLOCK, "c": Kind.CHAR, "u": Kind.CHAR, "p": Kind.FIFO}
MAX_MAJOR, MAX_MINOR = (1 << 12) - 1, (1 << 20) - 1  # the kernel's dev_t: 12 + 20 bits


# compiled (and cached by re) by the first mknod, not at import
_UINTMAX = r"[ \t\n\v\f\r]*\+?(0[xX][0-9a-fA-F]{1,40}|0[0-7]{0,60}|[1-9][0-9]{0,40})"


def _device_part(text: str) -> int | None:
    """coreutils mknod: ``xstrtoumax(s, NULL, 0, ...)`` (decimal, 0octal, 0xhex, nothing
    after it) into an ``unsigned int`` (``major_t``/``minor_t``); None when invalid."""
    match = re.fullmatch(_UINTMAX, text)
    if match is None:
        return None
    digits = match.group(1)
    base = 16 if digits[:2] in ("0x", "0X") else 8 if digits.startswith("0") else 10
    value = int(digits, base)
    return value if value <= 0xFFFFFFFF else None


@tool("mknod")
def mknod(ctx: CommandContext) -> int:
    """coreutils mknod.c: NAME TYPE [MAJOR MINOR]."""
    parsed = parse(ctx, MKNOD)
    operands = parsed.operands
    if not operands:
        raise try_help(ctx, MKNOD, "missing operand")
    if len(operands) == 1:
        raise try_help(ctx, MKNOD, f"missing operand after {quote(operands[0])}")
    name, letter = operands[0], operands[1]
    # mknod.c: the operand count is checked first (2 for 'p', else 4), then the type
    expected = 2 if letter.startswith("p") else 4
    if len(operands) < expected:
        raise try_help(
            ctx,
            MKNOD,
            f"missing operand after {quote(operands[-1])}\n"
            "Special files require major and minor device numbers.",
        )
    if len(operands) > expected:
        why = "\nFifos do not have major and minor device numbers." if expected == 2 else ""
        raise try_help(ctx, MKNOD, f"extra operand {quote(operands[expected])}{why}")
    kind = _MKNOD_KINDS.get(letter)
    if kind is None or len(letter) != 1:
        raise try_help(ctx, MKNOD, f"invalid device type {quote(letter)}")
    rdev = None
    if kind.is_device:
        major_text, minor_text = operands[2], operands[3]
        major, minor = _device_part(major_text), _device_part(minor_text)
        if major is None:
            ctx.err(f"mknod: invalid major device number {quote(major_text)}\n")
            return 1
        if minor is None:
            ctx.err(f"mknod: invalid minor device number {quote(minor_text)}\n")
            return 1
        if major > MAX_MAJOR or minor > MAX_MINOR:  # the kernel's dev_t: mknod(2) says EINVAL
            ctx.err(f"mknod: {quote_name(name)}: Invalid argument\n")
            return 1
        rdev = DeviceNumber(major, minor)
    mode_text = parsed.last("m")
    mode = 0o666
    if mode_text is not None:
        parsed_mode = parse_mode(mode_text, 0o666, False, ctx.proc.umask)
        if parsed_mode is None:  # coreutils mknod.c: die (..., _("invalid mode")), no operand
            ctx.err("mknod: invalid mode\n")
            return 1
        if parsed_mode & ~0o777:
            ctx.err("mknod: mode must specify only file permission bits\n")
            return 1
        mode = parsed_mode
    try:
        ctx.host.mknod(ctx.proc, name, kind, mode, rdev)
        if mode_text is not None:
            ctx.host.chmod(ctx.proc, name, mode)
    except OSError as error:
        ctx.err(f"mknod: {quote_name(name)}: {error.strerror}\n")
        return 1
    return 0


ID = Spec(
    "id",
    (
        opt("a", "a"),  # coreutils: "ignore, for compatibility with other versions"
        opt("Z", "Z", "context"),
        opt("g", "g", "group"),
        opt("G", "G", "groups"),
        opt("n", "n", "name"),
        opt("r", "r", "real"),
        opt("u", "u", "user"),
        unmodelled("z", "zero"),
        unmodelled(long="help"),
        unmodelled(long="version"),
    ),
)


@tool("id")
def id_(ctx: CommandContext) -> int:
    parsed = parse(ctx, ID)
    keys = {k for k, _ in parsed.options}
    if len(parsed.operands) > 1:
        raise try_help(ctx, ID, f"extra operand {quote(parsed.operands[1])}")
    users, groups = user_names(ctx), group_names(ctx)
    if parsed.operands:
        if "Z" in keys:
            ctx.err("id: cannot print security context when user specified\n")
            return 1
        who = parsed.operands[0]
        uid_found = lookup_user(ctx, who)
        if uid_found is None or uid_found not in users:
            ctx.err(f"id: {quote(who)}: no such user\n")
            return 1
        uid = uid_found
        name = users[uid]
        # coreutils: id.c, getpwuid(uid) after parse_user_spec: the first line with the uid
        entry = user_entry(ctx, uid)
        fields = entry.fields if entry is not None else ()
        gid = int(fields[3]) if len(fields) > 3 and fields[3].isdigit() else uid
        supplementary = tuple(user_groups(ctx, name))
        context = None
    else:
        uid, gid, supplementary = ctx.proc.uid, ctx.proc.gid, ctx.proc.groups
        context = ctx.proc.context
    only = [k for k in ("u", "g", "G", "Z") if k in keys]
    if len(only) > 1:
        ctx.err('id: cannot print "only" of more than one choice\n')
        return 1
    if not only and keys & {"n", "r"}:
        ctx.err("id: cannot print only names or real IDs in default format\n")
        return 1
    all_groups = list(dict.fromkeys((gid, *supplementary)))
    names = "n" in keys
    if only == ["Z"]:
        ctx.out((context or "") + "\n")
    elif only == ["u"]:
        ctx.out((users.get(uid, str(uid)) if names else str(uid)) + "\n")
    elif only == ["g"]:
        ctx.out((groups.get(gid, str(gid)) if names else str(gid)) + "\n")
    elif only == ["G"]:
        ctx.out(" ".join(groups.get(g, str(g)) if names else str(g) for g in all_groups) + "\n")
    else:
        group_list = ",".join(f"{g}({groups.get(g, g)})" for g in all_groups)
        line = (
            f"uid={uid}({users.get(uid, uid)}) gid={gid}({groups.get(gid, gid)}) "
            f"groups={group_list}"
        )
        if context is not None:
            line += f" context={context}"
        ctx.out(line + "\n")
    return 0


READLINK = Spec(
    "readlink",
    (
        opt("f", "f", "canonicalize"),
        opt("e", "e", "canonicalize-existing"),
        opt("m", "m", "canonicalize-missing"),
        opt("n", "n", "no-newline"),
        opt("q", "q", "quiet"),
        opt("q", "s", "silent"),
        opt("v", "v", "verbose"),
        unmodelled("z", "zero"),
        unmodelled(long="help"),
        unmodelled(long="version"),
    ),
)

MAX_SYMLINKS = 40  # the kernel's limit; canonicalize fails with ELOOP after it


def canonicalize(ctx: CommandContext, path: str, mode: str) -> str:
    """gnulib canonicalize_filename_mode: ``e`` every component must exist, ``f`` all but
    the last, ``m`` none. Raises OSError (ENOENT, ENOTDIR, ELOOP) like the library."""
    if not path:
        raise OSError(errno.ENOENT, "No such file or directory", path)
    resolved = "" if path.startswith("/") else ctx.host.realpath(ctx.proc, ".").rstrip("/")
    pending = [p for p in path.split("/") if p]
    pending.reverse()
    links = 0
    while pending:
        part = pending.pop()
        if part == ".":
            continue
        if part == "..":
            resolved = resolved.rsplit("/", 1)[0]
            continue
        candidate = resolved + "/" + part
        try:
            st = ctx.host.lstat(ctx.proc, candidate)
        except OSError as error:
            last = not pending
            if mode == "m" or (mode == "f" and last and error.errno == errno.ENOENT):
                resolved = candidate
                continue
            raise
        if st.kind is Kind.SYMLINK:
            links += 1
            if links > MAX_SYMLINKS:
                raise OSError(errno.ELOOP, "Too many levels of symbolic links", path)
            target = ctx.host.readlink(ctx.proc, candidate)
            if target.startswith("/"):
                resolved = ""
            pending.extend(reversed([p for p in target.split("/") if p]))
            continue
        if pending and st.kind is not Kind.DIRECTORY and mode != "m":
            raise OSError(errno.ENOTDIR, "Not a directory", path)
        resolved = candidate
    return resolved or "/"


@tool("readlink")
def readlink(ctx: CommandContext) -> int:
    parsed = parse(ctx, READLINK)
    if not parsed.operands:
        raise try_help(ctx, READLINK, "missing operand")
    mode = ""
    for key, _ in parsed.options:
        if key in "fem":
            mode = key
    verbose = [k for k, _ in parsed.options if k in ("v", "q")][-1:] == ["v"]  # last wins
    end = "" if parsed.has("n") and len(parsed.operands) == 1 else "\n"
    status = 0
    for name in parsed.operands:
        try:
            value = canonicalize(ctx, name, mode) if mode else ctx.host.readlink(ctx.proc, name)
        except OSError as error:
            if verbose:
                ctx.err(f"readlink: {name}: {error.strerror}\n")
            status = 1
            continue
        if not mode:
            try:
                if ctx.host.lstat(ctx.proc, name).kind is not Kind.SYMLINK:
                    if verbose:
                        ctx.err(f"readlink: {name}: Invalid argument\n")
                    status = 1
                    continue
            except OSError:
                status = 1
                continue
        ctx.out(value + end)
    return status


REALPATH = Spec(
    "realpath",
    (
        opt("e", "e", "canonicalize-existing"),
        opt("m", "m", "canonicalize-missing"),
        unmodelled("L", "logical"),
        unmodelled("P", "physical"),
        opt("q", "q", "quiet"),
        unmodelled(long="relative-to", arg=REQUIRED),
        unmodelled(long="relative-base", arg=REQUIRED),
        unmodelled("s", "strip"),
        unmodelled("s", "no-symlinks"),
        unmodelled("z", "zero"),
        unmodelled(long="help"),
        unmodelled(long="version"),
    ),
)


@tool("realpath")
def realpath(ctx: CommandContext) -> int:
    parsed = parse(ctx, REALPATH)
    if not parsed.operands:
        raise try_help(ctx, REALPATH, "missing operand")
    mode = "f"
    for key, _ in parsed.options:
        if key in "em":
            mode = key
    status = 0
    for name in parsed.operands:
        try:
            ctx.out(canonicalize(ctx, name, mode) + "\n")
        except OSError as error:
            if not parsed.has("q"):
                ctx.err(f"realpath: {name}: {error.strerror}\n")
            status = 1
    return status
