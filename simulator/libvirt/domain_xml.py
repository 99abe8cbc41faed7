"""Domain XML: the modelled subset of ``src/conf/domain_conf.c``, parsed safely.

Untrusted XML goes through the standard library's expat parser after any document type
declaration is refused, so entity expansion (billion laughs) and external entities cannot
happen (``virxml``). Errors carry libvirt's texts; elements the lab does not model are ignored.
"""

from __future__ import annotations

import functools
import operator
import re
import xml.etree.ElementTree as ET  # DTDs are refused before expat sees the text
from collections.abc import Callable
from typing import Any, TypeVar

import attrs

from simulator.errors import NotModelled
from simulator.libvirt import virxml
from simulator.libvirt.virerror import ErrorCode, LibvirtError
from simulator.libvirt.virxml import DOMAIN_URL

UUID_NAMESPACE = "5d1e7a1b-5ec1-4ab0-9d1a-000000000001"
SECLABEL_TYPES = ("dynamic", "static", "none")
SECLABEL_MODELS = ("selinux", "dac")

# Disk types libvirt accepts (virStorageType) that the lab has no storage model for.
UNMODELLED_DISK_TYPES = ("network", "dir", "volume", "nvme", "vhostuser", "vhostvdpa")
# virDomainDiskDevice: the lab models disks and CD-ROMs.
UNMODELLED_DISK_DEVICES = ("floppy", "lun")
# virDomainDiskErrorPolicy: what QEMU does when a guest write fails (werror=).
ERROR_POLICIES = ("stop", "report", "ignore", "enospace")
# virDomainDiskBus; QEMU on x86 has no xen, uml or sd bus (the lab has no text for its refusal).
DISK_BUSES = ("ide", "fdc", "scsi", "virtio", "xen", "usb", "uml", "sata", "sd")
UNMODELLED_DISK_BUSES = ("xen", "uml", "sd")
# virStorageFileFormat, as <driver type=...> names it ("none" is refused too).
DISK_FORMATS: tuple[str, ...] = (
    "raw",
    "dir",
    "bochs",
    "cloop",
    "dmg",
    "iso",
    "vpc",
    "vdi",
    "fat",
    "vhd",
)
DISK_FORMATS += ("ploop", "cow", "qcow", "qcow2", "qed", "vmdk")
# virDiskNameParse: a prefix, a base-26 disk index in letters, an optional partition number.
_DISK_NAME = re.compile(r"(fd|hd|vd|sd|xvd|ubd)[a-z]+[0-9]*")
# virArch (virarch.c); the lab's host runs x86_64 guests only.
ARCHES: tuple[str, ...] = ("alpha", "armv6l", "armv7l", "armv7b", "aarch64", "cris", "i686")
ARCHES += ("ia64", "lm32", "loongarch64", "m68k", "microblaze", "microblazeel", "mips")
ARCHES += ("mipsel", "mips64", "mips64el", "openrisc", "parisc", "parisc64", "ppc", "ppcle")
ARCHES += ("ppc64", "ppc64le", "ppcemb", "riscv32", "riscv64", "s390", "s390x", "sh4", "sh4eb")
ARCHES += ("sparc", "sparc64", "unicore32", "x86_64", "xtensa", "xtensaeb", "none")
# virDomainOSType; the QEMU driver runs hvm only (the lab has no text for its refusal).
OS_TYPES = ("hvm", "xen", "linux", "exe", "uml")
# virDomainVirtType: the types virDomainDefParseXML accepts; the lab runs kvm and qemu.
VIRT_TYPES: tuple[str, ...] = ("none", "qemu", "kqemu", "kvm", "xen", "lxc", "uml", "openvz")
VIRT_TYPES += ("test", "vmware", "hyperv", "vbox", "phyp", "parallels", "bhyve", "vz", "hvf")
# virDomainChrType, and the types whose <source path=...> virDomainChrSourceDefParseXML needs.
CHARDEV_TYPES: tuple[str, ...] = ("null", "vc", "pty", "dev", "file", "pipe", "stdio", "udp")
CHARDEV_TYPES += ("tcp", "unix")
CHARDEV_TYPES += ("spicevmc", "spiceport", "nmdm", "qemu-vdagent", "dbus")
CHARDEV_PATH_TYPES = ("dev", "file", "pipe")
# virDomainChrSourceModeType, read for the socket types.
CHARDEV_MODES = ("connect", "bind")
CHARDEV_MODE_TYPES = ("tcp", "unix")
# virDomainMemoryModel
MEMORY_MODELS = ("dimm", "nvdimm", "virtio-pmem", "virtio-mem", "sgx-epc")
# Character devices (virDomainChrDefForeach: serials, parallels, channels, consoles).
CHARDEV_ELEMENTS = ("serial", "parallel", "channel", "console")
# Memory devices whose backing file the security drivers label
# (virSecuritySELinuxSetMemoryLabel, virSecurityDACSetMemoryLabel); other models have none.
LABELLED_MEMORY_MODELS = ("nvdimm", "virtio-pmem")


def _xml_error(message: str) -> LibvirtError:
    return LibvirtError(ErrorCode.XML_ERROR, message)


def _invalid_value(element: ET.Element, attribute: str) -> LibvirtError:
    """``virXMLPropEnum`` (and the other ``virXMLProp*`` readers) on a value outside the enum."""
    return virxml.invalid_attribute(element.tag, attribute, element.get(attribute, ""))


def _enum_attribute(
    element: ET.Element, attribute: str, values: tuple[str, ...], default: str
) -> str:
    """An optional enum attribute: ``default`` when absent, libvirt's error when invalid."""
    value = element.get(attribute)
    if value is None:
        return default
    if value not in values:
        raise _invalid_value(element, attribute)
    return value


@attrs.define(repr=False)
class SecLabel:
    """A domain-level ``<seclabel>``; ``label``/``imagelabel`` are filled in by GenLabel."""

    model: str
    type: str
    relabel: bool
    label: str | None = None
    imagelabel: str | None = None
    baselabel: str | None = None
    implicit: bool = False


@attrs.frozen(repr=False)
class DeviceSeclabel:
    """A per-device ``<seclabel>``: only ``relabel`` and ``<label>`` are supported."""

    model: str
    relabel: bool
    label: str | None = None


