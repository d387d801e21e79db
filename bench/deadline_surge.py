"""The deadline surge: declaring units log in and file a complete entry through the API (issue 8, item 18).

For each database (SQLite in a temporary DATA_DIR, PostgreSQL in a database of its own), a fresh
database gets one edition open for declaration and N declaring units per round. The production
server (gunicorn, 2 sync workers) runs on a free loopback port; N clients, `--concurrency` at a
time, each do the 9 requests of a unit filing its entry:

  login (POST /api/auth/token), me, edition (its categories and presentation forms), create,
  texts (PATCH the form), completers (PATCH), answers (PATCH the R4 answers, presentation form,
  category, industry), problems (GET), submit (POST).

Beside each round, the same server's floor: a trivial authenticated request (GET /api/me with a
bearer token) at the same concurrency. Reports entries/s, p50/p95 of each step and its ratio to
the floor's p50, the SQL queries of each step (one journey through Django's test client with
the query log), and checks that exactly N entries were submitted (none lost, none doubled).

    uv run --frozen python bench/deadline_surge.py [--units 24] [--concurrency 1 8] [--backends sqlite pg]

`--code DIR` runs the server and the setup from another checkout (e.g. an older commit unpacked
with `git archive`), so that before and after are measured by the same client in the same run.
It prints what it measured; it is not a pass/fail test (exit 1 only when entries were lost).
"""

import argparse
import http.client
import json
import os
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PG_ADMIN_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/postgres")
PG_DATABASE = "wuxiao_bench_surge"
PASSWORD = "surge-pass-2025"
EDITION = "surge"
INDUSTRY = "3421"
STEPS = ["login", "me", "edition", "create", "texts", "completers", "answers", "problems", "submit"]
FLOOR = "floor"


class JourneyFailed(Exception):
    pass


# --- The client: plain HTTP to 127.0.0.1 --------------------------------------------------------

