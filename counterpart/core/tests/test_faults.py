"""Fault injection on a private PostgreSQL server (never the shared one): processes are killed with
SIGKILL at the worst moment, the database is crashed and restarted mid-request. After each fault
nothing is half-written, nothing acknowledged is lost, and ``counterpart check-integrity`` passes.

The server is initdb'd in a temporary directory and started with pg_ctl on a free port; tests are
marked ``faults`` and skip where the PostgreSQL server binaries are missing.
"""

import csv
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
import pytest

from counterpart.intake.tests.conftest import PROJECT_HEADER

from .conftest import counterpart_environment, counterpart_run

# Also marked postgres so that CI runs them once, in its PostgreSQL pass, not in the SQLite one too.
pytestmark = [pytest.mark.faults, pytest.mark.postgres]


def _postgresql_bin() -> Path | None:
    found = shutil.which("initdb")
    if found:
        return Path(found).parent
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parts[-3]))
    return versions[-1].parent if versions else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


SETUP = """
import datetime
from counterpart.core.audit import Actor
from counterpart.funds.services import ledger_commit
from counterpart.registry.models import Area
from counterpart.registry.services import AreaRow, areas_upsert, program_create
actor = Actor.system("faults")
areas_upsert(actor=actor, rows=[AreaRow("37", "山东省"), AreaRow("3702", "青岛市"), AreaRow("52", "贵州省"),
                     AreaRow("5204", "安顺市"), AreaRow("520422", "普定县")], source="faults")
program = program_create(actor=actor, slug="qd-gz", name_zh="青岛—贵州", donor_area=Area.objects.get(code="3702"),
                         start_year=1996)
ledger_commit(actor=actor, program=program, date=datetime.date(2009, 1, 5), source="fiscal_municipal",
              amount_fen=10**12, description="faults")
"""


@dataclass
class PrivateServer:
    bin: Path
    data: Path
    port: int
    directory: Path
    env: dict[str, str]
    as_postgres: list[str]
    options: str = ""

    def start(self) -> None:
        self.pg_ctl("-l", str(self.directory / "server.log"), "-o", self.options, "start")

    def pg_ctl(self, *args: str) -> None:
        subprocess.run(
            [*self.as_postgres, str(self.bin / "pg_ctl"), "-D", str(self.data), "-w", "-t", "60", *args],
            check=True,
            capture_output=True,
        )

    def query(self, sql: str, *params: Any) -> list[tuple[Any, ...]]:
        with psycopg.connect(host="127.0.0.1", port=self.port, user="postgres", dbname="counterpart") as conn:
            return conn.execute(sql, params).fetchall()

    def scalar(self, sql: str, *params: Any) -> Any:
        return self.query(sql, *params)[0][0]

    def integrity_passes(self) -> bool:
        result = counterpart_run(self.env, "check-integrity", check=False)
        return result.returncode == 0


