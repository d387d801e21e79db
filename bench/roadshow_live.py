"""The live roadshow under load (issue 11 item 8): 15 judges scoring 60 presentations through HTTP.

For each database (SQLite in a temporary DATA_DIR, PostgreSQL in a database of its own), a fresh database
gets one edition with the final rubric, a session of N presentations and J judges (accounts with API
tokens), and the production server (gunicorn, 2 sync workers, as bench/deadline_surge.py starts it). Then:

- a console client drives each presentation through the API: on stage, start, end, open scoring, waits
  (polling the console state every 400 ms, as the console page does) until every judge has scored, locks
  and reveals;
- J judge threads, each also polling its phone's state every second (as judge.js does), submit their
  score when scoring opens (after a random 0–300 ms), every 10th one sent twice with the same key (the
  outbox retrying after a lost answer);
- a screen poller asks the big screen's state every 400 ms with ?v= (as screen.js does).

Measured: submit-to-screen latency — from the start of a judge's submit request to the first screen poll
whose answer shows that judge as scored — and the same to the console, p50/p95/max; the state requests'
times (200 and 204 answers). Checked afterwards in the database: exactly J × N scores, one per judge and
presentation (none lost, none doubled), every presentation locked with a result.

    uv run --frozen python bench/roadshow_live.py [--judges 15] [--presentations 60] [--backends sqlite pg]

It prints what it measured; exit 1 only when scores were lost or doubled (or the run failed).
"""

import argparse
import json
import os
import random
import secrets
import shutil
import statistics
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import deadline_surge  # noqa: E402
from deadline_surge import (  # noqa: E402
    free_port,
    http_caller,
    percentile,
    reset_pg,
    server_cpu,
    start_server,
    stop_server,
)

deadline_surge.PG_DATABASE = "wuxiao_bench_roadshow"  # a database of its own (reset_pg drops and creates it)

REPO = HERE.parent
EDITION = "roadshow-bench"
SCREEN_POLL = 0.4
CONSOLE_POLL = 0.4
PHONE_POLL = 1.0


class RunFailed(Exception):
    pass


# --- The server side: runs with Django, in a child process (--setup / --count) ------------------------

def django_setup() -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "wuxiao.settings"
    import django

    django.setup()


def setup_database(judges: int, presentations: int) -> dict:
    """Migrate; one edition, its final rubric, the finalists, the judges and the office, with API tokens."""
    django_setup()
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone

    call_command("migrate", verbosity=0)
    from wuxiao.accounts.models import Role, User
    from wuxiao.common.api_auth import create_api_token
    from wuxiao.competitions.services import create_zhengzhou_2025
    from wuxiao.demo.data import practice_shift
    from wuxiao.entries.enums import EntryStatus
    from wuxiao.entries.models import Entry
    from wuxiao.finals import presets
    from wuxiao.finals.models import FinalCriterion, FinalStage, RoadshowSession, SessionJudge, Slot
    from wuxiao.orgs.models import Membership, Organisation
    from wuxiao.review.models import Expert, ExpertStatus

    with transaction.atomic():
        edition = create_zhengzhou_2025(slug=EDITION, shift=practice_shift())
        criteria = [FinalCriterion.objects.create(edition=edition, stage=FinalStage.ROADSHOW, position=i, name=name,
                                                  max_points=points, guidance=guidance)
                    for i, (name, points, guidance) in enumerate(presets.ROADSHOW_CRITERIA)]
        union = Organisation.objects.create(kind="industry_union", name="路演基准产业工会")
        entries = []
        for i in range(presentations):
            unit = Organisation.objects.create(kind="enterprise", name=f"路演基准企业{i}号", parent=union)
            entries.append(Entry.objects.create(edition=edition, declaring_unit=unit, recommending_unit=union,
                                                title=f"路演基准作品{i}", status=EntryStatus.FINALIST))
        office = Organisation.objects.create(kind="committee", name="路演基准组委会办公室")
        committee = User.objects.create(username="bench-committee", display_name="组委会")
        Membership.objects.create(user=committee, organisation=office, role=Role.COMMITTEE)
        session = RoadshowSession.objects.create(edition=edition, name="基准场", venue="报告厅",
                                                 starts_at=timezone.now(), order_published_at=timezone.now())
        tokens = []
        for seat in range(1, judges + 1):
            user = User.objects.create(username=f"bench-judge-{seat}", display_name=f"评委{seat}")
            expert = Expert.objects.create(edition=edition, user=user, name=f"基准评委{seat}", organisation_name="某大学",
                                           mobile=f"1390000{seat:04d}", status=ExpertStatus.ACCEPTED,
                                           responded_at=timezone.now())
            SessionJudge.objects.create(session=session, expert=expert, seat=seat)
            tokens.append(create_api_token(actor=user, name="bench")[1])
        for position, entry in enumerate(entries, start=1):
            Slot.objects.create(session=session, entry=entry, position=position)
        console_token = create_api_token(actor=committee, name="bench")[1]
    return {"session": session.pk, "screen_token": session.screen_token, "judge_tokens": tokens,
            "console_token": console_token, "criteria": [[c.pk, c.max_points] for c in criteria]}


