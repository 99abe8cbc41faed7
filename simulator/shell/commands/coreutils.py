"""coreutils and friends: ls, stat, touch, mkdir, rm, cp, mv, ln, chown, chgrp, chmod,
mknod, id, readlink, realpath (formats: commands.md 2 and 3)."""

from __future__ import annotations

import contextlib
import re

import attrs

from simulator.kernel import errno_table as errno
from simulator.kernel import open_flags
from simulator.kernel.calls_files import StatResult
from simulator.kernel.inode import DeviceNumber, Kind
from simulator.shell.accounts import group_names, lookup_group, lookup_user, user_names
from simulator.shell.commands.fileinfo import (
    blocks_512,
    full_date,
    ls_date,
    mode_string,
    type_name,
)
from simulator.shell.host_views import tree
from simulator.shell.registry import CommandContext, command


def _usage(ctx: CommandContext, message: str, status: int = 1) -> int:
    ctx.err(f"{ctx.name}: {message}\nTry '{ctx.name} --help' for more information.\n")
    return status


def _split_options(
    ctx: CommandContext, letters: str, with_value: str = ""
) -> tuple[set[str], dict[str, str], list[str]] | None:
    """GNU short options (combined, ``--`` ends them); None after printing a usage error."""
    flags: set[str] = set()
    values: dict[str, str] = {}
    operands: list[str] = []
    args = list(ctx.args)
    while args:
        arg = args.pop(0)
        if arg == "--":
            operands.extend(args)
            break
        if arg.startswith("-") and len(arg) > 1:
            i = 1
            while i < len(arg):
                letter = arg[i]
                if letter in with_value:
                    value = arg[i + 1 :] or (args.pop(0) if args else None)
                    if value is None:
                        _usage(ctx, f"option requires an argument -- '{letter}'")
                        return None
                    values[letter] = value
                    break
                if letter not in letters:
                    _usage(ctx, f"invalid option -- '{letter}'")
                    return None
                flags.add(letter)
                i += 1
            continue
        operands.append(arg)
    return flags, values, operands


def _context(ctx: CommandContext, path: str, follow: bool = True) -> str:
    try:
        return ctx.host.getfilecon(ctx.proc, path, follow=follow)
    except OSError:
        return "?"


# -- ls ------------------------------------------------------------------------------------------


@attrs.frozen
class _Entry:
    name: str  # as printed
    path: str  # as resolved
    st: StatResult
    context: str
    target: str | None


def _entry(ctx: CommandContext, name: str, path: str, st: StatResult) -> _Entry:
    target = None
    if st.kind is Kind.SYMLINK:
        try:
            target = ctx.host.readlink(ctx.proc, path)
        except OSError:
            target = None
    return _Entry(name, path, st, _context(ctx, path, follow=False), target)


def _print_entries(ctx: CommandContext, entries: list[_Entry], flags: set[str]) -> None:
    if not entries:
        return
    if "l" in flags or "n" in flags:
        _print_long(ctx, entries, flags)
        return
    inode_width = max(len(str(e.st.st_ino)) for e in entries)
    context_width = max(len(e.context) for e in entries)
    for e in entries:
        line = ""
        if "i" in flags:
            line += f"{e.st.st_ino:>{inode_width}} "
        if "Z" in flags:
            line += f"{e.context:>{context_width}} "
        ctx.out(line + e.name + "\n")


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
    sizes = [str(e.st.st_size) for e in entries if e not in devices]
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
        line += f"{mode} {e.st.st_nlink:>{widths['nlink']}} "
        line += f"{owner(e):<{widths['owner']}} {group(e):<{widths['group']}} "
        if "Z" in flags:
            line += f"{e.context:<{widths['context']}} "
        if e in devices and e.st.st_rdev is not None:
            rdev = e.st.st_rdev
            size = f"{rdev.major:>{size_w - minor_w - 2}}, {rdev.minor:>{minor_w}}"
        else:
            size = f"{e.st.st_size:>{size_w}}"
        line += f"{size} {ls_date(e.st.st_mtime, now)} {e.name}"
        if e.target is not None:
            line += f" -> {e.target}"
        ctx.out(line + "\n")


