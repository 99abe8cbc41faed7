"""``import libvirt`` on the lab: the libvirt-python surface management code uses, on the
lab's daemon. Names, signatures, return shapes and exceptions follow libvirt-python
(``libvirt-override.c`` and the generated ``libvirt.py``); codes and error domains follow
``include/libvirt/virterror.h``; messages are the ones virsh prints after ``error:``.

Anything of libvirt-python the lab does not model raises :class:`libvirtError` whose message
starts ``seclab: not modelled:`` (code ``VIR_ERR_NO_SUPPORT``), never a silent default.
"""

from __future__ import annotations

import uuid as _uuid
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, NoReturn

from simulator.errors import NotModelled, SeclabError
from simulator.libvirt.domain_xml import DomainDef, format_domain, parse_disk
from simulator.libvirt.virerror import ErrorCode, LibvirtError
from simulator.system.profiles import DEFAULT_PROFILE, get_profile

if TYPE_CHECKING:
    from simulator.host import Host
    from simulator.libvirt.qemu_driver import Daemon
    from simulator.libvirt.virdomainobjlist import Domain

# -- constants (include/libvirt/virterror.h, libvirt-domain.h, libvirt-host.h) -----------------

VIR_ERR_OK = 0
VIR_ERR_INTERNAL_ERROR = 1
VIR_ERR_NO_SUPPORT = 3
VIR_ERR_NO_CONNECT = 5
VIR_ERR_INVALID_CONN = 6
VIR_ERR_INVALID_DOMAIN = 7
VIR_ERR_INVALID_ARG = 8
VIR_ERR_OPERATION_FAILED = 9
VIR_ERR_NO_NAME = 21
VIR_ERR_XML_ERROR = 27
VIR_ERR_DOM_EXIST = 28
VIR_ERR_OPERATION_DENIED = 29
VIR_ERR_CONF_SYNTAX = 33
VIR_ERR_SYSTEM_ERROR = 38
VIR_ERR_NO_DOMAIN = 42
VIR_ERR_OPERATION_INVALID = 55
VIR_ERR_CONFIG_UNSUPPORTED = 67

VIR_FROM_NONE = 0
VIR_FROM_XML = 5
VIR_FROM_RPC = 7
VIR_FROM_CONF = 9
VIR_FROM_QEMU = 10
VIR_FROM_REMOTE = 13
VIR_FROM_DOMAIN = 20
VIR_FROM_SECURITY = 24

VIR_DOMAIN_NOSTATE = 0
VIR_DOMAIN_RUNNING = 1
VIR_DOMAIN_BLOCKED = 2
VIR_DOMAIN_PAUSED = 3
VIR_DOMAIN_SHUTDOWN = 4
VIR_DOMAIN_SHUTOFF = 5
VIR_DOMAIN_CRASHED = 6
VIR_DOMAIN_PMSUSPENDED = 7

VIR_DOMAIN_RUNNING_UNKNOWN = 0
VIR_DOMAIN_RUNNING_BOOTED = 1
VIR_DOMAIN_SHUTOFF_UNKNOWN = 0

VIR_CONNECT_RO = 1

VIR_CONNECT_LIST_DOMAINS_ACTIVE = 1
VIR_CONNECT_LIST_DOMAINS_INACTIVE = 2
VIR_CONNECT_LIST_DOMAINS_PERSISTENT = 4
VIR_CONNECT_LIST_DOMAINS_TRANSIENT = 8
VIR_CONNECT_LIST_DOMAINS_RUNNING = 16
VIR_CONNECT_LIST_DOMAINS_PAUSED = 32
VIR_CONNECT_LIST_DOMAINS_SHUTOFF = 64
VIR_CONNECT_LIST_DOMAINS_OTHER = 128

VIR_DOMAIN_XML_SECURE = 1
VIR_DOMAIN_XML_INACTIVE = 2
VIR_DOMAIN_XML_UPDATE_CPU = 4
VIR_DOMAIN_XML_MIGRATABLE = 8

