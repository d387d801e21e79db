"""Second-round API: scoring."""

from ninja import Router

router = Router()
