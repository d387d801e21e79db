"""The 2025 Zhengzhou edition exactly as notice 郑工发〔2025〕2号 fixes it (R1–R27).

Where the notice gives no number (the points of the four criteria, a separate recommendation
deadline) the preset says so and the committee office can change it in the edition's pages.
"""

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

BEIJING = ZoneInfo("Asia/Shanghai")
NOTICE_FILE = Path(__file__).resolve().parent / "data" / "notice_zhengzhou_2025.txt"


def beijing(y, m, d, hh=0, mm=0) -> dt.datetime:
    return dt.datetime(y, m, d, hh, mm, tzinfo=BEIJING)


ZHENGZHOU_2025 = {
    "slug": "zhengzhou-2025",
    "title": "2025年郑州市“创领未来”职工“五小”创新竞赛",
    "year": 2025,
    "document_number": "郑工发〔2025〕2号",
    "issuers": "郑州市总工会 郑州市人力资源和社会保障局 郑州市工业和信息化局 郑州市科学技术局 郑州市科学技术协会",
    "notice_date": dt.date(2025, 3, 10),
    "declaration_opens_at": beijing(2025, 3, 10),
    "declaration_deadline": beijing(2025, 3, 28, 17, 30),  # R15
    # The notice has one deadline; recommending units hand in by the same time.
    "recommendation_deadline": beijing(2025, 3, 28, 17, 30),
    "window_start": dt.date(2022, 3, 10),  # R2 近三年以来: three years before the notice
    "window_end": dt.date(2025, 3, 28),
    "recommendation_quota": 20,  # R6
    "roadshow_minutes": 5,  # R8
    "site_visit_top_n": 20,  # R9
    "ppt_max_mb": 100, "ppt_aspect": "16:9",  # R24
    "video_max_minutes": 5, "video_max_mb": 800, "video_width": 1920, "video_height": 1080,
    "video_formats": "mp4,wmv",
    "contact_name": "张大千", "contact_phone": "0371-67885139",  # R16
    "contact_email": "daqian1212@126.com",
    "contact_address": "郑州市职工服务中心（工人路84号）205房间",
    "scope_text": (
        "近三年以来，工会关系隶属于郑州市的各类机关和企事业单位一线职工围绕工作实际，"
        "立足岗位创新开展的“五小”活动中取得的创新作品。“五小”创新作品主要指一线职工以企业、班组、"
        "车间为阵地，重点围绕提升产品、服务、工程质量和效益，引入新的技术理念，改造落后的技术设备、"
        "不合理的工艺和过时的操作方法，推动节能降耗、污染防治、生态环境保护，促进劳动安全和职业健康，"
        "提升单位管理水平和服务水平等提出的小发明、小创造、小革新、小设计、小建议，"
        "着重体现一线职工的绝招、绝技、绝活和聪明才智。"
    ),
    "procedure_text": (
        "初赛：职工“五小”创新作品以实物、图片或书面形式真实总结展示，填报竞赛申报表。"
        "各推荐单位根据其社会效益和经济效益，进行初步筛选并推荐，原则上择优推荐不超过20项。\n"
        "复赛：组委会组织行业专家、学者从实际运用水平、产业（行业）领先水平、生产效率提升水平和"
        "能源消耗降低水平等4个方面进行评价，向组委会提出决赛入围建议名单。\n"
        "决赛：参赛职工路演展示答辩（不超过5分钟）+实地现场考察。组委会组织专家重点对前20名选手的"
        "作品进行实地考察，最终以路演分数+现场考察分数，综合评判出特等奖、一等奖、二等奖、三等奖。"
    ),
}

CATEGORIES = ["小发明", "小创造", "小革新", "小建议", "小设计"]  # R3 (form note 2)
PRESENTATION_FORMS = ["实物展示", "文字图片展示", "模型展示", "PPT和多媒体展示"]  # R22
EXCLUSIONS = [  # R4
    "第一完成人是企业主要负责人（含实际控制人）取得的创新作品",
    "大专院校、科研院所等单位科研人员所取得的创新作品",
    "已经列入政府有关部门科技计划项目的创新作品",
    "企业的主产品已受政府资金资助和奖励项目的创新作品",
    "涉及商业秘密和国家安全的创新作品",
    "知识产权归属尚存在争议的创新作品",
    "其他不符合参评条件的",
]
# R7 names the four aspects but not their points: equal weights until the committee decides.
CRITERIA = [
    ("实际运用水平", 25), ("产业（行业）领先水平", 25), ("生产效率提升水平", 25), ("能源消耗降低水平", 25),
]
PRIZE_TIERS = [("特等奖", 3, 20000), ("一等奖", 10, 15000), ("二等奖", 20, 10000), ("三等奖", 30, 2000)]  # R11
COMMITTEE_MEMBERS = [  # R13: (body, function, name, post)
    ("committee", "主任", "王玉红", "市总工会党组书记、常务副主席、一级调研员"),
    ("committee", "副主任", "赵树春", "市人力资源和社会保障局二级巡视员"),
    ("committee", "副主任", "代向阳", "市工业和信息化局党组成员、一级调研员、工会主席"),
    ("committee", "副主任", "范昕", "市科学技术局党组成员、副局长"),
    ("committee", "副主任", "段科然", "市总工会经费审查委员会主任"),
    ("committee", "副主任", "刘国俊", "市科学技术协会党组成员、副主席"),
    ("committee", "成员", "田播", "市人力资源和社会保障局工会主席"),
    ("committee", "成员", "袁辉", "市工业和信息化局机关工会副主席、安全生产监察员"),
    ("committee", "成员", "田雪", "市科学技术局机关党委专职副书记"),
    ("committee", "成员", "李春临", "市总工会劳动和经济工作部部长"),
    ("committee", "成员", "高磊", "市职工服务中心主任"),
    ("committee", "成员", "张圆圆", "市科学技术协会学会部部长"),
    ("office", "主任", "段科然", "市总工会经费审查委员会主任"),
    ("office", "副主任", "高磊", "市职工服务中心主任"),
    ("office", "副主任", "胡兵", "市总工会劳动和经济工作部副部长"),
    ("experts", "主任", "段科然", "市总工会经费审查委员会主任"),
    ("experts", "副主任", "高磊", "市职工服务中心主任"),
    ("experts", "副主任", "胡兵", "市总工会劳动和经济工作部副部长"),
]


def notice_text() -> str:
    return NOTICE_FILE.read_text(encoding="utf-8")
