"""The package's structure: one version, no import cycles, no imports hidden in functions.

The checker (``scripts/check-imports``) is tried on small packages planted in a temporary
folder, where the right answer is known, and then on rashomon itself.
"""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
import textwrap
from pathlib import Path
from types import ModuleType

import pytest

import rashomon
from rashomon._version import __version__

ROOT = Path(__file__).resolve().parents[1]
CHECKER = ROOT / "scripts" / "check-imports"
ALLOW_LIST = ROOT / "scripts" / "inner-imports.txt"
#: The folders whose modules must already be clean (the others are being cleaned up).
CLEAN = ("rashomon/__init__.py", "rashomon/_version.py", "rashomon/readers/", "rashomon/service/",
         "rashomon/render/__init__.py")


def _load_checker() -> ModuleType:
    loader = importlib.machinery.SourceFileLoader("check_imports", str(CHECKER))
    spec = importlib.util.spec_from_loader("check_imports", loader)
    assert spec is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["check_imports"] = module  # dataclasses look their module up while it runs
    loader.exec_module(module)
    return module


check_imports = _load_checker()


def _package(root: Path, files: dict[str, str]) -> Path:
    """Write a package ``pkg`` under ``root``: relative path -> source."""
    for name, source in files.items():
        path = root / "pkg" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(source), encoding="utf-8")
    return root


# -- the version ------------------------------------------------------------------------------


def test_the_version_is_the_one_in_pyproject() -> None:
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    project = pyproject.split("[project]", 1)[1].split("\n[", 1)[0]
    match = re.search(r'^version\s*=\s*"([^"]+)"', project, re.MULTILINE)
    assert match is not None, "pyproject.toml has no static [project] version"
    assert match.group(1) == __version__ == rashomon.__version__


