"""What sign-in protection must remember across processes (gunicorn runs several workers)."""

from django.conf import settings
from django.db import models


class LoginFailure(models.Model):
    """One failed sign-in: counted per account and per client address within a window."""

    username = models.CharField(max_length=150, db_index=True)
    client_address = models.CharField(max_length=64, db_index=True)
    at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = "登录失败 failed sign-in"
        verbose_name_plural = "登录失败 failed sign-ins"

    def __str__(self) -> str:
        return f"{self.username} from {self.client_address} at {self.at:%Y-%m-%d %H:%M}"


class LoginThrottle(models.Model):
    """One row per account and per client address that has tried to sign in: the row a sign-in
    attempt locks while it counts and reserves its try, so parallel guesses are counted one by one."""

    key = models.CharField(max_length=220, unique=True)

    class Meta:
        verbose_name = "登录限流 sign-in throttle"
        verbose_name_plural = "登录限流 sign-in throttles"

    def __str__(self) -> str:
        return self.key


class UserSession(models.Model):
    """A session a user signed in with, so that disabling the user can end every one of them."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    session_key = models.CharField(max_length=40, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "用户会话 user session"
        verbose_name_plural = "用户会话 user sessions"

    def __str__(self) -> str:
        return f"{self.user_id}: {self.session_key[:6]}…"
