"""Second-round API: assign."""

from ninja import Router

router = Router()
