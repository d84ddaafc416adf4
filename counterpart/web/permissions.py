"""What each role may do in the application, checked on the server for every write.

Seeing a record is ``access.scoping.scoped`` (out of scope: 404). Acting on a record one can see
is decided here from the user's memberships: a recipient office proposes and builds in its own
area, the program office approves and accepts, an enterprise reports for itself, an auditor only
reads. The templates ask the same functions, so a button is shown exactly when the action is
allowed; the views ask again, so hiding a button is never the protection.
"""

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Q, QuerySet

from counterpart.access.models import Role
from counterpart.access.policy import memberships_of
from counterpart.enterprise.models import Enterprise, EnterpriseReport, ReportStatus
from counterpart.people.services import REVEAL_PERMISSION
from counterpart.projects.models import Project, ProjectStatus
from counterpart.registry.models import Area, AreaLevel, Program

AnyUser = AbstractBaseUser | AnonymousUser


@dataclass(frozen=True)
class Grants:
    """A user's active memberships, by role, as ids and area codes."""

    superuser: bool
    program_offices: frozenset[int]
    donor_districts: frozenset[str]
    recipient_areas: frozenset[str]
    organisations: frozenset[int]
    auditor: bool

    @property
    def roles(self) -> set[str]:
        roles = set()
        if self.program_offices:
            roles.add(Role.PROGRAM_OFFICE.value)
        if self.donor_districts:
            roles.add(Role.DONOR_DISTRICT_OFFICE.value)
        if self.recipient_areas:
            roles.add(Role.RECIPIENT_OFFICE.value)
        if self.organisations:
            roles.add(Role.ENTERPRISE.value)
        if self.auditor:
            roles.add(Role.AUDITOR.value)
        return roles

    def in_recipient_area(self, code: str | None) -> bool:
        return self.superuser or (code is not None and any(code.startswith(a) for a in self.recipient_areas))

    def runs_program(self, program_id: int | None) -> bool:
        return self.superuser or (program_id is not None and program_id in self.program_offices)


def grants_of(user: AnyUser | None) -> Grants:
    if user is None or not user.is_authenticated or not user.is_active:
        return Grants(False, frozenset(), frozenset(), frozenset(), frozenset(), False)
    memberships = memberships_of(user)
    return Grants(
        superuser=bool(getattr(user, "is_superuser", False)),
        program_offices=frozenset(m.program_id for m in memberships if m.role == Role.PROGRAM_OFFICE and m.program_id),
        donor_districts=frozenset(m.area_id for m in memberships if m.role == Role.DONOR_DISTRICT_OFFICE and m.area_id),
        recipient_areas=frozenset(m.area_id for m in memberships if m.role == Role.RECIPIENT_OFFICE and m.area_id),
        organisations=frozenset(
            m.organisation_id for m in memberships if m.role == Role.ENTERPRISE and m.organisation_id
        ),
        auditor=any(m.role == Role.AUDITOR for m in memberships),
    )


# --- projects ------------------------------------------------------------------------------------

# The step each button takes, and who may take it.
PROJECT_ACTIONS: dict[str, str] = {
    "approve": ProjectStatus.APPROVED,
    "start": ProjectStatus.UNDER_CONSTRUCTION,
    "complete": ProjectStatus.COMPLETED,
    "accept": ProjectStatus.ACCEPTED,
}


def may_propose_project(grants: Grants) -> bool:
    return grants.superuser or bool(grants.recipient_areas)


def may_project_action(grants: Grants, project: Project, action: str) -> bool:
    """approve and accept: the program office; start and complete: the recipient office of the
    project's area (or the program office)."""
    if action in ("approve", "accept"):
        return grants.runs_program(project.program_id)
    if action in ("start", "complete"):
        return grants.runs_program(project.program_id) or grants.in_recipient_area(project.recipient_area_id)
    return False


def project_actions_allowed(grants: Grants, project: Project) -> list[str]:
    """The buttons to show: allowed to this user and possible from the project's status."""
    from counterpart.projects.models import ALLOWED_TRANSITIONS

    possible = ALLOWED_TRANSITIONS[project.status]
    return [
        action
        for action, to_status in PROJECT_ACTIONS.items()
        if to_status in possible and may_project_action(grants, project, action)
    ]


def may_record_beneficiaries(grants: Grants, project: Project) -> bool:
    """The recipient office of the project's area, which keeps its poor households (a program office
    sees persons only through what reached them, so it could not name a new one)."""
    return grants.superuser or grants.in_recipient_area(project.recipient_area_id)


def may_attach(grants: Grants, project: Project) -> bool:
    return grants.runs_program(project.program_id) or grants.in_recipient_area(project.recipient_area_id)


def proposal_areas(grants: Grants) -> QuerySet[Area]:
    """Counties, townships and villages a user may propose projects in (their own areas and below)."""
    places = Area.objects.filter(level__in=[AreaLevel.COUNTY, AreaLevel.TOWNSHIP, AreaLevel.VILLAGE])
    if grants.superuser:
        return places
    condition = Q(pk__in=[])
    for code in grants.recipient_areas:
        condition |= Q(code__startswith=code)
    return places.filter(condition)


def register_areas(grants: Grants, level: str | None = None) -> QuerySet[Area]:
    """Areas where a recipient office registers persons and households (its own and below)."""
    areas = Area.objects.all() if grants.superuser else proposal_areas(grants)
    return areas.filter(level=level) if level else areas


# --- funds, people, enterprises ----------------------------------------------------------------------


def ledger_programs(grants: Grants) -> QuerySet[Program]:
    programs = Program.objects.all()
    return programs if grants.superuser else programs.filter(pk__in=grants.program_offices)


def may_register_people(grants: Grants) -> bool:
    return grants.superuser or bool(grants.recipient_areas)


def may_record_training(grants: Grants) -> bool:
    return grants.superuser or bool(grants.recipient_areas or grants.program_offices)


def report_enterprises(grants: Grants) -> QuerySet[Enterprise]:
    enterprises = Enterprise.objects.select_related("organisation")
    return enterprises if grants.superuser else enterprises.filter(organisation_id__in=grants.organisations)


def may_review_enterprise_report(grants: Grants, report: EnterpriseReport) -> bool:
    """Confirming or returning a submitted report: the program office, the other side of the figures."""
    return report.status == ReportStatus.SUBMITTED and grants.runs_program(report.program_id)


def may_correct_enterprise_report(grants: Grants, report: EnterpriseReport) -> bool:
    """Correcting a draft or returned report (and submitting it again): the enterprise's own users."""
    if report.status not in (ReportStatus.DRAFT, ReportStatus.RETURNED):
        return False
    return grants.superuser or report.enterprise.organisation_id in grants.organisations


def may_reveal_identity(user: AnyUser) -> bool:
    return bool(user.is_authenticated and getattr(user, "has_perm", lambda _p: False)(REVEAL_PERMISSION))


def may_import(grants: Grants) -> bool:
    """A program office (or an administrator) uploads whole files; a recipient office the registry
    kinds for its own areas, an enterprise its own reports, row by row (intake/limits.py decides,
    for every path that imports)."""
    return grants.superuser or bool(grants.program_offices or grants.recipient_areas or grants.organisations)


def may_read_audit_trail(grants: Grants) -> bool:
    return grants.superuser or grants.auditor
