"""auditd, the installed daemon: it appends the kernel's audit records to its log.

The kernel hands events to the registered daemon (``AuditLog.events``); auditd writes each
one's raw lines (``log_format = RAW``) to ``/var/log/audit/audit.log`` through the model's
system calls, as the auditd process. The lab flushes before every command runs, so whatever
reads the log sees every event emitted so far.
"""

from __future__ import annotations

from simulator.kernel import open_flags
from simulator.kernel.kernel import Kernel

AUDIT_LOG = "/var/log/audit/audit.log"


def flush(kernel: Kernel) -> None:
    """Append the events auditd has not written yet; a log it cannot open loses them."""
    audit = kernel.audit
    pending = audit.events[audit.written :]
    audit.written = len(audit.events)
    pid = audit.daemon_pid
    if not pending or pid is None or pid not in kernel.processes:
        return
    data = "".join(line + "\n" for event in pending for line in event.raw_lines()).encode()
    proc = kernel.processes[pid]
    try:
        kernel.write(
            proc, kernel.open(proc, AUDIT_LOG, open_flags.O_WRONLY | open_flags.O_APPEND), data
        )
    except OSError:
        return  # auditd reports the failure to syslog; the records are gone
