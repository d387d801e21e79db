"""Who may run the awards stage and who may see an award's certificate (R10–R12).

The public pages (the announcement, the objection form, the results, certificate verification) need no login
and no permission: what they show is public by nature (the objectors' identities never are)."""

import rules

from wuxiao.accounts.rules import is_committee
from wuxiao.entries.rules import is_entry_declarer

# The committee office: tiers, vacancies, announcement, objections, confirmation, certificates, prize money,
# revocation, the competition's figures, report and exports.
rules.add_perm("awards.manage", is_committee)
# The declaring unit of an awarded entry (and the office) downloads its certificate (obj: entry).
rules.add_perm("awards.view_certificate", is_entry_declarer | is_committee)
