"""The floor of issue 15: the model writes of a start and a stop, done on bare dicts.

A start with N disks remembers each disk's SELinux label and owner (an xattr and a refcount
per driver), sets the image label and owner, builds a ``/dev`` namespace of ten nodes,
spawns a process and takes an MCS pair; a stop undoes all of it. Nothing is checked, walked
or audited: this is what the same state changes cost when they are only dictionary writes.
Run ``python -m benchmarks.floor`` to print the floor alone.
"""

from __future__ import annotations

import time
from typing import Any

DEV_NODES = 10


def floor_cycle(host: dict[str, Any], disks: int) -> None:
    """One start and one stop of a domain with ``disks`` disks, as dict writes."""
    files: dict[str, dict[str, Any]] = host["files"]
    paths = [f"/var/lib/libvirt/images/vm-{d}.qcow2" for d in range(disks)]
    # start: MCS pair, a process, a namespace of ten /dev nodes, then both drivers per disk
    host["mcs"][(123, 456)] = None
    host["processes"][4000] = {"context": "system_u:system_r:svirt_t:s0:c123,c456", "ns": 9}
    host["namespaces"][9] = {f"/dev/node{i}": {"label": "x", "owner": (0, 0)} for i in range(10)}
    for path in paths:
        f = files[path]
        x = f["xattrs"]
        x["trusted.libvirt.security.selinux"] = f["label"]
        x["trusted.libvirt.security.ref_selinux"] = "1"
        f["label"] = "system_u:object_r:svirt_image_t:s0:c123,c456"
        x["trusted.libvirt.security.dac"] = f"+{f['owner'][0]}:+{f['owner'][1]}"
        x["trusted.libvirt.security.ref_dac"] = "1"
        f["owner"] = (107, 107)
    # stop: restore both drivers per disk, drop the process, namespace and pair
    del host["processes"][4000]
    del host["namespaces"][9]
    for path in paths:
        f = files[path]
        x = f["xattrs"]
        f["label"] = x.pop("trusted.libvirt.security.selinux")
        del x["trusted.libvirt.security.ref_selinux"]
        owner = x.pop("trusted.libvirt.security.dac")
        del x["trusted.libvirt.security.ref_dac"]
        uid, gid = owner.lstrip("+").split(":+")
        f["owner"] = (int(uid), int(gid))
    del host["mcs"][(123, 456)]


def floor_host(disks: int) -> dict[str, Any]:
    files = {
        f"/var/lib/libvirt/images/vm-{d}.qcow2": {
            "label": "system_u:object_r:virt_image_t:s0",
            "owner": (0, 0),
            "xattrs": {},
        }
        for d in range(disks)
    }
    return {"files": files, "mcs": {}, "processes": {}, "namespaces": {}}


def floor_seconds(disks: int, *, cycles: int = 2000, batches: int = 5) -> float:
    """CPU seconds of one floor cycle: best of ``batches`` batches of ``cycles``."""
    host = floor_host(disks)
    best = float("inf")
    for _ in range(batches):
        start = time.process_time()
        for _ in range(cycles):
            floor_cycle(host, disks)
        best = min(best, (time.process_time() - start) / cycles)
    return best


if __name__ == "__main__":
    for n in (1, 3):
        print(f"floor, start + destroy, {n} disk(s): {floor_seconds(n) * 1e6:.1f} µs")
