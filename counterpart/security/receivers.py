"""Auth signals: count failed sign-ins, register sessions, end sessions of a disabled user.

The admin's user form saves ``is_active=False`` straight to the model, so ending that user's
sessions is hooked on the save as well as offered as a service (``user_deactivate``).
"""

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.http import HttpRequest

from counterpart.core.audit import Actor

from .models import UserSession
from .services import attempt_counted, client_address, login_failure_record, login_succeeded, user_sessions_end


@receiver(user_login_failed)
def _login_failed(sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any) -> None:
    if attempt_counted.get():  # the limited backend counted it already, before the password check
        attempt_counted.set(False)
        return
    username = credentials.get(get_user_model().USERNAME_FIELD) or credentials.get("username")
    login_failure_record(username, client_address(request))


@receiver(user_logged_in)
def _logged_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    login_succeeded(user, request)


@receiver(user_logged_out)
def _logged_out(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if request is not None and getattr(request, "session", None) is not None and request.session.session_key:
        UserSession.objects.filter(session_key=request.session.session_key).delete()


@receiver(post_save, sender=get_user_model())
def _user_saved(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
    if not created and not instance.is_active:
        user_sessions_end(actor=Actor.system("security"), user=instance, reason="user disabled")
