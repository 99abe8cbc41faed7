"""A running domain's status file, ``/run/libvirt/qemu/NAME.xml``: what a restarted daemon
reconnects from (``virDomainObjFormat``/``virDomainObjParseXML`` of
``src/conf/domain_conf.c``, with the QEMU driver's private data of ``qemu_domain.c``).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET  # status files are written by the daemon itself

import attrs

from simulator.libvirt.domain_xml import DomainDef, domain_from_element, format_domain, parse_xml
from simulator.libvirt.virdomainobjlist import Domain
from simulator.libvirt.virerror import ErrorCode, LibvirtError

STATUS = "/run/libvirt/qemu"  # cfg->stateDir


def status_path(name: str) -> str:
    """``virDomainConfigFile(cfg->stateDir, name)``."""
    return f"{STATUS}/{name}.xml"


@attrs.frozen
class Status:
    """What a status file says about a running domain."""

    live: DomainDef
    pid: int
    id: int
    reason: str
    remember_owner: bool
    namespaces: bool


def format_status(domain: Domain, machine: str) -> str:
    """The status file's text."""
    # libvirt: virDomainObjFormat
    assert domain.live is not None
    root = ET.Element(
        "domstatus", state="running", reason="booted", pid=str(domain.pid), id=str(domain.id)
    )
    # libvirt: qemuDomainObjPrivateXMLFormat
    if domain.remember_owner:
        ET.SubElement(root, "rememberOwner")
    if domain.namespaces:
        ET.SubElement(ET.SubElement(root, "namespaces"), "mount")
    text = ET.tostring(root, encoding="unicode").replace("</domstatus>", "")
    if text.endswith("/>"):
        text = text[:-2] + ">"
    body = format_domain(domain.live, domain_id=domain.id, machine=machine)
    return f"{text}\n{body}</domstatus>\n"


def parse_status(text: str) -> Status:
    """A status file's contents, or the error libvirt logs for it."""
    # libvirt: virDomainObjParseFile -> virDomainObjParseXML
    root = parse_xml(text)
    if root.tag != "domstatus":
        raise LibvirtError(
            ErrorCode.XML_ERROR, f"expecting root element of 'domstatus', not '{root.tag}'"
        )
    inner = root.find("domain")
    live = domain_from_element(root if inner is None else inner, live=True)
    pid = _status_number(root, "pid", "invalid pid")
    domain_id = _status_number(root, "id", "invalid domain id")
    # virDomainObjParseXML: the state reason the previous daemon recorded
    reason = root.get("reason", "")
    return Status(
        live=live,
        pid=pid,
        id=domain_id,
        reason=reason if reason in ("booted", "unpaused") else "unknown",
        # libvirt: qemuDomainObjPrivateXMLParse
        remember_owner=root.find("rememberOwner") is not None,
        namespaces=root.find("namespaces") is not None,
    )


def _status_number(root: ET.Element, name: str, error: str) -> int:
    """``virDomainObjParseXML``'s ``virXPathLong("string(./@pid)")`` and friends."""
    text = root.get(name, "0").strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 10:
        raise LibvirtError(ErrorCode.INTERNAL_ERROR, error)
    return int(text)