@command("ls")
def ls(ctx: CommandContext) -> int:
    parsed = _split_options(ctx, "lZdia1nLR")
    if parsed is None:
        return 2
    flags, _, operands = parsed
    operands = operands or ["."]
    status = 0
    files: list[_Entry] = []
    dirs: list[tuple[str, str]] = []
    for name in operands:
        try:
            st = ctx.host.lstat(ctx.proc, name)
            if (
                st.kind is Kind.SYMLINK
                and ("d" not in flags or "L" in flags)
                and ("l" not in flags or name.endswith("/"))
            ):
                st = ctx.host.stat(ctx.proc, name)
        except OSError as error:
            ctx.err(f"ls: cannot access '{name}': {error.strerror}\n")
            status = 2
            continue
        if st.kind is Kind.DIRECTORY and "d" not in flags:
            dirs.append((name, name))
        else:
            files.append(_entry(ctx, name, name, st))
    _print_entries(ctx, files, flags)
    show_headers = len(operands) > 1 or bool(files)
    for index, (name, path) in enumerate(dirs):
        if files or index:
            ctx.out("\n")
        if show_headers:
            ctx.out(f"{name}:\n")
        try:
            names = ctx.host.listdir(ctx.proc, path)
        except OSError as error:
            ctx.err(f"ls: cannot open directory '{name}': {error.strerror}\n")
            status = 2
            continue
        names = [".", "..", *names] if "a" in flags else [n for n in names if not n.startswith(".")]
        entries = []
        for child in names:
            child_path = path.rstrip("/") + "/" + child if path != "/" else "/" + child
            try:
                st = ctx.host.lstat(ctx.proc, child_path)
            except OSError as error:
                ctx.err(f"ls: cannot access '{child_path}': {error.strerror}\n")
                status = 1
                continue
            entries.append(_entry(ctx, child, child_path, st))
        if "l" in flags or "n" in flags:
            total = sum(blocks_512(e.st) for e in entries) // 2
            ctx.out(f"total {total}\n")
        _print_entries(ctx, entries, flags)
    return status


# -- stat --------------------------------------------------------------------------------------


def _stat_format(ctx: CommandContext, fmt: str, name: str, st: StatResult) -> tuple[str, bool]:
    """Expand stat's ``%`` directives; the flag says whether the context lookup failed."""
    users, groups = user_names(ctx), group_names(ctx)
    failed = False
    out = []
    i = 0
    while i < len(fmt):
        char = fmt[i]
        if char == "\\" and i + 1 < len(fmt):
            out.append({"n": "\n", "t": "\t", "\\": "\\"}.get(fmt[i + 1], fmt[i + 1]))
            i += 2
            continue
        if char != "%" or i + 1 >= len(fmt):
            out.append(char)
            i += 1
            continue
        code = fmt[i + 1]
        i += 2
        rdev = st.st_rdev or DeviceNumber(0, 0)
        if code == "C":
            try:
                out.append(ctx.host.getfilecon(ctx.proc, name))
            except OSError as error:
                ctx.err(f"stat: failed to get security context of '{name}': {error.strerror}\n")
                out.append("?")
                failed = True
            continue
        values = {
            "n": name,
            "N": name,
            "i": str(st.st_ino),
            "a": f"{st.mode:o}",
            "A": mode_string(st),
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
            "y": full_date(st.st_mtime),
            "%": "%",
        }
        out.append(values.get(code, "?"))
    return "".join(out), failed


@command("stat")
def stat(ctx: CommandContext) -> int:
    parsed = _split_options(ctx, "L", with_value="c")
    if parsed is None:
        return 1
    flags, values, operands = parsed
    if not operands:
        return _usage(ctx, "missing operand")
    status = 0
    for name in operands:
        try:
            st = ctx.host.stat(ctx.proc, name) if "L" in flags else ctx.host.lstat(ctx.proc, name)
        except OSError as error:
            ctx.err(f"stat: cannot statx '{name}': {error.strerror}\n")
            status = 1
            continue
        if "c" in values:
            text, failed = _stat_format(ctx, values["c"], name, st)
            ctx.out(text + "\n")
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


