"""The automatic flags (issue 4, item 7): each kind, the background task, the flag list and the compare page."""

import itertools

import pytest
from django.core.files.base import ContentFile
from django.template.defaultfilters import floatformat
from django.urls import reverse

from wuxiao.common.models import AuditLog
from wuxiao.entries.enums import EntryStatus
from wuxiao.entries.models import Completer, CreditCommitment
from wuxiao.orgs.models import CreditCodeStatus
from wuxiao.screening import duplicates
from wuxiao.screening.flags import TEXT_FIELDS, compute_flags, title_similarity
from wuxiao.screening.models import Flag, FlagKind

from ..factories import DeclaringUnitFactory, EntryFactory
from .textgen import entry_text, near_copy

pytestmark = pytest.mark.django_db

ROLES = ["declarer", "recommender", "committee", "expert", "site_admin", "outsider", "anonymous"]


_codes = itertools.count(1)


def _unit(recommending_unit, *, good=True, stamped=True, edition=None):
    code = f"91410100MA{next(_codes):07d}X" if good else ""
    unit = DeclaringUnitFactory(parent=recommending_unit, credit_code=code,
                                credit_code_status=CreditCodeStatus.VALID if good else CreditCodeStatus.NONE)
    if stamped:
        CreditCommitment.objects.create(edition=edition, unit=unit, scan=ContentFile(b"%PDF-1.4", name="c.pdf"))
    return unit


def _entry(edition, unit, *, status=EntryStatus.SUBMITTED, text_seed=None, text=None, **fields):
    text = text if text is not None else entry_text(text_seed)
    third = len(text) // 3
    entry = EntryFactory(edition=edition, declaring_unit=unit, status=status, summary=text[:third],
                         background=text[third:2 * third], goals=text[2 * third:], innovation_points="",
                         benefits="", **fields)
    return entry


def _completer(entry, **fields):
    Completer.objects.filter(entry=entry, position=0).update(**fields)


@pytest.fixture
def units(edition, recommending_unit):
    return [_unit(recommending_unit, edition=edition) for _ in range(3)]


def _found(edition, kind):
    return sorted((f.entry_id, f.other_id) for f in Flag.objects.filter(edition=edition, kind=kind))


def _shingles(text):
    return duplicates.shingles(duplicates.normalise(text))


def _similarity(a, b, a_field=None, b_field=None):
    """The exact Jaccard similarity of two entries' whole texts, or of one field of each."""
    if a_field is None:
        return duplicates.jaccard(_shingles(entry_text_of(a)), _shingles(entry_text_of(b)))
    return duplicates.jaccard(_shingles(getattr(a, a_field)), _shingles(getattr(b, b_field)))


def entry_text_of(entry):
    return "\n".join(getattr(entry, name) for name in TEXT_FIELDS)


def _expected_fields(a, b):
    """The details["fields"] of a's flag against b, worked out field by field from the texts."""
    long = [f for f in TEXT_FIELDS if len(duplicates.normalise(getattr(a, f))) >= duplicates.MIN_CHARS]
    other_long = [f for f in TEXT_FIELDS if len(duplicates.normalise(getattr(b, f))) >= duplicates.MIN_CHARS]
    found = [{"field": f, "other_field": g, "similarity": round(_similarity(a, b, f, g), 4)}
             for f in long for g in other_long if _similarity(a, b, f, g) >= duplicates.THRESHOLD]
    return sorted(found, key=lambda m: (-m["similarity"], TEXT_FIELDS.index(m["field"]),
                                        TEXT_FIELDS.index(m["other_field"])))


