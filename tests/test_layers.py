"""The dependency rule, read from the source: entry points > skill.alexa > skill.stores > skill.core.

Every module under skill/ and lambda_function.py is parsed (ast, nothing is imported), and every import counts:
at the top, inside a function, under TYPE_CHECKING, or as importlib.import_module("a.literal.name"). A layer
may import its own package and the layers below it, never one above; skill.core also imports no Alexa SDK, AWS
or web library, so the rules stay testable and portable without them. skill.web and skill.local are sibling
entry points: neither imports the other; skill.console, the local console, is built from both.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

REPO = Path(__file__).resolve().parents[1]

# Package -> the skill packages it may import, besides its own. Every module must fall into one of these.
LAYERS = {
    "skill.core": (),
    "skill.stores": ("skill.core",),
    "skill.alexa": ("skill.core", "skill.stores"),
    "skill.web": ("skill.core", "skill.stores", "skill.alexa"),
    "skill.local": ("skill.core", "skill.stores", "skill.alexa"),
    # The console shows the offline runner's conversation on the endpoint's own Flask app: the one entry point
    # built from both, so neither of them has to import the other.
    "skill.console": ("skill.core", "skill.stores", "skill.alexa", "skill.web", "skill.local"),
}
ENTRY_POINTS = ("skill", "skill.__main__", "lambda_function")  # may import any layer
# Libraries skill.core must not import (top-level module names; "ask_sdk" covers every ask_sdk_* package).
KEPT_OUT_OF_CORE = ("ask_sdk", "boto3", "botocore", "flask", "werkzeug")


@dataclass(frozen=True)
class Import:
    module: str  # the importing module, e.g. skill.core.reminders
    path: str  # its file, relative to the repository
    line: int
    name: str  # what it imports, absolute: skill.alexa.services.api_client


def module_name(root: Path, path: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def sources(root: Path) -> Iterator[Path]:
    yield from sorted((root / "skill").rglob("*.py"))
    if (root / "lambda_function.py").is_file():
        yield root / "lambda_function.py"


def imports_of(root: Path, path: Path) -> Iterator[Import]:
    module = module_name(root, path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    where = str(path.relative_to(root))
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=where)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield Import(module, where, node.lineno, alias.name)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: from .x import y, from .. import z
                anchor = package.split(".")[:len(package.split(".")) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            if base != "skill":
                yield Import(module, where, node.lineno, base)
            else:  # "from skill import alexa" imports a layer: judge each name
                for alias in node.names:
                    yield Import(module, where, node.lineno, f"skill.{alias.name}" if alias.name != "*" else base)
        elif isinstance(node, ast.Call) and _is_import_call(node.func) and node.args \
                and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
            yield Import(module, where, node.lineno, node.args[0].value)


def _is_import_call(func: ast.expr) -> bool:
    name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
    return name in ("import_module", "__import__")


def layer_of(module: str) -> str | None:
    return next((layer for layer in LAYERS if module == layer or module.startswith(layer + ".")), None)


def broken_rule(found: Import) -> str | None:
    """Why `found` breaks the dependency rule, or None when it is allowed."""
    if found.module in ENTRY_POINTS:
        return None
    layer = layer_of(found.module)
    assert layer is not None, found.module  # violations() reports a module outside every layer on its own
    top = found.name.split(".")[0]
    if layer == "skill.core" and any(top == kept or top.startswith(kept + "_") for kept in KEPT_OUT_OF_CORE):
        return f"skill.core imports no Alexa SDK, AWS or web library ({', '.join(KEPT_OUT_OF_CORE)})"
    if top != "skill" or found.name == "skill":
        return None
    target = layer_of(found.name)
    if target == layer or target in LAYERS[layer]:
        return None
    allowed = ", ".join((layer, *LAYERS[layer]))
    return f"{layer} may import only {allowed}" + (f", not {target}" if target else f", not {found.name}")


def violations(root: Path) -> list[str]:
    """One line per import that breaks the rule (the module, the import and the rule), and one per module that is
    in no layer, so a new folder cannot slip past the rule."""
    found: list[str] = []
    for path in sources(root):
        module = module_name(root, path)
        if module not in ENTRY_POINTS and layer_of(module) is None:
            found.append(f"{path.relative_to(root)}: {module} is in no layer: put it in one of {', '.join(LAYERS)} "
                         "(tests/test_layers.py)")
            continue
        found += [f"{each.path}:{each.line}: {module} imports {each.name}: {rule}"
                  for each in imports_of(root, path) for rule in [broken_rule(each)] if rule is not None]
    return found


def test_every_module_keeps_the_dependency_rule():
    found = violations(REPO)
    assert found == [], "imports that break the layer rule:\n" + "\n".join(found)


def test_the_rule_sees_every_module_it_should():
    """The check reads the real tree: each layer holds modules, and the SDK imports it allows are seen."""
    modules = {module_name(REPO, path) for path in sources(REPO)}
    for layer in LAYERS:
        assert any(layer_of(module) == layer for module in modules), layer
    seen = {found.name for path in sources(REPO) for found in imports_of(REPO, path)}
    assert any(name.startswith("ask_sdk_core.") for name in seen)


def write(root: Path, relative: str, text: str) -> None:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def test_the_check_fails_on_each_kind_of_violation(tmp_path):
    """The control: a small tree breaking each rule once, imports hidden in functions and relative forms too."""
    write(tmp_path, "skill/__init__.py", "")
    write(tmp_path, "skill/core/rules.py", "from typing import Any\n\n"
                                           "def later():\n    from ask_sdk_core.exceptions import ApiClientException\n")
    write(tmp_path, "skill/core/data.py", "import importlib\nimportlib.import_module('boto3')\n")
    write(tmp_path, "skill/core/speech.py", "from ..alexa import turn\nfrom .. import web\n")
    write(tmp_path, "skill/stores/sqlite.py", "from skill.core import content\nimport skill.local.talk\n")
    write(tmp_path, "skill/alexa/app.py", "from skill.stores import sqlite\n\n"
                                          "def f():\n    from skill.web import app\n")
    write(tmp_path, "skill/web/app.py", "from skill.alexa import app\nfrom skill.local import talk\n")
    write(tmp_path, "skill/extra/thing.py", "import json\n")
    write(tmp_path, "lambda_function.py", "from skill.web.app import app\n")

    found = violations(tmp_path)

    assert found == [
        "skill/alexa/app.py:4: skill.alexa.app imports skill.web: skill.alexa may import only skill.alexa, "
        "skill.core, skill.stores, not skill.web",
        "skill/core/data.py:2: skill.core.data imports boto3: skill.core imports no Alexa SDK, AWS or web library "
        "(ask_sdk, boto3, botocore, flask, werkzeug)",
        "skill/core/rules.py:4: skill.core.rules imports ask_sdk_core.exceptions: skill.core "
        "imports no Alexa SDK, AWS or web library (ask_sdk, boto3, botocore, flask, werkzeug)",
        "skill/core/speech.py:1: skill.core.speech imports skill.alexa: skill.core may import only skill.core, "
        "not skill.alexa",
        "skill/core/speech.py:2: skill.core.speech imports skill.web: skill.core may import only skill.core, "
        "not skill.web",
        "skill/extra/thing.py: skill.extra.thing is in no layer: put it in one of skill.core, skill.stores, "
        "skill.alexa, skill.web, skill.local, skill.console (tests/test_layers.py)",
        "skill/stores/sqlite.py:2: skill.stores.sqlite imports skill.local.talk: skill.stores may import only "
        "skill.stores, skill.core, not skill.local",
        "skill/web/app.py:2: skill.web.app imports skill.local: skill.web may import only skill.web, "
        "skill.core, skill.stores, skill.alexa, not skill.local",
    ]