def http_caller(port: int):
    """A `call(method, path, body, token) -> (status, data)` over a new connection per request
    (gunicorn's sync workers close each connection after its response)."""

    def call(method: str, path: str, body=None, token: str | None = None):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        headers = {"Accept": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        payload = None
        if body is not None:
            payload = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        try:
            conn.request(method, path, body=payload, headers=headers)
            response = conn.getresponse()
            raw = response.read()
        finally:
            conn.close()
        return response.status, (json.loads(raw) if raw else None)

    return call


def journey(call, login: str, form: dict, completers: list[dict], clock=time.perf_counter,
            cpu_clock=None) -> tuple[dict, dict]:
    """One declaring unit files a complete entry; returns the seconds of each step, and the server's CPU
    seconds of each step when `cpu_clock` reads the server's CPU time (only meaningful one at a time)."""
    times: dict[str, float] = {}
    cpu: dict[str, float] = {}
    token = None

    def step(name, method, path, body=None, expect=200):
        cpu_started = cpu_clock() if cpu_clock else 0.0
        started = clock()
        status, data = call(method, path, body, token)
        times[name] = clock() - started
        if cpu_clock:
            cpu[name] = cpu_clock() - cpu_started
        if status != expect:
            raise JourneyFailed(f"{login} {name}: {status} {str(data)[:300]}")
        return data

    token = step("login", "POST", "/api/auth/token", {"login": login, "password": PASSWORD, "name": "surge"},
                 expect=201)["token"]
    unit = step("me", "GET", "/api/me")["roles"][0]["unit"]["id"]
    edition = step("edition", "GET", f"/api/editions/{EDITION}")
    entry = step("create", "POST", "/api/entries", {"edition": EDITION, "unit_id": unit, "title": form["title"]},
                 expect=201)
    path = f"/api/entries/{entry['id']}"
    step("texts", "PATCH", path, {k: v for k, v in form.items() if k != "title"})
    step("completers", "PATCH", path, {"completers": completers})
    step("answers", "PATCH", path, {
        "exclusion_answers": {str(a["exclusion_id"]): False for a in entry["exclusion_answers"]},
        "presentation_form_ids": [edition["presentation_forms"][0]["id"]],
        "category_id": edition["categories"][0]["id"], "industry_code": INDUSTRY})
    problems = step("problems", "GET", f"{path}/problems")
    if not problems["ready"]:
        raise JourneyFailed(f"{login}: the entry is not complete: {problems['problems']}")
    step("submit", "POST", f"{path}/submit")
    return times, cpu


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def server_cpu(master_pid: int) -> float:
    """CPU seconds used so far by the gunicorn workers (all threads), from /proc (nanoseconds)."""
    total = 0
    for children in Path(f"/proc/{master_pid}/task").glob("*/children"):
        for pid in children.read_text().split():
            for stat in Path(f"/proc/{pid}/task").glob("*/schedstat"):
                try:
                    total += int(stat.read_text().split()[0])
                except (OSError, ValueError, IndexError):
                    pass
    return total / 1e9


def run_round(port: int, logins: list[str], concurrency: int, form: dict, completers: list[dict],
              floor_login: str, master_pid: int) -> dict:
    """The floor at this concurrency, then the N journeys; every duration is in seconds.

    The server's CPU time is read from /proc around the whole round (CPU per entry, which the
    machine's other load does not inflate) and, one request at a time, around each step."""
    call = http_caller(port)
    status, data = call("POST", "/api/auth/token", {"login": floor_login, "password": PASSWORD})
    if status != 201:
        raise JourneyFailed(f"floor login: {status} {data}")
    token = data["token"]

    cpu_clock = (lambda: server_cpu(master_pid)) if concurrency == 1 else None
    floor_cpu = []

    def floor_request(_):
        cpu_started = cpu_clock() if cpu_clock else 0.0
        started = time.perf_counter()
        status, _data = call("GET", "/api/me", None, token)
        if status != 200:
            raise JourneyFailed(f"floor: {status}")
        wall = time.perf_counter() - started
        if cpu_clock:
            floor_cpu.append(cpu_clock() - cpu_started)
        return wall

    # Warm both workers first, whatever the round's concurrency: a worker that has not answered yet
    # imports the URL configuration in its first request (older checkouts) or at its start (now).
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda _: call("GET", "/api/me", None, token), range(32)))
    with ThreadPoolExecutor(concurrency) as pool:
        floor_cpu.clear()
        floor = list(pool.map(floor_request, range(max(30, concurrency * 8))))

    failures: list[str] = []
    lock = threading.Lock()

    def one(login):
        try:
            return journey(call, login, form, completers, cpu_clock=cpu_clock)
        except (JourneyFailed, OSError) as exc:
            with lock:
                failures.append(str(exc))
            return None

    cpu_started = server_cpu(master_pid)
    started = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        results = [r for r in pool.map(one, logins) if r is not None]
    wall = time.perf_counter() - started
    cpu_used = server_cpu(master_pid) - cpu_started
    steps = {name: [r[0][name] for r in results] for name in STEPS}
    steps[FLOOR] = floor
    steps_cpu = {name: [r[1][name] for r in results] for name in STEPS} if cpu_clock else {}
    if cpu_clock:
        steps_cpu[FLOOR] = floor_cpu
    return {"units": len(logins), "concurrency": concurrency, "seconds": wall, "completed": len(results),
            "entries_per_second": len(results) / wall, "failures": failures[:5], "failed": len(failures),
            "entry_seconds": [sum(r[0].values()) for r in results], "steps": steps, "steps_cpu": steps_cpu,
            "server_cpu_per_entry": cpu_used / max(1, len(results)), "load": os.getloadavg()[0]}


# --- The server side: runs with Django, in a child process (--setup / --count) ------------------

def django_setup() -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "wuxiao.settings"
    import django

    django.setup()


