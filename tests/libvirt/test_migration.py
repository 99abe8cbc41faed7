"""Live migration between two hosts of a network (simulator.libvirt.migration)."""

from __future__ import annotations

import pytest

from simulator.host import Host
from simulator.libvirt.migration import migrate
from simulator.libvirt.virerror import ErrorCode, LibvirtError
from simulator.scenario.runner import load, run

SETUP = """\
-- scenario.toml --
hosts = ["kvm1", "kvm2", "nfs1"]
[booleans]
virt_use_nfs = true
-- nfs1:/etc/exports --
/srv/vms kvm*(rw,sync,no_subtree_check,no_root_squash)
-- nfs1:/srv/vms/vm.qcow2 --
-- /var/lib/libvirt/images/local.qcow2 --
-- vm.xml --
<domain type='kvm'>
  <name>vm</name>
  <memory unit='GiB'>1</memory>
  <os>
    <type>hvm</type>
  </os>
  <devices>
    <disk type='file' device='disk'>
      <driver name='qemu' type='qcow2'/>
      <source file='/mnt/vm.qcow2'/>
      <target dev='vda' bus='virtio'/>
    </disk>
  </devices>
</domain>
-- transcript --
  $ ssh nfs1 systemctl start nfs-server
  $ mount -t nfs nfs1:/srv/vms /mnt
  $ ssh kvm2 mount -t nfs nfs1:/srv/vms /mnt
  $ virsh define vm.xml
  Domain 'vm' defined from vm.xml
  $ virsh start vm
  Domain 'vm' started
"""


def _hosts() -> tuple[Host, Host, Host]:
    result = run(load("migration.txtar", SETUP))
    assert result.passed, result.diff
    kvm1 = result.host
    assert kvm1 is not None and kvm1.network is not None
    return kvm1, kvm1.network.hosts["kvm2"], kvm1.network.hosts["nfs1"]


def test_the_source_restores_no_image_on_shared_storage() -> None:
    kvm1, kvm2, nfs1 = _hosts()
    migrate(kvm1.libvirt, kvm2.libvirt, "vm", persistent=False, undefine_source=False)
    assert kvm2.libvirt.lookup("vm").active
    assert not kvm1.libvirt.lookup("vm").active  # the definition stays, inactive
    assert nfs1.stat(nfs1.shell, "/srv/vms/vm.qcow2").st_uid == 107  # not chowned back
    kvm2.libvirt.destroy("vm")  # not a migration: the owner is restored
    assert nfs1.stat(nfs1.shell, "/srv/vms/vm.qcow2").st_uid == 0


def test_the_destination_generates_its_own_label_and_the_source_frees_its_pair() -> None:
    kvm1, kvm2, _ = _hosts()
    before = kvm1.libvirt.lookup("vm").live
    assert before is not None
    source_label = before.seclabel("selinux")
    assert source_label is not None and source_label.label is not None
    incoming = migrate(kvm1.libvirt, kvm2.libvirt, "vm", persistent=True, undefine_source=True)
    assert incoming.live is not None
    label = incoming.live.seclabel("selinux")
    assert label is not None and label.label not in (None, source_label.label)
    assert incoming.persistent
    with pytest.raises(LibvirtError):
        kvm1.libvirt.lookup("vm")  # --undefinesource


def test_a_local_disk_is_unsafe_and_nothing_changes() -> None:
    kvm1, kvm2, _ = _hosts()
    kvm1.libvirt.destroy("vm")
    xml = kvm1.read_file(kvm1.shell, "/root/vm.xml").decode()
    local = xml.replace("/mnt/vm.qcow2", "/var/lib/libvirt/images/local.qcow2")
    kvm1.libvirt.create(local.replace("<name>vm</name>", "<name>local</name>"))
    with pytest.raises(LibvirtError) as caught:
        migrate(kvm1.libvirt, kvm2.libvirt, "local", persistent=False, undefine_source=False)
    assert caught.value.code is ErrorCode.MIGRATE_UNSAFE
    assert str(caught.value) == "Unsafe migration: Migration without shared storage is unsafe"
    assert kvm1.libvirt.lookup("local").active
    assert "local" not in kvm2.libvirt.domains


def test_the_destination_determines_the_chain_itself() -> None:
    """The source's detected chain does not travel: the destination checks and reads the
    image again (qemuProcessPrepareHostStorage on the incoming side)."""
    kvm1, kvm2, _ = _hosts()
    paths: list[str] = []
    stat = kvm2.kernel.stat

    def spy(proc: object, path: str, **kw: object) -> object:
        paths.append(path)
        return stat(proc, path, **kw)  # type: ignore[arg-type]

    kvm2.kernel.stat = spy  # type: ignore[method-assign,assignment]
    migrate(kvm1.libvirt, kvm2.libvirt, "vm", persistent=False, undefine_source=False)
    assert paths[:2] == ["/mnt/vm.qcow2", "/mnt/vm.qcow2"]  # access check, header read
