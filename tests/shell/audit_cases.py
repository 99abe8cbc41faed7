"""Command lines recorded with the real ausearch/aureport (tools/record-audit) and replayed in
the lab (tests/shell/test_audit_recorded.py), each on every log of tests/shell/data/audit.

The recorder runs the real tools under faketime at the lab host's clock, so -ts/-te with
recent, now, today, this-hour and a bare HH:MM:SS (today's date) mean what they mean in the
lab. Left out: -ts boot, which the real tools take from this machine's /proc/uptime.

Versions: recorded with Debian 12's audit 3.0.9; RHEL 9 ships 3.0.7. 3.0.9's ChangeLog
changes auditd, krb5, auparse's field array and kernel-module name interpretation, none of
which reaches these records or options (3.0.8's entries were not checked); the two
behaviours the corpus pins that did change upstream came later: "this-hour" became a -ts/-te keyword in
3.1, and -su with -o became an "and" in 3.1.2.
"""

from __future__ import annotations

LOG = "/var/log/audit/audit.log"
LOGS = (
    "single-write-denial",
    "permissive-triage",
    "te-denial-rounds",
    "empty",
    "virtqemud-relabel",
    "running-guest-writes",
)

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
    "-c virtqemud -i",
    "-x virtqemud",
    "-ui 0 -i",
    "-m avc -se relabelto",
    "-o virt_image_t -i",
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
    "-ui 0",
    "-ui 4294967295",
    "-ui 107x -i",
    "-ui qemu",
    "-k null",
    "-k '(null)'",
    "--key disks -m avc",
    "-k",
    "-ui",
    "-f web.qcow2",
    "-f qcow2",
    "-f web",
    "-f /var/lib/libvirt/images/web.qcow2",
    "-f images",
    "-f ol810.qcow2 --raw",
    "--file nothing",
    "-se svirt_t",
    "-se admin_home_t",
    "-se virt_image_t",
    "-se unconfined_t",
    "-su svirt_t",
    "-su virt_image_t",
    "-o virt_image_t",
    "-o svirt_t",
    "-su c392 -o admin_home_t",
    "--context s0:c1,c2 --raw",
    "--subject system_r -i",
    "--object object_r -m avc",
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
    "-ts recent",
    "-ts today",
    "-ts this-hour",
    "-ts 09:58:05",
    "-ts 09:58:05 -te 09:58:08",
    "-te now",
    "-te recent",
    "-te 09:58:05",
    "-ts yesterday",
    "-ts this-week",
    "-te today",
    "-ts 9:58",
    "-ts 25:00:00",
    "-ts 06/04/2025 09:58:00",
    "-ts 06/04/2025",
    "-ts 06/04/2025 09:58:03",
    "-ts 09:58:03 06/04/2025",
    "-ts 06/05/2025",
    "-ts 13/40/2025",
    "-ts 06/04/1999",
    "-te foo",
    "-te 25:00",
    "-te 09:58",
    "-ts now",
    "-ts week-ago",
    "-ts this-month",
    "-ts this-year",
    "-te yesterday",
    "-te this-week",
    "-te 06/04/2025 09:58:02",
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
    "-x -i",
    "--executable",
    "-a -x",
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
