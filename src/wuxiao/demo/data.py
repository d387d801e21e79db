"""The demo: the 2025 edition as the notice fixes it, a practice copy (演示) moved to today,
units and users for every role, and entries in every state, reached through the real
transition function so each has its history.
"""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from wuxiao.accounts.models import Role, User
from wuxiao.competitions import presets
from wuxiao.competitions.models import Edition
from wuxiao.competitions.services import create_zhengzhou_2025, set_current_edition
from wuxiao.entries.enums import Action, EntryStatus
from wuxiao.entries.models import Entry
from wuxiao.entries.declaration import save_entry
from wuxiao.entries.services import transition_entry
from wuxiao.orgs.models import CreditCodeStatus, Membership, Organisation, RegistrationStatus, UnitKind
from wuxiao.orgs.refdata import COMMITTEE_OFFICE_NAME, load_zhengzhou_units

REAL_SLUG = presets.ZHENGZHOU_2025["slug"]
PRACTICE_SLUG = "zhengzhou-2025-demo"
DEMO_PASSWORD = "wuxiao-demo-2025"

# Invented but plausible units: the city's industry unions and direct grassroots unions are
# not published in a reliable list (reference-data.md), so the committee enters the real ones.
EXTRA_RECOMMENDING = [
    (UnitKind.INDUSTRY_UNION, "郑州市机械冶金建材工会（演示）"),
    (UnitKind.INDUSTRY_UNION, "郑州市能源化学工会（演示）"),
    (UnitKind.DIRECT_UNION, "郑州市某公交集团工会（演示）"),
    (UnitKind.OTHER_RECOMMENDING, "郑州市某职业技能鉴定中心（演示）"),
]
# (name, kind, recommending unit, credit code, code status, registration status, note)
DECLARING = [
    ("郑州宇航精密机械有限公司（演示）", UnitKind.ENTERPRISE, "金水区总工会", "91110000600037341L",
     CreditCodeStatus.VALID, RegistrationStatus.ACCEPTED, ""),
    ("郑州中原绿色能源股份有限公司（演示）", UnitKind.ENTERPRISE, "郑州市能源化学工会（演示）", "91310110666007217T",
     CreditCodeStatus.VALID, RegistrationStatus.ACCEPTED, ""),
    ("郑州市某供水服务中心（演示）", UnitKind.INSTITUTION, "金水区总工会", "121200004013590816",
     CreditCodeStatus.VALID, RegistrationStatus.ACCEPTED, ""),
    ("郑州新区智能制造有限公司（演示）", UnitKind.ENTERPRISE, "郑州高新技术产业开发区总工会", "91350211M00013FA1N",
     CreditCodeStatus.PENDING, RegistrationStatus.NEW, ""),
    ("郑州错选推荐单位有限公司（演示）", UnitKind.ENTERPRISE, "金水区总工会", "91340600MA2PBM9HXD",
     CreditCodeStatus.VALID, RegistrationStatus.REJECTED, "本单位工会关系隶属于中原区，请改选中原区总工会后重新提交。"),
]

# (username, display name, mobile, role, unit name)
USERS = [
    ("office", "组委会办公室·高老师", "13700000001", Role.COMMITTEE, COMMITTEE_OFFICE_NAME),
    ("expert", "专家·李工", "13700000002", Role.EXPERT, COMMITTEE_OFFICE_NAME),
    ("jinshui", "金水区总工会·王老师", "13700000003", Role.RECOMMENDER, "金水区总工会"),
    ("nenghua", "能源化学工会·赵老师", "13700000004", Role.RECOMMENDER, "郑州市能源化学工会（演示）"),
    ("yuhang", "宇航精密·张工", "13700000005", Role.DECLARER, "郑州宇航精密机械有限公司（演示）"),
    ("lvneng", "中原绿能·刘工", "13700000006", Role.DECLARER, "郑州中原绿色能源股份有限公司（演示）"),
    ("gongshui", "供水中心·陈工", "13700000007", Role.DECLARER, "郑州市某供水服务中心（演示）"),
    ("zhizao", "智能制造·孙工", "13700000008", Role.DECLARER, "郑州新区智能制造有限公司（演示）"),
    ("cuoxuan", "错选单位·周工", "13700000009", Role.DECLARER, "郑州错选推荐单位有限公司（演示）"),
]
ADMIN = ("admin", "站点管理员", "13700000000")

