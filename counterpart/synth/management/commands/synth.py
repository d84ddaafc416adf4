"""``counterpart synth --scale S [--seed N] [--workers N] [--yes]``: generate a synthetic national dataset."""

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from counterpart.core.migrations_state import migrations_pending
from counterpart.synth.extras import enterprises_planned, trainings_planned
from counterpart.synth.generate import synth_generate
from counterpart.synth.people import workers_default
from counterpart.synth.plan import synth_plan


class Command(BaseCommand):
    help = "Generate a deterministic synthetic national dataset (scale 1.0 = national size) on the current database."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", type=float, required=True, help="1.0 national; 0.1 and 0.01 for daily use")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--yes", action="store_true", help="do not ask before starting")
        parser.add_argument(
            "--workers",
            type=int,
            default=workers_default(),
            help="processes making the people registry's rows (default: the cores available); same rows for any N",
        )
        parser.add_argument(
            "--no-people", action="store_true", help="projects, ledger, trainings and enterprises without the registry"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        pending = migrations_pending()
        if pending:
            raise CommandError(
                f"数据库尚未迁移（{len(pending)} 个迁移未应用）：请先运行 counterpart migrate "
                f"The database is not migrated ({len(pending)} migrations not applied, e.g. {pending[0]}): "
                "run `counterpart migrate` first."
            )
        if options["workers"] < 1:
            raise CommandError("--workers must be at least 1")
        try:
            plan = synth_plan(options["scale"], options["seed"], with_people=not options["no_people"])
        except ValueError as error:
            raise CommandError(str(error)) from error
        estimate = plan.estimate(workers=options["workers"])
        console = Console(stderr=True)
        console.print(
            f"规模 scale {plan.scale}: {plan.counties:,} counties, {plan.villages:,} villages, "
            f"{plan.projects:,} projects, {plan.postings:,} ledger postings, {plan.persons:,} persons, "
            f"{options['workers']} worker processes\n"
            f"预计 estimate: about {estimate['seconds'] / 60:.1f} min and {estimate['bytes'] / 2**30:.2f} GiB on disk"
        )
        asking = not options["yes"] and console.is_terminal
        if asking and input("继续 Continue? [y/N] ").strip().lower() not in ("y", "yes"):
            raise CommandError("cancelled")
        started = time.monotonic()
        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            TextColumn("{task.completed:,}"),
            TimeElapsedColumn(),
            console=console,
        ) as progress:
            tasks: dict[str, Any] = {}
            totals = {
                "areas": plan.areas,
                "pairings": plan.counties,
                "projects": plan.projects,
                "postings": plan.postings,
                "persons": plan.persons,
                "trainings": trainings_planned(plan.scale),
                "enterprises": enterprises_planned(plan.scale),
            }
            counted: dict[str, int] = {}

            def advance(step: str, done: int) -> None:
                if step not in tasks:
                    tasks[step] = progress.add_task(step, total=totals.get(step))
                progress.advance(tasks[step], done)
                if not console.is_terminal:
                    # a log file gets a line per chunk instead of a live bar
                    counted[step] = counted.get(step, 0) + done
                    total = totals.get(step)
                    share = f" ({counted[step] / total:.0%})" if total else ""
                    elapsed = time.monotonic() - started
                    console.print(f"{elapsed:8.0f} s  {step}: {counted[step]:,}{share}", highlight=False)

            generated = synth_generate(plan, progress=advance, workers=options["workers"])
        self.stdout.write(f"已生成 Generated {generated.program.slug} in {time.monotonic() - started:.1f} s")
