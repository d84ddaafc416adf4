"""What a request costs in queries: a request reads the user's memberships once however often it scopes."""

from django.db import connection
from django.test.utils import CaptureQueriesContext


def test_a_write_reads_the_users_memberships_once(project, office) -> None:
    # The transition scopes the project, checks the user may write it, checks the program office's
    # step, and answers the project scoped again: four scopings, one read of the memberships.
    office.get("/projects")
    with CaptureQueriesContext(connection) as captured:
        response = office.post(f"/projects/{project.pk}/transitions", {"to_status": "approved", "note": "ok"})
    assert response.status_code == 200
    assert sum("access_membership" in query["sql"] for query in captured.captured_queries) == 1
