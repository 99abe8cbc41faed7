"""Processes and services: ps, pidof, kill, systemctl, reboot (commands.md 6)."""

from __future__ import annotations

import time

import attrs

from simulator.errors import NotModelled
from simulator.kernel.calls_process import SIGKILL, SIGTERM
from simulator.kernel.process import Process
from simulator.shell.accounts import lookup_user, user_names
from simulator.shell.registry import CommandContext, command

PID_WIDTH = 7  # pid_max 4194304 on RHEL 9
SERVICES = {"virtqemud": "virtqemud", "libvirtd": "virtqemud", "auditd": "auditd"}


@attrs.frozen
class Unit:
    """What ``systemctl status`` shows of a unit besides its state (RHEL 9's unit files)."""

    description: str
    exe: str
    triggered_by: tuple[str, ...]
    docs: tuple[str, ...]


UNITS = {
    "virtqemud": Unit(
        "Virtualization qemu daemon",
        "/usr/sbin/virtqemud",
        ("virtqemud-ro.socket", "virtqemud-admin.socket", "virtqemud.socket"),
        ("man:virtqemud(8)", "https://libvirt.org"),
    ),
    "auditd": Unit(
        "Security Auditing Service",
        "/usr/sbin/auditd",
        (),
        ("man:auditd(8)", "https://github.com/linux-audit/audit-documentation"),
    ),
}


def _row(columns: list[tuple[str, int, bool]]) -> str:
    """procps' layout: each column's width, right or left aligned, overflow absorbed."""
    correct = actual = 0
    dospace = 0
    out = []
    for text, width, right in columns:
        leftpad = max(0, width - len(text)) if right else 0
        space = correct - actual + leftpad
        if space < 1:
            space = dospace
        out.append(" " * space + text)
        actual += space + len(text)
        correct += width + 1
        dospace = 1
    return "".join(out) + "\n"


def _cpu_time(proc: Process, now: int) -> str:
    del proc, now
    return "00:00:00"


