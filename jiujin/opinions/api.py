from ninja import Router

router = Router(tags=["意见建议"])
