"""Invitations by one-time link (issue 10 item 1): refused before the conflict check, the e-mail, accepting
with a new account, a logged-in account or after logging in, declining, single use, expiry, re-inviting,
withdrawing."""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from wuxiao.accounts.models import Role, User
from wuxiao.common.exceptions import Refused
from wuxiao.common.models import AuditLog
from wuxiao.orgs.models import Membership
from wuxiao.review import services_pool as services
from wuxiao.review.models import Expert, ExpertStatus

from ..factories import CommitteeOfficeFactory, UserFactory
from .helpers_pool import make_expert

pytestmark = pytest.mark.django_db
PASSWORD = "Zz-9-expert-pass"


@pytest.fixture
def office_unit(db):
    return CommitteeOfficeFactory()


@pytest.fixture
def invited(edition, committee, office_unit):
    expert = make_expert(edition, name="王专家", mobile="13600001111", email="wang@example.com", created_by=committee)
    services.run_conflict_check(edition)
    services.invite_experts(actor=committee, edition=edition, experts=[expert])
    expert.refresh_from_db()
    return expert


def test_invitation_refused_until_the_conflict_check_is_current(edition, committee):
    expert = make_expert(edition)
    with pytest.raises(Refused) as refused:
        services.invite_experts(actor=committee, edition=edition, experts=[expert])
    assert refused.value.message.startswith("请先进行回避检查")
    services.run_conflict_check(edition)
    make_expert(edition, name="后加的")  # the pool changes: the check is out of date again
    with pytest.raises(Refused):
        services.invite_experts(actor=committee, edition=edition, experts=[expert])
    expert.refresh_from_db()
    assert expert.status == ExpertStatus.POOL and not mail.outbox


def test_invite_sends_the_link_by_mail(client, committee, edition, django_capture_on_commit_callbacks):
    expert = make_expert(edition, name="王专家", email="wang@example.com")
    silent = make_expert(edition, name="无邮箱", email="")
    services.run_conflict_check(edition)
    client.force_login(committee)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("review:invite", args=[edition.slug]), {"all": "1"}, follow=True)
    assert "已发出 2 份邀请" in response.content.decode()
    expert.refresh_from_db()
    silent.refresh_from_db()
    assert expert.status == silent.status == ExpertStatus.INVITED
    assert expert.invitation_expires_at > timezone.now() + dt.timedelta(days=6)
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["wang@example.com"]
    assert f"/review/invitation/{expert.token}/" in mail.outbox[0].body
    assert mail.outbox[0].subject == f"{edition}专家技术委员会邀请"
    assert AuditLog.objects.filter(action="review.expert_invite", actor=committee).count() == 2


def test_accept_with_a_new_account(client, invited, office_unit):
    url = reverse("review:invitation", args=[invited.token])
    page = client.get(url)
    assert page.status_code == 200 and str(invited.edition) in page.content.decode()
    response = client.post(url, {"action": "accept", "password1": PASSWORD, "password2": "different-Pass-1"})
    assert response.status_code == 200
    assert response.context["accept_form"].errors["password2"]
    response = client.post(url, {"action": "accept", "password1": "123", "password2": "123"})
    assert response.status_code == 200 and not User.objects.filter(username="13600001111").exists()
    response = client.post(url, {"action": "accept", "password1": PASSWORD, "password2": PASSWORD})
    assert response.status_code == 302
    user = User.objects.get(username="13600001111")
    assert user.mobile == "13600001111" and user.display_name == "王专家" and user.check_password(PASSWORD)
    assert Membership.objects.filter(user=user, organisation=office_unit, role=Role.EXPERT, is_active=True).exists()
    invited.refresh_from_db()
    assert invited.user == user and invited.status == ExpertStatus.ACCEPTED and invited.responded_at
    assert int(client.session["_auth_user_id"]) == user.pk
    # Single use: the same link no longer works.
    client.logout()
    assert client.get(url).status_code == 404
    log = AuditLog.objects.get(action="review.invitation_accept")
    assert log.actor == user and log.data["new_account"] is True


