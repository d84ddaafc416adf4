"""The one flow of every form page: on a valid POST, write through the domain action and go to the page
it names; its refusal lands on the form (on the field it names, else above the form), in the user's
language; otherwise the form is shown again with what the user typed.

Used by the application's forms (app_views.py), program set-up (setup_views.py) and enterprise set-up
(enterprise_views.py), each with its own template.
"""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from counterpart.core.errors import InvalidInput

from .forms import form_error_from


def form_submit(
    request: HttpRequest,
    form: Any,
    title: str,
    write: Callable[[dict[str, Any]], str],
    success: str | Callable[[], str],
    *,
    template: str,
    plain: bool = False,
    **context: Any,
) -> HttpResponse:
    """``write`` the cleaned data through the action and redirect to the URL it returns, with ``success``
    (a message, or a function that words it once the write is done). ``plain``: a refusal is given
    without the field's name and the value refused (the form keeps the value where the user typed it)."""
    if request.method == "POST" and form.is_valid():
        try:
            url = write(form.cleaned_data)
        except InvalidInput as error:
            form_error_from(form, error, plain=plain)
        except PermissionDenied as refused:
            form.add_error(None, str(refused) or _("您的角色不能进行此操作"))
        else:
            messages.success(request, success() if callable(success) else success)
            return redirect(url)
    return render(request, template, {"form": form, "title": title, **context})