def test_near_duplicate_across_units(edition, units, committee):
    original = _entry(edition, units[0], text_seed=1, title="数控车床快换刀具")
    copy = _entry(edition, units[2], text=near_copy(entry_text(1), 3, edits=15, swaps=4), title="一种新型焊接夹具")
    others = [_entry(edition, units[1], text_seed=10 + i, title=f"不同的作品{i}号") for i in range(5)]
    _completer(copy, name="王五", phone="13700000000")
    for i, e in enumerate(others):
        _completer(e, name=f"完成人{i}", phone=f"1370000001{i}")
    counts = compute_flags(edition=edition, actor=committee)
    assert _found(edition, FlagKind.NEAR_DUPLICATE) == sorted([(original.pk, copy.pk), (copy.pk, original.pk)])
    flag = Flag.objects.get(entry=original, kind=FlagKind.NEAR_DUPLICATE)
    assert 0.5 <= flag.score < 1 and flag.details["similarity"] == flag.score == round(_similarity(original, copy), 4)
    # The whole text was cut into three fields: each is a near-copy of the same field of the other.
    assert flag.details["fields"] == _expected_fields(original, copy) != []
    assert {(m["field"], m["other_field"]) for m in flag.details["fields"]} <= {
        ("summary", "summary"), ("background", "background"), ("goals", "goals")}
    back = Flag.objects.get(entry=copy, kind=FlagKind.NEAR_DUPLICATE)
    assert (back.score, back.details) == (flag.score, flag.details)  # same fields both ways: nothing to swap
    assert counts[FlagKind.NEAR_DUPLICATE] == 2
    log = AuditLog.objects.get(action="screening.compute_flags")
    assert (log.actor, log.edition, log.data["near_duplicate"]) == (committee, edition, 2)


def _fielded(edition, unit, seed, *, title, **texts):
    """An entry whose five descriptive fields are different texts of about 300 characters, but for `texts`."""
    values = {name: entry_text(100 * seed + k, chars=300) for k, name in enumerate(TEXT_FIELDS)}
    return EntryFactory(edition=edition, declaring_unit=unit, status=EntryStatus.SUBMITTED, title=title,
                        **(values | texts))


@pytest.mark.parametrize(("field", "other_field", "a_says", "b_says"), [
    ("benefits", "benefits", "“经济效益和社会效益”（相似度 {}）", "“经济效益和社会效益”（相似度 {}）"),
    ("benefits", "innovation_points", "本作品“经济效益和社会效益”与对方“创新点”（相似度 {}）",
     "本作品“创新点”与对方“经济效益和社会效益”（相似度 {}）"),
])
def test_one_copied_field_is_flagged_both_ways_naming_the_fields(
        edition, units, client_as, field, other_field, a_says, b_says):
    paragraph = entry_text(900, chars=300)
    a = _fielded(edition, units[0], 1, title="数控车床快换刀具", **{field: paragraph})
    b = _fielded(edition, units[1], 2, title="焊接烟尘收集装置",
                 **{other_field: near_copy(paragraph, 5, edits=3, swaps=1)})
    _fielded(edition, units[2], 3, title="输送带跑偏纠正装置")  # different texts: never flagged
    counts = compute_flags(edition=edition)
    assert _found(edition, FlagKind.NEAR_DUPLICATE) == sorted([(a.pk, b.pk), (b.pk, a.pk)])
    whole, copied = round(_similarity(a, b), 4), round(_similarity(a, b, field, other_field), 4)
    assert whole < duplicates.THRESHOLD <= copied < 1  # the whole texts alone would not have been flagged
    flag = Flag.objects.get(entry=a, kind=FlagKind.NEAR_DUPLICATE)
    assert (flag.other_id, flag.score) == (b.pk, copied)
    assert flag.details == {"similarity": whole,
                            "fields": [{"field": field, "other_field": other_field, "similarity": copied}]}
    back = Flag.objects.get(entry=b, kind=FlagKind.NEAR_DUPLICATE)
    assert (back.other_id, back.score) == (a.pk, copied)
    assert back.details == {"similarity": whole,
                            "fields": [{"field": other_field, "other_field": field, "similarity": copied}]}
    assert counts[FlagKind.NEAR_DUPLICATE] == 2

    html = client_as("committee").get(
        reverse("screening:flags", args=[edition.slug]) + "?kind=near_duplicate").content.decode()
    similarity, copied_2 = floatformat(whole, 2), floatformat(copied, 2)
    assert f"与《焊接烟尘收集装置》全文相似度 {similarity}，其中高度相似的栏目：{a_says.format(copied_2)}。" in html
    assert f"与《数控车床快换刀具》全文相似度 {similarity}，其中高度相似的栏目：{b_says.format(copied_2)}。" in html


