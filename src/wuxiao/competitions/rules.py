import rules

from wuxiao.accounts.rules import is_committee

rules.add_perm("competitions.manage_edition", is_committee)
