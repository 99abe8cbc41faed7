"""Two hosts sharing an NFS export, driven at random: start, migrate, destroy, a daemon
restart or a killed qemu on either side. Invariant: while the guest runs on one host, no
host has restored the image's owner (root) or taken it from the running guest."""

from __future__ import annotations

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from simulator.host import Host
from simulator.libvirt.migration import migrate
from simulator.scenario.runner import load, run

SETUP = """\
-- scenario.toml --
hosts = ["kvm1", "kvm2", "nfs1"]
[booleans]
virt_use_nfs = true
-- nfs1:/etc/exports --
/srv/vms kvm*(rw,sync,no_subtree_check,no_root_squash)
-- nfs1:/srv/vms/vm.qcow2 --
-- transcript --
  $ ssh nfs1 systemctl start nfs-server
  $ mount -t nfs nfs1:/srv/vms /mnt
  $ ssh kvm2 mount -t nfs nfs1:/srv/vms /mnt
"""
XML = """<domain type='kvm'><name>vm</name><memory unit='GiB'>1</memory><os><type>hvm</type></os><devices>
<disk type='file' device='disk'><driver name='qemu' type='qcow2'/>
<source file='/mnt/vm.qcow2'/><target dev='vda' bus='virtio'/></disk>
</devices></domain>"""
IMAGE = "/srv/vms/vm.qcow2"
SIDES = st.sampled_from(["kvm1", "kvm2"])


class TwoHosts(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        result = run(load("two-hosts.txtar", SETUP))
        assert result.passed and result.host is not None and result.host.network is not None
        self.hosts: dict[str, Host] = dict(result.host.network.hosts)
        self.where: str | None = None  # the host the guest runs on

    def _running_on(self) -> list[str]:
        found = []
        for name in ("kvm1", "kvm2"):
            daemon = self.hosts[name].libvirt
            daemon.notice_dead_processes()
            if "vm" in daemon.domains and daemon.lookup("vm").active:
                found.append(name)
        return found

    @precondition(lambda self: self.where is None)
    @rule(side=SIDES)
    def start(self, side: str) -> None:
        self.hosts[side].libvirt.create(XML)
        self.where = side

    @precondition(lambda self: self.where is not None)
    @rule()
    def migrate(self) -> None:
        assert self.where is not None
        other = "kvm2" if self.where == "kvm1" else "kvm1"
        source, destination = self.hosts[self.where].libvirt, self.hosts[other].libvirt
        migrate(source, destination, "vm", persistent=False, undefine_source=False)
        self.where = other

    @precondition(lambda self: self.where is not None)
    @rule()
    def destroy(self) -> None:
        assert self.where is not None
        self.hosts[self.where].libvirt.destroy("vm")
        self.where = None

    @rule(side=SIDES)
    def restart_daemon(self, side: str) -> None:
        self.hosts[side].restart_libvirt()

    @precondition(lambda self: self.where is not None)
    @rule()
    def kill_qemu(self) -> None:
        assert self.where is not None
        host = self.hosts[self.where]
        domain = host.libvirt.lookup("vm")
        assert domain.pid is not None
        host.kernel.exit(domain.pid)
        host.libvirt.notice_dead_processes()  # the stop path: a restore, as it should be
        self.where = None

    @invariant()
    def the_guest_keeps_its_image(self) -> None:
        assert self._running_on() == ([self.where] if self.where else [])
        server = self.hosts["nfs1"]
        owner = server.stat(server.shell, IMAGE).st_uid
        assert owner == (107 if self.where else 0)


TwoHosts.TestCase.settings = settings(max_examples=15, stateful_step_count=12, deadline=None)
test_two_hosts = TwoHosts.TestCase