@command("touch")
def touch(ctx: CommandContext) -> int:
    parsed = _split_options(ctx, "ac")
    if parsed is None:
        return 1
    flags, _, operands = parsed
    if not operands:
        return _usage(ctx, "missing file operand")
    status = 0
    for name in operands:
        try:
            handle = ctx.host.open(
                ctx.proc,
                name,
                open_flags.O_WRONLY | (0 if "c" in flags else open_flags.O_CREAT),
                0o666,
            )
            inode = ctx.host.inode_at(handle.location)
            inode.mtime = inode.atime = inode.ctime = ctx.host.clock.now
        except OSError as error:
            if error.errno == errno.ENOENT and "c" in flags:
                continue
            if error.errno == errno.EISDIR:
                continue
            ctx.err(f"touch: cannot touch '{name}': {error.strerror}\n")
            status = 1
    return status


@command("mkdir")
def mkdir(ctx: CommandContext) -> int:
    parsed = _split_options(ctx, "pv", with_value="m")
    if parsed is None:
        return 1
    flags, values, operands = parsed
    if not operands:
        return _usage(ctx, "missing operand")
    mode = int(values["m"], 8) if "m" in values else 0o777
    status = 0
    for name in operands:
        targets = [name]
        if "p" in flags:
            parts = name.rstrip("/").split("/")
            targets = ["/".join(parts[: i + 1]) for i in range(len(parts)) if parts[i]]
            if name.startswith("/"):
                targets = ["/" + t.lstrip("/") for t in targets]
        for target in targets:
            try:
                ctx.host.mkdir(ctx.proc, target, mode)
            except OSError as error:
                if error.errno == errno.EEXIST and (
                    ("p" in flags and target != name) or "p" in flags
                ):
                    continue
                ctx.err(f"mkdir: cannot create directory '{target}': {error.strerror}\n")
                status = 1
                break
    return status


def _remove_tree(ctx: CommandContext, path: str) -> bool:
    try:
        for child in ctx.host.listdir(ctx.proc, path):
            child_path = path.rstrip("/") + "/" + child
            if ctx.host.lstat(ctx.proc, child_path).kind is Kind.DIRECTORY:
                if not _remove_tree(ctx, child_path):
                    return False
            else:
                ctx.host.unlink(ctx.proc, child_path)
        ctx.host.rmdir(ctx.proc, path)
    except OSError as error:
        ctx.err(f"rm: cannot remove '{path}': {error.strerror}\n")
        return False
    return True


@command("rm")
def rm(ctx: CommandContext) -> int:
    parsed = _split_options(ctx, "frRv")
    if parsed is None:
        return 1
    flags, _, operands = parsed
    if not operands and "f" not in flags:
        return _usage(ctx, "missing operand")
    status = 0
    for name in operands:
        try:
            st = ctx.host.lstat(ctx.proc, name)
        except OSError as error:
            if "f" not in flags:
                ctx.err(f"rm: cannot remove '{name}': {error.strerror}\n")
                status = 1
            continue
        if st.kind is Kind.DIRECTORY:
            if not flags & {"r", "R"}:
                ctx.err(f"rm: cannot remove '{name}': Is a directory\n")
                status = 1
            elif not _remove_tree(ctx, name):
                status = 1
            continue
        try:
            ctx.host.unlink(ctx.proc, name)
        except OSError as error:
            ctx.err(f"rm: cannot remove '{name}': {error.strerror}\n")
            status = 1
    return status


def _target_path(ctx: CommandContext, source: str, dest: str) -> str:
    try:
        if ctx.host.stat(ctx.proc, dest).kind is Kind.DIRECTORY:
            return dest.rstrip("/") + "/" + source.rstrip("/").rsplit("/", 1)[-1]
    except OSError:
        pass
    return dest


