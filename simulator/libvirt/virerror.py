"""libvirt's errors: a code whose prefix starts the message (``src/util/virerror.c``)."""

from __future__ import annotations

import enum

from simulator.errors import SeclabError
from simulator.kernel import errno_table


class ErrorCode(enum.Enum):
    """``virErrorNumber`` values the lab raises: the number and ``virErrorMsg``'s prefix."""

    INTERNAL_ERROR = (1, "internal error: ")
    OPERATION_INVALID = (55, "Requested operation is not valid: ")
    OPERATION_FAILED = (9, "operation failed: ")
    NO_DOMAIN = (42, "Domain not found: ")
    CONFIG_UNSUPPORTED = (67, "unsupported configuration: ")
    XML_ERROR = (27, "XML error: ")
    INVALID_ARG = (8, "invalid argument: ")
    NO_SUPPORT = (3, "this function is not supported by the connection driver: ")
    OPERATION_DENIED = (29, "operation forbidden: ")
    CONF_SYNTAX = (33, "configuration file syntax error: ")
    NO_NAME = (21, "missing name information")
    # virErrorMsg: "missing target information for device %s" (without the info, no " %s")
    NO_TARGET = (20, "missing target information for device")
    # virErrorMsg: "missing source information for device %s"
    NO_SOURCE = (19, "missing source information for device")
    # virErrorMsg: "%s" (libxml2's message through catchXMLError, and domain_conf.c's details)
    XML_DETAIL = (35, "")
    SYSTEM_ERROR = (38, "")
    MIGRATE_UNSAFE = (81, "Unsafe migration: ")
    OPERATION_UNSUPPORTED = (84, "Operation not supported: ")

    @property
    def number(self) -> int:
        """``virErrorNumber``."""
        return self.value[0]

    @property
    def prefix(self) -> str:
        """What ``virErrorMsg`` puts before the message."""
        return self.value[1]


class LibvirtError(SeclabError):
    """What ``virReportError`` reports; ``str()`` is the text virsh prints after ``error:``.

    ``code`` is ``virError.code``; ``domain`` the name of the domain the failed call was
    about (``virError.dom``), None for calls about none.
    """

    def __init__(self, code: ErrorCode, message: str, *, domain: str | None = None) -> None:
        super().__init__(code.prefix + message)
        self.code = code
        self.message = message
        self.domain = domain


def system_error(code: int, message: str) -> LibvirtError:
    """``virReportSystemError``: the message, then ``: <strerror(errno)>``."""
    return LibvirtError(ErrorCode.SYSTEM_ERROR, f"{message}: {errno_table.strerror(code)}")


class DaemonCrashed(LibvirtError):
    """The daemon died in the middle of an operation (a fault step): no cleanup ran. The
    client sees its connection close (``virNetSocketReadWire``'s end of file)."""

    def __init__(self) -> None:
        super().__init__(
            ErrorCode.SYSTEM_ERROR, "End of file while reading data: Input/output error"
        )
