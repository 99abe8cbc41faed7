"""The emulated userland: a small POSIX-sh subset and the commands it runs."""
