"""Data for a site driven through subprocesses (sites.py): `python -m tests.jobs.scenario COMMAND`.

Runs with the site's environment (DATABASE_URL, DATA_DIR, MEDIA_ROOT) and prints one JSON line.
"""

import hashlib
import json
import sys


def export(count: str) -> dict:
    """An edition with `count` entries and a queued export of their 申报表 PDFs."""
    from wuxiao.accounts.models import Role
    from wuxiao.documents.services import request_export
    from tests import factories

    edition = factories.EditionFactory()
    unit = factories.DeclaringUnitFactory()
    for _ in range(int(count)):
        factories.EntryFactory(edition=edition, declaring_unit=unit)
    job = request_export(actor=factories.user_with_role(Role.COMMITTEE), edition=edition, filters={})
    return {"job": job.pk, "task": job.task_id, "edition": edition.pk}


def email() -> dict:
    """A notification whose e-mail is queued."""
    from wuxiao.notifications.models import Notification
    from wuxiao.notifications.tasks import send_notification_email
    from tests import factories

    user = factories.UserFactory(email="worker-test@example.com")
    notification = Notification.objects.create(user=user, event="entry.submit", title="新提交作品：《测试》",
                                               body="已提交作品《测试》。", email_status="pending")
    result = send_notification_email.enqueue(notification.pk)
    return {"notification": notification.pk, "task": str(result.id)}


def populate() -> dict:
    """Entries with attachments (and a stamped commitment scan), each step in the audit log."""
    from django.core.files.base import ContentFile

    from wuxiao.accounts.models import Role
    from wuxiao.common.audit import record
    from wuxiao.entries.models import Attachment, CreditCommitment
    from tests import factories

    edition = factories.EditionFactory()
    unit = factories.DeclaringUnitFactory()
    declarer = factories.user_with_role(Role.DECLARER, unit)
    for i in range(3):
        entry = factories.EntryFactory(edition=edition, declaring_unit=unit, title=f"备份测试作品{i}")
        record(actor=declarer, action="entry.create", obj=entry, edition=edition, data={"title": entry.title})
        for j, kind in enumerate(["document", "other"]):
            body = f"附件 {i}-{j} ".encode() * (1000 * (j + 1)) + bytes(range(256))
            attachment = Attachment(entry=entry, kind=kind, original_name=f"材料{i}-{j}.pdf", size=len(body),
                                    uploaded_by=declarer)
            attachment.file.save(f"材料{i}-{j}.pdf", ContentFile(body), save=True)
            record(actor=declarer, action="entry.attachment_upload", obj=entry, edition=edition,
                   data={"name": attachment.original_name, "size": attachment.size})
    commitment = CreditCommitment.objects.create(edition=edition, unit=unit, legal_representative="王法人")
    commitment.scan.save("承诺书.png", ContentFile(b"\x89PNG\r\n\x1a\n" + b"\0" * 5000), save=True)
    record(actor=declarer, action="documents.commitment_scan_upload", obj=commitment, edition=edition)
    return inventory()


def inventory() -> dict:
    """Every entry, every stored file (by its bytes' SHA-256) and every audit row."""
    from django.core.files.storage import default_storage

    from wuxiao.common.models import AuditLog
    from wuxiao.entries.models import Attachment, CreditCommitment, Entry

    names = [a.file.name for a in Attachment.objects.all()] + [
        c.scan.name for c in CreditCommitment.objects.exclude(scan="")]
    files = {}
    for name in names:
        with default_storage.open(name, "rb") as f:
            files[name] = hashlib.sha256(f.read()).hexdigest()
    return {
        "entries": [[e.pk, e.title, e.status, e.edition_id] for e in Entry.objects.order_by("pk")],
        "files": files,
        "audit": [[a.pk, a.action, a.object_type, a.object_id, a.actor_id, a.data, a.at.isoformat()]
                  for a in AuditLog.objects.order_by("pk")],
    }


if __name__ == "__main__":
    import django

    django.setup()
    command, *args = sys.argv[1:]
    print(json.dumps({"export": export, "email": email, "populate": populate, "inventory": inventory}[command](*args)))
