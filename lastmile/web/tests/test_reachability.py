"""Every public service has a way in (issue M item 1; docs/architecture.md "every action has a door").

A public function of ``lastmile/<app>/services.py`` or ``lastmile/<app>/services/*.py`` must be reached,
through the product code, from a page, an API operation, a task, a management command or the CLI
(:mod:`lastmile.devtools.reachability` builds the call graph with ``ast``). A service that only the tests,
the simulation or the demo call has no door: wire it to a page or an API, or remove it.
"""

from __future__ import annotations

from pathlib import Path

from lastmile.devtools.reachability import build

# Services called only from other product code on purpose, or pure checks that are not acts.
# ``module:function`` -> why it needs no door of its own.
BY_DESIGN: dict[str, str] = {}

# Apps whose services other work is wiring right now: their unreached services are tolerated
# while that work lands. Shrink this as each app is wired (test_in_progress_allowlist_is_not_stale
# says when an entry can go).
IN_PROGRESS: dict[str, str] = {
    "trial": "wired by issue L work in progress (judgment appeal, payment records)",
    "mediation": "wired by issue L work in progress (party joining, signing, confirmation, installments)",
    "documents": "wired by issue L work in progress (batches, corrections, template versions)",
    "portal": "wired by issue L work in progress (reception slots, portal accounts)",
    "filing": "wired by issue L work in progress (institution staff, API key revocation)",
}


def _app(service: str) -> str:
    return service.split(":")[0].split(".")[1]


def test_every_public_service_has_a_way_in():
    graph = build()
    unreached = [s for s in graph.unreached_services(by_design=BY_DESIGN) if _app(s) not in IN_PROGRESS]
    assert not unreached, (
        f"{len(unreached)} public services have no page, API, task, command or CLI that reaches them "
        "(wire each one, remove it, or say in BY_DESIGN why it needs no door):\n  " + "\n  ".join(unreached)
    )


def test_by_design_names_real_services_that_need_the_exemption():
    graph = build()
    services = set(graph.services())
    assert not set(BY_DESIGN) - services, "BY_DESIGN names functions that are not public services"
    reached = graph.reached(graph.entries())
    assert not set(BY_DESIGN) & reached, "BY_DESIGN names services a way in already reaches: drop them"


def test_in_progress_allowlist_is_not_stale():
    graph = build()
    apps_with_gaps = {_app(s) for s in graph.unreached_services(by_design=BY_DESIGN)}
    wired = sorted(set(IN_PROGRESS) - apps_with_gaps)
    assert not wired, f"every service of {wired} has a way in now: remove them from IN_PROGRESS"


def _write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = root / "lastmile" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root / "lastmile"


def test_the_graph_follows_urls_imports_reexports_and_classes_and_ignores_tests_demo_and_simulation(tmp_path):
    root = _write(
        tmp_path,
        {
            "__init__.py": "",
            "app/__init__.py": "",
            "app/services/__init__.py": "from .acts import act_paged, act_via_helper, act_demo_only\n"
            "from .acts import act_test_only, act_sim_only, act_by_class, act_unrouted, act_api, act_task\n",
            "app/services/acts.py": "def act_paged(): pass\n"
            "def act_via_helper(): pass\n"
            "def act_demo_only(): pass\n"
            "def act_test_only(): pass\n"
            "def act_sim_only(): pass\n"
            "def act_by_class(): pass\n"
            "def act_unrouted(): pass\n"
            "def act_api(): pass\n"
            "def act_task(): pass\n"
            "def _private(): pass\n",
            "app/helpers.py": "from lastmile.app import services as s\n\n"
            "def help_out():\n    s.act_via_helper()\n",
            "app/forms.py": "from lastmile.app.services import act_by_class\n\n"
            "class F:\n    def save(self):\n        act_by_class()\n",
            "app/views.py": "from lastmile.app import services\nfrom lastmile.app.forms import F\n"
            "from .helpers import help_out\n\n"
            "def page(request):\n    services.act_paged()\n    help_out()\n    return F\n\n"
            "def orphan(request):\n    services.act_unrouted()\n",  # no URL routes it: no door
            "app/urls.py": "from django.urls import path\n\nfrom . import views\n\n"
            "urlpatterns = [path('p/', views.page)]\n",
            "app/api.py": "from lastmile.app.services import acts\n\n"
            "@router.post('/x')\ndef op(request):\n    return acts.act_api()\n",
            "app/tasks.py": "import lastmile.app.services as svc\n\ndef nightly():\n    svc.act_task()\n",
            "app/demo.py": "from lastmile.app.services import act_demo_only\n\n"
            "def seed():\n    act_demo_only()\n",
            "app/tests/test_x.py": "from lastmile.app.services import act_test_only\n\n"
            "def test_x():\n    act_test_only()\n",
            "simulation/run.py": "from lastmile.app.services import act_sim_only\n\n"
            "def go():\n    act_sim_only()\n",
            "simulation/views.py": "from lastmile.simulation.run import go\n\ndef page(request):\n    go()\n",
        },
    )
    graph = build(root)
    assert graph.services() == [
        f"lastmile.app.services.acts:{n}"
        for n in sorted(
            [
                "act_paged",
                "act_via_helper",
                "act_demo_only",
                "act_test_only",
                "act_sim_only",
                "act_by_class",
                "act_unrouted",
                "act_api",
                "act_task",
            ]
        )
    ]
    assert graph.unreached_services() == [
        "lastmile.app.services.acts:act_demo_only",
        "lastmile.app.services.acts:act_sim_only",
        "lastmile.app.services.acts:act_test_only",
        "lastmile.app.services.acts:act_unrouted",
    ]
    by_design = ["lastmile.app.services.acts:act_demo_only"]
    assert "lastmile.app.services.acts:act_demo_only" not in graph.unreached_services(by_design=by_design)
