"""Demo accounts: one per role, made once, printed by ``counterpart demo``, able to sign in, each seeing its scope."""

from io import StringIO

from django.contrib.auth import authenticate
from django.core.management import call_command
from django.test import Client

from counterpart.access.scoping import scoped
from counterpart.demo.accounts import DEMO_ACCOUNTS, demo_accounts_ensure
from counterpart.demo.management.commands.demo import demo_login_ensure
from counterpart.projects.models import Project


def test_each_role_has_an_account_kept_across_runs_beside_the_admin_login(demo_program, settings, tmp_path) -> None:
    settings.DATA_DIR = tmp_path
    path = tmp_path / "demo-login.txt"
    # given the administrator's login written first, as `counterpart demo` does
    _user, admin_password = demo_login_ensure()
    # when the accounts are made twice
    first = dict((a.username, p) for a, p in demo_accounts_ensure(path))
    second = dict((a.username, p) for a, p in demo_accounts_ensure(path))
    # then the passwords are the same, the admin's is still the first line, and each signs in
    assert first == second and set(first) == {a.username for a in DEMO_ACCOUNTS}
    assert demo_login_ensure()[1] == admin_password
    assert path.stat().st_mode & 0o777 == 0o600
    for username, password in first.items():
        assert authenticate(username=username, password=password) is not None, username


def test_the_two_county_accounts_see_only_their_own_projects(demo_program, settings, tmp_path) -> None:
    settings.DATA_DIR = tmp_path
    accounts = {a.username: a for a, _p in demo_accounts_ensure(tmp_path / "demo-login.txt")}
    from django.contrib.auth import get_user_model

    users = {name: get_user_model().objects.get(username=name) for name in accounts}
    xixiu = set(scoped(Project, users["county-xixiu"]).values_list("recipient_area_id", flat=True))
    puding = set(scoped(Project, users["county-puding"]).values_list("recipient_area_id", flat=True))
    assert xixiu and puding
    assert all(code.startswith("520402") for code in xixiu)
    assert all(code.startswith("520422") for code in puding)
    assert scoped(Project, users["office"]).count() == Project.objects.filter(program=demo_program).count()
    client = Client()
    client.force_login(users["auditor"])
    assert client.get("/app/audit/").status_code == 200


def test_the_printed_login_urls_use_the_port_the_demo_serves_on(demo_program, settings, tmp_path, monkeypatch) -> None:
    settings.DATA_DIR = tmp_path
    # given scripts/demo serving on PORT=18001
    monkeypatch.setenv("PORT", "18001")
    # when the demo command prints the logins
    out = StringIO()
    call_command("demo", stdout=out)
    # then every link names that port
    links = [word for word in out.getvalue().split() if "http://" in word]
    assert links and all(":18001/" in link for link in links), links


def test_a_restored_database_without_the_login_file_is_told_its_passwords_are_new(
    demo_program, settings, tmp_path
) -> None:
    settings.DATA_DIR = tmp_path
    # given the demo loaded with its logins, then the login file lost (a database restored elsewhere)
    call_command("demo", stdout=StringIO())
    old = (tmp_path / "demo-login.txt").read_text(encoding="utf-8")
    (tmp_path / "demo-login.txt").unlink()
    # when the demo command runs again
    out = StringIO()
    call_command("demo", stdout=out)
    # then it says that the passwords were issued anew, not that nothing changed, and they sign in
    assert "nothing changed" not in out.getvalue()
    assert "new passwords" in out.getvalue()
    new = (tmp_path / "demo-login.txt").read_text(encoding="utf-8")
    assert new != old
    assert authenticate(username="demo", password=new.splitlines()[0]) is not None
