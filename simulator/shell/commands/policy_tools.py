"""audit2why, audit2allow, semodule and ``lab explain``: the policy's reasons, as text."""

from __future__ import annotations

import posixpath
from typing import Protocol

from simulator.errors import NotModelled, SeclabError
from simulator.kernel.calls_files import StatResult
from simulator.kernel.kernel import Kernel
from simulator.kernel.lsm_selinux import SelinuxLsm
from simulator.libvirt.qemu_driver import Daemon
from simulator.libvirt.qemu_process import StorageRefusal
from simulator.selinux.context import SecurityContext
from simulator.selinux.decision import Decision, decide
from simulator.selinux.explain import audit2allow, audit2why, explain, parse_avcs
from simulator.selinux.rules import TeRule, allow
from simulator.shell.accounts import user_names
from simulator.shell.host_views import selinux_lsm
from simulator.shell.registry import CommandContext, command

PP_HEADER = "seclab policy package 1\n"
AUDIT_LOG = "/var/log/audit/audit.log"
# Real audit2allow options the lab does not model (policycoreutils audit2allow's optparse).
AUDIT2ALLOW_UNMODELLED = frozenset(
    {"-b", "--boot", "-d", "--dmesg", "-D", "--dontaudit", "-e", "--explain", "-h", "--help"}
    | {"-l", "--lastreload", "-m", "--module", "-o", "--output", "-p", "--policy"}
    | {"-r", "--requires", "-R", "--reference", "-N", "--noreference", "-t", "--type"}
    | {"-v", "--verbose", "-x", "--xperms", "-C", "--cil"}
)


class _Avc(Protocol):
    """What a decision needs of an AVC: an audit record, or one parsed from text."""

    @property
    def scontext(self) -> str: ...
    @property
    def tcontext(self) -> str: ...
    @property
    def tclass(self) -> str: ...
    @property
    def perms(self) -> tuple[str, ...]: ...


def _decide(lsm: SelinuxLsm, avc: _Avc) -> Decision:
    """The policy's decision, today, on the access an AVC records."""
    return decide(
        lsm.selinux,
        SecurityContext.parse(avc.scontext),
        SecurityContext.parse(avc.tcontext),
        avc.tclass,
        avc.perms,
    )


def _decisions(ctx: CommandContext, lsm: SelinuxLsm, text: str) -> list[tuple[str, Decision]]:
    out = []
    for avc in parse_avcs(text):
        try:
            decision = _decide(lsm, avc)
        except SeclabError:
            continue
        out.append((avc.line, decision))
    return out


@command("audit2why")
def audit2why_command(ctx: CommandContext) -> int:
    """audit2why is audit2allow run as ``audit2allow -w`` (one script, two names)."""
    return _audit2allow(ctx, why=True)


@command("audit2allow")
def audit2allow_command(ctx: CommandContext) -> int:
    return _audit2allow(ctx, why=False)


def _audit2allow(ctx: CommandContext, *, why: bool) -> int:
    lsm = selinux_lsm(ctx.host)
    if lsm is None:
        return 1
    module: str | None = None
    source: str | None = None  # None: standard input
    args = list(ctx.args)
    while args:
        arg = args.pop(0)
        if arg == "-M" and args:
            module = args.pop(0)
        elif arg in ("-a", "--all"):
            source = AUDIT_LOG
        elif arg in ("-i", "--input") and args:
            source = args.pop(0)
        elif arg in ("-w", "--why"):
            why = True
        elif arg in AUDIT2ALLOW_UNMODELLED:
            raise NotModelled(f"audit2allow {arg}")
        else:
            ctx.err(f"audit2allow: error: no such option: {arg}\n")
            return 2
    text_in = ctx.stdin.decode(errors="replace")
    if source is not None:
        try:
            text_in = ctx.host.read_file(ctx.proc, source).decode(errors="replace")
        except OSError as error:
            # audit2allow errorExit(): the program path, then str() of the IOError
            ctx.err(f"/usr/bin/audit2allow: [Errno {error.errno}] {error.strerror}: '{source}'\n")
            return 1
    if why:  # audit2allow -w is audit2why: the same script, the same output
        if module is not None:
            raise NotModelled("audit2allow -w with -M")
        descriptions = {n: b.description for n, b in lsm.selinux.policy.booleans.items()}
        for line, decision in _decisions(ctx, lsm, text_in):
            ctx.out(f"{line}\n\n{audit2why(decision, descriptions)}\n")
        return 0
    decisions = [d for _, d in _decisions(ctx, lsm, text_in) if d.denied]
    text = audit2allow(decisions) if decisions else ""
    if module is None:
        ctx.out(text)
        return 0
    types = sorted({t for d in decisions for t in (d.scontext.type, d.tcontext.type)})
    classes: dict[str, set[str]] = {}
    for decision in decisions:
        classes.setdefault(decision.tclass, set()).update(decision.denied)
    require = [f"\ttype {t};" for t in types] + [
        f"\tclass {c} {{ {' '.join(sorted(p))} }};" for c, p in sorted(classes.items())
    ]
    te = f"\nmodule {module} 1.0;\n\nrequire {{\n" + "\n".join(require) + "\n}\n" + text
    package = PP_HEADER + "".join(
        f"{d.scontext.type} {d.tcontext.type} {d.tclass} {' '.join(sorted(d.denied))}\n"
        for d in decisions
    )
    cwd = ctx.proc.cwd
    try:
        ctx.host.write_file(ctx.proc, posixpath.join(cwd, f"{module}.te"), te.encode())
        ctx.host.write_file(ctx.proc, posixpath.join(cwd, f"{module}.pp"), package.encode())
    except OSError as error:
        ctx.err(f"audit2allow: {error.strerror}\n")
        return 1
    ctx.out(
        "******************** IMPORTANT ***********************\n"
        "To make this policy package active, execute:\n\n"
        f"semodule -i {module}.pp\n\n"
    )
    return 0


