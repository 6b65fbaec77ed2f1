from rest_framework.routers import DefaultRouter

from discovery.api.views import DiscoveryJobViewSet

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
# No `.json` suffix routes: JSON is the only format, and the suffix variants broke every @action (500).
router.include_format_suffixes = False
router.register("discovery/jobs", DiscoveryJobViewSet, basename="discovery-job")

urlpatterns = router.urls
