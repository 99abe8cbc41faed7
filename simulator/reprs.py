"""The ``repr`` attrs would generate, worked out when asked instead of compiled when the class
is made: attrs compiles each generated method from source at import, and a one-scenario run
is mostly imports (issue 15), while a ``repr`` is wanted only by someone debugging or reading a
failed assertion."""

from __future__ import annotations

import attrs

_IN_PROGRESS: set[int] = set()  # objects being printed: a cycle prints "..." (as attrs does)


def attrs_repr(self: object) -> str:
    """``Name(field=value, ...)`` over the fields that ask for a repr, as attrs' own
    ``__repr__`` prints it. Use as ``__repr__ = attrs_repr`` in an attrs class body."""
    if id(self) in _IN_PROGRESS:
        return "..."
    _IN_PROGRESS.add(id(self))
    try:
        cls = type(self)
        assert attrs.has(cls)
        shown = ", ".join(
            f"{field.name}={getattr(self, field.name)!r}"
            for field in attrs.fields(cls)
            if field.repr
        )
        return f"{cls.__qualname__.rsplit('>.', 1)[-1]}({shown})"
    finally:
        _IN_PROGRESS.discard(id(self))
