"""Actors, a settable clock and the valid input of every transition, for tests/entries."""

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from wuxiao.accounts.models import Role

from .. import factories

ROLES = ["declarer", "recommender", "other_recommender", "committee", "expert", "site_admin", "outsider",
         "anonymous"]


@pytest.fixture
def actors(declarer, recommender, committee, expert, site_admin, outsider):
    """One person per role, all around the `declaring_unit` fixture's entries."""
    return {
        "declarer": declarer,
        "recommender": recommender,
        # works for a recommending unit, but not the one this entry belongs to
        "other_recommender": factories.user_with_role(Role.RECOMMENDER),
        "committee": committee,
        "expert": expert,
        "site_admin": site_admin,
        "outsider": outsider,
        "anonymous": AnonymousUser(),
    }


@pytest.fixture
def entry_of(edition, declaring_unit):
    """make an entry of `declaring_unit` in `edition`, in the given status."""

    def make(status="draft", **kwargs):
        return factories.EntryFactory(edition=edition, declaring_unit=declaring_unit, status=status, **kwargs)

    return make


class Clock:
    def __init__(self, now: dt.datetime):
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now


@pytest.fixture
def check(tmp_path, edition):
    """check(kind, name, data) → the file checks' Checked, or the refusal's Chinese message as a string."""
    from wuxiao.common.exceptions import Refused
    from wuxiao.entries.attachments import check_file

    def run(kind, name, data: bytes):
        path = tmp_path / ("upload-" + name)
        path.write_bytes(data)
        try:
            return check_file(kind=kind, path=str(path), name=name, size=len(data), edition=edition)
        except Refused as refused:
            return str(refused.message)

    return run


@pytest.fixture
def clock(monkeypatch):
    """The server's clock, frozen at a settable moment (the only thing outside the project we mock)."""
    frozen = Clock(timezone.now().replace(microsecond=0))
    monkeypatch.setattr(timezone, "now", frozen)
    return frozen


def valid_input(action: str) -> tuple[str, dict]:
    """A reason and data with which `action` passes every check but the state and the role."""
    today = timezone.localdate()
    return {
        "submit": ("", {}),
        "withdraw": ("发现材料有误，撤回修改", {}),
        "return": ("请补充经济效益数据", {}),
        "recommend": ("", {"opinion": "同意推荐"}),
        "not_recommend": ("创新性不足", {}),
        "unrecommend": ("调整推荐名单", {}),
        # Its entries have no stamped form nor commitment: the committee confirms accepting them all the same.
        "accept": ("", {"confirm_failed_checks": True, "override_reason": "盖章材料已以纸质件报送并核验"}),
        "declare_ineligible": ("第一完成人为企业主要负责人", {"rule": "R4.1"}),
        "request_correction": ("补充近三年推广应用证明", {"due_date": (today + dt.timedelta(days=7)).isoformat()}),
        "select_finalist": ("", {}),
        "not_select": ("", {}),
        "award": ("", {"tier": "一等奖"}),
        "not_award": ("", {}),
        "revoke": ("经查实作品数据造假", {"decided_on": today.isoformat()}),
    }.get(action, ("", {}))
