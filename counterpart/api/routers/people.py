"""People: persons (identity numbers only masked), households, trainings, project beneficiaries, job placements
(student aid and secondments: routers/assistance.py)."""

from typing import Literal

from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from pydantic import AliasPath

from counterpart.access.scoping import scoped, scoped_get_or_404
from counterpart.core.money import MONEY_MAX_FEN
from counterpart.people.models import (
    BenefitKind,
    Household,
    JobPlacement,
    Person,
    PovertyCause,
    Relation,
    Sex,
    Training,
    TrainingKind,
    TrainingParticipant,
)
from counterpart.people.selectors import project_beneficiaries
from counterpart.people.services import (
    PersonRow,
    benefit_record,
    job_placement_record,
    person_register,
    training_create,
)
from counterpart.projects.models import Project
from counterpart.registry.models import Area, Organisation, Pairing

from ..common import (
    ERRORS,
    WRITE_ERRORS,
    AreaCode,
    Day,
    Id,
    InputSchema,
    OutSchema,
    Slug,
    Year,
    actor_of,
    filtered,
    ordered,
    paginated,
    text,
    user_of,
)
from ..idempotency import idempotent
from .shared import IdempotencyKey, get_or_422, program_named

router = Router(tags=["people"])


class PersonOut(OutSchema):
    id: int
    name: str
    sex: Sex
    birth_year: int | None = Field(description="the year only: the full date is part of the identity number")
    area: str = Field(validation_alias="area_id")
    county_code: str
    household: int | None = Field(validation_alias="household_id")
    relation: Relation
    identity_masked: str = Field(description="e.g. 520402***********1; the clear number is never served")
    is_illustrative: bool

    @staticmethod
    def resolve_birth_year(obj: Person) -> int | None:
        return obj.birth_date.year if obj.birth_date else None


class PersonFilter(Schema):
    area: AreaCode | None = Field(None, description="this area and every area below it")
    household: Id | None = None
    sex: Sex | None = None
    name: text(100) | None = None  # type: ignore[valid-type]


@router.get("/persons", response={200: list[PersonOut], **ERRORS})
@paginated
def person_list(
    request: HttpRequest,
    filters: Query[PersonFilter],
    ordering: Literal["id", "-id", "name", "county_code"] | None = None,
):
    queryset = scoped(Person, user_of(request))
    queryset = filtered(
        queryset, filters, area="area__code__code_prefix", household="household_id", sex="sex", name="name"
    )
    return ordered(queryset, ordering)


@router.get("/persons/{person_id}", response={200: PersonOut, **ERRORS})
def person_detail(request: HttpRequest, person_id: Id):
    return scoped_get_or_404(Person, user_of(request), pk=person_id)


class PersonIn(InputSchema):
    name: text(100, min_length=1)  # type: ignore[valid-type]
    sex: Sex
    area: AreaCode = Field(
        description="registered area (county, township or village); a household member's is the household's village"
    )
    birth_date: Day | None = None
    identity_number: str | None = Field(
        None, pattern=r"^[0-9]{17}[0-9Xx]$", description="stored encrypted; answered only masked"
    )
    household: Id | None = None
    relation: Relation = Relation.NONE


@router.post("/persons", response={201: PersonOut, **WRITE_ERRORS})
def person_create(request: HttpRequest, payload: PersonIn, idempotency_key: IdempotencyKey = None):
    """Register a person in an area the user's recipient office covers. A number already registered
    is refused. Send ``Idempotency-Key`` to retry safely."""
    user = user_of(request)
    household = get_or_422(scoped(Household, user), "household", payload.household, pk=payload.household)
    area = get_or_422(Area.objects.all(), "area", payload.area, code=payload.area)
    assert area is not None

    def write() -> tuple[int, object]:
        person = person_register(
            actor=actor_of(request),
            row=PersonRow(
                name=payload.name,
                sex=payload.sex,
                area=area,
                birth_date=payload.birth_date,
                identity_number=payload.identity_number,
                household=household,
                relation=payload.relation,
            ),
        )
        return 201, PersonOut.from_orm(person).model_dump(mode="json")

    return idempotent(request, idempotency_key, write)


class BeneficiaryIn(InputSchema):
    date: Day
    household: Id | None = Field(None, description="a poor household: every member registered at the date is reached")
    person: Id | None = Field(None, description="one member of a poor household (give household or person)")


class ReachOut(Schema):
    project: int
    benefits_recorded: int
    persons_reached: int = Field(description="the project's persons, each counted once however often reached")
    households_reached: int


