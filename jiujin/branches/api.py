from ninja import Router

router = Router(tags=["离退休党支部"])
