"""Awards API: tiers."""

from ninja import Router

router = Router(tags=["awards: tiers"])