@command("ps")
def ps(ctx: CommandContext) -> int:
    args = list(ctx.args)
    label = full = everyone = False
    user: int | None = None
    pids: list[int] = []
    names_wanted: list[str] = []
    fields: list[str] | None = None
    while args:
        arg = args.pop(0)
        if arg in ("-u", "-p", "-o", "-C") and args:
            value = args.pop(0)
            if arg == "-C":
                # procps: select by command name, the process name (comm) in /proc/PID/stat
                names_wanted.extend(n for n in value.split(",") if n)
            elif arg == "-u":
                user = lookup_user(ctx, value)
                if user is None:
                    ctx.err(
                        "error: user name does not exist\n\nUsage:\n ps [options]\n\n"
                        " Try 'ps --help <simple|list|output|threads|misc|all>'\n"
                        "  or 'ps --help <s|l|o|t|m|a>'\n for additional help text.\n\n"
                        "For more details see ps(1).\n"
                    )
                    return 1
            elif arg == "-p":
                pids.extend(int(p) for p in value.split(",") if p.isdigit())
            else:
                fields = value.split(",")
            continue
        if arg.startswith("-"):
            label |= "Z" in arg
            full |= "f" in arg
            everyone |= "e" in arg or "A" in arg
    procs = [ctx.host.processes[p] for p in sorted(ctx.host.processes)]
    if user is not None:
        procs = [p for p in procs if p.uid == user]
    if pids:
        procs = [p for p in procs if p.pid in pids]
    if names_wanted:
        procs = [p for p in procs if p.comm in names_wanted]
    if not everyone and user is None and not pids and not names_wanted:
        procs = [p for p in procs if p.tty == ctx.proc.tty]
    names = user_names(ctx)
    columns: list[tuple[str, str, int, bool]] = []
    if fields is not None:
        table = {
            "pid": ("PID", PID_WIDTH, True),
            "comm": ("COMMAND", 15, False),
            "label": ("LABEL", 31, False),
            "user": ("USER", 8, False),
            "args": ("COMMAND", 0, False),
        }
        columns = [(f, *table.get(f, (f.upper(), 8, False))) for f in fields]
    else:
        if label:
            columns.append(("label", "LABEL", 31, False))
        if full:
            columns += [
                ("user", "UID", 8, False),
                ("pid", "PID", PID_WIDTH, True),
                ("ppid", "PPID", PID_WIDTH, True),
                ("c", "C", 2, True),
                ("stime", "STIME", 5, False),
            ]
        else:
            columns.append(("pid", "PID", PID_WIDTH, True))
        columns += [
            ("tty", "TTY", 8, False),
            ("time", "TIME", 8, True),
            ("args" if full else "comm", "CMD", 0, False),
        ]

    def cell(proc: Process, key: str) -> str:
        return {
            "label": proc.context,
            "pid": str(proc.pid),
            "ppid": str(proc.ppid),
            "c": "0",
            "stime": "09:58",
            "user": names.get(proc.uid, str(proc.uid)),
            "tty": proc.tty.replace("pts", "pts/") if proc.tty else "?",
            "time": _cpu_time(proc, ctx.host.clock.now),
            "comm": proc.comm,
            "args": " ".join(proc.argv),
        }.get(key, "-")

    ctx.out(_row([(h, w, r) for _, h, w, r in columns]))
    for proc in procs:
        ctx.out(_row([(cell(proc, k), w, r) for k, _, w, r in columns]))
    return 0 if procs else 1


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
            ctx.err(f"bash: kill: {spec}: invalid signal specification\n")
            return 1
    if not args:
        ctx.err(KILL_USAGE)
        return 2
    if signal == SIGKILL and str(ctx.proc.pid) in args:  # checked first: nothing is killed
        raise NotModelled("killing the login shell (type exit to leave)")
    status = 0
    for arg in args:
        if not arg.isdigit():
            ctx.err(f"bash: kill: {arg}: arguments must be process or job IDs\n")
            status = 1
            continue
        try:
            ctx.host.kill(ctx.proc, int(arg), signal)
        except OSError as error:
            ctx.err(f"bash: kill: ({arg}) - {error.strerror}\n")
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
    service = SERVICES.get(unit)
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
    if service == "virtqemud":
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
        proc = host.spawn(
            comm="auditd",
            argv=("/sbin/auditd",),
            exe="/usr/sbin/auditd",
            uid=0,
            gid=0,
            groups=(0,),
            context="system_u:system_r:auditd_t:s0",
        )
        audit.daemon_pid = proc.pid
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


def _status(ctx: CommandContext, service: str) -> int:
    """``systemctl status``: read from the process table, so asking starts nothing."""
    unit = UNITS[service]
    main = next(
        (p for _, p in sorted(ctx.host.processes.items()) if p.exe == unit.exe and p.ppid == 1),
        None,
    )
    if main is None:
        active = "inactive (dead)"
    else:
        since = time.strftime("%a %Y-%m-%d %H:%M:%S UTC", time.gmtime(main.start_time))
        active = f"active (running) since {since}; {_ago(ctx.host.clock.now - main.start_time)}"
    lines = [
        f"● {service}.service - {unit.description}",
        f"     Loaded: loaded (/usr/lib/systemd/system/{service}.service; enabled; "
        "preset: enabled)",
        f"     Active: {active}",
    ]
    lines += [
        f"{'TriggeredBy:' if i == 0 else '':>12} ● {socket}"
        for i, socket in enumerate(unit.triggered_by)
    ]
    lines += [f"{'Docs:' if i == 0 else '':>12} {doc}" for i, doc in enumerate(unit.docs)]
    if main is not None:
        lines.append(f"   Main PID: {main.pid} ({main.comm})")
    ctx.out("".join(line + "\n" for line in lines))
    return 0 if main is not None else 3


@command("reboot")
def reboot(ctx: CommandContext) -> int:
    ctx.machine.reboot()
    return 0
