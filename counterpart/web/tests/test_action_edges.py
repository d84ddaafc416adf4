"""Every domain action is reachable by the person who takes it: each is called from a web view, an API
router or an import kind, or is listed below as deliberately internal, with the reason (issue 18).

An action is a public function of an app's ``services`` module (or package), or of another action
module listed below, whose first parameter is ``actor``. "Called from" is read from the source: a
call by that name in a module of ``counterpart/web``, ``counterpart/api/routers`` or
``counterpart/intake`` (the import kinds and the intake's own services).
"""

import ast
import importlib
import inspect
import pkgutil
from pathlib import Path

import counterpart

ROOT = Path(counterpart.__file__).resolve().parent
EDGE_DIRS = ("web", "api/routers", "intake")

# Actions no user takes through a page, an endpoint or a file, and why.
INTERNAL: dict[str, str] = {
    "areas_check": "not an action: the policy asked for each area a people action's record reaches",
    "persons_identity_rekey": "key rotation: the operator's `counterpart identity-rekey` command",
    "api_token_create": "tokens are issued by the operator's `counterpart api-token` command",
    "api_token_revoke": "tokens are revoked by the operator in the Django admin",
    "area_create": "GB/T 2260 reference data: the operator adds a missing area in the Django admin",
    "areas_upsert": "GB/T 2260 reference data and its history: the division commands and the demo load it",
    "china_division_load": "GB/T 2260 reference data: the `counterpart divisions-load` command",
    "benefits_record_bulk": "the demo's and synthetic data's bulk loader; users record benefits one by one",
    "iati_publisher_set": "the IATI exporter's publisher setting, from the `counterpart iati` command",
    "user_deactivate": "security: called by the login receivers (too many failures), not by a person",
    "user_sessions_end": "security: called by the login receivers (a password change), not by a person",
    "project_approve": "a name for one step of project_transition, which the web page and the API call",
    "project_start": "a name for one step of project_transition, which the web page and the API call",
    "project_complete": "a name for one step of project_transition, which the web page and the API call",
    "project_accept": "a name for one step of project_transition, which the web page and the API call",
}

# Actions not yet reachable by the person who takes them, each with the part of issue 18 that makes it
# so: listed so that this test holds the line against new gaps meanwhile; an entry whose action has
# become reachable fails the last test, so the list only shrinks. Empty since issue 18: keep it so.
PENDING: dict[str, str] = {}


# Action modules outside an app's ``services``: the projects app's village advancement, kept beside it.
OTHER_ACTION_MODULES = ("counterpart.projects.villages",)


def _service_modules() -> list[str]:
    names = list(OTHER_ACTION_MODULES)
    for app in sorted(p.name for p in ROOT.iterdir() if p.is_dir() and not p.name.startswith("_")):
        if (ROOT / app / "services.py").exists():
            names.append(f"counterpart.{app}.services")
        elif (ROOT / app / "services" / "__init__.py").exists():
            package = importlib.import_module(f"counterpart.{app}.services")
            names += [f"{package.__name__}.{m.name}" for m in pkgutil.iter_modules(package.__path__)]
    return names


def domain_actions() -> dict[str, str]:
    """name → module of every public function whose first parameter is ``actor``."""
    actions = {}
    for module_name in _service_modules():
        module = importlib.import_module(module_name)
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if name.startswith("_") or function.__module__ != module_name:
                continue
            parameters = list(inspect.signature(function).parameters)
            if parameters[:1] == ["actor"]:
                actions[name] = module_name
    return actions


def edge_calls() -> set[str]:
    """The names called anywhere in the edges' source (``f(...)`` and ``x.f(...)``), and the names handed
    to a call to be called there (``_draw(request, payload, key, ledger_spend)``)."""
    called: set[str] = set()
    for directory in EDGE_DIRS:
        for path in (ROOT / directory).rglob("*.py"):
            if "tests" in path.relative_to(ROOT).parts:
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Call):
                    function = node.func
                    if isinstance(function, ast.Name):
                        called.add(function.id)
                    elif isinstance(function, ast.Attribute):
                        called.add(function.attr)
                    called.update(argument.id for argument in node.args if isinstance(argument, ast.Name))
    return called


def test_the_collector_finds_the_actions() -> None:
    actions = domain_actions()
    # A few every version of the code has: the collector is not silently finding nothing.
    assert {"ledger_commit", "ledger_reverse", "household_status_set", "village_component_update"} <= set(actions)
    assert "ledger_target" not in actions  # public, but not an action: its first parameter is not ``actor``


def test_every_domain_action_has_a_page_an_endpoint_or_an_import_kind() -> None:
    called = edge_calls()
    unreachable = sorted(
        f"{name} ({module})"
        for name, module in domain_actions().items()
        if name not in called and name not in INTERNAL and name not in PENDING
    )
    assert unreachable == [], (
        "These actions have neither a web page, an API endpoint nor an import kind: add one, or list "
        "the action in INTERNAL with the reason no user takes it"
    )


def test_the_lists_name_only_actions_that_need_the_exception() -> None:
    actions = domain_actions()
    called = edge_calls()
    stale = sorted(name for name in {**INTERNAL, **PENDING} if name not in actions)
    assert stale == [], "listed, but not an action (renamed or removed?)"
    now_reachable = sorted(name for name in {**INTERNAL, **PENDING} if name in called)
    assert now_reachable == [], "reachable now: remove them from the list"
