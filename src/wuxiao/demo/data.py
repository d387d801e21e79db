"""The demo: the 2025 edition as the notice fixes it, a practice copy (演示) moved to today,
units and users for every role, and entries in every state, reached through the real
transition function so each has its history.
"""

import datetime as dt
import uuid

from django.db import transaction
from django.utils import timezone

from wuxiao.accounts.models import Role, User
from wuxiao.competitions import presets
from wuxiao.competitions.models import Edition
from wuxiao.competitions.services import create_zhengzhou_2025, set_current_edition
from wuxiao.entries.declaration import save_entry
from wuxiao.entries.enums import Action, EntryStatus
from wuxiao.entries.models import Entry
from wuxiao.entries.services import transition_entry
from wuxiao.notifications.services import in_app_only
from wuxiao.orgs.models import CreditCodeStatus, Membership, Organisation, RegistrationStatus, UnitKind
from wuxiao.orgs.refdata import COMMITTEE_OFFICE_NAME, load_zhengzhou_units

from .awards_data import EDITIONS as AWARD_EDITIONS
from .finals_data import FINAL_COMPLETERS, FINAL_ENTRIES, JUDGES, SESSIONS, VISITORS
from .second_round_data import (
    EXPERT_DECLINE_REASON,
    EXPERTS,
    SECOND_ROUND_COMPLETERS,
    SECOND_ROUND_ENTRIES,
    SECOND_ROUND_UNITS,
)

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
    ("reli", "热力公司·马工", "13700000020", Role.DECLARER, "郑州热力供应有限公司（演示）"),
    ("chenggui", "城轨维保·牛工", "13700000021", Role.DECLARER, "郑州城轨运营维保有限公司（演示）"),
    # The second round's experts with an account (the first is 专家·李工 above); see second_round_data.EXPERTS.
    *((username, name, mobile, Role.EXPERT, COMMITTEE_OFFICE_NAME)
      for username, name, mobile, *_rest in EXPERTS if username and username != "expert"),
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
ACCEPT_REASON = "盖章的申报表和信用承诺书已报送纸质原件，经组委会办公室核验无误。"
# Reasons and details each action records in the demo.
ACTION_INPUT = {
    Action.RETURN: ("请补充作品的经济效益数据，并说明推广应用情况。", {}),
    Action.NOT_RECOMMEND: ("与本单位另一作品内容重复，择优推荐另一项。", {}),
    Action.RECOMMEND: ("", {"opinion": "同意推荐。该作品在一线生产中应用效果明显。"}),
    Action.DECLARE_INELIGIBLE: ("该作品已列入市级科技计划项目。", {"rule": "R4.3"}),
    # The demo's entries have no scans: the office confirms accepting them all the same, with its reason.
    Action.ACCEPT: (ACCEPT_REASON, {"confirm_failed_checks": True, "override_reason": ACCEPT_REASON}),
    Action.AWARD: ("", {"tier": "一等奖"}),
    Action.REVOKE: ("经查实，作品证明材料存在弄虚作假（通知附件1“六、工作要求”（二））。", {}),
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


# Each demo entry's own texts: (fields of work, background, goals, innovation points, benefits).
# Written apart so that the duplicate check finds nothing among them but what is planted on purpose.
DEMO_TEXTS = {
    "数控车床快速换刀工装": (
        "数控加工车间，车工",
        "车间数控车床加工多品种小批量零件，每次换刀都要重新对刀，单次耗时约十五分钟，对刀精度依赖老师傅经验。",
        "设计一套快换刀座与定位基准块，使换刀后无需重新对刀，换刀时间缩短到三分钟以内，重复定位精度不低于0.01毫米。",
        "1.原创性：自行设计燕尾槽加锥销的双重定位结构。2.技术难度：在不改动机床的前提下实现刀座零点复现。3.实用性：全部零件可由车间自制。",
        "经济效益：每台车床每班减少停机约四十分钟，全车间年增加有效工时约一千二百小时。社会效益：新职工也能独立完成换刀，减轻了对个别技师的依赖。"),
    "变电站巡检机器人辅助定位装置": (
        "变电运维，巡检工",
        "变电站巡检机器人在雨雪天气常因地面标识被遮挡而偏离预定路线，需要运维人员到现场手动纠正，夜间尤其不便。",
        "为机器人加装一套基于射频标签的辅助定位装置，在恶劣天气下仍能准确停靠到每个巡检点位，减少人工干预次数。",
        "1.在巡检道路关键节点埋设无源射频标签，成本低、免维护。2.编写了标签信号与原有导航数据的融合程序。3.装置可拆卸，适配站内三种型号的机器人。",
        "投入使用后，机器人因偏航需要人工处理的次数由每月二十余次降到两次以内。运维人员夜间出动明显减少，巡检数据的完整率提高到百分之九十九以上。"),
    "供水管网漏损声学检测小革新": (
        "供水管网维护，管道工",
        "老城区供水管道埋设年代久、资料不全，暗漏点难以发现，过去只能靠听漏棒逐段排查，效率低且受环境噪声影响大。",
        "改进一套便携式声学检漏装置，能够在白天交通噪声环境下识别漏水声特征，缩短单个漏点的定位时间。",
        "1.自制带隔音罩的拾音探头，降低路面噪声干扰。2.利用手机录音与频谱软件对比漏水声频段。3.总结出适合本地管材的判读口诀，便于推广培训。",
        "一年来协助发现暗漏点三十七处，减少漏损水量约十八万立方米。抢修时间平均缩短一天，减少了对居民用水的影响。"),
    "仓储货架防倾倒卡扣": (
        "仓储物流，叉车司机、仓管员",
        "高位货架在叉车取放货物时偶有碰撞，立柱与横梁连接处的挂钩容易脱出，存在货架倾倒、货物坠落的安全隐患。",
        "设计一种可快速安装的防脱卡扣，使横梁在受到侧向冲击时不会脱出，并且不影响货架层高的日常调整。",
        "1.卡扣采用弹簧钢片冲压成型，无需工具即可安装。2.卡扣外露部分涂黄色警示漆，便于巡检时目视确认。3.与原货架挂钩尺寸完全兼容。",
        "在两个仓库共安装两千余套，此后未再发生横梁脱出事件。单套成本不到三元，比更换整套防撞货架节约资金二十余万元。"),
    "锅炉余热回收节能改造": (
        "热力运行，司炉工",
        "厂区燃气锅炉排烟温度长期在一百六十摄氏度以上，大量热量随烟气排放，同时软化水进入锅炉前温度偏低，燃气消耗偏高。",
        "在烟道加装自制的翅片管换热器，用排烟余热预热锅炉补水，把排烟温度降到九十摄氏度左右，降低燃气单耗。",
        "1.利用废旧换热管改制翅片管，就地取材。2.设计旁通烟道和调节阀，检修换热器时锅炉不停运。3.加装温度在线监测，便于司炉工随时调整。",
        "改造后锅炉燃气单耗下降约百分之六，年节约燃气费用约四十五万元，同时减少二氧化碳排放约八百吨。"),
    "光伏组件自动清洗小车": (
        "新能源电站运维，光伏运维工",
        "电站地处风沙较大地区，光伏组件表面积灰后发电效率明显下降，人工清洗用水多、耗时长，高处作业还有安全风险。",
        "研制一台沿组件边框行走的自动清洗小车，用毛刷干扫为主、少量喷水为辅，一人即可完成一个方阵的清洗。",
        "1.小车采用边框夹持行走机构，跨排时由人工搬运，结构简单可靠。2.自带锂电池，一次充电可清洗约三百块组件。3.滚刷转速可调，避免划伤玻璃面板。",
        "清洗后方阵发电量平均提升约百分之五，清洗用水减少八成以上，运维人员不再需要登高作业。"),
    "焊接烟尘就地净化罩": (
        "金属结构制作，焊工",
        "结构车间焊接工位分散，整体通风难以覆盖，焊接烟尘在工人呼吸带附近积聚，职业健康检查中已有职工出现肺部异常。",
        "制作一种可随焊接位置移动的就地净化罩，在烟尘产生处直接吸收过滤，使呼吸带粉尘浓度低于国家限值。",
        "1.净化罩采用万向软管和磁性底座，焊工单手即可调整位置。2.选用可反吹清灰的滤筒，延长更换周期。3.风机功率按工位需要分档。",
        "经第三方检测，焊工呼吸带烟尘浓度下降约百分之八十五，车间环境明显改善，职工满意度高，已在集团内五个车间推广。"),
    "班组安全交底二维码系统": (
        "建筑施工，班组长、安全员",
        "施工现场每天开工前都要进行安全技术交底，纸质交底记录容易缺页、代签，管理人员也无法及时掌握各班组交底情况。",
        "开发一个扫码签到的安全交底小程序，班组长现场讲解后由工人逐一扫码确认，记录自动汇总到项目安全台账。",
        "1.交底内容按工种预置模板，班组长只需补充当日要点。2.签到时拍摄现场照片，杜绝代签。3.系统自动提醒未完成交底的班组。",
        "项目部交底记录完整率达到百分之百，安全检查中因交底记录问题被扣分的情况不再出现，每月节省安全员整理台账时间约二十小时。"),
    "输煤皮带跑偏自动纠偏器": (
        "火力发电输煤系统，输煤值班员",
        "输煤皮带因落料不正和托辊磨损经常跑偏，严重时撕裂皮带、撒煤停机，值班员需要频繁到现场调整托辊。",
        "研制一种无动力的自动纠偏托辊组，利用皮带跑偏时的侧向力自动调整托辊角度，使皮带回到中心位置。",
        "1.采用立辊触发、杠杆放大的纯机械结构，不需要电源。2.纠偏灵敏度可以通过配重调节。3.可直接替换原有槽形托辊组，安装不停机。",
        "安装后皮带跑偏停机次数由每月十余次降到一次以下，年减少皮带更换费用约三十万元，值班员巡检工作量明显下降。"),
    "水泵机械密封快速拆装工具": (
        "给排水设备检修，钳工",
        "泵房离心泵机械密封更换频繁，传统拆装需要拆卸电机和联轴器，两名钳工要干大半天，期间备用泵长时间单独运行。",
        "设计一套专用的机械密封拆装工具，不拆电机即可完成密封的取出和装入，缩短检修时间，降低对供水的影响。",
        "1.工具由定位套、顶丝和导向杆组成，保证密封端面受力均匀。2.配有刻度标识，确保压缩量符合要求。3.工具适配本单位常用的四种泵型。",
        "单台泵密封更换时间由约六小时缩短到一个半小时，一年检修一百余台次，节约工时四百多小时，密封一次安装合格率接近百分之百。"),
    "地铁屏蔽门故障快速诊断仪": (
        "城市轨道交通，站务与设备维修工",
        "屏蔽门故障发生在行车高峰时段时，维修人员需要逐个排查门机控制器、传感器和线缆，平均处置时间长，影响列车准点。",
        "研制一台便携式诊断仪，接入门机控制器的维护接口后自动读取故障代码，并给出排查步骤提示，缩短故障处置时间。",
        "1.自行编制故障代码库，覆盖常见的四十余类故障。2.诊断结果以图文方式显示，新职工也能按提示操作。3.体积小，可随身携带。",
        "屏蔽门故障平均处置时间由十八分钟缩短到七分钟，因屏蔽门故障造成的列车晚点明显减少，已在线网所有车站配备。"),
    "配电柜防误操作联锁装置": (
        "供配电运行，电工",
        "老旧低压配电柜缺少机械联锁，倒闸操作时存在带负荷拉刀闸、误入带电间隔的风险，只能依靠操作票和监护人把关。",
        "为老旧配电柜加装一种简易机械联锁装置，使操作顺序出错时无法继续操作，从设备上防止误操作。",
        "1.利用挂锁式程序锁实现操作顺序控制。2.装置安装不需要改动柜内一次接线。3.钥匙按操作顺序编号，便于记忆和交接。",
        "改造的六十余面配电柜运行以来未发生误操作事件，通过了供电部门的安全检查，为同类老旧设备改造提供了低成本方案。"),
}

# The batch the 能源化学工会 hands to the committee, so that its eligibility check has work.
HANDED_OVER = ["燃气调压站远程巡检终端", "储能电池舱温度预警装置", "风机叶片螺栓力矩校验工具"]
DEMO_TEXTS.update({
    "燃气调压站远程巡检终端": (
        "城镇燃气输配，调压工",
        "分布在郊区的燃气调压站数量多、距离远，调压工每天驾车逐站抄录压力和流量，遇到雨雪天气巡检难以按时完成。",
        "自制一种低功耗远程巡检终端，定时上传调压器进出口压力、门禁和可燃气体浓度，异常时立即向值班手机报警。",
        "1.采用本安型压力变送器和窄带物联网模块，满足防爆要求。2.终端由太阳能板供电，无需另行布线。3.报警阈值可在手机端远程修改。",
        "四十二座调压站接入后，人工巡检由每天一次改为每周一次，年节约车辆和人工费用约三十六万元，两次管线异常均在十分钟内发现并处置。"),
    "储能电池舱温度预警装置": (
        "新型储能电站运维，电池运维工",
        "储能电池舱内单体电池数量大，原有温度监测点少，局部过热时管理系统不能及早发现，存在热失控的隐患。",
        "在电池模组间加装柔性测温带和烟雾传感器，建立分级预警规则，在温升异常的早期发出告警并联动通风。",
        "1.柔性测温带贴附在模组侧面，不改动电池结构。2.按温升速率而非单一温度值判断异常。3.预警信息同步推送至集控中心和运维人员手机。",
        "装置投运半年内发出早期预警三次，均在电池温度达到保护值之前处置完毕，未发生停运事件，保障了电站的安全稳定运行。"),
    "风机叶片螺栓力矩校验工具": (
        "风力发电场检修，风电检修工",
        "风机叶根螺栓需要定期校验紧固力矩，检修人员在轮毂狭小空间内使用液压扳手，定位困难、劳动强度大，漏检时有发生。",
        "设计一种带定位支架和计数功能的力矩校验辅助工具，使一人即可完成扳手定位，并自动记录每颗螺栓的校验结果。",
        "1.弧形定位支架卡在叶根法兰上，可沿圆周滑动。2.计数器与扳手压力开关联动，每完成一颗自动记数。3.校验记录可导出存档。",
        "单台风机叶根螺栓校验时间由约四小时缩短到两个半小时，漏检现象消除，每年为风电场节约检修工时约六百小时。"),
})


DEMO_TEXTS.update({title: texts for title, _unit, _code, texts in SECOND_ROUND_ENTRIES})
DEMO_TEXTS.update({title: texts for title, _unit, _code, texts in FINAL_ENTRIES})


def demo_form(title: str, unit_name: str) -> dict:
    """A filled-in entry form (Attachment 2) for a demo entry, with the entry's own texts."""
    fields, background, goals, innovation_points, benefits = DEMO_TEXTS[title]
    return {
        "affiliation": unit_name, "contact_name": "张工", "contact_mobile": "13700000005",
        "awards": "2024年获公司“五小”创新成果一等奖。",
        "summary": (f"1.适用领域/工种：{fields}。2.解决的实际问题：{background}3.创新点：{innovation_points}"
                    f"4.经济效益与社会效益：{benefits}5.其他：已在本单位推广应用。"),
        "background": f"{background}“{title}”正是针对这一问题提出的。",
        "goals": f"{goals}项目由班组骨干牵头，经过一年左右的试制和改进完成。",
        "innovation_points": innovation_points, "benefits": benefits,
        "completed_on": timezone.localdate() - dt.timedelta(days=200),
        "union_opinion": "经审核，申报材料真实，同意申报。", "union_opinion_by": "工会主席 王某",
        "union_opinion_on": timezone.localdate(), "confirms_scope": True, "confirms_recent": True,
    }


# Each entry's first completer: a different worker, but for one pair that repeats on purpose (so the
# committee's "same first completer" flag has something to show).
FIRST_COMPLETERS = ["吴国庆", "王志强", "刘海波", "陈晓东", "张建国", "赵立新", "孙志勇", "周明亮", "张建国", "郑永胜",
                    "冯学军", "韩东升", "杨振华", "朱红军", "马卫东"]


def demo_completers(key, unit_name: str) -> list[dict]:
    """The completers (R18) of the demo entry `key` (a state or a title)."""
    keys = list(TITLES) + HANDED_OVER
    n = keys.index(key)
    first = FIRST_COMPLETERS[n]
    phone = "13700000005" if first == "张建国" else f"1390371{n:04d}"
    return [{"name": first, "age": 30 + n, "post": "高级技师", "workplace": unit_name, "phone": phone},
            {"name": f"{first[0]}助理", "age": 27, "post": "技师", "workplace": unit_name, "phone": f"1380371{n:04d}"}]


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


def load_demo(now=None) -> dict:
    """Create what is missing of the demo; running it again changes nothing.

    The made-up history is told in the app, never e-mailed to its made-up people; its submissions
    and hand-over queue no background check of the flags: the demo computes them itself, so that
    the worker that `make run` starts has nothing left to do (and to print after the logins).
    """
    from wuxiao.screening.flags import checks_deferred

    with checks_deferred(), in_app_only(), transaction.atomic():
        return _load_demo(now)


def _load_demo(now=None) -> dict:
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
    for name, kind, parent, code, code_status, reg_status, note in DECLARING + SECOND_ROUND_UNITS:
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
                       completers=demo_completers(status, unit.name), exclusion_answers={pk: False for pk in exclusions})
            for action in path:
                actor = {Action.SUBMIT: declarer, Action.RETURN: recommender, Action.RECOMMEND: recommender,
                         Action.NOT_RECOMMEND: recommender}.get(action, office)
                reason, data = ACTION_INPUT.get(action, ("", {}))
                if action == Action.RECOMMEND:
                    data = {**data, "rank": i + 1}
                if action in (Action.SELECT_FINALIST, Action.NOT_SELECT):
                    _decided_by_finalist_list(entry, action == Action.SELECT_FINALIST, office)
                transition_entry(entry=entry, action=action, actor=actor, reason=reason, data=data)
            created["entries"] += 1
        created["entries"] += _handed_over_batch(practice, users)
    if not practice.experts.exists():
        created["entries"] += _second_round(practice, users, now)
    if not practice.roadshow_sessions.exists():
        created["entries"] += _final_round(practice, users, now)
    for slug, title, year in AWARD_EDITIONS:
        if not Edition.objects.filter(slug=slug).exists():
            created["entries"] += _awards_edition(practice, slug, title, year, users, now)
            created["editions"] += 1
    return created


