"""API tokens and the responses kept for idempotent retries."""

from django.conf import settings
from django.db import models


class ApiToken(models.Model):
    """A bearer token of one user. Only its SHA-256 digest is stored: the token is shown once, at creation.

    ``prefix`` (the first characters) lets an administrator tell tokens apart without the secret.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, blank=True)
    prefix = models.CharField(max_length=12)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["user_id", "-created_at"]
        verbose_name = "接口令牌 API token"
        verbose_name_plural = "接口令牌 API tokens"

    def __str__(self) -> str:
        return f"{self.user} · {self.prefix}…"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class IdempotentRequest(models.Model):
    """The first successful response to a write sent with an ``Idempotency-Key`` header.

    Keys are per user: a retry by the same user with the same key gets this response back and
    creates nothing; the unique constraint makes two concurrent retries queue on the key.
    ``request_digest`` refuses the same key reused for a different request.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=100)
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=300)
    request_digest = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField(default=0)
    response = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "幂等请求 idempotent request"
        verbose_name_plural = "幂等请求 idempotent requests"
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="idempotent_request_unique_key_per_user")]

    def __str__(self) -> str:
        return f"{self.user} {self.method} {self.path} [{self.key}]"
