"""No module imports a package above its own: the folder tree reads as the flow (docs/layout.md).

Bottom to top: vocabulary (word tables) < personas (generation) < retrieval (the store) < chat < eval (the
runner, question sets, metrics, reports) < usecases < webapp < cli (whose `personas app` starts the web app).
The checker is a leaf beside them: any layer from chat up may use it, and it imports nothing of ours but
vocabulary. Every import counts, at module level or inside a function, TYPE_CHECKING ones too. A package that
does not exist yet is skipped."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ORDER = ["vocabulary", "personas", "retrieval", "chat", "eval", "usecases", "webapp", "cli"]
LEAVES = {"checker": {"vocabulary"}}  # a leaf: what it may import
USERS_OF_LEAVES = {"checker": "chat"}  # the lowest layer that may import the leaf


def allowed(package: str) -> set[str]:
    if package in LEAVES:
        return set(LEAVES[package])
    below = set(ORDER[: ORDER.index(package)])
    for leaf, lowest in USERS_OF_LEAVES.items():
        if ORDER.index(package) >= ORDER.index(lowest):
            below.add(leaf)
    return below


def known_exceptions() -> set[tuple[str, str]]:
    """(importer module, imported package) that the layering does not allow yet. Until the checker leaves
    eval/ for checker/, the chat's faithfulness gate imports it from eval (chat/gate.py, lazily); the move
    removes this exception."""
    if (ROOT / "checker").is_dir():
        return set()
    return {("chat.gate", "eval")}


OURS = set(ORDER) | set(LEAVES)
PACKAGES = [p for p in [*ORDER, *LEAVES] if (ROOT / p / "__init__.py").is_file()]


def imports_of(path: Path) -> set[str]:
    """The top-level packages a module imports (absolute imports; relative ones stay in its own package)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found & OURS


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@pytest.mark.parametrize("package", PACKAGES)
def test_no_module_imports_a_package_above_its_own(package: str) -> None:
    ok = allowed(package) | {package}
    exceptions = known_exceptions()
    wrong = []
    for path in sorted((ROOT / package).rglob("*.py")):
        module = module_name(path)
        for imported in sorted(imports_of(path) - ok):
            if (module, imported) not in exceptions:
                wrong.append(f"{module} imports {imported}")
    assert not wrong, f"{package} may import only {sorted(allowed(package))}: " + "; ".join(wrong)


def test_the_app_shim_only_starts_the_web_app() -> None:
    assert imports_of(ROOT / "app.py") == {"webapp"}


def test_the_known_exceptions_still_exist() -> None:
    """An exception that is no longer needed is removed from the table, not kept as a hole in it."""
    for module, imported in known_exceptions():
        path = ROOT / (module.replace(".", "/") + ".py")
        assert imported in imports_of(path), f"{module} no longer imports {imported}: drop the exception"