@router.post("/projects/{project_id}/beneficiaries", response={201: ReachOut, **WRITE_ERRORS})
def project_beneficiary_create(
    request: HttpRequest, project_id: Id, payload: BeneficiaryIn, idempotency_key: IdempotencyKey = None
):
    """Record that a project reached a household or a person: the end of the trace from a fund through its
    project. Whoever may write in both the project's area and the household's (or person's) area may
    record it. Send ``Idempotency-Key`` to retry safely."""
    user = user_of(request)
    project = scoped_get_or_404(Project.objects.select_related("program", "pairing"), user, pk=project_id)
    household = get_or_422(scoped(Household, user), "household", payload.household, pk=payload.household)
    person = get_or_422(scoped(Person, user), "person", payload.person, pk=payload.person)

    def write() -> tuple[int, object]:
        created = benefit_record(
            actor=actor_of(request),
            program=project.program,
            kind=BenefitKind.PROJECT,
            date=payload.date,
            person=person,
            household=household,
            project=project,
        )
        persons, households = project_beneficiaries(project)
        reach = ReachOut(
            project=project.pk, benefits_recorded=len(created), persons_reached=persons, households_reached=households
        )
        return 201, reach.model_dump(mode="json")

    return idempotent(request, idempotency_key, write)


class HouseholdOut(OutSchema):
    id: int
    number: str
    village: str = Field(validation_alias="village_id")
    county_code: str
    head: int | None = Field(validation_alias="head_id")
    poverty_cause: PovertyCause
    helper_name: str
    helper_organisation: int | None = Field(validation_alias="helper_organisation_id")
    is_illustrative: bool


class HouseholdFilter(Schema):
    area: AreaCode | None = Field(None, description="this area and every area below it")
    poverty_cause: PovertyCause | None = None


@router.get("/households", response={200: list[HouseholdOut], **ERRORS})
@paginated
def household_list(
    request: HttpRequest, filters: Query[HouseholdFilter], ordering: Literal["id", "-id", "number"] | None = None
):
    queryset = scoped(Household, user_of(request))
    queryset = filtered(queryset, filters, area="village__code__code_prefix", poverty_cause="poverty_cause")
    return ordered(queryset, ordering)


@router.get("/households/{household_id}", response={200: HouseholdOut, **ERRORS})
def household_detail(request: HttpRequest, household_id: Id):
    return scoped_get_or_404(Household, user_of(request), pk=household_id)


class TrainingOut(OutSchema):
    id: int
    program: str = Field(validation_alias=AliasPath("program", "slug"))
    pairing: int | None = Field(validation_alias="pairing_id")
    project: int | None = Field(validation_alias="project_id")
    kind: TrainingKind
    title: str
    organiser: int | None = Field(validation_alias="organiser_id")
    organiser_name: str
    place: str = Field(validation_alias="place_id")
    start_date: Day
    end_date: Day
    year: int
    reported_participants: int | None
    reported_placed: int | None
    registered_participants: int
    is_illustrative: bool


