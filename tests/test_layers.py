"""The package's layers (developers' brief, "Architecture"): each imports only from layers
above it, and the kernel knows nothing of libvirt or the installed system."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent / "simulator"
# Layer of each package; a module may import from its own layer or a lower number.
LAYERS = {
    "selinux": 1,
    "kernel": 2,
    "system": 3,
    "libvirt": 3,
    "shell": 4,
    "scenario": 5,
    # testing writes failing runs out as scenarios, so it sits on the scenario engine
    "testing": 6,
    "bindings": 5,
}
USERSPACE_WORDS = re.compile(r"virtqemud|qemu\.conf|libvirt", re.IGNORECASE)


def _modules(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


def _imports(path: Path) -> list[tuple[int, str]]:
    """Module-level and function-level imports, TYPE_CHECKING ones included."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
        elif isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
    return found


@pytest.mark.parametrize("package", sorted(p for p in LAYERS if (ROOT / p).is_dir()))
def test_no_import_runs_upward(package: str) -> None:
    upward = []
    for path in _modules(package):
        for line, module in _imports(path):
            parts = module.split(".")
            if parts[0] != "simulator" or len(parts) < 2 or parts[1] not in LAYERS:
                continue
            if LAYERS[parts[1]] > LAYERS[package] or (
                LAYERS[parts[1]] == LAYERS[package] and parts[1] != package and package != "libvirt"
            ):
                upward.append(f"{path.relative_to(ROOT)}:{line}: {module}")
    assert upward == []


def _code_strings(path: Path) -> list[tuple[int, str]]:
    """Identifiers and string constants outside docstrings: what the code does, not says."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr):
            value = body[0].value
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                docstrings.add(id(value))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            if id(node) not in docstrings:
                found.append((node.lineno, node.value))
        elif isinstance(node, ast.Name):
            found.append((node.lineno, node.id))
        elif isinstance(node, ast.Attribute):
            found.append((node.lineno, node.attr))
        elif isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            found.append((node.lineno, node.name))
    return found


def test_the_kernel_knows_nothing_of_libvirt() -> None:
    """issue 16: ``grep -ri 'virtqemud\\|qemu.conf\\|libvirt' simulator/kernel`` finds only
    comments and docstrings."""
    hits = [
        f"{path.relative_to(ROOT)}:{line}: {text!r}"
        for path in _modules("kernel")
        for line, text in _code_strings(path)
        if USERSPACE_WORDS.search(text)
    ]
    assert hits == []
