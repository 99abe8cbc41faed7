"""Property tests: link counts stay right, names never lose inodes, failures change nothing."""

from __future__ import annotations

from collections import Counter

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

import simulator
from simulator.kernel import DeviceNumber, Kernel, Kind, Process

NAMES = st.sampled_from(["a", "b", "c", "d/a", "d/b", "e", "e/x", "m", "m/y"])
BASE = "/srv/t"


def _check_link_counts(kernel: Kernel) -> None:
    for fs in kernel.filesystems.values():
        references: Counter[int] = Counter()
        subdirs: Counter[int] = Counter()
        for inode in fs.inodes.values():
            for child in (inode.entries or {}).values():
                assert child in fs.inodes, f"entry points at freed inode {child}"
                references[child] += 1
                if fs.inodes[child].is_dir():
                    subdirs[inode.ino] += 1
        pinned = {m.root_ino for m in kernel.mounts.values() if m.fs_id == fs.fs_id}
        for inode in fs.inodes.values():
            if inode.ino == fs.root_ino:
                continue
            if inode.nlink == 0 and not references[inode.ino]:
                assert inode.ino in pinned, f"inode {inode.ino} has no name and no mount"
                continue
            if inode.is_dir():
                assert references[inode.ino] == 1
                assert inode.nlink == 2 + subdirs[inode.ino]
            else:
                assert inode.nlink == references[inode.ino] >= 1, inode


class FileTree(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.host = simulator.Host()
        self.shell = self.host.shell
        self.host.mkdir(self.shell, BASE)

    def _do(self, call: object, *args: object) -> None:
        before = self.host.snapshot()
        try:
            call(self.shell, *args)  # type: ignore[operator]
        except OSError:
            assert self.host.snapshot() == before, "a failed call changed the state"

    @rule(name=NAMES)
    def create(self, name: str) -> None:
        self._do(self.host.write_file, f"{BASE}/{name}", b"x")

    @rule(name=NAMES)
    def mkdir(self, name: str) -> None:
        self._do(self.host.mkdir, f"{BASE}/{name}")

    @rule(old=NAMES, new=NAMES)
    def link(self, old: str, new: str) -> None:
        self._do(self.host.link, f"{BASE}/{old}", f"{BASE}/{new}")

    @rule(old=NAMES, new=NAMES)
    def rename(self, old: str, new: str) -> None:
        self._do(self.host.rename, f"{BASE}/{old}", f"{BASE}/{new}")

    @rule(name=NAMES)
    def unlink(self, name: str) -> None:
        self._do(self.host.unlink, f"{BASE}/{name}")

    @rule(name=NAMES)
    def rmdir(self, name: str) -> None:
        self._do(self.host.rmdir, f"{BASE}/{name}")

    @rule(name=NAMES, link_target=NAMES)
    def symlink(self, name: str, link_target: str) -> None:
        self._do(self.host.symlink, link_target, f"{BASE}/{name}")

    @rule(source=NAMES, mountpoint=NAMES)
    def bind(self, source: str, mountpoint: str) -> None:
        self._do(
            lambda proc, s, t: self.host.mount(proc, s, t, bind=True),
            f"{BASE}/{source}",
            f"{BASE}/{mountpoint}",
        )

    @rule(mountpoint=NAMES)
    def umount(self, mountpoint: str) -> None:
        self._do(self.host.umount, f"{BASE}/{mountpoint}")

    @rule(name=NAMES, mode=st.integers(0, 0o7777))
    def chmod(self, name: str, mode: int) -> None:
        self._do(self.host.chmod, f"{BASE}/{name}", mode)

    @invariant()
    def link_counts_are_right(self) -> None:
        _check_link_counts(self.host)


TestFileTree = FileTree.TestCase
TestFileTree.settings = settings(
    max_examples=40,
    stateful_step_count=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def _namespace_process(host: simulator.Host) -> Process:
    child = host.spawn(
        comm="qemu-kvm",
        argv=("qemu",),
        exe="",
        uid=0,
        gid=0,
        context="system_u:system_r:virtqemud_t:s0",
    )
    host.unshare_mount_namespace(child)
    host.mount(child, "devfs", "/dev", "tmpfs")
    host.mkdir(child, "/dev/mapper")
    host.mknod(child, "/dev/sdb", Kind.BLOCK, 0o660, DeviceNumber(8, 16))
    host.symlink(child, "../sdb", "/dev/mapper/vg-disk")
    return child


HOST = simulator.Host()
CHILD = _namespace_process(HOST)

PARTS = st.sampled_from(
    ["dev", "sdb", "sda", "mapper", "vg-disk", "..", ".", "etc", "passwd", "cdrom", "nosuch"]
)


def _outcome(kernel: Kernel, proc: Process, path: str) -> object:
    try:
        return kernel.stat(proc, path)
    except OSError as error:
        return error.errno


@settings(max_examples=300, deadline=None)
@given(parts=st.lists(PARTS, max_size=5))
def test_proc_pid_root_resolves_inside_that_namespace(parts: list[str]) -> None:
    path = "/" + "/".join(parts)
    via_proc = _outcome(HOST, HOST.shell, f"/proc/{CHILD.pid}/root{path}")
    assert via_proc == _outcome(HOST, CHILD, path)
