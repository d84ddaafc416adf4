"""API throughput and latency under 50 concurrent clients, against a bare Django endpoint in the same server.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/api_bench .venv/bin/python bench/api_bench.py [--seconds 15]
        [--program SLUG]

A copy of a synthetic database (`synth --scale 0.02`) with ``--program synth-s0_02-seed1`` and
BENCH_NAME_SUFFIX=_s0_02 measures the same page among 20,000 projects of one program.

Loads the demo (idempotent) into the database DATABASE_URL names (else a temporary SQLite file),
issues a token to a program-office user, starts gunicorn with the project's settings as
`counterpart serve` does (2 workers × 4 threads) with the bare endpoint mounted
(bench/settings.py, whose URL conf bench/urls.py adds it), and drives both from 50 client threads on keep-alive
connections over loopback, in alternating rounds:

- API:  GET /api/projects?program=qingdao-guizhou&limit=50   (token auth, scoping, schema, pagination)
- bare: GET /bench/bare-projects?program=qingdao-guizhou     (three plain queries, values(), JsonResponse)

Prints requests/s and p50/p99 latency of each and the ratios API/bare, and records them in
results/latest.json (api_throughput: ratio of requests/s; api_p50/api_p99: ratio of latencies).
"""

import argparse
import http.client
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from common import ROOT, print_table, record

CLIENTS = 50
PROGRAM = "qingdao-guizhou"
VENV = ROOT / ".venv" / "bin"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def counterpart(*args: str, env: dict[str, str]) -> str:
    return subprocess.run(
        [str(VENV / "counterpart"), *args], env=env, check=True, capture_output=True, text=True, cwd=ROOT
    ).stdout


def load(port: int, path: str, headers: dict[str, str], seconds: float) -> tuple[int, list[float], int]:
    """CLIENTS threads, each on its own keep-alive connection, for ``seconds``: (requests, latencies, errors)."""
    latencies: list[list[float]] = [[] for _ in range(CLIENTS)]
    errors = [0] * CLIENTS
    start = threading.Barrier(CLIENTS + 1)
    deadline = [0.0]

    def client(index: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        start.wait()
        while time.perf_counter() < deadline[0]:
            began = time.perf_counter()
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            response.read()
            latencies[index].append(time.perf_counter() - began)
            if response.status != 200:
                errors[index] += 1
        connection.close()

    threads = [threading.Thread(target=client, args=(index,)) for index in range(CLIENTS)]
    for thread in threads:
        thread.start()
    deadline[0] = time.perf_counter() + seconds
    start.wait()
    for thread in threads:
        thread.join()
    flat = [latency for per_client in latencies for latency in per_client]
    return len(flat), flat, sum(errors)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=15.0, help="per round; two rounds per endpoint")
    parser.add_argument(
        "--program",
        default=PROGRAM,
        help=f"the program whose projects both endpoints list (default: the demo's, {PROGRAM})",
    )
    options = parser.parse_args()

    # bench.settings mounts the bare endpoint (bench/urls.py); the repository root makes `bench` importable.
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="bench.settings", PYTHONPATH=str(ROOT))
    env.setdefault("COUNTERPART_DATA_DIR", tempfile.mkdtemp(prefix="api_bench_"))
    counterpart("demo", env=env)
    counterpart(
        "shell", "-c",
        "from django.contrib.auth import get_user_model\n"
        "from counterpart.access.models import Membership, Role\n"
        "from counterpart.registry.models import Program\n"
        "user, _ = get_user_model().objects.get_or_create(username='api-bench')\n"
        f"program = Program.objects.get(slug='{options.program}')\n"
        "Membership.objects.get_or_create(user=user, role=Role.PROGRAM_OFFICE, program=program)",
        env=env,
    )  # fmt: skip
    token = counterpart("api-token", "api-bench", "--name", "bench", env=env).strip()

    port = free_port()
    server = subprocess.Popen(
        [str(VENV / "gunicorn"), "config.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", "2", "--threads", "4", "--timeout", "120"],
        env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        for _ in range(60):
            try:
                http.client.HTTPConnection("127.0.0.1", port, timeout=2).request("GET", "/healthz")
                break
            except OSError:
                time.sleep(1)
        api = (f"/api/projects?program={options.program}&limit=50", {"Authorization": f"Bearer {token}"})
        bare = (f"/bench/bare-projects?program={options.program}", {})
        for path, headers in (api, bare):  # warm both (connections, caches) before measuring
            load(port, path, headers, 2)
        results: dict[str, list] = {"api": [0, [], 0, 0.0], "bare": [0, [], 0, 0.0]}
        for _round in range(2):  # alternate, so drift on a shared machine hits both alike
            for name, (path, headers) in (("bare", bare), ("api", api)):
                began = time.perf_counter()
                count, latencies, errors = load(port, path, headers, options.seconds)
                results[name][0] += count
                results[name][1] += latencies
                results[name][2] += errors
                results[name][3] += time.perf_counter() - began
    finally:
        server.terminate()
        server.wait()

    figures = {}
    for name, (count, latencies, errors, elapsed) in results.items():
        if errors:
            sys.exit(f"{name}: {errors} responses were not 200")
        figures[name] = {
            "rps": count / elapsed,
            "p50": percentile(latencies, 0.50) * 1000,
            "p99": percentile(latencies, 0.99) * 1000,
            "mean": statistics.fmean(latencies) * 1000,
        }
        print(f"{name:5} {count:7d} requests  {figures[name]['rps']:8.1f} req/s  "
              f"p50 {figures[name]['p50']:7.1f} ms  p99 {figures[name]['p99']:7.1f} ms")  # fmt: skip
    api_fig, bare_fig = figures["api"], figures["bare"]
    rows = [
        record("api_throughput_50_clients", api_fig["rps"], "req/s", bare_fig["rps"]),
        record("api_p50_latency_50_clients", api_fig["p50"], "ms", bare_fig["p50"]),
        record("api_p99_latency_50_clients", api_fig["p99"], "ms", bare_fig["p99"]),
    ]
    print_table(rows)
    database = "PostgreSQL" if env.get("DATABASE_URL") else "SQLite"
    print(f"database: {database}; data dir {Path(env['COUNTERPART_DATA_DIR'])}")


if __name__ == "__main__":
    main()
