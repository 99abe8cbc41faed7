"""Domain XML: the modelled subset of ``src/conf/domain_conf.c``, parsed safely.

Untrusted XML goes through the standard library's expat parser after any document type
declaration is refused, so entity expansion (billion laughs) and external entities cannot
happen. Errors carry libvirt's texts; elements the lab does not model are ignored.
"""

from __future__ import annotations

import re
import uuid as uuid_module
import xml.etree.ElementTree as ET  # DTDs are refused before expat sees the text

import attrs

from simulator.errors import NotModelled
from simulator.libvirt.virerror import ErrorCode, LibvirtError

UUID_NAMESPACE = uuid_module.UUID("5d1e7a1b-5ec1-4ab0-9d1a-000000000001")
_DTD = re.compile(r"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
SECLABEL_TYPES = ("dynamic", "static", "none")
SECLABEL_MODELS = ("selinux", "dac")

# Disk types libvirt accepts (virDomainDiskDef) that the lab has no storage model for.
UNMODELLED_DISK_TYPES = ("network", "dir", "volume", "nvme", "vhostuser", "vhostvdpa")


def _xml_error(message: str) -> LibvirtError:
    return LibvirtError(ErrorCode.XML_ERROR, message)


@attrs.define
class SecLabel:
    """A domain-level ``<seclabel>``; ``label``/``imagelabel`` are filled in by GenLabel."""

    model: str
    type: str
    relabel: bool
    label: str | None = None
    imagelabel: str | None = None
    baselabel: str | None = None
    implicit: bool = False


@attrs.frozen
class DeviceSeclabel:
    """A per-device ``<seclabel>``: only ``relabel`` and ``<label>`` are supported."""

    model: str
    relabel: bool
    label: str | None = None


@attrs.frozen
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
        return next((s for s in self.seclabels if s.model == model), None)


@attrs.define
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


@attrs.define
class Chardev:
    element: str  # serial | console
    type: str  # file | pty | unix
    path: str | None = None
    mode: str | None = None
    seclabels: tuple[DeviceSeclabel, ...] = ()

    def seclabel(self, model: str) -> DeviceSeclabel | None:
        return next((s for s in self.seclabels if s.model == model), None)


@attrs.define
class OsDef:
    kernel: str | None = None
    initrd: str | None = None
    loader: str | None = None
    nvram: str | None = None


@attrs.define
class DomainDef:
    virt_type: str
    name: str
    uuid: str
    os: OsDef = attrs.field(factory=OsDef)
    disks: list[Disk] = attrs.field(factory=list)
    chardevs: list[Chardev] = attrs.field(factory=list)
    seclabels: list[SecLabel] = attrs.field(factory=list)

    def seclabel(self, model: str) -> SecLabel | None:
        return next((s for s in self.seclabels if s.model == model), None)

    def disk(self, target: str) -> Disk | None:
        return next((d for d in self.disks if d.target == target), None)


def parse_xml(text: str) -> ET.Element:
    """Well-formed XML without any DTD, or ``XML error: ...`` with line and column."""
    match = _DTD.search(text)
    if match:
        line = text.count("\n", 0, match.start()) + 1
        raise _xml_error(f"document type declarations are not allowed: line {line}")
    try:
        return ET.fromstring(text)  # noqa: S314 - no DTD can reach expat
    except ET.ParseError as error:
        raise _xml_error(str(error)) from None


def _yes_no(value: str | None, default: bool) -> bool:
    if value is None:
        return default
    if value not in ("yes", "no"):
        raise _xml_error(f"invalid security relabel value {value}")
    return value == "yes"


def _device_seclabels(parent: ET.Element) -> tuple[DeviceSeclabel, ...]:
    out = []
    for element in parent.findall("seclabel"):
        model = element.get("model", "selinux")
        relabel = _yes_no(element.get("relabel"), True)
        label = element.findtext("label")
        if relabel is False and label is not None:
            raise _xml_error("Cannot specify a label if relabelling is turned off.")
        out.append(DeviceSeclabel(model, relabel, label))
    return tuple(out)


def _seclabel(element: ET.Element, *, live: bool = False) -> SecLabel:
    """``virSecurityLabelDefParseXML`` and its checks (libvirt.md 3.3)."""
    model = element.get("model", "selinux")
    baselabel = element.findtext("baselabel")
    # No type: the driver's default decides at GenLabel time; a baselabel means dynamic.
    type_ = element.get("type") or ("dynamic" if baselabel is not None else "default")
    if type_ not in (*SECLABEL_TYPES, "default"):
        raise _xml_error(f"invalid security type '{type_}'")
    relabel_text = element.get("relabel")
    relabel = _yes_no(relabel_text, type_ in ("dynamic", "default"))
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
        label=label if type_ == "static" or live else None,
        imagelabel=element.findtext("imagelabel") if live else None,
        baselabel=baselabel,
    )


