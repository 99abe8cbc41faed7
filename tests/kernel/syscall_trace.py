"""What the kernel is asked and how it answers, as text: every system call (name, caller,
arguments, result or errno, nested calls indented), every fault hook, every path walk and
every slow-path security check. A change that only makes calls cheaper leaves the trace
as it was; ``tests/kernel/syscall_trace.expected`` holds it as recorded on the code before
the kernel's fast paths were reworked.

Record afresh (only when a change of behaviour is intended and reviewed):
    PYTHONPATH=$PWD python -m tests.kernel.syscall_trace > tests/kernel/syscall_trace.expected
A scenario's digest differs: print its full trace here and in the other checkout, and diff:
    PYTHONPATH=$PWD python -m tests.kernel.syscall_trace scenarios/PATH.txtar
"""

from __future__ import annotations

import enum
import functools
import hashlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import simulator
from benchmarks.issue15 import define
from simulator.kernel.audit import AvcRecord
from simulator.kernel.kernel import Kernel
from simulator.kernel.lsm_selinux import SelinuxLsm
from simulator.kernel.mounts import Location, Mount, MountNamespace
from simulator.kernel.process import Process
from simulator.kernel.security import AccessRequest, CheckResult, NoSecurity, Syscall
from tests.library_runs import ROOT, library

EXPECTED = Path(__file__).with_name("syscall_trace.expected")

# The kernel's system calls as their callers see them (every ``syscall_entry`` and the
# calls built on them), and the internal steps whose order the trace also pins.
SYSTEM_CALLS = (
    "open",
    "file_io",
    "stat",
    "statfs",
    "lstat",
    "readlink",
    "listdir",
    "realpath",
    "chdir",
    "mkdir",
    "mknod",
    "symlink",
    "link",
    "unlink",
    "rmdir",
    "rename",
    "chown",
    "chmod",
    "access",
    "truncate",
    "set_image",
    "read_file",
    "write_file",
    "getxattr",
    "listxattr",
    "setxattr",
    "removexattr",
    "getfilecon",
    "setfilecon",
    "mount",
    "umount",
    "move_mount",
    "unshare_mount_namespace",
    "spawn",
    "exit",
    "kill",
    "stat_location",
    "add_fault",
)


def show(value: object) -> str:
    """A value as the trace prints it: by what it says, not by the class that holds it."""
    if isinstance(value, Process):
        return f"pid{value.pid}"
    if isinstance(value, enum.Enum):
        return f"{type(value).__name__}.{value.name}"
    if isinstance(value, Location):
        return f"@{value.mount_id}:{value.ino}"
    if isinstance(value, Mount):
        return f"mount{value.mount_id}(ns{value.ns_id} fs{value.fs_id} root{value.root_ino})"
    if isinstance(value, MountNamespace):
        return f"ns{value.ns_id}"
    if hasattr(value, "st_ino"):  # a stat result: its fields by name
        fields = ("st_ino", "st_mode", "st_nlink", "st_uid", "st_gid", "st_size", "st_dev")
        more = ("st_rdev", "st_mtime", "st_ctime", "st_atime", "kind", "fstype", "image")
        return "stat(" + " ".join(f"{f}={show(getattr(value, f))}" for f in fields + more) + ")"
    if isinstance(value, tuple | list):
        inner = ", ".join(show(v) for v in value)
        return f"({inner})" if isinstance(value, tuple) else f"[{inner}]"
    if isinstance(value, bytes) and len(value) > 80:  # file contents: by length and digest
        return f"<{len(value)} bytes sha256 {hashlib.sha256(value).hexdigest()[:16]}>"
    if isinstance(value, str | bytes | int | bool | type(None)):
        return repr(value)
    if hasattr(value, "fd") and hasattr(value, "location"):  # an open file
        return f"file(fd={value.fd} {show(value.location)} {value.path!r} {value.flags:#o})"
    return repr(value)


