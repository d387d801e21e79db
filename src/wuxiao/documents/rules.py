"""Who may print, sign and export which document."""

import rules

from wuxiao.accounts.rules import is_committee
from wuxiao.orgs.rules import is_declarer_of_unit, is_recommender_of_unit

# The entry's own PDF/DOCX follow "entries.view_entry" (entries/rules.py).
rules.add_perm("documents.sign_commitment", is_declarer_of_unit)  # object: the declaring unit (R27)
rules.add_perm("documents.view_commitment", is_declarer_of_unit | is_recommender_of_unit | is_committee)
rules.add_perm("documents.view_commitments", is_committee)
rules.add_perm("documents.export_entries", is_committee)
