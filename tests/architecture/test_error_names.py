"""Each layer's error family has its own names: no two exception classes in pelorus/ or console/
share a name, so `except EngineError` can only mean one thing wherever a reader finds it."""

from __future__ import annotations

import ast
import builtins
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
_BUILTIN_EXCEPTIONS = {name for name, value in vars(builtins).items()
                       if isinstance(value, type) and issubclass(value, BaseException)}


def _base_name(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


def exception_classes(root: Path) -> dict[str, list[str]]:
    """Exception class name -> the modules defining one, over the project's own packages."""
    bases: dict[tuple[str, str], set[str]] = {}
    for path in sorted([*(root / "pelorus").rglob("*.py"), *(root / "console").rglob("*.py")]):
        relative = path.relative_to(root)
        if relative.parts[:2] == ("pelorus", "api"):
            continue  # generated code
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.ClassDef):
                bases[(str(relative), node.name)] = {_base_name(b) for b in node.bases}
    exceptions = set(_BUILTIN_EXCEPTIONS)
    grew = True
    while grew:  # a class is an exception when one of its bases is
        grew = False
        for (_, name), of in bases.items():
            if name not in exceptions and of & exceptions:
                exceptions.add(name)
                grew = True
    found: dict[str, list[str]] = defaultdict(list)
    for (module, name), of in bases.items():
        if of & exceptions:
            found[name].append(module)
    return found


def test_finds_both_error_families() -> None:
    found = exception_classes(ROOT)
    assert "pelorus/errors.py" in found["ClientError"]
    assert "pelorus/engine/errors.py" in found["EngineError"]
    assert "pelorus/errors.py" in found["NotFound"]  # a subclass, found through its base


def test_exception_class_names_are_distinct() -> None:
    clashes = {name: modules for name, modules in exception_classes(ROOT).items() if len(modules) > 1}
    assert not clashes, f"exception classes sharing a name across modules: {clashes}"
