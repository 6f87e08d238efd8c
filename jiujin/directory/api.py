from ninja import Router

router = Router(tags=["服务名录与联系卡"])
