"""Command lines recorded with the real ausearch/aureport (tools/record-audit) and replayed in
the lab (tests/shell/test_audit_recorded.py), each on every log of tests/shell/data/audit.

Left out, because the real tools' answer depends on the recording machine's clock rather than
the log: -ts/-te recent, now, today, this-hour, this-week, boot and bare HH:MM:SS (today's
date). The lab's -ts/-te forms are covered by the scenarios instead.
"""

from __future__ import annotations

LOG = "/var/log/audit/audit.log"
LOGS = ("single-write-denial", "permissive-triage", "te-denial-rounds", "empty")

_AUSEARCH = (
    "-m avc",
    "-m AVC,USER_AVC",
    "-m SYSCALL",
    "-m PROCTITLE",
    "-m ALL",
    "-m avc --raw",
    "-m avc -i",
    "-i",
    "--raw",
    "-i --raw",
    "--raw -i",
    "--interpret",
    "-r",
    "-c qemu",
    "-c qemu-kvm",
    "-c virsh",
    "--comm qemu-kvm -i",
    "-x qemu-kvm",
    "-x /usr/libexec/qemu-kvm",
    "-x /usr/bin/virsh",
    "--executable kvm --raw",
    "-p 4810",
    "-p 4812 -i",
    "-p 1",
    "-p abc",
    "--pid 4811",
    "-sv yes",
    "-sv no",
    "-sv maybe",
    "--success no -i",
    "-m avc -sv no -x qemu-kvm --raw",
    "-m avc -c qemu -p 4811",
    "-m",
    "-p",
    "-m NOSUCHTYPE",
    "-k disks",
    "-ui 107",
    "-f web.qcow2",
    "-se svirt_t",
    "-p 4810abc",
    "-p abc -sv maybe -i --raw",
    "-p 4810 -p 4811",
    "-sv nope",
    "-sv yesno",
    "-i -i",
    "--raw --raw",
    "-r -i",
    "-m avc,syscall",
    "-m USER_AVC",
    "-m CWD",
    "-m PATH,PROCTITLE --raw",
    "-c qemu-kvm -x qemu -sv no -i",
    "-c",
    "-x",
    "-sv",
    "-ts",
    "-te",
    "-i extra",
    "--raw extra",
    "-i -r extra",
    "-c -x qemu",
    "-p -1",
    "-ts 06/04/2025 09:58:00",
    "-te 06/04/2025 09:58:05",
)
_AUREPORT = (
    "-a",
    "--avc",
    "-a -i",
    "--summary",
    "",
    "-x",
    "--failed",
    "--avc -i",
)


def cases() -> list[tuple[str, str]]:
    """(log name, command line); the log sits at LOG."""
    out = []
    for log in LOGS:
        out += [(log, f"ausearch -if {LOG} {opts}".rstrip()) for opts in _AUSEARCH]
        out.append((log, "ausearch -m avc"))
        out += [(log, f"aureport -if {LOG} {opts}".rstrip()) for opts in _AUREPORT]
        out.append((log, "aureport -a"))
    out.append(("empty", "ausearch -if /nonexistent.log"))
    out.append(("empty", "aureport -a -if /nonexistent.log"))
    out.append(("empty", "ausearch -if /var/log/audit"))
    out.append(("empty", "ausearch"))
    return out
