from ninja import NinjaAPI

api = NinjaAPI(title="wuxiao API", version="1", urls_namespace="api")