# The path of actions that brings a new entry to each state.
_TO_FINALIST = [Action.SUBMIT, Action.RECOMMEND, Action.ACCEPT, Action.SELECT_FINALIST]
PATHS = {
    EntryStatus.DRAFT: [],
    EntryStatus.SUBMITTED: [Action.SUBMIT],
    EntryStatus.RETURNED: [Action.SUBMIT, Action.RETURN],
    EntryStatus.NOT_RECOMMENDED: [Action.SUBMIT, Action.NOT_RECOMMEND],
    EntryStatus.RECOMMENDED: [Action.SUBMIT, Action.RECOMMEND],
    EntryStatus.INELIGIBLE: [Action.SUBMIT, Action.RECOMMEND, Action.DECLARE_INELIGIBLE],
    EntryStatus.IN_REVIEW: [Action.SUBMIT, Action.RECOMMEND, Action.ACCEPT],
    EntryStatus.NOT_FINALIST: [Action.SUBMIT, Action.RECOMMEND, Action.ACCEPT, Action.NOT_SELECT],
    EntryStatus.FINALIST: _TO_FINALIST,
    EntryStatus.NOT_AWARDED: _TO_FINALIST + [Action.NOT_AWARD],
    EntryStatus.AWARDED: _TO_FINALIST + [Action.AWARD],
    EntryStatus.REVOKED: _TO_FINALIST + [Action.AWARD, Action.REVOKE],
}
# Reasons and details each action records in the demo.
ACTION_INPUT = {
    Action.RETURN: ("请补充作品的经济效益数据，并说明推广应用情况。", {}),
    Action.NOT_RECOMMEND: ("与本单位另一作品内容重复，择优推荐另一项。", {}),
    Action.RECOMMEND: ("", {"opinion": "同意推荐。该作品在一线生产中应用效果明显。"}),
    Action.DECLARE_INELIGIBLE: ("该作品已列入市级科技计划项目。", {"rule": "R4.3"}),
    Action.AWARD: ("", {"tier": "一等奖"}),
    Action.REVOKE: ("经查实，作品证明材料存在弄虚作假（R12）。", {}),
}
TITLES = {
    EntryStatus.DRAFT: "数控车床快速换刀工装",
    EntryStatus.SUBMITTED: "变电站巡检机器人辅助定位装置",
    EntryStatus.RETURNED: "供水管网漏损声学检测小革新",
    EntryStatus.NOT_RECOMMENDED: "仓储货架防倾倒卡扣",
    EntryStatus.RECOMMENDED: "锅炉余热回收节能改造",
    EntryStatus.INELIGIBLE: "光伏组件自动清洗小车",
    EntryStatus.IN_REVIEW: "焊接烟尘就地净化罩",
    EntryStatus.NOT_FINALIST: "班组安全交底二维码系统",
    EntryStatus.FINALIST: "输煤皮带跑偏自动纠偏器",
    EntryStatus.NOT_AWARDED: "水泵机械密封快速拆装工具",
    EntryStatus.AWARDED: "地铁屏蔽门故障快速诊断仪",
    EntryStatus.REVOKED: "配电柜防误操作联锁装置",
}


def demo_form(title: str, unit_name: str) -> dict:
    """A filled-in entry form (Attachment 2) for a demo entry."""
    return {
        "affiliation": unit_name, "contact_name": "张工", "contact_mobile": "13700000005",
        "awards": "2024年获公司“五小”创新成果一等奖。",
        "summary": (f"1.适用领域/工种：数控加工车间，车工、维修电工。2.解决的实际问题：{title}所针对的工序耗时长、"
                    "质量波动大。3.创新点：采用快换定位结构与简易检测装置。4.经济效益与社会效益：年节约工时约1200小时，"
                    "降低劳动强度。5.其他：已在本单位三个班组推广。"),
        "background": ("国内同类车间普遍采用传统方式作业，定位精度依赖人工经验，换型时间长，"
                       "返工率较高，是一线职工长期面对的痛点问题。"),
        "goals": ("解决换型耗时、精度不稳定的难题，实现一次装夹快速定位。经过一年生产实践检验，"
                  "换型时间由十五分钟缩短到三分钟，合格率由百分之九十六提高到百分之九十九。"),
        "innovation_points": "1.原创性：自主设计快换定位结构。2.技术难度：定位精度达0.01毫米。3.及时性：响应多品种小批量生产需求。4.实用性：结构简单，易于推广。",
        "benefits": "经济效益：年节约工时约1200小时，折合约十万元。社会效益：降低劳动强度，减少机械伤害风险，带动班组创新氛围。",
        "completed_on": timezone.localdate() - dt.timedelta(days=200),
        "union_opinion": "经审核，申报材料真实，同意申报。", "union_opinion_by": "工会主席 王某",
        "union_opinion_on": timezone.localdate(), "confirms_scope": True, "confirms_recent": True,
    }


