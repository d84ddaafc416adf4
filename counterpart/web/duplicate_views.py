"""The program office's notices of refused duplicate registrations (people/duplicates.py).

A county that registers a number already registered is refused without being told where; the office is
told instead, here: each refusal, who was refused, and the person registered first (a link to their page,
to merge or move them). The page is the program office's (and the auditor's and superusers', who read
everything): it lists the notices about persons registered in its programs' recipient areas, naming the
person only where its scope reaches them; a county office has no such page.
A filter by the registered person's county narrows the list (htmx swaps the table; without script the
form's button reloads the page).
"""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from counterpart.access.models import Role
from counterpart.access.policy import memberships_of
from counterpart.access.scoping import access_scope, scoped
from counterpart.people.duplicates import duplicate_notices
from counterpart.people.models import Person
from counterpart.registry.models import Area, Pairing

from . import can

PAGE_SIZE = 50


def may_read_duplicate_notices(user: Any) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return can.reads_audit_trail(user) or any(m.role == Role.PROGRAM_OFFICE for m in memberships_of(user))


def _counties_covered(user: Any) -> list[str] | None:
    """The area codes whose registrations the user's programs cover (None: every one): the recipient
    areas of the pairings of the programs it runs. A notice is about a person registered there."""
    scope = access_scope(user)
    if scope.everything:
        return None
    return list(Pairing.objects.filter(program_id__in=scope.programs).values_list("recipient_area_id", flat=True))


@login_required
def duplicate_notices_view(request: HttpRequest) -> HttpResponse:
    if not may_read_duplicate_notices(request.user):
        raise PermissionDenied
    covered = _counties_covered(request.user)
    events = list(duplicate_notices().filter(object_type="people.person"))
    registered = Person.objects.filter(pk__in=[e.object_id for e in events if e.object_id.isdigit()])
    persons = {str(p.pk): p for p in registered}
    if covered is not None:
        persons = {pk: p for pk, p in persons.items() if any(p.area_id.startswith(code) for code in covered)}
    notices = [e for e in events if e.object_id in persons]
    # The office sees the person's name and page only where its scope reaches them (a program sees the
    # persons its benefits reached); elsewhere the notice names the county, to take up with it.
    visible = set(
        scoped(Person, request.user).filter(pk__in=[p.pk for p in persons.values()]).values_list("pk", flat=True)
    )
    counties = {p.county_code for p in persons.values()}
    names = dict(Area.objects.filter(code__in=counties).values_list("code", "name_zh"))
    county = (request.GET.get("county") or "").strip()
    if county:
        notices = [e for e in notices if persons[e.object_id].county_code == county]
    page = Paginator(notices, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        {
            "event": event,
            "person": persons[event.object_id],
            "visible": persons[event.object_id].pk in visible,
            "county": names.get(persons[event.object_id].county_code, ""),
        }
        for event in page.object_list
    ]
    return render(
        request,
        "web/duplicates.html",
        {
            "page": page,
            "rows": rows,
            "counties": sorted(names.items(), key=lambda item: item[1]),
            "county": county if county in names else "",
        },
    )
