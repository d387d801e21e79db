"""The entry lists (issue 3, item 14): the recommending unit's entries and the committee's, with filters."""

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from wuxiao.accounts.models import Role
from wuxiao.common.models import AuditLog
from wuxiao.competitions.models import Edition
from wuxiao.entries.enums import EntryStatus
from wuxiao.entries.models import Attachment, Completer, CreditCommitment

from .. import factories

pytestmark = pytest.mark.django_db

LIST = "/entries/list/"
CSV = "/entries/list/entries.csv"


@pytest.fixture
def other_recommender(db):
    return factories.user_with_role(Role.RECOMMENDER, factories.RecommendingUnitFactory(name="郑州市外区总工会"))


@pytest.fixture
def other_declarer(other_unit):
    return factories.user_with_role(Role.DECLARER, other_unit)


@pytest.fixture
def other_unit(other_recommender):
    return factories.DeclaringUnitFactory(name="外区机械有限公司", parent=other_recommender.memberships.get().organisation)


@pytest.fixture
def world(edition, declaring_unit, other_unit):
    """Entries of both recommending units in several states, and one of another edition."""
    edition.is_current = True
    edition.save()
    make = factories.EntryFactory
    return {
        "submitted": make(edition=edition, declaring_unit=declaring_unit, status=EntryStatus.SUBMITTED,
                          title="数控车床快换刀具", submitted_at=timezone.now() - dt.timedelta(hours=2)),
        "returned": make(edition=edition, declaring_unit=declaring_unit, status=EntryStatus.RETURNED,
                         title="焊接烟尘收集装置", submitted_at=timezone.now() - dt.timedelta(hours=5)),
        "draft": make(edition=edition, declaring_unit=declaring_unit, status=EntryStatus.DRAFT, title="草稿作品"),
        "other": make(edition=edition, declaring_unit=other_unit, status=EntryStatus.RECOMMENDED,
                      title="外区节能改造", submitted_at=timezone.now() - dt.timedelta(hours=1)),
        "old": make(edition=factories.EditionFactory(year=2024), declaring_unit=declaring_unit,
                    status=EntryStatus.SUBMITTED, title="往届作品", submitted_at=timezone.now() - dt.timedelta(days=400)),
    }


def titles(response) -> list[str]:
    return [e.title for e in response.context["page"].object_list]


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --- Who may open the list and what each one sees -------------------------------------------

@pytest.mark.parametrize("role, visible", [
    ("recommender", ["数控车床快换刀具", "焊接烟尘收集装置"]),
    ("other_recommender", ["外区节能改造"]),
    ("committee", ["外区节能改造", "数控车床快换刀具", "焊接烟尘收集装置"]),
    ("site_admin", ["外区节能改造", "数控车床快换刀具", "焊接烟尘收集装置"]),
])
def test_each_role_sees_its_entries_newest_submission_first(client_as, role, visible, world):
    response = client_as(role).get(LIST)

    assert response.status_code == 200
    assert titles(response) == visible


@pytest.mark.parametrize("role, visible", [
    ("declarer", ["数控车床快换刀具", "焊接烟尘收集装置"]),  # its own, once submitted (drafts: its own page)
    ("other_declarer", ["外区节能改造"]),
])
def test_declaring_units_see_only_their_own_submitted_entries(client_as, role, visible, world):
    """The same permission as the API's list (entries.list_entries), narrowed to the unit's rows."""
    response = client_as(role).get(LIST)
    assert response.status_code == 200
    assert titles(response) == visible
    assert "草稿作品" not in response.content.decode()


@pytest.mark.parametrize("role", ["expert", "outsider"])
def test_other_roles_are_refused(client_as, role, world):
    assert client_as(role).get(LIST).status_code == 403
    assert client_as(role).get(CSV).status_code == 403