def practice_shift(now=None) -> dt.timedelta:
    """Whole days that move the 2025 deadline to 14 days from today, at the same time of day."""
    now = now or timezone.now()
    deadline = presets.ZHENGZHOU_2025["declaration_deadline"]
    target = deadline.replace(year=now.year, month=now.month, day=now.day) + dt.timedelta(days=14)
    return dt.timedelta(days=(target.date() - deadline.date()).days)


def _unit(name: str) -> Organisation:
    return Organisation.objects.get(name=name)


def _user(username, name, mobile, *, superuser=False) -> User:
    user, created = User.objects.get_or_create(
        username=username, defaults={"display_name": name, "mobile": mobile, "email": f"{username}@example.com",
                                     "is_superuser": superuser, "is_staff": superuser})
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    return user


@transaction.atomic
def load_demo(now=None) -> dict:
    """Create what is missing of the demo; running it again changes nothing."""
    load_zhengzhou_units()
    created = {"editions": 0, "entries": 0}
    admin = _user(*ADMIN, superuser=True)
    if not Edition.objects.filter(slug=REAL_SLUG).exists():
        create_zhengzhou_2025(actor=admin)
        created["editions"] += 1
    practice = Edition.objects.filter(slug=PRACTICE_SLUG).first()
    if practice is None:
        practice = create_zhengzhou_2025(actor=admin, slug=PRACTICE_SLUG, is_practice=True,
                                         shift=practice_shift(now))
        set_current_edition(edition=practice, actor=admin)
        created["editions"] += 1

    for kind, name in EXTRA_RECOMMENDING:
        Organisation.objects.get_or_create(kind=kind, name=name, defaults={"union_name": name})
    for name, kind, parent, code, code_status, reg_status, note in DECLARING:
        Organisation.objects.get_or_create(
            kind=kind, name=name,
            defaults={"parent": _unit(parent), "credit_code": code, "credit_code_status": code_status,
                      "registration_status": reg_status, "registration_note": note,
                      "union_name": f"{name.removesuffix('（演示）')}工会委员会",
                      "address": "郑州市金水区花园路100号", "contact_name": "联系人",
                      "contact_mobile": "13800000000"})
    users = {}
    for username, name, mobile, role, unit_name in USERS:
        users[username] = _user(username, name, mobile)
        Membership.objects.get_or_create(user=users[username], organisation=_unit(unit_name), role=role)

    if not Entry.objects.filter(edition=practice).exists():
        declarer, recommender, office = users["yuhang"], users["jinshui"], users["office"]
        unit = _unit(DECLARING[0][0])
        categories = list(practice.categories.all())
        forms = list(practice.presentation_forms.values_list("pk", flat=True)[:2])
        exclusions = list(practice.exclusions.values_list("pk", flat=True))
        for i, (status, path) in enumerate(PATHS.items()):
            entry = Entry.objects.create(edition=practice, declaring_unit=unit, recommending_unit=unit.parent,
                                         title=TITLES[status], category=categories[i % len(categories)],
                                         created_by=declarer)
            save_entry(actor=declarer, entry=entry, fields=demo_form(TITLES[status], unit.name),
                       industry_code="3421", presentation_form_ids=forms,
                       completers=[{"name": "张工", "age": 38, "post": "高级技师（车工）", "workplace": unit.name,
                                    "phone": "13700000005"},
                                   {"name": "李工", "age": 29, "post": "技师（维修电工）", "workplace": unit.name,
                                    "phone": "0371-67885139"}],
                       exclusion_answers={pk: False for pk in exclusions})
            for action in path:
                actor = {Action.SUBMIT: declarer, Action.RETURN: recommender, Action.RECOMMEND: recommender,
                         Action.NOT_RECOMMEND: recommender}.get(action, office)
                reason, data = ACTION_INPUT.get(action, ("", {}))
                if action == Action.RECOMMEND:
                    data = {**data, "rank": i + 1}
                transition_entry(entry=entry, action=action, actor=actor, reason=reason, data=data)
            created["entries"] += 1
    return created


def logins() -> list[tuple[str, str, str, str]]:
    """(role, username, mobile, unit) of every demo account, for printing."""
    rows = [("站点管理员", ADMIN[0], ADMIN[2], "—")]
    for username, _name, mobile, role, unit in USERS:
        rows.append((str(Role(role).label), username, mobile, unit))
    return rows
