from ninja import Router

router = Router(tags=["问卷调查"])