def test_anonymous_is_sent_to_login(client, world):
    for url in (LIST, CSV):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def test_a_recommending_unit_never_sees_another_units_entries_even_when_asking(client_as, world, other_unit):
    client = client_as("recommender")

    for params in ({"status": "recommended"}, {"unit": other_unit.name}, {"q": "外区"}):
        response = client.get(LIST, params)
        assert titles(response) == [], params
        assert "外区节能改造" not in response.content.decode()
    # The committee's recommending-unit filter is not theirs: it is ignored, not widened.
    response = client.get(LIST, {"recommending_unit": other_unit.parent_id})
    assert titles(response) == ["数控车床快换刀具", "焊接烟尘收集装置"]
    assert "外区节能改造" not in b"".join(client.get(CSV).streaming_content).decode("utf-8-sig")


def test_drafts_are_never_shown_to_the_recommending_unit(client_as, world):
    client = client_as("recommender")

    response = client.get(LIST, {"status": "draft"})

    assert titles(response) == titles(client.get(LIST))  # an unknown status is ignored, with an error
    assert "草稿作品" not in response.content.decode()
    assert "draft" not in [value for value, _ in response.context["form"].fields["status"].choices]


def test_committee_never_sees_a_draft_even_when_asking(client_as, world):
    """A draft is its declaring unit's own until submitted; the office sees counts (entries:drafts)."""
    client = client_as("committee")

    assert "草稿作品" not in titles(client.get(LIST))
    response = client.get(LIST, {"status": "draft"})
    assert "草稿作品" not in response.content.decode()
    assert "draft" not in [value for value, _ in response.context["form"].fields["status"].choices]
    assert "草稿作品" not in b"".join(client.get(CSV, {"status": "draft"}).streaming_content).decode("utf-8-sig")


def test_committee_chooses_the_edition_default_current(client_as, world):
    client = client_as("committee")
    old_edition = world["old"].edition

    assert client.get(LIST).context["edition"] == world["submitted"].edition
    assert titles(client.get(LIST, {"edition": old_edition.pk})) == ["往届作品"]
    # An unknown edition falls back to the current one.
    assert client.get(LIST, {"edition": 99999}).context["edition"] == world["submitted"].edition


# --- Filters and sorting -------------------------------------------------------------------------

@pytest.mark.parametrize("params, expected", [
    ({"status": "returned"}, ["焊接烟尘收集装置"]),
    ({"status": "recommended"}, ["外区节能改造"]),
    ({"unit": "外区机械"}, ["外区节能改造"]),
    ({"q": "车床"}, ["数控车床快换刀具"]),
    ({"industry": "34"}, ["外区节能改造", "数控车床快换刀具", "焊接烟尘收集装置"]),
    ({"industry": "13"}, []),
    ({"sort": "title"}, sorted(["外区节能改造", "数控车床快换刀具", "焊接烟尘收集装置"])),
    ({"sort": "submitted"}, ["焊接烟尘收集装置", "数控车床快换刀具", "外区节能改造"]),
])
def test_committee_filters(client_as, world, params, expected):
    assert titles(client_as("committee").get(LIST, params)) == expected


def test_filter_by_category_and_recommending_unit(client_as, world, recommending_unit):
    client = client_as("committee")
    edition = world["submitted"].edition
    second = edition.categories.all()[1]
    world["returned"].category = second
    world["returned"].save()

    assert titles(client.get(LIST, {"category": second.pk})) == ["焊接烟尘收集装置"]
    assert titles(client.get(LIST, {"recommending_unit": recommending_unit.pk})) == ["数控车床快换刀具",
                                                                                      "焊接烟尘收集装置"]


def test_industry_division_filter_matches_the_class_codes_below_it(client_as, world):
    world["returned"].industry_id = "1311"  # 谷物磨制, division 13
    world["returned"].save()

    response = client_as("recommender").get(LIST, {"industry": "13"})

    assert titles(response) == ["焊接烟尘收集装置"]
    options = dict(response.context["form"].fields["industry"].choices)
    assert ("13", "13 农副食品加工业") in options["C 制造业"]


