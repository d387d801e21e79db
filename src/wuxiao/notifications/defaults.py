"""The notification events and their default texts (subject and body in Django template syntax).

The committee office may rewrite any event's text on the templates page; until it does, the
default below is used, in the site's language (zh-hans). The variables every entry event offers
are listed in ENTRY_VARIABLES; unit events offer UNIT_VARIABLES.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Event:
    key: str
    label: str
    subject: str
    body: str
    send_email: bool = True


ENTRY_VARIABLES = ("entry_title", "declaring_unit", "recommending_unit", "edition", "action", "status",
                   "actor", "reason", "rank", "opinion", "rule", "due_date", "tier", "url")
UNIT_VARIABLES = ("unit", "recommending_unit", "actor", "reason", "url")
# Variables that only some events have, on top of their kind's list.
EVENT_VARIABLES = {"unit.deadline_extension": ("edition", "until"), "unit.batch_handed_over": ("edition", "count"),
                   "unit.entries_imported": ("edition", "count", "titles"),
                   # review: scoring
                   "review.reminder": ("expert", "count"),
                   "review.conflict_declared": ("expert", "count"),
                   "review.assignment_published": ("edition", "count", "expert"),
                   # finals
                   "finals.slot_published": ("session", "venue", "position", "planned_start")}
VARIABLE_LABELS = {
    "entry_title": _("title of the entry"),
    "declaring_unit": _("declaring unit"),
    "recommending_unit": _("recommending unit"),
    "edition": _("competition"),
    "action": _("decision"),
    "status": _("new status of the entry"),
    "actor": _("who decided"),
    "reason": _("reason or comment given"),
    "rank": _("merit rank (recommendation)"),
    "opinion": _("opinion of the recommending unit"),
    "rule": _("condition not met (scope, category or a case not included)"),
    "due_date": _("correction due by"),
    "tier": _("prize tier"),
    "unit": _("unit"),
    "until": _("new recommendation deadline"),
    "count": _("number of entries"),
    "titles": _("titles of the entries"),
    "expert": _("name of the expert"),
    "url": _("link to the page"),
    # finals
    "session": _("roadshow session"),
    "venue": _("venue"),
    "position": _("place in the running order"),
    "planned_start": _("planned start (Beijing time)"),
}

_OPEN = _("Open it: {{ url }}")
_REASON = _("Reason: {{ reason }}")
_OPINION = _("Opinion of the recommending unit: {{ opinion }}")


def _body(text, *, reason=False, opinion=False):
    """An event's body: the message, the reason (or opinion) when one was given, and the link."""
    def build():
        middle = ""
        if reason:
            middle += "{% if reason %}" + str(_REASON) + "\n\n{% endif %}"
        if opinion:
            middle += "{% if opinion %}" + str(_OPINION) + "\n\n{% endif %}"
        return f"{text}\n\n{middle}{_OPEN}"
    return build