@attrs.frozen(repr=False)
class StorageSource:
    """One image of a disk's chain; ``backing`` is the next one down (or None)."""

    path: str | None
    format: str | None = None
    backing: StorageSource | None = None
    seclabels: tuple[DeviceSeclabel, ...] = ()

    def chain(self) -> list[StorageSource]:
        out: list[StorageSource] = []
        node: StorageSource | None = self
        while node is not None:
            out.append(node)
            node = node.backing
        return out

    def seclabel(self, model: str) -> DeviceSeclabel | None:
        for seclabel in self.seclabels:
            if seclabel.model == model:
                return seclabel
        return None

    def __deepcopy__(self, memo: dict[int, object]) -> StorageSource:
        """Immutable, so copies share it (and a deep chain costs no recursion)."""
        return self


@attrs.define(repr=False)
class Disk:
    type: str
    device: str
    target: str
    src: StorageSource
    bus: str | None = None
    driver_type: str | None = None
    readonly: bool = False
    shareable: bool = False
    backing_given: bool = False
    error_policy: str | None = None  # <driver error_policy=...>: what a failed write does
    # The chain below ``src`` is the one determined when the disk was set up (start or
    # hotplug; libvirt: the live definition's ``src->backingStore``, detected or given).
    chain_known: bool = False


@attrs.define(repr=False)
class Chardev:
    element: str  # serial | console
    type: str  # file | pty | unix
    path: str | None = None
    mode: str | None = None
    seclabels: tuple[DeviceSeclabel, ...] = ()

    def seclabel(self, model: str) -> DeviceSeclabel | None:
        for seclabel in self.seclabels:
            if seclabel.model == model:
                return seclabel
        return None


@attrs.define(repr=False)
class OsDef:
    kernel: str | None = None
    initrd: str | None = None
    loader: str | None = None
    nvram: str | None = None
    dtb: str | None = None
    slic_table: str | None = None  # <os><acpi><table type='slic'>


@attrs.frozen(repr=False)
class MemoryDevice:
    """A ``<memory model='nvdimm'|'virtio-pmem'>`` device with a backing file."""

    model: str
    path: str
    size_kib: int  # <target><size>, KiB rounded up (virDomainParseMemory)


@attrs.frozen(repr=False)
class MemorySize:
    """``<memory>`` and ``<currentMemory>`` as given, in KiB after libvirt's post-parse
    (``virDomainDefPostParseMemory``: a current size of 0 or above the total is the total)."""

    total_kib: int
    current_kib: int


@attrs.frozen(repr=False)
class Vcpus:
    """``<vcpu current='N'>MAX</vcpu>`` (``virDomainVcpuParse``); ``placement`` is static."""

    maximum: int
    current: int


# virDomainVcpuParse: without <vcpu> a domain has one vCPU.
ONE_VCPU = Vcpus(1, 1)


@attrs.define(repr=False)
class DomainDef:
    virt_type: str
    name: str
    uuid: str
    memory: MemorySize
    os: OsDef = attrs.field(factory=OsDef)
    vcpus: Vcpus = ONE_VCPU
    disks: list[Disk] = attrs.field(factory=list)
    chardevs: list[Chardev] = attrs.field(factory=list)
    seclabels: list[SecLabel] = attrs.field(factory=list)
    memories: list[MemoryDevice] = attrs.field(factory=list)

    def seclabel(self, model: str) -> SecLabel | None:
        for seclabel in self.seclabels:
            if seclabel.model == model:
                return seclabel
        return None

    def disk(self, target: str) -> Disk | None:
        for disk in self.disks:
            if disk.target == target:
                return disk
        return None

    @property
    def total_memory_kib(self) -> int:
        """``virDomainDefGetMemoryTotal``: what ``virsh dominfo`` calls Max memory."""
        return self.memory.total_kib

    @property
    def current_memory_kib(self) -> int:
        """``def->mem.cur_balloon``: dominfo's Used memory."""
        return self.memory.current_kib

    @property
    def vcpus_current(self) -> int:
        """``virDomainDefGetVcpus``: dominfo's CPU(s)."""
        return self.vcpus.current

    @property
    def vcpus_maximum(self) -> int:
        """``virDomainDefGetVcpusMax``."""
        return self.vcpus.maximum


def copy_definition(definition: DomainDef) -> DomainDef:
    """A copy sharing nothing mutable with ``definition``: what ``copy.deepcopy`` gives,
    without its memo and reflection. Frozen values (images, device labels, memory
    sizes, vCPU counts, memory devices) are shared; each mutable part is copied field by field."""
    # libvirt: virDomainObjSetDefTransient (virDomainDefCopy of the persistent definition)
    return DomainDef(
        definition.virt_type,
        definition.name,
        definition.uuid,
        definition.memory,
        _copy_fields(definition.os),
        definition.vcpus,
        [_copy_fields(disk) for disk in definition.disks],
        [_copy_fields(chardev) for chardev in definition.chardevs],
        [_copy_fields(seclabel) for seclabel in definition.seclabels],
        list(definition.memories),
    )


def copy_disk(disk: Disk) -> Disk:
    """A disk sharing nothing mutable with ``disk`` (its images are frozen values)."""
    return _copy_fields(disk)


_T = TypeVar("_T", OsDef, Disk, Chardev, SecLabel)


def _copy_fields(value: _T) -> _T:
    """A copy of a mutable part whose every field holds an immutable value."""
    cls = type(value)
    return cls(*_FIELDS_OF[cls](value))


# Each mutable part's fields as one tuple, in ``__init__`` order (every part has several).
_FIELDS_OF: dict[type, Callable[[object], tuple[Any, ...]]] = {
    cls: operator.attrgetter(*(field.name for field in attrs.fields(cls)))
    for cls in (OsDef, Disk, Chardev, SecLabel)
}


def parse_xml(text: str, *, url: str = DOMAIN_URL) -> ET.Element:
    """Well-formed XML without any DTD, or libvirt's error for it (``virXMLParseHelper``,
    ``catchXMLError``); ``url`` names the document in the error, as libvirt does."""
    return virxml.parse(text, url=url)


def local_name(tag: str) -> str:
    """An element's name without the ``{namespace}`` ElementTree puts before it."""
    return tag.rpartition("}")[2]


def _relabel(element: ET.Element, default: bool) -> bool:
    """``relabel='yes|no'`` (virXMLPropTristateBool in virSecurityLabelDefParseXML and
    virSecurityDeviceLabelDefParseXML)."""
    return _enum_attribute(element, "relabel", ("yes", "no"), "yes" if default else "no") == "yes"


def _device_seclabels(parent: ET.Element) -> tuple[DeviceSeclabel, ...]:
    out = []
    for element in parent.findall("seclabel"):
        model = element.get("model", "selinux")
        relabel = _relabel(element, True)
        label = element.findtext("label")
        if relabel is False and label is not None:
            # libvirt: virSecurityDeviceLabelDefParseXML (NULLSTR of the model)
            raise _xml_error(
                "Cannot specify a label if relabelling is turned off. "
                f"model={element.get('model', '<null>')}"
            )
        out.append(DeviceSeclabel(model, relabel, label))
    return tuple(out)