class Tracer:
    def __init__(self) -> None:
        self.lines: list[str] = []
        self.depth = 0

    def add(self, text: str) -> None:
        self.lines.append("  " * self.depth + text)

    def wrap_call(self, name: str, call: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(call)
        def traced(kernel: Any, *args: Any, **kwargs: Any) -> Any:
            shown = [show(a) for a in args] + [f"{k}={show(v)}" for k, v in sorted(kwargs.items())]
            self.add(f"{name}({', '.join(shown)})")
            self.depth += 1
            try:
                result = call(kernel, *args, **kwargs)
            except OSError as error:
                self.depth -= 1
                self.add(f"-> errno {error.errno} {error.filename!r}")
                raise
            except Exception as error:
                self.depth -= 1
                self.add(f"-> raised {type(error).__name__}")
                raise
            self.depth -= 1
            self.add(f"-> {show(result)}")
            return result

        return traced

    def wrap_walk(self, call: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(call)
        def traced(
            kernel: Any,
            proc: Process,
            path: str,
            syscall: Syscall,
            *,
            follow: bool = True,
            allow_missing: bool = False,
        ) -> Any:
            head = f"walk(pid{proc.pid}, {path!r}, {syscall.name}, {follow}, {allow_missing})"
            try:
                resolved = call(
                    kernel, proc, path, syscall, follow=follow, allow_missing=allow_missing
                )
            except OSError as error:
                self.add(f"{head} -> errno {error.errno}")
                raise
            where = show(resolved.location), show(resolved.parent), resolved.name, resolved.path
            self.add(f"{head} -> {' '.join(map(str, where))}")
            return resolved

        return traced

    def wrap_fault(self, call: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(call)
        def traced(
            kernel: Any, syscall: str, proc: Process, path: str, loc: Location | None
        ) -> None:
            self.add(f"fault?({syscall}, pid{proc.pid}, {path!r}, {show(loc)})")
            call(kernel, syscall, proc, path, loc)

        return traced

    def wrap_check(self, call: Callable[..., CheckResult]) -> Callable[..., CheckResult]:
        @functools.wraps(call)
        def traced(module: Any, request: AccessRequest) -> CheckResult:
            result = call(module, request)
            avc: AvcRecord | None = result.avc
            if avc is None and not result.enforced:
                return result  # a silent grant: whether the fast path or this saw it is no matter
            self.add(
                f"check({request.process.pid} ino{request.inode.ino} {request.tclass} "
                f"{request.perms} {request.syscall.name} name={request.name!r} "
                f"path={request.path!r} new={request.new_label!r}) -> enforced="
                f"{result.enforced} avc={None if avc is None else avc.perms}"
            )
            return result

        return traced


@contextmanager
def tracing() -> Iterator[Tracer]:
    """Trace every kernel of the process while inside."""
    tracer = Tracer()
    saved: list[tuple[type, str, Any]] = []

    def patch(owner: type, name: str, wrapper: Callable[..., Any]) -> None:
        saved.append((owner, name, owner.__dict__.get(name)))
        setattr(owner, name, wrapper)

    try:
        for name in SYSTEM_CALLS:
            patch(Kernel, name, tracer.wrap_call(name, getattr(Kernel, name)))
        patch(Kernel, "walk", tracer.wrap_walk(Kernel.walk))
        patch(Kernel, "take_fault", tracer.wrap_fault(Kernel.take_fault))
        for module in (SelinuxLsm, NoSecurity):
            patch(module, "check", tracer.wrap_check(module.check))
        yield tracer
    finally:
        for owner, name, original in reversed(saved):
            if original is None:
                delattr(owner, name)
            else:
                setattr(owner, name, original)


def start_destroy_trace(disks: int) -> list[str]:
    """A warm start + destroy of a domain with ``disks`` disks (after one cold cycle)."""
    host = simulator.Host()
    define(host, "vm", disks)
    for _ in range(2):  # the first cycle starts the daemon; the second fills the caches
        assert host.run("virsh start vm").status == 0
        assert host.run("virsh destroy vm").status == 0
    with tracing() as tracer:
        assert host.run("virsh start vm").status == 0
        assert host.run("virsh destroy vm").status == 0
    return tracer.lines


def scenario_trace(path: str) -> list[str]:
    from simulator.scenario import runner
    from simulator.scenario.runner import load, run

    # A ``from`` scenario runs the one it starts from, unless an earlier run in this
    # process left that state in the runner's cache: start every trace without it.
    runner._STATES.clear()
    with tracing() as tracer:
        run(load(str(ROOT / path)))
    return tracer.lines


def traces() -> Iterator[tuple[str, list[str]]]:
    """The start + destroy runs in full, then one digest line per scenario of the library."""
    for disks in (1, 3):
        yield f"start+destroy, {disks} disk(s)", start_destroy_trace(disks)
    for path in library():
        lines = scenario_trace(path)
        digest = hashlib.sha256("\n".join(lines).encode()).hexdigest()[:24]
        yield path, [f"{len(lines)} lines sha256 {digest}"]


def render(runs: Iterator[tuple[str, list[str]]]) -> str:
    return "".join(
        f"### {title}\n" + "".join(f"{line}\n" for line in lines) for title, lines in runs
    )


if __name__ == "__main__":
    import sys

    if sys.argv[1:]:  # the full trace of these scenarios, to diff against another checkout
        sys.stdout.write(render((path, scenario_trace(path)) for path in sys.argv[1:]))
    else:
        sys.stdout.write(render(traces()))
