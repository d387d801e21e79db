"""The audit log speaks words (issue 9, item 10): every action has a label, every object a name,
and the recorded data is shown with labels and names instead of codes and ids."""

import ast
from pathlib import Path

import pytest
from django.apps import apps
from django.db import models
from django.urls import reverse
from django.utils import translation

from wuxiao.common import audit
from wuxiao.common.audit_words import ACTION_LABELS, action_label
from wuxiao.common.models import AuditLog
from wuxiao.competitions.services import LIST_KINDS
from wuxiao.entries.enums import Action
from wuxiao.entries.services import transition_entry
from wuxiao.screening import services as screening

from .. import factories
from ..test_no_rule_codes import visible_text

SRC = Path(__file__).resolve().parents[2] / "src" / "wuxiao"
URL = reverse("common:audit_log")

# Actions recorded with a computed name: the f-string's fixed start, and every name it can take.
FAMILIES = {
    "entry.": {f"entry.{a}" for a in Action.values},
    "finals.": {"finals.lock_scores", "finals.reveal_scores", "finals.clear_score"},  # finals/services_live._audit
    "edition.update_": {"edition.update_settings"} | {f"edition.update_{k.replace('-', '_')}" for k in LIST_KINDS},
}


def recorded_actions() -> set[str]:
    """Every `action=` given to common.audit.record anywhere in src/ (read from the code itself)."""
    found = set()
    for path in SRC.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if name != "record":
                continue
            for keyword in node.keywords:
                if keyword.arg != "action":
                    continue
                value = keyword.value
                if isinstance(value, ast.Constant):
                    found.add(value.value)
                elif isinstance(value, ast.JoinedStr):
                    start = "".join(v.value for v in value.values[:1] if isinstance(v, ast.Constant))
                    assert start in FAMILIES, f"{path}: the computed action {ast.unparse(value)} needs a family here"
                    found |= FAMILIES[start]
                else:
                    pytest.fail(f"{path}: audit action {ast.unparse(value)} is neither a string nor an f-string")
    return found


def test_every_recorded_action_has_a_chinese_label():
    actions = recorded_actions()
    assert len(actions) > 40 and "entry.recommend" in actions and "screening.quota_exception" in actions
    missing = sorted(a for a in actions if a not in ACTION_LABELS)
    assert not missing, f"add a label to common/audit_words.py ACTION_LABELS for: {missing}"
    with translation.override("zh-hans"):
        untranslated = sorted(a for a in actions if not any("\u4e00" <= c <= "\u9fff" for c in action_label(a)))
    assert not untranslated, f"no Chinese label for: {untranslated}"


def test_entry_actions_read_as_what_happened():
    with translation.override("zh-hans"):
        assert action_label("entry.recommend") == "作品已推荐"
        assert action_label("entry.declare_ineligible") == "作品被认定不符合参赛条件"
        assert action_label("screening.quota_exception") == "组委会同意增加推荐名额"
    with translation.override("en"):
        assert action_label("entry.recommend") == "entry recommended"
    assert action_label("something.unknown") == "something.unknown"


def test_every_model_has_a_name():
    """An audit row stores str(obj): no model of ours may fall back to "QuotaException object (1)"."""
    unnamed = [m._meta.label for m in apps.get_app_configs() for m in m.get_models()
               if m.__module__.startswith("wuxiao.") and m.__str__ is models.Model.__str__]
    assert not unnamed


@pytest.fixture
def decided(committee, recommender, recommending_unit, edition):
    """An entry recommended then declared ineligible under R4.3, and a quota exception."""
    entry = factories.EntryFactory(edition=edition, declaring_unit=factories.DeclaringUnitFactory(
        parent=recommending_unit))
    declarer = factories.user_with_role("declarer", entry.declaring_unit)
    transition_entry(entry=entry, action="submit", actor=declarer)
    transition_entry(entry=entry, action="recommend", actor=recommender, data={"opinion": "经审核，同意推荐。"})
    transition_entry(entry=entry, action="declare_ineligible", actor=committee, reason="已列入市级科技计划。",
                     data={"rule": "R4.3"})
    exception = screening.grant_quota_exception(actor=committee, edition=edition, unit=recommending_unit, extra=1,
                                                reason="参赛企业多")
    return entry, exception


def test_the_page_shows_labels_names_and_data_in_words(client_as, decided, recommending_unit):
    entry, exception = decided
    html = client_as("committee").get(URL).content.decode()
    text = visible_text(html)
    for label in ("作品已提交", "作品已推荐", "作品被认定不符合参赛条件", "组委会同意增加推荐名额"):
        assert label in text
    for code in ("entry.recommend", "entry.declare_ineligible", "screening.quota_exception", "R4.3", "object ("):
        assert code not in text
    # The objects by name.
    assert entry.title in text and f"{recommending_unit.name}：增加推荐名额 1 项" in text
    # The data in words: statuses, the opinion, the rule with its text, the unit by name.
    assert "<dt>变更前</dt><dd>已提交</dd><dt>变更后</dt><dd>已推荐</dd>" in html
    assert "<dt>推荐单位意见</dt><dd>经审核，同意推荐。</dd>" in html
    assert "<dt>推荐排序</dt><dd>1</dd>" in html
    assert "<dt>不符合的参赛条件</dt><dd>不列入竞赛范围的情形第（三）项：已经列入政府有关部门科技计划项目的创新作品</dd>" in html
    assert f"<dt>单位</dt><dd>{recommending_unit.name}</dd><dt>增加名额（项）</dt><dd>1</dd>" in html
    # The filter offers the actions by their labels.
    assert '<option value="entry.recommend">作品已推荐</option>' in html


def test_the_export_has_the_words_and_keeps_the_codes(client_as, decided):
    import csv
    import io

    response = client_as("committee").get(URL, {"action": "entry.declare_ineligible", "export": "csv"})
    table = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    header, row = table[0], table[1]
    assert row[header.index("操作")] == "作品被认定不符合参赛条件" and row[header.index("操作代码")] == "entry.declare_ineligible"
    assert "不符合的参赛条件：不列入竞赛范围的情形第（三）项" in row[header.index("详细信息")]
    assert '"rule": "R4.3"' in row[header.index("记录的数据（原始）")]  # the stored data stays as recorded


def test_rows_recorded_with_a_default_name_show_the_objects_name(client_as, decided, recommending_unit):
    _entry, exception = decided
    legacy = audit.record(actor=None, action="screening.quota_exception", obj=exception)
    AuditLog.objects.filter(pk=legacy.pk).update(object_repr=f"QuotaException object ({exception.pk})")
    text = visible_text(client_as("committee").get(URL).content.decode())
    assert "QuotaException object" not in text
    assert text.count(f"{recommending_unit.name}：增加推荐名额 1 项") == 2


def test_the_page_reads_names_in_constant_queries(client_as, committee, recommending_unit, edition):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_as("committee")

    def grant(n):
        for _i in range(n):
            unit = factories.RecommendingUnitFactory()
            screening.grant_quota_exception(actor=committee, edition=edition, unit=unit, extra=1, reason="理由")

    grant(2)
    with CaptureQueriesContext(connection) as few:
        assert client.get(URL).status_code == 200
    grant(20)
    with CaptureQueriesContext(connection) as many:
        assert client.get(URL).status_code == 200
    assert len(many) == len(few)
