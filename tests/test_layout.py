"""The package's shape: no import cycle (imports inside functions and under TYPE_CHECKING
count too), and no resource package importing another (what they share lives outside them)."""

from __future__ import annotations

import ast
from pathlib import Path

import chancy_web

ROOT = Path(chancy_web.__file__).parent
#: The packages that each serve one resource. (`audit` is not among them: every mutation
#: writes its entry through `audit.recording`.)
RESOURCES = {"jobs", "queues", "workers", "crons", "workflows", "metrics", "system", "prometheus"}


def _modules() -> dict[str, Path]:
    found = {}
    for path in ROOT.rglob("*.py"):
        if "static" in path.parts:
            continue
        parts = ("chancy_web", *path.relative_to(ROOT).with_suffix("").parts)
        name = ".".join(parts).removesuffix(".__init__")
        found[name] = path
    return found


def _imports() -> dict[str, set[str]]:
    modules = _modules()
    edges: dict[str, set[str]] = {}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
        targets: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join([*parts, *([base] if base else [])])
                for alias in node.names:
                    full = f"{base}.{alias.name}"
                    targets.add(full if full in modules else base)
            elif isinstance(node, ast.Import):
                targets |= {alias.name for alias in node.names}
        edges[name] = {t for t in targets if t in modules and t != name}
    return edges


def test_chancy_web_has_no_import_cycle():
    edges = _imports()
    done: set[str] = set()

    def visit(module: str, path: list[str]) -> None:
        for target in sorted(edges[module]):
            assert target not in path, " -> ".join([*path[path.index(target) :], target])
            if target not in done:
                visit(target, [*path, target])
        done.add(module)

    for module in sorted(edges):
        visit(module, [module])


def _area(module: str) -> str:
    return module.split(".")[1] if module.count(".") else ""


def test_no_resource_package_imports_another():
    crossing = sorted(
        f"{source} -> {target}"
        for source, targets in _imports().items()
        for target in targets
        if _area(source) in RESOURCES
        and _area(target) in RESOURCES
        and _area(source) != _area(target)
    )
    assert crossing == []