def _copy(ctx: CommandContext, source: str, target: str) -> None:
    """``cp``: a new inode with the data, mode and image header; labelled as a new file."""
    data = ctx.host.read_file(ctx.proc, source)
    st = ctx.host.stat(ctx.proc, source)
    ctx.host.write_file(ctx.proc, target, data, mode=st.mode & 0o777)
    ctx.host.truncate(ctx.proc, target, st.st_size)
    if st.image is not None:
        ctx.host.set_image(ctx.proc, target, st.image)


@command("cp")
def cp(ctx: CommandContext) -> int:
    parsed = _split_options(ctx, "fpav")
    if parsed is None:
        return 1
    _, _, operands = parsed
    if len(operands) < 2:
        return _usage(
            ctx,
            "missing file operand"
            if not operands
            else f"missing destination file operand after '{operands[0]}'",
        )
    status = 0
    for source in operands[:-1]:
        target = _target_path(ctx, source, operands[-1])
        try:
            _copy(ctx, source, target)
        except OSError as error:
            ctx.err(
                f"cp: cannot open '{source}' for reading: {error.strerror}\n"
                if error.filename == source
                else f"cp: cannot create regular file '{target}': {error.strerror}\n"
            )
            status = 1
    return status


@command("mv")
def mv(ctx: CommandContext) -> int:
    parsed = _split_options(ctx, "fv")
    if parsed is None:
        return 1
    _, _, operands = parsed
    if len(operands) < 2:
        return _usage(
            ctx,
            "missing file operand"
            if not operands
            else f"missing destination file operand after '{operands[0]}'",
        )
    status = 0
    for source in operands[:-1]:
        target = _target_path(ctx, source, operands[-1])
        try:
            ctx.host.rename(ctx.proc, source, target)
        except OSError as error:
            if error.errno == errno.EXDEV:
                try:
                    _copy(ctx, source, target)
                    ctx.host.unlink(ctx.proc, source)
                    continue
                except OSError as inner:
                    error = inner
            ctx.err(f"mv: cannot move '{source}' to '{target}': {error.strerror}\n")
            status = 1
    return status


@command("ln")
def ln(ctx: CommandContext) -> int:
    parsed = _split_options(ctx, "sfv")
    if parsed is None:
        return 1
    flags, _, operands = parsed
    if len(operands) != 2:
        return _usage(ctx, "missing file operand")
    source, dest = operands
    target = _target_path(ctx, source, dest)
    try:
        if "f" in flags:
            with contextlib.suppress(OSError):
                ctx.host.unlink(ctx.proc, target)
        if "s" in flags:
            ctx.host.symlink(ctx.proc, source, target)
        else:
            ctx.host.link(ctx.proc, source, target)
    except OSError as error:
        if error.errno == errno.EEXIST:
            ctx.err(
                f"ln: failed to create {'symbolic' if 's' in flags else 'hard'} link "
                f"'{target}': File exists\n"
            )
        else:
            ctx.err(
                f"ln: failed to create {'symbolic' if 's' in flags else 'hard'} link "
                f"'{target}' => '{source}': {error.strerror}\n"
            )
        return 1
    return 0


# -- owners and modes -------------------------------------------------------------------------


def _chown_like(
    ctx: CommandContext, spec: str, operands: list[str], flags: set[str], *, group_only: bool
) -> int:
    user_part, colon, group_part = ("", ":", spec) if group_only else spec.partition(":")
    uid = gid = -1
    if user_part:
        found = lookup_user(ctx, user_part)
        if found is None:
            ctx.err(f"{ctx.name}: invalid user: '{spec}'\n")
            return 1
        uid = found
    if colon and group_part:
        found = lookup_group(ctx, group_part)
        if found is None:
            ctx.err(f"{ctx.name}: invalid group: '{spec}'\n")
            return 1
        gid = found
    status = 0
    for name in operands:
        for path in tree(ctx, name, recursive="R" in flags):
            try:
                ctx.host.chown(ctx.proc, path, uid, gid, follow="h" not in flags)
            except OSError as error:
                verb = "group" if group_only else "ownership"
                if error.errno == errno.ENOENT:
                    ctx.err(f"{ctx.name}: cannot access '{path}': {error.strerror}\n")
                else:
                    ctx.err(f"{ctx.name}: changing {verb} of '{path}': {error.strerror}\n")
                status = 1
    return status


