"""The module registry: each module's declared seam agrees with what the code and the lint say."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

import pytest

from sen.ledger.modules import MODULES
from sen.ledger.modules.base import Action, AnyAction, GenesisContext
from sen.ledger.types import ChainParams

PYPROJECT = Path(__file__).resolve().parents[4] / "pyproject.toml"
PACKAGE = "sen.ledger.modules."
IGNORED_IMPORT = re.compile(
    r"^sen\.ledger\.modules\.([a-z_]+)\.\*\* -> sen\.ledger\.modules\.([a-z_]+)\.\*\*$"
)


def modules_contract() -> dict[str, Any]:
    config = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))
    contracts = config["tool"]["importlinter"]["contracts"]
    (found,) = [c for c in contracts if c["id"] == "modules"]
    assert isinstance(found, dict)
    return found


def test_the_independence_contract_lists_every_registered_module() -> None:
    listed = modules_contract()["modules"]
    assert sorted(name.removeprefix(PACKAGE) for name in listed) == sorted(MODULES)


def test_every_module_folder_is_registered() -> None:
    """A module package that is not registered would escape the contract above: none may exist."""
    folder = Path(__file__).resolve().parents[4] / "src" / "sen" / "ledger" / "modules"
    packages = sorted(p.parent.name for p in folder.glob("*/__init__.py"))
    assert packages == sorted(MODULES)


def test_declared_dependencies_are_exactly_the_contracts_ignored_imports() -> None:
    ignored = set()
    for line in modules_contract()["ignore_imports"]:
        match = IGNORED_IMPORT.fullmatch(line)
        assert match is not None, f"not a module-to-module exception: {line}"
        ignored.add((match[1], match[2]))
    declared = {(m.name, needed) for m in MODULES.values() for needed in m.depends_on}
    assert declared == ignored


def test_dependencies_name_registered_modules_other_than_themselves() -> None:
    for module in MODULES.values():
        assert len(set(module.depends_on)) == len(module.depends_on), module.name
        for needed in module.depends_on:
            assert needed in MODULES and needed != module.name, (module.name, needed)


def test_every_action_is_registered_under_its_own_name_and_is_typed() -> None:
    for module in MODULES.values():
        for name, action in module.actions.items():
            assert isinstance(action, Action), f"{module.name}.{name}"
            assert action.name == name


@pytest.mark.parametrize("name", sorted(n for n, m in MODULES.items() if m.genesis is not None))
def test_a_genesis_hook_with_no_section_on_an_open_chain_writes_nothing(name: str) -> None:
    hook = MODULES[name].genesis
    assert hook is not None
    genesis = GenesisContext(ChainParams(chain_id="sen-test"), 1_767_225_600, 0, 0)
    assert hook(None, genesis) == []


def test_an_action_indexes_nothing_unless_it_declares_index_keys() -> None:
    action = MODULES["identity"].actions["deactivate"]
    assert isinstance(action, AnyAction)
    call = action.check({"name": "moet"}, ChainParams(chain_id="sen-test"))
    assert call.index_keys() == ()
    assert call.action is action
