"""docs/intake.md documents every template's columns exactly as the kinds declare them."""

from pathlib import Path

from counterpart.intake.docs import kind_markdown
from counterpart.intake.kinds import kinds_all

DOC = Path(__file__).resolve().parents[3] / "docs" / "intake.md"


def test_every_kind_is_documented_as_declared():
    text = DOC.read_text(encoding="utf-8")
    missing = [kind.key for kind in kinds_all() if kind_markdown(kind) not in text]
    assert missing == []
