from ninja import Router

router = Router(tags=["试点工作"])
