"""lsns (util-linux 2.37, commands.md 7) and journalctl (the daemon's log and setroubleshoot)."""

from __future__ import annotations

import time

from simulator.kernel.audit import AuditEvent
from simulator.kernel.lsm_selinux import SelinuxLsm
from simulator.selinux.context import SecurityContext
from simulator.selinux.setroubleshoot import Denial, analyse
from simulator.shell.accounts import user_names
from simulator.shell.registry import CommandContext, command

COLUMNS = (
    ("NS", 10, True),
    ("TYPE", 5, False),
    ("NPROCS", 5, True),
    ("PID", 5, True),
    ("USER", 0, False),
    ("COMMAND", 0, False),
)


@command("lsns")
def lsns(ctx: CommandContext) -> int:
    args = list(ctx.args)
    pid: int | None = None
    while args:
        arg = args.pop(0)
        if arg == "-t" and args:
            kind = args.pop(0)
            if kind != "mnt":
                ctx.err(f"lsns: unknown namespace type: {kind}\n")
                return 1
        elif arg == "-p" and args and args[0].isdigit():
            pid = int(args.pop(0))
        else:
            ctx.err(f"lsns: unrecognized option '{arg}'\nTry 'lsns --help' for more information.\n")
            return 1
    users = user_names(ctx)
    rows = []
    for ns_id in sorted(ctx.host.namespaces):
        members = sorted(p for p, proc in ctx.host.processes.items() if proc.ns_id == ns_id)
        if not members or (pid is not None and ctx.host.processes[pid].ns_id != ns_id):
            continue
        first = ctx.host.processes[members[0]]
        rows.append(
            [
                str(ns_id),
                "mnt",
                str(len(members)),
                str(first.pid),
                users.get(first.uid, str(first.uid)),
                " ".join(first.argv),
            ]
        )
    if not rows:
        return 0
    widths = []
    for i, (header, hint, _) in enumerate(COLUMNS):
        width = max(len(r[i]) for r in rows)
        if width < len(header):
            width = len(header)
        elif hint >= 1 and width < hint and len(header) < hint:
            width = hint
        widths.append(width)
    for row in [[c[0] for c in COLUMNS], *rows]:
        cells = []
        for i, cell in enumerate(row):
            last = i == len(row) - 1
            right = COLUMNS[i][2]
            cells.append(
                cell if last else (cell.rjust(widths[i]) if right else cell.ljust(widths[i]))
            )
        ctx.out(" ".join(cells) + "\n")
    return 0


def _stamp(seconds: int) -> str:
    t = time.gmtime(seconds)
    months = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
    return f"{months[t.tm_mon - 1]} {t.tm_mday:02d} {t.tm_hour:02d}:{t.tm_min:02d}:{t.tm_sec:02d}"


def _alerts(ctx: CommandContext) -> list[tuple[AuditEvent, str]]:
    lsm = ctx.host.security
    if not isinstance(lsm, SelinuxLsm):
        return []
    out = []
    for event in ctx.host.audit.events:
        for avc in event.avcs:
            denial = Denial(
                scontext=SecurityContext.parse(avc.scontext),
                tcontext=SecurityContext.parse(avc.tcontext),
                tclass=avc.tclass,
                perms=avc.perms,
                source=avc.comm,
                source_path=event.syscall.exe if event.syscall else avc.comm,
                target_path=avc.path or avc.name,
                syscall=event.syscall.syscall if event.syscall else None,
            )
            alert = analyse(denial, lsm.selinux, lsm.selinux.file_contexts)
            out.append((event, alert.summary))
    return out


@command("journalctl")
def journalctl(ctx: CommandContext) -> int:
    args = ctx.args
    if args[:2] == ["-t", "setroubleshoot"]:
        for index, (event, summary) in enumerate(_alerts(ctx)):
            local_id = f"{event.serial:08x}-5ec1-4ab0-9d1a-{index:012x}"
            ctx.out(
                f"{_stamp(event.seconds + 2)} ol9-host setroubleshoot[{4900 + index}]: "
                f"{summary} For complete SELinux messages run: sealert -l {local_id}\n"
            )
        return 0
    if args[:2] in (["-u", "virtqemud"], ["-u", "libvirtd"]):
        daemon = ctx.machine.libvirt
        for when, level, text in daemon.log.messages:
            ctx.out(f"{_stamp(when)} ol9-host virtqemud[{daemon.pid}]: {level} : {text}\n")
        return 0
    ctx.err("journalctl: only -t setroubleshoot and -u virtqemud are modelled\n")
    return 1
