from ninja import NinjaAPI

api = NinjaAPI(title="Lumbung API", version="1", urls_namespace="api")
