"""Identity numbers shown to whoever may see them, and the audit trail: the two pages that read what
is most guarded. Each reveal is itself audited by the domain service.
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from counterpart.access.scoping import scoped_get_or_404
from counterpart.core.audit import Actor
from counterpart.core.errors import InvalidInput
from counterpart.core.models import AuditEvent
from counterpart.people.models import Person
from counterpart.people.services import (
    person_identity_reveal,
)

from . import can, forms

# --- identity numbers and the audit trail ---------------------------------------------------------------


@login_required
@require_POST
def person_reveal_view(request: HttpRequest, pk: int) -> HttpResponse:
    person = scoped_get_or_404(Person, request.user, pk=pk)
    if not can.may_reveal_identity(request.user):
        raise PermissionDenied
    form = forms.RevealForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        number = person_identity_reveal(actor=Actor.of(request.user), person=person, reason=reason)
    except InvalidInput as error:
        messages.error(request, error.messages[0])
        return redirect("web:people_detail", pk=person.pk)
    response = render(request, "web/person_revealed.html", {"record": person, "number": number, "reason": reason})
    response["Cache-Control"] = "no-store"
    return response


AUDIT_PAGE_SIZE = 100


@login_required
def audit_trail_view(request: HttpRequest) -> HttpResponse:
    if not can.reads_audit_trail(request.user):
        raise PermissionDenied
    events: QuerySet[AuditEvent] = AuditEvent.objects.order_by("-at", "-id")
    query = (request.GET.get("q") or "").strip()[:100]
    if query:
        events = events.filter(
            Q(action__icontains=query) | Q(actor_label__icontains=query) | Q(object_repr__icontains=query)
        )
    action = (request.GET.get("action") or "").strip()
    if action:
        events = events.filter(action=action)
    page = Paginator(events, AUDIT_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "web/audit.html",
        {
            "page": page,
            "query": query,
            "kept_query": urlencode({"q": query, "action": action} if query or action else {}),
        },
    )