@command("chown")
def chown(ctx: CommandContext) -> int:
    parsed = _split_options(ctx, "Rhv")
    if parsed is None:
        return 1
    flags, _, operands = parsed
    if len(operands) < 2:
        return _usage(ctx, "missing operand")
    return _chown_like(ctx, operands[0], operands[1:], flags, group_only=False)


@command("chgrp")
def chgrp(ctx: CommandContext) -> int:
    parsed = _split_options(ctx, "Rhv")
    if parsed is None:
        return 1
    flags, _, operands = parsed
    if len(operands) < 2:
        return _usage(ctx, "missing operand")
    return _chown_like(ctx, operands[0], operands[1:], flags, group_only=True)


def _symbolic_mode(spec: str, mode: int, is_dir: bool) -> int | None:
    for clause in spec.split(","):
        i = 0
        who = ""
        while i < len(clause) and clause[i] in "ugoa":
            who += clause[i]
            i += 1
        if i >= len(clause) or clause[i] not in "+-=":
            return None
        op = clause[i]
        perms = clause[i + 1 :]
        bits = 0
        for p in perms:
            if p not in "rwxXst":
                return None
        who = who or "a"
        for w in who:
            shifts = {"u": [6], "g": [3], "o": [0], "a": [6, 3, 0]}[w]
            for shift in shifts:
                for p, value in (("r", 4), ("w", 2), ("x", 1)):
                    if p in perms:
                        bits |= value << shift
                if "X" in perms and (is_dir or mode & 0o111):
                    bits |= 1 << shift
            if "s" in perms:
                bits |= 0o4000 if w in "ua" else 0
                bits |= 0o2000 if w in "ga" else 0
            if "t" in perms:
                bits |= 0o1000
        if op == "+":
            mode |= bits
        elif op == "-":
            mode &= ~bits
        else:
            mask = sum({"u": 0o4700, "g": 0o2070, "o": 0o1007, "a": 0o7777}[w] for w in set(who))
            mode = (mode & ~mask) | bits
    return mode & 0o7777


@command("chmod")
def chmod(ctx: CommandContext) -> int:
    args = [a for a in ctx.args if a != "--"]
    recursive = "-R" in args
    args = [a for a in args if a != "-R"]
    if len(args) < 2:
        return _usage(ctx, "missing operand")
    spec, operands = args[0], args[1:]
    status = 0
    for name in operands:
        for path in tree(ctx, name, recursive=recursive):
            try:
                st = ctx.host.stat(ctx.proc, path)
                if all(c in "01234567" for c in spec):
                    mode: int | None = int(spec, 8)
                else:
                    mode = _symbolic_mode(spec, st.mode, st.kind is Kind.DIRECTORY)
                if mode is None:
                    ctx.err(
                        f"chmod: invalid mode: '{spec}'\nTry 'chmod --help' for more information.\n"
                    )
                    return 1
                ctx.host.chmod(ctx.proc, path, mode)
            except OSError as error:
                if error.errno == errno.ENOENT:
                    ctx.err(f"chmod: cannot access '{path}': {error.strerror}\n")
                else:
                    ctx.err(f"chmod: changing permissions of '{path}': {error.strerror}\n")
                status = 1
    return status


_UINTMAX = re.compile(r"[ \t\n\v\f\r]*\+?(0[xX][0-9a-fA-F]{1,40}|0[0-7]{0,60}|[1-9][0-9]{0,40})")


