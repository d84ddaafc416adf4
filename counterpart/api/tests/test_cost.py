"""What a request costs in queries: a list page is a fixed number of them whatever its size, rows
that cannot repeat ask for no DISTINCT, the last page counts itself, and a request reads the user's
memberships once however often it scopes."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from counterpart.funds.services import ledger_allocate, ledger_commit
from counterpart.people.services import training_create, training_participants_add
from counterpart.people.tests.factories import household, member
from counterpart.projects.services import project_propose


@pytest.fixture
def projects(program, pairing, project, areas, actor):
    """P-001 and eleven more projects of the program in 普定县, each with a ledger allocation."""
    others = [
        project_propose(
            actor=actor,
            program=program,
            code=f"P-{number:03}",
            title_zh="项目",
            category="drinking_water",
            recipient_area=areas["520422"],
            pairing=pairing,
            year=2009,
            budget_fen=1_000_00,
        )
        for number in range(2, 13)
    ]
    commitment = ledger_commit(
        actor=actor, program=program, date=project.created_at.date(), source="fiscal_municipal", amount_fen=12_000_00,
        pairing=pairing, recipient_area=project.recipient_area,
    )  # fmt: skip
    for each in [project, *others]:
        ledger_allocate(
            actor=actor, commitment=commitment, project=each, date=project.created_at.date(), amount_fen=1_000_00
        )
    return [project, *others]


@pytest.fixture
def trainings(program, areas, actor):
    """Twelve trainings in 普定县, each with a registered participant."""
    home = household(actor, areas["520422100201"])
    people = [member(actor, home, sequence) for sequence in range(1, 13)]
    for person in people:
        training = training_create(
            actor=actor,
            program=program,
            kind="labour_transfer",
            title="培训",
            place=areas["520422"],
            start_date=datetime.date(2009, 4, 1),
            end_date=datetime.date(2009, 4, 2),
        )
        training_participants_add(actor=actor, training=training, persons=[person])


def _queries(client, path: str, **params) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, **params)
    assert response.status_code == 200
    return [query["sql"] for query in captured.captured_queries]


@pytest.mark.parametrize(
    ("path", "most"),
    [
        # the token with its user and their memberships; the page, its count in the same query
        ("/projects", 2),
        # … and the postings of the page's transactions, and their accounts
        ("/ledger/transactions", 5),
        # participants counted in the page's query
        ("/trainings", 3),
    ],
)
def test_a_list_page_costs_the_same_queries_whatever_its_size(projects, trainings, office, path, most) -> None:
    office.get(path)  # the token's first use is recorded once (last_used_at); not part of a page's cost
    small = _queries(office, path, limit=2)
    large = _queries(office, path, limit=10)
    assert len(small) == len(large) <= most


def test_a_scoped_list_of_single_valued_rules_is_not_distinct(projects, office, puding) -> None:
    # A project has one program, one area and one pairing: its rows cannot repeat, so no DISTINCT
    # (which would make the database sort every matching row before the first page leaves).
    for client in (office, puding):
        client.get("/projects")
        (page_query,) = [sql for sql in _queries(client, "/projects", limit=2) if "projects_project" in sql]
        assert "DISTINCT" not in page_query


def test_a_page_carries_its_count_and_a_page_past_the_end_still_counts(projects, office) -> None:
    office.get("/projects")
    # the token, then the page with its count: no COUNT query of its own
    queries = _queries(office, "/projects", limit=5)
    assert len(queries) == 2
    assert "COUNT(" in queries[1]
    assert office.get("/projects", limit=5).json()["count"] == 12
    assert office.get("/projects", limit=5, offset=10).json()["count"] == 12
    # An empty page past the end has no row to carry a count: it counts on its own.
    assert office.get("/projects", limit=5, offset=12).json() == {"items": [], "count": 12, "more": False}
    assert office.get("/projects", limit=5, offset=500).json() == {"items": [], "count": 12, "more": False}


def test_a_page_of_model_instances_counts_itself_when_short(projects, office, monkeypatch) -> None:
    # An answer that cannot be read as values (api.rows) reads records; a short page is then the last.
    from counterpart.api import common

    monkeypatch.setattr(common, "value_sources", lambda schema, queryset: None)
    office.get("/projects")
    queries = _queries(office, "/projects", limit=5, offset=10)
    assert not any("COUNT(" in sql for sql in queries)
    assert office.get("/projects", limit=5, offset=10).json()["count"] == 12
    assert office.get("/projects", limit=5).json()["count"] == 12


@pytest.mark.parametrize("values", [True, False], ids=["page read as values", "page read as records"])
def test_a_list_is_counted_up_to_the_cap_and_says_there_are_more(projects, office, monkeypatch, values) -> None:
    # A national list is not counted to its end on every request (core.paging).
    from counterpart.api import common

    monkeypatch.setattr(common, "COUNT_CAP", 10)
    if not values:
        monkeypatch.setattr(common, "value_sources", lambda schema, queryset: None)
    page = office.get("/projects", limit=5).json()
    assert (len(page["items"]), page["count"], page["more"]) == (5, 10, True)
    # The last page is short (the client stops there); its count is still the capped one.
    last = office.get("/projects", limit=5, offset=10).json()
    assert (len(last["items"]), last["count"], last["more"]) == (2, 10, True)


def test_a_write_reads_the_users_memberships_once(project, office) -> None:
    # The transition scopes the project, checks the user may write it, checks the program office's
    # step, and answers the project scoped again: four scopings, one read of the memberships.
    office.get("/projects")
    with CaptureQueriesContext(connection) as captured:
        response = office.post(f"/projects/{project.pk}/transitions", {"to_status": "approved", "note": "ok"})
    assert response.status_code == 200
    # Read with the token, in the same query.
    assert [query["sql"] for query in captured.captured_queries if "access_membership" in query["sql"]] == [
        query["sql"] for query in captured.captured_queries if "api_apitoken" in query["sql"]
    ][:1]


def test_trainings_count_their_participants_in_the_page_query(trainings, office) -> None:
    assert {item["registered_participants"] for item in office.get("/trainings").json()["items"]} == {1}
    first = office.get("/trainings", limit=1).json()["items"][0]
    assert office.get(f"/trainings/{first['id']}").json()["registered_participants"] == 1
