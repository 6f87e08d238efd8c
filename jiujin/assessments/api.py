from ninja import Router

router = Router(tags=["千分量化考评"])
