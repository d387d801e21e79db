"""The reason is where the work is (issue 9, item 8): a returned entry's edit page says at its top what must
be revised; the history says the rule of an ineligibility finding in words and every step's recorded data."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from wuxiao.entries.models import EntryTransition
from wuxiao.entries.services import transition_entry
from wuxiao.entries.transitions import Registry, registry

from .conftest import ROLES

pytestmark = pytest.mark.django_db

RETURN_REASON = "请补充经济效益测算依据和推广应用证明。"
R_CODE = re.compile(r"\bR\d{1,2}(?:\.\d+)?\b")


def _history(html: str) -> str:
    return html.rsplit('<ol class="history">', 1)[1].split("</ol>", 1)[0]


def test_the_edit_page_of_a_returned_entry_starts_with_what_must_be_revised(client, declarer, recommender, entry_of):
    entry = entry_of("submitted", submitted_at=timezone.now())
    transition_entry(entry=entry, action="return", actor=recommender, reason=RETURN_REASON)
    step = EntryTransition.objects.get(entry=entry, action="return")
    client.force_login(declarer)

    html = client.get(reverse("entries:edit", args=[entry.pk])).content.decode()

    box = html.split('id="what-to-revise"', 1)[1].split("</article>", 1)[0]
    assert "退回修改：需要修改的内容" in box and RETURN_REASON in box
    when = timezone.localtime(step.at).strftime("%Y-%m-%d %H:%M")
    assert f"由{entry.recommending_unit.name}（{recommender.name}）于 {when} 退回。" in box
    # at the top: before the form itself
    assert html.index('id="what-to-revise"') < html.index('id="entry-form"')


def test_the_latest_return_is_shown_and_none_for_a_draft(client, declarer, recommender, entry_of):
    entry = entry_of("submitted", submitted_at=timezone.now())
    transition_entry(entry=entry, action="return", actor=recommender, reason="第一次：补充数据")
    transition_entry(entry=entry, action="submit", actor=declarer)
    transition_entry(entry=entry, action="return", actor=recommender, reason="第二次：补充证明")
    client.force_login(declarer)
    html = client.get(reverse("entries:edit", args=[entry.pk])).content.decode()
    box = html.split('id="what-to-revise"', 1)[1].split("</article>", 1)[0]
    assert "第二次：补充证明" in box and "第一次" not in box

    draft = entry_of("draft")
    assert 'id="what-to-revise"' not in client.get(reverse("entries:edit", args=[draft.pk])).content.decode()


@pytest.mark.parametrize(("rule", "words"), [
    ("R1", "竞赛范围：工会关系隶属于郑州市的单位的一线职工（通知附件1第二部分）"),
    ("R2", "竞赛范围：近三年以来取得的创新作品（通知附件1第二部分）"),
    ("R3", "作品类别：从小发明、小创造、小革新、小建议、小设计中选择一类（通知附件2备注第2条）"),
    ("R4", "不列入竞赛范围的情形（通知附件1第二部分）"),
    ("R4.1", "不列入竞赛范围的第1种情形（通知附件1第二部分）：第一完成人是企业主要负责人（含实际控制人）取得的创新作品"),
])
def test_an_ineligible_entrys_history_gives_the_rule_in_words(client, declarer, committee, entry_of, rule, words):
    entry = entry_of("recommended", submitted_at=timezone.now(), recommendation_rank=1)
    transition_entry(entry=entry, action="declare_ineligible", actor=committee, reason="第一完成人为公司总经理",
                     data={"rule": rule})
    for user in (declarer, committee):
        client.force_login(user)
        history = _history(client.get(reverse("entries:view", args=[entry.pk])).content.decode())
        assert "认定依据" in history and words in history
        assert "第一完成人为公司总经理" in history
        assert not R_CODE.search(history), R_CODE.search(history)
    client.force_login(committee)
    page = client.get(reverse("screening:review_entry", args=[entry.edition.slug, entry.pk])).content.decode()
    assert words in _history(page) and not R_CODE.search(_history(page))


def test_every_step_shows_its_recorded_data_in_words(client, declarer, recommender, committee, entry_of):
    entry = entry_of("submitted", submitted_at=timezone.now())
    transition_entry(entry=entry, action="recommend", actor=recommender, data={"opinion": "同意推荐。", "rank": 3})
    due = timezone.localdate() + dt.timedelta(days=7)
    transition_entry(entry=entry, action="request_correction", actor=committee, reason="补充推广证明",
                     data={"due_date": due.isoformat()})
    for user, url in ((declarer, reverse("entries:view", args=[entry.pk])),
                      (recommender, reverse("screening:entry", args=[entry.pk])),
                      (committee, reverse("screening:review_entry", args=[entry.edition.slug, entry.pk]))):
        client.force_login(user)
        html = client.get(url).content.decode()
        steps = re.findall(r'<li class="history-step" data-action="(\w+)">(.*?)</li>', html, re.S)
        assert [action for action, _ in steps] == ["recommend", "request_correction"], url
        recommend, correction = steps[0][1], steps[1][1]
        assert re.search(r"<dt>推荐排序</dt><dd data-key=\"rank\">3</dd>", recommend)
        assert re.search(r"<dt>推荐单位意见</dt><dd data-key=\"opinion\">同意推荐。</dd>", recommend)
        assert re.search(rf"<dt>补正期限</dt><dd data-key=\"due_date\">{due.isoformat()}</dd>", correction)
        assert "<dt>理由</dt><dd>补充推广证明</dd>" in correction
        assert "{" not in recommend + correction  # no raw JSON


def test_unknown_keys_read_generically():
    fresh = Registry()
    fresh.add_detail("rank", "推荐排序")
    details = fresh.details_of({"rank": 2, "checked_by_hand": True, "missing_items": ["盖章申报表", "承诺书"],
                                "empty": "", "extra": {"count": 2}})
    assert [(d.key, d.label, d.value) for d in details] == [
        ("rank", "推荐排序", "2"),
        ("checked_by_hand", "Checked by hand", "是"),
        ("missing_items", "Missing items", "盖章申报表、承诺书"),
        ("extra", "Extra", "Count：2"),
    ]


def test_the_api_history_has_the_details_in_words(client, committee, entry_of):
    entry = entry_of("recommended", submitted_at=timezone.now(), recommendation_rank=1)
    transition_entry(entry=entry, action="declare_ineligible", actor=committee, reason="不符合",
                     data={"rule": "R2"})
    client.force_login(committee)
    [step] = client.get(f"/api/entries/{entry.pk}").json()["history"]
    assert step["details"] == [{"key": "rule", "label": "认定依据",
                                "value": "竞赛范围：近三年以来取得的创新作品（通知附件1第二部分）"}]
    assert registry.value_in_words("rule", {"rule": "R2"}) == step["details"][0]["value"]


@pytest.mark.parametrize("role", [r for r in ROLES if r not in ("declarer", "anonymous")])
def test_only_the_declaring_unit_reaches_the_edit_page(client, actors, entry_of, role):
    entry = entry_of("returned")
    client.force_login(actors[role])
    assert client.get(reverse("entries:edit", args=[entry.pk])).status_code == 403