def _seclabel(element: ET.Element, *, live: bool = False) -> SecLabel:
    """``virSecurityLabelDefParseXML`` and its checks (libvirt.md 3.3)."""
    model = element.get("model", "selinux")
    baselabel = element.findtext("baselabel")
    # No type: the driver's default decides at GenLabel time; a baselabel means dynamic.
    type_text = element.get("type")
    if type_text is not None and type_text not in SECLABEL_TYPES:
        # virXMLPropEnum with VIR_XML_PROP_NONZERO: an explicit 'default' is refused too
        raise _invalid_value(element, "type")
    type_ = type_text or ("dynamic" if baselabel is not None else "default")
    relabel = _relabel(element, type_ in ("dynamic", "default"))
    if type_ == "dynamic" and not relabel:
        raise LibvirtError(
            ErrorCode.CONFIG_UNSUPPORTED, "dynamic label type must use resource relabeling"
        )
    if type_ == "none" and relabel:
        raise LibvirtError(
            ErrorCode.CONFIG_UNSUPPORTED,
            "resource relabeling is not compatible with 'none' label type",
        )
    label = element.findtext("label")
    if type_ == "static" and not label:
        raise _xml_error("security label is missing")
    return SecLabel(
        model=model,
        type=type_,
        relabel=relabel,
        # libvirt: virSecurityLabelDefParseXML reads <label> for static labels or live XML,
        # <imagelabel> for live XML with relabelling; never either for type 'none'.
        label=label if type_ == "static" or (live and type_ != "none") else None,
        imagelabel=(
            element.findtext("imagelabel") if live and relabel and type_ != "none" else None
        ),
        # libvirt: virSecurityLabelDefParseXML reads <baselabel> for dynamic labels only.
        baselabel=baselabel if type_ == "dynamic" else None,
    )


def _backing(element: ET.Element | None) -> StorageSource | None:
    """``<backingStore type='file'><format type='qcow2'/><source file='...'/>...``

    Read top-down, built bottom-up, without recursion.
    """
    layers: list[tuple[str | None, str | None]] = []
    while element is not None:
        # libvirt: virDomainDiskBackingStoreParse
        type_ = element.get("type")
        if type_ is None:
            break  # <backingStore/>: the chain ends here
        format_element = element.find("format")
        format_ = None if format_element is None else format_element.get("type")
        if not format_:
            raise _xml_error("missing disk backing store format")
        source = element.find("source")
        if source is None:
            raise _xml_error("missing disk backing store source")
        # virDomainStorageSourceParseBase
        if type_ not in ("file", "block", *UNMODELLED_DISK_TYPES):
            raise _xml_error(f"unknown storage source type '{type_}'")
        if format_ not in DISK_FORMATS:
            raise _xml_error(f"unknown storage source format '{format_}'")
        if type_ in UNMODELLED_DISK_TYPES:
            raise NotModelled(f"backing store type '{type_}'")
        layers.append((source.get("file" if type_ == "file" else "dev"), format_))
        element = element.find("backingStore")
    chain: StorageSource | None = None
    for path, format_ in reversed(layers):
        chain = StorageSource(path=path, format=format_, backing=chain)
    return chain


def _disk(element: ET.Element) -> Disk:
    # libvirt: virDomainDiskDefParseXML (virXMLPropEnum for type and device)
    type_ = _enum_attribute(element, "type", ("file", "block", *UNMODELLED_DISK_TYPES), "file")
    if type_ in UNMODELLED_DISK_TYPES:
        raise NotModelled(f"disk type '{type_}'")
    device = _enum_attribute(element, "device", ("disk", "cdrom", *UNMODELLED_DISK_DEVICES), "disk")
    if device in UNMODELLED_DISK_DEVICES:
        raise NotModelled(f"disk device '{device}'")
    source = element.find("source")
    path = None if source is None else source.get("file" if type_ == "file" else "dev")
    target = element.find("target")
    # (a missing target is refused by _validate_disk, after every device is parsed)
    target_dev = "" if target is None else target.get("dev", "")
    bus = None if target is None else _enum_attribute(target, "bus", DISK_BUSES, "") or None
    if bus in UNMODELLED_DISK_BUSES:
        raise NotModelled(f"disk bus '{bus}'")
    # libvirt reads the source (and its seclabels), the backing chain, the driver's
    # attributes and then the driver's format, in that order (measured)
    seclabels = () if source is None else _device_seclabels(source)
    backing_element = element.find("backingStore")
    backing = _backing(backing_element)
    driver = element.find("driver")
    driver_type = None if driver is None else driver.get("type")
    error_policy = None
    if driver is not None:
        # libvirt: virDomainDiskDefDriverParseXML
        error_policy = _enum_attribute(driver, "error_policy", ERROR_POLICIES, "") or None
        if driver.get("rerror_policy") is not None:
            if _enum_attribute(driver, "rerror_policy", ERROR_POLICIES, "") == "enospace":
                raise LibvirtError(
                    ErrorCode.CONFIG_UNSUPPORTED, "Invalid disk read error policy: 'enospace'"
                )
            raise NotModelled("disk rerror_policy")
    if driver_type is not None and driver_type not in DISK_FORMATS:
        # libvirt: virDomainDiskDefDriverSourceParseXML
        raise LibvirtError(
            ErrorCode.CONFIG_UNSUPPORTED, f"unknown driver format value '{driver_type}'"
        )
    src = StorageSource(path=path, format=driver_type, backing=backing, seclabels=seclabels)
    return Disk(
        type=type_,
        device=device,
        target=target_dev,
        src=src,
        bus=bus,
        driver_type=driver_type,
        readonly=element.find("readonly") is not None or device == "cdrom",
        shareable=element.find("shareable") is not None,
        backing_given=backing_element is not None,
        error_policy=error_policy,
    )


def _disk_post_parse(element: ET.Element, disk: Disk) -> None:
    """``virDomainDiskDefAssignAddress`` (a device post-parse step): the target must name
    a disk (``virDiskNameToIndex``) unless the disk has an address."""
    name = disk.target
    if name and element.find("address") is None and _DISK_NAME.fullmatch(name) is None:
        raise _xml_error(f"Unknown disk name '{name}' and no address specified")


