from ninja import Router

router = Router(tags=["志愿者与一助一"])
