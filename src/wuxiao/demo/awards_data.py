"""Two more practice editions for the awards stage (R10–R12) in the demo: one whose award list is announced
(公示) with an objection open, one confirmed with its certificates issued and one award revoked. Texts only;
demo/data.py builds them through the services."""

ANNOUNCED_SLUG = "awards-demo-announced"
CERTIFIED_SLUG = "awards-demo-certified"

# (slug, title, year)
EDITIONS = [
    (ANNOUNCED_SLUG, "郑州市职工“五小”创新大赛·颁奖演示（公示中）", 2025),
    (CERTIFIED_SLUG, "郑州市职工“五小”创新大赛·颁奖演示（已发证）", 2024),
]
# A small edition's prize tiers (the 2025 notice's names, fewer prizes, so that a dozen finalists fill them).
TIERS = [("特等奖", 1, 20000), ("一等奖", 2, 15000), ("二等奖", 3, 10000), ("三等奖", 4, 2000)]
# Final scores of the finalists in ranking order (two tied at the border of 一等奖 and 二等奖, decided).
FINAL_SCORES = ["93.40", "91.25", "89.80", "89.80", "88.10", "86.55", "85.00", "83.75", "82.20", "80.05",
                "78.90", "76.40"]
FIRST_COMPLETERS = ["郭建新", "黄立军", "林志刚", "何晓峰", "高振宇", "罗文斌", "梁国栋", "宋建华", "唐明辉",
                    "许海军", "韩立平", "曹德胜"]
CONTACT = ("郑州市职工“五小”创新大赛组委会办公室（郑州市总工会经济技术部），地址：郑州市金水区工人路84号，"
           "电话：0371-12345678。异议须实名提出：个人请写明姓名、工作单位和手机号码，单位请加盖公章。")
OBJECTION = {
    "person_name": "李建伟", "employer": "郑州某装备制造有限公司", "mobile": "13903710001",
    "grounds": "该作品的核心结构与我公司2022年已公开的实用新型专利基本相同，申报材料称“原创”与事实不符。",
    "evidence": "我公司实用新型专利证书（专利号ZL2022xxxxxxxx.x）及公开文本第3页附图，与申报材料第2页结构图对照可见。",
}
REVOKE_REASON = "经组委会核查，该作品申报的经济效益数据系虚报（实际年节约金额不足申报数的一成），依据竞赛通知关于弄虚作假的规定，撤销其获奖资格，收回获奖证书和奖金。"