def _validate_disk(disk: Disk) -> None:
    """The disk checks of libvirt's validation step (after every post-parse step), for a
    disk or CD-ROM."""
    if not disk.target:
        # VIR_ERR_NO_TARGET, whose text has no " %s" without a source
        raise LibvirtError(ErrorCode.NO_TARGET, f" {disk.src.path}" if disk.src.path else "")
    if disk.bus == "fdc":  # a disk that is not a floppy
        raise LibvirtError(ErrorCode.INTERNAL_ERROR, f"Invalid bus type 'fdc' for {disk.device}")
    if disk.target.startswith("fd") or _DISK_NAME.fullmatch(disk.target) is None:
        raise LibvirtError(ErrorCode.INTERNAL_ERROR, f"Invalid harddisk device name: {disk.target}")
    if disk.src.path is None and disk.device == "disk":
        # only removable media may be empty
        raise LibvirtError(ErrorCode.NO_SOURCE, f" {disk.target}")


def _check_duplicate_targets(disks: list[Disk]) -> None:
    """``virDomainDefCheckDuplicateDiskInfo`` (validation)."""
    seen: dict[str, Disk] = {}
    for disk in disks:
        existing = seen.setdefault(disk.target, disk)
        if existing is not disk:
            raise _xml_error(
                f"target '{disk.target}' duplicated for disk sources "
                f"'{existing.src.path or ''}' and '{disk.src.path or ''}'"
            )


def _os_type(os_element: ET.Element | None, bootloader: str) -> None:
    """``<os><type>`` (virDomainDefParseCaps, virDomainDefParseBootInitOptions)."""
    type_element = None if os_element is None else os_element.find("type")
    # virXPathString("string(./os/type[1])"): an empty type is none
    os_type = "" if type_element is None else "".join(type_element.itertext())
    if not os_type:
        if bootloader:
            # libvirt takes a <bootloader> (pygrub) domain as os type xen
            raise NotModelled("<bootloader> (a domain of os type xen)")
        raise _xml_error("an os <type> must be specified")
    assert os_element is not None and type_element is not None
    arch = type_element.get("arch")
    if arch is not None:
        if arch and arch not in ARCHES:
            # libvirt: virDomainDefParseCaps (virArchFromString)
            raise LibvirtError(ErrorCode.CONFIG_UNSUPPORTED, f"Unknown architecture {arch}")
        if arch != "x86_64":
            raise NotModelled(f"<os><type arch='{arch}'>")
    if os_type not in OS_TYPES:
        raise LibvirtError(ErrorCode.CONFIG_UNSUPPORTED, f"unknown OS type '{os_type}'")
    if os_type == "exe" and os_element.find("init") is None:
        raise _xml_error("init binary must be specified")
    if os_type != "hvm":
        raise NotModelled(f"<os><type>{os_type}</type>")


def _chardev(element: ET.Element) -> Chardev:
    type_ = element.get("type", "pty")
    if type_ not in CHARDEV_TYPES:
        # libvirt: virDomainChrDefParseXML
        raise LibvirtError(
            ErrorCode.CONFIG_UNSUPPORTED,
            f"unknown type presented to host for character device: {type_}",
        )
    if element.tag == "channel" and element.find("target") is not None:
        target = element.find("target")
        assert target is not None
        if target.get("type") == "guestfwd":
            raise NotModelled("guestfwd channel")
    source = element.find("source")
    # libvirt: virDomainChrSourceDefParseXML
    if type_ in CHARDEV_MODE_TYPES and source is not None:
        _enum_attribute(source, "mode", CHARDEV_MODES, "connect")
    return Chardev(
        element=element.tag,
        type=type_,
        path=None if source is None else source.get("path"),
        mode=None if source is None else source.get("mode"),
        seclabels=() if source is None else _device_seclabels(source),
    )


def _validate_chardev(element: ET.Element) -> None:
    """``virDomainChrSourceDefValidate``: the types that need a path; a unix socket needs one
    but for a virtio channel (libvirt generates it)."""
    type_ = element.get("type", "pty")
    target = element.find("target")
    virtio_channel = element.tag == "channel" and target is not None
    virtio_channel = virtio_channel and target is not None and target.get("type") == "virtio"
    needs_path = type_ in CHARDEV_PATH_TYPES or (type_ == "unix" and not virtio_channel)
    source = element.find("source")
    if needs_path and (source is None or source.get("path") is None):
        raise LibvirtError(
            ErrorCode.INTERNAL_ERROR, "Missing source path attribute for char device"
        )


def _slic_table(os_element: ET.Element) -> str | None:
    """``<acpi><table type='slic'>PATH</table></acpi>`` (virDomainDefParseBootAcpiOptions)."""
    tables = os_element.findall("acpi/table")
    for table in tables:
        if table.get("type") != "slic":
            raise _xml_error(f"Unknown acpi table type: {table.get('type', '')}")
    if len(tables) > 1:
        raise LibvirtError(ErrorCode.XML_ERROR, "Only one acpi table is supported")
    return (tables[0].text or "").strip() or None if tables else None


def _memory(element: ET.Element) -> MemoryDevice | None:
    """``virDomainMemoryDefParseXML``."""
    if element.get("model") is None:
        # virXMLPropEnum with VIR_XML_PROP_REQUIRED
        raise virxml.missing_attribute("memory", "model")
    model = _enum_attribute(element, "model", MEMORY_MODELS, "")
    path = element.findtext("source/path")
    size_kib = _memory_device_size(element)
    if path and model in LABELLED_MEMORY_MODELS:
        return MemoryDevice(model, path.strip(), size_kib)
    return None  # no backing file of its own to label


def _validate_memory_hotplug(root: ET.Element) -> None:
    """``qemuDomainDefValidateMemoryHotplug``: memory devices (of every model) need
    ``<maxMemory>``, which the lab does not model (refused as not modelled before this)."""
    if root.find("devices/memory") is not None and root.find("maxMemory") is None:
        raise LibvirtError(
            ErrorCode.CONFIG_UNSUPPORTED,
            "cannot use/hotplug a memory device when domain 'maxMemory' is not defined",
        )


def _validate_memory(element: ET.Element) -> None:
    """The memory device checks of libvirt's validation step."""
    model = element.get("model", "")
    if model in LABELLED_MEMORY_MODELS and not element.findtext("source/path"):
        # VIR_ERR_XML_DETAIL: no prefix
        raise LibvirtError(ErrorCode.XML_DETAIL, f"path is required for model '{model}'")


