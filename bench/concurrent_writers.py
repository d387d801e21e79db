"""8 declaring units submit and withdraw their entries at the same moment on the SQLite default.

A stock Django app on SQLite answers "database is locked" to most of such writers; with WAL,
IMMEDIATE transactions and a busy timeout (settings.py) every write should succeed. Reports the
number of transitions, the failures by kind and the throughput, for the project's settings and,
for comparison, for a stock configuration (DEFERRED transactions, no WAL, 5 s default timeout).
"""

import multiprocessing as mp
import os
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))
WRITERS = 8
ROUNDS = 40


def setup_django(data_dir: str, stock: bool):
    os.environ["DATA_DIR"] = data_dir
    os.environ.pop("DATABASE_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "wuxiao.settings"
    import django
    from django.conf import settings

    if stock:
        settings.DATABASES["default"]["OPTIONS"] = {}
    django.setup()


def prepare(data_dir: str, stock: bool) -> list[int]:
    setup_django(data_dir, stock)
    from django.core.management import call_command

    from wuxiao.accounts.models import Role, User
    from wuxiao.entries.models import Entry
    from wuxiao.orgs.models import Membership, Organisation

    call_command("migrate", verbosity=0)
    from wuxiao.competitions.services import create_zhengzhou_2025
    from wuxiao.demo.data import demo_form, practice_shift
    from wuxiao.entries.declaration import save_entry

    # The 2025 edition moved to today, so that its deadline is open; every entry is complete.
    edition = create_zhengzhou_2025(slug="bench", shift=practice_shift())
    category = edition.categories.first()
    forms = list(edition.presentation_forms.values_list("pk", flat=True)[:1])
    exclusions = list(edition.exclusions.values_list("pk", flat=True))
    parent = Organisation.objects.create(kind="industry_union", name="bench union")
    ids = []
    for i in range(WRITERS):
        unit = Organisation.objects.create(kind="enterprise", name=f"bench unit {i}", parent=parent)
        user = User.objects.create_user(username=f"bench{i}", password="x")
        Membership.objects.create(user=user, organisation=unit, role=Role.DECLARER)
        entry = Entry.objects.create(edition=edition, declaring_unit=unit, recommending_unit=parent,
                                     title=f"entry {i}", category=category)
        save_entry(actor=user, entry=entry, fields=demo_form(entry.title, unit.name), industry_code="3421",
                   presentation_form_ids=forms, exclusion_answers={pk: False for pk in exclusions},
                   completers=[{"name": "张工", "age": 38, "post": "技师", "workplace": unit.name,
                                "phone": "13700000005"}])
        ids.append(entry.pk)
    return ids


def writer(args):
    data_dir, stock, entry_id, start_at = args
    setup_django(data_dir, stock)
    from django.db import OperationalError

    from wuxiao.entries.models import Entry
    from wuxiao.entries.services import TransitionRefused, transition_entry

    entry = Entry.objects.select_related("declaring_unit").get(pk=entry_id)
    actor = entry.declaring_unit.memberships.get().user
    ok = locked = other = 0
    while time.time() < start_at:
        time.sleep(0.001)
    for i in range(ROUNDS):
        action, reason = ("submit", "") if i % 2 == 0 else ("withdraw", "bench")
        try:
            transition_entry(entry=entry, action=action, actor=actor, reason=reason)
            ok += 1
        except OperationalError as exc:
            locked += "locked" in str(exc)
            other += "locked" not in str(exc)
            entry.refresh_from_db()
        except TransitionRefused:
            other += 1
            entry.refresh_from_db()
    return ok, locked, other


def run(stock: bool) -> None:
    with tempfile.TemporaryDirectory() as data_dir:
        ctx = mp.get_context("spawn")
        with ctx.Pool(1) as pool:
            ids = pool.apply(prepare, (data_dir, stock))
        start_at = time.time() + 3
        with ctx.Pool(WRITERS) as pool:
            t0 = time.time()
            results = pool.map(writer, [(data_dir, stock, i, start_at) for i in ids])
            elapsed = time.time() - max(t0, start_at)
        ok = sum(r[0] for r in results)
        locked = sum(r[1] for r in results)
        other = sum(r[2] for r in results)
        label = "stock SQLite settings  " if stock else "wuxiao SQLite settings "
        print(f"{label}: {WRITERS} writers x {ROUNDS} transitions: {ok} succeeded, "
              f"{locked} 'database is locked', {other} other failures; {ok / elapsed:.0f} transitions/s")


if __name__ == "__main__":
    run(stock=True)
    run(stock=False)
