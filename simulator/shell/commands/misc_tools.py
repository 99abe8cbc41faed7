"""Small tools an administrator reaches for: uname, whoami, which, find (findutils 4.8, the
common subset), and rpm (not modelled)."""

from __future__ import annotations

import fnmatch
from collections.abc import Callable

import attrs

from simulator.errors import NotModelled
from simulator.kernel.inode import Kind
from simulator.shell.accounts import user_names
from simulator.shell.host_views import tree
from simulator.shell.options import Spec, opt, parse, quote, tool, try_help, unmodelled
from simulator.shell.registry import COMMANDS, CommandContext
from simulator.system.profile import HostProfile
from simulator.system.profiles import DEFAULT_PROFILE, get_profile

# -- uname ---------------------------------------------------------------------------------------

# The host profile's kernel (the same strings sealert prints as "Platform").
UNAME_FIELDS: tuple[tuple[str, str, Callable[[HostProfile], str]], ...] = (
    ("s", "kernel-name", lambda _profile: "Linux"),
    ("n", "nodename", lambda profile: profile.hostname),
    ("r", "kernel-release", lambda profile: profile.kernel_release),
    ("v", "kernel-version", lambda _profile: "#2 SMP"),
    ("m", "machine", lambda _profile: "x86_64"),
    ("p", "processor", lambda _profile: "x86_64"),
    ("i", "hardware-platform", lambda _profile: "x86_64"),
    ("o", "operating-system", lambda _profile: "GNU/Linux"),
)

UNAME = Spec(
    "uname",
    (
        opt("a", "a", "all"),
        *(opt(short, short, name) for short, name, _ in UNAME_FIELDS),
        unmodelled(long="help"),
        unmodelled(long="version"),
    ),
)


@tool("uname")
def uname(ctx: CommandContext) -> int:
    parsed = parse(ctx, UNAME)
    if parsed.operands:
        raise try_help(ctx, UNAME, f"extra operand {quote(parsed.operands[0])}")
    keys = {k for k, _ in parsed.options}
    if "a" in keys:
        keys = {short for short, _, _ in UNAME_FIELDS}
    keys = keys or {"s"}
    machine = ctx.shell.machine  # a shell on a bare kernel runs on the default profile
    profile = get_profile(DEFAULT_PROFILE) if machine is None else machine.profile
    fields = (value(profile) for short, _, value in UNAME_FIELDS if short in keys)
    ctx.out(" ".join(fields) + "\n")
    return 0


# -- whoami --------------------------------------------------------------------------------------

WHOAMI = Spec("whoami", (unmodelled(long="help"), unmodelled(long="version")))


@tool("whoami")
def whoami(ctx: CommandContext) -> int:
    parsed = parse(ctx, WHOAMI)
    if parsed.operands:
        raise try_help(ctx, WHOAMI, f"extra operand {quote(parsed.operands[0])}")
    name = user_names(ctx).get(ctx.proc.uid)
    if name is None:
        ctx.err(f"whoami: cannot find name for user ID {ctx.proc.uid}\n")
        return 1
    ctx.out(name + "\n")
    return 0


# -- which ---------------------------------------------------------------------------------------

WHICH = Spec(
    "which",
    (
        unmodelled("a", "all"),
        unmodelled("i", "read-alias"),
        unmodelled(long="skip-alias"),
        unmodelled(long="read-functions"),
        unmodelled(long="skip-functions"),
        unmodelled(long="skip-dot"),
        unmodelled(long="skip-tilde"),
        unmodelled(long="show-dot"),
        unmodelled(long="show-tilde"),
        unmodelled(long="tty-only"),
        unmodelled("v", "version"),
        unmodelled("V"),
        unmodelled(long="help"),
    ),
)

SHELL_BUILTINS = frozenset(
    {"true", ":", "false", "cd", "pwd", "export", "exit", "echo", "printf", "test", "["}
)


@tool("which")
def which(ctx: CommandContext) -> int:
    """GNU which 2.21 over the lab's commands: every lab command that is not a shell builtin
    is installed in /usr/bin."""
    parsed = parse(ctx, WHICH)
    path = ctx.shell.vars.get("PATH", "")
    status = 0
    for name in parsed.operands:
        if name in COMMANDS and name not in SHELL_BUILTINS and "/" not in name:
            ctx.out(f"/usr/bin/{name}\n")
            continue
        ctx.err(f"/usr/bin/which: no {name} in ({path})\n")
        status = 1
    return status


# -- rpm -----------------------------------------------------------------------------------------


@tool("rpm")
def rpm(ctx: CommandContext) -> int:
    raise NotModelled("rpm (the host profile has no package database)")


# -- find ----------------------------------------------------------------------------------------