def test_import_rashomon_is_light_and_its_lazy_names_resolve() -> None:
    code = (
        "import sys, rashomon\n"
        "heavy = [m for m in ('rashomon.reconcile', 'rashomon.corpus.api', 'torch', 'spacy')"
        " if m in sys.modules]\n"
        "assert not heavy, heavy\n"
        "from rashomon.corpus.api import Corpus\n"
        "assert rashomon.Corpus is Corpus and 'Corpus' in dir(rashomon)\n"
        "print('ok')\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60, cwd=ROOT)
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr
    with pytest.raises(AttributeError):
        _ = rashomon.no_such_name  # type: ignore[attr-defined]


# -- the checker on planted packages ------------------------------------------------------------


def test_a_planted_cycle_is_found_with_its_path(tmp_path: Path) -> None:
    root = _package(tmp_path, {
        "__init__.py": "",
        "a.py": "from pkg.b import thing\n",
        "b.py": "import pkg.c\nthing = 1\n",
        "c.py": "from . import a\n",  # relative: pkg.a, closing a -> b -> c -> a
        "d.py": "import pkg.a\n",  # imports into the cycle without being on it
    })
    findings = check_imports.check(root, "pkg", tmp_path / "none.txt")
    assert findings.cycles == [["pkg.a", "pkg.b", "pkg.c", "pkg.a"]]
    assert findings.failed
    text = check_imports.format_findings(findings, root, tmp_path / "none.txt")
    assert "pkg.a -> pkg.b -> pkg.c -> pkg.a" in text


def test_a_package_init_on_the_way_counts_but_not_ones_own(tmp_path: Path) -> None:
    root = _package(tmp_path, {
        "__init__.py": "",
        "a.py": "from pkg.sub.leaf import y\nz = 1\n",  # runs pkg/sub/__init__.py first
        "sub/__init__.py": "from pkg.sub.leaf import y\nfrom pkg.a import z\n",
        "sub/leaf.py": "from pkg.sub.other import w\ny = w\n",  # a sibling through its package
        "sub/other.py": "w = 1\n",
    })
    findings = check_imports.check(root, "pkg", tmp_path / "none.txt")
    assert findings.cycles == [["pkg.a", "pkg.sub", "pkg.a"]]


def test_imports_that_do_not_run_at_import_time_make_no_cycle(tmp_path: Path) -> None:
    root = _package(tmp_path, {
        "__init__.py": "",
        "a.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from pkg.b import B\n",
        "b.py": "from pkg import a\nB = 1\n",
        "c.py": "def f():\n    from pkg import d\n",
        "d.py": "import pkg.c\n",
    })
    allow = tmp_path / "allow.txt"
    allow.write_text("pkg.c -> pkg.d  # planted\n", encoding="utf-8")
    findings = check_imports.check(root, "pkg", allow)
    assert findings.cycles == [] and findings.inner == []
    assert not findings.failed


def test_a_planted_import_in_a_function_is_found_until_a_rule_allows_it(tmp_path: Path) -> None:
    root = _package(tmp_path, {
        "__init__.py": "",
        "heavy.py": "X = 1\n",
        "user.py": """\
            import json

            class Thing:
                def method(self):
                    from pkg.heavy import X
                    return X

            handler = lambda: __import__("json")  # not an import statement: not counted
            """,
    })
    allow = tmp_path / "allow.txt"
    findings = check_imports.check(root, "pkg", allow)
    assert [(s.module, s.function, s.target, s.line) for s in findings.inner] == [
        ("pkg.user", "Thing.method", "pkg.heavy", 5)
    ]
    text = check_imports.format_findings(findings, root, allow)
    assert "pkg/user.py" in text and "in Thing.method: pkg.heavy" in text

    allow.write_text("pkg.u* -> pkg.heavy  # planted: a heavy part\npkg.x -> y  # unused\n",
                     encoding="utf-8")
    findings = check_imports.check(root, "pkg", allow)
    assert findings.inner == [] and not findings.failed
    assert [rule.source for rule in findings.unused_rules] == ["pkg.x"]

    allow.write_text("pkg.user -> pkg.heavy\n", encoding="utf-8")  # no reason given
    findings = check_imports.check(root, "pkg", allow)
    assert findings.failed and "needs its reason" in findings.rule_errors[0]
    assert len(findings.inner) == 1  # a rule without a reason allows nothing


def test_the_command_fails_unless_asked_for_a_report(tmp_path: Path) -> None:
    root = _package(tmp_path, {"__init__.py": "", "a.py": "def f():\n    import os\n"})
    command = [sys.executable, str(CHECKER), "--root", str(root), "--package", "pkg"]
    strict = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert strict.returncode == 1 and "in f: os" in strict.stdout
    report = subprocess.run([*command, "--report"], capture_output=True, text=True, timeout=60)
    assert report.returncode == 0 and "in f: os" in report.stdout


def test_a_module_that_does_not_parse_is_reported_not_skipped(tmp_path: Path) -> None:
    root = _package(tmp_path, {"__init__.py": "", "broken.py": "def f(:\n"})
    findings = check_imports.check(root, "pkg", tmp_path / "none.txt")
    assert findings.failed and "pkg/broken.py: SyntaxError" in findings.unreadable[0]


# -- rashomon itself ----------------------------------------------------------------------------


def test_rashomon_has_no_import_cycle() -> None:
    findings = check_imports.check(ROOT, "rashomon", ALLOW_LIST)
    assert findings.cycles == [], check_imports.format_findings(findings, ROOT, ALLOW_LIST)
    assert findings.rule_errors == []


def test_the_cleaned_up_parts_hide_no_import_in_a_function() -> None:
    findings = check_imports.check(ROOT, "rashomon", ALLOW_LIST)
    hidden = [
        f"{site.path.relative_to(ROOT)}:{site.line} {site.function} -> {site.target}"
        for site in findings.inner
        if str(site.path.relative_to(ROOT)).startswith(CLEAN)
    ]
    assert hidden == []


def test_renderers_are_a_table_resolved_on_first_use() -> None:
    from rashomon.errors import RashomonError
    from rashomon.render import FORMATS, RENDERERS, _renderer
    from rashomon.render.markdown import render_markdown

    assert set(FORMATS) <= set(RENDERERS)
    assert _renderer("md") is _renderer("markdown") is render_markdown
    with pytest.raises(RashomonError) as refused:
        _renderer("pdf")
    assert refused.value.code == "E042"
    for target in RENDERERS.values():  # every entry names a module that exists
        module, _, function = target.partition(":")
        assert importlib.util.find_spec(module) is not None and function, target


def test_the_service_ui_and_api_share_a_lower_module() -> None:
    from rashomon.service import app, inputs, ui

    assert app.read_compare_body is inputs.read_compare_body is ui.read_compare_body
    assert app.submit_job is inputs.submit_job and app.ArticleIn is inputs.ArticleIn
    assert app.error_page is ui.error_page
