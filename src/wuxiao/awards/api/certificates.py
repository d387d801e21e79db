"""Awards API: certificates."""

from ninja import Router

router = Router(tags=["awards: certificates"])
