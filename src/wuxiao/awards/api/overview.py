"""Awards API: overview."""

from ninja import Router

router = Router(tags=["awards: overview"])
