from ninja import Router

router = Router(tags=["以奖代补"])
