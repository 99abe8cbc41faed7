"""The QEMU driver refuses a memory device of any model without ``<maxMemory>``
(qemuValidateDomainDef -> qemuDomainDefValidateMemoryHotplug, libvirt 9.x/10.x), before the
devices' own validation (an nvdimm without a path)."""

from __future__ import annotations

import pytest

from simulator.libvirt.domain_xml import parse_domain
from simulator.libvirt.virerror import LibvirtError
from tests.libvirt.conftest import domain_xml

REFUSAL = (
    "unsupported configuration: cannot use/hotplug a memory device when domain 'maxMemory' "
    "is not defined"
)


@pytest.mark.parametrize("model", ["nvdimm", "virtio-pmem", "dimm", "virtio-mem", "sgx-epc"])
def test_a_memory_device_without_max_memory_is_refused(model: str) -> None:
    device = f"<memory model='{model}'><target><size unit='KiB'>524288</size></target></memory>"
    with pytest.raises(LibvirtError) as caught:
        parse_domain(domain_xml("m", device))
    assert str(caught.value) == REFUSAL