def count_scores() -> dict:
    django_setup()
    from django.db.models import Count

    from wuxiao.finals.models import RoadshowScore, Slot

    live = RoadshowScore.objects.filter(cleared_at__isnull=True)
    per_pair = live.values("slot", "judge").annotate(n=Count("id"))
    return {"rows": RoadshowScore.objects.count(), "live": live.count(), "pairs": per_pair.count(),
            "doubled_pairs": per_pair.filter(n__gt=1).count(),
            "slots_with_result": Slot.objects.filter(result__isnull=False).count(),
            "slots": Slot.objects.count()}


# --- The clients ------------------------------------------------------------------------------------------

def run_live(port: int, plan: dict, judges: int, presentations: int, master_pid: int) -> dict:
    call = http_caller(port)
    session = plan["session"]
    base = f"/api/finals/sessions/{session}"
    submitted: dict[tuple[int, int], float] = {}  # (slot id, seat) → submit request start
    seen_screen: dict[tuple[int, int], float] = {}
    seen_console: dict[tuple[int, int], float] = {}
    request_times: dict[str, list[float]] = {"submit": [], "screen 200": [], "screen 204": [], "phone 200": [],
                                             "phone 204": [], "console": [], "action": []}
    failures: list[str] = []
    lock = threading.Lock()
    done = threading.Event()
    scoring = {"slot": None, "event": threading.Event()}
    rng = random.Random(20251120)

    def timed(kind, method, path, body=None, token=None):
        started = time.perf_counter()
        status, data = call(method, path, body, token)
        with lock:
            request_times[kind if kind not in ("screen", "phone") else f"{kind} {status}"].append(
                time.perf_counter() - started)
        return status, data

    def note_seen(target: dict, data: dict, now: float) -> None:
        slot = data and data.get("slot")
        if not slot:
            return
        with lock:
            for seat in slot.get("scored_seats", []):
                target.setdefault((slot["id"], seat), now)

    def screen_poller():
        version = None
        path = f"/finals/screen/{plan['screen_token']}/state/"
        while not done.is_set():
            try:
                status, data = timed("screen", "GET", path + (f"?v={version}" if version is not None else ""))
                if status == 200:
                    version = data["version"]
                    note_seen(seen_screen, data, time.perf_counter())
            except OSError as exc:
                failures.append(f"screen: {exc}")
            time.sleep(SCREEN_POLL)

    def judge(seat: int, token: str):
        version = None
        scored = set()
        next_poll = 0.0
        while not done.is_set():
            now = time.perf_counter()
            if now >= next_poll:  # the phone's own polling, as judge.js does it
                status, data = timed("phone", "GET", f"{base}/state" + (f"?v={version}" if version is not None
                                                                         else ""), token=token)
                if status == 200:
                    version = data["version"]
                next_poll = now + PHONE_POLL
            slot_id = scoring["slot"]
            if slot_id is None or slot_id in scored:
                scoring["event"].wait(0.05)
                continue
            time.sleep(rng.random() * 0.3)
            items = {str(pk): rng.randrange(0, 2 * top + 1) / 2 for pk, top in plan["criteria"]}
            key = str(uuid.uuid4())
            sends = 2 if (seat + slot_id) % 10 == 0 else 1  # every 10th: the outbox sends again
            started = time.perf_counter()
            with lock:
                submitted[(slot_id, seat)] = started
            for _ in range(sends):
                status, data = timed("submit", "POST", f"{base}/slots/{slot_id}/scores",
                                     {"items": items, "idempotency_key": key}, token)
                if status not in (200, 201):
                    failures.append(f"judge {seat} slot {slot_id}: {status} {str(data)[:200]}")
            scored.add(slot_id)

    def action(path, body=None):
        status, data = timed("action", "POST", f"{base}{path}", body or {}, plan["console_token"])
        if status != 200:
            raise RunFailed(f"console {path}: {status} {str(data)[:300]}")
        return data

    def console():
        token = plan["console_token"]
        for _ in range(presentations):
            state = action("/next")
            slot = state["slot"]["id"]
            for step in ("start", "end", "open-scoring"):
                action(f"/slots/{slot}/{step}")
            scoring["slot"] = slot
            scoring["event"].set()
            scoring["event"].clear()
            deadline = time.perf_counter() + 60
            version = None
            while True:
                status, data = timed("console", "GET", f"{base}/state" + (f"?v={version}" if version is not None
                                                                           else ""), token=token)
                if status == 200:
                    version = data["version"]
                    note_seen(seen_console, data, time.perf_counter())
                    if data["slot"]["scored"] >= judges:
                        break
                if time.perf_counter() > deadline:
                    raise RunFailed(f"slot {slot}: not every judge scored within 60 s")
                time.sleep(CONSOLE_POLL)
            scoring["slot"] = None
            action(f"/slots/{slot}/lock", {"reason": ""})
            action(f"/slots/{slot}/reveal")
            time.sleep(SCREEN_POLL)  # the screen shows the revealed scores before the next presentation

    # Warm both workers (imports, first queries) before measuring, as a venue's server is warm by the session.
    for _ in range(4):
        call("GET", f"/finals/screen/{plan['screen_token']}/state/")
        call("GET", f"{base}/state", None, plan["console_token"])
        call("GET", f"{base}/state", None, plan["judge_tokens"][0])
    threads = [threading.Thread(target=screen_poller, daemon=True)]
    threads += [threading.Thread(target=judge, args=(seat, token), daemon=True)
                for seat, token in enumerate(plan["judge_tokens"], start=1)]
    for t in threads:
        t.start()
    started = time.perf_counter()
    cpu_started = server_cpu(master_pid)
    try:
        console()
    except (RunFailed, OSError) as exc:
        failures.append(str(exc))
    finally:
        time.sleep(SCREEN_POLL * 2)
        done.set()
        for t in threads:
            t.join(timeout=30)
    wall = time.perf_counter() - started
    cpu = server_cpu(master_pid) - cpu_started
    # Once nothing changes any more, the screen's poll with the version it last saw answers 204 "nothing new"
    # (during the run, on a slow machine, every poll may have found something new).
    screen = f"/finals/screen/{plan['screen_token']}/state/"
    status, data = call("GET", screen)
    settled_screen = call("GET", f"{screen}?v={data['version']}")[0] if status == 200 else status

    def latencies(seen):
        return [seen[k] - submitted[k] for k in submitted if k in seen]

    return {"seconds": wall, "failures": failures[:10], "failed": len(failures), "submitted": len(submitted),
            "screen": latencies(seen_screen), "console": latencies(seen_console),
            "missed_screen": len([k for k in submitted if k not in seen_screen]),
            "requests": request_times, "settled_screen": settled_screen, "load": os.getloadavg()[0], "server_cpu": cpu,
            "request_count": sum(len(v) for v in request_times.values())}