def test_an_entry_never_matches_itself_and_one_flag_per_pair(edition, units):
    paragraph, own = entry_text(901, chars=300), entry_text(902, chars=300)
    # a repeats one paragraph in two of its own fields, c another in three: neither is flagged for that.
    a = _fielded(edition, units[0], 4, title="甲", summary=paragraph, innovation_points=paragraph)
    _fielded(edition, units[1], 5, title="乙")
    c = _fielded(edition, units[2], 6, title="丙", background=own, goals=own, benefits=own)
    compute_flags(edition=edition)
    assert not Flag.objects.filter(kind=FlagKind.NEAR_DUPLICATE).exists()

    # d takes a's paragraph once: one flag each way, listing both of a's fields that match it.
    d = _fielded(edition, units[1], 7, title="丁", benefits=paragraph)
    compute_flags(edition=edition)
    assert _found(edition, FlagKind.NEAR_DUPLICATE) == sorted([(a.pk, d.pk), (d.pk, a.pk)])
    assert Flag.objects.get(entry=a, kind=FlagKind.NEAR_DUPLICATE).details["fields"] == [
        {"field": "summary", "other_field": "benefits", "similarity": 1.0},
        {"field": "innovation_points", "other_field": "benefits", "similarity": 1.0}]
    assert Flag.objects.get(entry=d, kind=FlagKind.NEAR_DUPLICATE).details["fields"] == [
        {"field": "benefits", "other_field": "summary", "similarity": 1.0},
        {"field": "benefits", "other_field": "innovation_points", "similarity": 1.0}]
    assert Flag.objects.get(entry=d, kind=FlagKind.NEAR_DUPLICATE).score == 1.0
    assert not Flag.objects.filter(kind=FlagKind.NEAR_DUPLICATE, entry=c).exists()


def test_different_entries_are_not_flagged(edition, units):
    for i in range(30):
        _fielded(edition, units[i % 3], 10 + i, title=f"作品{i}")
    assert compute_flags(edition=edition)[FlagKind.NEAR_DUPLICATE] == 0


def test_drafts_and_other_editions_are_left_out(edition, units):
    from ..factories import EditionFactory

    _entry(edition, units[0], text_seed=1, title="甲")
    _entry(edition, units[1], text_seed=1, status=EntryStatus.DRAFT, title="乙")
    _entry(EditionFactory(), units[1], text_seed=1, title="丙")
    compute_flags(edition=edition)
    assert not Flag.objects.filter(kind=FlagKind.NEAR_DUPLICATE).exists()


def test_same_first_completer_by_name_and_workplace_or_by_phone(edition, units):
    a = _entry(edition, units[0], text_seed=1, title="作品甲")
    b = _entry(edition, units[1], text_seed=2, title="作品乙")
    c = _entry(edition, units[2], text_seed=3, title="作品丙")
    d = _entry(edition, units[2], text_seed=4, title="作品丁")
    _completer(a, name="张 三", workplace="一车间", phone="13811110000")
    _completer(b, name="张三", workplace="一车间", phone="13822220000")
    _completer(c, name="李四", workplace="二车间", phone="+86 138-1111-0000")
    _completer(d, name="赵六", workplace="三车间", phone="13833330000")
    compute_flags(edition=edition)
    assert _found(edition, FlagKind.SAME_FIRST_COMPLETER) == sorted(
        [(a.pk, b.pk), (b.pk, a.pk), (a.pk, c.pk), (c.pk, a.pk)])
    flag = Flag.objects.get(entry=b, kind=FlagKind.SAME_FIRST_COMPLETER)
    assert flag.details == {"match": ["name_workplace"], "name": "张 三", "workplace": "一车间", "phone": "13811110000"}
    assert Flag.objects.get(entry=c, kind=FlagKind.SAME_FIRST_COMPLETER).details["match"] == ["phone"]


