"""``counterpart demo``: migrate the database and load the demo program, idempotently."""

import os
import secrets
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection

from counterpart.demo.accounts import demo_accounts_ensure
from counterpart.demo.loader import DEMO_SLUG, demo_load

DEMO_USERNAME = "demo"


def _demo_password_file() -> Path:
    return Path(settings.DATA_DIR) / "demo-login.txt"


def demo_login_ensure() -> tuple[str, str]:
    """The demo's administrator. The password is made once and kept (mode 0600) in the data directory,
    so that every run can print it without resetting it."""
    path = _demo_password_file()
    user_model = get_user_model()
    user = user_model.objects.filter(username=DEMO_USERNAME).first()
    if user is not None and path.exists():
        # The first line is the administrator's; the demo accounts of each role follow (demo/accounts.py).
        return DEMO_USERNAME, (path.read_text(encoding="utf-8").splitlines() or [""])[0].strip()
    password = secrets.token_urlsafe(12)
    if user is None:
        user_model.objects.create_superuser(DEMO_USERNAME, email="", password=password)
    else:
        user.set_password(password)
        user.save(update_fields=["password"])
    path.parent.mkdir(parents=True, exist_ok=True)
    rest = path.read_text(encoding="utf-8").splitlines()[1:] if path.exists() else []
    path.write_text("\n".join([password, *rest]) + "\n", encoding="utf-8")
    path.chmod(0o600)
    return DEMO_USERNAME, password


class Command(BaseCommand):
    help = "Create or migrate the database and load the demo program (qingdao-guizhou, 2009). Idempotent."

    def handle(self, *args: Any, **options: Any) -> None:
        Path(settings.DATA_DIR).mkdir(parents=True, exist_ok=True)
        call_command("migrate", interactive=False, verbosity=0)
        result = demo_load()
        # Fresh statistics: without them SQLite plans the scoping joins (households through their
        # members' benefits) as nested scans — seconds per list page instead of milliseconds.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        # A restored database holds the demo users, but their passwords are only in demo-login.txt:
        # without that file new ones are issued, and the command says so rather than "nothing changed".
        path = _demo_password_file()
        passwords_reissued = not path.exists() and get_user_model().objects.filter(username=DEMO_USERNAME).exists()
        if result.created:
            self.stdout.write(self.style.SUCCESS(f"已载入示例协作项目 Loaded the demo program “{DEMO_SLUG}”."))
        elif passwords_reissued:
            self.stdout.write(
                f"示例已存在，但 {path.name} 不在数据目录中：已为示例账号重新设置密码 "
                f"The demo program “{DEMO_SLUG}” is already loaded, but {path.name} is missing from the data "
                "directory: the demo accounts were given new passwords."
            )
        else:
            self.stdout.write(
                f"示例已存在，未作改动 The demo program “{DEMO_SLUG}” is already loaded; nothing changed."
            )
        username, password = demo_login_ensure()
        # The address `scripts/demo` serves (HOST, PORT), so that the printed links work as printed.
        base = f"http://{os.environ.get('HOST') or '127.0.0.1'}:{os.environ.get('PORT') or '8000'}"
        self.stdout.write(f"登录 Login: {base}/admin/  用户 user: {username}  密码 password: {password}")
        self.stdout.write(f"各角色示例账号 Demo accounts by role ({base}/accounts/login/):")
        for account, account_password in demo_accounts_ensure(path):
            self.stdout.write(f"  {account.username:<18} {account_password:<14} {account.description}")
