"""Processes and services: pidof, kill, systemctl, reboot (ps is in procps.py)."""

from __future__ import annotations

import time

from simulator.errors import NotModelled
from simulator.kernel.calls_process import SIGKILL, SIGTERM
from simulator.kernel.process import Process
from simulator.shell.commands.nfs_tools import nfs_server_unit
from simulator.shell.registry import CommandContext, command
from simulator.system.profile import Service


def _pidof_match(program: str, proc: Process) -> bool:
    """procps-ng pidof.c ``select_procs``: argv[0] (a login shell's ``-`` dropped) and its
    base name, the ``/proc/PID/exe`` link and its base name; not the process name (comm),
    so ``pidof qemu-kvm`` finds a qemu that renamed itself ``qemu:NAME``. Processes without
    a command line (kernel threads) are skipped (no ``-w``)."""
    if not proc.argv:
        return False
    arg0 = proc.argv[0].removeprefix("-")
    base = program.rsplit("/", 1)[-1]
    exe_base = proc.exe.rsplit("/", 1)[-1]
    return program in (arg0.rsplit("/", 1)[-1], arg0, exe_base, proc.exe) or base == arg0


@command("pidof")
def pidof(ctx: CommandContext) -> int:
    found = [
        str(p.pid)
        for p in sorted(ctx.host.processes.values(), key=lambda p: -p.pid)
        if any(_pidof_match(a, p) for a in ctx.args)
    ]
    if found:
        ctx.out(" ".join(found) + "\n")
    return 0 if found else 1


SIGNALS = {"9": SIGKILL, "KILL": SIGKILL, "15": SIGTERM, "TERM": SIGTERM}
# Real signals whose effects the lab does not model (it says so rather than guessing).
OTHER_SIGNALS = frozenset(
    [
        "HUP",
        "INT",
        "QUIT",
        "ILL",
        "TRAP",
        "ABRT",
        "BUS",
        "FPE",
        "USR1",
        "SEGV",
        "USR2",
        "PIPE",
        "ALRM",
        "STKFLT",
        "CHLD",
        "CONT",
        "STOP",
        "TSTP",
        "TTIN",
        "TTOU",
        "URG",
        "XCPU",
        "XFSZ",
        "VTALRM",
        "PROF",
        "WINCH",
        "IO",
        "POLL",
        "PWR",
        "SYS",
    ]
)
KILL_USAGE = (
    "kill: usage: kill [-s sigspec | -n signum | -sigspec] pid | jobspec ... or kill -l [sigspec]\n"
)


@command("kill")
def kill(ctx: CommandContext) -> int:
    args = list(ctx.args)
    signal = SIGTERM
    if args and args[0] in ("-s", "-n") and len(args) > 1:
        args = ["-" + args[1], *args[2:]]
    if args and args[0].startswith("-") and args[0] != "-":
        spec = args.pop(0)[1:].upper().removeprefix("SIG")
        if spec in SIGNALS:
            signal = SIGNALS[spec]
        elif spec in OTHER_SIGNALS or (spec.isdigit() and 1 <= int(spec) <= 64):
            raise NotModelled(f"signal {spec} (kill knows -9 and -15)")
        else:
            ctx.err(f"-bash: kill: {spec}: invalid signal specification\n")
            return 1
    if not args:
        ctx.err(KILL_USAGE)
        return 2
    if signal == SIGKILL and str(ctx.proc.pid) in args:  # checked first: nothing is killed
        raise NotModelled("killing the login shell (type exit to leave)")
    status = 0
    for arg in args:
        if not arg.isdigit():
            ctx.err(f"-bash: kill: {arg}: arguments must be process or job IDs\n")
            status = 1
            continue
        try:
            ctx.host.kill(ctx.proc, int(arg), signal)
        except OSError as error:
            ctx.err(f"-bash: kill: ({arg}) - {error.strerror}\n")
            status = 1
    return status


