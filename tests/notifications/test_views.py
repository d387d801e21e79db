"""The notification list with mark-as-read, the bell, and the committee's templates page."""

import pytest
from django.template import Context, Template
from django.urls import reverse

from wuxiao.common.models import AuditLog
from wuxiao.notifications.models import MessageTemplate, Notification

pytestmark = pytest.mark.django_db

ROLES = ["declarer", "recommender", "committee", "expert", "site_admin", "outsider"]


def note(user, title="您有一条新通知", **kwargs):
    return Notification.objects.create(user=user, event="entry.submit", title=title, body="正文", **kwargs)


# --- The list ------------------------------------------------------------------------------

@pytest.mark.parametrize("role", ROLES)
def test_everyone_sees_only_their_own_notifications(client_as, user_of, outsider, role):
    user = user_of(role)
    note(user, title="给我的通知", url="/entries/1/")
    note(outsider if role != "outsider" else user_of("expert"), title="别人的通知")
    response = client_as(role).get(reverse("notifications:list"))
    assert response.status_code == 200
    text = response.content.decode()
    assert "我的通知" in text and "给我的通知" in text and "共 1 条未读通知。" in text
    assert "别人的通知" not in text


def test_anonymous_is_sent_to_login(client):
    for url in (reverse("notifications:list"), reverse("notifications:templates")):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))
    response = client.post(reverse("notifications:read_all"))
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))


def test_unread_filter(client_as, declarer):
    note(declarer, title="未读的")
    note(declarer, title="读过的", read_at="2025-01-01T00:00:00Z")
    text = client_as("declarer").get(reverse("notifications:list") + "?unread=1").content.decode()
    assert "未读的" in text and "读过的" not in text


def test_list_query_count_does_not_grow(client_as, declarer, django_assert_max_num_queries):
    for i in range(25):
        note(declarer, title=f"通知{i}")
    client = client_as("declarer")
    with django_assert_max_num_queries(12):
        client.get(reverse("notifications:list"))


def test_mark_own_notification_read_and_open_its_page(client_as, declarer):
    n = note(declarer, url="/entries/5/")
    response = client_as("declarer").post(reverse("notifications:read", args=[n.pk]), {"next": "/entries/5/"})
    assert response.status_code == 302 and response.url == "/entries/5/"
    n.refresh_from_db()
    assert n.read_at is not None


def test_an_outside_next_is_ignored(client_as, declarer):
    n = note(declarer)
    response = client_as("declarer").post(reverse("notifications:read", args=[n.pk]), {"next": "https://evil.example/"})
    assert response.url == reverse("notifications:list")


def test_cannot_mark_another_persons_notification(client_as, declarer, recommender, committee, site_admin):
    theirs = note(declarer)
    for role in ("recommender", "committee", "site_admin"):
        response = client_as(role).post(reverse("notifications:read", args=[theirs.pk]))
        assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_read_is_post_only(client_as, declarer):
    n = note(declarer)
    assert client_as("declarer").get(reverse("notifications:read", args=[n.pk])).status_code == 405
    n.refresh_from_db()
    assert n.read_at is None


