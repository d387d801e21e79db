"""`make run` loads the demo: the 2025 edition as the notice fixes it, a practice copy, every role, every state."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from wuxiao.accounts.models import Role, User
from wuxiao.competitions.models import Edition
from wuxiao.demo.data import DEMO_PASSWORD, HANDED_OVER, PRACTICE_SLUG, REAL_SLUG, load_demo
from wuxiao.demo.finals_data import FINAL_ENTRIES
from wuxiao.demo.second_round_data import EXPERTS, SECOND_ROUND_ENTRIES
from wuxiao.entries.enums import EntryStatus
from wuxiao.entries.models import Entry, EntryTransition
from wuxiao.orgs.models import CreditCodeStatus, Organisation, RegistrationStatus

pytestmark = pytest.mark.django_db


def test_real_edition_is_exactly_the_notice_and_closed():
    load_demo()
    e = Edition.objects.get(slug=REAL_SLUG)
    assert e.title == "2025年郑州市“创领未来”职工“五小”创新竞赛"
    assert e.document_number == "郑工发〔2025〕2号"
    assert timezone.localtime(e.declaration_deadline).strftime("%Y-%m-%d %H:%M:%S") == "2025-03-28 17:30:00"
    assert not e.is_declaration_open()
    assert not e.is_practice
    assert [c.name for c in e.categories.all()] == ["小发明", "小创造", "小革新", "小建议", "小设计"]
    assert e.exclusions.count() == 7
    assert [(t.name, t.count, t.amount_yuan) for t in e.prize_tiers.all()] == [
        ("特等奖", 3, 20000), ("一等奖", 10, 15000), ("二等奖", 20, 10000), ("三等奖", 30, 2000)]
    assert e.total_prize_count == 63 and e.total_prize_money == 470000
    assert e.recommendation_quota == 20 and e.site_visit_top_n == 20 and e.roadshow_minutes == 5
    assert (e.contact_name, e.contact_phone, e.contact_email) == ("张大千", "0371-67885139", "daqian1212@126.com")
    assert [c.name for c in e.criteria.all()] == ["实际运用水平", "产业（行业）领先水平", "生产效率提升水平", "能源消耗降低水平"]
    assert e.committee_members.filter(body="committee", function="主任", name="王玉红").exists()
    assert "关于组织开展 2025 年郑州市“创领未来”" in e.notice_text
    assert not Entry.objects.filter(edition=e).exists()


def test_practice_copy_is_current_open_and_marked():
    load_demo()
    p = Edition.objects.get(slug=PRACTICE_SLUG)
    assert p.is_practice and p.is_current
    assert Edition.objects.current() == p
    assert str(p).endswith("（演示）")
    assert p.is_declaration_open()
    left = p.declaration_deadline - timezone.now()
    assert dt.timedelta(days=13) < left < dt.timedelta(days=15)
    assert timezone.localtime(p.declaration_deadline).strftime("%H:%M") == "17:30"
    # dates move together: the R2 window keeps its length
    real = Edition.objects.get(slug=REAL_SLUG)
    assert p.window_end - p.window_start == real.window_end - real.window_start


def test_entries_in_every_state_with_history():
    load_demo()
    practice = Edition.objects.get(slug=PRACTICE_SLUG)
    statuses = set(Entry.objects.filter(edition=practice).values_list("status", flat=True))
    assert statuses == set(EntryStatus.values)
    revoked = Entry.objects.get(edition=practice, status=EntryStatus.REVOKED)
    chain = list(EntryTransition.objects.filter(entry=revoked).values_list("from_status", "to_status"))
    assert chain[0][0] == EntryStatus.DRAFT and chain[-1][1] == EntryStatus.REVOKED
    assert all(a[1] == b[0] for a, b in zip(chain, chain[1:]))


def test_entries_have_their_own_texts_and_no_warnings():
    """Each demo entry is written apart: no soft 字数 warning, and the duplicate check flags no pair."""
    from wuxiao.entries.declaration import submission_warnings
    from wuxiao.screening.flags import compute_flags
    from wuxiao.screening.models import Flag, FlagKind

    load_demo()
    practice = Edition.objects.get(slug=PRACTICE_SLUG)
    entries = list(Entry.objects.filter(edition=practice))
    assert len({e.benefits for e in entries}) == len(entries) == (len(EntryStatus.values) + len(HANDED_OVER)
                                                                   + len(SECOND_ROUND_ENTRIES) + len(FINAL_ENTRIES))
    assert all(submission_warnings(e) == [] for e in entries)
    compute_flags(edition=practice, workers=1)
    assert not Flag.objects.filter(edition=practice, kind=FlagKind.NEAR_DUPLICATE).exists()
    # One pair shares its first completer on purpose, so that the flag has something to show.
    repeated = Flag.objects.filter(edition=practice, kind=FlagKind.SAME_FIRST_COMPLETER)
    assert sorted(repeated.values_list("entry__status", flat=True)) == ["finalist", "recommended"]


def test_a_batch_is_handed_over_for_the_eligibility_check(client):
    """The office's queue has work: the 能源化学工会 batch, one entry of it sent back for correction."""
    from django.urls import reverse

    from wuxiao.screening.models import Batch

    load_demo()
    practice = Edition.objects.get(slug=PRACTICE_SLUG)
    [batch] = Batch.objects.filter(edition=practice, submitted_at__isnull=False)
    assert batch.unit.name == "郑州市能源化学工会（演示）" and batch.stamped_sheet
    client.force_login(User.objects.get(username="office"))
    response = client.get(reverse("screening:review", args=[practice.slug]))
    shown = {e.title: e for e in response.context["entries"]}
    assert set(shown) == set(HANDED_OVER)
    waiting = shown[HANDED_OVER[2]]
    assert waiting.status == EntryStatus.SUBMITTED and waiting.correction_due is not None
    checks = {e.title: {i.key: i.ok for i in e.checks} for e in shown.values()}
    assert checks[HANDED_OVER[0]]["stamped_form"] and not checks[HANDED_OVER[2]]["stamped_form"]
    assert not checks[HANDED_OVER[0]]["commitment"]  # R27 not stamped yet: something for the office to see
    # The flags are computed already, as the office's "check again" would.
    assert all("no_commitment" in [kind for kind, _label, _n in e.flag_counts] for e in shown.values())


