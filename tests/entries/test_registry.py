"""The transition table's skeleton lives in entries; each stage registers its own guards and records.

entries must import nothing of a later stage (screening, review, finals, awards): they extend
the one transition function through entries.transitions.registry from their AppConfig.ready().
"""

import ast
from pathlib import Path

import pytest

from wuxiao.awards import transitions as awards_stage
from wuxiao.common.exceptions import Refused
from wuxiao.entries import guards as declaration_stage
from wuxiao.entries.enums import Action, EntryStatus
from wuxiao.entries.services import transition_entry
from wuxiao.entries.transitions import TRANSITIONS, Registry, registry
from wuxiao.notifications.services import DECLARING, RECOMMENDING
from wuxiao.screening import transitions as screening_stage

ENTRIES = Path(declaration_stage.__file__).resolve().parent
LATER_STAGES = ("wuxiao.screening", "wuxiao.review", "wuxiao.finals", "wuxiao.awards")


def _imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def test_entries_imports_nothing_of_a_later_stage():
    offenders = {}
    for path in ENTRIES.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        bad = sorted(m for m in _imports(path) if m.startswith(LATER_STAGES))
        if bad:
            offenders[str(path.relative_to(ENTRIES))] = bad
    assert offenders == {}


def test_each_stage_registered_its_own_guards_in_order():
    assert registry.guards_of(Action.SUBMIT) == (declaration_stage.declaration_open, declaration_stage.complete)
    assert registry.guards_of(Action.RECOMMEND) == (
        screening_stage.recommendation_open, screening_stage.batch_open, screening_stage.opinion_given,
        screening_stage.within_quota)
    assert registry.guards_of(Action.RETURN) == (screening_stage.recommendation_open, screening_stage.batch_open)
    assert registry.guards_of(Action.NOT_RECOMMEND) == (screening_stage.batch_open,)
    assert registry.guards_of(Action.UNRECOMMEND) == (screening_stage.recommendation_open, screening_stage.batch_open)
    assert registry.guards_of(Action.WITHDRAW) == (screening_stage.withdrawable,)
    assert registry.guards_of(Action.DECLARE_INELIGIBLE) == (screening_stage.ineligibility_rule,)
    assert registry.guards_of(Action.REQUEST_CORRECTION) == (screening_stage.correction_date,)
    assert registry.guards_of(Action.AWARD) == (awards_stage.award_tier,)
    assert registry.guards_of(Action.REVOKE) == (awards_stage.revocation_date,)
    assert registry.recorders_of(Action.SUBMIT) == (declaration_stage.record_submission_time,)
    assert registry.recorders_of(Action.RECOMMEND) == (screening_stage.record_rank,)
    assert registry.recorders_of(Action.UNRECOMMEND) == (screening_stage.release_rank,)
    assert registry.recorders_of(Action.REQUEST_CORRECTION) == (screening_stage.release_rank,)
    # What each stage registers is what the table's rows show.
    assert TRANSITIONS[Action.RECOMMEND].guards == registry.guards_of(Action.RECOMMEND)


def test_registering_again_does_not_double_a_check():
    before = registry.guards_of(Action.RECOMMEND), registry.recorders_of(Action.RECOMMEND)
    screening_stage.register()
    declaration_stage.register()
    awards_stage.register()
    assert (registry.guards_of(Action.RECOMMEND), registry.recorders_of(Action.RECOMMEND)) == before


def test_an_unknown_action_cannot_be_registered():
    with pytest.raises(KeyError):
        Registry().add_guards("teleport", lambda entry, actor, data: None)


def test_who_is_notified_is_data_beside_the_table():
    notify = {action: t.notify for action, t in TRANSITIONS.items()}
    assert notify[Action.SUBMIT] == notify[Action.WITHDRAW] == (RECOMMENDING,)
    for action in (Action.RETURN, Action.RECOMMEND, Action.NOT_RECOMMEND, Action.UNRECOMMEND):
        assert notify[action] == (DECLARING,)
    for action in (Action.ACCEPT, Action.DECLARE_INELIGIBLE, Action.REQUEST_CORRECTION, Action.SELECT_FINALIST,
                   Action.NOT_SELECT, Action.AWARD, Action.NOT_AWARD, Action.REVOKE):
        assert notify[action] == (DECLARING, RECOMMENDING)


@pytest.mark.django_db
def test_a_registered_guard_runs_inside_the_one_transition_function(monkeypatch):
    """A later stage's guard is applied by transition_entry itself, and its refusal changes nothing."""
    from tests import factories
    from wuxiao.accounts.models import Role

    entry = factories.EntryFactory(status=EntryStatus.IN_REVIEW)
    committee = factories.user_with_role(Role.COMMITTEE)
    fresh = Registry()

    def scores_complete(entry, actor, data):
        raise Refused("还有专家未评分", field="scores")

    fresh.add_guards(Action.SELECT_FINALIST, scores_complete)
    monkeypatch.setattr("wuxiao.entries.services.registry", fresh)
    with pytest.raises(Refused) as refused:
        transition_entry(entry=entry, action=Action.SELECT_FINALIST, actor=committee)
    assert (refused.value.message, refused.value.field) == ("还有专家未评分", "scores")
    entry.refresh_from_db()
    assert entry.status == EntryStatus.IN_REVIEW and not entry.transitions.exists()
