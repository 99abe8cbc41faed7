"""The one exception hierarchy of seclab's model layers.

Simulated system calls fail with :class:`OSError` carrying a real ``errno``, as the kernel
would; everything else the model refuses is a :class:`SeclabError`.
"""

from __future__ import annotations


class SeclabError(Exception):
    """Root of every error the model raises on purpose."""


class InvalidArgument(SeclabError, ValueError):
    """A model API was called with a value it cannot accept (names the value)."""


class ContextError(InvalidArgument):
    """A string is not a valid SELinux security context or MLS/MCS level."""


class SnapshotError(SeclabError):
    """A saved state cannot be loaded back into a host."""


class NotModelled(SeclabError):
    """The lab does not model this (AppArmor, network disks, ...)."""


class NfsMountFailed(SeclabError):
    """mount.nfs could not mount an export (its message, without ``mount.nfs: ``)."""
