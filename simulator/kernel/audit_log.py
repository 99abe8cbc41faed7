"""The audit trail as the kernel keeps it: the events that reached auditd, the kernel's own
log, who listens, and the serial numbers and stand-in addresses events carry. The events'
records are :mod:`simulator.kernel.audit`, loaded with the first event."""

from __future__ import annotations

import functools
import zlib
from typing import TYPE_CHECKING, Any

import attrs

if TYPE_CHECKING:
    from simulator.kernel.audit import AuditEvent

FIRST_AUDIT_SERIAL = 1001


@functools.lru_cache(maxsize=1024)
def user_pointer(text: str) -> int:
    """A stable stand-in for the user-space address of a path argument."""
    return 0x560000000000 | (zlib.crc32(text.encode()) << 4)


@attrs.define(repr=False)
class AuditLog:
    """Events that reached auditd, the kernel's own log, and who listens."""

    events: list[AuditEvent] = attrs.field(factory=list)
    kernel_log: list[str] = attrs.field(factory=list)
    daemon_pid: int | None = None
    written: int = 0  # events auditd has appended to /var/log/audit/audit.log

    def record(self, event: AuditEvent) -> None:
        if self.daemon_pid is not None:
            self.events.append(event)
        else:
            self.kernel_log.extend(event.kernel_lines())

    def to_dict(self) -> dict[str, Any]:
        return attrs.asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> AuditLog:
        from simulator.kernel.audit import event_from_dict  # a saved state's events

        events = [event_from_dict(e) for e in data["events"]]
        written = data.get("written", 0)
        # how many events auditd has written: a count within the log (load_state turns a
        # ValueError into the saved state's error)
        if isinstance(written, bool) or not isinstance(written, int):
            raise ValueError(f"audit.written: expected a count, found {written!r}")
        if not 0 <= written <= len(events):
            raise ValueError(f"audit.written: {written} is not in 0..{len(events)}")
        return cls(
            events=events,
            kernel_log=list(data["kernel_log"]),
            daemon_pid=data["daemon_pid"],
            written=written,
        )
