"""Awards API: announce."""

from ninja import Router

router = Router(tags=["awards: announce"])
