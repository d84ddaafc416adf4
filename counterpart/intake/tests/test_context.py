"""ImportContext's lookups: bounded, whatever the file names; what the file defines is kept whole and wins."""

from collections.abc import Callable

from counterpart.intake import kinds
from counterpart.intake.kinds import ImportContext


def test_lookups_are_bounded_and_the_recently_used_stay(monkeypatch) -> None:
    # given a cap of 3 lookups
    monkeypatch.setattr(kinds, "REF_CACHE_MAX", 3)
    context = ImportContext()
    calls: list[int] = []

    def find(n: int) -> Callable[[], str]:
        def look_up() -> str:
            calls.append(n)
            return f"household {n}"

        return look_up

    # when a file names ten households, and the first one again after each
    context.ref(("household", 0), find(0))
    for n in range(1, 10):
        assert context.ref(("household", n), find(n)) == f"household {n}"
        assert context.ref(("household", 0), find(0)) == "household 0"
    # then no more than 3 are held, the one used throughout was looked up once, an evicted one again
    assert len(context.lookups) == 3
    assert calls.count(0) == 1
    context.ref(("household", 1), find(1))
    assert calls.count(1) == 2


def test_what_the_file_defines_is_not_evicted_and_wins(monkeypatch) -> None:
    monkeypatch.setattr(kinds, "REF_CACHE_MAX", 1)
    context = ImportContext()
    context.file_refs[("program", "new")] = "the program the file creates"
    for n in range(5):
        context.ref(("program", f"other{n}"), lambda: None)
    assert context.ref(("program", "new"), lambda: "looked up") == "the program the file creates"
