"""SELinux administration: getenforce, setenforce, sestatus, getsebool, setsebool, chcon,
restorecon, matchpathcon (commands.md 3.3 and 5)."""

from __future__ import annotations

from simulator.errors import NotModelled, SeclabError
from simulator.kernel import errno_table as errno
from simulator.selinux.context import MlsRange, SecurityContext
from simulator.selinux.file_contexts import restorecon_target
from simulator.shell.host_views import selinux_lsm, tree
from simulator.shell.registry import CommandContext, command
from simulator.system.libselinux import security_setenforce, selinux_getenforcemode


def _curly(text: str) -> str:
    """coreutils ``quote()`` in a UTF-8 locale."""
    return f"\u2018{text}\u2019"


@command("getenforce")
def getenforce(ctx: CommandContext) -> int:
    lsm = selinux_lsm(ctx.host)
    if lsm is None:
        ctx.out("Disabled\n")
    else:
        ctx.out("Enforcing\n" if lsm.selinux.enforcing else "Permissive\n")
    return 0


@command("setenforce")
def setenforce(ctx: CommandContext) -> int:
    lsm = selinux_lsm(ctx.host)
    if lsm is None:
        ctx.err("setenforce: SELinux is disabled\n")
        return 1
    words = {"1": True, "enforcing": True, "0": False, "permissive": False}
    if len(ctx.args) != 1 or ctx.args[0].lower() not in words:
        ctx.err("usage:  setenforce [ Enforcing | Permissive | 1 | 0 ]\n")
        return 1
    try:
        security_setenforce(ctx.host, ctx.proc, words[ctx.args[0].lower()])
    except OSError as error:
        failed = ctx.machine.profile.setenforce_failed  # its text is libselinux's version's
        ctx.err(failed.format(error=errno.strerror(error.errno or 0)))
        return 2
    return 0


def _mode_from_config(ctx: CommandContext) -> str:
    """policycoreutils ``sestatus.c``: the mode ``selinux_getenforcemode`` reads, or
    ``error (strerror(errno))`` when the file cannot be read."""
    try:
        mode = selinux_getenforcemode(ctx.host, ctx.proc)
    except OSError as error:
        return f"error ({errno.strerror(error.errno or 0)})"
    if mode is None:  # errno is whatever an earlier call left; the lab cannot know it
        raise NotModelled("sestatus with no SELINUX= mode in /etc/selinux/config")
    return {1: "enforcing", 0: "permissive", -1: "disabled"}[mode]


@command("sestatus")
def sestatus(ctx: CommandContext) -> int:
    lsm = selinux_lsm(ctx.host)
    if lsm is None:
        ctx.out(f"{'SELinux status:':<32}disabled\n")
        return 0
    rows = [
        ("SELinux status:", "enabled"),
        ("SELinuxfs mount:", "/sys/fs/selinux"),
        ("SELinux root directory:", "/etc/selinux"),
        ("Loaded policy name:", "targeted"),
        ("Current mode:", "enforcing" if lsm.selinux.enforcing else "permissive"),
        ("Mode from config file:", _mode_from_config(ctx)),
        ("Policy MLS status:", "enabled"),
        ("Policy deny_unknown status:", "allowed"),
        ("Memory protection checking:", "actual (secure)"),
        ("Max kernel policy version:", "33"),
    ]
    ctx.out("".join(f"{label:<32}{value}\n" for label, value in rows))
    return 0


@command("getsebool")
def getsebool(ctx: CommandContext) -> int:
    lsm = selinux_lsm(ctx.host)
    if lsm is None:
        ctx.err("getsebool:  SELinux is disabled\n")
        return 1
    booleans = lsm.selinux.booleans
    names = sorted(booleans) if ctx.args == ["-a"] else ctx.args
    if not names:
        ctx.err("usage:  getsebool -a or getsebool boolean...\n")
        return 1
    status = 0
    for name in names:
        if name not in booleans:
            ctx.err(f"Error getting active value for {name}\n")
            status = 1
            continue
        ctx.out(f"{name} --> {'on' if booleans[name] else 'off'}\n")
    return status


@command("setsebool")
def setsebool(ctx: CommandContext) -> int:
    lsm = selinux_lsm(ctx.host)
    args = [a for a in ctx.args if a != "-P"]
    values = {"1": True, "on": True, "true": True, "0": False, "off": False, "false": False}
    if lsm is None or len(args) != 2 or args[1].lower() not in values:
        ctx.err("usage:  setsebool [ -NPV ] boolean value | bool1=val1 bool2=val2...\n")
        return 1
    try:
        lsm.set_boolean(args[0], values[args[1].lower()])
    except SeclabError:
        ctx.err(f"Boolean {args[0]} is not defined\n")
        return 1
    if "-P" in ctx.args:  # libsemanage: the policy store keeps it for the next boot
        ctx.machine.userspace.persistent_booleans[args[0]] = values[args[1].lower()]
    return 0


def _partial(current: str, parts: dict[str, str]) -> str | None:
    try:
        context = SecurityContext.parse(current)
        return str(
            SecurityContext(
                parts.get("u", context.user),
                parts.get("r", context.role),
                parts.get("t", context.type),
                MlsRange.parse(parts["l"]) if "l" in parts else context.range,
            )
        )
    except SeclabError:
        return None