def _memory_device_size(element: ET.Element) -> int:
    """``virDomainMemoryTargetDefParseXML``: ``virDomainParseMemory("./size", ...)``, required
    (the lab labels, it does not size memory devices)."""
    size = element.find("target/size")
    text = None if size is None else "".join(size.itertext())
    if not text:
        raise _xml_error("missing element or attribute './size'")
    assert size is not None
    match = _STRTOULL.fullmatch(text)
    if match is None or int(match.group(1)) > 2**64 - 1:
        raise _xml_error(f"Invalid value '{text}' for element or attribute './size'")
    size_bytes = scale_integer(
        int(match.group(1)), size.get("unit") or None, 1024, MEMORY_MAX_BYTES
    )
    return -(-size_bytes // 1024)  # VIR_DIV_UP


# -- memory and vCPUs (virDomainDefParseMemory, virDomainVcpuParse) -------------------------

# virMemoryMaxValue(capped) on a 64-bit host: LLONG_MAX bytes.
MEMORY_MAX_BYTES = 2**63 - 1
# virStrToLong_ullp / strtoull: optional leading isspace() and sign, decimal digits, nothing
# after them; a "-" anywhere is refused.
_STRTOULL = re.compile(r"[ \t\n\v\f\r]*\+?([0-9]+)")
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
_SCALE_PREFIXES = "kmgtpe"  # virScaleInteger's switch, each one power of the base further
# libvirt: qemuDomainGetMemorySizeAlignment (x86): sizes are rounded up to 1 MiB at start.
MEMORY_ALIGNMENT_KIB = 1024


def scale_integer(value: int, suffix: str | None, scale: int, limit: int) -> int:
    """``virScaleInteger``: ``value`` times its unit (``b``/``bytes``, ``k``/``KiB`` powers of
    1024, ``KB`` powers of 1000, up to ``E``; case-insensitive; ``scale`` when no unit)."""
    if suffix:
        lower = suffix.translate(_ASCII_LOWER)
        if lower in ("b", "byte", "bytes"):
            scale = 1
        else:
            if len(suffix) == 1 or lower[1:] == "ib":
                base = 1024
            elif len(suffix) == 2 and lower[1] == "b":
                base = 1000
            else:
                raise LibvirtError(ErrorCode.INVALID_ARG, f"unknown suffix '{suffix}'")
            power = _SCALE_PREFIXES.find(lower[0])
            if power < 0:
                raise LibvirtError(ErrorCode.INVALID_ARG, f"unknown suffix '{suffix}'")
            scale = base ** (power + 1)
    if value and value > limit // scale:
        raise NotModelled(f"a memory size above {limit} bytes (libvirt: 'value too large')")
    return value * scale


def _memory_kib(root: ET.Element, tag: str) -> int | None:
    """``virDomainParseMemory(xpath, NULL, ctxt, &mem, false, true)``: KiB rounded up, or
    None when the element is missing or empty (``virXPathString`` gives NULL)."""
    element = root.find(tag)
    text = None if element is None else "".join(element.itertext())
    if not text:
        return None
    assert element is not None
    match = _STRTOULL.fullmatch(text)
    if match is None or int(match.group(1)) > 2**64 - 1:
        raise _xml_error(f"Invalid value '{text}' for element or attribute './{tag}[1]'")
    unexpected = sorted(set(element.attrib) - {"unit"})
    if unexpected:
        raise NotModelled(f"<{tag} {unexpected[0]}=...>")
    unit = element.get("unit") or None
    size = scale_integer(int(match.group(1)), unit, 1024, MEMORY_MAX_BYTES)
    kib = -(-size // 1024)  # VIR_DIV_UP
    if kib >= -(-MEMORY_MAX_BYTES // 1024):
        raise NotModelled(
            f"a memory size above {MEMORY_MAX_BYTES} bytes (libvirt: 'size value too large')"
        )
    if kib % MEMORY_ALIGNMENT_KIB:
        # qemuDomainAlignMemorySizes rounds it up to whole MiB at start, which the lab
        # does not follow through its live definition.
        raise NotModelled(f"<{tag}> of {kib} KiB, not a whole number of MiB")
    return kib


def _memory_size(root: ET.Element) -> MemorySize:
    """``<memory>`` and ``<currentMemory>`` as parsed; a size not given is 0, as
    ``def->mem.total_memory`` is until the post-parse step checks it."""
    if root.find("maxMemory") is not None:
        raise NotModelled("<maxMemory> (memory hotplug slots)")
    if root.find("cpu/numa/cell") is not None:
        # virDomainDefPostParseMemory: the cells' sizes make the domain's memory
        raise NotModelled("NUMA cells (<cpu><numa><cell>)")
    total = _memory_kib(root, "memory") or 0
    current = _memory_kib(root, "currentMemory") or 0
    # libvirt: virDomainDefPostParseMemory
    if current == 0 or current > total:
        current = total
    return MemorySize(total, current)


def _check_memory(domain: DomainDef, devices_kib: int = 0) -> None:
    """``virDomainDefPostParseMemory``, after the whole definition is parsed: the memory
    devices (``devices_kib`` in all) are part of ``<memory>``; without a size of its own
    the definition is refused."""
    if devices_kib > domain.memory.total_kib:
        raise _xml_error("Total size of memory devices exceeds the total memory size")
    if domain.memory.total_kib - devices_kib:
        return
    raise LibvirtError(
        ErrorCode.XML_ERROR,
        "Memory size must be specified via <memory> or in the <numa> configuration",
    )


def _vcpus(root: ET.Element) -> Vcpus:
    """``virDomainVcpuParse`` for ``<vcpu [placement='static'] [current='N']>MAX</vcpu>``."""
    element = root.find("vcpu")
    if element is None:
        return ONE_VCPU
    text = "".join(element.itertext())
    match = _STRTOULL.fullmatch(text)
    if match is None or int(match.group(1)) > 0xFFFFFFFF:
        raise _xml_error("maximum vcpus count must be an integer")
    maximum = int(match.group(1))
    unexpected = sorted(set(element.attrib) - {"placement", "current"})
    if unexpected:
        raise NotModelled(f"<vcpu {unexpected[0]}=...>")  # cpuset: CPU pinning
    if _enum_attribute(element, "placement", ("static", "auto"), "static") != "static":
        raise NotModelled(f"<vcpu placement='{element.get('placement')}'>")
    current_text = element.get("current")
    current = maximum
    if current_text is not None:
        if not (current_text.isascii() and current_text.isdigit()):
            raise NotModelled(f"<vcpu current='{current_text}'>")
        current = int(current_text)
    if current > maximum:
        # libvirt: virDomainDefSetVcpus, from virDomainVcpuParse
        raise LibvirtError(
            ErrorCode.CONFIG_UNSUPPORTED,
            "maximum vCPU count must not be less than current vCPU count",
        )
    if maximum == 0 or current == 0:
        raise NotModelled(f"<vcpu current='{current}'>{maximum}</vcpu>")
    return Vcpus(maximum, current)


# Devices the security drivers label (virSecuritySELinuxSetAllLabel and its DAC twin: host
# devices, inputs, TPMs, smartcards, ...) or that carry their own sockets (vhost-user) and
# that the lab does not model: a definition naming them is refused, never half labelled.
UNMODELLED_DEVICES: dict[str, str] = {
    "hostdev": "host device (<hostdev>)",
    "tpm": "TPM device (<tpm>)",
    "smartcard": "smartcard device (<smartcard>)",
    "shmem": "shared memory device (<shmem>)",
    "redirdev": "USB redirection device (<redirdev>)",
    "vsock": "vsock device (<vsock>)",
    "filesystem": "filesystem passthrough (<filesystem>)",
}


def _refuse_unlabelled(element: ET.Element) -> None:
    what = UNMODELLED_DEVICES.get(element.tag)
    if what is not None:
        raise NotModelled(what)
    if element.tag == "input" and element.get("type") in ("passthrough", "evdev"):
        raise NotModelled(f"input device of type '{element.get('type')}'")
    if element.tag == "interface" and element.get("type") in ("vhostuser", "vdpa", "hostdev"):
        raise NotModelled(f"interface of type '{element.get('type')}'")
    if element.tag == "rng" and element.find("backend[@model='egd']") is not None:
        raise NotModelled("rng device with an egd backend")


def parse_domain(
    text: str,
    *,
    live: bool = False,
    new_uuid: Callable[[], str] | None = None,
    url: str = DOMAIN_URL,
) -> DomainDef:
    """A domain definition from XML, or the :class:`LibvirtError` libvirt would report.

    ``live`` keeps generated labels (``<label>``, ``<imagelabel>``), as status files do;
    ``new_uuid`` gives the UUID of a definition without ``<uuid>`` (:func:`name_uuid`
    when None).
    """
    return domain_from_element(parse_xml(text, url=url), live=live, new_uuid=new_uuid)


_SPACE = " \t\n\v\f\r"  # g_ascii_isspace
_HEX = frozenset("0123456789abcdefABCDEF")


def parse_uuid(text: str) -> str | None:
    """``virUUIDParse``: 16 pairs of hex digits, with any dashes or spaces between pairs
    and white space around; the canonical form, or None."""
    index = len(text) - len(text.lstrip(_SPACE))
    pairs: list[str] = []
    while len(pairs) < 16:  # each turn takes at least one character: bounded by the text
        if index >= len(text):
            return None
        if text[index] in "- ":
            index += 1
            continue
        pair = text[index : index + 2]
        if len(pair) < 2 or not set(pair) <= _HEX:
            return None
        pairs.append(pair.lower())
        index += 2
    if text[index:].strip(_SPACE):
        return None
    return format_uuid("".join(pairs))


def format_uuid(digits: str) -> str:
    """``virUUIDFormat``: 32 lower-case hex digits as 8-4-4-4-12."""
    return f"{digits[:8]}-{digits[8:12]}-{digits[12:16]}-{digits[16:20]}-{digits[20:]}"


def name_uuid(name: str) -> str:
    """A UUID for a definition without one, from its name: for callers outside a daemon
    (tests, tools). A daemon passes its own generator (``virUUIDGenerate``)."""
    import uuid  # only here: a daemon's start does not load it

    return str(uuid.uuid5(uuid.UUID(UUID_NAMESPACE), name))


def domain_from_element(
    root: ET.Element, *, live: bool = False, new_uuid: Callable[[], str] | None = None
) -> DomainDef:
    # virXMLParseHelper compares the root's local name: a namespace does not matter there
    # (but hides every child from libvirt's XPath queries, as it does from find() here)
    root_name = local_name(root.tag)
    if root_name != "domain":
        raise _xml_error(f"expecting root element of 'domain', not '{root_name}'")
    # libvirt: virDomainDefParseXML
    virt_type = root.get("type")
    if not virt_type:
        raise LibvirtError(ErrorCode.INTERNAL_ERROR, "missing domain type attribute")
    if virt_type not in VIRT_TYPES:
        raise LibvirtError(ErrorCode.CONFIG_UNSUPPORTED, f"invalid domain type {virt_type}")
    if virt_type not in ("kvm", "qemu"):
        # the QEMU driver refuses it later (its capabilities); the lab has no text for that
        raise NotModelled(f"domain type '{virt_type}'")
    # virXPathString("string(./name[1])"): the text as written, spaces included
    name_element = root.find("name")
    name = "" if name_element is None else "".join(name_element.itertext())
    if not name:
        raise LibvirtError(ErrorCode.NO_NAME, "")
    if "/" in name:
        raise _xml_error(f"name {name} cannot contain '/'")
    if "\n" in name:
        # virXMLCheckIllegalChars (VIR_ERR_XML_DETAIL: no prefix)
        raise LibvirtError(ErrorCode.XML_DETAIL, "invalid char in name: \n")
    uuid_element = root.find("uuid")
    uuid_text = "" if uuid_element is None else "".join(uuid_element.itertext())
    if not uuid_text:
        # libvirt: virDomainDefParseXML -> virUUIDGenerate when there is no <uuid> (or an
        # empty one: virXPathString gives NULL)
        uuid = name_uuid(name) if new_uuid is None else new_uuid()
    else:
        parsed = parse_uuid(uuid_text)
        if parsed is None:
            raise LibvirtError(ErrorCode.INTERNAL_ERROR, "malformed uuid element")
        uuid = parsed
    os_element = root.find("os")
    bootloader = root.find("bootloader")
    _os_type(os_element, "" if bootloader is None else "".join(bootloader.itertext()))
    os_def = OsDef()
    loader = None if os_element is None else os_element.find("loader")
    if loader is not None:
        # libvirt: virDomainLoaderDefParseXMLLoader (virXMLPropEnum, virXMLPropTristateBool)
        _enum_attribute(loader, "type", ("rom", "pflash"), "")
        _enum_attribute(loader, "readonly", ("yes", "no"), "")
    if os_element is not None:
        os_def = OsDef(
            kernel=os_element.findtext("kernel"),
            initrd=os_element.findtext("initrd"),
            loader=os_element.findtext("loader"),
            nvram=os_element.findtext("nvram"),
            dtb=os_element.findtext("dtb"),
            slic_table=_slic_table(os_element),
        )
    domain = DomainDef(
        virt_type=virt_type,
        name=name,
        uuid=uuid,
        os=os_def,
        memory=_memory_size(root),
        vcpus=_vcpus(root),
    )
    if root.find("sysinfo/fw_cfg/entry[@file]") is not None:
        raise NotModelled("sysinfo fw_cfg entries backed by files")
    # libvirt: virDomainDefParseXML reads the seclabels before the devices
    _parse_seclabels(root, domain, live=live)
    post_parse, validate, devices_kib = _parse_devices(root, domain)
    for check in post_parse:  # virDomainDefPostParse: the devices' steps, then the domain's
        check()
    _check_memory(domain, devices_kib)
    # virDomainDefValidate: the driver's callback (qemuValidateDomainDef) first, then each
    # device's validation
    _validate_memory_hotplug(root)
    for check in validate:
        check()
    _check_duplicate_targets(domain.disks)
    return domain


def _parse_seclabels(root: ET.Element, domain: DomainDef, *, live: bool) -> None:
    """``virSecurityLabelDefsParseXML``."""
    models: list[str | None] = []  # as written (STREQ_NULLABLE compares them)
    seclabel_elements = root.findall("seclabel")
    for element in seclabel_elements:
        label = _seclabel(element, live=live)
        # each label is compared with those before it (measured: before the next is read)
        if element.get("model") is not None and element.get("model") in models:
            # VIR_ERR_XML_DETAIL: no prefix
            raise LibvirtError(
                ErrorCode.XML_DETAIL, f"seclabel for model {label.model} is already provided"
            )
        models.append(element.get("model"))
        domain.seclabels.append(label)
    if len(seclabel_elements) > 1 and any(e.get("model") is None for e in seclabel_elements):
        # (measured: once every label is read)
        raise _xml_error("missing security model when using multiple labels")


# virDomainDefParseXML parses the devices of each kind in turn, in this order (the kinds the
# lab models); the others are refused as not modelled afterwards.
DEVICE_PARSE_ORDER = ("disk", "parallel", "serial", "console", "channel", "memory")
_Check = Callable[[], None]


def _parse_devices(root: ET.Element, domain: DomainDef) -> tuple[list[_Check], list[_Check], int]:
    """Parse the modelled devices in libvirt's order (so that the first error is libvirt's)
    and keep them in the document's order; the post-parse and validation checks to run, and
    the memory devices' size in KiB."""
    devices = root.find("devices")
    children = [] if devices is None else list(devices)
    post_parse: list[_Check] = []
    validate: list[_Check] = []
    parsed: dict[int, Disk | Chardev | MemoryDevice | None] = {}
    devices_kib = 0
    for tag in DEVICE_PARSE_ORDER:
        for index, element in enumerate(children):
            if element.tag != tag:
                continue
            if tag == "disk":
                disk = _disk(element)
                post_parse.append(functools.partial(_disk_post_parse, element, disk))
                validate.append(functools.partial(_validate_disk, disk))
                parsed[index] = disk
            elif tag == "memory":
                parsed[index] = _memory(element)
                devices_kib += _memory_device_size(element)
                validate.append(functools.partial(_validate_memory, element))
            else:
                parsed[index] = _chardev(element)
                validate.append(functools.partial(_validate_chardev, element))
    for element in children:
        if element.tag not in DEVICE_PARSE_ORDER:
            _refuse_unlabelled(element)
    for index in sorted(parsed):
        item = parsed[index]
        if isinstance(item, Disk):
            domain.disks.append(item)
        elif isinstance(item, Chardev):
            domain.chardevs.append(item)
        elif item is not None:
            domain.memories.append(item)
    return post_parse, validate, devices_kib


def parse_disk(text: str) -> Disk:
    """A ``<disk>`` element alone, as ``virsh attach-device`` passes it."""
    # libvirt: virDomainDeviceDefParse names the document "(device_definition)"
    root = parse_xml(text, url="(device_definition)")
    if root.tag != "disk":
        # libvirt hot-plugs other devices (qemu_hotplug.c) and refuses a name that is no
        # device type ("unknown device type"); the lab hot-plugs disks only.
        raise NotModelled(f"hotplug of <{local_name(root.tag)}>")
    disk = _disk(root)
    _disk_post_parse(root, disk)
    _validate_disk(disk)
    return disk


def add_disk(domain: DomainDef, disk: Disk) -> None:
    """Append a disk; a target already in use is libvirt's duplicate-target error."""
    existing = domain.disk(disk.target)
    if existing is not None:
        raise _xml_error(
            f"target '{disk.target}' duplicated for disk sources "
            f"'{existing.src.path or ''}' and '{disk.src.path or ''}'"
        )
    domain.disks.append(disk)


# -- formatting (virsh dumpxml): the modelled subset, in libvirt's layout ------------------------


_ESCAPES = {"<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;", "'": "&apos;"}
# A character _q changes: one it escapes, or a control character it drops.
_CHANGED_BY_Q = re.compile("[<>&\"'\x00-\x08\x0b\x0c\x0e-\x1f]")


def _q(value: str) -> str:
    """``virBufferEscapeString``: every attribute and text value libvirt formats.

    ``< > & " '`` become entities; control characters other than tab, newline and carriage
    return are dropped silently; everything else is copied as is (so a newline in an
    attribute comes back as a space, by XML's attribute-value normalization, as in libvirt).
    """
    if _CHANGED_BY_Q.search(value) is None:
        return value  # the common case: nothing to escape or drop
    return "".join(_ESCAPES.get(char, char) for char in value if char >= " " or char in "\t\n\r")


def _device_seclabel_lines(labels: tuple[DeviceSeclabel, ...], indent: str) -> list[str]:
    """``virSecurityDeviceLabelDefFormat``."""
    lines = []
    for label in labels:
        relabel = "yes" if label.relabel else "no"
        head = f"{indent}<seclabel model='{_q(label.model)}' relabel='{relabel}'"
        if label.label is None:
            lines.append(head + "/>")
        else:
            lines += [
                head + ">",
                f"{indent}  <label>{_q(label.label)}</label>",
                f"{indent}</seclabel>",
            ]
    return lines


def _seclabel_lines(label: SecLabel, *, inactive: bool) -> list[str]:
    """``virSecurityLabelDefFormat``."""
    head = f"  <seclabel type='{_q(label.type)}' model='{_q(label.model)}'"
    if label.type == "none":
        return [head + "/>"]
    head += f" relabel='{'yes' if label.relabel else 'no'}'"
    children = []
    if label.label is not None and (label.type != "dynamic" or not inactive):
        children.append(f"    <label>{_q(label.label)}</label>")
    if label.imagelabel is not None and not inactive:
        children.append(f"    <imagelabel>{_q(label.imagelabel)}</imagelabel>")
    if label.baselabel is not None and label.type == "dynamic":
        children.append(f"    <baselabel>{_q(label.baselabel)}</baselabel>")
    if not children:
        return [head + "/>"]
    return [head + ">", *children, "  </seclabel>"]


def _backing_lines(src: StorageSource | None, indent: str) -> list[str]:
    """``virDomainDiskBackingStoreFormat``, iteratively: opening lines down the chain, then
    the closing tags back up. A given chain that ends in nothing is ``<backingStore/>``."""
    if src is None:
        return [f"{indent}<backingStore/>"]
    opening: list[str] = []
    closing: list[str] = []
    node: StorageSource | None = src
    while node is not None:
        source = "<source/>" if node.path is None else f"<source file='{_q(node.path)}'/>"
        opening += [
            f"{indent}<backingStore type='file'>",
            *([f"{indent}  <format type='{_q(node.format)}'/>"] if node.format is not None else []),
            f"{indent}  {source}",
        ]
        closing.append(f"{indent}</backingStore>")
        indent += "  "
        node = node.backing
    return opening + closing[::-1]


def _driver_attrs(disk: Disk) -> str:
    policy = f" error_policy='{_q(disk.error_policy)}'" if disk.error_policy else ""
    return (f" type='{_q(disk.driver_type)}'" if disk.driver_type is not None else "") + policy


def _disk_lines(disk: Disk) -> list[str]:
    lines = [f"    <disk type='{_q(disk.type)}' device='{_q(disk.device)}'>"]
    if disk.driver_type is not None or disk.error_policy:
        lines.append(f"      <driver name='qemu'{_driver_attrs(disk)}/>")
    # libvirt: virDomainDiskSourceFormat writes <source> when it has an attribute or a child.
    if disk.src.path is not None or disk.src.seclabels:
        attr = "file" if disk.type == "file" else "dev"
        path = "" if disk.src.path is None else f" {attr}='{_q(disk.src.path)}'"
        source = f"      <source{path}"
        if disk.src.seclabels:
            lines += [
                source + ">",
                *_device_seclabel_lines(disk.src.seclabels, "        "),
                "      </source>",
            ]
        else:
            lines.append(source + "/>")
    if disk.backing_given:
        lines += _backing_lines(disk.src.backing, "      ")
    target = f"      <target dev='{_q(disk.target)}'"
    lines.append(target + (f" bus='{_q(disk.bus)}'/>" if disk.bus is not None else "/>"))
    if disk.readonly:
        lines.append("      <readonly/>")
    if disk.shareable:
        lines.append("      <shareable/>")
    lines.append("    </disk>")
    return lines


def _chardev_lines(chardev: Chardev) -> list[str]:
    head = f"    <{chardev.element} type='{_q(chardev.type)}'>"
    lines = [head]
    if chardev.path is not None or chardev.mode is not None or chardev.seclabels:
        mode = f" mode='{_q(chardev.mode)}'" if chardev.mode is not None else ""
        path = "" if chardev.path is None else f" path='{_q(chardev.path)}'"
        source = f"      <source{mode}{path}"
        if chardev.seclabels:
            lines += [
                source + ">",
                *_device_seclabel_lines(chardev.seclabels, "        "),
                "      </source>",
            ]
        else:
            lines.append(source + "/>")
    lines.append(f"    </{chardev.element}>")
    return lines


def _acpi_lines(os_def: OsDef) -> list[str]:
    if os_def.slic_table is None:
        return []
    return [
        "    <acpi>",
        f"      <table type='slic'>{_q(os_def.slic_table)}</table>",
        "    </acpi>",
    ]


def _memory_lines(memory: MemoryDevice) -> list[str]:
    return [
        f"    <memory model='{memory.model}'>",
        "      <source>",
        f"        <path>{_q(memory.path)}</path>",
        "      </source>",
        "      <target>",
        f"        <size unit='KiB'>{memory.size_kib}</size>",
        "      </target>",
        "    </memory>",
    ]


def _size_lines(domain: DomainDef) -> list[str]:
    """``virDomainDefFormatInternal``'s memory and vcpu lines."""
    current = domain.vcpus.current
    attr = f" current='{current}'" if current != domain.vcpus.maximum else ""
    return [
        f"  <memory unit='KiB'>{domain.memory.total_kib}</memory>",
        f"  <currentMemory unit='KiB'>{domain.memory.current_kib}</currentMemory>",
        f"  <vcpu placement='static'{attr}>{domain.vcpus.maximum}</vcpu>",
    ]


MACHINE_TYPE = "pc-q35-rhel9.2.0"  # the default host's (its profile's machine_type)


def format_domain(
    domain: DomainDef,
    *,
    domain_id: int | None = None,
    inactive: bool = False,
    machine: str = MACHINE_TYPE,
) -> str:
    """``virDomainDefFormat`` for the modelled subset: 2-space indent, ``'`` quoting."""
    id_attr = f" id='{domain_id}'" if domain_id is not None and not inactive else ""
    lines = [
        f"<domain type='{_q(domain.virt_type)}'{id_attr}>",
        f"  <name>{_q(domain.name)}</name>",
        f"  <uuid>{_q(domain.uuid)}</uuid>",
        *_size_lines(domain),
    ]
    os_children = [
        f"    <{tag}>{_q(value)}</{tag}>"
        for tag, value in (
            ("loader", domain.os.loader),
            ("nvram", domain.os.nvram),
            ("kernel", domain.os.kernel),
            ("initrd", domain.os.initrd),
            ("dtb", domain.os.dtb),
        )
        if value is not None
    ]
    os_children += _acpi_lines(domain.os)
    lines += [
        "  <os>",
        f"    <type arch='x86_64' machine='{machine}'>hvm</type>",
        *os_children,
        "  </os>",
    ]
    devices = [line for disk in domain.disks for line in _disk_lines(disk)]
    devices += [line for chardev in domain.chardevs for line in _chardev_lines(chardev)]
    devices += [line for memory in domain.memories for line in _memory_lines(memory)]
    lines += [
        "  <devices>",
        "    <emulator>/usr/libexec/qemu-kvm</emulator>",
        *devices,
        "  </devices>",
    ]
    for label in domain.seclabels:
        if inactive and label.implicit:
            continue
        lines += _seclabel_lines(label, inactive=inactive)
    lines.append("</domain>")
    return "\n".join(lines) + "\n"
