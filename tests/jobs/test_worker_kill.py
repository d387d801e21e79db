"""A worker killed with SIGKILL in the middle of a job loses nothing: the next worker finishes it, once.

Real processes: `manage.py db_worker` on a database of its own (a SQLite file, or a PostgreSQL
database when the suite runs on PostgreSQL), with a two-second lease so the test stays short.
"""

import io
import json
import os
import signal
import time
import zipfile
from email import message_from_bytes

WORKER = ("db_worker", "--no-reload", "--interval", "0.2", "--no-startup-delay", "--worker-id")
LEASE = {"TASK_LEASE_SECONDS": "2"}


def wait_for(what: str, probe, site, timeout: float = 180):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = probe()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}; worker logs:\n{site.logs()}")


def kill(process) -> None:
    os.kill(process.pid, signal.SIGKILL)
    process.wait()


def task_row(site) -> tuple[str, list[str]]:
    ((status, worker_ids),) = site.query("SELECT status, worker_ids FROM django_tasks_database_dbtaskresult")
    return status, json.loads(worker_ids) if isinstance(worker_ids, str) else worker_ids


def test_an_export_whose_worker_is_killed_is_finished_by_the_next_one_with_one_file(make_site):
    site = make_site("export", **LEASE)
    ids = site.scenario("export", "6")
    job = "SELECT status, done, total, result FROM documents_exportjob WHERE id = %s"

    first = site.start(*WORKER, "first")
    wait_for("the export to be under way", lambda: site.query(job, ids["job"])[0][1] >= 1, site)
    kill(first)
    status, done, total, result = site.query(job, ids["job"])[0]
    assert status == "running" and 1 <= done < total == 6 and result == ""  # killed half-way, left "running"
    assert task_row(site) == ("RUNNING", ["first"])

    second = site.start(*WORKER, "second")
    wait_for("the export to finish", lambda: site.query(job, ids["job"])[0][0] == "done", site)
    second.terminate()
    second.wait(timeout=60)

    status, done, total, result = site.query(job, ids["job"])[0]
    assert (status, done, total) == ("done", 6, 6)
    assert task_row(site) == ("SUCCESSFUL", ["first", "second"])
    assert site.query("SELECT COUNT(*) FROM jobs_tasklease") == [(0,)]
    exports = sorted(p.relative_to(site.root / "media").as_posix() for p in (site.root / "media").rglob("*.zip"))
    assert exports == [result] == [f"exports/{ids['edition']}/{ids['job']}.zip"]
    with zipfile.ZipFile(io.BytesIO((site.root / "media" / result).read_bytes())) as archive:
        names = archive.namelist()
    assert len(names) == len(set(names)) == 6 and all(name.endswith("-申报表.pdf") for name in names)


def test_an_email_whose_worker_is_killed_while_sending_goes_out_once(make_site, tmp_path):
    mails = tmp_path / "sent"
    site = make_site("email", EMAIL_BACKEND="tests.jobs.slow_mail.SlowFileBackend", SLOW_MAIL_SECONDS="4",
                     SLOW_MAIL_DIR=str(mails), **LEASE)
    ids = site.scenario("email")
    notification = "SELECT email_status, email_attempts FROM notifications_notification WHERE id = %s"

    first = site.start(*WORKER, "first")
    wait_for("the e-mail to be on its way", lambda: site.query(notification, ids["notification"])[0][1] >= 1, site)
    kill(first)
    assert site.query(notification, ids["notification"])[0] == ("pending", 1)
    assert not mails.exists()  # killed before the mail server had it

    second = site.start(*WORKER, "second")
    wait_for("the e-mail to be sent", lambda: site.query(notification, ids["notification"])[0][0] == "sent", site)
    time.sleep(1)  # long enough for a second copy to show up, were one on its way
    second.terminate()
    second.wait(timeout=60)

    assert task_row(site) == ("SUCCESSFUL", ["first", "second"])
    (sent,) = mails.iterdir()
    message = message_from_bytes(sent.read_bytes())
    assert message["To"] == "worker-test@example.com"
    assert message["Message-ID"] == f"<notification-{ids['notification']}@127.0.0.1>"
