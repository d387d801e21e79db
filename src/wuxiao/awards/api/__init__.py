"""The awards stage in the REST API: one router per part, mounted under /api/awards/."""

from ninja import Router

from .announce import router as announce_router
from .certificates import router as certificates_router
from .overview import router as overview_router
from .tiers import router as tiers_router

router = Router(tags=["awards"])
router.add_router("/", tiers_router)
router.add_router("/", announce_router)
router.add_router("/", certificates_router)
router.add_router("/", overview_router)
