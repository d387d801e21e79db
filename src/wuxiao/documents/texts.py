"""The printed forms' fixed wording, quoted verbatim from notice 郑工发〔2025〕2号 (Attachments 2–4).

These are the notice's own words, not interface text: like the edition's notice_text they are
data, kept in Chinese exactly as the committee published them, so the printed forms match the
paper ones the committee accepts. The forms' labels (作品名称 …) are translatable in the templates.
"""

# Attachment 2, guidance printed in the boxes of the blank form.
AWARDS_GUIDANCE = "填表要求：以纯文字形式，简要如实填写。"
SUMMARY_GUIDANCE = (
    "填表要求：",
    "1.形式要求：纯文字；",
    "2.字数要求：500 字以内；",
    "3.请分点分条进行介绍，要求包含：适用领域/工种、解决的实际问题、创新点、实现的经济效益与社会效益、其他补充事项。",
)
DESCRIPTION_GUIDANCE = (
    "填表要求：",
    "主要以纯文字形式体现，包含以下几方面：",
    "一、所属行业分类，要求填写行业分类和细分类别，可参考《国民经济行业分类》"
    "https://www.mca.gov.cn/images3/www/file/201711/1509495881341.pdf。",
    "二、背景，100 字左右，内容包括：国内外研究现状、领域内存在的阻碍等实际难点痛点问题。",
    "三、目标/解决的关键问题，100 字左右，内容包括：解决生产实践难题，技术革新和创造发明及推广应用。"
    "实用性经过实践的检验，可提供充分、有效的数据和证据。",
    "四、创新点，500 字以内，分点分条进行介绍，包括创新性：1.有原创价值，采用新的或显著不同的方案、技术或方法；"
    "2.技术难度大，填补国内空白或在全国同行业中处于领先水平，有助于实现行业、国内或国际领先。"
    "及时性：准确、适时地应对企业或市场新需求或即将增长的需求。实用性：1.系统地在组织内进行部署和实施；"
    "2.易于实施，符合组织人力、资金、技术、设备和材料等资源配置能力。",
    "五、经济效益和社会效益，500 字以内，分点分条进行介绍，包括经济效益：1.与现有或同类项目比较的结果；"
    "2.财务、市场等经营结果，与竞争对手或标杆组织比较的结果。社会效益：1.对环境、资源、公益、就业、"
    "消费者权益、法律道德等方面的改善或提升；2.对相关方利益方（员工、股东、供应商等）的改善或提升。",
)
FORMS_GUIDANCE = (
    "填表要求：展示形式即为路演形式，包括实物展示、文字图片展示、模型展示、PPT 和多媒体展示等形式。（可多选）"
)
# The numbered parts of 作品说明 (R21), in the form's order.
DESCRIPTION_HEADINGS = ("一、所属行业分类", "二、背景", "三、目标/解决的关键问题", "四、创新点", "五、经济效益和社会效益")

# Attachment 2, 备注说明 under the table.
FORM_NOTES_TITLE = "备注说明："
FORM_NOTES = (
    "1.填写本表时，必须认真、准确、详实，实事求是；",
    "2.类别：请从“小发明、小创造、小革新、小建议、小设计”中选择一类；",
    "3.决赛路演展示材料要求：",
    "文字图片、PPT 展示要求：比例为 16:9，PPT （可配有背景音乐）须为 WPS 、OFFICE2010 等通用版本，"
    "PPT 第一页无动作无声音（用于后台画面准备），选手自行操作到第二页开始声音和动作效果，"
    "PPT 中若插入视频请使用 WMV、MP4 等主流视频格式。大小不超过 100 兆。",
    "多媒体展示要求：时长 5 分钟以内，统一用 MP4 等通用编码格式，画面比例 16:9，全高清 1920×1080，文件不大于 800 兆。",
    "4.如有其他情况请附材料说明。",
)

# Attachment 4 (R27). The opening sentence carries the unit's name, code and the edition.
COMMITMENT_OPENING = (
    "我单位（单位名称：{name}，统一社会信用代码：{code}）。此次申报{edition}，本单位将严格遵守国家、"
    "省市有关法律法规和《关于组织开展{edition}的通知》要求，并作出如下承诺："
)
COMMITMENT_CLAUSES = (
    "1.严格审核把关申报材料、总结报告、验收材料、科学数据等，对上报材料的真实性、完整性和合法性负责。",
    "2.履行诚信管理责任，与本单位相关人员签订信用承诺书，督促其恪守职责、履行承诺，不发生失信失约等违法违规行为。",
    "3.不存在下列情况：",
)
COMMITMENT_EXCLUSIONS = (
    "（1）第一完成人是企业主要负责人（含实际控制人）取得的创新作品；",
    "（2）大专院校、科研院所等单位科研人员所取得的创新作品；",
    "（3）已经列入政府有关部门科技计划项目的创新作品；",
    "（4）企业的主产品已受政府资金资助和奖励项目的创新作品；",
    "（5）涉及商业秘密和国家安全的创新作品；",
    "（6）知识产权归属尚存在争议的创新作品；",
)
COMMITMENT_LAST_CLAUSE = (
    "4.若发生失信行为，本单位将积极配合调查，接受相关部门按照规定作出的警告、通报批评、撤销奖励，"
    "同意有关部门依法记录、公开失信事实，实施失信联合惩戒等。"
)
# Blank space for a name or code written by hand on the blank form.
BLANK_NAME = "\u3000" * 12
BLANK_CODE = "\u3000" * 10


def commitment_paragraphs(*, name: str, code: str, edition_title: str) -> list[str]:
    """The body of Attachment 4 for one unit (blank lines for hand-filling when name/code are empty)."""
    return [
        COMMITMENT_OPENING.format(name=name or BLANK_NAME, code=code or BLANK_CODE, edition=edition_title),
        *COMMITMENT_CLAUSES, *COMMITMENT_EXCLUSIONS, COMMITMENT_LAST_CLAUSE,
    ]
