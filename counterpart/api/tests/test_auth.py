import hashlib
from io import StringIO

from django.contrib.auth import get_user_model
from django.core.management import call_command

from counterpart.access.models import Role
from counterpart.api.models import ApiToken
from counterpart.api.services import api_token_create, api_token_revoke
from counterpart.core.audit import Actor

from .conftest import ApiClient


def test_only_the_digest_of_a_token_is_stored(db) -> None:
    # given
    user = get_user_model().objects.create_user("u")
    # when
    token, raw = api_token_create(actor=Actor.system("test"), user=user)
    # then
    stored = ApiToken.objects.get(pk=token.pk)
    assert stored.digest == hashlib.sha256(raw.encode()).hexdigest()
    assert raw not in {stored.digest, stored.prefix, stored.name}
    assert raw.startswith(stored.prefix)


def test_the_cli_prints_a_token_that_authenticates(program) -> None:
    get_user_model().objects.create_superuser("admin", password="x")
    out = StringIO()
    call_command("api_token", "admin", stdout=out)
    raw = out.getvalue().strip()
    assert ApiClient(raw).get("/programs").status_code == 200
    assert ApiToken.objects.get(user__username="admin").digest != raw


def test_missing_bad_and_revoked_tokens_get_401_with_a_structured_error(db) -> None:
    user = get_user_model().objects.create_superuser("admin", password="x")
    token, raw = api_token_create(actor=Actor.system("test"), user=user)
    for client in (ApiClient(None), ApiClient("cp_not-a-token"), ApiClient(raw[:-1])):
        response = client.get("/projects")
        assert response.status_code == 401
        assert response.json()["errors"][0]["field"] == "Authorization"
    assert ApiClient(raw).get("/projects").status_code == 200
    api_token_revoke(actor=Actor.system("test"), token=token)
    assert ApiClient(raw).get("/projects").status_code == 401


def test_a_token_of_an_inactive_user_is_refused(db) -> None:
    user = get_user_model().objects.create_superuser("admin", password="x")
    _token, raw = api_token_create(actor=Actor.system("test"), user=user)
    user.is_active = False
    user.save()
    assert ApiClient(raw).get("/projects").status_code == 401


def test_a_membership_granted_or_revoked_takes_effect_on_the_next_request(program, project) -> None:
    # given a token whose user holds no role yet
    from counterpart.access.services import membership_grant, membership_revoke
    from counterpart.access.tests.factories import user_with_membership

    user = user_with_membership("newcomer")
    _token, raw = api_token_create(actor=Actor.system("test"), user=user)
    client = ApiClient(raw)
    assert client.get("/projects").json()["items"] == []
    # when the program office's role is granted, then revoked, the same token's next request sees it
    membership = membership_grant(actor=Actor.system("test"), user=user, role=Role.PROGRAM_OFFICE, program=program)
    assert [item["code"] for item in client.get("/projects").json()["items"]] == ["P-001"]
    membership_revoke(actor=Actor.system("test"), membership=membership)
    assert client.get("/projects").json()["items"] == []
    assert client.get(f"/projects/{project.pk}").status_code == 404
