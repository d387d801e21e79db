from ninja import Router

router = Router(tags=["final round: site"])
