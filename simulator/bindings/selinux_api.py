"""``import selinux`` on the lab: the python3-libselinux calls that Ansible and other tools
use, with the SWIG bindings' shapes (``[rc, context]`` pairs; ``OSError`` from errno on
failure, ``selinuxswig_python_exception.i``) and libselinux's semantics.

Calls act as the lab's root login shell, so the kernel's DAC and SELinux checks, audit
records and faults apply exactly as they do to ``chcon`` typed at the prompt.
"""

from __future__ import annotations

import errno as _errno
import os as _os
import stat as _stat
from typing import TYPE_CHECKING, Any, NoReturn

from simulator.errors import SeclabError
from simulator.kernel.lsm_selinux import SelinuxLsm
from simulator.selinux.context import SecurityContext
from simulator.selinux.file_contexts import restorecon_target
from simulator.system import libselinux

if TYPE_CHECKING:
    from simulator.host import Host

_hosts: list[Host] = []  # patched-in hosts, innermost last

# selinux/__init__.py (the SWIG module's constants used with selabel_open / restorecon)
SELABEL_CTX_FILE = 0
SELINUX_RESTORECON_RECURSE = 0x0004


class NotModelledError(NotImplementedError):
    """Part of libselinux's API the lab does not model: ``seclab: not modelled: ...``."""


def _not_modelled(what: str) -> NoReturn:
    raise NotModelledError(f"seclab: not modelled: selinux.{what}")


def _host() -> Host:
    if not _hosts:
        # Without a lab host there is no SELinux to talk to: what libselinux reports on a
        # system without selinuxfs.
        raise OSError(_errno.ENOENT, _os.strerror(_errno.ENOENT))
    return _hosts[-1]


def _lsm() -> SelinuxLsm | None:
    return libselinux.selinux_module(_host().kernel)


def _enabled_lsm() -> SelinuxLsm:
    lsm = _lsm()
    if lsm is None:
        raise OSError(_errno.ENOENT, _os.strerror(_errno.ENOENT))
    return lsm


def _path(path: str | bytes | _os.PathLike[str]) -> str:
    value = _os.fspath(path)
    return value.decode("utf-8", "surrogateescape") if isinstance(value, bytes) else value


# -- state -----------------------------------------------------------------------------------


def is_selinux_enabled() -> int:
    """1 when SELinux is enabled (selinuxfs mounted and a policy loaded)."""
    return 1 if _lsm() is not None else 0


def is_selinux_mls_enabled() -> int:
    return 1 if _lsm() is not None else 0  # the targeted policy is built with MLS (MCS)


def security_getenforce() -> int:
    return 1 if _enabled_lsm().selinux.enforcing else 0


def security_setenforce(value: int) -> int:
    """Writes /sys/fs/selinux/enforce: root (and the ``setenforce`` permission) only."""
    _enabled_lsm()
    host = _host()
    try:
        libselinux.security_setenforce(host.kernel, host.shell, bool(value))
    except OSError as error:
        raise _from_errno(error) from None
    return 0


def selinux_getpolicytype() -> list[Any]:
    _enabled_lsm()
    return [0, "targeted"]


def security_policyvers() -> int:
    """The kernel's policy version (``sestatus``: Max kernel policy version)."""
    _enabled_lsm()
    return 33


def selinux_getenforcemode() -> list[int]:
    """The mode ``/etc/selinux/config`` names: [0, 1|0|-1]; OSError when none is named."""
    host = _host()
    try:
        mode = libselinux.selinux_getenforcemode(host.kernel, host.shell)
    except OSError as error:
        raise _from_errno(error) from None
    if mode is None:
        raise OSError(_errno.EINVAL, _os.strerror(_errno.EINVAL))
    return [0, mode]


def security_check_context(context: str) -> int:
    """0 for a context the loaded policy knows, else OSError(EINVAL)."""
    lsm = _enabled_lsm()
    try:
        parsed = SecurityContext.parse(context)
    except SeclabError:
        raise OSError(_errno.EINVAL, _os.strerror(_errno.EINVAL)) from None
    if not lsm.selinux.policy.valid_context(parsed):
        raise OSError(_errno.EINVAL, _os.strerror(_errno.EINVAL))
    return 0


# -- file contexts ---------------------------------------------------------------------------


def _getcon(path: str, *, follow: bool) -> list[Any]:
    # getfilecon.c: the return value is strlen(context) + 1.
    host = _host()
    try:
        context = host.kernel.getfilecon(host.shell, _path(path), follow=follow)
    except OSError as error:
        raise _from_errno(error) from None
    except SeclabError:
        raise OSError(_errno.EOPNOTSUPP, _os.strerror(_errno.EOPNOTSUPP)) from None
    return [len(context) + 1, context]


def getfilecon(path: str) -> list[Any]:
    return _getcon(path, follow=True)


def lgetfilecon(path: str) -> list[Any]:
    return _getcon(path, follow=False)


def getfilecon_raw(path: str) -> list[Any]:
    return _getcon(path, follow=True)


def lgetfilecon_raw(path: str) -> list[Any]:
    return _getcon(path, follow=False)


