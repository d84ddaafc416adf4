"""No role can rebuild an identity number from what it sees (docs/security.md, "Masking against linkage").

For each demo role, every person it can see is gathered through each edge — the people list pages,
every person's page (one in five for the two program-wide roles), about 50 households' pages, the program
office's notices of refused duplicates, the persons export in CSV and XLSX, the REST API's list and
records, and an API refusal that names the number — and what those show of a person is joined,
as an attacker would join columns. The count of identity numbers that knowledge narrows to fewer than
10,000 candidates must be 0.
"""

import csv
import datetime
import html
import io
import re

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from counterpart.access.scoping import scoped
from counterpart.api.services import api_token_create
from counterpart.core.audit import Actor
from counterpart.demo.accounts import DEMO_ACCOUNTS, demo_accounts_ensure
from counterpart.people.duplicates import duplicate_refusal_record
from counterpart.people.identity import identity_compose, identity_decrypt
from counterpart.people.linkage import SAFE_CANDIDATES, Knowledge, identity_candidates
from counterpart.people.models import Household, Person, Sex

_MASKLIKE = re.compile(r"(?<![\dA-Za-z*])[\dX*]{18}(?![\dA-Za-z*])")
_ROW = re.compile(r"<tr>(.*?)</tr>|<li>(.*?)</li>", re.S)
_PERSON_LINK = re.compile(r"/app/people/(\d+)/")


def _learn(knowledge: Knowledge, truth: Person, text: str) -> None:
    """What a chunk of text shown beside one person tells of that person's number.

    Sex and birth year count as known whatever is shown (the pages do show them); a mask teaches the
    characters it shows; the birth date, or its month, counts as known if it appears in any spelling.
    """
    text = html.unescape(text)
    for shown in _MASKLIKE.findall(text):
        knowledge.learn_mask(shown)
    birth = truth.birth_date
    if birth is None:
        return
    spellings = (
        f"{birth:%Y-%m-%d}",
        f"{birth:%Y%m%d}",
        f"{birth:%Y/%m/%d}",
        f"{birth.year}年{birth.month}月{birth.day}日",
    )
    if any(spelling in text for spelling in spellings):
        knowledge.birth_dates = {birth}
    elif f"{birth:%Y-%m}" in text or f"{birth.year}年{birth.month}月" in text:
        knowledge.birth_month = birth.month


def _rows(body: str) -> list[str]:
    """The table rows and list items of a page (a person's row, a household's member)."""
    return [row or item for row, item in _ROW.findall(body)]


def _xlsx_rows(content: bytes) -> list[list[str]]:
    book = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    return [["" if v is None else str(v) for v in row] for sheet in book for row in sheet.iter_rows(values_only=True)]


def _crawl(user, persons: dict[int, Person]) -> dict[int, Knowledge]:
    web = Client()
    web.force_login(user)
    _token, raw = api_token_create(actor=Actor.system("test"), user=user)
    api = Client(headers={"Authorization": f"Bearer {raw}"})
    known: dict[int, Knowledge] = {}

    def learn(pk: int, text: str) -> None:
        if pk not in persons:  # a person registered without a number: nothing to rebuild
            return
        truth = persons[pk]
        knowledge = known.setdefault(pk, Knowledge(birth_year=truth.birth_date.year if truth.birth_date else None))
        knowledge.is_male = truth.sex == Sex.MALE
        _learn(knowledge, truth, text)

    # the list pages, row by row
    page = 1
    while True:
        response = web.get("/app/people/", {"page": page})
        assert response.status_code == 200
        body = response.content.decode()
        for row in _rows(body):
            if link := _PERSON_LINK.search(row):
                learn(int(link.group(1)), row)
        if f"page={page + 1}" not in body:
            break
        page += 1
    # every person's page (the program-wide roles': one in five, the same template for each)
    step = 5 if len(known) > 1000 else 1
    for pk in sorted(known)[::step]:
        response = web.get(f"/app/people/{pk}/")
        assert response.status_code == 200
        learn(pk, response.content.decode())
    # the households' pages: each member is a list item beside the person's link
    # (about 50 per role, evenly spread: each household's page is the same template, and CI's time counts)
    households = list(scoped(Household, user).values_list("pk", flat=True).order_by("pk"))
    for pk in households[:: max(1, len(households) // 50)]:
        for row in _rows(web.get(f"/app/households/{pk}/").content.decode()):
            if link := _PERSON_LINK.search(row):
                learn(int(link.group(1)), row)
    # the program office's notices of refused duplicates (the page answers only the roles it is for)
    notices = web.get("/app/people/duplicates/")
    for row in _rows(notices.content.decode()) if notices.status_code == 200 else []:
        if link := _PERSON_LINK.search(row):
            learn(int(link.group(1)), row)
    # the exports, CSV and XLSX: rows carry no id; each is joined to every person of that name whose
    # mask it shows
    by_name: dict[str, list[Person]] = {}
    for person in persons.values():
        by_name.setdefault(person.name, []).append(person)
    response = web.get("/app/people/", {"format": "csv"})
    assert response.status_code == 200
    content = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))[1:]
    response = web.get("/app/people/", {"format": "xlsx"})
    assert response.status_code == 200
    workbook = b"".join(response.streaming_content) if response.streaming else response.content  # type: ignore[attr-defined]
    rows += _xlsx_rows(workbook)[1:]
    for record in rows:
        text = " ".join(record)
        masks = _MASKLIKE.findall(text)
        for person in by_name.get(record[2], []):
            # the attacker joins a row to the listed person of that name whose mask it shows
            shown = known[person.pk].characters if person.pk in known else None
            if shown and masks and all(all(m[i] == c for i, c in shown.items()) for m in masks):
                learn(person.pk, text)
    # the API: the list, then each person's record, and a refusal that names the number
    offset = 0
    while True:
        answer = api.get("/api/persons", {"limit": 500, "offset": offset}).json()
        for item in answer["items"]:
            learn(item["id"], str(item))
        if not answer["more"]:
            break
        offset += len(answer["items"])
    for pk in list(known)[:20]:
        learn(pk, api.get(f"/api/persons/{pk}").content.decode())
        truth = persons[pk]
        clear = identity_decrypt(truth.identity_key_id, truth.identity_ciphertext)  # type: ignore[arg-type]
        refused = api.post(
            "/api/persons",
            {"name": truth.name, "sex": truth.sex, "area": truth.area_id, "identity_number": clear},
            content_type="application/json",
        )
        assert refused.status_code in (400, 403, 404, 409, 422)
        learn(pk, refused.content.decode())
    return known