_TYPES = {
    "f": Kind.REGULAR,
    "d": Kind.DIRECTORY,
    "l": Kind.SYMLINK,
    "b": Kind.BLOCK,
    "c": Kind.CHAR,
    "p": Kind.FIFO,
    "s": Kind.SOCKET,
}
_NOT_MODELLED_TEXT = (
    "-o -or -a -and -not ! ( ) , -newer -mtime -atime -ctime -mmin -amin -cmin -size -perm "
    "-user -group -uid -gid -nouser -nogroup -empty -links -inum -samefile -regex -iregex "
    "-ipath -iwholename -wholename -lname -ilname -readable -writable -executable -prune "
    "-delete -execdir -ok -okdir -fprint -fprint0 -fprintf -printf -print0 -ls -fls -quit "
    "-follow -xdev -mount -depth -d -daystart -ignore_readdir_race -noleaf -regextype "
    "-true -false -used -fstype -xtype -H -L -P -D -O -newerXY"
)
_NOT_MODELLED = frozenset(_NOT_MODELLED_TEXT.split(" "))


@attrs.frozen(eq=False)
class _Test:
    name: str
    arg: str = ""
    command: tuple[str, ...] = ()


@tool("find")
def find(ctx: CommandContext) -> int:
    args = list(ctx.args)
    roots: list[str] = []
    while args and (not args[0].startswith("-") or args[0] == "-") and args[0] not in "!()":
        roots.append(args.pop(0))
    roots = roots or ["."]
    tests: list[_Test] = []
    maxdepth: int | None = None
    mindepth = 0
    seen_test = ""
    printed = False
    while args:
        word = args.pop(0)
        if word in ("-maxdepth", "-mindepth"):
            if not args:
                ctx.err(f"find: missing argument to `{word}'\n")
                return 1
            value = args.pop(0)
            if not value.isdigit():
                ctx.err(
                    f"find: Expected a positive decimal integer argument to {word}, "
                    f"but got {quote(value)}\n"
                )
                return 1
            if seen_test:
                ctx.err(
                    f"find: warning: you have specified the global option {word} after the "
                    f"argument {seen_test}, but global options are not positional, i.e., "
                    f"{word} affects tests specified before it as well as those specified "
                    "after it.  Please specify global options before other arguments.\n"
                )
            if word == "-maxdepth":
                maxdepth = int(value)
            else:
                mindepth = int(value)
            continue
        if word in ("-name", "-path", "-type", "-context", "-iname"):
            if not args:
                ctx.err(f"find: missing argument to `{word}'\n")
                return 1
            value = args.pop(0)
            if word == "-type" and (value not in _TYPES):
                ctx.err(f"find: Unknown argument to -type: {value}\n")
                return 1
            tests.append(_Test(word, value))
        elif word == "-print":
            tests.append(_Test(word))
            printed = True
        elif word == "-exec":
            command: list[str] = []
            while args and args[0] not in (";", "+"):
                command.append(args.pop(0))
            if not args or args[0] == "+" or not command:
                if args and args[0] == "+":
                    raise NotModelled("find -exec ... {} +")
                ctx.err("find: missing argument to `-exec'\n")
                return 1
            args.pop(0)
            tests.append(_Test(word, command=tuple(command)))
            printed = True
        elif word in _NOT_MODELLED:
            raise NotModelled(f"find {word}")
        else:
            ctx.err(f"find: unknown predicate `{word}'\n")
            return 1
        seen_test = seen_test or word
    status = 0
    for root in roots:
        try:
            ctx.host.lstat(ctx.proc, root)
        except OSError as error:
            ctx.err(f"find: {quote(root)}: {error.strerror}\n")
            status = 1
            continue
        depth_of_root = root.rstrip("/").count("/")
        for path in tree(ctx, root):
            depth = path.rstrip("/").count("/") - depth_of_root if path != root else 0
            if maxdepth is not None and depth > maxdepth:
                continue
            if depth < mindepth:
                continue
            shown = path if path != root else root
            _evaluate(ctx, shown, tests, printed)
    return status


def _passes(ctx: CommandContext, path: str, test: _Test) -> bool:
    """One primary of the expression: a test, -print (true) or -exec (its status)."""
    base = path.rstrip("/").rsplit("/", 1)[-1] or path
    if test.name == "-name":
        return fnmatch.fnmatchcase(base, test.arg)
    if test.name == "-iname":
        return fnmatch.fnmatchcase(base.lower(), test.arg.lower())
    if test.name == "-path":
        return fnmatch.fnmatchcase(path, test.arg)
    if test.name == "-type":
        try:
            return ctx.host.lstat(ctx.proc, path).kind is _TYPES[test.arg]
        except OSError:
            return False
    if test.name == "-context":
        try:
            return fnmatch.fnmatchcase(ctx.host.getfilecon(ctx.proc, path, follow=False), test.arg)
        except OSError:
            return False
    if test.name == "-print":
        ctx.out(path + "\n")
        return True
    argv = [word.replace("{}", path) for word in test.command]
    local: list[tuple[int, bytes]] = []
    code = ctx.shell.run_command(argv, b"", local)
    ctx.chunks.extend(local)
    return code == 0


def _evaluate(ctx: CommandContext, path: str, tests: list[_Test], printed: bool) -> None:
    """The expression (primaries joined by -a); -print is implied when no action is given."""
    if all(_passes(ctx, path, test) for test in tests) and not printed:
        ctx.out(path + "\n")