def _decided_by_finalist_list(entry: Entry, selected: bool, office) -> None:
    """The made-up history's finalists pass the second round's guard (R7): an approved finalist list of the
    edition decides them (a demo list without scores, noted as such)."""
    from django.utils import timezone

    from wuxiao.review.models import FinalistList, FinalistListStatus, FinalistRow

    finalist_list, _ = FinalistList.objects.get_or_create(
        edition=entry.edition, status=FinalistListStatus.APPROVED,
        defaults={"approved_by": office, "approved_at": timezone.now(), "created_by": office,
                  "approval_note": "演示数据：入围决赛的作品", "parameters": {"demo": True}})
    FinalistRow.objects.get_or_create(finalist_list=finalist_list, entry=entry,
                                      defaults={"selected": selected, "proposed": selected})


def _handed_over_batch(practice: Edition, users: dict) -> int:
    """The 能源化学工会's batch, recommended and handed to the committee (R26), as the units would do it
    through the pages: two entries with their stamped forms, one without, which the office has sent
    back for correction (限期补正); the declaring unit's commitment (R27) is not stamped yet."""
    from django.core.files.base import ContentFile

    from wuxiao.documents.exporters import EntryFormPdf, FilledSummaryPdf
    from wuxiao.entries.models import AttachmentKind
    from wuxiao.entries.services_attachments import add_attachment
    from wuxiao.screening import services as screening
    from wuxiao.screening.flags import run_flag_check

    declarer, recommender, office = users["lvneng"], users["nenghua"], users["office"]
    unit = _unit(DECLARING[1][0])
    categories = list(practice.categories.all())
    forms = list(practice.presentation_forms.values_list("pk", flat=True)[:1])
    exclusions = list(practice.exclusions.values_list("pk", flat=True))
    entries = []
    for i, title in enumerate(HANDED_OVER):
        entry = Entry.objects.create(edition=practice, declaring_unit=unit, recommending_unit=unit.parent,
                                     title=title, category=categories[(i + 2) % len(categories)], created_by=declarer)
        save_entry(actor=declarer, entry=entry, fields=demo_form(title, unit.name), industry_code="4411",
                   presentation_form_ids=forms, completers=demo_completers(title, unit.name),
                   exclusion_answers={pk: False for pk in exclusions})
        if i < 2:  # the scan of the stamped entry form (here: the form the system printed)
            add_attachment(actor=declarer, entry=entry, kind=AttachmentKind.STAMPED_FORM,
                           uploaded_file=ContentFile(EntryFormPdf(entry).render(), name=f"{title}-申报表（盖章）.pdf"))
        if i == 0:  # a roadshow video that plays in the entry's page (R24: MP4, 16:9, 1920×1080)
            add_attachment(actor=declarer, entry=entry, kind=AttachmentKind.VIDEO,
                           uploaded_file=ContentFile(demo_video(), name=f"{title}-路演视频.mp4"))
        transition_entry(entry=entry, action=Action.SUBMIT, actor=declarer)
        transition_entry(entry=entry, action=Action.RECOMMEND, actor=recommender,
                         data={"opinion": "经审核，同意推荐。", "rank": i + 1})
        entries.append(entry)
    batch = screening.batch_of(practice, unit.parent)
    sheet = FilledSummaryPdf(practice, unit.parent)
    batch = screening.upload_summary_sheet(actor=recommender, edition=practice, unit=unit.parent,
                                           upload=ContentFile(sheet.render(), name="申报汇总表（盖章）.pdf"),
                                           version=batch.version)
    screening.submit_batch(actor=recommender, edition=practice, unit=unit.parent, version=batch.version)
    transition_entry(entry=entries[2], action=Action.REQUEST_CORRECTION, actor=office,
                     reason="未上传盖章的申报表扫描件，请补充后重新推荐。",
                     data={"due_date": (timezone.localdate() + dt.timedelta(days=7)).isoformat()})
    run_flag_check(practice.pk, office, workers=1)  # what the office's "check again" button does
    return len(entries)


