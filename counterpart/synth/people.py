"""The synthetic people registry: households, persons with valid protected identity numbers, benefits."""

import collections
import datetime
import hashlib
import multiprocessing
import os
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor

from django.db import connection

from counterpart.people.models import Benefit, Household, Person

from .bulk import bulk_write, next_id, table_columns
from .people_rows import BENEFIT_COLUMNS, HOUSEHOLD_COLUMNS, PERSON_COLUMNS, PeopleJob, PeoplePart, people_part
from .plan import Generated, Plan, Progress

BIRTH_SPAN_DAYS = 2_500


def _free_birth_span(slug: str, counties: list[str]) -> datetime.date:
    """The first day of a span of birth dates no person of these counties was born in yet.

    Each synthetic program in one database needs its own span (so identity numbers never collide).
    The search starts at a span chosen from the slug rather than the database id, so the same seed
    gives the same persons in any fresh database, whatever ids its sequences hand out; it moves on
    only when another synthetic dataset already holds that span.
    """
    start = int(hashlib.sha256(slug.encode()).hexdigest(), 16) % 8
    for offset in range(8):
        first = datetime.date(1930, 1, 1) + datetime.timedelta(days=((start + offset) % 8) * BIRTH_SPAN_DAYS)
        last = first + datetime.timedelta(days=BIRTH_SPAN_DAYS - 1)
        if not Person.objects.filter(county_code__in=counties, birth_date__range=(first, last)).exists():
            return first
    raise ValueError("every span of synthetic birth dates is taken in these counties")


def workers_default() -> int:
    """The cores this process may run on (a container or taskset may allow fewer than the machine has)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def synth_people(
    plan: Plan,
    generated: Generated,
    projects_by_county: dict[str, dict[int, list[tuple[int, int, str, str]]]],
    progress: Progress,
    *,
    workers: int = 1,
) -> None:
    """Registered poor households of three, each person with a valid, encrypted identity number, and
    the benefits that reached them through the county's projects (counted once per person and year).

    The rows are made part by part (``synth.people_rows``) by ``workers`` processes and written here, in
    the order of the parts, through this connection and inside the caller's transaction: the same rows
    whatever the number of workers.
    """
    program = generated.program
    per_county = max(3, plan.persons // len(generated.counties) // 3 * 3)
    births_from = _free_birth_span(program.slug, generated.counties)
    if per_county // 1000 >= BIRTH_SPAN_DAYS:
        raise ValueError("too many persons per county for distinct synthetic identity numbers")
    job = PeopleJob(
        seed=plan.seed,
        program_id=program.pk,
        per_county=per_county,
        births_from=births_from,
        first_household=next_id(Household),
        first_person=next_id(Person),
        counties=generated.counties,
        villages=generated.villages,
        villages_per_county=plan.villages_per_county,
        pairings=generated.pairings,
        projects={
            county: {year: [(item[0], item[3]) for item in items] for year, items in years.items()}
            for county, years in projects_by_county.items()
        },
        as_copy=connection.vendor == "postgresql",
    )
    benefit_id = next_id(Benefit)
    if job.as_copy:
        # The server numbers the benefits as they arrive, from the id the table would take next (not
        # from wherever the sequence stands after a rolled-back run), so the ids follow the parts' order.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence(%s, 'id'), %s, false)", [Benefit._meta.db_table, benefit_id]
            )
    for part in _parts_made(job, workers):
        if job.as_copy:
            assert isinstance(part.households, bytes) and isinstance(part.persons, bytes)
            assert isinstance(part.benefits, bytes)
            _copy_text(Household, HOUSEHOLD_COLUMNS, part.households)
            _copy_text(Person, PERSON_COLUMNS, part.persons)
            _copy_text(Benefit, BENEFIT_COLUMNS, part.benefits)
        else:
            assert isinstance(part.households, list) and isinstance(part.persons, list)
            assert isinstance(part.benefits, list)
            bulk_write(Household, HOUSEHOLD_COLUMNS, part.households)
            bulk_write(Person, PERSON_COLUMNS, part.persons)
            bulk_write(
                Benefit,
                ["id", *BENEFIT_COLUMNS],
                [(benefit_id + offset, *row) for offset, row in enumerate(part.benefits)],
            )
            benefit_id += part.benefit_count
        progress("persons", part.person_count)


_JOB: PeopleJob | None = None


def _part_in_worker(county_index: int, part: int) -> PeoplePart:
    assert _JOB is not None
    return people_part(_JOB, county_index, part)


def _parts_made(job: PeopleJob, workers: int) -> Iterator[PeoplePart]:
    """The parts of ``job`` in order, made by ``workers`` processes with at most two parts each in flight
    (the memory stays flat: parts are made as fast as they are written, no faster)."""
    parts = job.parts()
    if workers <= 1:
        for county_index, part in parts:
            yield people_part(job, county_index, part)
        return
    global _JOB
    # fork: the workers inherit the job (a million projects at S = 1.0) and the settings, the keys among
    # them, without a pickle or a file; they touch neither the database connection nor the console.
    _JOB = job
    try:
        with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork")) as pool:
            pending: collections.deque[Future[PeoplePart]] = collections.deque()
            queued = iter(parts)
            for county_index, part in queued:
                pending.append(pool.submit(_part_in_worker, county_index, part))
                if len(pending) >= 2 * workers:
                    break
            while pending:
                try:
                    made = pending.popleft().result()
                except BaseException:
                    pool.shutdown(cancel_futures=True)
                    raise
                following = next(queued, None)
                if following is not None:
                    pending.append(pool.submit(_part_in_worker, *following))
                yield made
    finally:
        _JOB = None


def _copy_text(model: type[Household | Person | Benefit], attnames: list[str], data: bytes) -> None:
    """COPY text made by a worker, passed to the server as it is (this process parses nothing)."""
    if not data:
        return
    table, columns = table_columns(model, attnames)
    quote = connection.ops.quote_name
    raw = connection.connection
    assert raw is not None
    with (
        raw.cursor() as cursor,
        cursor.copy(f"COPY {quote(table)} ({', '.join(quote(c) for c in columns)}) FROM STDIN") as copy,
    ):
        copy.write(data)