def test_mark_all_read_only_own(client_as, declarer, recommender):
    note(declarer)
    note(declarer)
    theirs = note(recommender)
    response = client_as("declarer").post(reverse("notifications:read_all"), follow=True)
    assert "已将 2 条通知标为已读。" in response.content.decode()
    assert not Notification.objects.filter(user=declarer, read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None


# --- The bell --------------------------------------------------------------------------------

def render_bell(user):
    return Template('{% include "notifications/_bell.html" %}').render(Context({"user": user}))


def test_the_bell_counts_unread(declarer):
    assert "<mark" not in render_bell(declarer)
    note(declarer)
    note(declarer)
    note(declarer, read_at="2025-01-01T00:00:00Z")
    html = render_bell(declarer)
    assert 'href="/notifications/"' in html and "消息通知" in html
    assert '<mark class="bell-count" aria-label="2 条未读通知">2</mark>' in html


def test_the_bell_is_silent_for_anonymous():
    from django.contrib.auth.models import AnonymousUser

    assert render_bell(AnonymousUser()).strip() == ""


# --- The committee's texts ----------------------------------------------------------------------

@pytest.mark.parametrize("role", ["committee", "site_admin"])
def test_committee_sees_every_event(client_as, role):
    text = client_as(role).get(reverse("notifications:templates")).content.decode()
    assert "通知模板" in text
    for label in ("作品已提交", "作品退回修改", "作品通过形式审查进入复赛", "限期补正", "注册未通过"):
        assert label in text


@pytest.mark.parametrize("role", ["declarer", "recommender", "expert", "outsider"])
def test_other_roles_may_not_see_or_edit_texts(client_as, role):
    client = client_as(role)
    assert client.get(reverse("notifications:templates")).status_code == 403
    url = reverse("notifications:template_edit", args=["entry.submit"])
    assert client.get(url).status_code == 403
    assert client.post(url, {"subject": "改了", "body": "改了", "send_email": "on"}).status_code == 403
    assert not MessageTemplate.objects.exists()


def test_anonymous_may_not_edit_texts(client):
    url = reverse("notifications:template_edit", args=["entry.submit"])
    response = client.post(url, {"subject": "改了", "body": "改了"})
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))
    assert not MessageTemplate.objects.exists()


def test_committee_edits_a_text(client_as, committee):
    url = reverse("notifications:template_edit", args=["entry.return"])
    form = client_as("committee").get(url).content.decode()
    assert "请修改作品《{{ entry_title }}》" in form  # the default, ready to edit
    assert "{{ reason }}" in form and "填写的理由或意见" in form
    response = client_as("committee").post(url, {"subject": "退回：{{ entry_title }}",
                                                  "body": "请按{{ reason }}修改。"}, follow=True)
    assert "通知模板已保存。" in response.content.decode()
    saved = MessageTemplate.objects.get(event="entry.return")
    assert (saved.subject, saved.body, saved.send_email) == ("退回：{{ entry_title }}", "请按{{ reason }}修改。", False)
    assert AuditLog.objects.get(action="notifications.template_update").actor == committee


def test_a_bad_text_is_refused_beside_the_field_and_kept(client_as):
    url = reverse("notifications:template_edit", args=["entry.return"])
    response = client_as("committee").post(url, {"subject": "退回", "body": "{% if reason %}没有结束",
                                                  "send_email": "on"})
    assert response.status_code == 200
    text = response.content.decode()
    assert 'id="id_body_error"' in text and "模板格式有误" in text
    assert "{% if reason %}没有结束" in text
    response = client_as("committee").post(url, {"subject": "{% load static %}", "body": "x", "send_email": "on"})
    assert "通知内容中不能使用“load”标签。" in response.content.decode()
    assert not MessageTemplate.objects.exists()


def test_reset_to_default(client_as):
    MessageTemplate.objects.create(event="entry.accept", subject="旧", body="旧")
    url = reverse("notifications:template_edit", args=["entry.accept"])
    assert "恢复默认内容" in client_as("committee").get(url).content.decode()
    response = client_as("committee").post(url, {"reset": "1"}, follow=True)
    assert "已恢复默认内容。" in response.content.decode()
    assert not MessageTemplate.objects.exists()


def test_unknown_event_is_404(client_as):
    assert client_as("committee").get(reverse("notifications:template_edit", args=["nothing"])).status_code == 404


def test_deadline_extension_text_lists_its_own_variables(client_as):
    """The R6 extension's message may use the new deadline and the competition; its editor says so."""
    page = client_as("committee").get(reverse("notifications:template_edit", args=["unit.deadline_extension"]))
    text = page.content.decode()
    assert "{{ until }}" in text and "新的推荐截止时间" in text and "R6" not in text
    assert "{{ edition }}" in text
    other = client_as("committee").get(reverse("notifications:template_edit", args=["unit.registration_rejected"]))
    assert "{{ until }}" not in other.content.decode()
