"""Random sequences of actions by random people never break the state machine (hypothesis)."""

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings, target
from hypothesis import strategies as st

from wuxiao.common.exceptions import Refused
from wuxiao.common.models import AuditLog
from wuxiao.entries.enums import EntryStatus
from wuxiao.entries.models import Entry, EntryTransition
from wuxiao.entries.services import transition_entry

from .. import factories
from ..review.helpers_results import approved_list_deciding
from .conftest import ROLES, valid_input
from .test_transitions import TABLE

pytestmark = pytest.mark.django_db

REACHABLE = set(EntryStatus.values)  # test_transitions proves every state is reachable from a draft

ACTIONS = sorted(TABLE)


def draw_step(draws, status: str) -> tuple[str, str, bool]:
    """An action, a person and whether a reason is given; half of the time one the table allows,
    so that the sequences reach the later stages as well as knock on every wrong door."""
    enabled = [a for a in ACTIONS if status in TABLE[a][0]]
    action = draws.draw(st.one_of(st.sampled_from(enabled), st.sampled_from(ACTIONS)) if enabled
                       else st.sampled_from(ACTIONS), label="action")
    role = draws.draw(st.one_of(st.sampled_from(sorted(TABLE[action][2])), st.sampled_from(ROLES)), label="role")
    return action, role, draws.draw(st.booleans(), label="with reason")


def expected_after(status: str, action: str, role: str, with_reason: bool, correction_open: bool = False) -> str | None:
    """The model of the table: the next status, or None when the step must be refused. Beyond the
    table, one stage rule: an entry the committee sent back for correction (限期补正) is corrected
    through its recommending unit, not withdrawn by its declaring unit (screening's withdraw guard)."""
    sources, target, roles = TABLE[action]
    reason_required = bool(valid_input(action)[0])
    if role not in roles or status not in sources or (reason_required and not with_reason):
        return None
    if action == "withdraw" and correction_open:
        return None
    return target


# The fixtures are made once per test and only read by the examples; each example works on its own
# entry inside a transaction that is rolled back, so examples do not see each other.
@settings(max_examples=80, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(draws=st.data(), length=st.integers(min_value=1, max_value=24))
def test_random_actions_follow_the_table_and_keep_a_consistent_history(draws, length, actors, edition,
                                                                       declaring_unit):
    with transaction.atomic():
        entry = factories.EntryFactory(edition=edition, declaring_unit=declaring_unit)
        status, done, correction_open = "draft", 0, False
        for _ in range(length):
            action, role, with_reason = draw_step(draws, status)
            reason, data = valid_input(action)
            expected = expected_after(status, action, role, with_reason, correction_open)
            if action in ("select_finalist", "not_select"):
                # The second round's rule (R7): an approved finalist list decides; here one that decides as asked.
                approved_list_deciding(entry, action == "select_finalist")
            try:
                transition_entry(entry=entry, action=action, actor=actors[role],
                                 reason=reason if with_reason else "", data=data)
            except Refused:
                assert expected is None, (status, action, role, with_reason)
            else:
                assert expected is not None, (status, action, role, with_reason)
                status, done = expected, done + 1
                if action in ("request_correction", "recommend"):  # opened by the one, closed by the other
                    correction_open = action == "request_correction"
            assert Entry.objects.get(pk=entry.pk).status == status == entry.status
            assert status in REACHABLE

        chain = list(EntryTransition.objects.filter(entry=entry).order_by("id"))
        assert len(chain) == done
        assert AuditLog.objects.filter(object_type="entries.entry", object_id=str(entry.pk)).count() == done
        previous = "draft"
        for step in chain:
            assert step.from_status == previous
            assert step.from_status in TABLE[step.action][0] and step.to_status == TABLE[step.action][1]
            previous = step.to_status
        assert previous == status
        target(float(done), label="transitions applied")  # steer towards long paths through the table
        transaction.set_rollback(True)
