"""Accepting despite a failed check (issue 9, item 6): an explicit confirmation and a reason, recorded.

The committee office's checklist (形式审查, screening/checklist.py) fails when the stamped entry
form or the stamped commitment is missing, among others; accepting such an entry is refused,
beside the field, until the office ticks the confirmation and gives its reason; both go into the
entry's history and the audit log with the items that failed.
"""

import pytest
from django.test import Client
from django.urls import reverse

from wuxiao.common import api_auth
from wuxiao.common.exceptions import Refused
from wuxiao.common.models import AuditLog
from wuxiao.entries.enums import Action
from wuxiao.entries.models import EntryTransition
from wuxiao.entries.services import transition_entry

from .review_fixtures import batch, recommended  # noqa: F401
from .screen_fixtures import ROLES, _media, actor_of, other_recommender  # noqa: F401

pytestmark = pytest.mark.django_db

ALLOWED = {"committee", "site_admin"}
REASON = "盖章申报表原件已当面核验，扫描件稍后补传。"
NOT_CONFIRMED = "形式审查以下项目未通过：“已上传加盖公章的申报表扫描件”。如仍要受理该作品，请勾选确认并填写理由。"
NO_REASON = "请填写形式审查未通过仍予受理的理由。"


def _decide_url(edition, entry):
    return reverse("screening:review_decide", args=[edition.slug, entry.pk, "accept"])


def _beside(html: str, field: str) -> str:
    start = html.index(f'id="field-accept-{field}"')
    return html[start:html.index("</div>", start)]


def assert_not_accepted(entry):
    entry.refresh_from_db()
    assert entry.status == "recommended"
    assert not EntryTransition.objects.filter(entry=entry, action="accept").exists()
    assert not AuditLog.objects.filter(action="entry.accept").exists()


# --- The page --------------------------------------------------------------------------------

def test_the_review_page_asks_for_the_confirmation_only_when_a_check_fails(client, committee, edition, recommended):
    failing, passing = recommended(stamped=False), recommended()
    client.force_login(committee)
    html = client.get(reverse("screening:review_entry", args=[edition.slug, failing.pk])).content.decode()
    assert "1 项形式审查未通过：须明确确认并填写理由方可受理" in html
    assert 'name="accept-confirm_failed_checks"' in html and 'name="accept-reason"' in html
    html = client.get(reverse("screening:review_entry", args=[edition.slug, passing.pk])).content.decode()
    assert "accept-warning" not in html and 'name="accept-confirm_failed_checks"' not in html
    assert _decide_url(edition, passing) in html


def test_accepting_without_the_confirmation_is_refused_beside_the_box(client, committee, edition, recommended):
    entry = recommended(stamped=False)
    client.force_login(committee)
    response = client.post(_decide_url(edition, entry), {"accept-reason": REASON})
    assert response.status_code == 400
    html = response.content.decode()
    assert NOT_CONFIRMED in _beside(html, "confirm_failed_checks")
    assert REASON in _beside(html, "reason")  # what was typed is kept
    assert "R2" not in _beside(html, "confirm_failed_checks")
    assert_not_accepted(entry)


def test_accepting_without_a_reason_is_refused_beside_the_reason(client, committee, edition, recommended):
    entry = recommended(stamped=False, commitment=False)
    client.force_login(committee)
    response = client.post(_decide_url(edition, entry), {"accept-confirm_failed_checks": "on", "accept-reason": " "})
    assert response.status_code == 400
    html = response.content.decode()
    assert NO_REASON in _beside(html, "reason")
    assert "checked" in _beside(html, "confirm_failed_checks")
    assert_not_accepted(entry)


def test_accepting_with_confirmation_and_reason_records_both(client, committee, declarer, edition, recommended):
    entry = recommended(stamped=False, commitment=False)
    client.force_login(committee)
    response = client.post(_decide_url(edition, entry), {"accept-confirm_failed_checks": "on", "accept-reason": REASON},
                           follow=True)
    assert "该作品已受理进入复赛。" in response.content.decode()
    entry.refresh_from_db()
    assert entry.status == "in_review"
    step = EntryTransition.objects.get(entry=entry, action="accept")
    assert (step.actor, step.reason) == (committee, REASON)
    assert step.data == {"failed_checks": ["stamped_form", "commitment"], "confirm_failed_checks": True,
                         "override_reason": REASON}
    log = AuditLog.objects.get(action="entry.accept", object_id=str(entry.pk))
    assert log.actor == committee and log.reason == REASON
    assert log.data["failed_checks"] == ["stamped_form", "commitment"] and log.data["confirm_failed_checks"] is True
    # The history on the review page shows the reason.
    html = client.get(reverse("screening:review_entry", args=[edition.slug, entry.pk])).content.decode()
    step_html = html.split('data-action="accept"', 1)[1].split("</li>", 1)[0]
    assert "受理进入复赛" in step_html and committee.name in step_html and REASON in step_html


