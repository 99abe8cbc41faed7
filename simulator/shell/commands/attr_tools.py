"""attr 2.5.1's getfattr and setfattr (commands.md 4)."""

from __future__ import annotations

import base64
import re

from simulator.errors import NotModelled
from simulator.kernel import errno_table as errno
from simulator.shell.host_views import tree
from simulator.shell.registry import CommandContext, command

GETFATTR_USAGE = (
    "Usage: getfattr [-hRLP] [-n name|-d] [-e en] [-m pattern] path...\n"
    "Try `getfattr --help' for more information.\n"
)
SETFATTR_USAGE = (
    "Usage: setfattr {-n name} [-v value] [-h] file...\n"
    "       setfattr {-x name} [-h] file...\n"
    "Try `setfattr --help' for more information.\n"
)


def strerror_ea(code: int | None, text: str | None) -> str:
    """attr's ``strerror_ea``: ENODATA reads "No such attribute"."""
    return "No such attribute" if code == errno.ENODATA else (text or "")


def _quote(text: str, *, name: bool = False) -> str:
    """attr's ``quote()``: backslash, newline, carriage return (and ``=`` in names) as octal."""
    special = "\\\n\r" + ("=" if name else "")
    return "".join(f"\\{ord(c):03o}" if c in special else c for c in text)


def _printable_enough(value: bytes) -> bool:
    data = value[:-1] if value.endswith(b"\0") else value
    bad = sum(1 for b in data if not (32 <= b < 127 or b in (9, 10, 13)))
    return bad * 8 <= len(data)


def encode_value(value: bytes, encoding: str | None) -> str:
    if encoding is None:
        encoding = "text" if _printable_enough(value) else "base64"
    if encoding == "hex":
        return "0x" + value.hex()
    if encoding == "base64":
        return "0s" + base64.b64encode(value).decode()
    data = value[:-1] if value.endswith(b"\0") else value
    out = []
    for b in data:
        if b == 0x5C:
            out.append("\\\\")
        elif b == 0x22:
            out.append('\\"')
        elif b in (0, 10, 13):
            out.append(f"\\{b:03o}")
        else:
            out.append(chr(b))
    return '"' + "".join(out) + '"'


@command("getfattr")
def getfattr(ctx: CommandContext) -> int:
    args = list(ctx.args)
    name: str | None = None
    pattern = r"^user\."
    dump = absolute = only_values = no_deref = recursive = False
    encoding: str | None = None
    paths: list[str] = []
    while args:
        arg = args.pop(0)
        if arg in ("-n", "-m", "-e") or (arg[:2] in ("-n", "-m", "-e") and len(arg) > 2):
            given = arg[2:] if len(arg) > 2 else (args.pop(0) if args else None)
            if given is None:
                ctx.err(GETFATTR_USAGE)
                return 2
            if arg[1] == "n":
                name = given
            elif arg[1] == "m":
                pattern = "" if given == "-" else given
            else:
                if given not in ("text", "hex", "base64"):
                    ctx.err(GETFATTR_USAGE)
                    return 2
                encoding = given
        elif arg == "--absolute-names":
            absolute = True
        elif arg == "--only-values":
            only_values = True
        elif arg.startswith("--"):
            ctx.err(f"getfattr: unrecognized option '{arg}'\n{GETFATTR_USAGE}")
            return 2
        elif arg.startswith("-") and len(arg) > 1:
            for letter in arg[1:]:
                if letter == "d":
                    dump = True
                elif letter == "h":
                    no_deref = True
                elif letter == "R":
                    recursive = True
                elif letter in "LP":
                    raise NotModelled(f"getfattr -{letter}")
                else:
                    ctx.err(f"getfattr: invalid option -- '{letter}'\n{GETFATTR_USAGE}")
                    return 2
        else:
            paths.append(arg)
    if not paths:
        ctx.err(GETFATTR_USAGE)
        return 2
    try:
        regex = re.compile(pattern)
    except re.error:
        ctx.err(f'getfattr: invalid regular expression "{pattern}"\n')
        return 1
    status = 0
    warned = False  # attr: the warning is printed once per run of getfattr
    walked = [p for operand in paths for p in tree(ctx, operand, recursive=recursive)]
    for path in walked:
        shown = path if absolute else (path.lstrip("/") or ".")
        try:
            if name is not None:
                names = [name]
            else:
                listed = ctx.host.listxattr(ctx.proc, path, follow=not no_deref)
                names = sorted(n.decode() for n in listed if regex.search(n.decode()))
        except OSError as error:
            ctx.err(f"getfattr: {path}: {strerror_ea(error.errno, error.strerror)}\n")
            status = 1
            continue
        printed = False
        for attr in names:
            try:
                value = ctx.host.getxattr(ctx.proc, path, attr.encode(), follow=not no_deref)
            except OSError as error:
                ctx.err(f"{path}: {attr}: {strerror_ea(error.errno, error.strerror)}\n")
                status = 1
                continue
            if only_values:
                ctx.out(value)
                continue
            if not printed:
                if shown != path and not warned:
                    ctx.err("getfattr: Removing leading '/' from absolute path names\n")
                    warned = True
                ctx.out(f"# file: {_quote(shown)}\n")
                printed = True
            if dump or name is not None:
                ctx.out(f"{_quote(attr, name=True)}={encode_value(value, encoding)}\n")
            else:
                ctx.out(f"{_quote(attr, name=True)}\n")
        if printed:
            ctx.out("\n")
    return status


