from ninja import Router

router = Router(tags=["汇报和台账"])