def test_same_or_nearly_same_title(edition, units):
    a = _entry(edition, units[0], text_seed=1, title="数控车床快换刀具装置")
    b = _entry(edition, units[1], text_seed=2, title="数控车床快换刀具装置。")
    c = _entry(edition, units[2], text_seed=3, title="一种数控车床快换刀具装置")
    d = _entry(edition, units[2], text_seed=4, title="数控车床自动送料装置")
    for i, e in enumerate((a, b, c, d)):
        _completer(e, name=f"人{i}", phone=f"1390000000{i}")
    compute_flags(edition=edition)
    assert _found(edition, FlagKind.SIMILAR_TITLE) == sorted(
        [(a.pk, b.pk), (b.pk, a.pk), (a.pk, c.pk), (c.pk, a.pk), (b.pk, c.pk), (c.pk, b.pk)])
    assert Flag.objects.get(entry=a, other=b, kind=FlagKind.SIMILAR_TITLE).score == 1.0
    assert Flag.objects.get(entry=a, other=c).details == {"title": "一种数控车床快换刀具装置"}
    assert title_similarity("数控车床快换刀具装置", "数控车床自动送料装置") < 0.7


def test_credit_code_and_commitment_flags(edition, recommending_unit):
    good = _unit(recommending_unit, edition=edition)
    bad_code = _unit(recommending_unit, edition=edition, good=False)
    unstamped = _unit(recommending_unit, edition=edition, stamped=False)
    CreditCommitment.objects.create(edition=edition, unit=unstamped)  # filled in, not stamped
    pending = _unit(recommending_unit, edition=edition)
    pending.credit_code_status = CreditCodeStatus.PENDING
    pending.save()
    entries = {u: _entry(edition, u, text_seed=i, title=f"作品{i}") for i, u in enumerate((good, bad_code, unstamped, pending))}
    for i, e in enumerate(entries.values()):
        _completer(e, name=f"人{i}", phone=f"1390000000{i}")
    compute_flags(edition=edition)
    assert _found(edition, FlagKind.CREDIT_CODE) == sorted([(entries[bad_code].pk, None), (entries[pending].pk, None)])
    assert Flag.objects.get(entry=entries[bad_code], kind=FlagKind.CREDIT_CODE).details == {
        "unit": bad_code.name, "credit_code": "", "status": "none"}
    assert _found(edition, FlagKind.NO_COMMITMENT) == [(entries[unstamped].pk, None)]
    assert not Flag.objects.filter(entry=entries[good]).exists()


def test_recomputing_replaces_the_flags(edition, units):
    a = _entry(edition, units[0], text_seed=1, title="同名作品")
    b = _entry(edition, units[1], text_seed=2, title="同名作品")
    _completer(b, name="另一人", phone="13900000009")
    compute_flags(edition=edition)
    assert Flag.objects.filter(kind=FlagKind.SIMILAR_TITLE).count() == 2
    b.title = "完全不同"
    b.save()
    compute_flags(edition=edition)
    assert not Flag.objects.filter(kind=FlagKind.SIMILAR_TITLE).exists()
    assert Flag.objects.filter(edition=edition).count() == 0
    assert AuditLog.objects.filter(action="screening.compute_flags").count() == 2
    assert a.pk