@command("semodule")
def semodule(ctx: CommandContext) -> int:
    lsm = selinux_lsm(ctx.host)
    args = [a for a in ctx.args if a not in ("-X", "300")]
    if lsm is None or len(args) != 2 or args[0] != "-i":
        ctx.err("usage:  semodule [option]... MODE...\n")
        return 1
    path = args[1]
    try:
        text = ctx.host.read_file(ctx.proc, path).decode(errors="replace")
    except OSError as error:
        ctx.err(
            f"libsemanage.semanage_direct_install_file: Unable to read file {path} "
            f"({error.strerror}).\nsemodule:  Failed on {path}!\n"
        )
        return 1
    if not text.startswith(PP_HEADER):
        ctx.err(
            f"libsemanage.semanage_direct_install_info: Unable to install module "
            f"{path}.\nsemodule:  Failed on {path}!\n"
        )
        return 1
    rules: list[TeRule] = []
    for line in text[len(PP_HEADER) :].splitlines():
        source, target, tclass, *perms = line.split()
        rules.append(allow(source, target, tclass, " ".join(perms), origin=f"module {path}"))
    name = posixpath.basename(path).removesuffix(".pp")
    try:
        lsm.load_module(name, tuple(rules))
    except SeclabError as error:
        ctx.err(f"semodule:  Failed on {path}! ({error})\n")
        return 1
    return 0


def explanations(host: Kernel) -> list[str]:
    """``lab explain`` for every denial on the host, oldest first (for handouts), with the
    same ``libvirt:`` and ``fix:`` lines the command prints."""
    lsm = selinux_lsm(host)
    if lsm is None:
        return []
    daemon = getattr(host, "libvirt", None)  # a bare kernel has no libvirt
    out = []
    for event in host.audit.events:
        for avc in event.avcs:
            decision = _decide(lsm, avc)
            what = avc.path or avc.name or "?"
            story = libvirt_story(daemon, avc.pid, what, decision)
            out.append(
                f"audit({event.serial}): {avc.comm} (pid {avc.pid}) on {what}\n"
                + explain(decision)
                + ("\n" + "".join(line + "\n" for line in story) if story else "")
            )
    return out


def explain_command(ctx: CommandContext, args: list[str]) -> int:
    """``lab explain [SERIAL]``: why the last (or that) denial happened."""
    lsm = selinux_lsm(ctx.host)
    if lsm is None:
        ctx.err("lab: SELinux is disabled\n")
        return 1
    events = ctx.host.audit.events
    if args:
        if not args[0].isdigit():
            ctx.err("lab: explain takes an audit serial\n")
            return 2
        events = [e for e in events if e.serial == int(args[0])]
    events = [e for e in events if e.avcs]
    if not events:
        refusal = ctx.machine.libvirt.last_refusal if not args else None
        if refusal is not None:
            ctx.out("".join(line + "\n" for line in dac_story(ctx, refusal)))
            return 0
        ctx.err("lab: no denial to explain\n")
        return 1
    event = events[-1]
    for avc in event.avcs:
        decision = _decide(lsm, avc)
        what = avc.path or avc.name or "?"
        ctx.out(f"audit({event.serial}): {avc.comm} (pid {avc.pid}) on {what}\n")
        ctx.out(explain(decision))
        story = libvirt_story(ctx.machine.libvirt, avc.pid, what, decision)
        if story:
            ctx.out("\n" + "".join(line + "\n" for line in story))
    return 0


def _unrelabelled_fix(read_only: bool, imagelabel: str | None) -> str:
    """For a file libvirt was told not to relabel, only the file's own label can help:
    svirt_t may read virt_image_t and virt_content_t but write only svirt_image_t with the
    domain's categories (selinux-policy.md 2.3)."""
    if read_only:
        return "fix: chcon -t virt_content_t FILE (svirt_t may read it), or relabel='yes'"
    label = imagelabel or "svirt_image_t with the domain's categories"
    return (
        f"fix: relabel='yes', or chcon {label} FILE (the domain's own image label); "
        "virt_image_t is not enough: svirt_t may only read it"
    )


