"""Demo accounts, one per role, so each view of the application can be tried after ``counterpart demo``.

Created idempotently; passwords are generated once and kept (mode 0600) in the data directory's
``demo-login.txt`` after the administrator's, one ``username<TAB>password`` line per account, so
every run prints the same ones.
"""

import secrets
from dataclasses import dataclass
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db import transaction

from counterpart.access.models import Membership, Role
from counterpart.registry.models import Area, Organisation, Program


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    subject: str  # program slug, area code or organisation name
    description: str


DEMO_ACCOUNTS = (
    DemoAccount("office", Role.PROGRAM_OFFICE, "qingdao-guizhou", "青岛市协作办（全项目）program office"),
    DemoAccount("district-shinan", Role.DONOR_DISTRICT_OFFICE, "370202", "市南区 donor district office"),
    DemoAccount("county-xixiu", Role.RECIPIENT_OFFICE, "520402", "西秀区 recipient county office"),
    DemoAccount("county-puding", Role.RECIPIENT_OFFICE, "520422", "普定县 recipient county office"),
    DemoAccount("enterprise-haier", Role.ENTERPRISE, "海尔集团", "海尔集团 enterprise"),
    DemoAccount("auditor", Role.AUDITOR, "", "审计监督（可查看完整身份证号码）auditor"),
    DemoAccount("reviewer", Role.REVIEWER, "qingdao-guizhou", "年度考核审核人 assessment reviewer"),
)


def _passwords_read(path: Path) -> dict[str, str]:
    if not path.exists():
        return {}
    lines = path.read_text(encoding="utf-8").splitlines()[1:]
    return dict(line.split("\t", 1) for line in lines if "\t" in line)


def demo_accounts_ensure(path: Path) -> list[tuple[DemoAccount, str]]:
    """Create the demo users with their memberships (once) and return each with its password.

    ``path`` is the demo login file; its first line (the administrator's password) is kept.
    """
    known = _passwords_read(path)
    users = get_user_model().objects
    result: list[tuple[DemoAccount, str]] = []
    with transaction.atomic():
        for account in DEMO_ACCOUNTS:
            user = users.filter(username=account.username).first()
            password = known.get(account.username)
            if user is None or password is None:
                password = secrets.token_urlsafe(9)
                if user is None:
                    user = users.create_user(account.username, password=password)
                else:
                    user.set_password(password)
                    user.save(update_fields=["password"])
            if not Membership.objects.filter(user=user, role=account.role).exists():
                Membership.objects.create(user=user, role=account.role, granted_by_label="demo", **_subject(account))
            if account.role == Role.AUDITOR:
                user.user_permissions.add(
                    Permission.objects.get(content_type__app_label="people", codename="reveal_identity")
                )
            result.append((account, password))
    first = path.read_text(encoding="utf-8").splitlines()[:1] if path.exists() else [""]
    path.write_text("\n".join([*first, *(f"{a.username}\t{p}" for a, p in result)]) + "\n", encoding="utf-8")
    path.chmod(0o600)
    return result


def _subject(account: DemoAccount) -> dict[str, object]:
    if account.role in (Role.PROGRAM_OFFICE, Role.REVIEWER):
        return {"program": Program.objects.get(slug=account.subject)}
    if account.role in (Role.DONOR_DISTRICT_OFFICE, Role.RECIPIENT_OFFICE):
        return {"area": Area.objects.get(code=account.subject)}
    if account.role == Role.ENTERPRISE:
        return {"organisation": Organisation.objects.get(name_zh=account.subject)}
    return {}
