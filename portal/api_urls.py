"""/api/v1/: one router; each app registers its resources in its api.py `register(router)`."""

from rest_framework.routers import DefaultRouter

router = DefaultRouter()
for app in ("reference", "enterprises", "colleges", "programs", "demand", "policies", "plan", "metrics"):
    module = __import__(f"{app}.api", fromlist=["register"])
    module.register(router)

urlpatterns = router.urls