def test_users_for_every_role_can_log_in(client):
    load_demo()
    roles = set()
    for user in User.objects.all():
        roles |= set(user.role_set())
        assert user.check_password(DEMO_PASSWORD)
    assert roles >= {Role.DECLARER, Role.RECOMMENDER, Role.COMMITTEE, Role.EXPERT, "admin"}
    assert client.login(username="13700000003", password=DEMO_PASSWORD)  # by mobile


def test_units_in_every_registration_and_code_state():
    load_demo()
    assert Organisation.objects.filter(kind="district_union").count() == 16
    assert Organisation.objects.filter(credit_code_status=CreditCodeStatus.PENDING).exists()
    assert Organisation.objects.filter(registration_status=RegistrationStatus.NEW).exists()
    assert Organisation.objects.filter(registration_status=RegistrationStatus.REJECTED).exclude(
        registration_note="").exists()


def test_running_twice_keeps_data_and_duplicates_nothing(capsys):
    call_command("load_demo")
    counts = (Edition.objects.count(), Entry.objects.count(), User.objects.count(), Organisation.objects.count(),
              EntryTransition.objects.count())
    out = capsys.readouterr().out
    assert "office" in out and "jinshui" in out and "yuhang" in out and DEMO_PASSWORD in out
    Edition.objects.filter(slug=PRACTICE_SLUG).update(contact_name="改过的联系人")
    call_command("load_demo")
    assert (Edition.objects.count(), Entry.objects.count(), User.objects.count(), Organisation.objects.count(),
            EntryTransition.objects.count()) == counts
    assert Edition.objects.get(slug=PRACTICE_SLUG).contact_name == "改过的联系人"


# --- The newcomer's first minutes (issue 9, item 16) --------------------------------------------