def setup_database(units: int, rounds: list[int]) -> dict:
    """Migrate and create the edition, `units` declaring units per round and the floor's user."""
    django_setup()
    from django.core.management import call_command
    from django.db import transaction

    call_command("migrate", verbosity=0)
    from wuxiao.accounts.models import Role, User
    from wuxiao.competitions.services import create_zhengzhou_2025
    from wuxiao.demo.data import TITLES, demo_form, practice_shift
    from wuxiao.orgs.models import Membership, Organisation

    with transaction.atomic():
        create_zhengzhou_2025(slug=EDITION, shift=practice_shift())
        # One hash for everyone: creating hundreds of users should not cost a login each.
        probe = User(username="probe")
        probe.set_password(PASSWORD)
        union = Organisation.objects.create(kind="industry_union", name="冲刺基准产业工会")
        # The recommending unit's staff, so that each submission notifies someone and queues an e-mail.
        recommender = User.objects.create(username="surge-recommender", password=probe.password,
                                          email="recommender@example.com", display_name="李主席")
        Membership.objects.create(user=recommender, organisation=union, role=Role.RECOMMENDER)
        logins: dict[str, list[str]] = {}
        for label in [*(f"c{c}" for c in rounds), "trace", "floor"]:
            count = 1 if label in ("trace", "floor") else units
            names = [f"surge-{label}-{i}" for i in range(count)]
            for name in names:
                unit = Organisation.objects.create(kind="enterprise", name=f"冲刺基准企业 {name}", parent=union,
                                                   contact_name="张工", contact_mobile="13700000005")
                user = User.objects.create(username=name, password=probe.password, display_name="张工",
                                           mobile="")
                Membership.objects.create(user=user, organisation=unit, role=Role.DECLARER)
            logins[label] = names
    title = next(iter(TITLES.values()))
    form = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in demo_form(title, "冲刺基准企业").items()}
    form["title"] = title
    completers = [{"name": "吴国庆", "age": 38, "post": "高级技师", "workplace": "冲刺基准企业", "phone": "13903710001"},
                  {"name": "吴助理", "age": 27, "post": "技师", "workplace": "冲刺基准企业", "phone": "13803710001"}]
    return {"logins": logins, "form": form, "completers": completers,
            "queries": trace_queries(logins["trace"][0], form, completers)}


