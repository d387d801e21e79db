"""API: entries, their completers, R4 answers, attachments and documents (issue 3, item 15).

The same rules as the pages: entries.view_entry to read (a recommending unit does not see a
draft, which is the declaring unit's own), the declaring unit to create, edit, validate, submit
and upload (declaration.may_declare). Writes go through the domain functions only:
declaration.create_entry / save_entry, services.transition_entry, services_attachments.
Lists use the page's query (entries.queries), so pages and API show the same rows.

Split by what the operations act on: entries.py and attachments.py register their operations on
the one router of common.py; schemas.py holds what they read and answer.
"""

from . import attachments, entries  # noqa: F401  (their operations join the router)
from .common import ENTRY_NOT_FOUND, ENTRY_RESPONSES, router, viewable_entry

__all__ = ["ENTRY_NOT_FOUND", "ENTRY_RESPONSES", "router", "viewable_entry"]