def test_the_output_ends_with_the_logins_and_the_real_address(capsys, settings):
    settings.SITE_URL = "http://127.0.0.1:8101"  # what `make run PORT=8101` gives the settings
    call_command("load_demo")
    lines = capsys.readouterr().out.rstrip("\n").split("\n")
    assert lines[-1] == "打开 http://127.0.0.1:8101/"
    heading = lines.index(f"演示账号（密码均为 {DEMO_PASSWORD}，可用用户名或手机号登录）：")
    end = lines.index("", heading)
    usernames = [line.split()[1] for line in lines[heading + 1:end]]
    assert usernames == ["admin", "office", "expert", "jinshui", "nenghua", "yuhang", "lvneng", "gongshui", "zhizao",
                         "cuoxuan", "reli", "chenggui", "expert2", "expert3", "expert4", "expert5", "expert6",
                         "expert7"]
    # After the logins, where to try the final's live session side by side (issue 11, item 11).
    live = lines[end + 1:-2]
    assert live[0] == "决赛路演现场评分（第二场（演示）），可并排打开："
    assert live[1].split()[0] == "控制台（以" and live[1].endswith("/console/")
    assert "/finals/screen/" in live[2] and "expert、expert2、expert3" in live[3] and live[3].endswith("/judge/")
    assert lines[-2] == ""


def test_the_made_up_history_sends_no_email(settings, mailoutbox, django_capture_on_commit_callbacks):
    """The demo's notifications are in the app; no e-mail to its made-up people is queued, so the
    worker `make run` starts prints none of them after the logins."""
    from django_tasks_db.models import DBTaskResult

    from wuxiao.notifications.models import Notification

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    with django_capture_on_commit_callbacks(execute=True):
        load_demo()
    assert Notification.objects.count() > 20
    assert set(Notification.objects.values_list("email_status", flat=True)) == {"none"}
    assert not DBTaskResult.objects.filter(task_path__contains="send_notification_email").exists()
    assert mailoutbox == []


def test_the_practice_edition_is_in_its_second_round(client):
    """Item 12 of the second round: experts with logins, a published assignment, most scores in, one conflict
    declared, the finalist list proposed; every page of the stage shows it (the office's and an expert's)."""
    from wuxiao.review.models import Conflict, ExpertStatus, FinalistList, ReviewAssignment, Score

    load_demo()
    practice = Edition.objects.get(slug=PRACTICE_SLUG)
    assert practice.experts.count() == len(EXPERTS)
    assert {e.status for e in practice.experts.all()} == {ExpertStatus.ACCEPTED, ExpertStatus.INVITED,
                                                         ExpertStatus.DECLINED}
    in_review = Entry.objects.filter(edition=practice, status=EntryStatus.IN_REVIEW)
    assert in_review.count() == len(SECOND_ROUND_ENTRIES) + 1
    pairs = ReviewAssignment.objects.filter(edition=practice, removed_at__isnull=True, published_at__isnull=False)
    assert pairs.count() == 5 * in_review.count()
    submitted = Score.objects.filter(edition=practice, status="submitted").count()
    assert 0.8 * pairs.count() < submitted < pairs.count()  # most scores in, not all
    # The conflict check found the expert who works at a declaring unit; one expert declared a conflict.
    assert Conflict.objects.filter(edition=practice, source="automatic", expert__name="专家·钱工").exists()
    assert Conflict.objects.filter(edition=practice, source="declared").count() == 1
    assert FinalistList.objects.filter(edition=practice, status="draft").exists()
    office = User.objects.get(username="office")
    client.force_login(office)
    slug = practice.slug
    for name in ("home", "settings", "pool", "conflicts", "rubric", "assignment", "assignment_entries",
                 "assignment_experts", "progress", "results", "finalists"):
        response = client.get(reverse(f"review:{name}", args=[slug]))
        assert response.status_code == 200, name
    assert "焊接烟尘就地净化罩" in client.get(reverse("review:results", args=[slug])).content.decode()
    expert = User.objects.get(username="expert")
    client.force_login(expert)
    page = client.get(reverse("review:workspace_edition", args=[slug])).content.decode()
    mine = pairs.filter(expert__user=expert)
    assert all(pair.entry.title in page for pair in mine)
    assert "郑州宇航精密机械有限公司" not in page  # anonymised
