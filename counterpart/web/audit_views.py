"""Identity numbers shown to whoever may see them, and the audit trail: the two pages that read what
is most guarded. Each reveal is itself audited by the domain service.
"""

import datetime
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from counterpart.access.scoping import scoped_get_or_404
from counterpart.core.audit import Actor
from counterpart.core.audit_labels import ENTITIES
from counterpart.core.errors import InvalidInput
from counterpart.core.models import AuditEvent
from counterpart.people.models import Person
from counterpart.people.services import (
    person_identity_reveal,
)

from . import can, forms
from .specs import SPECS

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


def _detail_urls() -> dict[str, str]:
    """The page of each kind of record the lists show (``projects.project`` → ``web:projects_detail``)."""
    return {spec.model._meta.label_lower: f"web:{spec.slug}_detail" for spec in SPECS.values()}


def _day(value: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        return None


@login_required
def audit_trail_view(request: HttpRequest) -> HttpResponse:
    """The audit trail, newest first, filtered by words, by kind of record, by who acted and by dates; each
    event names its record and links to the record's page where the application has one."""
    if not can.reads_audit_trail(request.user):
        raise PermissionDenied
    events: QuerySet[AuditEvent] = AuditEvent.objects.order_by("-at", "-id")
    params = {
        key: (request.GET.get(key) or "").strip()[:100] for key in ("q", "action", "entity", "actor", "from", "to")
    }
    if params["q"]:
        query = params["q"]
        events = events.filter(
            Q(action__icontains=query) | Q(actor_label__icontains=query) | Q(object_repr__icontains=query)
        )
    if params["action"]:
        events = events.filter(action=params["action"])
    if params["entity"]:
        events = events.filter(action__startswith=f"{params['entity']}.")
    if params["actor"]:
        events = events.filter(actor_label__icontains=params["actor"])
    start, end = _day(params["from"]), _day(params["to"])
    if start is not None:
        events = events.filter(at__date__gte=start)
    if end is not None:
        events = events.filter(at__date__lte=end)
    page = Paginator(events, AUDIT_PAGE_SIZE).get_page(request.GET.get("page"))
    urls = _detail_urls()
    rows = []
    for event in page.object_list:
        name = urls.get(event.object_type)
        link = ""
        if name and event.object_id.isdigit():
            link = reverse(name, kwargs={"pk": int(event.object_id)})
        entity = ENTITIES.get(event.action.partition(".")[0])
        rows.append({"event": event, "link": link, "named": event.object_repr or f"{entity or ''} #{event.object_id}"})
    kept = {key: value for key, value in params.items() if value}
    return render(
        request,
        "web/audit.html",
        {
            "page": page,
            "rows": rows,
            "params": params,
            "entities": sorted(ENTITIES.items(), key=lambda item: str(item[1])),
            "kept_query": urlencode(kept),
        },
    )