VIR_DOMAIN_AFFECT_CURRENT = 0
VIR_DOMAIN_AFFECT_LIVE = 1
VIR_DOMAIN_AFFECT_CONFIG = 2

VIR_DOMAIN_NONE = 0
VIR_DOMAIN_START_PAUSED = 1
VIR_DOMAIN_DESTROY_DEFAULT = 0
VIR_DOMAIN_UNDEFINE_MANAGED_SAVE = 1
VIR_DOMAIN_UNDEFINE_SNAPSHOTS_METADATA = 2
VIR_DOMAIN_UNDEFINE_NVRAM = 4
VIR_DOMAIN_UNDEFINE_KEEP_NVRAM = 8
VIR_DOMAIN_UNDEFINE_CHECKPOINTS_METADATA = 16
VIR_DOMAIN_UNDEFINE_TPM = 32
VIR_DOMAIN_UNDEFINE_KEEP_TPM = 64

# ``virGetVersion``/``getLibVersion`` give major * 1,000,000 + minor * 1,000: the host
# profile's figures (libvirt 9.5 and qemu-kvm 8.0 on the default EL9 host).
LIB_VERSION = get_profile(DEFAULT_PROFILE).libvirt_version_number
QEMU_VERSION = get_profile(DEFAULT_PROFILE).qemu_version_number


# virErrorNumber of each error the model raises (virterror.h).
_CODES = {
    ErrorCode.INTERNAL_ERROR: VIR_ERR_INTERNAL_ERROR,
    ErrorCode.OPERATION_INVALID: VIR_ERR_OPERATION_INVALID,
    ErrorCode.OPERATION_FAILED: VIR_ERR_OPERATION_FAILED,
    ErrorCode.NO_DOMAIN: VIR_ERR_NO_DOMAIN,
    ErrorCode.CONFIG_UNSUPPORTED: VIR_ERR_CONFIG_UNSUPPORTED,
    ErrorCode.XML_ERROR: VIR_ERR_XML_ERROR,
    ErrorCode.INVALID_ARG: VIR_ERR_INVALID_ARG,
    ErrorCode.NO_SUPPORT: VIR_ERR_NO_SUPPORT,
    ErrorCode.OPERATION_DENIED: VIR_ERR_OPERATION_DENIED,
    ErrorCode.CONF_SYNTAX: VIR_ERR_CONF_SYNTAX,
    ErrorCode.NO_NAME: VIR_ERR_NO_NAME,
    ErrorCode.SYSTEM_ERROR: VIR_ERR_SYSTEM_ERROR,
    ErrorCode.NO_TARGET: ErrorCode.NO_TARGET.number,
    ErrorCode.NO_SOURCE: ErrorCode.NO_SOURCE.number,
    ErrorCode.XML_DETAIL: ErrorCode.XML_DETAIL.number,
}

# The part of libvirt that reports each code in the paths the lab models: XML parsing is
# virxml.c/domain_conf.c, labelling is src/security, the rest the QEMU driver.
_DOMAINS = {
    ErrorCode.XML_ERROR: VIR_FROM_DOMAIN,
    ErrorCode.XML_DETAIL: VIR_FROM_DOMAIN,
    ErrorCode.NO_TARGET: VIR_FROM_DOMAIN,
    ErrorCode.NO_SOURCE: VIR_FROM_DOMAIN,
    ErrorCode.CONF_SYNTAX: VIR_FROM_CONF,
    ErrorCode.SYSTEM_ERROR: VIR_FROM_SECURITY,
}


class libvirtError(Exception):
    """libvirt-python's exception: ``str()`` is the message; the accessors give the rest."""

    def __init__(self, defmsg: str, code: int = VIR_ERR_INTERNAL_ERROR, domain: int = 0) -> None:
        super().__init__(defmsg)
        self._message = defmsg
        self._code = code
        self._domain = domain
        self.err = (code, domain, defmsg, 2, None, None, None, -1, -1)

    def get_error_code(self) -> int:
        return self._code

    def get_error_domain(self) -> int:
        return self._domain

    def get_error_message(self) -> str:
        return self._message

    def get_error_level(self) -> int:
        return 2  # VIR_ERR_ERROR

    def get_str1(self) -> str | None:
        return None

    def get_str2(self) -> str | None:
        return None

    def get_str3(self) -> str | None:
        return None

    def get_int1(self) -> int:
        return -1

    def get_int2(self) -> int:
        return -1


