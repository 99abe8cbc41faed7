"""setroubleshoot's faces: the journal summary line and ``sealert -l ID`` (selinux-policy.md 5)."""

from __future__ import annotations

import time

from simulator.kernel.audit import AuditEvent, AvcRecord
from simulator.selinux.context import SecurityContext
from simulator.selinux.setroubleshoot import Alert, Denial, analyse, plugin_header
from simulator.shell.host_views import selinux_lsm
from simulator.shell.registry import CommandContext, command
from simulator.system.profiles.ol9 import HOSTNAME, KERNEL_RELEASE

POLICY_RPM = "selinux-policy-targeted-38.1.23-1.el9.noarch"
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
SETROUBLESHOOT_DELAY = 2  # the analysis lands in the journal a moment after the denial


def stamp(seconds: int) -> str:
    t = time.gmtime(seconds)
    return f"{MONTHS[t.tm_mon - 1]} {t.tm_mday:02d} {t.tm_hour:02d}:{t.tm_min:02d}:{t.tm_sec:02d}"


def _alerts(ctx: CommandContext) -> list[tuple[str, AuditEvent, AvcRecord, Alert]]:
    lsm = selinux_lsm(ctx.host)
    if lsm is None:
        return []
    out: list[tuple[str, AuditEvent, AvcRecord, Alert]] = []
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
            local_id = f"{event.serial:08x}-5ec1-4ab0-9d1a-{len(out):012x}"
            out.append(
                (local_id, event, avc, analyse(denial, lsm.selinux, lsm.selinux.file_contexts))
            )
    return out


def journal_lines(ctx: CommandContext) -> list[str]:
    """Per denial: the summary line with its ``sealert -l`` hint, then the full report as a
    second entry (``log_full_report``), continuation lines indented as journalctl does."""
    lines: list[str] = []
    for i, (local_id, event, avc, alert) in enumerate(_alerts(ctx)):
        prefix = (
            f"{stamp(event.seconds + SETROUBLESHOOT_DELAY)} {HOSTNAME} setroubleshoot[{4900 + i}]: "
        )
        lines.append(
            f"{prefix}{alert.summary} For complete SELinux messages run: sealert -l {local_id}"
        )
        report = report_lines(local_id, event, avc, alert)
        lines.append(prefix + report[0])
        lines += [(" " * len(prefix) + line).rstrip() for line in report[1:]]
    return lines


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _full_date(seconds: int) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(seconds))


def report_lines(local_id: str, event: AuditEvent, avc: AvcRecord, alert: Alert) -> list[str]:
    """``format_text()``: the summary, each plugin's advice, details, the raw record, hash."""
    lines = [alert.summary, ""]
    for suggestion in alert.suggestions:
        lines += [
            "",
            plugin_header(suggestion),
            "",
            suggestion.if_text,
            "Then " + _lower_first(suggestion.then_text).rstrip("\n"),
            "Do",
            _lower_first(suggestion.do_text).rstrip("\n"),
            "",
        ]
    target = avc.path or avc.name or "Unknown"
    rows = [
        ("Source Context", avc.scontext),
        ("Target Context", avc.tcontext),
        ("Target Objects", f"{target} [ {avc.tclass} ]"),
        ("Source", avc.comm),
        ("Source Path", event.syscall.exe if event.syscall else avc.comm),
        ("Port", "<Unknown>"),
        ("Host", HOSTNAME),
        ("Source RPM Packages", ""),
        ("Target RPM Packages", ""),
        ("SELinux Policy RPM", POLICY_RPM),
        ("Local Policy RPM", POLICY_RPM),
        ("Selinux Enabled", "True"),
        ("Policy Type", "targeted"),
        ("Enforcing Mode", "Permissive" if avc.permissive else "Enforcing"),
        ("Host Name", HOSTNAME),
        ("Platform", f"Linux {HOSTNAME} {KERNEL_RELEASE} #2 SMP x86_64 x86_64"),
        ("Alert Count", "1"),
        ("First Seen", _full_date(event.seconds)),
        ("Last Seen", _full_date(event.seconds)),
        ("Local ID", local_id),
    ]
    lines += ["", "Additional Information:"]
    lines += [f"{name:<30}{value}".rstrip() for name, value in rows]
    lines += ["", "Raw Audit Messages", *event.raw_lines(), "", ""]
    source_type = SecurityContext.parse(avc.scontext).type
    target_type = SecurityContext.parse(avc.tcontext).type
    lines.append(
        f"Hash: {avc.comm},{source_type},{target_type},{avc.tclass}," + ",".join(avc.perms)
    )
    return lines


@command("sealert")
def sealert(ctx: CommandContext) -> int:
    if len(ctx.args) != 2 or ctx.args[0] != "-l":
        ctx.err("usage: sealert [-b] [-f local_id] [-h] [-l local_id] [-a file]\n")
        return 1
    wanted = ctx.args[1]
    found = next((a for a in _alerts(ctx) if a[0] == wanted or wanted == "*"), None)
    if found is None:
        ctx.err(f"Error\nquery_alerts error (1003): id ({wanted}) not found\n")
        return 1
    ctx.out("\n".join(report_lines(*found)) + "\n\n")
    return 0
