from ninja import Router

router = Router(tags=["风险关爱"])