def _setcon(path: str, context: str, *, follow: bool) -> int:
    host = _host()
    try:
        host.kernel.setfilecon(host.shell, _path(path), context, follow=follow)
    except OSError as error:
        raise _from_errno(error) from None
    return 0


def _from_errno(error: OSError) -> OSError:
    """``PyErr_SetFromErrno``: errno and its text, no file name (the SWIG typemaps)."""
    code = error.errno or _errno.EIO
    return OSError(code, _os.strerror(code))


def setfilecon(path: str, context: str) -> int:
    return _setcon(path, context, follow=True)


def lsetfilecon(path: str, context: str) -> int:
    return _setcon(path, context, follow=False)


def setfilecon_raw(path: str, context: str) -> int:
    return _setcon(path, context, follow=True)


def lsetfilecon_raw(path: str, context: str) -> int:
    return _setcon(path, context, follow=False)


def getcon() -> list[Any]:
    """The calling process's context: the lab's root login shell."""
    return [0, str(_host().shell.context)]


def getpidcon(pid: int) -> list[Any]:
    host = _host()
    try:
        return [0, str(host.process(pid).context)]
    except (KeyError, SeclabError):
        raise OSError(_errno.ESRCH, _os.strerror(_errno.ESRCH)) from None


_CLASSES = {
    _stat.S_IFREG: "file",
    _stat.S_IFDIR: "dir",
    _stat.S_IFLNK: "lnk_file",
    _stat.S_IFCHR: "chr_file",
    _stat.S_IFBLK: "blk_file",
    _stat.S_IFIFO: "fifo_file",
    _stat.S_IFSOCK: "sock_file",
}


def _lookup(path: str, mode: int) -> list[Any]:
    """``selabel_lookup``/``matchpathcon``: file_contexts, local rules first; ENOENT when
    nothing matches or the match is ``<<none>>``."""
    _enabled_lsm()
    tclass = _CLASSES.get(_stat.S_IFMT(mode)) if mode else None
    context = libselinux.matchpathcon(_host().kernel, _path(path), tclass)
    if context is None:
        raise OSError(_errno.ENOENT, _os.strerror(_errno.ENOENT))
    return [0, str(context)]


def matchpathcon(path: str, mode: int) -> list[Any]:
    return _lookup(path, mode)


class _SelabelHandle:
    """The handle ``selabel_open(SELABEL_CTX_FILE, None, 0)`` returns."""


def selabel_open(backend: int, options: Any, nopt: int) -> _SelabelHandle:
    if backend != SELABEL_CTX_FILE or options:
        _not_modelled(f"selabel_open backend {backend} with options")
    _enabled_lsm()
    return _SelabelHandle()


def selabel_lookup(handle: _SelabelHandle, key: str, type: int) -> list[Any]:
    return _lookup(key, type)


def selabel_lookup_raw(handle: _SelabelHandle, key: str, type: int) -> list[Any]:
    return _lookup(key, type)


def selabel_close(handle: _SelabelHandle) -> None:
    return None


def restorecon(
    path: str, recursive: bool = False, verbose: bool = False, force: bool = False
) -> None:
    """selinux/__init__.py ``restorecon``: selinux_restorecon with IGNORE_DIGEST|REALPATH.
    Without ``force`` only the type changes (restorecon without -F); customizable types
    are kept unless forced (selinux_restorecon.c restorecon_sb)."""
    if verbose:
        _not_modelled("restorecon(verbose=True)")
    host = _host()
    lsm = _enabled_lsm()
    kernel = host.kernel
    proc = host.shell
    real = kernel.realpath(proc, _path(path))
    pending = [real]
    steps = 0
    while pending:
        steps += 1
        if steps > 1_000_000:  # bounded like every walk in the lab
            raise OSError(_errno.ELOOP, _os.strerror(_errno.ELOOP))
        current_path = pending.pop()
        info = kernel.lstat(proc, current_path)
        default = libselinux.matchpathcon(kernel, current_path, info.kind.selinux_class)
        if default is not None:
            _restore_one(host, lsm, current_path, default, force=force)
        if recursive and info.kind.selinux_class == "dir":
            children = kernel.listdir(proc, current_path)
            base = current_path.rstrip("/")
            pending.extend(f"{base}/{child}" for child in reversed(children))


def _restore_one(
    host: Host, lsm: SelinuxLsm, path: str, default: SecurityContext, *, force: bool
) -> None:
    proc = host.shell
    try:
        current: SecurityContext | None = SecurityContext.parse(
            host.kernel.getfilecon(proc, path, follow=False)
        )
    except (OSError, SeclabError):
        current = None
    target = restorecon_target(current, default, lsm.selinux.policy.customizable, force=force)
    if target is not None and target != current:
        host.kernel.setfilecon(proc, path, str(target), follow=False)


def __getattr__(name: str) -> Any:
    if name.startswith("__"):
        raise AttributeError(name)

    def unmodelled(*args: Any, **kwargs: Any) -> NoReturn:
        _not_modelled(name)

    return unmodelled
