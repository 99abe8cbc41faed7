"""What libvirt and the shell ask of the kernel, call by call, stays what it was.

Faults at named steps and ``lab trace`` see the modelled system calls, so making the daemon
or the shell cheaper must not add, drop, reorder or change one of them. Every system call
(each ``syscall_entry`` method) and every process call (spawn, exit, kill, unshare, read,
write) a define, a start and a destroy of a one-disk and a three-disk domain, a second
start and destroy (caches warm), a disk plugged and unplugged (a file, then a block
device made in the domain's /dev), and an ``ls -Z`` make is logged, nested calls indented, and
compared with ``data/kernel_calls.txt``. ``SECLAB_WRITE_KERNEL_CALLS=1`` rewrites the file.
"""

from __future__ import annotations

import enum
import functools
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

import simulator
from simulator.kernel.calls_files import OpenFile
from simulator.kernel.kernel import Kernel
from simulator.kernel.process import Process

EXPECTED = Path(__file__).parent / "data" / "kernel_calls.txt"
IMAGES = "/var/lib/libvirt/images"
# The kernel's calls that are not syscall_entry methods but change or read what a user sees.
PROCESS_CALLS = ("spawn", "exit", "kill", "unshare_mount_namespace", "read", "write")


def _shown(value: object) -> str:
    """A call's argument or result as the log shows it: stable across runs and hosts."""
    if isinstance(value, Process):
        return f"pid {value.pid}"
    if isinstance(value, OpenFile):
        return f"fd {value.fd} {value.path!r}"
    if isinstance(value, enum.Enum):
        return value.name
    if value is None or isinstance(value, str | bytes | int | float | bool):
        return repr(value)
    if isinstance(value, tuple) and hasattr(value, "_fields"):
        return type(value).__name__  # a named result (StatResult), shown as its type
    if isinstance(value, tuple | list):
        return "[" + ", ".join(_shown(v) for v in value) + "]"
    return type(value).__name__


def _call_names() -> list[str]:
    entries = [n for n, v in vars_of(Kernel) if callable(v) and hasattr(v, "__wrapped__")]
    return sorted(set(entries) | set(PROCESS_CALLS))


def vars_of(cls: type) -> Iterator[tuple[str, Any]]:
    seen: set[str] = set()
    for klass in cls.__mro__:
        for name, value in vars(klass).items():
            if name not in seen:
                seen.add(name)
                yield name, value


class CallLog:
    """Every kernel call made while ``recording``, one line each, nested calls indented."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.depth = 0
        self.recording = False

    def wrap(self, name: str, method: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(method)
        def logged(kernel: Kernel, *args: Any, **kwargs: Any) -> Any:
            if not self.recording:
                return method(kernel, *args, **kwargs)
            shown = [_shown(a) for a in args] + [f"{k}={_shown(v)}" for k, v in kwargs.items()]
            line = len(self.lines)
            self.lines.append("")
            self.depth += 1
            try:
                result = method(kernel, *args, **kwargs)
            except OSError as error:
                outcome = f"errno {error.errno}"
                raise
            except Exception as error:
                outcome = type(error).__name__
                raise
            else:
                outcome = _shown(result)
            finally:
                self.depth -= 1
                self.lines[line] = f"{'  ' * self.depth}{name}({', '.join(shown)}) -> {outcome}"
            return result

        return logged


def domain_xml(name: str, disks: int) -> str:
    devices = "".join(
        "<disk type='file' device='disk'><driver name='qemu' type='qcow2'/>"
        f"<source file='{IMAGES}/{name}-{d}.qcow2'/><target dev='vd{'abc'[d]}' "
        "bus='virtio'/></disk>"
        for d in range(disks)
    )
    return (
        f"<domain type='kvm'><name>{name}</name><memory unit='GiB'>1</memory>"
        f"<devices>{devices}</devices></domain>"
    )


def _session(log: CallLog) -> list[str]:
    host = simulator.Host()
    for name, disks in (("one", 1), ("three", 3)):
        for d in range(disks):
            host.write_file(host.shell, f"{IMAGES}/{name}-{d}.qcow2", b"")
        host.write_file(host.shell, f"/root/{name}.xml", domain_xml(name, disks).encode())
    host.run("true")
    host.libvirt  # noqa: B018 - the daemon is up, as on a booted host
    out: list[str] = []
    lines = [
        "touch /root/new-file",
        "virsh define /root/one.xml",
        "virsh start one",
        f"ls -Z {IMAGES}/one-0.qcow2",
        "virsh destroy one",
        "virsh start one",
        "virsh destroy one",
        "virsh define /root/three.xml",
        "virsh start three",
        f"ls -lZ {IMAGES}",
        "virsh destroy three",
        "virsh start three",
        "virsh destroy three",
        "virsh start one",
        f"virsh attach-disk one {IMAGES}/three-0.qcow2 vdb",
        "virsh detach-disk one vdb",
        "virsh attach-disk one /dev/sdb vdc",
        "virsh destroy one",
    ]
    for command in lines:
        log.lines.clear()
        log.recording = True
        try:
            result = host.run(command)
        finally:
            log.recording = False
        assert result.status == 0, (command, result.output)
        out.append(f"$ {command}")
        out.extend(log.lines)
    return out


def recorded(monkeypatch: pytest.MonkeyPatch) -> str:
    log = CallLog()
    for name in _call_names():
        monkeypatch.setattr(Kernel, name, log.wrap(name, getattr(Kernel, name)))
    return "\n".join(_session(log)) + "\n"


def test_the_kernel_sees_the_same_calls(monkeypatch: pytest.MonkeyPatch) -> None:
    text = recorded(monkeypatch)
    if os.environ.get("SECLAB_WRITE_KERNEL_CALLS"):
        EXPECTED.write_text(text)
    assert text == EXPECTED.read_text()
