"""Charts of the summary report as PNG images, drawn on the server with Pillow (already installed with WeasyPrint)
and the Noto Sans CJK font, so that Word, WPS and the PDF show the same pictures as the dashboard's ECharts.

Three shapes are enough for the report: horizontal bars (counts by unit, category, tier), the funnel (centred
bars) and columns (a score histogram). Drawn at twice the printed size, for a sharp print.
"""

from __future__ import annotations

import io
from functools import cache

FONT_PATH = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
FONT_INDEX = 2  # Noto Sans CJK SC in the collection
WIDTH = 1600
SCALE = 2
COLOURS = ["#1565c0", "#2e7d32", "#ef6c00", "#6a1b9a", "#00838f", "#c62828", "#558b2f", "#4527a0"]
INK, MUTED, GRID = "#212121", "#757575", "#e0e0e0"
MAX_BARS = 20  # more rows than this are summed as "others" (the tables of the report hold every row)


@cache
def _font(size: int):
    from PIL import ImageFont

    try:
        return ImageFont.truetype(FONT_PATH, size * SCALE, index=FONT_INDEX)
    except OSError:  # the font package is missing: Latin letters and digits still show
        return ImageFont.load_default(size * SCALE)


def _text_width(draw, text: str, font) -> float:
    return draw.textlength(text, font=font)


def _fit(draw, text: str, font, width: float) -> str:
    """`text` cut with an ellipsis to fit `width` pixels."""
    if _text_width(draw, text, font) <= width:
        return text
    while text and _text_width(draw, text + "…", font) > width:
        text = text[:-1]
    return text + "…"


def _png(image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def _canvas(height: int, title: str):
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (WIDTH, height), "white")
    draw = ImageDraw.Draw(image)
    draw.text((24 * SCALE, 12 * SCALE), title, font=_font(18), fill=INK)
    return image, draw


def _capped(labels: list[str], values: list[int], others: str) -> tuple[list[str], list[int]]:
    if len(labels) <= MAX_BARS:
        return labels, values
    return labels[:MAX_BARS - 1] + [others], values[:MAX_BARS - 1] + [sum(values[MAX_BARS - 1:])]


def bar_chart(title: str, labels: list[str], values: list[int], *, others: str = "…") -> bytes:
    """Horizontal bars, one per label, the value at the end of each bar."""
    labels, values = _capped([str(x) for x in labels], list(values), others)
    row, top = 36 * SCALE, 52 * SCALE
    height = top + max(len(labels), 1) * row + 16 * SCALE
    image, draw = _canvas(height, title)
    font = _font(14)
    label_width = 260 * SCALE
    left, right = 24 * SCALE + label_width + 10 * SCALE, WIDTH - 70 * SCALE
    top_value = max(values or [0]) or 1
    for i, (label, value) in enumerate(zip(labels, values)):
        y = top + i * row
        draw.text((left - 10 * SCALE, y + row / 2), _fit(draw, label, font, label_width), font=font, fill=INK,
                  anchor="rm")
        length = (right - left) * value / top_value
        draw.rectangle([left, y + 5 * SCALE, left + max(length, 1), y + row - 5 * SCALE],
                       fill=COLOURS[i % len(COLOURS)] if len(labels) <= len(COLOURS) else COLOURS[0])
        draw.text((left + length + 6 * SCALE, y + row / 2), str(value), font=font, fill=INK, anchor="lm")
    draw.line([left, top, left, top + len(labels) * row], fill=MUTED, width=SCALE)
    return _png(image)


def funnel_chart(title: str, labels: list[str], values: list[int]) -> bytes:
    """The funnel: centred bars from the widest stage down, each with its count and share of the first."""
    row, top = 44 * SCALE, 54 * SCALE
    height = top + max(len(labels), 1) * row + 16 * SCALE
    image, draw = _canvas(height, title)
    font = _font(14)
    label_width = 220 * SCALE
    left, right = 24 * SCALE + label_width + 20 * SCALE, WIDTH - 30 * SCALE
    middle, full = (left + right) / 2, right - left
    first = values[0] if values and values[0] else 1
    for i, (label, value) in enumerate(zip(labels, values)):
        y = top + i * row
        draw.text((left - 14 * SCALE, y + row / 2), _fit(draw, label, font, label_width), font=font, fill=INK,
                  anchor="rm")
        half = max(full * value / first / 2, SCALE)
        draw.rectangle([middle - half, y + 4 * SCALE, middle + half, y + row - 4 * SCALE],
                       fill=COLOURS[i % len(COLOURS)])
        text = f"{value}（{round(100 * value / first, 1) if values[0] else 0}%）"
        inside = _text_width(draw, text, font) + 12 * SCALE < 2 * half
        draw.text((middle if inside else middle + half + 8 * SCALE, y + row / 2), text, font=font,
                  fill="white" if inside else INK, anchor="mm" if inside else "lm")
    return _png(image)


def column_chart(title: str, labels: list[str], values: list[int], *, axis: str = "") -> bytes:
    """Columns side by side (a histogram): the label under each column, the count above it."""
    top, bottom = 64 * SCALE, 60 * SCALE
    height = 340 * SCALE
    image, draw = _canvas(height, title)
    font = _font(13)
    left, right = 40 * SCALE, WIDTH - 24 * SCALE
    base = height - bottom
    n = max(len(values), 1)
    slot = (right - left) / n
    top_value = max(values or [0]) or 1
    for i, (label, value) in enumerate(zip(labels, values)):
        x = left + i * slot
        h = (base - top) * value / top_value
        draw.rectangle([x + slot * 0.08, base - h, x + slot * 0.92, base], fill=COLOURS[0])
        draw.text((x + slot / 2, base - h - 4 * SCALE), str(value), font=font, fill=INK, anchor="md")
        draw.text((x + slot / 2, base + 6 * SCALE), _fit(draw, str(label), font, slot - 4 * SCALE), font=font,
                  fill=INK, anchor="ma")
    draw.line([left, base, right, base], fill=MUTED, width=SCALE)
    if axis:
        draw.text((right, height - 12 * SCALE), axis, font=font, fill=MUTED, anchor="rd")
    return _png(image)
