"""Second-round API: pool."""

from ninja import Router

router = Router()
