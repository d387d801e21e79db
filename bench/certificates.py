"""All certificates of the 2025 awards generated in the background (issue 12, benchmarks): 63 awards (the notice's
tiers, 3 + 10 + 20 + 30), rendered one by one as PDFs (A4 landscape, Noto CJK, QR code, seal image) and zipped by
the real background worker, `manage.py db_worker`, started as in production.

A temporary SQLite database (DATA_DIR in a temporary directory) gets the 2025 edition (create_zhengzhou_2025, its
prize tiers), N finalists with their declaring units and 1–5 completers each, an approved final ranking and a
confirmed award list whose rows take the tiers in ranking order, and a seal image. The office's request
(services_certificates.request_certificates) numbers the certificates and queues the job; then the worker runs
with --batch (it exits once the queue is empty) and is measured from outside: wall time of the process, the task's
own time (django-tasks-db's started/finished), and its peak resident memory (ru_maxrss of the child, from wait4,
the kernel's VmHWM at its exit). The progress the page polls is sampled every 0.2 s meanwhile.

The baseline in the same run: the same worker for a list of 1 award, so the ratios show what the 62 others cost
(per-certificate time, and memory growth, which should be close to nothing: the PDFs are streamed into the ZIP).

    uv run --frozen python bench/certificates.py [--certificates 63] [--json]
"""

import argparse
import io
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO / "src"))


def setup_django(data_dir: str) -> dict:
    env = dict(os.environ, DATA_DIR=data_dir, DJANGO_SETTINGS_MODULE="wuxiao.settings")
    env.pop("DATABASE_URL", None)
    env.pop("TASKS_BACKEND", None)  # the database backend, as in production: the worker process runs the task
    os.environ.clear()
    os.environ.update(env)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return env


def seal_png() -> bytes:
    from PIL import Image, ImageDraw

    img = Image.new("RGBA", (600, 600), (0, 0, 0, 0))
    draw = ImageDraw.Draw(img)
    draw.ellipse((12, 12, 588, 588), outline=(210, 20, 20, 220), width=18)
    draw.regular_polygon((300, 300, 90), 5, fill=(210, 20, 20, 220))
    out = io.BytesIO()
    img.save(out, "PNG")
    return out.getvalue()


def fill(n: int, *, slug: str, prefix: str, office):
    """An edition with the notice's tiers and a confirmed award list of n awards (the tiers' counts in order)."""
    from django.core.files.base import ContentFile
    from django.utils import timezone

    from wuxiao.awards.models import AwardList, AwardRow, ListStatus
    from wuxiao.awards.queries import award_settings
    from wuxiao.competitions import services as competition_services
    from wuxiao.entries.enums import EntryStatus
    from wuxiao.entries.models import Completer, Entry
    from wuxiao.finals.models import FinalRanking, RankingStatus
    from wuxiao.orgs.models import Organisation, UnitKind

    edition = competition_services.create_zhengzhou_2025(actor=None, slug=slug)
    tiers = list(edition.prize_tiers.order_by("position"))
    slots = [t for t in tiers for _i in range(t.count)][:n]
    union = Organisation.objects.create(kind=UnitKind.DISTRICT_UNION, name=f"郑州市{slug}区总工会")
    units = Organisation.objects.bulk_create(
        Organisation(kind=UnitKind.ENTERPRISE, name=f"郑州{slug}第{i + 1}精密机械制造有限公司", parent=union)
        for i in range(n))
    entries = Entry.objects.bulk_create(
        Entry(edition=edition, declaring_unit=u, recommending_unit=union, status=EntryStatus.AWARDED,
              title=f"数控车床快换定位工装的研制与推广应用（{i + 1}）", affiliation=u.name)
        for i, u in enumerate(units))
    names = ["王建国", "李红梅", "欧阳小龙", "孙丽", "周大勇"]
    Completer.objects.bulk_create(
        Completer(entry=e, position=p, name=names[p], age=40, post="高级技师", workplace=e.affiliation,
                  phone="13812345678") for i, e in enumerate(entries) for p in range(1 + i % 5))
    ranking = FinalRanking.objects.create(edition=edition, status=RankingStatus.APPROVED, approved_at=timezone.now(),
                                          parameters={})
    lst = AwardList.objects.create(edition=edition, ranking=ranking, status=ListStatus.CONFIRMED,
                                   confirmed_at=timezone.now(), confirmed_by=office)
    AwardRow.objects.bulk_create(
        AwardRow(award_list=lst, entry=e, position=i + 1, tier=t, computed_tier=t, amount_yuan=t.amount_yuan)
        for i, (e, t) in enumerate(zip(entries, slots)))
    s = award_settings(edition)
    s.certificate_prefix = prefix
    s.seal.save("seal.png", ContentFile(seal_png()), save=True)
    return edition


