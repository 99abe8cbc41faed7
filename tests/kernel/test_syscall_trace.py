"""The kernel's fast paths change nothing but the time taken: the same system calls in the
same order, with the same arguments, faults hooks, walks, denials and results, as recorded
in ``syscall_trace.expected`` on the code before them (see :mod:`tests.kernel.syscall_trace`)."""

from __future__ import annotations

import difflib

from tests.kernel.syscall_trace import EXPECTED, render, traces


def test_the_kernel_is_asked_and_answers_as_recorded() -> None:
    expected = EXPECTED.read_text()
    actual = render(traces())
    if actual != expected:
        diff = difflib.unified_diff(
            expected.splitlines(), actual.splitlines(), "expected", "actual", lineterm="", n=2
        )
        raise AssertionError(
            "the system call trace changed. A change to the kernel must not change it; a change"
            " to its callers (libvirt, shell, scenarios) may: then record the trace afresh with"
            " that change but the kernel as it was (python -m tests.kernel.syscall_trace, see"
            " tests/kernel/syscall_trace.py), and check this test passes with the kernel as it"
            " is.\n" + "\n".join(list(diff)[:80])
        )
