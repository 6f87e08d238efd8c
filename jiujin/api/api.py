from ninja import NinjaAPI

api = NinjaAPI(title="就近 Jiujin API", version="1", urls_namespace="api")
