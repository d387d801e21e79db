"""factory_boy factories shared by every test module."""

import datetime as dt
import itertools

import factory
from django.utils import timezone

from wuxiao.accounts.models import Role, User
from wuxiao.competitions import presets
from wuxiao.competitions.models import Category, Edition, Exclusion, PresentationForm
from wuxiao.entries.models import Completer, Entry, ExclusionAnswer
from wuxiao.orgs.models import CreditCodeStatus, Membership, Organisation, UnitKind

# Valid Unified Social Credit Codes (reference-data.md) handed out in turn.
VALID_CODES = [
    "91110000600037341L", "91110000710926094P", "9144030071526726XG", "91310110666007217T",
    "914112810713741814", "121200004013590816", "91340600MA2PBM9HXD", "92340602MA2PBMEM24",
    "91620105L015101280", "91310115591693856A",
]
_codes = itertools.cycle(VALID_CODES)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    display_name = factory.Sequence(lambda n: f"用户{n}")
    mobile = factory.Sequence(lambda n: f"139{n:08d}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.PostGenerationMethodCall("set_password", "pass-word-123")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class RecommendingUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    kind = UnitKind.INDUSTRY_UNION
    name = factory.Sequence(lambda n: f"郑州市第{n}产业工会")
    union_name = factory.LazyAttribute(lambda o: o.name)


class DeclaringUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    kind = UnitKind.ENTERPRISE
    name = factory.Sequence(lambda n: f"郑州测试企业{n}有限公司")
    parent = factory.SubFactory(RecommendingUnitFactory)
    union_name = factory.LazyAttribute(lambda o: f"{o.name}工会委员会")
    credit_code = factory.Sequence(lambda n: "")
    credit_code_status = CreditCodeStatus.NONE
    address = "郑州市金水区测试路1号"
    contact_name = "张三"
    contact_mobile = "13812345678"


class CommitteeOfficeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("kind", "name")

    kind = UnitKind.COMMITTEE
    name = "测试组委会办公室"


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(DeclaringUnitFactory)
    role = Role.DECLARER


def user_with_role(role: str, unit: Organisation | None = None) -> User:
    """A user holding `role` in `unit` (a fitting new unit when none is given)."""
    if unit is None:
        unit = {
            Role.DECLARER: DeclaringUnitFactory,
            Role.RECOMMENDER: RecommendingUnitFactory,
            Role.COMMITTEE: CommitteeOfficeFactory,
            Role.EXPERT: CommitteeOfficeFactory,
        }[role]()
    return MembershipFactory(organisation=unit, role=role).user


class EditionFactory(factory.django.DjangoModelFactory):
    """An edition open for declaration now, with the five categories."""

    class Meta:
        model = Edition
        skip_postgeneration_save = True

    slug = factory.Sequence(lambda n: f"edition-{n}")
    title = factory.Sequence(lambda n: f"测试竞赛{n}")
    year = 2026
    notice_date = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=10))
    declaration_opens_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=10))
    declaration_deadline = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=10))
    recommendation_deadline = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=20))
    window_start = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=3 * 365))
    window_end = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=10))

    @factory.post_generation
    def categories(obj, create, extracted, **kwargs):
        if create:
            for i, name in enumerate(extracted or presets.CATEGORIES):
                Category.objects.create(edition=obj, name=name, position=i)
            for i, name in enumerate(presets.PRESENTATION_FORMS):
                PresentationForm.objects.create(edition=obj, name=name, position=i)
            for i, text in enumerate(presets.EXCLUSIONS):
                Exclusion.objects.create(edition=obj, number=i + 1, text=text, position=i)


class EntryFactory(factory.django.DjangoModelFactory):
    """A complete entry (every field of Attachment 2 filled, R4 answered "no"): it can be submitted."""

    class Meta:
        model = Entry
        skip_postgeneration_save = True

    edition = factory.SubFactory(EditionFactory)
    declaring_unit = factory.SubFactory(DeclaringUnitFactory)
    recommending_unit = factory.LazyAttribute(lambda e: e.declaring_unit.parent)
    title = factory.Sequence(lambda n: f"作品{n}")
    category = factory.LazyAttribute(lambda e: e.edition.categories.first())
    affiliation = factory.LazyAttribute(lambda e: e.declaring_unit.name)
    contact_name = "李四"
    contact_mobile = "13912345678"
    awards = "2023年获公司技术革新一等奖。"
    summary = "1.适用领域：机械加工车间。2.解决问题：换刀时间长。3.创新点：快换工装。4.效益：年节约工时1200小时。"
    industry_id = "3421"
    background = "国内同类车间普遍采用传统换刀方式，换刀时间长、定位精度差，影响生产效率和产品质量，是一线职工长期面对的难点。"
    goals = "解决数控车床换刀耗时长的问题，实现一次装夹快速定位，经过一年生产实践检验，换刀时间由十五分钟缩短到三分钟。"
    innovation_points = "1.原创的快换定位结构；2.技术难度大；3.及时响应生产需求；4.易于推广实施。"
    benefits = "经济效益：年节约工时1200小时，折合人民币约十万元。社会效益：降低劳动强度，改善作业安全。"
    completed_on = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=100))
    union_opinion = "同意申报。"
    union_opinion_by = "王工会"
    union_opinion_on = factory.LazyFunction(timezone.localdate)
    confirms_scope = True
    confirms_recent = True

    @factory.post_generation
    def complete(obj, create, extracted, **kwargs):
        """Add the first completer, the R22 forms and "no" to every R4 exclusion (pass complete=False to skip)."""
        if not create or extracted is False:
            return
        Completer.objects.create(entry=obj, position=0, name="张三", age=35, post="高级技师", workplace=obj.affiliation,
                                 phone="13812345678")
        obj.presentation_forms.set(obj.edition.presentation_forms.all()[:2])
        ExclusionAnswer.objects.bulk_create(
            ExclusionAnswer(entry=obj, exclusion=x, applies=False) for x in obj.edition.exclusions.all())