def _from_model(error: LibvirtError) -> libvirtError:
    # A daemon that died mid-call is an RPC end of file on the client (virnetsocket.c).
    if "End of file while reading data" in str(error):
        return libvirtError(str(error), VIR_ERR_SYSTEM_ERROR, VIR_FROM_RPC)
    return libvirtError(
        str(error), _CODES.get(error.code, VIR_ERR_INTERNAL_ERROR), _DOMAINS.get(error.code, 10)
    )


def _not_modelled(what: str) -> NoReturn:
    raise libvirtError(f"seclab: not modelled: {what}", VIR_ERR_NO_SUPPORT, VIR_FROM_NONE)


class _Calls:
    """Every daemon call goes through here: model errors become libvirtError."""

    def __init__(self, host: Host) -> None:
        self.host = host

    def daemon(self) -> Daemon:
        daemon = self.host.libvirt  # socket activation, as the client's connect does
        daemon.notice_dead_processes()
        return daemon

    def call(self, function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        try:
            return function(*args, **kwargs)
        except LibvirtError as error:
            raise _from_model(error) from None
        except NotModelled as error:
            raise libvirtError(
                f"seclab: not modelled: {error}", VIR_ERR_NO_SUPPORT, VIR_FROM_NONE
            ) from None
        except SeclabError as error:
            raise libvirtError(f"internal error: {error}", VIR_ERR_INTERNAL_ERROR) from None


# -- the connection and the library functions ------------------------------------------------

_hosts: list[Host] = []  # the lab hosts patched in, innermost last


def _current_host() -> Host:
    if not _hosts:
        raise libvirtError(
            "Failed to connect socket to '/var/run/libvirt/virtqemud-sock': "
            "No such file or directory",
            VIR_ERR_SYSTEM_ERROR,
            VIR_FROM_RPC,
        )
    return _hosts[-1]


_URIS = (None, "", "qemu:///system")


def open(name: str | None = None) -> virConnect:
    """``libvirt.open(uri)``: only the local system QEMU driver exists on the lab host."""
    return _connect(name, readonly=False)


def openReadOnly(name: str | None = None) -> virConnect:
    return _connect(name, readonly=True)


def openAuth(uri: str | None, auth: Any, flags: int = 0) -> virConnect:
    if flags & ~VIR_CONNECT_RO:
        _not_modelled(f"openAuth flags {flags}")
    return _connect(uri, readonly=bool(flags & VIR_CONNECT_RO))


def _connect(uri: str | None, *, readonly: bool) -> virConnect:
    if uri not in _URIS:
        if str(uri).startswith("qemu:///session"):
            _not_modelled("qemu:///session connections")
        _not_modelled(f"connections to {uri}")
    return virConnect(_Calls(_current_host()), readonly=readonly)


def getVersion(name: str | None = None) -> int:
    return _hosts[-1].profile.libvirt_version_number if _hosts else LIB_VERSION


def __getattr__(name: str) -> Any:
    """Any other part of libvirt-python: a loud refusal when used, never a silent default."""
    if name.startswith("__"):
        raise AttributeError(name)
    if name.startswith("VIR_"):
        raise AttributeError(f"seclab: not modelled: libvirt.{name}")

    def unmodelled(*args: Any, **kwargs: Any) -> NoReturn:
        _not_modelled(f"libvirt.{name}")

    return unmodelled


class _Unmodelled:
    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)

        def unmodelled(*args: Any, **kwargs: Any) -> NoReturn:
            _not_modelled(f"{type(self).__name__}.{name}")

        return unmodelled