def _trainings() -> QuerySet[Training]:
    """Trainings with their registered participants counted in the same query, not one COUNT per row."""
    counts = (
        TrainingParticipant.objects.filter(training=OuterRef("pk"))
        .order_by()
        .values("training")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return Training.objects.select_related("program").annotate(registered_participants=Coalesce(Subquery(counts), 0))


class TrainingFilter(Schema):
    program: Slug | None = None
    year: Year | None = None
    kind: TrainingKind | None = None
    place: AreaCode | None = Field(None, description="this area and every area below it")


@router.get("/trainings", response={200: list[TrainingOut], **ERRORS})
@paginated
def training_list(
    request: HttpRequest,
    filters: Query[TrainingFilter],
    ordering: Literal["id", "-id", "start_date", "-start_date"] | None = None,
):
    queryset = scoped(_trainings(), user_of(request))
    queryset = filtered(
        queryset, filters, program="program__slug", year="year", kind="kind", place="place__code__code_prefix"
    )
    return ordered(queryset, ordering)


@router.get("/trainings/{training_id}", response={200: TrainingOut, **ERRORS})
def training_detail(request: HttpRequest, training_id: Id):
    return scoped_get_or_404(_trainings(), user_of(request), pk=training_id)


class TrainingIn(InputSchema):
    program: Slug
    kind: TrainingKind
    title: text(200, min_length=1)  # type: ignore[valid-type]
    place: AreaCode
    start_date: Day
    end_date: Day
    organiser_name: text(200) = ""  # type: ignore[valid-type]
    pairing: Id | None = None
    project: Id | None = None
    reported_participants: int | None = Field(None, ge=0, le=2**31 - 1)
    reported_placed: int | None = Field(None, ge=0, le=2**31 - 1)


@router.post("/trainings", response={201: TrainingOut, **WRITE_ERRORS})
def training_record(request: HttpRequest, payload: TrainingIn):
    """Record a training course held in an area the user may write for."""
    user = user_of(request)
    program = program_named(payload.program)
    place = get_or_422(Area.objects.all(), "place", payload.place, code=payload.place)
    assert place is not None
    pairing = get_or_422(scoped(Pairing, user), "pairing", payload.pairing, pk=payload.pairing)
    project = get_or_422(scoped(Project, user), "project", payload.project, pk=payload.project)
    training = training_create(
        actor=actor_of(request),
        program=program,
        kind=payload.kind,
        title=payload.title,
        place=place,
        start_date=payload.start_date,
        end_date=payload.end_date,
        organiser_name=payload.organiser_name,
        pairing=pairing,
        project=project,
        reported_participants=payload.reported_participants,
        reported_placed=payload.reported_placed,
    )
    return Status(201, _trainings().get(pk=training.pk))


class JobPlacementOut(OutSchema):
    id: int
    program: str = Field(validation_alias=AliasPath("program", "slug"))
    person: int = Field(validation_alias="person_id")
    training: int | None = Field(validation_alias="training_id")
    employer_name: str
    employer: int | None = Field(validation_alias="employer_id")
    place: str = Field(validation_alias="place_id", description="the place of work")
    start_date: Day
    year: int
    monthly_income_fen: int
    is_illustrative: bool


class JobPlacementFilter(Schema):
    program: Slug | None = None
    year: Year | None = None
    person: Id | None = None
    training: Id | None = None


@router.get("/job-placements", response={200: list[JobPlacementOut], **ERRORS})
@paginated
def job_placement_list(
    request: HttpRequest,
    filters: Query[JobPlacementFilter],
    ordering: Literal["id", "-id", "start_date", "-start_date"] | None = None,
):
    queryset = scoped(JobPlacement.objects.select_related("program"), user_of(request))
    queryset = filtered(
        queryset, filters, program="program__slug", year="year", person="person_id", training="training_id"
    )
    return ordered(queryset, ordering)


@router.get("/job-placements/{placement_id}", response={200: JobPlacementOut, **ERRORS})
def job_placement_detail(request: HttpRequest, placement_id: Id):
    return scoped_get_or_404(JobPlacement.objects.select_related("program"), user_of(request), pk=placement_id)


class JobPlacementIn(InputSchema):
    program: Slug
    person: Id
    employer_name: text(200, min_length=1)  # type: ignore[valid-type]
    employer: Id | None = Field(None, description="the employer's organisation, if registered")
    place: AreaCode = Field(description="the place of work")
    start_date: Day
    monthly_income_fen: int = Field(ge=0, le=MONEY_MAX_FEN)
    training: Id | None = Field(None, description="the course that led to the job, if any")


@router.post("/job-placements", response={201: JobPlacementOut, **WRITE_ERRORS})
def job_placement_create(request: HttpRequest, payload: JobPlacementIn, idempotency_key: IdempotencyKey = None):
    """Record a labourer placed in a job (转移就业): the county office of the person's area or the program
    office. A member of a poor household also gets a job-placement benefit. Send ``Idempotency-Key`` to
    retry safely."""
    user = user_of(request)
    program = program_named(payload.program)
    person = get_or_422(scoped(Person, user), "person", payload.person, pk=payload.person)
    place = get_or_422(Area.objects.all(), "place", payload.place, code=payload.place)
    training = get_or_422(scoped(Training, user), "training", payload.training, pk=payload.training)
    employer = get_or_422(Organisation.objects.all(), "employer", payload.employer, pk=payload.employer)
    assert person is not None and place is not None

    def write() -> tuple[int, object]:
        placement = job_placement_record(
            actor=actor_of(request),
            program=program,
            person=person,
            employer_name=payload.employer_name,
            place=place,
            start_date=payload.start_date,
            monthly_income_fen=payload.monthly_income_fen,
            training=training,
            employer=employer,
        )
        placement = JobPlacement.objects.select_related("program").get(pk=placement.pk)
        return 201, JobPlacementOut.from_orm(placement).model_dump(mode="json")

    return idempotent(request, idempotency_key, write)
