"""The house's layout rules that a reader would otherwise have to trust (style.md).

Views and the API orchestrate and never import each other: what both need lives in queries.py
(reads) and services.py (writes).
"""

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src" / "wuxiao"


def _modules(kind: str) -> list[Path]:
    found = []
    for path in SRC.rglob("*.py"):
        parts = path.relative_to(SRC).parts
        name = path.stem
        in_package = any(p == kind or p.startswith(f"{kind}_") for p in parts[:-1])
        if name == kind or name.startswith(f"{kind}_") or in_package:
            found.append(path)
    return found


def _imported(path: Path) -> set[str]:
    """Every module name `path` imports, relative imports resolved against its package."""
    package = ".".join(("wuxiao", *path.relative_to(SRC).parent.parts))
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package.rsplit(".", node.level - 1)[0] if node.level else ""
            module = ".".join(filter(None, [base, node.module or ""]))
            names.add(module)
            names.update(f"{module}.{alias.name}" for alias in node.names)
    return names


def _is(module: str, kind: str) -> bool:
    """Whether `module` is (or is inside) a `kind` module of ours: wuxiao.x.views_lists, wuxiao.x.api.y."""
    return module.startswith("wuxiao.") and any(
        part == kind or part.startswith(f"{kind}_") for part in module.split(".")[1:])


def test_the_modules_are_found():
    assert SRC / "entries" / "api.py" in _modules("api") or (SRC / "entries" / "api").is_dir()
    assert SRC / "entries" / "views_lists.py" in _modules("views")


def test_the_api_never_imports_a_view_module():
    offenders = {str(p.relative_to(SRC)): sorted(m for m in _imported(p) if _is(m, "views"))
                 for p in _modules("api")}
    assert {k: v for k, v in offenders.items() if v} == {}


def test_views_never_import_the_api():
    allowed = {"wuxiao.api_messages", "wuxiao.common.api_auth"}  # texts and token helpers, not endpoints
    offenders = {str(p.relative_to(SRC)): sorted(m for m in _imported(p) if _is(m, "api") and m not in allowed)
                 for p in _modules("views")}
    assert {k: v for k, v in offenders.items() if v} == {}
