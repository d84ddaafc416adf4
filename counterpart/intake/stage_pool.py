"""Encoding staged rows in worker processes: both cores for the CPU-bound part of a large import.

The importing process reads the file and hands its rows, in batches of ``BATCH_ROWS``, to the kind's
batch encoder (``Kind.stage_batch_encoder``): the rows it accepts outright come back as lines of COPY
text, with the positions of those it declined, which the importer then encodes itself (their exact
messages need the database). Once a file has given ``POOL_MIN_ROWS`` rows, the batches go to a pool of
worker processes — spawned, so they share nothing with the importer's database connection; the keys
reach them through the pool's pipe, never a file — while the importer goes on reading. Results come
back in the order the batches went out, and at most ``IN_FLIGHT`` batches per worker are out at once:
memory is bounded by those batches, whatever the size of the file. A smaller file, or
``INTAKE_STAGE_WORKERS = 0``, never starts the pool: the same batch function runs in the importer.
"""

import collections
import contextlib
import os
import queue
import subprocess
import sys
import threading
from collections.abc import Callable, Sequence
from typing import Any

from django.conf import settings

from .stage_worker import message_read, message_write

BATCH_ROWS = 2000
IN_FLIGHT = 3
POOL_MIN_ROWS = 20_000

Batch = list[tuple[int, Sequence[Any]]]
Encoded = tuple[Batch, bytes, list[int]]
Result = tuple[bytes, list[int]]


def stage_workers() -> int:
    """How many worker processes a large import encodes with: ``INTAKE_STAGE_WORKERS``, else one a core
    when the cores are idle enough to run them (a load average under the number of cores less one), else
    none. On cores already busy the workers only add their own cost — pickling the rows to them, their
    answers back — to a load of about 7 µs of CPU a row (measured: docs/benchmarks.md, "Intake")."""
    configured = getattr(settings, "INTAKE_STAGE_WORKERS", None)
    if configured is not None:
        return int(configured)
    cores = os.cpu_count() or 1
    return cores if cores > 1 and os.getloadavg()[0] < cores - 1 else 0


class _Worker:
    """One ``python -m counterpart.intake.stage_worker`` process; a thread reads its answers as they come,
    so that neither side ever waits on a full pipe while the other waits on it."""

    def __init__(self, encoder: Any) -> None:
        environment = {**os.environ, "PYTHONPATH": os.pathsep.join(path for path in sys.path if path)}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "counterpart.intake.stage_worker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=environment,
        )
        assert self.process.stdin is not None and self.process.stdout is not None
        self._input, self._output = self.process.stdin, self.process.stdout
        self.answers: queue.Queue[Result | None] = queue.Queue()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        message_write(self._input, encoder)

    def _read(self) -> None:
        while (answer := message_read(self._output)) is not None:
            self.answers.put(answer)
        self.answers.put(None)

    def send(self, batch: Batch) -> None:
        message_write(self._input, batch)

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self._input.close()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self._reader.join(timeout=10)
        self._output.close()


class StagePipeline:
    """Batches of rows in, (batch, COPY lines, declined positions) out, in order."""

    def __init__(self, encoder: Any, *, workers: int | None = None, pool_min_rows: int | None = None) -> None:
        self._encoder = encoder
        self._local: Callable[[Batch], Result] = encoder.start()
        self._workers = stage_workers() if workers is None else workers
        self._pool_min_rows = POOL_MIN_ROWS if pool_min_rows is None else pool_min_rows
        self._rows = 0
        self._pool: list[_Worker] = []
        self._sent = 0
        self._out: collections.deque[tuple[Batch, _Worker]] = collections.deque()

    @property
    def pooled(self) -> bool:
        return bool(self._pool)

    def put(self, batch: Batch) -> list[Encoded]:
        """Hand a batch over; what has come back since (possibly this very batch, or nothing yet)."""
        self._rows += len(batch)
        if not self._pool and self._workers > 0 and self._rows >= self._pool_min_rows:
            self._pool = [_Worker(self._encoder) for _ in range(self._workers)]
        if not self._pool:
            return [(batch, *self._local(batch))]
        worker = self._pool[self._sent % len(self._pool)]
        self._sent += 1
        with contextlib.suppress(OSError):  # the worker has gone: its answers end, _take() encodes its batches here
            worker.send(batch)
        self._out.append((batch, worker))
        done = []
        while len(self._out) > IN_FLIGHT * len(self._pool) or (self._out and not self._out[0][1].answers.empty()):
            done.append(self._take())
        return done

    def _take(self) -> Encoded:
        sent, worker = self._out.popleft()
        answer = worker.answers.get()
        if answer is None:  # a worker that died (killed, out of memory): this process does its share
            worker.answers.put(None)
            return (sent, *self._local(sent))
        return (sent, *answer)

    def drain(self) -> list[Encoded]:
        """Everything still out, in order."""
        return [self._take() for _ in range(len(self._out))]

    def close(self) -> None:
        self._out.clear()
        for worker in self._pool:
            worker.close()
        self._pool = []
