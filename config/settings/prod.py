"""Production: secrets and hosts only from the environment; refuses to start without them."""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403

DEBUG = False
if not os.environ.get("COUNTERPART_SECRET_KEY"):
    raise ImproperlyConfigured("COUNTERPART_SECRET_KEY must be set in production")
SECRET_KEY = os.environ["COUNTERPART_SECRET_KEY"]
if len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5:
    raise ImproperlyConfigured("COUNTERPART_SECRET_KEY is too short: use 50 random characters or more")
if not os.environ.get("COUNTERPART_ALLOWED_HOSTS"):
    raise ImproperlyConfigured("COUNTERPART_ALLOWED_HOSTS must name the site's host(s) in production")
# Identity numbers: real keys, never ones derived from SECRET_KEY (docs/security.md).
for _name in ("COUNTERPART_IDENTITY_KEYS", "COUNTERPART_IDENTITY_KEY_ID", "COUNTERPART_BLIND_INDEX_KEY"):
    if not os.environ.get(_name):
        raise ImproperlyConfigured(f"{_name} must be set in production (see docs/security.md)")
(
    COUNTERPART_IDENTITY_KEYS,
    COUNTERPART_IDENTITY_KEY_ID,
    COUNTERPART_BLIND_INDEX_KEY,
) = identity_keys_from_environment(SECRET_KEY)  # noqa: F405
if COUNTERPART_IDENTITY_KEY_ID not in COUNTERPART_IDENTITY_KEYS:
    raise ImproperlyConfigured("COUNTERPART_IDENTITY_KEY_ID names no key in COUNTERPART_IDENTITY_KEYS")
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_SSL_REDIRECT = os.environ.get("COUNTERPART_SSL_REDIRECT", "1") == "1"
SECURE_HSTS_SECONDS = 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# Browsers should not send the full URL (which may name a record) to other sites.
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
