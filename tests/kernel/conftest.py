from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest

import simulator
from simulator.kernel import Kernel, Process


@pytest.fixture
def host() -> simulator.Host:
    return simulator.Host()


@pytest.fixture
def shell(host: simulator.Host) -> Process:
    return host.shell


@pytest.fixture
def alice(host: simulator.Host) -> Process:
    """An ordinary user (uid 1000) in the host namespace."""
    return host.spawn(
        comm="bash",
        argv=("bash",),
        exe="/usr/bin/bash",
        uid=1000,
        gid=1000,
        context="unconfined_u:unconfined_r:unconfined_t:s0-s0:c0.c1023",
        cwd="/home/user",
    )


@pytest.fixture
def qemu(host: simulator.Host) -> Process:
    return host.spawn(
        comm="qemu-kvm",
        argv=("/usr/libexec/qemu-kvm",),
        exe="/usr/libexec/qemu-kvm",
        uid=107,
        gid=107,
        groups=(36,),
        context="system_u:system_r:svirt_t:s0:c1,c2",
    )


@contextmanager
def fails(kernel: Kernel, code: int) -> Iterator[None]:
    """The call inside fails with ``code`` and leaves the whole state as it was."""
    before = kernel.snapshot()
    with pytest.raises(OSError) as info:
        yield
    assert info.value.errno == code, f"errno {info.value.errno}, expected {code}"
    assert kernel.snapshot() == before
