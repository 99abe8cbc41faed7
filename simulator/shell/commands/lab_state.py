"""``lab state`` without ``--json``: the host state a workshop asks about, readable.

It reads the model only (files, processes, the SELinux state); it never starts virtqemud,
so looking at the state cannot change it.
"""

from __future__ import annotations

import time

from simulator.selinux.targeted import BOOLEANS
from simulator.shell.accounts import group_names, user_names
from simulator.shell.host_views import selinux_lsm, tree
from simulator.shell.registry import CommandContext

# Pseudo filesystems hold no labels libvirt sets; walking them would only add noise.
SKIPPED = ("/proc", "/sys")
LIBVIRT_XATTR = b"trusted.libvirt."
DEFINITIONS = "/etc/libvirt/qemu"
STATUS = "/run/libvirt/qemu"


def describe_host(ctx: CommandContext) -> str:
    return "".join(
        section
        for section in (
            _overview(ctx),
            _selinux(ctx),
            _domains(ctx),
            _processes(ctx),
            _remembered(ctx),
            _faults(ctx),
        )
    )


def _overview(ctx: CommandContext) -> str:
    clock = ctx.host.clock
    stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(clock.now))
    return f"seed {ctx.host.seed}, clock {stamp}, boot time {clock.boot_time}\n"


def _selinux(ctx: CommandContext) -> str:
    lsm = selinux_lsm(ctx.host)
    if lsm is None:
        return "selinux: disabled\n"
    state = lsm.selinux
    changed = [
        f"{b.name}={'on' if state.booleans.get(b.name, b.default) else 'off'}"
        for b in BOOLEANS
        if state.booleans.get(b.name, b.default) != b.default
    ]
    modules = [name for name, _ in state.policy.modules]
    return (
        f"selinux: {'enforcing' if state.enforcing else 'permissive'}"
        f"; booleans changed: {' '.join(changed) or 'none'}"
        f"; modules: {' '.join(modules) or 'none'}\n"
    )


def _names(ctx: CommandContext, folder: str) -> list[str]:
    try:
        entries = ctx.host.listdir(ctx.proc, folder)
    except OSError:
        return []
    return sorted(name.removesuffix(".xml") for name in entries if name.endswith(".xml"))


def _domains(ctx: CommandContext) -> str:
    defined, running = _names(ctx, DEFINITIONS), _names(ctx, STATUS)
    return (
        f"domains defined: {' '.join(defined) or 'none'}; running: {' '.join(running) or 'none'}\n"
    )


def _processes(ctx: CommandContext) -> str:
    lines = ["processes:\n"]
    for pid in sorted(ctx.host.processes):
        proc = ctx.host.processes[pid]
        lines.append(f"  {pid:>6} {proc.comm:<10} mnt:{proc.ns_id} {proc.context}\n")
    return "".join(lines)


def _remembered(ctx: CommandContext) -> str:
    """Files carrying libvirt's remembered-label xattrs: the host's, then each namespace's
    private /dev (the copies qemu sees, libvirt.md 5.2)."""
    users, groups = user_names(ctx), group_names(ctx)
    lines = ["files with trusted.libvirt.* xattrs:\n"]
    # Another namespace is read as an administrator would: through /proc/PID/root of its
    # lowest pid, as root, so reading it raises no AVC and shows trusted.* xattrs.
    roots = ["/"]
    seen = {ctx.proc.ns_id}
    for pid in sorted(ctx.host.processes):
        if ctx.host.processes[pid].ns_id not in seen:
            seen.add(ctx.host.processes[pid].ns_id)
            roots.append(f"/proc/{pid}/root/dev")
    proc = ctx.proc
    count = 0
    for root in roots:
        for path in tree(ctx, root, skip=SKIPPED)[1:]:
            try:
                names = [
                    n
                    for n in ctx.host.listxattr(proc, path, follow=False)
                    if n.startswith(LIBVIRT_XATTR)
                ]
                if not names:
                    continue
                st = ctx.host.lstat(proc, path)
                label = ctx.host.getfilecon(proc, path, follow=False)
                values = [(n, ctx.host.getxattr(proc, path, n, follow=False)) for n in names]
            except OSError:
                continue
            owner = f"{users.get(st.st_uid, st.st_uid)}:{groups.get(st.st_gid, st.st_gid)}"
            lines.append(f"  {path} {owner} {label}\n")
            lines.extend(
                f"    {n.decode(errors='replace')}={v.decode(errors='replace')}\n"
                for n, v in values
            )
            count += 1
    if not count:
        lines.append("  none\n")
    return "".join(lines)


def _faults(ctx: CommandContext) -> str:
    faults = [f.describe() for f in ctx.host.faults.faults]
    faults += [f"step {step}" for step in ctx.machine.userspace.crash_steps]
    return f"faults: {'; '.join(faults) or 'none'}\n"