def test_bad_filter_values_show_a_chinese_message_beside_the_field(client_as, world):
    response = client_as("committee").get(LIST, {"status": "nonsense", "sort": "x", "q": "车" * 101})

    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["status"] == ["选择一个有效的选项。 nonsense 不在可用的选项中。"]
    assert "q" in form.errors and "sort" in form.errors
    assert titles(response) == ["外区节能改造", "数控车床快换刀具", "焊接烟尘收集装置"]
    assert 'id="field-status"' in response.content.decode()


def test_recommender_has_no_recommending_unit_filter(client_as, world):
    assert "recommending_unit" not in client_as("recommender").get(LIST).context["form"].fields
    assert "recommending_unit" in client_as("committee").get(LIST).context["form"].fields


# --- What each row shows ------------------------------------------------------------------------

def test_row_columns_in_chinese_with_beijing_time(client_as, world, declaring_unit):
    entry = world["submitted"]
    entry.submitted_at = dt.datetime(2025, 3, 28, 9, 29, 59, tzinfo=dt.UTC)
    entry.save()
    Completer.objects.filter(entry=entry).update(position=1)
    Completer.objects.create(entry=entry, position=0, name="王第一", age=40, post="技师", workplace="车间",
                             phone="13800000000")
    for i in range(3):
        Attachment.objects.create(entry=entry, kind="photo", file=f"entries/x/{i}.jpg", original_name=f"{i}.jpg",
                                  size=10)
    CreditCommitment.objects.create(edition=entry.edition, unit=declaring_unit, scan="commitments/x.pdf")

    response = client_as("recommender").get(LIST, {"q": "车床"})

    row = response.context["page"].object_list[0]
    assert (row.first_completer, row.attachment_count, row.commitment_stamped) == ("王第一", 3, True)
    html = response.content.decode()
    for text in ("作品名称", "类别", "申报单位", "推荐单位", "所属行业", "第一完成人", "状态", "提交时间", "附件数",
                 "承诺书已盖章", "数控车床快换刀具", "小发明", declaring_unit.name, "3421</span> 金属切削机床制造",
                 "王第一", "已提交", "2025-03-28 17:29", "<td class=\"num\" data-label=\"附件数\">3</td>", ">是</span>"):
        assert text in html, text


def test_unstamped_or_missing_commitment_shows_no(client_as, world, declaring_unit):
    CreditCommitment.objects.create(edition=world["submitted"].edition, unit=declaring_unit)  # no scan yet

    rows = client_as("recommender").get(LIST).context["page"].object_list

    assert [(r.commitment_stamped, r.attachment_count) for r in rows] == [(False, 0), (False, 0)]


def test_titles_link_to_the_entry_page_when_it_exists(client_as, world):
    from django.urls import NoReverseMatch, reverse

    html = client_as("committee").get(LIST).content.decode()
    try:
        url = reverse("entries:view", args=[world["submitted"].pk])
    except NoReverseMatch:
        assert "数控车床快换刀具</td>" in html
    else:
        assert f'href="{url}">数控车床快换刀具</a>' in html


def test_counts_by_status_at_the_top(client_as, world):
    committee = client_as("committee").get(LIST)
    counts = dict((status.value, n) for status, n in committee.context["counts"])
    # A draft is its declaring unit's own: not even counted here (entries:drafts counts them).
    assert counts == {"submitted": 1, "returned": 1, "not_recommended": 0, "recommended": 1,
                      "ineligible": 0, "in_review": 0, "not_finalist": 0, "finalist": 0, "not_awarded": 0,
                      "awarded": 0, "revoked": 0}
    assert committee.context["total"] == 3

    recommender = client_as("recommender").get(LIST)
    counts = dict((status.value, n) for status, n in recommender.context["counts"])
    assert "draft" not in counts and counts["submitted"] == 1 and counts["returned"] == 1
    assert recommender.context["total"] == 2
    assert "共找到 2 件作品。" in recommender.content.decode()


