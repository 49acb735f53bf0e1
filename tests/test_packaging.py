"""The project's shape: one dependency list mirrored for conda, imports flowing one way."""

from __future__ import annotations

import ast
import re
import tomllib
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("geodata", "events", "dashboard")
#: What each package may import from the project (dashboard -> events -> geodata).
ALLOWED = {"geodata": set(), "events": {"geodata"}, "dashboard": {"events", "geodata"}}


def _requirements(specs: list[str]) -> dict[str, str]:
    out = {}
    for spec in specs:
        m = re.match(r"^\s*([A-Za-z0-9_.\-]+)(?:\[[^\]]*\])?\s*(.*)$", spec)
        assert m, spec
        out[m.group(1).lower().replace("_", "-")] = m.group(2).replace(" ", "")
    return out


def test_environment_yml_mirrors_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    extras = project["optional-dependencies"]
    wanted = _requirements(project["dependencies"] + extras["team"] + extras["test"])
    # conda-forge splits dask[distributed] into two packages.
    wanted["distributed"] = wanted["dask"]
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    listed: list[str] = []
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            listed += [d for d in dep["pip"] if not d.startswith("-e")]
        elif not dep.startswith(("python", "pip")) or dep.startswith("python-"):
            listed.append(dep)
    assert _requirements(listed) == wanted


def _project_imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found & set(PACKAGES)


@pytest.mark.parametrize("package", PACKAGES)
def test_imports_flow_dashboard_events_geodata(package):
    for path in sorted((ROOT / package).rglob("*.py")):
        bad = _project_imports(path) - ALLOWED[package] - {package}
        assert not bad, f"{path.relative_to(ROOT)} imports {sorted(bad)}"


def test_streamlit_only_in_page_and_ui():
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if path.is_relative_to(ROOT / "dashboard" / "ui"):
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"))
            names = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
            names |= {n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
            assert not any(n.split(".")[0] == "streamlit" for n in names), (
                f"{path.relative_to(ROOT)} imports Streamlit outside dashboard/ui"
            )


def test_no_module_imports_another_modules_private_names():
    """A name starting with "_" is private to its module; sharing it needs a public name."""
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
            for node in ast.walk(tree):
                if isinstance(node, ast.ImportFrom) and node.module and node.level == 0 and (
                        node.module.split(".")[0] in PACKAGES):
                    private = [a.name for a in node.names if a.name.startswith("_")]
                    assert not private, (
                        f"{path.relative_to(ROOT)} imports {private} from {node.module}")
