"""``lab``: what has no real command (scenarios.md 5): faults, clock, seed, state, trace."""

from __future__ import annotations

import time

from simulator.errors import SeclabError
from simulator.shell.registry import CommandContext, command
from simulator.system.profile import HostProfile

USAGE = """\
usage: lab COMMAND [ARG]...
  lab explain [SERIAL]     why the last (or that audit serial's) denial happened, and the fix
  lab state [--json]       labels, owners and libvirt xattrs of the host (--json: everything)
  lab clock                the virtual time, and when the host booted
  lab seed                 the seed of the host's random source (MCS labels); set it in
                           scenario.toml or with seclab run --seed, not here
  lab trace [--since N]    libvirt's security-driver calls, oldest first
  lab fault add SYSCALL PATH ERRNO [--times N] [--ns PID]
                           the next N SYSCALL calls on PATH fail with ERRNO
  lab fault add step NAME  the daemon dies at a named point of an operation
  lab fault list | list-steps | clear
"""
HELP = (
    """\
This is a lab host (Oracle Linux 9 with libvirt): nothing here touches a real machine.
You are root in a bash-like shell; files, processes, SELinux and libvirt are a model.
Commands print what the real tools print on RHEL 9. What the lab does not model says so:
"seclab: not modelled: ..." with exit status 3, and nothing changes.
The clock is virtual: every command line moves it on by one second (sleep N by N).

Try:  virsh define FILE; virsh start NAME; ls -Z; getfattr -d -m- FILE; ps -eZ;
      ausearch -m avc -i; journalctl -t setroubleshoot; sealert -l ID
The lab's own commands:
"""
    + USAGE.split("\n", 1)[1]
    + """\
Type exit (or press Ctrl-D) to leave.
"""
)


def help_text(profile: HostProfile) -> str:
    """HELP for the host's profile: its release, and no refused command among the hints."""
    text = HELP.replace("Oracle Linux 9", profile.release).replace("RHEL 9", profile.rhel)
    if "sealert" in profile.unmodelled_commands:
        text = text.replace("; sealert -l ID", "")
    return text


def _fault(ctx: CommandContext, args: list[str]) -> int:
    if args == ["list"]:
        for fault in ctx.host.faults.faults:
            ctx.out(fault.describe() + "\n")
        for step in ctx.machine.userspace.crash_steps:
            ctx.out(f"step {step}\n")
        return 0
    if args == ["clear"]:
        ctx.host.faults.clear()
        ctx.machine.userspace.crash_steps.clear()
        return 0
    if args == ["list-steps"]:
        from simulator.libvirt.qemu_driver import STEPS

        ctx.out("".join(f"{name:<26}{what}\n" for name, what in STEPS.items()))
        return 0
    if len(args) == 3 and args[:2] == ["add", "step"]:
        from simulator.libvirt.qemu_driver import STEPS

        if args[2] not in STEPS:  # checked here so that arming a step starts no daemon
            ctx.err(f"lab: unknown step '{args[2]}'; see lab fault list-steps\n")
            return 2
        ctx.machine.add_step_fault(args[2])
        return 0
    if len(args) < 4 or args[0] != "add":
        ctx.err(USAGE)
        return 2
    syscall, path, name = args[1], args[2], args[3]
    options = args[4:]
    times, pid = 1, None
    while options:
        option = options.pop(0)
        if option in ("--times", "--ns") and options and options[0].isdigit():
            value = int(options.pop(0))
            if option == "--times":
                times = value
            else:
                pid = value
        else:
            ctx.err(f"lab: unknown option {option}\n{USAGE}")
            return 2
    try:
        ctx.host.add_fault(syscall, path, name, times=times, pid=pid)
    except (SeclabError, OSError) as error:
        ctx.err(f"lab: {error}\n")
        return 2
    return 0


@command("lab")
def lab(ctx: CommandContext) -> int:
    args = ctx.args
    if not args:
        ctx.err(USAGE)
        return 2
    if args[0] == "fault":
        return _fault(ctx, args[1:])
    if args[0] == "explain":
        from simulator.shell.commands.policy_tools import explain_command

        return explain_command(ctx, args[1:])
    if args == ["clock"]:
        now = ctx.host.clock.now
        stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now))
        ctx.out(f"{stamp} ({now}), boot time {ctx.host.clock.boot_time}\n")
        return 0
    if args == ["seed"]:
        ctx.out(f"{ctx.host.seed}\n")
        return 0
    if args == ["state", "--json"]:
        ctx.out(ctx.machine.snapshot().to_json() + "\n")
        return 0
    if args == ["state"]:
        from simulator.shell.commands.lab_state import describe_host

        ctx.out(describe_host(ctx))
        return 0
    if args[0] == "trace":
        if args[1:] and not (len(args) == 3 and args[1] == "--since" and args[2].isdigit()):
            ctx.err(USAGE)
            return 2
        since = int(args[2]) if len(args) == 3 else 0
        daemon = ctx.machine.libvirt
        for event in daemon.log.trace[since:]:
            ctx.out(event.line() + "\n")
        return 0
    ctx.err(USAGE)
    return 2
