"""libvirt's errors: a code whose prefix starts the message (``src/util/virerror.c``)."""

from __future__ import annotations

import enum

from simulator.errors import SeclabError
from simulator.kernel import errno_table


class ErrorCode(enum.Enum):
    """``virErrorNumber`` values the lab raises, with ``virErrorMsg``'s prefix."""

    INTERNAL_ERROR = "internal error: "
    OPERATION_INVALID = "Requested operation is not valid: "
    OPERATION_FAILED = "operation failed: "
    NO_DOMAIN = "Domain not found: "
    CONFIG_UNSUPPORTED = "unsupported configuration: "
    XML_ERROR = "XML error: "
    INVALID_ARG = "invalid argument: "
    NO_SUPPORT = "this function is not supported by the connection driver: "
    OPERATION_DENIED = "operation forbidden: "
    CONF_SYNTAX = "configuration file syntax error: "
    NO_NAME = "missing name information"
    SYSTEM_ERROR = ""
    MIGRATE_UNSAFE = "Unsafe migration: "
    OPERATION_UNSUPPORTED = "Operation not supported: "


class LibvirtError(SeclabError):
    """What ``virReportError`` reports; ``str()`` is the text virsh prints after ``error:``.

    ``code`` is ``virError.code``; ``domain`` the name of the domain the failed call was
    about (``virError.dom``), None for calls about none.
    """

    def __init__(self, code: ErrorCode, message: str, *, domain: str | None = None) -> None:
        super().__init__(code.value + message)
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
