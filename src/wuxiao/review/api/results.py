"""Second-round API: results."""

from ninja import Router

router = Router()
