from ninja import Router

router = Router(tags=["发挥作用"])