@command("chcon")
def chcon(ctx: CommandContext) -> int:
    args = list(ctx.args)
    parts: dict[str, str] = {}
    verbose = recursive = no_deref = False
    reference: str | None = None
    operands: list[str] = []
    while args:
        arg = args.pop(0)
        if arg in ("-t", "-u", "-r", "-l") and args:
            parts[arg[1]] = args.pop(0)
        elif arg.startswith("--reference="):
            reference = arg.split("=", 1)[1]
        elif arg.startswith("-") and len(arg) > 1 and set(arg[1:]) <= set("vRh"):
            verbose |= "v" in arg
            recursive |= "R" in arg
            no_deref |= "h" in arg
        else:
            operands.append(arg)
    full: str | None = None
    if reference is not None:
        try:
            full = ctx.host.getfilecon(ctx.proc, reference)
        except OSError as error:
            ctx.err(f"chcon: failed to get security context of '{reference}': {error.strerror}\n")
            return 1
    elif not parts:
        if not operands:
            ctx.err("chcon: missing operand\nTry 'chcon --help' for more information.\n")
            return 1
        full = operands.pop(0)
        try:
            SecurityContext.parse(full)
        except SeclabError:
            ctx.err(f"chcon: invalid context: {_curly(full)}: Invalid argument\n")
            return 1
    if not operands:
        ctx.err("chcon: missing operand\nTry 'chcon --help' for more information.\n")
        return 1
    status = 0
    for name in operands:
        # coreutils chcon -R defaults to -P: links in the tree (and the operand itself) are
        # relabelled as links, never followed (fts FTS_PHYSICAL, affect_symlink_referent=false)
        follow = not no_deref and not recursive
        for path in tree(ctx, name, recursive=recursive):
            if verbose:
                ctx.out(f"changing security context of '{path}'\n")
            try:
                current = ctx.host.getfilecon(ctx.proc, path, follow=follow)
            except OSError as error:
                ctx.err(f"chcon: cannot access '{path}': {error.strerror}\n")
                status = 1
                continue
            target = full or _partial(current, parts)
            if target is None:
                ctx.err(
                    f"chcon: failed to create security context: {_curly(current)}: "
                    "Invalid argument\n"
                )
                status = 1
                continue
            try:
                ctx.host.setfilecon(ctx.proc, path, target, follow=follow)
            except OSError as error:
                ctx.err(
                    f"chcon: failed to change context of '{path}' to {_curly(target)}: "
                    f"{error.strerror}\n"
                )
                status = 1
    return status


@command("matchpathcon")
def matchpathcon(ctx: CommandContext) -> int:
    lsm = selinux_lsm(ctx.host)
    if lsm is None:
        return 1
    for path in [a for a in ctx.args if not a.startswith("-")]:
        try:
            kind: str | None = ctx.host.lstat(ctx.proc, path).kind.selinux_class
        except OSError:
            kind = None
        context = lsm.selinux.file_contexts.default_context(path, kind)
        ctx.out(f"{path}\t{'<<none>>' if context is None else context}\n")
    return 0


@command("restorecon")
def restorecon(ctx: CommandContext) -> int:
    """Type only unless -F; customizable types kept; the realpath printed; 255 on errors."""
    lsm = selinux_lsm(ctx.host)
    if lsm is None:
        return 0
    flags = set("".join(a[1:] for a in ctx.args if a.startswith("-")))
    paths = [a for a in ctx.args if not a.startswith("-")]
    if not paths or flags - set("vFRnri"):
        ctx.err(
            "usage:  restorecon [-iIDFmnprRv0xT] [-e excludedir] pathname...\n"
            "usage:  restorecon [-iIDFmnprRv0xT] [-e excludedir] -f filename\n"
        )
        return 255
    state = lsm.selinux
    errors = False
    for name in paths:
        try:
            real = ctx.host.realpath(ctx.proc, name)
        except OSError as error:
            ctx.err(f"restorecon: lstat({name}) failed: {error.strerror}\n")
            errors = True
            continue
        for path in tree(ctx, real, recursive=bool(flags & {"R", "r"})):
            kind = ctx.host.lstat(ctx.proc, path).kind.selinux_class
            default = state.file_contexts.default_context(path, kind)
            if default is None:
                continue
            try:
                current: SecurityContext | None = SecurityContext.parse(
                    ctx.host.getfilecon(ctx.proc, path, follow=False)
                )
            except (OSError, SeclabError):
                current = None
            target = restorecon_target(
                current, default, state.policy.customizable, force="F" in flags
            )
            if target is None:  # a customizable type, kept
                if "v" in flags and current is not None and current.type != default.type:
                    ctx.out(f"{path} not reset as customized by admin to {default}\n")
                continue
            if current is not None and target == current:
                continue
            if "v" in flags:
                verb = "Would relabel" if "n" in flags else "Relabeled"
                ctx.out(f"{verb} {path} from {current or '<no context>'} to {target}\n")
            if "n" not in flags:
                try:
                    ctx.host.setfilecon(ctx.proc, path, str(target), follow=False)
                except OSError as error:
                    ctx.err(f"restorecon: Could not set context for {path}:  {error.strerror}\n")
                    errors = True
    return 255 if errors else 0
