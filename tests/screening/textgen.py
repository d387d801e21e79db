"""Synthetic entry texts for the duplicate finder's tests and benchmark (bench/duplicates.py).

Texts are built from a shared vocabulary of real technical words and random "words" of common
CJK characters, so that different entries share many phrases (as real entries of one trade do)
without being copies. `near_copy` plants a near-duplicate: a few characters edited, a few
sentences reordered, punctuation changed.
"""

import random

DOMAIN_WORDS = (
    "数控车床 快换刀具 焊接 烟尘 收集装置 智能 巡检 机器人 变压器 油温 监测 输送带 跑偏 纠正 节能 照明 改造 管道 泄漏 "
    "检测仪 模具 定位 工装 叉车 安全 防撞 系统 污水 处理 加药 优化 生产 效率 提高 降低 成本 劳动强度 一线 职工 技术 "
    "革新 创新 发明 设计 制作 应用 推广 经济效益 社会效益 年节约 工时 人民币 万元 质量 稳定 可靠 结构 简单 操作 方便 "
    "维修 保养 设备 故障 停机 时间 缩短 班组 车间 工艺 流程 参数 控制 自动化 传感器 电机 减速机 轴承 齿轮 液压 气动 "
    "阀门 电缆 线路 配电 开关 继电器 信号 数据 采集 分析 平台 远程 实时 报警 精度 误差 检验 试验 现场 实践 问题 难点 "
    "解决 方法 措施 方案 实施 验证 运行 良好 显著 明显 大幅 有效 保障 环保 排放 粉尘 噪声 能耗 电耗 水耗 材料 损耗 "
    "利用率 合格率 返工 报废 隐患 风险 事故 防护 装置 夹具 刀具 量具 加工 装配 调试 安装 拆卸 更换 清洗 润滑 冷却"
).split()
PUNCTUATION = "，。；、：！"


def _vocabulary() -> list[str]:
    rng = random.Random(0)
    made = ["".join(chr(rng.randint(0x4E00, 0x6FFF)) for _ in range(rng.choice((1, 2, 2, 2, 3))))
            for _ in range(20_000)]
    # Domain words weigh about half: different entries share many of them, as real ones do.
    return made + DOMAIN_WORDS * (len(made) // len(DOMAIN_WORDS))


VOCABULARY = _vocabulary()


def entry_text(seed: int, *, chars: int = 1500) -> str:
    """A different text for each seed, of about `chars` characters, in sentences of 6 to 14 words."""
    rng = random.Random(seed)
    words = rng.choices(VOCABULARY, k=chars * 10 // 22)
    parts, i = [], 0
    while i < len(words):
        n = rng.randint(6, 14)
        parts.append("".join(words[i:i + n]))
        i += n
    return "。".join(parts) + "。"


def near_copy(text: str, seed: int, *, edits: int = 8, swaps: int = 3) -> str:
    """The same text with `edits` characters changed, `swaps` pairs of sentences swapped, punctuation changed."""
    rng = random.Random(seed)
    parts = [s + "。" for s in text.split("。") if s]
    for _ in range(swaps):
        i, j = rng.randrange(len(parts)), rng.randrange(len(parts))
        parts[i], parts[j] = parts[j], parts[i]
    chars = list("".join(parts))
    for _ in range(edits):
        i = rng.randrange(len(chars))
        kind = rng.random()
        if kind < 0.4:
            chars[i] = chr(rng.randint(0x4E00, 0x6FFF))
        elif kind < 0.7:
            chars.insert(i, chr(rng.randint(0x4E00, 0x6FFF)))
        else:
            del chars[i]
    copy = "".join(chars)
    return copy.replace("，", ", ").replace("。", ". ", rng.randint(1, 20))