class virConnect(_Unmodelled):
    def __init__(self, calls: _Calls, *, readonly: bool) -> None:
        self._calls = calls
        self._readonly = readonly
        self._closed = False

    # -- helpers -------------------------------------------------------------------------------

    def _daemon(self) -> Daemon:
        if self._closed:
            raise libvirtError("invalid connection pointer in virConnect", VIR_ERR_INVALID_CONN)
        return self._calls.call(self._calls.daemon)  # type: ignore[no-any-return]

    def _writable(self, api: str) -> None:
        # libvirt.c: every API that changes state refuses a read-only connection.
        if self._readonly:
            raise libvirtError(
                "operation forbidden: read only access prevents " + api,
                VIR_ERR_OPERATION_DENIED,
                VIR_FROM_NONE,
            )

    def _domain(self, model: Domain) -> virDomain:
        return virDomain(self, model.definition.uuid, model.name)

    def _domains(self) -> list[Domain]:
        return list(self._daemon().sorted_domains())

    # -- the API -------------------------------------------------------------------------------

    def close(self) -> int:
        self._closed = True
        return 0

    def isAlive(self) -> int:
        return 0 if self._closed else 1

    def isReadOnly(self) -> int:
        return 1 if self._readonly else 0

    def getURI(self) -> str:
        return "qemu:///system"

    def getType(self) -> str:
        return "QEMU"

    def getHostname(self) -> str:
        host = self._calls.host
        return host.kernel.read_file(host.shell, "/etc/hostname").decode().strip()

    def getLibVersion(self) -> int:
        return self._calls.host.profile.libvirt_version_number

    def getVersion(self) -> int:
        return self._calls.host.profile.qemu_version_number

    def getInfo(self) -> list[Any]:
        _not_modelled("virConnect.getInfo (host CPU and memory)")

    def getFreeMemory(self) -> int:
        _not_modelled("virConnect.getFreeMemory (host memory)")

    def defineXML(self, xml: str) -> virDomain:
        self._writable("virDomainDefineXML")
        daemon = self._daemon()
        return self._domain(self._calls.call(daemon.define, xml))

    def defineXMLFlags(self, xml: str, flags: int = 0) -> virDomain:
        if flags:
            _not_modelled(f"virDomainDefineXMLFlags flags {flags}")
        return self.defineXML(xml)

    def createXML(self, xmlDesc: str, flags: int = 0) -> virDomain:
        if flags:
            _not_modelled(f"virDomainCreateXML flags {flags}")
        self._writable("virDomainCreateXML")
        daemon = self._daemon()
        return self._domain(self._calls.call(daemon.create, xmlDesc))

    def lookupByName(self, name: str) -> virDomain:
        # qemu_driver.c qemuDomainLookupByName
        for domain in self._domains():
            if domain.name == name:
                return self._domain(domain)
        raise libvirtError(
            f"Domain not found: no domain with matching name '{name}'",
            VIR_ERR_NO_DOMAIN,
            VIR_FROM_QEMU,
        )

    def lookupByUUIDString(self, uuidstr: str) -> virDomain:
        # qemu_driver.c qemuDomainLookupByUUID (virUUIDParse accepts any case and dashes)
        try:
            wanted = str(_uuid.UUID(uuidstr))
        except ValueError:
            raise libvirtError(
                "invalid argument: uuidstr in virDomainLookupByUUIDString must be a valid UUID",
                VIR_ERR_INVALID_ARG,
                VIR_FROM_DOMAIN,
            ) from None
        for domain in self._domains():
            if domain.definition.uuid == wanted:
                return self._domain(domain)
        raise libvirtError(
            f"Domain not found: no domain with matching uuid '{wanted}'",
            VIR_ERR_NO_DOMAIN,
            VIR_FROM_QEMU,
        )

    def lookupByUUID(self, uuid: bytes) -> virDomain:
        return self.lookupByUUIDString(str(_uuid.UUID(bytes=bytes(uuid))))

    def lookupByID(self, id: int) -> virDomain:
        for domain in self._domains():
            if domain.active and domain.id == id:
                return self._domain(domain)
        raise libvirtError(
            f"Domain not found: no domain with matching id {id}", VIR_ERR_NO_DOMAIN, VIR_FROM_QEMU
        )

    def listDomainsID(self) -> list[int]:
        return [d.id for d in self._domains() if d.active and d.id is not None]

    def listDefinedDomains(self) -> list[str]:
        return [d.name for d in self._domains() if not d.active]

    def numOfDomains(self) -> int:
        return len(self.listDomainsID())

    def numOfDefinedDomains(self) -> int:
        return len(self.listDefinedDomains())

    def listAllDomains(self, flags: int = 0) -> list[virDomain]:
        # virConnectListAllDomains: each pair of filter groups selects when either bit is set.
        modelled = (
            VIR_CONNECT_LIST_DOMAINS_ACTIVE
            | VIR_CONNECT_LIST_DOMAINS_INACTIVE
            | VIR_CONNECT_LIST_DOMAINS_PERSISTENT
            | VIR_CONNECT_LIST_DOMAINS_TRANSIENT
            | VIR_CONNECT_LIST_DOMAINS_RUNNING
            | VIR_CONNECT_LIST_DOMAINS_PAUSED
            | VIR_CONNECT_LIST_DOMAINS_SHUTOFF
            | VIR_CONNECT_LIST_DOMAINS_OTHER
        )
        if flags & ~modelled:
            _not_modelled(f"listAllDomains flags {flags & ~modelled}")
        out = []
        for domain in self._domains():
            state = VIR_DOMAIN_RUNNING if domain.active else VIR_DOMAIN_SHUTOFF
            if not _selected(flags, 1, 2, domain.active):
                continue
            if not _selected(flags, 4, 8, domain.persistent):
                continue
            by_state = {
                VIR_DOMAIN_RUNNING: 16,
                VIR_DOMAIN_PAUSED: 32,
                VIR_DOMAIN_SHUTOFF: 64,
            }.get(state, 128)
            if flags & 0xF0 and not flags & by_state:
                continue
            out.append(self._domain(domain))
        return out