def _device_part(text: str) -> int | None:
    """coreutils mknod: ``xstrtoumax(s, NULL, 0, ...)`` (decimal, 0octal, 0xhex, nothing
    after it) into an ``unsigned int`` (``major_t``/``minor_t``); None when invalid."""
    match = _UINTMAX.fullmatch(text)
    if match is None:
        return None
    digits = match.group(1)
    base = 16 if digits[:2] in ("0x", "0X") else 8 if digits.startswith("0") else 10
    value = int(digits, base)
    return value if value <= 0xFFFFFFFF else None


@command("mknod")
def mknod(ctx: CommandContext) -> int:
    parsed = _split_options(ctx, "", with_value="mZ")
    if parsed is None:
        return 1
    _, values, operands = parsed
    kinds = {"b": Kind.BLOCK, "c": Kind.CHAR, "u": Kind.CHAR, "p": Kind.FIFO}
    if len(operands) < 2 or operands[1] not in kinds:
        return _usage(ctx, "missing operand")
    name, letter = operands[0], operands[1]
    kind = kinds[letter]
    rdev = None
    if kind.is_device:
        if len(operands) < 4:
            return _usage(ctx, "missing operand")
        if len(operands) > 4:
            return _usage(ctx, f"extra operand '{operands[4]}'")
        numbers = [_device_part(text) for text in operands[2:4]]
        for which, text, number in zip(("major", "minor"), operands[2:4], numbers, strict=True):
            if number is None:  # coreutils: die(), no usage hint
                ctx.err(f"mknod: invalid {which} device number '{text}'\n")
                return 1
        rdev = DeviceNumber(numbers[0] or 0, numbers[1] or 0)
    mode = 0o666
    if "m" in values:  # coreutils mknod.c: mode_compile, then mode_adjust of 0666
        spec = values["m"]
        octal = spec.isascii() and spec.isdigit() and "8" not in spec and "9" not in spec
        compiled = int(spec, 8) if octal and len(spec) <= 5 else None
        found = compiled if octal else _symbolic_mode(spec, 0o666, False)
        if found is None or found > 0o7777:
            ctx.err("mknod: invalid mode\n")
            return 1
        if found & ~0o777:
            ctx.err("mknod: mode must specify only file permission bits\n")
            return 1
        mode = found
    try:
        ctx.host.mknod(ctx.proc, name, kind, mode, rdev)
        if "m" in values:
            ctx.host.chmod(ctx.proc, name, mode)
    except OSError as error:
        ctx.err(f"mknod: {name}: {error.strerror}\n")
        return 1
    return 0


@command("id")
def id_(ctx: CommandContext) -> int:
    args = ctx.args
    if args and args[0] == "-Z":
        if len(args) > 1:
            ctx.err("id: cannot print security context when user specified\n")
            return 1
        ctx.out(ctx.proc.context + "\n")
        return 0
    users, groups = user_names(ctx), group_names(ctx)
    proc = ctx.proc
    for flag, value in (("-u", proc.uid), ("-g", proc.gid)):
        if args == [flag]:
            ctx.out(f"{value}\n")
            return 0
    group_list = ",".join(
        f"{g}({groups.get(g, g)})" for g in dict.fromkeys((proc.gid, *proc.groups))
    )
    ctx.out(
        f"uid={proc.uid}({users.get(proc.uid, proc.uid)}) "
        f"gid={proc.gid}({groups.get(proc.gid, proc.gid)}) "
        f"groups={group_list} context={proc.context}\n"
    )
    return 0


@command("readlink")
def readlink(ctx: CommandContext) -> int:
    follow = "-f" in ctx.args
    names = [a for a in ctx.args if not a.startswith("-")]
    status = 0
    for name in names:
        try:
            ctx.out(
                (ctx.host.realpath(ctx.proc, name) if follow else ctx.host.readlink(ctx.proc, name))
                + "\n"
            )
        except OSError:
            status = 1
    return status


@command("realpath")
def realpath(ctx: CommandContext) -> int:
    status = 0
    for name in ctx.args:
        try:
            ctx.out(ctx.host.realpath(ctx.proc, name) + "\n")
        except OSError as error:
            ctx.err(f"realpath: {name}: {error.strerror}\n")
            status = 1
    return status
