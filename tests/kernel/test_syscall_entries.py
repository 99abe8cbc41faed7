"""The checked-in system call wrappers (:mod:`simulator.kernel.syscall_entries`) are what
the generator writes for the calls as they are, and the kernel uses them: importing it
compiles no wrapper."""

from __future__ import annotations

from simulator.kernel import syscall_entries
from simulator.kernel.base import ENTRY_SOURCES, source_digest
from simulator.kernel.kernel import Kernel
from simulator.kernel.syscall_entries_gen import MODULE, render


def test_the_checked_in_wrappers_are_up_to_date() -> None:
    assert MODULE.read_text() == render(), (
        "simulator/kernel/syscall_entries.py is out of date: run"
        " PYTHONPATH=$PWD python -m simulator.kernel.syscall_entries_gen"
    )


def test_every_system_call_uses_its_checked_in_wrapper() -> None:
    assert ENTRY_SOURCES
    for qualname, source in ENTRY_SOURCES.items():
        assert syscall_entries.SOURCES[qualname] == source_digest(source), qualname
        name = qualname.rpartition(".")[2]
        wrapper = getattr(Kernel, name)
        assert wrapper.__code__.co_filename == syscall_entries.__file__, qualname
