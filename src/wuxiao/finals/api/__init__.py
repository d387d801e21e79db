"""The final round in the REST API: one router per part, mounted under /api/finals/."""

from ninja import Router

from .live import router as live_router
from .material import router as material_router
from .ranking import router as ranking_router
from .schedule import router as schedule_router
from .site import router as site_router

router = Router(tags=["final round"])
router.add_router("/", schedule_router)
router.add_router("/", material_router)
router.add_router("/", live_router)
router.add_router("/", site_router)
router.add_router("/", ranking_router)