def run_worker(env: dict, job_pk: int) -> dict:
    """Run `manage.py db_worker --batch` until the queue is empty; its wall time, peak RSS and the progress seen."""
    from wuxiao.awards.models import AwardJob

    started = time.perf_counter()
    worker = subprocess.Popen([sys.executable, str(REPO / "manage.py"), "db_worker", "--batch", "--no-reload",
                               "--no-startup-delay", "--interval", "0.2"], cwd=REPO, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    seen, hwm = [], 0
    while True:
        pid, status, usage = os.wait4(worker.pid, os.WNOHANG)
        if pid:
            break
        hwm = max(hwm, vm_hwm_kb(worker.pid))
        done = AwardJob.objects.filter(pk=job_pk).values_list("done", flat=True).first()
        if not seen or seen[-1] != done:
            seen.append(done)
        time.sleep(0.2)
    wall = time.perf_counter() - started
    worker.returncode = os.waitstatus_to_exitcode(status)
    err = worker.stderr.read().decode(errors="replace")
    worker.stderr.close()
    return {"wall": wall, "peak_rss_kb": max(usage.ru_maxrss, hwm), "progress": seen, "exit": worker.returncode,
            "stderr": err[-2000:]}


def vm_hwm_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as f:
            return next((int(line.split()[1]) for line in f if line.startswith("VmHWM:")), 0)
    except OSError:
        return 0


def measure(env: dict, edition, office) -> dict:
    import zipfile

    from django_tasks_db.models import DBTaskResult

    from wuxiao.awards import services_certificates as services

    job = services.request_certificates(actor=office, edition=edition)
    run = run_worker(env, job.pk)
    job.refresh_from_db()
    task = DBTaskResult.objects.get(id=job.task_id)
    pdfs = 0
    if job.result:
        with job.result.open("rb") as f, zipfile.ZipFile(io.BytesIO(f.read())) as archive:
            pdfs = sum(1 for name in archive.namelist() if name.endswith(".pdf"))
    task_seconds = (task.finished_at - task.started_at).total_seconds() if task.finished_at and task.started_at else 0
    return {"status": job.status, "done": job.done, "total": job.total, "pdfs": pdfs, "error": job.error,
            "task_seconds": round(task_seconds, 2), "wall_seconds": round(run["wall"], 2),
            "peak_rss_mb": round(run["peak_rss_kb"] / 1024, 1), "progress_samples": run["progress"],
            "zip_mb": round(job.result.size / 1e6, 2) if job.result else 0, "worker_exit": run["exit"],
            "worker_stderr": run["stderr"] if job.status != "done" else ""}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--certificates", type=int, default=63)
    parser.add_argument("--no-baseline", dest="baseline", action="store_false",
                        help="skip the 1-certificate baseline (the smoke test)")
    parser.add_argument("--json", action="store_true", help="print the results as one JSON line at the end")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as data_dir:
        env = setup_django(data_dir)
        from wuxiao.accounts.models import Role, User
        from wuxiao.orgs.models import Membership, Organisation, UnitKind

        office = User.objects.create_user(username="bench-office")
        Membership.objects.create(user=office, role=Role.COMMITTEE, organisation=Organisation.objects.create(
            kind=UnitKind.COMMITTEE, name="组委会办公室"))
        t0 = time.perf_counter()
        baseline_edition = fill(1, slug="certificates-baseline", prefix="BASE", office=office) if args.baseline \
            else None
        edition = fill(args.certificates, slug="certificates-bench", prefix="ZZWX", office=office)
        print(f"  database filled in {time.perf_counter() - t0:.1f} s: a confirmed list of {args.certificates} "
              f"awards (and one of 1 for the baseline), a seal image", flush=True)
        baseline = measure(env, baseline_edition, office) if baseline_edition else None
        result = measure(env, edition, office)
        for label, r in (("baseline, 1 certificate", baseline), (f"{args.certificates} certificates", result)):
            if r is None:
                continue
            print(f"  {label}: {r['status']}, {r['pdfs']} PDFs in the ZIP ({r['zip_mb']} MB); worker process "
                  f"{r['wall_seconds']:.1f} s wall, task {r['task_seconds']:.1f} s, peak RSS {r['peak_rss_mb']:.0f} MB",
                  flush=True)
        n = max(1, result["pdfs"])
        if baseline:
            per = (result["task_seconds"] - baseline["task_seconds"]) / (n - 1) if n > 1 else result["task_seconds"]
            print(f"  ratios: time x{result['task_seconds'] / max(0.01, baseline['task_seconds']):.1f} for "
                  f"x{n} certificates (about {per:.2f} s per further certificate); peak memory "
                  f"x{result['peak_rss_mb'] / max(1, baseline['peak_rss_mb']):.2f} "
                  f"(+{result['peak_rss_mb'] - baseline['peak_rss_mb']:.0f} MB)", flush=True)
        print(f"  progress seen by polling: {len(result['progress_samples'])} distinct values, "
              f"{result['progress_samples'][:3]} … {result['progress_samples'][-2:]}", flush=True)
        runs = [r for r in (baseline, result) if r]
        failed = result["pdfs"] != args.certificates or any(r["status"] != "done" for r in runs)
        if failed:
            print("  FAILED: " + " ".join(f"{r['error']} {r['worker_stderr']}" for r in runs), flush=True)
        if args.json:
            print(json.dumps({"baseline": baseline, "result": result}), flush=True)
        sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
