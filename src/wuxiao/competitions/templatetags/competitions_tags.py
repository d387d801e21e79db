from django import template

register = template.Library()


@register.filter
def yuan(value) -> str:
    """An amount of money in yuan with thousands separators: ¥470,000."""
    try:
        return f"¥{int(value):,}"
    except (TypeError, ValueError):
        return ""


@register.filter
def times(value, other) -> int:
    """value × other, for a prize tier's subtotal (count × money)."""
    try:
        return int(value) * int(other)
    except (TypeError, ValueError):
        return 0
