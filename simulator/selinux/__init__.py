"""SELinux: contexts, MCS levels and categories, the policy and access decisions."""

from simulator.selinux.context import Level, MlsRange, SecurityContext, format_categories

__all__ = ["Level", "MlsRange", "SecurityContext", "format_categories"]
