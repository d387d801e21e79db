"""The final round's default rubric, offered when the office has not set its own (the notice names no points
for the final: these are the usual ones of such competitions, and the office may change them)."""

ROADSHOW_CRITERIA = [  # (name, points, guidance)
    ("创新性", 30, "原创程度高、构思新颖、有独创性的给 25–30 分；有一定改进的给 15–24 分；改进较少的给 0–14 分。"),
    ("实用性", 25, "已在生产中应用、操作简便的给 20–25 分；试用阶段的给 10–19 分；尚未应用的给 0–9 分。"),
    ("经济和社会效益", 25, "效益显著且有数据佐证的给 20–25 分；效益一般的给 10–19 分；效益不明显的给 0–9 分。"),
    ("现场展示与答辩", 20, "5 分钟内讲清原理和效果、回答准确的给 16–20 分；基本清楚的给 10–15 分；超时或答非所问的给 0–9 分。"),
]
SITE_CRITERIA = [
    ("现场应用情况", 40, "在生产现场持续使用、运行稳定的给 32–40 分；偶尔使用的给 20–31 分；未见使用的给 0–19 分。"),
    ("实施效果与申报一致性", 30, "现场效果与申报材料一致的给 24–30 分；基本一致的给 15–23 分；出入较大的给 0–14 分。"),
    ("推广价值", 30, "可在同行业推广的给 24–30 分；可在本单位推广的给 15–23 分；推广价值有限的给 0–14 分。"),
]
