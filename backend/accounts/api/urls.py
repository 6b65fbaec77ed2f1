from rest_framework.routers import DefaultRouter

from accounts.api.views import AccountViewSet, CostRecordViewSet

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
# No `.json` suffix routes: JSON is the only format, and the suffix variants broke every @action (500).
router.include_format_suffixes = False
router.register("accounts", AccountViewSet, basename="account")
router.register("costs", CostRecordViewSet, basename="cost")

urlpatterns = router.urls
