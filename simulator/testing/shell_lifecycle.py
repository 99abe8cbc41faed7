"""``ShellLifecycle``: the domain lifecycle driven only by command lines an administrator
types (``virsh start``, ``kill -9``, ``virsh attach-disk``, ``systemctl restart``), so a
failing sequence is a scenario: the failure carries the ``.txtar`` as a note, and with
``SECLAB_EXPORT_DIR`` set it is also written there, ready to check in.

Invariants are libvirt's promises: no two running guests share an MCS pair, and once every
guest is stopped each image has its original label and owner and no ``trusted.libvirt.*``
xattr (libvirt.md 3, 6).
"""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from simulator.host import Host
from simulator.scenario.runner import build_host, load
from simulator.testing.scenario_export import render_scenario

IMAGES = "/var/lib/libvirt/images"
NAMES = ("a", "b")
EXTRA = f"{IMAGES}/extra.img"


def _domain(name: str) -> str:
    return (
        f"<domain type='kvm'>\n  <name>{name}</name>\n  <memory unit='GiB'>1</memory>\n"
        "  <os>\n    <type>hvm</type>\n  </os>\n"
        "  <devices>\n"
        f"    <disk type='file' device='disk'>\n      <driver name='qemu' type='qcow2'/>\n"
        f"      <source file='{IMAGES}/{name}.qcow2'/>\n      <target dev='vda' bus='virtio'/>\n"
        "    </disk>\n  </devices>\n</domain>\n"
    )


FILES = (
    *((f"{name}.xml", _domain(name)) for name in NAMES),
    *((f"{IMAGES}/{name}.qcow2", "") for name in NAMES),
    (EXTRA, ""),
)
SETUP = tuple(f"virsh define {name}.xml" for name in NAMES)
TITLE = "A lifecycle sequence found by ShellLifecycle (simulator.testing.shell_lifecycle)."
_CONTEXT = re.compile(r"svirt_t:(s0:c\d+,c\d+)")


class ShellLifecycle(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        skeleton = "".join(
            ["x\n-- transcript --\n  $ true\n", *(f"-- {n} --\n{d}" for n, d in FILES)]
        )
        self.host: Host = build_host(load("<lifecycle>", skeleton))
        self.commands: list[str] = []
        self.original = {
            path: self._label_and_owner(path) for name, _ in FILES if (path := _abs(name))
        }
        for line in SETUP:
            self._type(line)

    # -- typing ----------------------------------------------------------------------------------

    def _type(self, line: str) -> int:
        self.commands.append(line)
        return self.host.run(line).status

    def _label_and_owner(self, path: str) -> tuple[str, int, int]:
        info = self.host.stat(self.host.shell, path)
        return self.host.getfilecon(self.host.shell, path), info.st_uid, info.st_gid

    def _running(self) -> dict[str, int]:
        """Guests whose qemu lives (a killed one is noticed by the next virsh command)."""
        return {
            d.name: d.pid
            for d in self.host.libvirt.sorted_domains()
            if d.active and d.pid is not None and d.pid in self.host.processes
        }

    def scenario(self) -> str:
        """This run so far as a ``.txtar`` scenario with the lab's output filled in."""
        files = [(name, data) for name, data in FILES]
        return render_scenario(TITLE, "", files, self.commands)

    def _fail(self, message: str) -> None:
        text = self.scenario()
        error = AssertionError(message)
        error.add_note("The failing sequence as a scenario:\n" + text)
        directory = os.environ.get("SECLAB_EXPORT_DIR")
        if directory:
            name = hashlib.sha256(text.encode()).hexdigest()[:12]
            Path(directory, f"lifecycle-{name}.txtar").write_text(text, encoding="utf-8")
        raise error

    # -- rules -----------------------------------------------------------------------------------

    @rule(name=st.sampled_from(NAMES))
    def start(self, name: str) -> None:
        self._type(f"virsh start {name}")

    @rule(name=st.sampled_from(NAMES))
    def destroy(self, name: str) -> None:
        self._type(f"virsh destroy {name}")

    @precondition(lambda self: bool(self._running()))
    @rule(data=st.data())
    def crash(self, data: st.DataObject) -> None:
        running = self._running()
        name = data.draw(st.sampled_from(sorted(running)))
        self._type(f"kill -9 {running[name]}")

    @rule(name=st.sampled_from(NAMES))
    def attach(self, name: str) -> None:
        self._type(f"virsh attach-disk {name} {EXTRA} vdb --live")

    @rule(name=st.sampled_from(NAMES))
    def detach(self, name: str) -> None:
        self._type(f"virsh detach-disk {name} vdb --live")

    @rule()
    def restart_daemon(self) -> None:
        self._type("systemctl restart virtqemud")

    # -- invariants ------------------------------------------------------------------------------

    @invariant()
    def no_two_running_guests_share_a_pair(self) -> None:
        pairs = []
        for pid in self._running().values():
            match = _CONTEXT.search(self.host.process(pid).context)
            if match:
                pairs.append(match.group(1))
        if len(pairs) != len(set(pairs)):
            self._fail(f"two running guests share an MCS pair: {sorted(pairs)}")

    @invariant()
    def stopped_guests_leave_images_as_they_were(self) -> None:
        # Until the daemon has seen every qemu go (the lab notices a killed qemu at the
        # next virsh call), libvirt has not restored anything yet.
        if any(d.active for d in self.host.libvirt.sorted_domains()):
            return
        for path, before in self.original.items():
            after = self._label_and_owner(path)
            remembered = [
                n
                for n in self.host.listxattr(self.host.shell, path)
                if n.startswith(b"trusted.libvirt.")
            ]
            if after != before or remembered:
                self._fail(f"{path}: {before} became {after}, remembered {remembered}")


def _abs(name: str) -> str:
    return name if name.startswith("/") else f"/root/{name}"
