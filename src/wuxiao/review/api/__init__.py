"""The second round in the REST API: one router per part, mounted under /api/review/."""

from ninja import Router

from .assign import router as assign_router
from .pool import router as pool_router
from .results import router as results_router
from .scoring import router as scoring_router

router = Router(tags=["second round"])
router.add_router("/", pool_router)
router.add_router("/", assign_router)
router.add_router("/", scoring_router)
router.add_router("/", results_router)