def _backing(element: ET.Element | None) -> StorageSource | None:
    """``<backingStore type='file'><format type='qcow2'/><source file='...'/>...``"""
    if element is None or element.find("source") is None:
        return None
    source = element.find("source")
    assert source is not None
    fmt = element.find("format")
    return StorageSource(
        path=source.get("file") or source.get("dev"),
        format=None if fmt is None else fmt.get("type"),
        backing=_backing(element.find("backingStore")),
    )


def _disk(element: ET.Element) -> Disk:
    type_ = element.get("type", "file")
    if type_ in UNMODELLED_DISK_TYPES:
        raise NotModelled(f"disk type '{type_}'")
    if type_ not in ("file", "block"):
        raise _xml_error(f"unknown disk type '{type_}'")
    device = element.get("device", "disk")
    if device not in ("disk", "cdrom"):
        raise _xml_error(f"unknown disk device '{device}'")
    source = element.find("source")
    path = None if source is None else source.get("file" if type_ == "file" else "dev")
    target = element.find("target")
    if target is None or not target.get("dev"):
        raise _xml_error(f"missing target information for device {path or ''}".rstrip())
    driver = element.find("driver")
    driver_type = None if driver is None else driver.get("type")
    backing_element = element.find("backingStore")
    src = StorageSource(
        path=path,
        format=driver_type,
        backing=_backing(backing_element),
        seclabels=() if source is None else _device_seclabels(source),
    )
    return Disk(
        type=type_,
        device=device,
        target=target.get("dev", ""),
        src=src,
        bus=target.get("bus"),
        driver_type=driver_type,
        readonly=element.find("readonly") is not None or device == "cdrom",
        shareable=element.find("shareable") is not None,
        backing_given=backing_element is not None,
    )


def _chardev(element: ET.Element) -> Chardev:
    type_ = element.get("type", "pty")
    source = element.find("source")
    return Chardev(
        element=element.tag,
        type=type_,
        path=None if source is None else source.get("path"),
        mode=None if source is None else source.get("mode"),
        seclabels=() if source is None else _device_seclabels(source),
    )


def parse_domain(text: str, *, live: bool = False) -> DomainDef:
    """A domain definition from XML, or the :class:`LibvirtError` libvirt would report.

    ``live`` keeps generated labels (``<label>``, ``<imagelabel>``), as status files do.
    """
    return domain_from_element(parse_xml(text), live=live)


def domain_from_element(root: ET.Element, *, live: bool = False) -> DomainDef:
    if root.tag != "domain":
        raise _xml_error(f"expecting root element of 'domain', not '{root.tag}'")
    virt_type = root.get("type")
    if virt_type is None:
        raise _xml_error("missing domain type attribute")
    if virt_type not in ("kvm", "qemu"):
        raise LibvirtError(ErrorCode.INTERNAL_ERROR, f"invalid domain type {virt_type}")
    name = (root.findtext("name") or "").strip()
    if not name:
        raise LibvirtError(ErrorCode.NO_NAME, "")
    if "/" in name:
        raise _xml_error(f"name {name} cannot contain '/'")
    uuid_text = root.findtext("uuid")
    if uuid_text is None:
        uuid = str(uuid_module.uuid5(UUID_NAMESPACE, name))
    else:
        try:
            uuid = str(uuid_module.UUID(uuid_text.strip()))
        except ValueError:
            raise LibvirtError(ErrorCode.INTERNAL_ERROR, "malformed uuid element") from None
    os_element = root.find("os")
    os_def = OsDef()
    if os_element is not None:
        os_def = OsDef(
            kernel=os_element.findtext("kernel"),
            initrd=os_element.findtext("initrd"),
            loader=os_element.findtext("loader"),
            nvram=os_element.findtext("nvram"),
        )
    domain = DomainDef(virt_type=virt_type, name=name, uuid=uuid, os=os_def)
    devices = root.find("devices")
    if devices is not None:
        for element in devices:
            if element.tag == "disk":
                add_disk(domain, _disk(element))
            elif element.tag in ("serial", "console"):
                domain.chardevs.append(_chardev(element))
    models: list[str] = []
    for element in root.findall("seclabel"):
        label = _seclabel(element, live=live)
        if label.model in models:
            raise _xml_error(f"seclabel for model {label.model} is already provided")
        models.append(label.model)
        domain.seclabels.append(label)
    return domain


