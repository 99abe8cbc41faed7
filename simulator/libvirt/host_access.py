"""How libvirt touches files: through the kernel's system calls, as the daemon (or as a
child of it that entered a domain's mount namespace, ``virProcessRunInMountNamespace``).

Every change is recorded as a trace event naming the libvirt function that made it, and
libvirt's warnings go to the daemon's log, so ``lab trace`` and ``journalctl`` can show them.
"""

from __future__ import annotations

import itertools
import operator
from collections import deque
from collections.abc import Iterator

import attrs

from simulator.kernel import errno_table as errno
from simulator.kernel import open_flags
from simulator.kernel.calls_files import NFS_SUPER_MAGIC
from simulator.kernel.inode import SELINUX_XATTR, Kind
from simulator.kernel.kernel import Kernel
from simulator.kernel.process import Process
from simulator.libvirt.virerror import LibvirtError, system_error
from simulator.selinux.state import SelinuxState
from simulator.system.libselinux import matchpathcon, selinux_state

NO_XATTR_SUPPORT = (errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP)

# Every field of a process, in ``__init__`` order: a copy is one call, not attrs.evolve's
# reflection over the fields (a start copies the daemon twice).
_PROCESS_FIELDS = operator.attrgetter(*(f.name for f in attrs.fields(Process) if f.init))


def process_copy(proc: Process) -> Process:
    """What ``attrs.evolve(proc)`` gives: a process sharing only immutable values with
    ``proc`` (a forked child before it changes anything, ``fork()``)."""
    return Process(*_PROCESS_FIELDS(proc))


@attrs.frozen(repr=False)
class TraceEvent:
    """One change libvirt made: ``function`` did ``change`` to ``path``."""

    time: int
    function: str
    path: str
    change: str

    def line(self) -> str:
        return f"{self.function}: {self.path}: {self.change}"


# Changes ``lab trace`` keeps, as a rotated log keeps its last lines: a host that starts
# and stops domains for ever holds a bounded trace (docs/deviations.md).
TRACE_KEPT = 10_000


class TraceLog:
    """libvirt's changes, oldest first: the last :data:`TRACE_KEPT` of them. Positions count
    every change ever made, so ``lab trace --since N`` means the same after a rotation."""

    def __init__(self, kept: int = TRACE_KEPT) -> None:
        # Each change as the tuple of its TraceEvent's fields: a start records a dozen, and
        # the log is read far less often than written (a tuple of strings and an int is
        # also one object the cyclic collector stops looking at).
        self._events: deque[tuple[int, str, str, str]] = deque(maxlen=kept)
        self.dropped = 0  # changes rotated out, oldest first

    def append(self, event: TraceEvent) -> None:
        self.add(event.time, event.function, event.path, event.change)

    def add(self, time: int, function: str, path: str, change: str) -> None:
        """Record a change: what :meth:`append` of ``TraceEvent(time, ...)`` records."""
        events = self._events
        if len(events) == events.maxlen:
            self.dropped += 1
        events.append((time, function, path, change))

    def clear(self) -> None:
        self.dropped += len(self._events)
        self._events.clear()

    def __len__(self) -> int:
        """How many changes were ever made (the position the next one gets)."""
        return self.dropped + len(self._events)

    def __iter__(self) -> Iterator[TraceEvent]:
        return itertools.starmap(TraceEvent, self._events)

    def since(self, position: int) -> list[TraceEvent]:
        """The kept changes at ``position`` and after."""
        skip = max(0, position - self.dropped)
        return list(itertools.starmap(TraceEvent, itertools.islice(self._events, skip, None)))

    def __getitem__(self, positions: slice) -> list[TraceEvent]:
        """``trace[N:]``: :meth:`since` (only open-ended slices from a position)."""
        if positions.stop is not None or positions.step is not None:
            raise TypeError("a trace is read from a position on: trace[N:]")
        return self.since(positions.start or 0)


@attrs.define(repr=False, eq=False)
class DaemonLog:
    """What the daemon wrote: changes (for ``lab trace``) and log lines (for the journal)."""

    trace: TraceLog = attrs.field(factory=TraceLog)
    messages: list[tuple[int, str, str]] = attrs.field(factory=list)  # (time, level, text)


