"""``counterpart distribute [--shards N]``: distribute the migrated database over its Citus cluster."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from counterpart.core.citus import citus_available, citus_distribute


class Command(BaseCommand):
    help = (
        "On a Citus coordinator (CREATE EXTENSION citus, workers added): reference tables, the large tables "
        "distributed by county_code and co-located, composite keys and the blind-index table (docs/scale.md)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--shards", type=int, default=32, help="shards per distributed table (default 32)")

    def handle(self, *args: Any, **options: Any) -> None:
        if not citus_available():
            raise CommandError("this database has no citus extension: run CREATE EXTENSION citus on the coordinator")
        result = citus_distribute(shard_count=options["shards"], progress=lambda step: self.stderr.write(step))
        lines = [
            f"reference tables: {', '.join(result.reference) or '-'}",
            f"distributed by county_code: {', '.join(result.distributed) or '-'}",
            f"keys with county_code: {len(result.keys_widened)}",
            *[f"  {key}" for key in result.keys_widened],
            f"generated columns made plain: {', '.join(result.generated_made_plain) or '-'}",
            f"identity index rows: {result.identity_index_rows:,}",
            f"foreign keys kept: {len(result.foreign_keys_kept)}",
            f"foreign keys dropped: {len(result.foreign_keys_dropped)}",
            *[f"  {key}" for key in result.foreign_keys_dropped],
            f"triggers reading their own shard: {', '.join(result.triggers_made_shard_local) or '-'}",
            f"sequences moved past their table's largest id: {len(result.sequences_moved)}",
            *[f"  {moved}" for moved in result.sequences_moved],
        ]
        self.stdout.write("\n".join(lines))
