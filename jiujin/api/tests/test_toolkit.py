"""The API toolkit (jiujin.core.api) is the ground floor: one error schema, and no arrow back from the apps.

Imports are read from the source with ast, so lazy imports inside functions count; only those under
`if TYPE_CHECKING:` do not.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

from jiujin.api.api import api

ROOT = Path(__file__).resolve().parents[2]  # the jiujin package
ERROR_REF = "#/components/schemas/Detail"
# Who may import jiujin.api: the URLconf mounts it; the access walk tests every operation of the assembled API.
MAY_IMPORT_THE_API = {"urls.py", "core/tests/test_access_walk.py"}
# What the toolkit may stand on: no feature app, not even cadres.
TOOLKIT_FLOOR = ("jiujin.core", "jiujin.lib", "jiujin.orgs", "jiujin.accounts", "jiujin.audit")


def _imports(path: Path) -> Iterator[str]:
    """Every module `path` imports, at the top or inside functions, except type-only imports."""
    package = ".".join(("jiujin", *path.relative_to(ROOT).parent.parts))
    return _imports_in(path.read_text(encoding="utf-8"), package)


def _imports_in(source: str, package: str) -> Iterator[str]:
    tree = ast.parse(source)
    type_only = {
        id(node)
        for block in ast.walk(tree)
        if isinstance(block, ast.If) and "TYPE_CHECKING" in ast.unparse(block.test)
        for stmt in block.body
        for node in ast.walk(stmt)
    }
    for node in ast.walk(tree):
        if id(node) in type_only:
            continue
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{parent}.{base}" if base else parent
            yield base
            yield from (f"{base}.{alias.name}" for alias in node.names)


def _sources() -> Iterator[tuple[str, Path]]:
    for path in sorted(ROOT.rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        if "/migrations/" not in rel:
            yield rel, path


def _names_the_api(module: str) -> bool:
    return module == "jiujin.api" or module.startswith("jiujin.api.")


def test_it_reads_lazy_imports_and_skips_type_only_ones() -> None:
    source = (
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from jiujin.visits.models import VisitTask\n"
        "def f():\n    from jiujin.api.api import api\n    from .paging import MAX_PAGE\n"
    )
    found = set(_imports_in(source, "jiujin.core"))

    assert "jiujin.api.api" in found
    assert "jiujin.core.paging" in found
    assert not any(m.startswith("jiujin.visits") for m in found)


def test_it_has_no_module_outside_jiujin_api_import_it() -> None:
    offenders = [
        f"{rel}: {module}"
        for rel, path in _sources()
        if not rel.startswith("api/") and rel not in MAY_IMPORT_THE_API
        for module in _imports(path)
        if _names_the_api(module)
    ]

    assert offenders == []


def test_it_builds_the_toolkit_on_the_ground_floor_only() -> None:
    imported = {m for m in _imports(ROOT / "core" / "api.py") if m.startswith("jiujin.")}

    assert imported
    assert [m for m in imported if not m.startswith(TOOLKIT_FLOOR)] == []


@pytest.mark.parametrize(
    "app", ["cadres", "directory", "health", "plans", "servicerequests", "tasks", "visits", "volunteers"]
)
def test_it_builds_every_app_router_on_the_toolkit(app: str) -> None:
    assert "jiujin.core.api" in set(_imports(ROOT / app / "api.py"))


def test_it_defines_the_error_schema_once_in_the_source() -> None:
    definitions = [
        f"{rel}:{node.lineno}"
        for rel, path in _sources()
        if "/tests/" not in rel
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.ClassDef) and node.name == "Detail"
    ]

    assert [where.split(":")[0] for where in definitions] == ["core/api.py"]


def test_it_documents_one_error_schema_used_by_every_error_answer() -> None:
    schema = api.get_openapi_schema(path_prefix="/api/v1/")
    components = schema["components"]["schemas"]
    detail_shaped = [
        name for name, component in components.items() if set(component.get("properties", {})) == {"detail"}
    ]
    errors = {
        f"{method.upper()} {path} {status}": response["content"]["application/json"]["schema"]
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
        for status, response in operation["responses"].items()
        if int(status) >= 400
    }

    assert detail_shaped == ["Detail"]
    assert components["Detail"]["properties"]["detail"]["type"] == "string"
    assert len([e for e in errors if e.endswith(" 404")]) >= 15
    assert {where: ref for where, ref in errors.items() if ref != {"$ref": ERROR_REF}} == {}


def test_it_decides_masking_in_one_place() -> None:
    # Pages, API, exports and the import preview all ask cadres.masking.sees_full_numbers.
    askers = [
        rel
        for rel, path in _sources()
        if "/tests/" not in rel
        and rel not in {"cadres/masking.py", "accounts/models.py"}
        and any(
            ask in path.read_text(encoding="utf-8") for ask in ('can("view_sensitive")', "VIEW_SENSITIVE")
        )
    ]

    assert askers == []