@pytest.mark.django_db
def test_no_role_sees_enough_to_narrow_a_number_below_ten_thousand(demo_program, tmp_path):
    # given the demo's persons and its accounts
    demo_accounts_ensure(tmp_path / "demo-login.txt")
    persons = {p.pk: p for p in Person.objects.exclude(identity_ciphertext=None)}
    # and refused duplicates of some of them, on the program office's notices page
    for person in list(persons.values())[::50]:
        duplicate_refusal_record(Actor.system("county-prober"), person.identity_blind_index)
    users = get_user_model().objects
    narrowed: dict[str, int] = {}
    seen: dict[str, int] = {}
    for account in DEMO_ACCOUNTS:
        user = users.get(username=account.username)
        visible = set(scoped(Person, user).exclude(identity_ciphertext=None).values_list("pk", flat=True))
        # when every edge is read as that role
        known = _crawl(user, persons) if visible else {}
        # then it saw every person it may see, learned only true characters, and could narrow none
        assert set(known) == visible, account.username
        for pk, knowledge in known.items():
            clear = identity_decrypt(persons[pk].identity_key_id, persons[pk].identity_ciphertext)  # type: ignore[arg-type]
            assert all(clear[position] == character for position, character in knowledge.characters.items())
        seen[account.username] = len(known)
        narrowed[account.username] = sum(identity_candidates(k) < SAFE_CANDIDATES for k in known.values())
    assert seen["office"] > 1000 and seen["county-puding"] > 100
    assert narrowed == dict.fromkeys(seen, 0)


def test_the_counter_finds_the_old_mask_beside_a_birth_date_unsafe():
    # given the mask of before (area and last four) and the birth date a page showed beside it
    number = identity_compose("520402", datetime.date(1990, 5, 6), 604)
    old = Knowledge(birth_dates={datetime.date(1990, 5, 6)}, is_male=False)
    old.learn_mask(number[:6] + "********" + number[14:])
    # then exactly one number is left: it is rebuilt
    assert identity_candidates(old) == 1
    # and the birth year with that mask left 33, also far too few
    year_only = Knowledge(birth_year=1990)
    year_only.learn_mask(number[:6] + "********" + number[14:])
    assert identity_candidates(year_only) < 40


def test_the_new_mask_with_birth_year_and_sex_leaves_more_than_ten_thousand():
    number = identity_compose("520402", datetime.date(1990, 5, 6), 604)
    knowledge = Knowledge(birth_year=1990, is_male=False)
    knowledge.learn_mask(number[:6] + "*" * 11 + number[17])
    count = identity_candidates(knowledge, limit=10**9)
    # 365 days x 500 even sequences, one in 11 with this check character
    assert 365 * 500 // 11 - 200 < count < 365 * 500 // 11 + 200
    assert count >= SAFE_CANDIDATES