def _may(st: StatResult, uid: int, groups: tuple[int, ...], bit: int) -> bool:
    """The kernel's ``generic_permission`` for a non-root caller: owner, group or other bits."""
    if st.st_uid == uid:
        return bool(st.mode >> 6 & bit)
    if st.st_gid in groups:
        return bool(st.mode >> 3 & bit)
    return bool(st.mode & bit)


def dac_story(ctx: CommandContext, refusal: StorageRefusal) -> list[str]:
    """A DAC refusal has no AVC: which directory the qemu user cannot search, and the fix."""
    names = user_names(ctx)
    who = f"uid {refusal.uid} ({names.get(refusal.uid, refusal.uid)})"
    lines = [
        f"DAC: domain '{refusal.domain}': libvirt's pre-check as {who}, gid {refusal.gid}, "
        f"cannot reach {refusal.path} (virStorageSourceReportBrokenChain); no SELinux denial"
    ]
    parts = [p for p in refusal.path.split("/") if p]
    groups = (refusal.gid, *refusal.groups)
    for depth in range(len(parts) + 1):
        path = "/" + "/".join(parts[:depth])
        try:
            st = ctx.host.stat(ctx.proc, path)
        except OSError as error:
            lines.append(f"{path}: {error.strerror}")
            break
        owner = f"{names.get(st.st_uid, st.st_uid)}:{st.st_gid}"
        if depth < len(parts) and not _may(st, refusal.uid, groups, 1):
            lines.append(f"{path}: mode {st.mode & 0o7777:04o} {owner}: {who} may not search it")
            lines.append(
                "fix: move the image under /var/lib/libvirt/images (restorecon gives it "
                f"virt_image_t), or let {who} search {path} (chmod o+x, or a group it is in); "
                "relabelling does not help: this is not SELinux"
            )
            return lines
    lines.append("fix: make the image readable by the qemu user, or let libvirt own it")
    return lines


def libvirt_story(daemon: Daemon | None, pid: int, target: str, decision: Decision) -> list[str]:
    """What label libvirt set on the denied file and why (libvirt.md 3.3, 3.4), and the fix."""

    lines: list[str] = []
    fix: str | None = None  # for a disk libvirt was told not to relabel
    live = daemon.launched.get(pid) if isinstance(daemon, Daemon) else None
    manager = daemon.manager if isinstance(daemon, Daemon) else None
    disk = None
    if live is not None:
        disk = next(
            (
                d
                for d in live.disks
                if d.src.path is not None
                and (d.src.path == target or posixpath.basename(d.src.path) == target)
            ),
            None,
        )
    if live is not None and disk is not None and manager is not None:
        seclabel = live.seclabel("selinux")
        per_disk = disk.src.seclabel("selinux")
        where = f"libvirt: disk {disk.target} ({disk.src.path}) of domain '{live.name}': "
        if seclabel is None:
            lines.append(where + "the domain runs unconfined, nothing was relabelled")
        elif not seclabel.relabel:
            lines.append(
                where + f"not relabelled: <seclabel type='{seclabel.type}' "
                "relabel='no'> leaves every file as it is (libvirt.md 3.3)"
            )
            fix = _unrelabelled_fix(disk.readonly or disk.shareable, seclabel.imagelabel)
        elif per_disk is not None and not per_disk.relabel:
            lines.append(
                where + "not relabelled: the disk's own <seclabel relabel='no'> (libvirt.md 3.4)"
            )
            fix = _unrelabelled_fix(disk.readonly or disk.shareable, seclabel.imagelabel)
        else:
            label = manager.selinux_image_label(live, disk.target)
            reason = (
                "<shareable/>: svirt_image_t:s0 without categories"
                if disk.shareable
                else "<readonly/>: virt_content_t:s0"
                if disk.readonly
                else "a writable top image: the domain's imagelabel"
            )
            lines.append(where + f"labelled {label} ({reason}, libvirt.md 3.4)")
    causes = {v.cause for v in decision.verdicts if not v.allowed}
    from simulator.selinux.decision import Cause

    if Cause.CONSTRAINT in causes:
        lines.append(
            "fix: give the file the domain's categories (relabel='yes', or dynamic "
            "labelling), share it on purpose (<shareable/>, or a category both "
            "domains hold); audit2allow cannot fix an MCS denial"
        )
    elif Cause.BOOLEAN in causes:
        names = sorted({b for v in decision.verdicts for b in v.booleans})
        lines.append(f"fix: setsebool -P {names[0]} 1")
    elif causes and fix is not None:
        lines.append(fix)
    elif causes:
        lines.append(
            "fix: label the file for virtual machines (relabel='yes', or "
            "semanage fcontext + restorecon for its directory, e.g. virt_image_t); "
            "an allow rule for a wrong label is the last resort"
        )
    return lines