def parse_disk(text: str) -> Disk:
    """A ``<disk>`` element alone, as ``virsh attach-device`` passes it."""
    root = parse_xml(text)
    if root.tag != "disk":
        raise _xml_error(f"expecting root element of 'disk', not '{root.tag}'")
    return _disk(root)


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


def _q(value: str) -> str:
    """libvirt escapes attribute and text values (``virBufferEscapeString``)."""
    return (
        value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("'", "&apos;")
    )


def _device_seclabel_lines(labels: tuple[DeviceSeclabel, ...], indent: str) -> list[str]:
    """``virSecurityDeviceLabelDefFormat``."""
    lines = []
    for label in labels:
        head = (
            f"{indent}<seclabel model='{label.model}' relabel='{'yes' if label.relabel else 'no'}'"
        )
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
    head = f"  <seclabel type='{label.type}' model='{label.model}'"
    if label.type == "none":
        return [head + "/>"]
    head += f" relabel='{'yes' if label.relabel else 'no'}'"
    children = []
    if label.label and (label.type != "dynamic" or not inactive):
        children.append(f"    <label>{_q(label.label)}</label>")
    if label.imagelabel and not inactive:
        children.append(f"    <imagelabel>{_q(label.imagelabel)}</imagelabel>")
    if label.baselabel and label.type == "dynamic":
        children.append(f"    <baselabel>{_q(label.baselabel)}</baselabel>")
    if not children:
        return [head + "/>"]
    return [head + ">", *children, "  </seclabel>"]


def _backing_lines(src: StorageSource | None, indent: str) -> list[str]:
    if src is None or src.path is None:
        return []
    return [
        f"{indent}<backingStore type='file'>",
        *([f"{indent}  <format type='{src.format}'/>"] if src.format else []),
        f"{indent}  <source file='{_q(src.path)}'/>",
        *_backing_lines(src.backing, indent + "  "),
        f"{indent}</backingStore>",
    ]


def _disk_lines(disk: Disk) -> list[str]:
    lines = [f"    <disk type='{disk.type}' device='{disk.device}'>"]
    if disk.driver_type:
        lines.append(f"      <driver name='qemu' type='{disk.driver_type}'/>")
    if disk.src.path is not None:
        attr = "file" if disk.type == "file" else "dev"
        source = f"      <source {attr}='{_q(disk.src.path)}'"
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
    target = f"      <target dev='{disk.target}'"
    lines.append(target + (f" bus='{disk.bus}'/>" if disk.bus else "/>"))
    if disk.readonly:
        lines.append("      <readonly/>")
    if disk.shareable:
        lines.append("      <shareable/>")
    lines.append("    </disk>")
    return lines


def _chardev_lines(chardev: Chardev) -> list[str]:
    head = f"    <{chardev.element} type='{chardev.type}'>"
    lines = [head]
    if chardev.path is not None:
        mode = f" mode='{chardev.mode}'" if chardev.mode else ""
        source = f"      <source{mode} path='{_q(chardev.path)}'"
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
        f"<domain type='{domain.virt_type}'{id_attr}>",
        f"  <name>{_q(domain.name)}</name>",
        f"  <uuid>{domain.uuid}</uuid>",
    ]
    os_children = [
        f"    <{tag}>{_q(value)}</{tag}>"
        for tag, value in (
            ("loader", domain.os.loader),
            ("nvram", domain.os.nvram),
            ("kernel", domain.os.kernel),
            ("initrd", domain.os.initrd),
        )
        if value
    ]
    lines += [
        "  <os>",
        f"    <type arch='x86_64' machine='{machine}'>hvm</type>",
        *os_children,
        "  </os>",
    ]
    devices = [line for disk in domain.disks for line in _disk_lines(disk)]
    devices += [line for chardev in domain.chardevs for line in _chardev_lines(chardev)]
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