_EVENTS = [
    # Screening by the recommending unit (R5, R6, R14, R23).
    ("entry.submit", _("Entry submitted"),
     _("New entry submitted: “{{ entry_title }}”"),
     _body(_("{{ declaring_unit }} has submitted the entry “{{ entry_title }}” ({{ edition }}). "
             "Please screen it: return it for revision, recommend it or do not recommend it."))),
    ("entry.withdraw", _("Entry withdrawn"),
     _("Entry withdrawn: “{{ entry_title }}”"),
     _body(_("{{ declaring_unit }} has withdrawn the entry “{{ entry_title }}” for further editing."), reason=True)),
    ("entry.return", _("Entry returned for revision"),
     _("Please revise “{{ entry_title }}”"),
     _body(_("{{ recommending_unit }} has returned the entry “{{ entry_title }}” for revision. "
             "Please revise it as asked and submit it again."), reason=True)),
    ("entry.recommend", _("Entry recommended"),
     _("“{{ entry_title }}” has been recommended"),
     _body(_("{{ recommending_unit }} has recommended the entry “{{ entry_title }}” to the committee "
             "(merit rank {{ rank }})."), opinion=True)),
    ("entry.not_recommend", _("Entry not recommended"),
     _("“{{ entry_title }}” has not been recommended"),
     _body(_("{{ recommending_unit }} has decided not to recommend the entry “{{ entry_title }}”."), reason=True)),
    ("entry.unrecommend", _("Recommendation taken back"),
     _("The recommendation of “{{ entry_title }}” has been taken back"),
     _body(_("{{ recommending_unit }} has taken back its recommendation of the entry “{{ entry_title }}”."),
           reason=True)),
    # The committee office's eligibility check (形式审查) and later decisions.
    ("entry.accept", _("Entry accepted into the second round"),
     _("“{{ entry_title }}” has entered the second round"),
     # Not "complete": the office may accept an entry whose checklist fails, with its reason (shown).
     _body(_("The committee office has found the entry “{{ entry_title }}” ({{ declaring_unit }}) eligible; "
             "it enters the second round."), reason=True)),
    ("entry.declare_ineligible", _("Entry declared ineligible"),
     _("“{{ entry_title }}” has been declared ineligible"),
     _body(_("The committee office has declared the entry “{{ entry_title }}” ({{ declaring_unit }}) "
             "ineligible: {{ rule }}."), reason=True)),
    ("entry.request_correction", _("Correction requested"),
     _("Please correct “{{ entry_title }}” by {{ due_date }}"),
     _body(_("The committee office asks for a correction of the entry “{{ entry_title }}” ({{ declaring_unit }}) "
             "by {{ due_date }}. The entry goes back to {{ recommending_unit }}."), reason=True)),
    ("entry.select_finalist", _("Entry selected as finalist"),
     _("“{{ entry_title }}” has been selected for the final"),
     _body(_("The entry “{{ entry_title }}” ({{ declaring_unit }}) has been selected for the final round."))),
    ("entry.not_select", _("Entry not selected as finalist"),
     _("“{{ entry_title }}” has not been selected for the final"),
     _body(_("The entry “{{ entry_title }}” ({{ declaring_unit }}) has not been selected for the final round."))),
    ("entry.award", _("Entry awarded"),
     _("“{{ entry_title }}” has been awarded"),
     _body(_("The entry “{{ entry_title }}” ({{ declaring_unit }}) has been awarded: {{ tier }}."))),
    ("entry.not_award", _("Entry not awarded"),
     _("“{{ entry_title }}” has not been awarded"),
     _body(_("The entry “{{ entry_title }}” ({{ declaring_unit }}) has not been awarded a prize."))),
    ("entry.revoke", _("Award revoked"),
     _("The award of “{{ entry_title }}” has been revoked"),
     _body(_("The committee office has revoked the award of the entry “{{ entry_title }}” "
             "({{ declaring_unit }}) (the notice, Attachment 1, section 6, item 2)."), reason=True)),
    # A declaring unit's registration (reviewed by its recommending unit or the committee).
    ("unit.registration_accepted", _("Registration accepted"),
     _("The registration of {{ unit }} has been accepted"),
     _body(_("The registration of {{ unit }} has been accepted. You can now declare entries."))),
    ("unit.registration_rejected", _("Registration rejected"),
     _("The registration of {{ unit }} has been rejected"),
     _body(_("The registration of {{ unit }} has been rejected. Please correct the unit's data and "
             "submit it again."), reason=True)),
    # The committee office keeps a recommending unit's batch open after the deadline (R6).
    ("unit.deadline_extension", _("Recommendation deadline extended"),
     _("The recommendation deadline of {{ unit }} has been extended to {{ until }}"),
     _body(_("The committee office has extended the recommendation deadline of {{ unit }} ({{ edition }}) to "
             "{{ until }}. Until then the unit can still screen its entries and hand its batch to the committee."),
           reason=True)),
    # A recommending unit hands its batch to the committee office (R26): the office's work begins.
    ("unit.batch_handed_over", _("Batch handed to the committee"),
     _("{{ unit }} has handed over its recommended entries"),
     _body(_("{{ unit }} has handed its {{ count }} recommended entries ({{ edition }}) to the committee office, "
             "with the stamped summary sheet. They are waiting for the eligibility check."))),
    # Entries collected offline, imported from Excel by the recommending unit or the committee office.
    ("unit.entries_imported", _("Entries imported from Excel"),
     _("{{ count }} entries of {{ unit }} imported as drafts"),
     _body(_("{{ actor }} has imported {{ count }} entries of {{ unit }} collected offline as drafts ({{ edition }}): "
             "{{ titles }}. They are your unit's drafts: check them, add the attachments and submit them before "
             "the deadline."))),
    # --- review: scoring (issue 10 items 2, 7, 8) ---
    ("review.reminder", _("Reminder: second-round scores outstanding"),
     _("Reminder: {{ count }} second-round scores to submit"),
     _body(_("Dear {{ expert }}, you still have {{ count }} entries to score in the second round of {{ edition }} "
             "(scores due by {{ due_date }}). Please score and submit them in your expert workspace."))),
    ("review.score_reopened", _("Second-round score reopened"),
     _("Your score of “{{ entry_title }}” has been reopened"),
     _body(_("The committee office has reopened your submitted score of the entry “{{ entry_title }}” "
             "({{ edition }}): you can change it and submit it again."), reason=True)),
    ("review.conflict_declared", _("Conflict of interest declared by an expert"),
     _("{{ expert }} has declared a conflict of interest"),
     _body(_("The expert {{ expert }} has declared a conflict of interest (回避) with the entry “{{ entry_title }}” "
             "({{ count }} entries in all, {{ edition }}). They no longer see these entries; please re-assign "
             "them."), reason=True)),
    # --- end review: scoring ---
    # The second round: the committee office publishes the assignment of entries to experts (R7, R13).
    ("review.assignment_published", _("Entries assigned for review"),
     _("You have {{ count }} entries to review ({{ edition }})"),
     _body(_("Dear {{ expert }}, the committee office has assigned you {{ count }} entries to review in the second "
             "round of {{ edition }}. They are in your expert workspace."))),
    # finals: the running order of a roadshow session is published (R8).
    ("finals.slot_published", _("Roadshow slot published"),
     _("Roadshow of “{{ entry_title }}”: {{ planned_start }}, {{ venue }}"),
     _body(_("The entry “{{ entry_title }}” ({{ declaring_unit }}) presents in the final round of {{ edition }}: "
             "session “{{ session }}”, place {{ position }} in the running order, planned start {{ planned_start }} "
             "(Beijing time), at {{ venue }}. Please upload the roadshow material before its deadline."))),
]

EVENTS: dict[str, tuple] = {key: (label, subject, body) for key, label, subject, body in _EVENTS}

# An event that has no default of its own (a later stage's) still gets a readable message.
FALLBACK_SUBJECT = _("{{ action }}: “{{ entry_title }}”")
FALLBACK_BODY = _body(_("“{{ action }}” concerns the entry “{{ entry_title }}” ({{ declaring_unit }})."), reason=True)
FALLBACK_LABEL = _("Other event")


def variables_of(event: str) -> tuple[str, ...]:
    """The variables a message template of `event` can use, as its editor lists them."""
    return (UNIT_VARIABLES if event.startswith("unit.") else ENTRY_VARIABLES) + EVENT_VARIABLES.get(event, ())


def default_for(event: str) -> Event:
    """The default text of `event`, rendered in the active language."""
    label, subject, body = EVENTS.get(event, (FALLBACK_LABEL, FALLBACK_SUBJECT, FALLBACK_BODY))
    return Event(key=event, label=str(label), subject=str(subject), body=body())


def label_of(event: str) -> str:
    return str(EVENTS.get(event, (event,))[0])