# --- Orchestration ------------------------------------------------------------------------------------

def child(env: dict, *args: str) -> dict:
    import subprocess

    done = subprocess.run([sys.executable, str(Path(__file__).resolve()), *args], env=env, cwd=REPO,
                          capture_output=True, text=True, timeout=900)
    if done.returncode != 0:
        raise RuntimeError(f"{args[0]} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def run_backend(backend: str, judges: int, presentations: int) -> dict | None:
    work = Path(tempfile.mkdtemp(prefix=f"wuxiao-bench-roadshow-{backend}-"))
    env = {**os.environ, "DATA_DIR": str(work), "DEBUG": "0", "SECRET_KEY": secrets.token_urlsafe(40),
           "ALLOWED_HOSTS": "127.0.0.1", "LOG_LEVEL": "WARNING", "PYTHONPATH": str(REPO / "src")}
    env.pop("DATABASE_URL", None)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    try:
        if backend == "pg":
            url = reset_pg()
            if url is None:
                return None
            env["DATABASE_URL"] = url
        sizes = ["--judges", str(judges), "--presentations", str(presentations)]
        plan = child(env, "--setup", *sizes)
        port = free_port()
        server = start_server(REPO, env, port, work / "server.log")
        try:
            result = run_live(port, plan, judges, presentations, server.pid)
        finally:
            stop_server(server)
        result["count"] = child(env, "--count", *sizes)
        result["judges"], result["presentations"] = judges, presentations
        return result
    finally:
        shutil.rmtree(work, ignore_errors=True)


def exact(result: dict) -> bool:
    n = result["judges"] * result["presentations"]
    c = result["count"]
    return (c["rows"] == c["live"] == c["pairs"] == n and c["doubled_pairs"] == 0
            and c["slots_with_result"] == result["presentations"] and result["failed"] == 0)


def ms(values: list[float]) -> str:
    if not values:
        return "n/a"
    return (f"p50 {statistics.median(values) * 1000:.0f} ms, p95 {percentile(values, 0.95) * 1000:.0f} ms, "
            f"max {max(values) * 1000:.0f} ms")


def report(label: str, r: dict) -> None:
    n = r["judges"] * r["presentations"]
    c = r["count"]
    print(f"\n{label}: {r['judges']} judges × {r['presentations']} presentations in {r['seconds']:.0f} s "
          f"(load average {r['load']:.1f})")
    print(f"  submit → big screen: {ms(r['screen'])} ({len(r['screen'])} of {r['submitted']} scores seen"
          f"{', ' + str(r['missed_screen']) + ' never seen' if r['missed_screen'] else ''})")
    print(f"  submit → console:    {ms(r['console'])}")
    print(f"  server CPU (gunicorn workers, from /proc): {r['server_cpu']:.1f} s for {r['request_count']} requests = "
          f"{r['server_cpu'] / max(1, r['request_count']) * 1000:.1f} ms each, {r['server_cpu'] / r['seconds'] * 100:.0f}% "
          f"of one core over the run")
    for kind, values in r["requests"].items():
        if values:
            print(f"  request {kind:<11} {ms(values)} ({len(values)})")
    verdict = "exactly J × N, none lost or doubled" if exact(r) else "MISMATCH"
    print(f"  database: {c['rows']} score rows, {c['pairs']} judge×presentation pairs, {c['doubled_pairs']} doubled, "
          f"{c['slots_with_result']} of {c['slots']} presentations with a result, for J × N = {n}: {verdict}")
    for failure in r["failures"]:
        print(f"  failure: {failure}")


NAMES = {"sqlite": "SQLite", "pg": "PostgreSQL"}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--judges", type=int, default=15)
    parser.add_argument("--presentations", type=int, default=60)
    parser.add_argument("--backends", nargs="+", default=["sqlite", "pg"], choices=["sqlite", "pg"])
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument("--setup", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--count", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.setup or args.count:
        sys.path.insert(0, str(REPO / "src"))
        result = setup_database(args.judges, args.presentations) if args.setup else count_scores()
        print(json.dumps(result))
        return 0
    results = {}
    for backend in args.backends:
        result = run_backend(backend, args.judges, args.presentations)
        if result is None:
            continue
        results[backend] = result
        if not args.json:
            report(NAMES[backend], result)
    if args.json:
        print(json.dumps(results))
    return 0 if results and all(exact(r) for r in results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