class HostAccess:
    """The daemon's view of files: libvirt's helpers over the kernel's system calls."""

    def __init__(
        self, kernel: Kernel, actor: Process, log: DaemonLog, host: HostAccess | None = None
    ) -> None:
        self.kernel = kernel
        self.actor = actor
        self.log = log
        # The daemon itself when this is a child in a domain's namespace, else None.
        self.host = host

    def in_namespace(self, ns_id: int) -> HostAccess:
        """A forked child of the daemon that ``setns()``'d into ``ns_id``."""
        child = process_copy(self.actor)
        child.ns_id = ns_id
        return HostAccess(self.kernel, child, self.log, self.host or self)

    # -- state of the host --------------------------------------------------------------------

    @property
    def selinux(self) -> SelinuxState | None:
        return selinux_state(self.kernel)

    @property
    def enforcing(self) -> bool:
        state = self.selinux
        return state is not None and state.enforcing

    @property
    def boot_time(self) -> int:
        return self.kernel.clock.boot_time

    def warn(self, text: str) -> None:
        self.log.messages.append((self.kernel.clock.now, "warning", text))

    def info(self, text: str) -> None:
        self.log.messages.append((self.kernel.clock.now, "info", text))

    def _trace(self, function: str, path: str, change: str) -> None:
        self.log.trace.add(self.kernel.clock.now, function, path, change)

    # -- reading --------------------------------------------------------------------------------

    def owner(self, path: str) -> tuple[int, int]:
        st = self.kernel.stat(self.actor, path)
        return st.st_uid, st.st_gid

    def kind(self, path: str) -> Kind:
        return self.kernel.stat(self.actor, path).kind

    def st_mode(self, path: str) -> int:
        return self.kernel.stat(self.actor, path).st_mode

    def realpath(self, path: str) -> str:
        return self.kernel.realpath(self.actor, path)

    def exists(self, path: str) -> bool:
        try:
            self.kernel.stat(self.actor, path)
        except OSError:
            return False
        return True

    def getxattr(self, path: str, name: bytes) -> bytes:
        return self.kernel.getxattr(self.actor, path, name)

    def getfilecon(self, path: str) -> str | None:
        """``getfilecon_raw``: None when the file has no label or the FS has none."""
        try:
            raw = self.kernel.getxattr(self.actor, path, SELINUX_XATTR)
        except OSError as error:
            if error.errno in (errno.ENODATA, *NO_XATTR_SUPPORT):
                return None
            raise
        return raw.rstrip(b"\0").decode()

    def read_text(self, path: str) -> str:
        return self.kernel.read_file(self.actor, path).decode()

    def is_shared_fs(self, path: str) -> bool:
        """``virFileIsSharedFS(path) == 1``: NFS and friends, by ``statfs``'s ``f_type``
        (``virFileIsSharedFSType``; NFS is the lab's one shared filesystem). A path statfs
        cannot look at is judged by the nearest parent it can (a disk not created yet, a
        folder qemu may not search); when even ``/`` fails, libvirt's -1 is not 1."""
        try:
            return self.shared_fs(path)
        except LibvirtError:
            return False

    def shared_fs(self, path: str) -> bool:
        """``virFileIsSharedFS``'s 1 or 0, or its error (-1) raised."""
        # libvirt: virFileIsSharedFSType -> virFileCheckParents(virFileCheckParentsStatFS):
        # any statfs failure tries less and less of the path, down to "/"
        current = path
        while True:
            try:
                return self.kernel.statfs(self.actor, current) == NFS_SUPER_MAGIC
            except OSError as error:
                failure = error
            if current == "/":
                break
            cut = current.rfind("/")
            if cut < 0:
                # libvirt 9/10: "Invalid relative path" (EINVAL)
                raise system_error(errno.EINVAL, f"Invalid relative path '{path}'") from None
            current = current[:cut] or "/"
        raise system_error(
            failure.errno or 0, f"cannot determine filesystem for '{path}'"
        ) from None

    def matchpathcon(self, path: str, st_mode: int) -> str | None:
        kind = next((k for k in Kind if k.format_bits == st_mode & 0o170000), Kind.REGULAR)
        context = matchpathcon(self.kernel, path, kind.selinux_class)
        return None if context is None else str(context)

    def can_open_rw(self, path: str) -> None:
        """The metadata lock opens each path read-write (raises OSError)."""
        self.kernel.open(self.actor, path, open_flags.O_RDWR)

    # -- changing (traced) ---------------------------------------------------------------------

    def setxattr(self, path: str, name: bytes, value: bytes, function: str) -> None:
        kernel = self.kernel
        kernel.setxattr(self.actor, path, name, value)
        change = f"set {name.decode()}={value.decode(errors='replace')}"
        self.log.trace.add(kernel.clock.now, function, path, change)

    def removexattr(self, path: str, name: bytes, function: str) -> None:
        kernel = self.kernel
        kernel.removexattr(self.actor, path, name)
        change = f"removed {name.decode()}"
        self.log.trace.add(kernel.clock.now, function, path, change)

    def setfilecon(self, path: str, context: str, function: str) -> None:
        # The label replaced comes back from the call: asking for it first would be a
        # getxattr libvirt does not make (a fault or an audit rule would see it).
        old = self.kernel.setfilecon(self.actor, path, context)
        self._trace(function, path, f"label {old or '?'} -> {context}")

    def chown(self, path: str, uid: int, gid: int, function: str) -> None:
        # Likewise the owner replaced: no stat of the lab's own before libvirt's chown.
        old = self.kernel.chown(self.actor, path, uid, gid)
        self._trace(function, path, f"owner {old[0]}:{old[1]} -> {uid}:{gid}")