@pytest.fixture(scope="module")
def server() -> Iterator[PrivateServer]:
    bin_dir = _postgresql_bin()
    if bin_dir is None or not (bin_dir / "pg_ctl").exists():
        pytest.skip("PostgreSQL server binaries (initdb, pg_ctl) are not installed")
    directory = Path(tempfile.mkdtemp(prefix="counterpart-faults-"))
    directory.chmod(0o755)
    as_postgres: list[str] = []
    if os.geteuid() == 0:  # initdb refuses to run as root
        shutil.chown(directory, "postgres", "postgres")
        as_postgres = ["runuser", "-u", "postgres", "--"]
    data, port = directory / "data", _free_port()
    subprocess.run(
        [*as_postgres, str(bin_dir / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8"],
        check=True,
        capture_output=True,
    )
    options = f"-p {port} -k {directory} -c listen_addresses=127.0.0.1 -c fsync=on"
    server = PrivateServer(bin_dir, data, port, directory, {}, as_postgres, options)
    server.start()
    try:
        with psycopg.connect(host="127.0.0.1", port=port, user="postgres", dbname="postgres", autocommit=True) as conn:
            conn.execute("CREATE DATABASE counterpart")
        app_data = Path(tempfile.mkdtemp(prefix="counterpart-faults-app-"))
        server.env = counterpart_environment(app_data, f"postgres://postgres@127.0.0.1:{port}/counterpart")
        counterpart_run(server.env, "migrate", "--noinput")
        counterpart_run(server.env, "shell", "-c", SETUP)
        yield server
    finally:
        subprocess.run(
            [*as_postgres, str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"], capture_output=True
        )
        shutil.rmtree(directory, ignore_errors=True)


def _wait_for(condition: Any, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)


def test_worker_killed_mid_import_leaves_a_batch_that_resumes(server: PrivateServer, tmp_path: Path) -> None:
    # given: a queued upload of 20,000 projects
    rows = 20_000
    path = tmp_path / "projects.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(PROJECT_HEADER)
        for n in range(rows):
            writer.writerow(["qd-gz", f"F-{n:06d}", f"项目{n}", "planting", "520422", 2009, f"{n}.50"])
    counterpart_run(
        server.env,
        "shell",
        "-c",
        "from pathlib import Path; from counterpart.core.audit import Actor; "
        "from counterpart.intake.services import batch_enqueue; "
        f"batch_enqueue(actor=Actor.system('faults'), path=Path({str(path)!r}), kind='projects')",
    )
    # when: the worker is killed with SIGKILL once some rows are written
    worker = subprocess.Popen(
        [sys.executable, "-m", "counterpart.cli", "worker", "--once"],
        env=server.env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )

    def written() -> bool:
        return server.scalar("SELECT coalesce(max(rows_done), 0) FROM intake_importbatch") > 0

    _wait_for(lambda: written() or worker.poll() is not None, 300, "the worker to write a chunk")
    assert worker.poll() is None, "the import finished before it could be killed"
    os.kill(worker.pid, signal.SIGKILL)
    worker.wait()
    # then: what is in is whole chunks, exactly as many as the batch says, with their history
    status, done = server.query("SELECT status, rows_done FROM intake_importbatch")[0]
    loaded = server.scalar("SELECT count(*) FROM projects_project WHERE code LIKE 'F-%%'")
    assert status == "writing" and 0 < loaded == done < rows
    assert server.integrity_passes()
    # when: the same file is imported again, it resumes and completes with every row once
    counterpart_run(server.env, "import", str(path), "--kind", "projects")
    assert server.scalar("SELECT count(DISTINCT code) FROM projects_project WHERE code LIKE 'F-%%'") == rows
    assert server.scalar("SELECT count(*) FROM projects_project WHERE code LIKE 'F-%%'") == rows
    assert server.integrity_passes()


class Gunicorn:
    """gunicorn serving faultapp against the private server, in its own process group."""

    def __init__(self, env: dict[str, str]) -> None:
        self.env = env
        self.processes: list[subprocess.Popen[bytes]] = []

    def start(self) -> int:
        port = _free_port()
        command = [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", "2"]
        command += ["--no-control-socket", "--timeout", "300", "counterpart.core.tests.faultapp:application"]
        # start_new_session: its own process group, so SIGKILL reaches the master and every worker at once
        process = subprocess.Popen(
            command, env=self.env, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        self.processes.append(process)
        _wait_for(lambda: _status(port, "/healthz") == 200, 120, "gunicorn to answer")
        return port

    def kill(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


@pytest.fixture
def gunicorn(server: PrivateServer) -> Iterator[Gunicorn]:
    served = Gunicorn(server.env)
    yield served
    served.kill()


def _status(port: int, path: str, timeout: float = 5) -> int | None:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=timeout) as response:
            response.read()
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)
    except OSError:
        return None


def _in_transaction(server: PrivateServer) -> int:
    return int(
        server.scalar(
            # A transaction that has written (it holds a transaction id), whatever its current statement: the
            # batch's last query may be its audit row or a summary's, not a funds_ table's.
            "SELECT count(*) FROM pg_stat_activity WHERE datname = 'counterpart' AND backend_xid IS NOT NULL "
            "AND pid <> pg_backend_pid()"
        )
    )


def test_server_killed_mid_ledger_batch_writes_none_of_it(server: PrivateServer, gunicorn: Gunicorn) -> None:
    port = gunicorn.start()
    before = server.scalar("SELECT count(*) FROM funds_ledgertransaction")
    # when: gunicorn (master and workers) is killed with SIGKILL while a batch of 5,000 entries is being posted
    outcome: list[int | None] = []
    request = threading.Thread(target=lambda: outcome.append(_status(port, "/_faults/ledger-batch?n=5000&tag=k", 300)))
    request.start()
    _wait_for(lambda: _in_transaction(server) > 0, 60, "the batch to be under way")
    time.sleep(1)
    assert _in_transaction(server) > 0
    gunicorn.kill()
    request.join(60)
    # then: the client was never told it succeeded, and not one entry of the batch is stored
    assert outcome == [None]
    _wait_for(lambda: _in_transaction(server) == 0, 60, "PostgreSQL to roll back the dead connection")
    assert server.scalar("SELECT count(*) FROM funds_ledgertransaction WHERE description LIKE 'k-%%'") == 0
    assert server.scalar("SELECT count(*) FROM funds_ledgertransaction") == before
    assert server.integrity_passes()
    # and a restarted server posts a whole batch, and all of it is there
    port = gunicorn.start()
    assert _status(port, "/_faults/ledger-batch?n=50&tag=ok", 120) == 200
    assert server.scalar("SELECT count(*) FROM funds_ledgertransaction WHERE description LIKE 'ok-%%'") == 50
    assert server.integrity_passes()


def _table_counts(server: PrivateServer) -> dict[str, int]:
    tables = [name for (name,) in server.query("SELECT relname FROM pg_stat_user_tables ORDER BY relname")]
    return {name: int(server.scalar(f'SELECT count(*) FROM "{name}"')) for name in tables}


def test_server_killed_mid_report_leaves_everything_as_it_was(server: PrivateServer, gunicorn: Gunicorn) -> None:
    # given: the program's report over every project stored so far (20,000+ after the import test)
    port = gunicorn.start()
    before = _table_counts(server)
    path = "/programs/qd-gz/report/2009/?format=xlsx"
    outcome: list[int | None] = []
    request = threading.Thread(target=lambda: outcome.append(_status(port, path, 300)))
    # when: gunicorn is killed with SIGKILL while the report is being generated
    request.start()
    time.sleep(0.5)
    gunicorn.kill()
    request.join(60)
    # then: the client got no report (or, had it already finished, the whole of it) and nothing changed
    assert outcome in ([None], [200])
    assert _table_counts(server) == before
    assert server.integrity_passes()
    # and a restarted server produces the whole report, a readable workbook
    port = gunicorn.start()
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=300) as response:
        body = response.read()
    assert response.status == 200 and body[:2] == b"PK"
    print(f"\nreport kill: outcome {outcome}, workbook {len(body)} bytes")


ACKNOWLEDGING_CLIENT = """
import datetime, time
from django.db import connections, DatabaseError
from counterpart.core.audit import Actor
from counterpart.funds.models import LedgerTransaction
from counterpart.funds.services import ledger_disburse
actor = Actor.system("faults")
# Post until 20 postings succeeded after the first failure (the outage is over) or 5 minutes passed.
deadline, failures, after = time.monotonic() + 300, 0, 0
number = 0
while time.monotonic() < deadline and after < 20:
    try:
        commitment = LedgerTransaction.objects.get(kind="commitment", description="faults")
        ledger_disburse(actor=actor, commitment=commitment, date=datetime.date(2009, 7, 1), amount_fen=1,
                        description=f"ack-{number}")
        print(f"ack {number}", flush=True)
        after += failures > 0
    except DatabaseError as error:
        print(f"failed {number} {type(error).__name__}", flush=True)
        failures += 1
        connections.close_all()
        time.sleep(0.2)
    number += 1
    time.sleep(0.02)
"""


def test_postgresql_crash_and_restart_mid_requests_loses_nothing_acknowledged(server: PrivateServer) -> None:
    # given: a client posting entries one by one, printing each only after its COMMIT returned
    client = subprocess.Popen(
        [sys.executable, "-m", "counterpart.cli", "shell", "-c", ACKNOWLEDGING_CLIENT],
        env=server.env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert client.stdout is not None
    lines: list[str] = []
    while len([line for line in lines if line.startswith("ack")]) < 30:
        line = client.stdout.readline()
        assert line, client.stderr.read() if client.stderr else "client ended"
        lines.append(line.strip())
    # when: PostgreSQL is stopped the hard way (no checkpoint, like a power cut) and started again
    server.pg_ctl("-m", "immediate", "stop")
    time.sleep(1)
    server.start()
    out, err = client.communicate(timeout=300)
    lines += out.split("\n")
    # then: the client ended normally: requests during the outage failed cleanly, later ones succeeded
    assert client.returncode == 0, err
    acknowledged = {int(line.split()[1]) for line in lines if line.startswith("ack")}
    failed = {int(line.split()[1]) for line in lines if line.startswith("failed")}
    assert acknowledged.isdisjoint(failed)
    # the client recovered after the outage (the app reconnects: CONN_HEALTH_CHECKS)
    assert failed and max(acknowledged) > max(failed)
    # every acknowledged entry survived crash recovery
    stored = {
        int(description.split("-")[1])
        for (description,) in server.query(
            "SELECT description FROM funds_ledgertransaction WHERE description LIKE 'ack-%%'"
        )
    }
    assert acknowledged <= stored
    assert stored <= acknowledged | failed  # nothing appeared that was never asked for
    assert server.integrity_passes()
    print(f"\npostgres crash: {len(acknowledged)} acknowledged, {len(failed)} failed cleanly, all acknowledged kept")
