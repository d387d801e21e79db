"""The public pages of an edition: what the notice says, the deadline (R15) and whom to ask (R16)."""

from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .models import Edition
from .notice import notice_paragraphs

PUBLIC_PREFETCH = ("categories", "exclusions", "prize_tiers")

# The countdown's units; app.js reads them from data- attributes, the server renders the first text.
COUNTDOWN_LABELS = {
    "day": pgettext_lazy("countdown", "d"),
    "hour": pgettext_lazy("countdown", "h"),
    "minute": pgettext_lazy("countdown", "m"),
    "second": pgettext_lazy("countdown", "s"),
    "closed": _("Declaration is closed"),
}


def countdown_text(seconds: int) -> str:
    """The same text app.js shows, so the page reads right before (or without) JavaScript."""
    labels = COUNTDOWN_LABELS
    d, rest = divmod(max(0, seconds), 86400)
    h, rest = divmod(rest, 3600)
    m, s = divmod(rest, 60)
    return (f"{d}{labels['day']} {h:02d}{labels['hour']} {m:02d}{labels['minute']} "
            f"{s:02d}{labels['second']}")


def _render_edition(request, edition: Edition, **extra):
    now = timezone.now()
    seconds_left = int((edition.declaration_deadline - now).total_seconds())
    prize_tiers = list(edition.prize_tiers.all())
    return render(request, "competitions/public_edition.html", {
        "edition": edition,
        "is_closed": seconds_left <= 0,
        "not_yet_open": now < edition.declaration_opens_at,
        "countdown": countdown_text(seconds_left),
        "labels": COUNTDOWN_LABELS,
        "prize_tiers": [(t, t.count * t.amount_yuan) for t in prize_tiers],
        "prize_count": sum(t.count for t in prize_tiers),
        "prize_money": sum(t.count * t.amount_yuan for t in prize_tiers),
        **extra,
    })


def home(request):
    edition = Edition.objects.prefetch_related(*PUBLIC_PREFETCH).current()
    if edition is None:
        return render(request, "competitions/public_empty.html")
    # The page frame asks for the current edition too: hand it the one already loaded.
    return _render_edition(request, edition, current_edition=edition)


def edition(request, slug):
    edition = get_object_or_404(Edition.objects.prefetch_related(*PUBLIC_PREFETCH), slug=slug)
    return _render_edition(request, edition)


def notice(request, slug):
    edition = get_object_or_404(Edition, slug=slug)
    return render(request, "competitions/public_notice.html", {
        "edition": edition, "paragraphs": notice_paragraphs(edition.notice_text),
    })