def decode_value(text: str) -> bytes:
    """setfattr's ``-v``: ``0x`` hex, ``0s`` base64, else text (quotes and octal escapes)."""
    if text[:2] in ("0x", "0X"):
        return bytes.fromhex(text[2:])
    if text[:2] in ("0s", "0S"):
        return base64.b64decode(text[2:])
    if len(text) >= 2 and text[0] == text[-1] == '"':
        text = text[1:-1]
    out = bytearray()
    i = 0
    while i < len(text):
        if text[i] == "\\" and i + 1 < len(text):
            octal = text[i + 1 : i + 4]
            if len(octal) == 3 and all(c in "01234567" for c in octal):
                out.append(int(octal, 8))
                i += 4
            else:
                out.extend(text[i + 1].encode())
                i += 2
            continue
        out.extend(text[i].encode())
        i += 1
    return bytes(out)


@command("setfattr")
def setfattr(ctx: CommandContext) -> int:
    args = list(ctx.args)
    name: str | None = None
    remove: str | None = None
    value: str | None = None
    no_deref = False
    paths: list[str] = []
    while args:
        arg = args.pop(0)
        if arg[:2] in ("-n", "-x", "-v"):
            given = arg[2:] if len(arg) > 2 else (args.pop(0) if args else None)
            if given is None:
                ctx.err(SETFATTR_USAGE)
                return 2
            if arg[1] == "n":
                name = given
            elif arg[1] == "x":
                remove = given
            else:
                value = given
        elif arg == "-h":
            no_deref = True
        elif arg.startswith("-") and len(arg) > 1:
            ctx.err(f"setfattr: invalid option -- '{arg[1]}'\n{SETFATTR_USAGE}")
            return 2
        else:
            paths.append(arg)
    if not paths or (name is None) == (remove is None):
        ctx.err(SETFATTR_USAGE)
        return 2
    try:
        raw = decode_value(value) if value is not None else b""
    except ValueError:
        ctx.err("setfattr: bad input encoding\n")
        return 1
    status = 0
    for path in paths:
        try:
            if remove is not None:
                ctx.host.removexattr(ctx.proc, path, remove.encode(), follow=not no_deref)
            else:
                assert name is not None
                ctx.host.setxattr(ctx.proc, path, name.encode(), raw, follow=not no_deref)
        except OSError as error:
            ctx.err(f"setfattr: {path}: {strerror_ea(error.errno, error.strerror)}\n")
            status = 1
    return status
