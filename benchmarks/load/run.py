"""Load benchmark: the production server (gunicorn, gthread workers) on loopback, driven by a
small asyncio HTTP/1.1 load generator, on a generated national-scale data set.

Not a timed test: it prints, per endpoint, requests/s, p50/p95/p99, errors and the throughput as a
ratio to a minimal Django view measured in the same run, and the memory of each worker.

    PYTHONPATH=src .venv/bin/python benchmarks/load/run.py --quick --scale 0.01
    PYTHONPATH=src .venv/bin/python benchmarks/load/run.py                       # SQLite, 100,000
    PYTHONPATH=src .venv/bin/python benchmarks/load/run.py --postgres postgres://postgres@127.0.0.1:5432/

The data set (``--scale 0.2``: 600 agencies, 30,000 units, 100,000 innovations with texts, 40,000
replication projects, 200,000 measurements; ``--scale 1``: 500,000 innovations) is built once by
the insights benchmark's generator (``benchmarks/insights/run.py``) with the search benchmark's
texts (``benchmarks/search/synthetic.py``), indexed, and kept in ``--data-dir`` (default
``/tmp/lumbung-bench-load/<key>``; PostgreSQL: database ``lumbung_bench_load``) for later runs.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import importlib.util
import json
import os
import random
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

HERE = Path(__file__).resolve().parent
BENCHMARKS = HERE.parent
ROOT = BENCHMARKS.parent
BIN = Path(sys.executable).parent
sys.path.insert(0, str(BENCHMARKS))
import harness  # noqa: E402

#: the generator's version: a data set built by another version is built again
DATA_VERSION = "load-2"
PG_NAME = "lumbung_bench_load"
OFFICERS = 64
FULL_INNOVATIONS = 500_000

#: the search queries of the search page: common words of the catalog's texts (many matches)
QUERIES = ["pelayanan kesehatan", "sampah", "sekolah anak", "masyarakat desa", "data penduduk"]


def _load(name: str, path: Path):  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# --- the data set (phase "build", in its own process) ----------------------------------------


def phase_build(args: argparse.Namespace) -> None:
    """Agencies, units, innovations, projects and measurements (the insights generator), the
    innovations' texts (the search generator's), the portfolio summary and the search index,
    officers with an API token and a draft each; the ids the load needs go to ``ready.json``."""
    workdir = Path(args.workdir)
    harness.setup_django(args.database_url, workdir)
    from django.contrib.auth.models import AnonymousUser
    from django.db import connection

    started = time.perf_counter()
    insights = _load("insights_run", BENCHMARKS / "insights" / "run.py")
    insights.FULL = {
        "agencies": 600,
        "units": 30_000,
        "innovations": round(FULL_INNOVATIONS * args.scale),
        "projects": round(200_000 * args.scale),
        "measurements": round(1_000_000 * args.scale),
    }
    ids = insights.build(1.0)
    log(f"built {ids['n']} in {time.perf_counter() - started:.0f} s")
    _texts()
    log(f"texts written at {time.perf_counter() - started:.0f} s")
    from lumbung.insights import summary
    from lumbung.search.indexing import rebuild

    summary.rebuild()
    rebuild(batch_size=1000)
    log(f"summary and search index rebuilt at {time.perf_counter() - started:.0f} s")
    officers = _officers()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE)")
    from lumbung.catalog.models import Innovation
    from lumbung.organisations.models import Agency
    from lumbung.search.selectors import search_innovations

    rng = random.Random(7)
    published = list(
        Innovation.objects.filter(publication_state="published")
        .order_by("id")
        .values_list("slug", flat=True)
    )
    agencies = list(Agency.objects.order_by("id").values_list("slug", flat=True))
    totals = {q: search_innovations(q, None, AnonymousUser(), page_size=20).total for q in QUERIES}
    ready = {
        "key": args.key,
        "n": ids["n"],
        "published": len(published),
        "innovations": rng.sample(published, min(500, len(published))),
        "agencies": rng.sample(agencies, min(200, len(agencies))),
        "queries": totals,
        "officers": officers,
        "build_s": round(time.perf_counter() - started),
    }
    (workdir / "ready.json").write_text(json.dumps(ready, indent=1))
    log(f"ready in {ready['build_s']} s; search totals {totals}")


def _texts() -> None:
    """Names, acronyms and texts for every innovation, from the demo catalog's sentences with a
    third of the words swapped (the search benchmark's generator)."""
    from django.db import connection, transaction
    from django.utils import timezone

    synthetic = _load("synthetic", BENCHMARKS / "search" / "synthetic.py")
    from lumbung.catalog.models import Innovation

    templates = synthetic.load_templates(ROOT / "src/lumbung/catalog/data/demo/innovations.csv")
    pool = sorted(
        {w for t in templates for w in synthetic._words(t["problem"] + " " + t["solution"])}
    )
    rng = random.Random(20261201)
    table = Innovation._meta.db_table
    ids = list(Innovation.objects.order_by("id").values_list("id", flat=True))
    sql = (
        f"UPDATE {table} SET name = %s, acronym = %s, acronym_expansion = %s, problem = %s, "
        "summary = %s, implementation = %s, "
        "published_at = CASE WHEN published_at IS NULL THEN NULL ELSE %s END WHERE id = %s"
    )
    # one publication time per innovation, a minute apart, as publishing one by one gives (the
    # insights generator gives every row the same time: "newest first" then sorts them all)
    first = timezone.now() - dt.timedelta(minutes=(ids[-1] if ids else 0) + 1)
    for start in range(0, len(ids), 5000):
        rows = []
        for pk in ids[start : start + 5000]:
            t = templates[rng.randrange(len(templates))]
            words = [rng.choice(synthetic.NAME_WORDS), rng.choice(pool).capitalize()]
            if rng.random() < 0.5:
                words.append(rng.choice(pool).capitalize())
            region = "Nusantara"
            solution = synthetic._mutate(rng, t["solution"], pool, region)
            rows.append(
                (
                    " ".join(words),
                    "".join(w[0] for w in words).upper() + str(pk % 97),
                    synthetic._mutate(rng, t["acronym_expansion"] or t["name"], pool, region),
                    synthetic._mutate(rng, t["problem"], pool, region),
                    solution,
                    solution,
                    first + dt.timedelta(minutes=pk),
                    pk,
                )
            )
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(sql, rows)


def _officers() -> list[dict[str, object]]:
    """``OFFICERS`` unit officers, each of a unit of another agency, with an API token and a
    draft of their unit (made through the services, as the API would)."""
    from lumbung.catalog import services
    from lumbung.core.http.tokens import token_create
    from lumbung.organisations.models import Membership, Role, Unit, User

    out = []
    units = list(Unit.objects.select_related("agency").order_by("id")[:OFFICERS])
    for i, unit in enumerate(units):
        # no password (hashing 64 of them is most of the officers' cost); they use API tokens
        user = User.objects.create_user(f"petugas-{i}", f"petugas-{i}@example.org", None)
        Membership.objects.create(user=user, role=Role.UNIT_OFFICER, agency=unit.agency, unit=unit)
        draft = services.innovation_create(
            actor=user, unit=unit, data={"name": f"Draf Petugas {i}", "summary": "Draf."}
        )
        _token, key = token_create(actor=user, user=user, name="bench")
        out.append({"user": user.username, "token": key, "draft": draft.slug})
    return out


def phase_migrate(args: argparse.Namespace) -> None:
    """A kept data set: apply migrations added since it was built."""
    harness.setup_django(args.database_url, Path(args.workdir))


# --- the data set (driver side) --------------------------------------------------------------


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def child(phase: str, args: argparse.Namespace, url: str, workdir: Path, key: str) -> None:
    cmd = [sys.executable, str(Path(__file__)), "--phase", phase, "--database-url", url]
    cmd += ["--workdir", str(workdir), "--scale", str(args.scale), "--key", key]
    env = dict(os.environ, PYTHONPATH=_pythonpath(), LUMBUNG_SEMANTIC="off")
    subprocess.run(cmd, check=True, env=env, cwd=str(ROOT))


def _pythonpath() -> str:
    return os.pathsep.join([str(HERE), str(ROOT / "src"), os.environ.get("PYTHONPATH", "")])


def _pg_has(url: str, innovations: int) -> bool:
    import psycopg

    try:
        with psycopg.connect(url) as conn:
            row = conn.execute("SELECT COUNT(*) FROM catalog_innovation").fetchone()
    except psycopg.Error:
        return False
    return bool(row and row[0] >= innovations)


def data_set(args: argparse.Namespace) -> tuple[str, Path, dict]:
    """(database URL, data folder, ready.json) of the data set, built unless kept."""
    engine = "postgresql" if args.postgres else "sqlite"
    key = f"{DATA_VERSION}-{engine}-scale{args.scale:g}"
    workdir = Path(args.data_dir or f"/tmp/lumbung-bench-load/{key}")
    workdir.mkdir(parents=True, exist_ok=True)
    ready_path = workdir / "ready.json"
    ready = json.loads(ready_path.read_text()) if ready_path.exists() else {}
    if args.postgres:
        parts = urlsplit(args.postgres)
        url = urlunsplit(parts._replace(path=f"/{PG_NAME}"))
        kept = ready.get("key") == key and _pg_has(url, ready["n"]["innovations"])
    else:
        url = f"sqlite:///{workdir / 'db.sqlite3'}"
        kept = ready.get("key") == key and (workdir / "db.sqlite3").exists()
    if kept and not args.rebuild:
        log(f"reusing the data set in {workdir} ({url})")
        child("migrate", args, url, workdir, key)
    else:
        ready_path.unlink(missing_ok=True)
        if args.postgres:
            harness.pg_database(args.postgres, PG_NAME)
        else:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{workdir / 'db.sqlite3'}{suffix}").unlink(missing_ok=True)
        log(f"building the data set in {workdir} ({url}); scale {args.scale}")
        child("build", args, url, workdir, key)
        ready = json.loads(ready_path.read_text())
    return url, workdir, ready


# --- the server ------------------------------------------------------------------------------


def server_command(host: str, port: int, workers: int, threads: int) -> list[str]:
    """The production server. When ``lumbung serve --workers`` exists it is used (it runs
    gunicorn with gthread workers); until then gunicorn is started directly, the same way."""
    serve_help = subprocess.run(
        [str(BIN / "lumbung"), "serve", "--help"], capture_output=True, text=True, env=_env("", "")
    ).stdout
    if "--workers" in serve_help:
        cmd = [str(BIN / "lumbung"), "serve", "--host", host, "--port", str(port)]
        cmd += ["--workers", str(workers), "--no-worker"]
        if "--threads" in serve_help:
            cmd += ["--threads", str(threads)]
        return cmd
    return [
        str(BIN / "gunicorn"),
        "lumbung.wsgi:application",
        "--worker-class",
        "gthread",
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        "--bind",
        f"{host}:{port}",
        "--backlog",
        "2048",
        "--keep-alive",
        "5",
        "--log-level",
        "warning",
    ]


def _env(url: str, workdir: Path | str, page_cache: bool = True) -> dict[str, str]:
    env = dict(os.environ, PYTHONPATH=_pythonpath(), DJANGO_SETTINGS_MODULE="bench_settings")
    if not page_cache:
        env["LUMBUNG_PUBLIC_PAGE_SECONDS"] = "0"
    env.update(LUMBUNG_SEMANTIC="off", LUMBUNG_LOG_LEVEL="WARNING")
    # the API's rate limit (per client address: every request here comes from 127.0.0.1) would
    # answer 429 to the load itself: the benchmark measures capacity, not the limiter
    env.setdefault("LUMBUNG_API_RATE", "1000000/m")
    if url:
        env.update(DATABASE_URL=url, LUMBUNG_DATA_DIR=str(workdir))
    return env


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(
    cmd: list[str], env: dict[str, str], log_path: Path, port: int
) -> subprocess.Popen[bytes]:
    out = open(log_path, "ab")  # noqa: SIM115  (closed with the process)
    proc = subprocess.Popen(cmd, env=env, stdout=out, stderr=subprocess.STDOUT, cwd=str(ROOT))
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"the server stopped ({proc.returncode}); see {log_path}")
        try:
            status = asyncio.run(_one_get("127.0.0.1", port, "/bench/minimal/"))
            if status == 200:
                return proc
        except OSError:
            pass
        time.sleep(0.5)
    stop_server(proc)
    raise SystemExit(f"the server did not answer in 120 s; see {log_path}")