def trace_queries(login: str, form: dict, completers: list[dict]) -> dict:
    """The SQL queries of each step, from one journey through Django's test client."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(SERVER_NAME="127.0.0.1", raise_request_exception=True)
    current: list[int] = []

    def call(method, path, body=None, token=None):
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        send = getattr(client, method.lower())
        kwargs = {"data": json.dumps(body), "content_type": "application/json"} if body is not None else {}
        with CaptureQueriesContext(connection) as captured:
            response = send(path, headers=headers, **kwargs)
        current.append(len(captured.captured_queries))
        return response.status_code, (response.json() if response.content else None)

    times, _cpu = journey(call, login, form, completers, clock=lambda: 0.0)
    counts = dict(zip(times, current))
    token = call("POST", "/api/auth/token", {"login": login, "password": PASSWORD})[1]["token"]
    call("GET", "/api/me", None, token)
    counts[FLOOR] = current[-1]
    return counts


def count_entries(units: int, rounds: list[int]) -> dict:
    """Per round: entries of its units, submitted ones, and SUBMIT transitions (a double would show)."""
    django_setup()
    from wuxiao.entries.models import Entry, EntryTransition

    result = {}
    for c in rounds:
        entries = Entry.objects.filter(declaring_unit__name__startswith=f"冲刺基准企业 surge-c{c}-")
        result[str(c)] = {
            "entries": entries.count(),
            "submitted": entries.filter(status="submitted").count(),
            "units_submitted": entries.filter(status="submitted").values("declaring_unit").distinct().count(),
            "submit_transitions": EntryTransition.objects.filter(entry__in=entries, action="submit").count(),
        }
    return result


# --- Orchestration ------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def child(code: Path, env: dict, *args: str) -> dict:
    done = subprocess.run([sys.executable, str(Path(__file__).resolve()), *args, "--code", str(code)],
                          env=env, cwd=code, capture_output=True, text=True, timeout=600)
    if done.returncode != 0:
        raise RuntimeError(f"{args[0]} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def reset_pg() -> str | None:
    """A fresh database of our own; None when PostgreSQL does not answer."""
    try:
        import psycopg

        with psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=3) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {PG_DATABASE} WITH (FORCE)")
            conn.execute(f"CREATE DATABASE {PG_DATABASE}")
    except Exception as exc:  # noqa: BLE001 - any failure means: no PostgreSQL here
        print(f"PostgreSQL skipped: {exc}", file=sys.stderr)
        return None
    return PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + PG_DATABASE


def start_server(code: Path, env: dict, port: int, log_path: Path) -> subprocess.Popen:
    log = open(log_path, "wb")
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", "2", "--bind", f"127.0.0.1:{port}", "--timeout", "120",
         "--chdir", str(code / "src"), "wuxiao.wsgi:application"],
        env=env, cwd=code, stdout=log, stderr=log, start_new_session=True)
    call = http_caller(port)
    for _ in range(300):
        if server.poll() is not None:
            break
        try:
            if call("GET", "/api/editions")[0] == 200:
                return server
        except OSError:
            time.sleep(0.1)
    stop_server(server)
    raise RuntimeError("gunicorn did not start:\n" + log_path.read_text(errors="replace")[-3000:])


def stop_server(server: subprocess.Popen) -> None:
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def run_backend(backend: str, code: Path, units: int, rounds: list[int]) -> dict | None:
    work = Path(tempfile.mkdtemp(prefix=f"wuxiao-bench-surge-{backend}-"))
    env = {**os.environ, "DATA_DIR": str(work), "DEBUG": "0", "SECRET_KEY": secrets.token_urlsafe(40),
           "ALLOWED_HOSTS": "127.0.0.1", "LOG_LEVEL": "WARNING", "PYTHONPATH": str(code / "src")}
    env.pop("DATABASE_URL", None)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    try:
        if backend == "pg":
            url = reset_pg()
            if url is None:
                return None
            env["DATABASE_URL"] = url
        plan = child(code, env, "--setup", "--units", str(units), "--concurrency", *map(str, rounds))
        port = free_port()
        server = start_server(code, env, port, work / "server.log")
        try:
            measured = {c: run_round(port, plan["logins"][f"c{c}"], c, plan["form"], plan["completers"],
                                     plan["logins"]["floor"][0], server.pid) for c in rounds}
        finally:
            stop_server(server)
        counts = child(code, env, "--count", "--units", str(units), "--concurrency", *map(str, rounds))
        for c in rounds:
            measured[c]["count"] = counts[str(c)]
        return {"rounds": measured, "queries": plan["queries"]}
    finally:
        shutil.rmtree(work, ignore_errors=True)


def exact(result: dict) -> bool:
    count = result["count"]
    n = result["units"]
    return count["entries"] == count["submitted"] == count["units_submitted"] == count["submit_transitions"] == n


def report(label: str, result: dict) -> None:
    queries = result["queries"]
    for c, r in result["rounds"].items():
        count = r["count"]
        verdict = "exactly N, none lost or doubled" if exact(r) else "MISMATCH"
        entry_p50 = statistics.median(r["entry_seconds"]) * 1000 if r["entry_seconds"] else float("nan")
        print(f"\n{label}, concurrency {c}: {r['completed']} of {r['units']} units filed in {r['seconds']:.1f} s = "
              f"{r['entries_per_second']:.2f} entries/s; one unit's 9 requests take {entry_p50:.0f} ms (p50)")
        print(f"  database: {count['entries']} entries, {count['submitted']} submitted, "
              f"{count['submit_transitions']} submit transitions for N={r['units']}: {verdict}")
        for failure in r["failures"]:
            print(f"  failure: {failure}")
        cpu = r["server_cpu_per_entry"]
        print(f"  server CPU per entry (gunicorn workers, from /proc): {cpu * 1000:.0f} ms, so 2 idle cores would "
              f"file at most {2 / cpu if cpu else float('nan'):.1f} entries/s; load average {r['load']:.1f}")
        floor = statistics.median(r["steps"][FLOOR])
        steps_cpu = r["steps_cpu"]
        print(f"  {'step':<11} {'p50 ms':>8} {'p95 ms':>8} {'p50/floor':>10} {'queries':>8}"
              + (f" {'CPU ms':>7} {'CPU/floor':>10}" if steps_cpu else ""))
        floor_cpu = statistics.median(steps_cpu[FLOOR]) if steps_cpu else 0
        for name in [FLOOR, *STEPS]:
            values = r["steps"][name]
            if not values:
                continue
            p50, p95 = statistics.median(values), percentile(values, 0.95)
            line = f"  {name:<11} {p50 * 1000:8.0f} {p95 * 1000:8.0f} {p50 / floor:10.1f} {queries.get(name, '?'):>8}"
            if steps_cpu:
                used = statistics.median(steps_cpu[name])
                line += f" {used * 1000:7.1f} {used / floor_cpu if floor_cpu else float('nan'):10.1f}"
            print(line)


NAMES = {"sqlite": "SQLite", "pg": "PostgreSQL"}


def compare_repeats(before: dict[str, list[dict]], after: dict[str, list[dict]]) -> None:
    """With --repeat: the ratio of entries/s (after / before) of each pair of runs made one after the other, and
    its median, so that the machine's drift during the whole comparison (a shared machine's speed changes by
    tens of percent within minutes) does not decide it."""
    for backend, new_runs in after.items():
        old_runs = before.get(backend, [])
        for c in new_runs[0]["rounds"]:
            pairs = [(old["rounds"][c], new["rounds"][c]) for old, new in zip(old_runs, new_runs)]
            if not pairs:
                continue
            ratios = [new["entries_per_second"] / old["entries_per_second"] for old, new in pairs]
            cpu = [old["server_cpu_per_entry"] / new["server_cpu_per_entry"] for old, new in pairs]
            print(f"\n{NAMES[backend]}, concurrency {c}, {len(pairs)} pairs: entries/s "
                  + ", ".join(f"{old['entries_per_second']:.2f} -> {new['entries_per_second']:.2f}"
                              for old, new in pairs)
                  + f"; ratio median x{statistics.median(ratios):.1f} (min x{min(ratios):.1f}, max "
                    f"x{max(ratios):.1f}); server CPU per entry / after: median x{statistics.median(cpu):.1f}")


def compare(before: dict, after: dict) -> None:
    """Baseline and current side by side: entries/s, server CPU per entry, and each step's p50."""
    for backend in after:
        if backend not in before:
            continue
        for c, new in after[backend]["rounds"].items():
            old = before[backend]["rounds"].get(c)
            if old is None:
                continue
            print(f"\n{NAMES[backend]}, concurrency {c}: {old['entries_per_second']:.2f} -> "
                  f"{new['entries_per_second']:.2f} entries/s "
                  f"(x{new['entries_per_second'] / old['entries_per_second']:.1f}); server CPU per entry "
                  f"{old['server_cpu_per_entry'] * 1000:.0f} -> {new['server_cpu_per_entry'] * 1000:.0f} ms")
            print("  p50 ms before -> after: " + ", ".join(
                f"{name} {statistics.median(old['steps'][name]) * 1000:.0f} -> "
                f"{statistics.median(new['steps'][name]) * 1000:.0f}"
                for name in [FLOOR, *STEPS] if old["steps"][name] and new["steps"][name]))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--units", type=int, default=24, help="declaring units (entries) per round")
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 8])
    parser.add_argument("--backends", nargs="+", default=["sqlite", "pg"], choices=["sqlite", "pg"])
    parser.add_argument("--code", type=Path, default=REPO, help="the checkout whose server is measured")
    parser.add_argument("--baseline", type=Path, help="another checkout to measure first, e.g. the commit before a "
                        "change unpacked with `git archive`; a comparison follows")
    parser.add_argument("--repeat", type=int, default=1, help="with --baseline: measure each backend this many "
                        "times, baseline and current in turn, and compare pair by pair")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument("--setup", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--count", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    code = args.code.resolve()
    if args.setup or args.count:
        sys.path.insert(0, str(code / "src"))
        work = setup_database if args.setup else count_entries
        print(json.dumps(work(args.units, args.concurrency)))
        return 0
    checkouts = [args.baseline.resolve(), code] if args.baseline else [code]
    results: dict[str, dict] = {}
    runs: dict[str, dict[str, list[dict]]] = {}
    # Each backend's runs together, the checkouts in turn, so that before and after are measured close in time.
    for backend in args.backends:
        for _ in range(max(1, args.repeat)):
            for checkout in checkouts:
                result = run_backend(backend, checkout, args.units, args.concurrency)
                if result is None:
                    continue
                results.setdefault(str(checkout), {}).setdefault(backend, result)
                runs.setdefault(str(checkout), {}).setdefault(backend, []).append(result)
                if not args.json:
                    report(f"{NAMES[backend]} ({checkout})", result)
    if args.json:
        print(json.dumps(results))
    elif args.baseline:
        compare(results.get(str(checkouts[0]), {}), results.get(str(code), {}))
        if args.repeat > 1:
            compare_repeats(runs.get(str(checkouts[0]), {}), runs.get(str(code), {}))
    lost = [r for by_backend in runs.values() for results_of in by_backend.values() for result in results_of
            for r in result["rounds"].values() if not exact(r)]
    return 1 if lost else 0


if __name__ == "__main__":
    sys.exit(main())