def _selected(flags: int, yes: int, no: int, value: bool) -> bool:
    if not flags & (yes | no):
        return True
    return bool(flags & yes) if value else bool(flags & no)


class virDomain(_Unmodelled):
    """A handle: like libvirt's, it names the domain by UUID and looks it up on every call."""

    def __init__(self, conn: virConnect, uuid: str, name: str) -> None:
        self._conn = conn
        self._uuid = uuid
        self._name = name

    def _model(self) -> Domain:
        for domain in self._conn._domains():
            if domain.definition.uuid == self._uuid:
                return domain
        # qemu_domain.c qemuDomainObjFromDomain
        raise libvirtError(
            f"Domain not found: no domain with matching uuid '{self._uuid}' ({self._name})",
            VIR_ERR_NO_DOMAIN,
            VIR_FROM_QEMU,
        )

    def _run(self, api: str, method: str, *args: Any, **kwargs: Any) -> Any:
        self._conn._writable(api)
        model = self._model()
        daemon = self._conn._daemon()
        return self._conn._calls.call(getattr(daemon, method), *args, **kwargs) or model

    def connect(self) -> virConnect:
        return self._conn

    def name(self) -> str:
        return self._name

    def UUIDString(self) -> str:
        return self._uuid

    def UUID(self) -> bytes:
        return _uuid.UUID(self._uuid).bytes

    def ID(self) -> int:
        model = self._model()
        return model.id if model.active and model.id is not None else -1

    def isActive(self) -> int:
        return 1 if self._model().active else 0

    def isPersistent(self) -> int:
        return 1 if self._model().persistent else 0

    def isUpdated(self) -> int:
        _not_modelled("virDomain.isUpdated")

    def autostart(self) -> int:
        self._model()
        return 0  # the lab has no autostart links; nothing can set one

    def setAutostart(self, autostart: int) -> int:
        _not_modelled("virDomain.setAutostart (autostart links)")

    def state(self, flags: int = 0) -> list[int]:
        # The lab's domains are running (booted) or shut off, as ``virsh domstate --reason``.
        if self._model().active:
            return [VIR_DOMAIN_RUNNING, VIR_DOMAIN_RUNNING_BOOTED]
        return [VIR_DOMAIN_SHUTOFF, VIR_DOMAIN_SHUTOFF_UNKNOWN]

    def _definition(self) -> DomainDef:
        """qemuDomainGetInfo and friends read the live definition of a running domain."""
        model = self._model()
        return model.live if model.active and model.live is not None else model.definition

    def info(self) -> list[int]:
        """``virDomainGetInfo``: [state, maxMem KiB, memory KiB, vCPUs, cpuTime ns], as
        ``virsh dominfo`` shows them (``<memory>``, ``<currentMemory>``, ``<vcpu current>``;
        1 GiB and one vCPU without them); the CPU time is 0."""
        state = self.state()[0]
        definition = self._definition()
        return [
            state,
            definition.total_memory_kib,
            definition.current_memory_kib,
            definition.vcpus_current,
            0,
        ]

    def maxMemory(self) -> int:
        """``virDomainGetMaxMemory``: the total memory in KiB."""
        return self._definition().total_memory_kib

    def maxVcpus(self) -> int:
        if not self._model().active:
            # qemu_driver.c qemuDomainGetMaxVcpus -> virDomainObjGetOneDef(flags=LIVE|MAXIMUM)
            raise libvirtError(
                "Requested operation is not valid: domain is not running",
                VIR_ERR_OPERATION_INVALID,
                VIR_FROM_QEMU,
            )
        return self._definition().vcpus_maximum

    def XMLDesc(self, flags: int = 0) -> str:
        if flags & ~(VIR_DOMAIN_XML_INACTIVE | VIR_DOMAIN_XML_SECURE):
            _not_modelled(f"virDomain.XMLDesc flags {flags}")
        model = self._model()
        machine = self._conn._calls.host.profile.machine_type
        if model.live is not None and not flags & VIR_DOMAIN_XML_INACTIVE:
            return format_domain(model.live, domain_id=model.id, machine=machine)
        return format_domain(model.definition, inactive=True, machine=machine)

    def create(self) -> int:
        return self.createWithFlags(0)

    def createWithFlags(self, flags: int = 0) -> int:
        if flags:
            _not_modelled(f"virDomain.createWithFlags flags {flags}")
        self._conn._writable("virDomainCreateWithFlags")
        model = self._model()
        if model.active:
            # qemu_driver.c qemuDomainCreateWithFlags
            raise libvirtError(
                "Requested operation is not valid: domain is already running",
                VIR_ERR_OPERATION_INVALID,
                VIR_FROM_QEMU,
            )
        daemon = self._conn._daemon()
        self._conn._calls.call(daemon.start, model)
        return 0

    def destroy(self) -> int:
        self._run("virDomainDestroy", "destroy", self._name)
        return 0

    def destroyFlags(self, flags: int = 0) -> int:
        if flags:
            _not_modelled(f"virDomain.destroyFlags flags {flags}")
        return self.destroy()

    def shutdown(self) -> int:
        self._run("virDomainShutdown", "shutdown", self._name)
        return 0

    def shutdownFlags(self, flags: int = 0) -> int:
        if flags:
            _not_modelled(f"virDomain.shutdownFlags flags {flags}")
        return self.shutdown()

    def suspend(self) -> int:
        return self._optional("virDomainSuspend", "suspend")

    def resume(self) -> int:
        return self._optional("virDomainResume", "resume")

    def _optional(self, api: str, method: str) -> int:
        daemon = self._conn._daemon()
        if not hasattr(daemon, method):
            _not_modelled(f"virDomain.{method}")
        self._run(api, method, self._name)
        return 0

    def undefine(self) -> int:
        self._run("virDomainUndefine", "undefine", self._name)
        return 0

    def undefineFlags(self, flags: int = 0) -> int:
        if flags:
            _not_modelled(f"virDomain.undefineFlags flags {flags}")
        return self.undefine()

    def attachDevice(self, xml: str) -> int:
        # libvirt.c virDomainAttachDevice: the live domain only.
        return self.attachDeviceFlags(xml, VIR_DOMAIN_AFFECT_LIVE)

    def detachDevice(self, xml: str) -> int:
        return self.detachDeviceFlags(xml, VIR_DOMAIN_AFFECT_LIVE)

    def _impact(self, flags: int) -> tuple[bool, bool]:
        """``virDomainObjUpdateModificationImpact``: CURRENT means live when running."""
        if flags & ~(VIR_DOMAIN_AFFECT_LIVE | VIR_DOMAIN_AFFECT_CONFIG):
            _not_modelled(f"device hotplug flags {flags}")
        model = self._model()
        live = bool(flags & VIR_DOMAIN_AFFECT_LIVE)
        config = bool(flags & VIR_DOMAIN_AFFECT_CONFIG)
        if not live and not config:
            live, config = model.active, not model.active
        if live and not model.active:
            raise libvirtError(
                "Requested operation is not valid: domain is not running",
                VIR_ERR_OPERATION_INVALID,
                VIR_FROM_DOMAIN,
            )
        if config and not model.persistent:
            raise libvirtError(
                "Requested operation is not valid: transient domains do not have any "
                "persistent config",
                VIR_ERR_OPERATION_INVALID,
                VIR_FROM_DOMAIN,
            )
        return live, config

    def attachDeviceFlags(self, xml: str, flags: int = 0) -> int:
        self._conn._writable("virDomainAttachDeviceFlags")
        live, config = self._impact(flags)
        disk = self._conn._calls.call(parse_disk, xml)
        daemon = self._conn._daemon()
        self._conn._calls.call(daemon.attach_disk, self._name, disk, live=live, config=config)
        return 0

    def detachDeviceFlags(self, xml: str, flags: int = 0) -> int:
        self._conn._writable("virDomainDetachDeviceFlags")
        live, config = self._impact(flags)
        disk = self._conn._calls.call(parse_disk, xml)
        daemon = self._conn._daemon()
        self._conn._calls.call(
            daemon.detach_disk, self._name, disk.target, live=live, config=config
        )
        return 0

    def securityLabel(self) -> list[Any]:
        """``virDomainGetSecurityLabel``: the primary driver's view of the qemu process
        (qemuDomainGetSecurityLabel; zeroed for an inactive domain)."""
        labels = self._labels()
        return labels[0] if labels else ["", 0]

    def securityLabelList(self) -> list[list[Any]]:
        """``virDomainGetSecurityLabelList``: one entry per driver of the stack, none when
        the domain is inactive (qemuDomainGetSecurityLabelList)."""
        return self._labels()

    def _labels(self) -> list[list[Any]]:
        model = self._model()
        if not model.active or model.pid is None:
            return []
        daemon = self._conn._daemon()
        host = self._conn._calls.host
        manager = daemon.manager
        if manager is None:
            return []
        out: list[list[Any]] = []
        for driver in manager.drivers:
            if driver.name == "selinux":
                # security_selinux.c virSecuritySELinuxGetProcessLabel: getpidcon_raw, and
                # enforcing from security_getenforce().
                context = host.process(model.pid).context
                out.append([str(context), 1 if daemon.ops().enforcing else 0])
            elif driver.name == "dac":
                # security_dac.c virSecurityDACGetProcessLabel: the domain's DAC seclabel,
                # else the process's own "+uid:+gid"; enforcing is left 0.
                live = model.live
                label = live.seclabel("dac") if live is not None else None
                if label is None:
                    proc = host.process(model.pid)
                    out.append([f"+{proc.uid}:+{proc.gid}", 0])
                else:
                    out.append([label.label or "", 0])
            else:
                out.append(["", 0])
        return out


def domains_of(conn: virConnect) -> Iterator[virDomain]:
    """All domains of a connection, in ``virsh list --all`` order (a convenience for tests)."""
    yield from conn.listAllDomains(0)
