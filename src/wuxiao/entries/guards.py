"""What the declaration stage (申报) demands of its transitions and records with them.

Registered on the entry's one transition function from EntriesConfig.ready(), as every later
stage registers its own (screening, review, finals, awards).
"""

from django.db.models import prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wuxiao.common.dates import format_local
from wuxiao.common.exceptions import Refused

from .enums import Action
from .models import Entry
from .transitions import registry


def declaration_open(entry: Entry, actor, data: dict) -> None:
    """R15: the server's clock decides, to the second (a stage may grant this entry a later moment)."""
    edition = entry.edition
    now = timezone.now()
    deadline = registry.deadline_for(entry, edition.declaration_deadline)
    if now >= deadline:
        raise Refused(
            _("The declaration deadline (the notice, Attachment 1, section 7 “Deadline and contact”), %(deadline)s, "
              "has passed; entries can no longer be submitted.")
            % {"deadline": format_local(deadline)})
    if now < edition.declaration_opens_at:
        raise Refused(_("Declaration opens at %(opens)s.") % {"opens": format_local(edition.declaration_opens_at)})


def complete(entry: Entry, actor, data: dict) -> None:
    """R17–R25 and R4: the form is whole, within its 字数, and no exclusion is declared."""
    from .declaration import submission_problems, submission_rows

    # Read in full under the lock: the transition hands them to the caller's entry, whose answer shows them.
    prefetch_related_objects([entry], *submission_rows())
    problems = submission_problems(entry)
    missing = [str(p.message) for p in problems if p.missing]
    others = [str(p.message) for p in problems if not p.missing]
    parts = []
    if missing:
        parts.append(str(_("The entry is not complete; missing: %(fields)s.") % {"fields": "、".join(missing)}))
    parts += others
    if parts:
        raise Refused(" ".join(parts))


def record_submission_time(entry: Entry, data: dict) -> list[str]:
    entry.submitted_at = entry.status_changed_at  # the moment of this transition
    return ["submitted_at"]


def register() -> None:
    registry.add_guards(Action.SUBMIT, declaration_open, complete)
    registry.add_recorders(Action.SUBMIT, record_submission_time)
