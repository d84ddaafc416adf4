"""The column layout of every template, as Markdown, for docs/intake.md (other systems write these files).

``templates_markdown()`` is the section "Templates: the columns" of docs/intake.md; a test checks
that the document holds exactly what the kinds declare, so the two cannot drift apart.
"""

from .exporters import TYPE_NAMES
from .kinds import Column, ColumnType, Kind, kinds_all


def _type(column: Column) -> str:
    name = TYPE_NAMES[column.type][1]
    if column.type == ColumnType.TEXT and column.max_length:
        name += f" (≤ {column.max_length})"
    if column.sensitive:
        name += ", sensitive"
    return name


def _notes(column: Column) -> str:
    parts = [f"`{value}` {zh} {en}".strip() for value, zh, en in column.choices]
    note = " ".join(part for part in (column.note_zh, column.note_en) if part)
    if note:
        parts.append(note)
    return "; ".join(parts)


def kind_markdown(kind: Kind) -> str:
    lines = [
        f"### `{kind.key}` — {kind.name_zh} {kind.name_en}",
        "",
        f"Natural key: {', '.join(f'`{name}`' for name in kind.natural_key)}. {kind.instructions_en}",
        "",
        "| key | 中文表头 | English header | type | required | allowed values / notes |",
        "|---|---|---|---|---|---|",
    ]
    for column in kind.columns:
        required = "yes" if column.required else ""
        lines.append(
            f"| `{column.key}` | {column.header_zh} | {column.header_en} | {_type(column)} | {required} | "
            f"{_notes(column)} |"
        )
    return "\n".join(lines) + "\n"


# The order of the document: money and projects, then people, then enterprises.
ORDER = (
    "projects",
    "ledger",
    "reported_values",
    "households",
    "persons",
    "trainings",
    "training_participants",
    "student_aid",
    "enterprise_reports",
    "market_events",
)


def templates_markdown() -> str:
    kinds = sorted(kinds_all(), key=lambda kind: ORDER.index(kind.key) if kind.key in ORDER else len(ORDER))
    return "\n".join(kind_markdown(kind) for kind in kinds)