def test_pages_of_fifty(client_as, edition, declaring_unit):
    factories.EntryFactory.create_batch(51, edition=edition, declaring_unit=declaring_unit,
                                        status=EntryStatus.SUBMITTED, complete=False)
    client = client_as("recommender")

    first, second = client.get(LIST), client.get(LIST, {"page": 2})

    assert len(first.context["page"].object_list) == 50
    assert len(second.context["page"].object_list) == 1
    assert "第 1 页，共 2 页" in first.content.decode()


def test_no_edition_yet(client_as):
    Edition.objects.all().delete()

    response = client_as("committee").get(LIST)

    assert response.status_code == 200
    assert "尚未设立任何一届竞赛。" in response.content.decode()


def test_nav_link_only_for_those_who_may_list(client_as, world):
    for role in ("committee", "recommender", "declarer"):
        assert 'href="/entries/list/">作品列表</a>' in client_as(role).get("/accounts/").content.decode(), role
    assert 'href="/entries/list/">作品列表</a>' not in client_as("expert").get("/accounts/").content.decode()


def test_list_writes_nothing(client_as, world):
    before = AuditLog.objects.count()
    client_as("committee").get(LIST)
    client_as("committee").get(CSV)
    assert AuditLog.objects.count() == before


# --- No N+1: the number of queries does not grow with the rows ----------------------------------

def _fill(edition, declaring_unit, n: int) -> None:
    for _ in range(n):
        entry = factories.EntryFactory(edition=edition, declaring_unit=declaring_unit, status=EntryStatus.SUBMITTED,
                                       submitted_at=timezone.now())
        Attachment.objects.create(entry=entry, kind="photo", file="entries/x/a.jpg", original_name="a.jpg", size=1)


@pytest.mark.parametrize("role", ["committee", "recommender"])
def test_query_count_does_not_grow_with_rows(role, client_as, edition, declaring_unit, django_assert_num_queries):
    CreditCommitment.objects.create(edition=edition, unit=declaring_unit, scan="commitments/x.pdf")
    client = client_as(role)
    _fill(edition, declaring_unit, 5)
    with CaptureQueriesContext(connection) as few:
        response = client.get(LIST)
    assert len(response.context["page"].object_list) == 5

    _fill(edition, declaring_unit, 55)
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(LIST)
    assert len(response.context["page"].object_list) == 50


@pytest.mark.parametrize("role", ["committee", "recommender"])
def test_csv_query_count_does_not_grow_with_rows(role, client_as, edition, declaring_unit):
    client = client_as(role)
    _fill(edition, declaring_unit, 3)
    with CaptureQueriesContext(connection) as few:
        b"".join(client.get(CSV).streaming_content)
    _fill(edition, declaring_unit, 30)
    with CaptureQueriesContext(connection) as many:
        body = b"".join(client.get(CSV).streaming_content)
    assert len(many.captured_queries) == len(few.captured_queries)
    assert body.decode("utf-8-sig").count("\r\n") == 34


# --- CSV export ----------------------------------------------------------------------------------

def test_csv_export_of_the_filtered_list(client_as, world, declaring_unit):
    entry = world["submitted"]
    entry.submitted_at = dt.datetime(2025, 3, 28, 9, 30, tzinfo=dt.UTC)
    entry.save()

    response = client_as("recommender").get(CSV, {"q": "车床"})

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="entries-edition-')
    body = b"".join(response.streaming_content)
    assert body.startswith(b"\xef\xbb\xbf")
    lines = body.decode("utf-8-sig").splitlines()
    assert lines == [
        "作品名称,类别,申报单位,推荐单位,所属行业,第一完成人,状态,提交时间（北京时间）,附件数,信用承诺书已盖章",
        f"数控车床快换刀具,小发明,{declaring_unit.name},{declaring_unit.parent.name},3421 金属切削机床制造,张三,已提交,"
        "2025-03-28 17:30:00,0,否",
    ]