def test_accept_logged_in(client, invited, office_unit):
    user = UserFactory()
    client.force_login(user)
    url = reverse("review:invitation", args=[invited.token])
    assert "您已以" in client.get(url).content.decode()
    assert client.post(url, {"action": "accept"}).status_code == 302
    invited.refresh_from_db()
    assert invited.user == user and invited.status == ExpertStatus.ACCEPTED
    assert Membership.objects.filter(user=user, role=Role.EXPERT).exists()


def test_existing_account_with_the_mobile_logs_in_first(client, invited):
    UserFactory(mobile="13600001111")
    url = reverse("review:invitation", args=[invited.token])
    page = client.get(url).content.decode()
    assert "您的手机号码已有账号" in page and "password1" not in page
    client.post(url, {"action": "accept", "password1": PASSWORD, "password2": PASSWORD})
    invited.refresh_from_db()
    assert invited.status == ExpertStatus.INVITED and invited.user is None


def test_decline_needs_a_reason(client, invited):
    url = reverse("review:invitation", args=[invited.token])
    response = client.post(url, {"action": "decline", "reason": "  "})
    assert response.status_code == 200 and "这个字段是必填项。" in response.content.decode()
    response = client.post(url, {"action": "decline", "reason": "近期出差，无法参加"})
    assert response.status_code == 200 and "data-declined" in response.content.decode()
    invited.refresh_from_db()
    assert invited.status == ExpertStatus.DECLINED and invited.decline_reason == "近期出差，无法参加"
    assert client.get(url).status_code == 404
    assert AuditLog.objects.get(action="review.invitation_decline").reason == "近期出差，无法参加"


def test_expired_link(client, invited):
    Expert.objects.filter(pk=invited.pk).update(invitation_expires_at=timezone.now() - dt.timedelta(minutes=1))
    url = reverse("review:invitation", args=[invited.token])
    response = client.get(url)
    assert response.status_code == 410
    assert "该邀请链接已使用或已过期" in response.content.decode()
    with pytest.raises(Refused):
        services.accept_invitation(token=invited.token, password=PASSWORD)


def test_reinviting_issues_a_new_token(edition, committee, invited):
    old = invited.token
    services.invite_experts(actor=committee, edition=edition, experts=[invited])
    invited.refresh_from_db()
    assert invited.token != old and invited.status == ExpertStatus.INVITED
    with pytest.raises(Refused):  # the old link is dead
        services.decline_invitation(token=old, reason="x")


def test_an_answered_expert_cannot_be_invited_again(edition, committee, invited):
    services.decline_invitation(token=invited.token, reason="没空")
    invited.refresh_from_db()
    with pytest.raises(Refused) as refused:
        services.invite_experts(actor=committee, edition=edition, experts=[invited])
    assert "已答复" in refused.value.message


def test_withdraw_after_accepting(client, edition, invited):
    expert = services.accept_invitation(token=invited.token, password=PASSWORD)
    client.force_login(expert.user)
    url = reverse("review:withdraw", args=[edition.slug])
    response = client.post(url, {"reason": ""})
    assert response.status_code == 200 and "这个字段是必填项。" in response.content.decode()
    assert client.post(url, {"reason": "工作调动，不便继续评审"}).status_code == 302
    expert.refresh_from_db()
    assert expert.status == ExpertStatus.DECLINED and expert.decline_reason == "工作调动，不便继续评审"
    assert AuditLog.objects.get(action="review.expert_withdraw").actor == expert.user
    # No longer a seat: the page is not found.
    assert client.get(url).status_code == 404


def test_withdraw_is_only_for_a_seat_holder(client, edition, expert):
    client.force_login(expert)  # an expert account with no seat in this edition
    assert client.get(reverse("review:withdraw", args=[edition.slug])).status_code == 404