def test_an_entry_that_passes_is_accepted_without_anything_recorded_extra(client, committee, edition, recommended):
    entry = recommended()
    client.force_login(committee)
    assert client.post(_decide_url(edition, entry)).status_code == 302
    step = EntryTransition.objects.get(entry=entry, action="accept")
    assert step.data == {} and step.reason == ""


@pytest.mark.parametrize("role", ROLES)
def test_accepting_a_failing_entry_per_role(client, actor_of, edition, recommended, role):
    entry = recommended(stamped=False)
    user = actor_of(role)
    if user.is_authenticated:
        client.force_login(user)
    response = client.post(_decide_url(edition, entry), {"accept-confirm_failed_checks": "on", "accept-reason": REASON})
    entry.refresh_from_db()
    if role in ALLOWED:
        assert response.status_code == 302 and entry.status == "in_review"
        assert EntryTransition.objects.get(entry=entry, action="accept").actor == user
    else:
        assert response.status_code == (302 if role == "anonymous" else 403)
        assert_not_accepted(entry)


# --- The one transition function: every path is checked -------------------------------------

def test_the_guard_holds_for_any_caller(committee, recommended):
    entry = recommended(stamped=False)
    with pytest.raises(Refused) as refused:
        transition_entry(entry=entry, action=Action.ACCEPT, actor=committee)
    assert refused.value.field == "confirm_failed_checks"
    with pytest.raises(Refused) as refused:
        transition_entry(entry=entry, action=Action.ACCEPT, actor=committee, data={"confirm_failed_checks": True})
    assert refused.value.field == "reason"
    with pytest.raises(Refused):  # only True confirms, not a string
        transition_entry(entry=entry, action=Action.ACCEPT, actor=committee,
                         data={"confirm_failed_checks": "yes", "override_reason": REASON})
    assert_not_accepted(entry)


# --- The API ---------------------------------------------------------------------------------

def _client(actor_of, role):
    user = actor_of(role)
    if not user.is_authenticated:
        return Client(), {}
    _, raw = api_auth.create_api_token(actor=user, name="test")
    return Client(), {"Authorization": f"Bearer {raw}"}


def _accept(client, headers, entry, payload=None):
    if payload is None:
        return client.post(f"/api/entries/{entry.pk}/accept", headers=headers)
    return client.post(f"/api/entries/{entry.pk}/accept", payload, content_type="application/json", headers=headers)


def test_the_api_refuses_without_confirmation_or_reason(actor_of, recommended):
    entry = recommended(stamped=False)
    client, headers = _client(actor_of, "committee")
    assert _accept(client, headers, entry).json() == {"detail": NOT_CONFIRMED, "field": "confirm_failed_checks"}
    response = _accept(client, headers, entry, {"reason": REASON})
    assert response.status_code == 409 and response.json()["field"] == "confirm_failed_checks"
    response = _accept(client, headers, entry, {"confirm_failed_checks": True, "reason": ""})
    assert response.status_code == 409
    assert response.json() == {"detail": NO_REASON, "field": "reason"}
    assert_not_accepted(entry)


def test_the_api_accepts_with_confirmation_and_reason(actor_of, committee, recommended):
    entry = recommended(commitment=False)
    client, headers = _client(actor_of, "committee")
    response = _accept(client, headers, entry, {"confirm_failed_checks": True, "reason": REASON})
    assert response.status_code == 200 and response.json()["status"] == "in_review"
    step = EntryTransition.objects.get(entry=entry, action="accept")
    assert step.reason == REASON and step.data["failed_checks"] == ["commitment"]


def test_the_api_accepts_a_passing_entry_with_or_without_a_body(actor_of, recommended):
    client, headers = _client(actor_of, "committee")
    for entry, payload in ((recommended(), None), (recommended(), {})):
        response = _accept(client, headers, entry, payload)
        assert response.status_code == 200 and response.json()["status"] == "in_review"


@pytest.mark.parametrize("role", ROLES)
def test_the_api_accept_per_role(actor_of, recommended, role):
    entry = recommended(stamped=False)
    client, headers = _client(actor_of, role)
    response = _accept(client, headers, entry, {"confirm_failed_checks": True, "reason": REASON})
    if role in ALLOWED:
        assert response.status_code == 200 and response.json()["status"] == "in_review"
    else:
        assert response.status_code == (401 if role == "anonymous" else 403)
        assert_not_accepted(entry)
