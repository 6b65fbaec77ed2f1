from rest_framework.routers import DefaultRouter

from assets.api.views import AssetViewSet, CategoryViewSet, RelationshipViewSet, SavedViewViewSet

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
# No `.json` suffix routes: JSON is the only format, and the suffix variants broke every @action (500).
router.include_format_suffixes = False
router.register("assets", AssetViewSet, basename="asset")
router.register("categories", CategoryViewSet, basename="category")
router.register("relationships", RelationshipViewSet, basename="relationship")
router.register("saved-views", SavedViewViewSet, basename="saved-view")

urlpatterns = router.urls
