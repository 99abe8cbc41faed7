from __future__ import annotations

import attrs
import pytest

import simulator
from simulator.kernel import ImageInfo
from simulator.libvirt.domain_xml import DomainDef, parse_domain
from simulator.libvirt.host_access import DaemonLog, HostAccess
from simulator.libvirt.mcs import McsTable
from simulator.libvirt.qemu_conf import QemuConfig
from simulator.libvirt.security_manager import SecurityManager

IMAGES = "/var/lib/libvirt/images"


def kernel_calls(host: simulator.Host, names: tuple[str, ...]) -> list[str]:
    """The names of ``host``'s kernel calls among ``names``, in the order they are made from
    now on (each call still runs): which system calls a piece of libvirt makes."""
    calls: list[str] = []
    kernel = host.kernel
    for name in names:
        original = getattr(kernel, name)

        def spy(*args: object, _name: str = name, _call: object = original, **kw: object) -> object:
            calls.append(_name)
            return _call(*args, **kw)  # type: ignore[operator]

        setattr(kernel, name, spy)
    return calls


@attrs.define
class Lab:
    """A host, the daemon's file access and a security manager, as virtqemud has them."""

    host: simulator.Host
    ops: HostAccess
    manager: SecurityManager
    mcs: McsTable

    @classmethod
    def make(cls, config: QemuConfig | None = None, seed: int = 0) -> Lab:
        host = simulator.Host(seed=seed)
        ops = HostAccess(host, host.daemon, DaemonLog())
        mcs = McsTable()
        manager = SecurityManager.create(ops, config or QemuConfig(), mcs, host.random)
        return cls(host, ops, manager, mcs)

    def file(self, path: str, *, image: ImageInfo | None = None) -> str:
        self.host.write_file(self.host.shell, path, b"")
        if image is not None:
            self.host.set_image(self.host.shell, path, image)
        return path

    def label(self, path: str) -> str:
        return self.host.getfilecon(self.host.shell, path)

    def owner(self, path: str) -> tuple[int, int]:
        st = self.host.stat(self.host.shell, path)
        return st.st_uid, st.st_gid

    def libvirt_xattrs(self, path: str) -> list[bytes]:
        names = self.host.listxattr(self.host.shell, path)
        return [n for n in names if n.startswith(b"trusted.libvirt.security.")]

    def domain(self, xml: str) -> DomainDef:
        domain = parse_domain(xml)
        self.manager.verify(self.ops, domain)
        self.manager.gen_label(domain)
        return domain

    def start_labels(self, domain: DomainDef, *, lock: bool = True) -> None:
        self.manager.set_all_label(self.ops, domain, lock=lock)

    def stop_labels(self, domain: DomainDef, *, lock: bool = True) -> None:
        self.manager.restore_all_label(self.ops, domain, lock=lock)
        self.manager.release_label(domain)


@pytest.fixture
def lab() -> Lab:
    return Lab.make()


def domain_xml(name: str, devices: str = "", extra: str = "", virt_type: str = "kvm") -> str:
    # libvirt: virDomainDefParseCaps needs <os><type> ("an os <type> must be specified")
    os_part = "<os><type>hvm</type></os>"
    if "<os>" in extra:
        extra, os_part = extra.replace("<os>", "<os><type>hvm</type>", 1), ""
    return (
        f"<domain type='{virt_type}'><name>{name}</name><memory unit='GiB'>1</memory>"
        f"{os_part}{extra}<devices>{devices}</devices></domain>"
    )


def disk_xml(path: str, target: str = "vda", inner: str = "", source_inner: str = "") -> str:
    return (
        f"<disk type='file' device='disk'><driver name='qemu' type='qcow2'/>"
        f"<source file='{path}'>{source_inner}</source><target dev='{target}' bus='virtio'/>"
        f"{inner}</disk>"
    )
