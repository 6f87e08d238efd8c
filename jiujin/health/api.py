from ninja import Router

router = Router(tags=["健康档案"])
