from ninja import Router

router = Router(tags=["个性化服务方案"])