def test_task_recomputes_in_the_background(edition, units, committee, client, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    a = _entry(edition, units[0], text_seed=1, title="同名作品")
    _entry(edition, units[1], text_seed=2, title="同名作品")
    _completer(a, name="另一人", phone="13900000009")
    client.force_login(committee)
    response = client.post(reverse("screening:recompute_flags", args=[edition.slug]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("screening:flags", args=[edition.slug])
    assert "自动检查正在后台进行" in response.content.decode()
    assert Flag.objects.filter(edition=edition, kind=FlagKind.SIMILAR_TITLE).count() == 2
    assert AuditLog.objects.filter(action="screening.request_flags", actor=committee).count() == 1
    assert AuditLog.objects.get(action="screening.compute_flags").actor == committee


@pytest.fixture
def pair(edition, units):
    copied = "采用快换定位结构，换刀时间由十五分钟缩短到三分钟，经过一年的生产实践检验"
    a = _entry(edition, units[0], text="本装置用于数控车床。" + copied + "。" + entry_text(1), title="快换刀具")
    b = _entry(edition, units[1], text="车间里的难题。" + copied + "。" + entry_text(2), title="<script>刀具</script>")
    Flag.objects.create(edition=edition, entry=a, other=b, kind=FlagKind.NEAR_DUPLICATE, score=0.61,
                        details={"similarity": 0.61})
    return a, b, copied


@pytest.mark.parametrize("role", ROLES)
def test_compare_page_permissions(role, client_as, pair):
    a, b, copied = pair
    response = client_as(role).get(reverse("screening:compare", args=[a.pk, b.pk]))
    if role in ("committee", "site_admin"):
        html = response.content.decode()
        assert response.status_code == 200
        assert f"<mark>{copied}</mark>" in html  # the summary of both sides
        assert html.count(f"<mark>{copied}</mark>") == 2
        assert "&lt;script&gt;刀具&lt;/script&gt;" in html and "<script>刀具" not in html
        assert "文本相似度 0.61" in html and "并排比较" in html
    elif role == "anonymous":
        assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
    else:
        assert response.status_code == 403


def test_compare_page_highlights_a_copied_field(edition, units, client_as):
    paragraph = entry_text(903, chars=300)
    a = _fielded(edition, units[0], 8, title="甲作品", benefits=paragraph)
    b = _fielded(edition, units[1], 9, title="乙作品", innovation_points=paragraph.replace("。", "；"))
    compute_flags(edition=edition)
    response = client_as("committee").get(reverse("screening:compare", args=[a.pk, b.pk]))
    html = response.content.decode()
    # The copied paragraph is one highlighted passage on each side (its last "。"/"；" is not compared).
    assert f'data-field="benefits" data-side="a"><mark>{paragraph[:-1]}</mark>。</div>' in html
    pasted = paragraph[:-1].replace("。", "；")
    assert f'data-field="innovation_points" data-side="b"><mark>{pasted}</mark>；</div>' in html
    rows = {row["name"]: row for row in response.context["rows"]}
    assert rows["benefits"]["a_marked"] == rows["innovation_points"]["b_marked"] == len(paragraph) - 1
    assert sum(row["a_marked"] for row in rows.values()) < 1.1 * (len(paragraph) - 1)  # little else marked
    # Each side says which field of the other entry it matches, and the flag names both.
    assert '<p class="compare-match" data-side="a"><strong>与《乙作品》的“创新点”相似度 1.00。</strong></p>' in html
    assert '<p class="compare-match" data-side="b"><strong>与《甲作品》的“经济效益和社会效益”相似度 1.00。</strong></p>' in html
    assert html.count('class="compare-match"') == 2
    assert "其中高度相似的栏目：本作品“经济效益和社会效益”与对方“创新点”（相似度 1.00）。" in html


def test_compare_refuses_entries_of_different_editions(client_as, pair, recommending_unit):
    from ..factories import EditionFactory

    a, _, _ = pair
    elsewhere = _entry(EditionFactory(), a.declaring_unit, text_seed=5)
    assert client_as("committee").get(reverse("screening:compare", args=[a.pk, elsewhere.pk])).status_code == 404
    assert client_as("committee").get(reverse("screening:compare", args=[a.pk, a.pk])).status_code == 404


@pytest.mark.parametrize("role", ROLES)
def test_flag_list_permissions(role, client_as, pair, edition):
    response = client_as(role).get(reverse("screening:flags", args=[edition.slug]) + "?kind=near_duplicate")
    if role in ("committee", "site_admin"):
        html = response.content.decode()
        assert response.status_code == 200
        assert "自动检查" in html and "1 条标记" in html and "<strong>文本高度相似</strong>" in html
        assert "与《&lt;script&gt;刀具&lt;/script&gt;》文本相似度 0.61。" in html
        assert reverse("screening:compare", args=[pair[0].pk, pair[1].pk]) in html
    elif role == "anonymous":
        assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("role", ROLES)
def test_recompute_permissions(role, client_as, edition, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    response = client_as(role).post(reverse("screening:recompute_flags", args=[edition.slug]))
    requested = AuditLog.objects.filter(action="screening.request_flags").count()
    if role in ("committee", "site_admin"):
        assert response.status_code == 302 and requested == 1
    elif role == "anonymous":
        assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
        assert requested == 0
    else:
        assert response.status_code == 403 and requested == 0


def test_flag_list_filter_in_english(client_as, pair, edition, settings):
    client = client_as("committee")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(reverse("screening:flags", args=[edition.slug]) + "?kind=bogus").content.decode()
    assert "Automatic checks" in html and "1 flag." in html  # an unknown kind shows every flag
    assert "Text similarity 0.61 with" in html