def stop_server(proc: subprocess.Popen[bytes]) -> None:
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def descendants(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    out, todo = [], [pid]
    while todo:
        for c in children.get(todo.pop(), []):
            out.append(c)
            todo.append(c)
    return out


def memory(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM (peak) of a process, in MB."""
    out = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            out[name] = int(value.split()[0]) // 1024
    return out


# --- the load generator ----------------------------------------------------------------------

Request = tuple[str, str, dict[str, str], bytes]


def _encode(host: str, port: int, request: Request) -> bytes:
    method, path, headers, body = request
    lines = [f"{method} {path} HTTP/1.1", f"Host: {host}:{port}", "User-Agent: lumbung-bench"]
    lines += ["Accept-Language: id", f"Content-Length: {len(body)}"]
    lines += [f"{k}: {v}" for k, v in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


async def _response(reader: asyncio.StreamReader) -> tuple[int, bool, bytes]:
    """(status, whether the server closes the connection, body) of one HTTP/1.1 answer."""
    line = await reader.readline()
    if not line:
        raise ConnectionError("closed")
    status = int(line.split()[1])
    length, chunked, close = None, False, False
    while True:
        header = await reader.readline()
        if header in (b"\r\n", b"\n", b""):
            break
        name, _, value = header.partition(b":")
        name, value = name.strip().lower(), value.strip().lower()
        if name == b"content-length":
            length = int(value)
        elif name == b"transfer-encoding" and b"chunked" in value:
            chunked = True
        elif name == b"connection" and value == b"close":
            close = True
    if chunked:
        parts = []
        while True:
            size = int((await reader.readline()).split(b";")[0], 16)
            if size == 0:
                while (await reader.readline()) not in (b"\r\n", b"\n", b""):
                    pass
                break
            parts.append((await reader.readexactly(size + 2))[:-2])
        body = b"".join(parts)
    elif length is not None:
        body = await reader.readexactly(length)
    else:
        body, close = await reader.read(), True
    return status, close, body


async def _one_get(host: str, port: int, path: str) -> int:
    reader, writer = await asyncio.open_connection(host, port)
    try:
        writer.write(_encode(host, port, ("GET", path, {}, b"")))
        status, _close, _body = await _response(reader)
        return status
    finally:
        writer.close()


class Result:
    def __init__(self) -> None:
        self.latencies: list[float] = []
        self.errors: Counter[str] = Counter()
        self.elapsed = 0.0

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.elapsed if self.elapsed else 0.0

    def pct(self, p: float) -> float:
        values = sorted(self.latencies)
        return values[min(len(values) - 1, int(p * len(values)))] * 1000 if values else 0.0


async def drive(
    host: str,
    port: int,
    make: Callable[[int], Request],
    ok: tuple[int, ...],
    connections: int,
    duration: float,
    max_requests: int,
) -> Result:
    """``connections`` keep-alive connections, each sending its next request as soon as the last
    is answered (closed loop), until ``duration`` seconds or ``max_requests`` requests. An error
    is an answer whose status is not in ``ok``, or a failed connection (then reconnected)."""
    result = Result()
    started = time.monotonic()
    deadline = started + duration
    sent = 0

    async def connection(c: int) -> None:
        nonlocal sent
        reader = writer = None
        while time.monotonic() < deadline and sent < max_requests:
            sent += 1
            t0 = time.perf_counter()
            try:
                if writer is None:
                    reader, writer = await asyncio.open_connection(host, port)
                assert reader is not None
                writer.write(_encode(host, port, make(c)))
                status, close, body = await _response(reader)
                if status in ok:
                    result.latencies.append(time.perf_counter() - t0)
                else:
                    result.errors[f"HTTP {status}"] += 1
                    if len(result.errors) < 4 and result.errors[f"HTTP {status}"] == 1:
                        log(f"HTTP {status}: {body[:300]!r}")
                if close:
                    writer.close()
                    writer = None
            except (OSError, ConnectionError, asyncio.IncompleteReadError, ValueError) as exc:
                result.errors[type(exc).__name__] += 1
                if writer is not None:
                    writer.close()
                writer = None
        if writer is not None:
            writer.close()

    await asyncio.gather(*(connection(c) for c in range(connections)))
    result.elapsed = time.monotonic() - started
    return result


def trivial_server(port: int) -> None:
    """A fixed answer to every request, without Django: the load generator's own ceiling."""
    answer = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Type: text/plain\r\n\r\nok"

    class Answer(asyncio.Protocol):
        def connection_made(self, transport: asyncio.BaseTransport) -> None:
            self.transport = transport
            self.buffer = b""

        def data_received(self, data: bytes) -> None:
            self.buffer += data
            while b"\r\n\r\n" in self.buffer:
                _head, _, self.buffer = self.buffer.partition(b"\r\n\r\n")
                self.transport.write(answer)  # type: ignore[attr-defined]

    async def main() -> None:
        server = await asyncio.get_running_loop().create_server(
            Answer, "127.0.0.1", port, backlog=2048
        )
        async with server:
            await server.serve_forever()

    asyncio.run(main())


# --- the endpoints ---------------------------------------------------------------------------


def endpoints(
    ready: dict, host: str, port: int, run_id: int
) -> dict[str, tuple[Callable[[int], Request], tuple[int, ...]]]:
    """name → (the next request of connection c, the statuses that are success)."""
    counter = Counter()  # type: Counter[str]

    def rotating(name: str, paths: list[str]) -> Callable[[int], Request]:
        def make(c: int) -> Request:
            counter[name] += 1
            return ("GET", paths[counter[name] % len(paths)], {"Accept": "text/html"}, b"")

        return make

    pages = max(1, min(50, ready["published"] // 24))
    api_pages = max(1, min(50, ready["published"] // 20))
    officers = ready["officers"]
    indicators = _indicators(host, port, officers, run_id)
    base = dt.date(2000, 1, 1)

    def write(c: int) -> Request:
        officer = officers[c % len(officers)]
        counter[officer["user"]] += 1
        k = counter[officer["user"]]
        headers = {"Authorization": f"Bearer {officer['token']}"}
        headers["Content-Type"] = "application/json"
        if k % 2:  # an officer saves their draft
            body = {"summary": f"Draf diperbarui, putaran {run_id}, simpan ke-{k}."}
            return ("PATCH", f"/api/v1/innovations/{officer['draft']}", headers, _json(body))
        body = {  # … or records a figure of it
            "indicator": indicators[officer["user"]],
            "period_end": (base + dt.timedelta(days=k)).isoformat(),
            "value": float(k % 1000),
            "evidence": "Laporan bulanan",
        }
        slug = officer["draft"]
        return ("POST", f"/api/v1/innovations/{slug}/measurements", headers, _json(body))

    return {
        "minimal view": (rotating("minimal", ["/bench/minimal/"]), (200,)),
        "home": (rotating("home", ["/"]), (200,)),
        "catalog list": (
            rotating("catalog", [f"/inovasi/?page={p}" for p in range(1, pages + 1)]),
            (200,),
        ),
        "innovation page": (
            rotating("innovation", [f"/inovasi/{s}/" for s in ready["innovations"]]),
            (200,),
        ),
        "search + facets": (
            rotating("search", ["/cari/?" + urlencode({"q": q}) for q in ready["queries"]]),
            (200,),
        ),
        "agency page": (
            rotating("agency", [f"/instansi/{s}/" for s in ready["agencies"]]),
            (200,),
        ),
        "API list": (
            rotating("api", [f"/api/v1/innovations?page={p}" for p in range(1, api_pages + 1)]),
            (200,),
        ),
        "write mix (API)": (write, (200, 201)),
    }


def _json(data: object) -> bytes:
    return json.dumps(data).encode()


def _indicators(host: str, port: int, officers: list[dict], run_id: int) -> dict[str, int]:
    """A new indicator of each officer's draft (through the API), so that this run's figures
    never clash with an earlier run's dates."""
    import http.client

    out = {}
    for officer in officers:
        conn = http.client.HTTPConnection(host, port, timeout=30)
        body = {
            "name": f"Warga terlayani {run_id}",
            "unit_of_measure": "orang",
            "better": "higher",
            "frequency": "monthly",
        }
        conn.request(
            "POST",
            f"/api/v1/innovations/{officer['draft']}/indicators",
            _json(body),
            {"Authorization": f"Bearer {officer['token']}", "Content-Type": "application/json"},
        )
        answer = conn.getresponse()
        data = answer.read()
        if answer.status != 201:
            raise SystemExit(f"indicator: HTTP {answer.status} {data[:300]!r}")
        out[officer["user"]] = json.loads(data)["id"]
        conn.close()
    return out


# --- main ------------------------------------------------------------------------------------


def _args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--postgres", default="", help="e.g. postgres://postgres@127.0.0.1:5432/")
    parser.add_argument(
        "--scale", type=float, default=0.2, help="share of 500,000 innovations (0.2: 100,000)"
    )
    parser.add_argument("--data-dir", default="", help="keep the data set here")
    parser.add_argument("--rebuild", action="store_true", help="build the data set again")
    parser.add_argument(
        "--build-only", action="store_true", help="build (or check) the data set, no load"
    )
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--duration", type=float, default=60.0, help="seconds per endpoint")
    parser.add_argument(
        "--warmup", type=float, default=5.0, help="seconds per endpoint, unmeasured"
    )
    parser.add_argument("--max-requests", type=int, default=1_000_000, help="per endpoint")
    parser.add_argument("--quick", action="store_true", help="8 connections × 5 s per endpoint")
    parser.add_argument(
        "--workers",
        type=int,
        default=min(2 * (os.cpu_count() or 1) + 1, 9),
        help="server processes (default: as `lumbung serve`, two per core plus one)",
    )
    parser.add_argument("--threads", type=int, default=4, help="per worker (gthread)")
    parser.add_argument("--only", default="", help="comma-separated endpoint names")
    parser.add_argument(
        "--no-page-cache",
        action="store_true",
        help="render every public page (LUMBUNG_PUBLIC_PAGE_SECONDS=0): the pages' own cost",
    )
    parser.add_argument("--phase", help=argparse.SUPPRESS)
    parser.add_argument("--database-url", help=argparse.SUPPRESS)
    parser.add_argument("--workdir", help=argparse.SUPPRESS)
    parser.add_argument("--key", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.quick:
        args.connections, args.duration, args.warmup = 8, 5.0, 1.0
    return args


def main() -> None:
    args = _args()
    if args.phase == "build":
        return phase_build(args)
    if args.phase == "migrate":
        return phase_migrate(args)
    if args.phase == "trivial":
        return trivial_server(args.port)
    url, workdir, ready = data_set(args)
    if args.build_only:
        return None
    host = "127.0.0.1"
    engine = "PostgreSQL" if args.postgres else "SQLite"

    # the load generator's own ceiling: a fixed answer without Django, in another process
    port = free_port()
    trivial = subprocess.Popen(
        [sys.executable, str(Path(__file__)), "--phase", "trivial", "--port", str(port)]
    )
    try:
        for _ in range(50):
            try:
                socket.create_connection((host, port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        ceiling = asyncio.run(
            drive(
                host,
                port,
                lambda c: ("GET", "/", {}, b""),
                (200,),
                args.connections,
                min(args.duration, 10.0),
                args.max_requests,
            )
        )
    finally:
        trivial.terminate()
        trivial.wait()

    port = free_port()
    cmd = server_command(host, port, args.workers, args.threads)
    log("server: " + " ".join(cmd))
    env = _env(url, workdir, page_cache=not args.no_page_cache)
    page_cache = env.get("LUMBUNG_PUBLIC_PAGE_SECONDS", "60")
    server = start_server(cmd, env, workdir / "server.log", port)
    results: dict[str, Result] = {}
    try:
        chosen = endpoints(ready, host, port, int(time.time()))
        only = {s.strip() for s in args.only.split(",") if s.strip()}
        for name, (make, ok) in chosen.items():
            if only and name not in only and name != "minimal view":
                continue
            if args.warmup:
                asyncio.run(drive(host, port, make, ok, args.connections, args.warmup, 10**9))
            results[name] = asyncio.run(
                drive(host, port, make, ok, args.connections, args.duration, args.max_requests)
            )
            r = results[name]
            log(f"{name}: {r.rate:.0f} req/s, p95 {r.pct(0.95):.0f} ms, errors {dict(r.errors)}")
        if "search + facets" in results:
            # its latency without queueing: with 64 clients a request waits for the others
            # (Little's law: p50 ≈ connections ÷ rate), so the p95 target is read here
            make, ok = chosen["search + facets"]
            results["search, 1 client"] = asyncio.run(
                drive(host, port, make, ok, 1, min(args.duration, 20.0), args.max_requests)
            )
        workers = {pid: memory(pid) for pid in descendants(server.pid)}
        master = memory(server.pid)
    finally:
        stop_server(server)

    n = ready["n"]
    print(
        f"\n{engine}: {n['innovations']:,} innovations ({ready['published']:,} published), "
        f"{n['units']:,} units, {n['agencies']} agencies, {n['projects']:,} projects, "
        f"{n['measurements']:,} measurements; search matches {ready['queries']}"
    )
    print(
        f"server: gunicorn gthread, {args.workers} workers × {args.threads} threads; load: "
        f"{args.connections} keep-alive connections × {args.duration:g} s per endpoint "
        f"(after {args.warmup:g} s unmeasured); {os.cpu_count()} cores shared by server, "
        "load generator and database"
    )
    print(
        "public page cache (anonymous visitors): "
        + (f"on, {page_cache} s" if page_cache not in ("0", "") else "off (every page rendered)")
    )
    print(
        f"load generator ceiling (fixed answer, no Django): {ceiling.rate:,.0f} req/s "
        f"(p50 {ceiling.pct(0.5):.1f} ms)"
    )
    base = results["minimal view"].rate
    print(
        f"{'endpoint':18} {'req/s':>8} {'p50':>7} {'p95':>7} {'p99':>7} {'errors':>7} "
        f"{'ratio':>6}  (ms; ratio = req/s ÷ the minimal view's)"
    )
    for name, r in results.items():
        errors = sum(r.errors.values())
        print(
            f"{name:18} {r.rate:8.1f} {r.pct(0.5):7.1f} {r.pct(0.95):7.1f} {r.pct(0.99):7.1f} "
            f"{errors:7d} {r.rate / base if base else 0:6.2f}"
            + (f"  {dict(r.errors)}" if errors else "")
        )
    print(
        f"memory (MB): master RSS {master.get('VmRSS')}; workers "
        + ", ".join(f"RSS {m.get('VmRSS')} (peak {m.get('VmHWM')})" for m in workers.values())
    )


if __name__ == "__main__":
    main()