def _second_round(practice: Edition, users: dict, now=None) -> int:
    """The practice edition in its second round (R7, R13), as the office and the experts would have run it
    through the pages: more entries accepted into it, the expert pool with its conflict check, invitations
    answered, the assignment computed with a recorded seed and published, most scores submitted, one
    conflict declared by an expert, and the finalist list proposed from the scores so far."""
    import logging

    from django.test.utils import override_settings

    from wuxiao.review import services_assign, services_pool, services_results, services_scoring
    from wuxiao.review.models import Expert, ExpertStatus, ReviewAssignment

    office, recommender = users["office"], users["jinshui"]
    declarers = {"郑州宇航精密机械有限公司（演示）": users["yuhang"], "郑州市某供水服务中心（演示）": users["gongshui"],
                 "郑州热力供应有限公司（演示）": users["reli"], "郑州城轨运营维保有限公司（演示）": users["chenggui"]}
    categories = list(practice.categories.all())
    forms = list(practice.presentation_forms.values_list("pk", flat=True)[:1])
    exclusions = list(practice.exclusions.values_list("pk", flat=True))
    taken = set(Entry.objects.filter(edition=practice, recommending_unit=_unit("金水区总工会"))
                .exclude(recommendation_rank=None).values_list("recommendation_rank", flat=True))
    free = iter(r for r in range(1, practice.recommendation_quota + 1) if r not in taken)
    for i, (title, unit_name, code, _texts) in enumerate(SECOND_ROUND_ENTRIES):
        unit, declarer = _unit(unit_name), declarers[unit_name]
        entry = Entry.objects.create(edition=practice, declaring_unit=unit, recommending_unit=unit.parent, title=title,
                                     category=categories[i % len(categories)], created_by=declarer)
        first = SECOND_ROUND_COMPLETERS[i]
        completers = [{"name": first, "age": 31 + i, "post": "高级技师", "workplace": unit_name,
                       "phone": f"1390372{i:04d}"},
                      {"name": f"{first[0]}助理", "age": 26, "post": "技师", "workplace": unit_name,
                       "phone": f"1380372{i:04d}"}]
        save_entry(actor=declarer, entry=entry, fields=demo_form(title, unit_name), industry_code=code,
                   presentation_form_ids=forms, completers=completers,
                   exclusion_answers={pk: False for pk in exclusions})
        transition_entry(entry=entry, action=Action.SUBMIT, actor=declarer)
        transition_entry(entry=entry, action=Action.RECOMMEND, actor=recommender,
                         data={"opinion": "同意推荐。该成果已在本单位推广应用。", "rank": next(free)})
        reason, data = ACTION_INPUT[Action.ACCEPT]
        transition_entry(entry=entry, action=Action.ACCEPT, actor=office, reason=reason, data=data)

    services_pool.update_settings(actor=office, edition=practice, values={
        "finalist_count": 4, "seed": 20251120, "scoring_deadline": (now or timezone.now()) + dt.timedelta(days=7),
        "reminder_every_days": 2})
    experts = {}
    for username, name, mobile, organisation, title, fields, _status in EXPERTS:
        experts[mobile] = services_pool.create_expert(
            actor=office, edition=practice, fields=fields,
            values={"name": name, "organisation_name": organisation, "title": title, "mobile": mobile,
                    "email": f"{username or mobile}@example.com", "load_min": None, "load_max": None})
    services_pool.run_conflict_check(practice, actor=office)  # what the pool page's button runs in the worker
    services_pool.invite_experts(actor=office, edition=practice, experts=list(experts.values()))
    for username, _name, mobile, *_rest, status in EXPERTS:
        token = Expert.objects.get(pk=experts[mobile].pk).token
        if status == ExpertStatus.ACCEPTED:
            services_pool.accept_invitation(token=token, user=users[username])
        elif status == ExpertStatus.DECLINED:
            services_pool.decline_invitation(token=token, reason=EXPERT_DECLINE_REASON)

    # The run in the worker, here at once and quietly (the demo leaves the worker nothing to do).
    quiet = logging.getLogger("django_tasks")
    was, quiet.disabled = quiet.disabled, True
    try:
        with override_settings(TASKS={"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}):
            services_assign.start_assignment(actor=office, edition=practice)
    finally:
        quiet.disabled = was
    services_assign.publish_assignment(actor=office, edition=practice)

    # The experts score: each a little more or less lenient, around each entry's merit; 专家·李工 is not done
    # yet (two submitted, one draft), 专家·吴工 declares a conflict with his first entry instead of scoring it.
    criteria = list(practice.criteria.all())
    merit = {title: 62 + (7 * i) % 27 for i, (title, *_rest) in enumerate(SECOND_ROUND_ENTRIES)}
    leniency = {"expert": 0, "expert2": 4, "expert3": -3, "expert4": 1, "expert5": 6, "expert6": -2, "expert7": 0}
    for n, (username, _name, mobile, *_rest, status) in enumerate(EXPERTS):
        if status != ExpertStatus.ACCEPTED:
            continue
        seat, user = Expert.objects.get(pk=experts[mobile].pk), users[username]
        pairs = list(ReviewAssignment.objects.filter(expert=seat, published_at__isnull=False, removed_at__isnull=True)
                     .select_related("entry", "edition").order_by("entry_id"))
        for k, pair in enumerate(pairs):
            if username == "expert7" and k == 0:
                services_scoring.declare_conflict(actor=user, seat=seat, entry=pair.entry,
                                                  reason="该作品的第一完成人是本人的亲属，申请回避。")
                continue
            if username == "expert" and k >= 3:
                break
            total = min(99, max(40, merit.get(pair.entry.title, 70) + leniency[username] + (n + k) % 5 - 2))
            services_scoring.save_score(
                actor=user, assignment=pair, points=_split_points(total, criteria),
                comment="创新点明确，应用效果有数据支撑。" if total >= 75 else "实用性较好，推广价值和效益数据还需加强。",
                confirm_no_conflict=True, submit=not (username == "expert" and k == 2))
    services_results.propose_finalist_list(actor=office, edition=practice)
    return len(SECOND_ROUND_ENTRIES)


def _final_round(practice: Edition, users: dict, now=None) -> int:
    """The practice edition's final round (R8–R10), as the office, the judges and the visiting experts would have
    run it through the pages: more finalists, the default rubric, two roadshow sessions with their drawn and
    published order — the first held yesterday, every presentation scored, locked and revealed; the second
    today, ready for the console — and the site visits of the first session's best, one scored on site."""
    from wuxiao.finals import services_live, services_schedule, services_site
    from wuxiao.finals.models import FinalStage, SiteVisit
    from wuxiao.finals.queries import final_rubric
    from wuxiao.review.models import Expert

    now = now or timezone.now()
    office = users["office"]
    declarers = {"郑州宇航精密机械有限公司（演示）": users["yuhang"], "郑州市某供水服务中心（演示）": users["gongshui"],
                 "郑州热力供应有限公司（演示）": users["reli"], "郑州城轨运营维保有限公司（演示）": users["chenggui"]}
    recommenders = {"金水区总工会": users["jinshui"]}
    categories = list(practice.categories.all())
    forms = list(practice.presentation_forms.values_list("pk", flat=True)[:1])
    exclusions = list(practice.exclusions.values_list("pk", flat=True))
    # 金水区总工会 has used its 20 places (R6 "in principle"): the office grants it more, with its reason, as it may.
    from wuxiao.screening.services import grant_quota_exception

    grant_quota_exception(actor=office, edition=practice, unit=_unit("金水区总工会"), extra=len(FINAL_ENTRIES),
                          reason="该单位推荐作品质量较高，经组委会研究同意增加推荐名额（演示数据）。")
    free = {}
    for name in recommenders:
        taken = set(Entry.objects.filter(edition=practice, recommending_unit=_unit(name))
                    .exclude(recommendation_rank=None).values_list("recommendation_rank", flat=True))
        free[name] = iter([r for r in range(1, practice.recommendation_quota + len(FINAL_ENTRIES) + 1)
                           if r not in taken])
    finalists = list(Entry.objects.filter(edition=practice, status=EntryStatus.FINALIST).order_by("pk"))
    for i, (title, unit_name, code, _texts) in enumerate(FINAL_ENTRIES):
        unit, declarer = _unit(unit_name), declarers[unit_name]
        entry = Entry.objects.create(edition=practice, declaring_unit=unit, recommending_unit=unit.parent, title=title,
                                     category=categories[(i + 1) % len(categories)], created_by=declarer)
        first = FINAL_COMPLETERS[i]
        completers = [{"name": first, "age": 33 + i, "post": "高级技师", "workplace": unit_name,
                       "phone": f"1390373{i:04d}"},
                      {"name": f"{first[0]}助理", "age": 28, "post": "技师", "workplace": unit_name,
                       "phone": f"1380373{i:04d}"}]
        save_entry(actor=declarer, entry=entry, fields=demo_form(title, unit_name), industry_code=code,
                   presentation_form_ids=forms, completers=completers,
                   exclusion_answers={pk: False for pk in exclusions})
        transition_entry(entry=entry, action=Action.SUBMIT, actor=declarer)
        parent = unit.parent.name
        transition_entry(entry=entry, action=Action.RECOMMEND, actor=recommenders[parent],
                         data={"opinion": "同意推荐。该成果已在本单位推广应用。", "rank": next(free[parent])})
        reason, data = ACTION_INPUT[Action.ACCEPT]
        transition_entry(entry=entry, action=Action.ACCEPT, actor=office, reason=reason, data=data)
        _decided_by_finalist_list(entry, True, office)
        transition_entry(entry=entry, action=Action.SELECT_FINALIST, actor=office)
        finalists.append(entry)

    services_schedule.update_final_settings(actor=office, edition=practice, values={
        "material_deadline": now + dt.timedelta(days=1)})
    for stage in (FinalStage.ROADSHOW, FinalStage.SITE):
        services_schedule.use_default_rubric(actor=office, edition=practice, stage=stage)
    seats = {e.user.username: e for e in Expert.objects.filter(edition=practice, user__isnull=False)
             .select_related("user")}
    today = timezone.localtime(now).replace(minute=0, second=0, microsecond=0)
    half = (len(finalists) + 1) // 2
    sessions = []
    for (name, days, hour, venue), group in zip(SESSIONS, (finalists[:half], finalists[half:])):
        session = services_schedule.create_session(
            actor=office, edition=practice, name=name, venue=venue,
            starts_at=today.replace(hour=hour) + dt.timedelta(days=days))
        for username in JUDGES:
            services_schedule.add_judge(actor=office, session=session, expert=seats[username])
        services_schedule.add_finalists(actor=office, session=session, entry_ids=[e.pk for e in group])
        services_schedule.run_draw(actor=office, session=session, seed=20251200 + days + 2)
        services_schedule.publish_order(actor=office, session=session)
        sessions.append(session)

    # Yesterday's session, as the console ran it: each presentation presented, questioned, scored by the three
    # judges on their phones, locked and revealed.
    held = sessions[0]
    services_live.start_session(actor=office, session=held)
    criteria = final_rubric(practice, FinalStage.ROADSHOW)
    merit = [86, 91, 78, 83, 88, 80]
    for k, slot in enumerate(held.slots.order_by("position")):
        services_live.choose_slot(actor=office, session=held, slot=slot)
        slot = services_live.start_presentation(actor=office, slot=slot)
        slot = services_live.end_presentation(actor=office, slot=slot)
        if slot.phase == "qa":
            slot = services_live.end_qa(actor=office, slot=slot)
        if slot.phase != "scoring":
            slot = services_live.open_scoring(actor=office, slot=slot)
        for j, username in enumerate(JUDGES):
            total = merit[k % len(merit)] + (j * 3) % 5 - 2 + (4 if j == 1 and k == 0 else 0)
            services_live.submit_score(judge_user=users[username], session=held, slot_id=slot.pk,
                                       items=_split_points(total, criteria), idempotency_key=uuid.uuid4())
        slot = services_live.lock_scores(slot, actor=office)
        services_live.reveal_scores(actor=office, slot=slot)
    services_live.end_session(actor=office, session=held)

    # The site visits of the held session's finalists (the top N by roadshow score so far): two scheduled,
    # the first scored on site by both visiting experts and locked.
    services_site.create_proposed_visits(actor=office, edition=practice)
    visits = list(SiteVisit.objects.filter(edition=practice).select_related("entry__declaring_unit")
                  .order_by("pk"))
    site_criteria = final_rubric(practice, FinalStage.SITE)
    for n, visit in enumerate(visits[:2]):
        unit = visit.entry.declaring_unit
        services_site.schedule_visit(
            actor=office, visit=visit, visit_date=timezone.localdate(now) + dt.timedelta(days=3 + n),
            start_time=dt.time(9 + 2 * n, 30), address=unit.address or "郑州市金水区花园路100号",
            contact_name="张工", contact_phone="13700000005", notes="请准备现场演示和近一年的运行记录。",
            experts=[seats[username] for username in VISITORS])
        if n == 0:
            for j, username in enumerate(VISITORS):
                services_site.submit_site_score(
                    user=users[username], visit=visit, items=_split_points(84 + 3 * j, site_criteria),
                    comment="现场运行稳定，与申报材料一致。", idempotency_key=uuid.uuid4())
            services_site.lock_visit(actor=office, visit=visit)
    return len(FINAL_ENTRIES)


def _awards_edition(practice: Edition, slug: str, title: str, year: int, users: dict, now=None) -> int:
    """A small practice edition taken to its awards (R10–R12) as the office would through the pages: a dozen
    finalists (through the first half and a demo finalist list), an approved final ranking (demo scores, noted as
    such), tiers allocated with the tie at a border decided, announced (公示). The announced edition keeps an
    objection under investigation; the certified one had its period two weeks ago (the made-up history moves its
    dates), an objection answered, the list confirmed, certificates numbered and one award revoked."""
    from decimal import Decimal

    from wuxiao.awards import services_announce, services_certificates, services_revoke, services_tiers
    from wuxiao.awards.models import AwardList, AwardRow, ObjectionOutcome
    from wuxiao.competitions.models import PrizeTier
    from wuxiao.competitions.services import copy_edition
    from wuxiao.finals.models import FinalRanking, RankingRow, RankingStatus

    from . import awards_data as data

    now = now or timezone.now()
    office, recommender = users["office"], users["jinshui"]
    edition = copy_edition(source=practice, actor=office, slug=slug,
                           title=title, year=year, is_practice=True)
    PrizeTier.objects.filter(edition=edition).delete()
    for i, (name, count, amount) in enumerate(data.TIERS):
        PrizeTier.objects.create(edition=edition, position=i, name=name, count=count, amount_yuan=amount)
    declarers = [("郑州宇航精密机械有限公司（演示）", users["yuhang"]), ("郑州市某供水服务中心（演示）", users["gongshui"]),
                 ("郑州热力供应有限公司（演示）", users["reli"]), ("郑州城轨运营维保有限公司（演示）", users["chenggui"])]
    categories = list(edition.categories.all())
    forms = list(edition.presentation_forms.values_list("pk", flat=True)[:2])
    exclusions = list(edition.exclusions.values_list("pk", flat=True))
    titles = list(DEMO_TEXTS)[:len(data.FINAL_SCORES)]
    entries = []
    for i, title in enumerate(titles):
        unit_name, declarer = declarers[i % len(declarers)]
        unit = _unit(unit_name)
        entry = Entry.objects.create(edition=edition, declaring_unit=unit, recommending_unit=unit.parent, title=title,
                                     category=categories[i % len(categories)], created_by=declarer)
        first = data.FIRST_COMPLETERS[i]
        save_entry(actor=declarer, entry=entry, fields=demo_form(title, unit_name), industry_code="3421",
                   presentation_form_ids=forms, exclusion_answers={pk: False for pk in exclusions},
                   completers=[{"name": first, "age": 31 + i, "post": "高级技师", "workplace": unit_name,
                                "phone": f"1390374{i:04d}"},
                               {"name": f"{first[0]}晓明", "age": 29, "post": "技师", "workplace": unit_name,
                                "phone": f"1380374{i:04d}"}])
        transition_entry(entry=entry, action=Action.SUBMIT, actor=declarer)
        transition_entry(entry=entry, action=Action.RECOMMEND, actor=recommender,
                         data={"opinion": "同意推荐。该成果已在本单位推广应用。", "rank": i + 1})
        reason, extra = ACTION_INPUT[Action.ACCEPT]
        transition_entry(entry=entry, action=Action.ACCEPT, actor=office, reason=reason, data=extra)
        _decided_by_finalist_list(entry, True, office)
        transition_entry(entry=entry, action=Action.SELECT_FINALIST, actor=office)
        entries.append(entry)
    ranking = FinalRanking.objects.create(
        edition=edition, status=RankingStatus.APPROVED, created_by=office, approved_by=office, approved_at=now,
        approval_note="演示数据：决赛排名（路演与现场考察成绩为演示数据）", parameters={"demo": True})
    for position, (entry, score) in enumerate(zip(entries, data.FINAL_SCORES), start=1):
        RankingRow.objects.create(ranking=ranking, entry=entry, final=Decimal(score), roadshow=Decimal(score),
                                  visited=position <= 6, computed_position=position, position=position,
                                  tie=data.FINAL_SCORES.count(score) > 1)

    award_list = services_tiers.allocate(actor=office, edition=edition)
    for row in AwardRow.objects.filter(award_list=award_list, tie=True).order_by("position"):
        services_tiers.resolve_tie(actor=office, row=row, reason="并列作品经组委会研究，按现场考察成绩高者列前（演示数据）。")
    services_announce.update_announcement_settings(actor=office, edition=edition, working_days=5,
                                                   objection_contact=data.CONTACT)
    services_announce.announce(actor=office, edition=edition)
    awarded = list(AwardRow.objects.filter(award_list=award_list, tier__isnull=False).order_by("position"))
    objection = services_announce.submit_objection(edition=edition, entry_id=awarded[1].entry_id, kind="person",
                                                   **data.OBJECTION)
    if slug == data.ANNOUNCED_SLUG:
        return len(entries)

    # The certified edition: its announcement ran two weeks ago; the objection was investigated and answered.
    today = timezone.localdate(now)
    AwardList.objects.filter(pk=award_list.pk).update(
        announced_at=now - dt.timedelta(days=14), period_start=today - dt.timedelta(days=13),
        period_end=today - dt.timedelta(days=7))
    services_announce.answer_objection(
        actor=office, objection=objection, outcome=ObjectionOutcome.REJECTED,
        finding="经组委会办公室调阅双方材料并征询专家意见，该作品的定位结构与异议所附专利在原理和结构上均有明显区别。",
        answer="经调查核实，您反映的问题不成立，维持公示结果。感谢您对竞赛工作的监督。")
    services_announce.confirm(actor=office, edition=edition, note="公示期满，异议已调查答复，名单确认（演示数据）。")
    services_certificates.issue(actor=office, edition=edition)
    revoked = awarded[-1]
    revoked.refresh_from_db()
    services_revoke.revoke(actor=office, row=revoked, reason=data.REVOKE_REASON,
                           decided_on=today - dt.timedelta(days=1))
    return len(entries)


def awards_addresses() -> list[tuple[str, str, str]]:
    """Where to see the awards stage (printed after the logins): each demo edition's office hub and public page."""
    from django.urls import reverse

    found = set(Edition.objects.filter(slug__in=[slug for slug, _t, _y in AWARD_EDITIONS])
                .values_list("slug", flat=True))
    return [(title, reverse("awards:home", args=[slug]), reverse("awards:public", args=[slug]))
            for slug, title, _year in AWARD_EDITIONS if slug in found]


def final_round_addresses() -> dict | None:
    """Where to try today's live session: its console, big screen and the judges (printed after the logins)."""
    from django.urls import reverse

    from wuxiao.finals.models import RoadshowSession

    session = (RoadshowSession.objects.filter(edition__slug=PRACTICE_SLUG, started_at__isnull=True)
               .order_by("starts_at").first())
    if session is None:
        return None
    return {"session": session.name, "console": reverse("finals:console", args=[session.pk]),
            "screen": reverse("finals:screen", args=[session.screen_token]),
            "judge": reverse("finals:judge", args=[session.pk]), "judges": JUDGES}


def _split_points(total: int, criteria) -> dict:
    """A total as points per criterion (steps of 0.5, each within its most points)."""
    left, points = total, {}
    for i, criterion in enumerate(criteria):
        share = min(criterion.max_points, round(2 * left / (len(criteria) - i)) / 2)
        points[criterion.pk] = str(share)
        left -= share
    return points


def demo_video(seconds: int = 3) -> bytes:
    """A short full-HD H.264 MP4 (a colour that changes each second), made with PyAV."""
    import tempfile
    from fractions import Fraction
    from pathlib import Path

    import av

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "demo.mp4"
        with av.open(str(path), "w") as container:
            stream = container.add_stream("libx264", rate=5)
            stream.width, stream.height, stream.pix_fmt = 1920, 1080, "yuv420p"
            stream.options = {"preset": "ultrafast"}
            for i in range(seconds * 5):
                frame = av.VideoFrame(1920, 1080, "yuv420p")
                luma, blue, red = frame.planes
                luma.update(bytes([60 + 40 * (i // 5)]) * luma.buffer_size)
                blue.update(bytes([128 + 30 * (i // 5)]) * blue.buffer_size)
                red.update(bytes([128]) * red.buffer_size)
                frame.pts, frame.time_base = i, Fraction(1, 5)
                for packet in stream.encode(frame):
                    container.mux(packet)
            for packet in stream.encode():
                container.mux(packet)
        return path.read_bytes()


def logins() -> list[tuple[str, str, str, str]]:
    """(role, username, mobile, unit) of every demo account, for printing."""
    rows = [("站点管理员", ADMIN[0], ADMIN[2], "—")]
    for username, _name, mobile, role, unit in USERS:
        rows.append((str(Role(role).label), username, mobile, unit))
    return rows