@command("systemctl")
def systemctl(ctx: CommandContext) -> int:
    if len(ctx.args) != 2 or ctx.args[0] not in ("start", "stop", "restart", "status"):
        ctx.err(
            "Too few arguments.\n"
            if len(ctx.args) < 2
            else f"Unknown command verb {ctx.args[0]}.\n"
        )
        return 1
    verb, unit = ctx.args[0], ctx.args[1].removesuffix(".service")
    profile = ctx.machine.profile
    if ctx.args[1] in profile.unmodelled_units:
        raise NotModelled(f"systemctl {verb} {ctx.args[1]} on {profile.name}")
    nfs_unit = nfs_server_unit(ctx, verb, unit)  # several hosts: the NFS server's unit
    if nfs_unit is not None:
        return nfs_unit
    service = ctx.machine.profile.service(unit)
    if service is None:
        ctx.err(
            f"Unit {unit}.service not found.\n"
            if verb != "stop"
            else f"Failed to stop {unit}.service: Unit {unit}.service not loaded.\n"
        )
        return 4 if verb == "status" else 5
    host = ctx.host
    if verb == "status":
        return _status(ctx, service)
    if service.role == "libvirt":
        daemon = ctx.machine.libvirt
        if verb == "stop":
            if daemon.process is not None:
                host.exit(daemon.pid)
        elif verb == "restart" or (verb == "start" and daemon.process is None):
            ctx.machine.restart_libvirt()
        return 0
    audit = host.audit
    alive = audit.daemon_pid is not None and audit.daemon_pid in host.processes
    if verb in ("stop", "restart") and alive and audit.daemon_pid is not None:
        host.exit(audit.daemon_pid)
        alive = False
    if verb in ("start", "restart") and not alive:
        ctx.machine.start_service(service.name)
    return 0


def _ago(seconds: int) -> str:
    """systemd's ``format_timestamp_relative`` for the spans a lab session reaches."""
    minute, hour, day = 60, 3600, 86400
    if seconds >= 2 * day:
        return f"{seconds // day} days ago"
    if seconds >= 25 * hour:
        return f"1 day {(seconds - day) // hour}h ago"
    if seconds >= 6 * hour:
        return f"{seconds // hour}h ago"
    if seconds >= hour:
        return f"{seconds // hour}h {seconds % hour // minute}min ago"
    if seconds >= 5 * minute:
        return f"{seconds // minute}min ago"
    if seconds >= minute:
        return f"{seconds // minute}min {seconds % minute}s ago"
    return f"{seconds}s ago" if seconds else "now"


def _status(ctx: CommandContext, unit: Service) -> int:
    """``systemctl status``: read from the process table, so asking starts nothing."""
    service = unit.name
    main = next(
        (p for _, p in sorted(ctx.host.processes.items()) if p.exe == unit.exe and p.ppid == 1),
        None,
    )
    if main is None:
        active = "inactive (dead)"
    else:
        since = time.strftime("%a %Y-%m-%d %H:%M:%S UTC", time.gmtime(main.start_time))
        active = f"active (running) since {since}; {_ago(ctx.host.clock.now - main.start_time)}"
    # systemd systemctl.c print_status_info: the profile's systemd says how wide the field
    # names are, what the preset is called and whether sockets show as TriggeredBy.
    layout = ctx.machine.profile.systemctl
    width = layout.label_width
    lines = [
        f"● {service}.service - {unit.description}",
        f"{'Loaded:':>{width}} loaded (/usr/lib/systemd/system/{service}.service; enabled; "
        f"{layout.preset}: enabled)",
        f"{'Active:':>{width}} {active}",
    ]
    if layout.triggered_by:
        lines += [
            f"{'TriggeredBy:' if i == 0 else '':>{width}} ● {socket}"
            for i, socket in enumerate(unit.sockets)
        ]
    lines += [f"{'Docs:' if i == 0 else '':>{width}} {doc}" for i, doc in enumerate(unit.docs)]
    if main is not None:
        lines.append(f"{'Main PID:':>{width}} {main.pid} ({main.comm})")
    ctx.out("".join(line + "\n" for line in lines))
    return 0 if main is not None else 3


@command("reboot")
def reboot(ctx: CommandContext) -> int:
    ctx.machine.reboot()
    return 0
