"""/api/v1/: one router; each app registers its resources in its api.py `register(router)`."""

from rest_framework.routers import DefaultRouter

from .deletions_api import DeletionViewSet

router = DefaultRouter()
for app in ("reference", "enterprises", "colleges", "programs", "demand", "policies", "plan", "metrics", "exchange"):
    module = __import__(f"{app}.api", fromlist=["register"])
    module.register(router)
router.register("deletions", DeletionViewSet, basename="deletion")

urlpatterns = router.urls
