"""Thin viewsets: reads via selectors, writes via services, the list filtered by AssetFilterSet."""

from __future__ import annotations

from django.db.models import Count, Q
from django.http import Http404
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.generics import get_object_or_404  # a malformed id is a 404 (Django's: a 500)
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from assets import selectors, services
from assets.api.pagination import AssetPagination
from assets.api.serializers import (
    AssetBriefSerializer,
    AssetChangeSerializer,
    AssetGraphSerializer,
    AssetRelationshipsSerializer,
    AssetSerializer,
    BulkActionResultSerializer,
    BulkActionSerializer,
    CategorySerializer,
    FilterOptionsSerializer,
    ImportResultSerializer,
    ImportSerializer,
    RelationshipSerializer,
    SavedViewSerializer,
)
from assets.filters import AssetFilterSet, filter_assets
from assets.models import Asset, AssetChange, Category, Relationship, RelationshipOrigin, SavedView
from authentication.permissions import ReadViewerWriteEditor
from config.pagination import StandardPagination
from config.prepared import PreparedQuery

BIGINT_MAX = 2**63 - 1


def _asset_detail(pk: int):
    return selectors.asset_detail_queryset().filter(pk=pk)


def _asset_id_only(pk: int):
    return Asset.objects.only("id").filter(pk=pk)


# A fifth of the API's reads are asset details, and building and compiling this query (four joins,
# two counting subqueries) cost more Python CPU than the rest of the request: compiled once per
# process (config/prepared.py), like the existence check of history, relationships and graph. The
# placeholder is any id no asset has.
_asset_detail_query = PreparedQuery(_asset_detail, -7_301_234_567_890_123)
_asset_id_query = PreparedQuery(_asset_id_only, -7_301_234_567_890_123)


def _plain_id(pk) -> int | None:
    """The URL's id as an int when it is plain digits within bigint; None: let the ORM judge it."""
    if isinstance(pk, str) and pk.isascii() and pk.isdigit() and int(pk) <= BIGINT_MAX:
        return int(pk)
    return None


def _one_or_404(prepared: PreparedQuery, queryset, pk):
    """The asset `pk` via the prepared query, with get_object_or_404's 404; odd ids via the ORM."""
    plain = _plain_id(pk)
    if plain is None:
        return get_object_or_404(queryset, pk=pk)
    found = prepared(plain)
    if not found:
        raise Http404(f"No {Asset._meta.object_name} matches the given query.")  # get_object_or_404's
    return found[0]


@extend_schema_view(
    list=extend_schema(summary="List assets (brief rows, filtered, cheap count)"),
    retrieve=extend_schema(summary="Asset detail"),
    create=extend_schema(summary="Create a non-AWS asset"),
    partial_update=extend_schema(summary="Edit an asset (AWS assets: people-owned fields only)"),
)
class AssetViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    permission_classes = [ReadViewerWriteEditor]
    filter_backends = [DjangoFilterBackend]
    filterset_class = AssetFilterSet
    pagination_class = AssetPagination
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        if self.action == "list":
            return selectors.asset_list_queryset()
        return selectors.asset_detail_queryset()

    def get_serializer_class(self):
        return AssetBriefSerializer if self.action == "list" else AssetSerializer

    def filter_queryset(self, queryset):
        # Only the list is filtered: a REMOVED asset's detail, history and actions stay reachable.
        return super().filter_queryset(queryset) if self.action == "list" else queryset

    def get_object(self):
        if self.action != "retrieve" or _plain_id(self.kwargs.get("pk")) is None:
            return super().get_object()  # anything unusual: DRF's own lookup (and its 404)
        asset = _one_or_404(_asset_detail_query, None, self.kwargs["pk"])
        self.check_object_permissions(self.request, asset)
        return asset

    def _detail(self, asset: Asset, code=status.HTTP_200_OK) -> Response:
        fresh = selectors.asset_detail_queryset().get(pk=asset.pk)
        return Response(AssetSerializer(fresh, context=self.get_serializer_context()).data, status=code)

    def create(self, request, *args, **kwargs):
        serializer = AssetSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        asset = services.asset_create(user=request.user, data=serializer.validated_data)
        return self._detail(asset, status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        asset = self.get_object()
        serializer = AssetSerializer(asset, data=request.data, partial=True, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        services.asset_update(asset=asset, user=request.user, data=serializer.validated_data)
        return self._detail(asset)

    @extend_schema(request=None, responses=AssetSerializer, summary="Decommission (retire) an asset")
    @action(detail=True, methods=["post"])
    def decommission(self, request, pk=None):
        return self._detail(services.asset_decommission(asset=self.get_object(), user=request.user))

    @extend_schema(request=None, responses=AssetSerializer, summary="Restore a decommissioned asset")
    @action(detail=True, methods=["post"])
    def restore(self, request, pk=None):
        return self._detail(services.asset_reactivate(asset=self.get_object(), user=request.user))

    @extend_schema(request=None, responses=AssetSerializer, summary="Record a review now, by the caller")
    @action(detail=True, methods=["post"], url_path="mark-reviewed")
    def mark_reviewed(self, request, pk=None):
        return self._detail(services.asset_mark_reviewed(asset=self.get_object(), user=request.user))

    @extend_schema(responses=AssetChangeSerializer(many=True), summary="Change history (newest first)")
    @action(detail=True, methods=["get"], pagination_class=StandardPagination, filterset_class=None)
    def history(self, request, pk=None):
        asset = _one_or_404(_asset_id_query, Asset.objects.only("id"), pk)
        changes = AssetChange.objects.filter(asset=asset).select_related("user").order_by("-timestamp", "-id")
        page = self.paginate_queryset(changes)
        return self.get_paginated_response(AssetChangeSerializer(page, many=True).data)

    @extend_schema(responses=AssetRelationshipsSerializer, summary="Relationships out of and into the asset")
    @action(detail=True, methods=["get"], filterset_class=None)
    def relationships(self, request, pk=None):
        asset = _one_or_404(_asset_id_query, Asset.objects.only("id"), pk)
        return Response(AssetRelationshipsSerializer(selectors.asset_relationships(asset)).data)

    @extend_schema(
        parameters=[OpenApiParameter("depth", int, description="Hops, 1..3 (default 1).")],
        responses=AssetGraphSerializer,
        summary="Neighbourhood graph (bounded)",
    )
    @action(detail=True, methods=["get"], filterset_class=None)
    def graph(self, request, pk=None):
        asset = _one_or_404(_asset_id_query, Asset.objects.only("id"), pk)
        depth = request.query_params.get("depth", "1")
        if depth not in ("1", "2", "3"):
            raise ValidationError({"depth": ["Expected 1, 2 or 3."]})
        return Response(AssetGraphSerializer(selectors.asset_graph(asset, int(depth))).data)

    @extend_schema(request=BulkActionSerializer, responses=BulkActionResultSerializer, summary="Bulk action")
    @action(detail=False, methods=["post"], filterset_class=None)
    def bulk(self, request):
        serializer = BulkActionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        # Explicit ids act on exactly those assets (hidden statuses included); a query is the list's.
        queryset = Asset.objects.filter(pk__in=data["ids"]) if "ids" in data else filter_assets(data["query"])
        result = services.asset_bulk_action(
            queryset=queryset, action=data["action"], fields=data["fields"], user=request.user
        )
        return Response(BulkActionResultSerializer(result).data)

    @extend_schema(
        request={"multipart/form-data": ImportSerializer},
        responses={200: ImportResultSerializer, 400: ImportResultSerializer},
        summary="Import non-AWS assets from CSV (all or nothing)",
    )
    @action(detail=False, methods=["post"], url_path="import", parser_classes=[MultiPartParser, FormParser])
    def import_csv(self, request):
        # Every 400 here has the ImportResult shape: row errors, or row 0 for the file as a whole.
        serializer = ImportSerializer(data=request.data)
        try:
            serializer.is_valid(raise_exception=True)
            content = serializer.validated_data["file"].read()
            result = services.asset_import_csv(content=content, user=request.user)
        except (ValidationError, services.ImportFileError) as exc:
            messages = exc.detail.get("file") if isinstance(exc, ValidationError) else exc.message_dict["file"]
            result = {"created": 0, "errors": [{"row": 0, "errors": {"file": [str(m) for m in messages]}}]}
            return Response({"detail": f"File not imported: {result['errors'][0]['errors']['file'][0]}", **result},
                            status=status.HTTP_400_BAD_REQUEST)  # fmt: skip
        if result["errors"]:
            detail = f"{len(result['errors'])} row(s) have errors; nothing was imported."
            return Response({"detail": detail, **result}, status=status.HTTP_400_BAD_REQUEST)
        return Response(result)

    @extend_schema(responses=FilterOptionsSerializer, summary="Distinct values for every list filter")
    @action(detail=False, methods=["get"], url_path="filter-options", filterset_class=None)
    def filter_options(self, request):
        return Response(selectors.filter_options())


class CategoryViewSet(viewsets.ModelViewSet):
    serializer_class = CategorySerializer
    permission_classes = [ReadViewerWriteEditor]
    filter_backends: list = []
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        return Category.objects.annotate(asset_count=Count("assets")).order_by("name")

    def perform_create(self, serializer):
        serializer.instance = services.category_create(data=serializer.validated_data)
        serializer.instance.asset_count = 0

    def perform_update(self, serializer):
        services.category_update(category=serializer.instance, data=serializer.validated_data, user=self.request.user)

    def perform_destroy(self, instance):
        services.category_delete(category=instance, user=self.request.user)


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("asset", int, description="Either end is this asset id."),
            OpenApiParameter("source", int),
            OpenApiParameter("target", int),
            OpenApiParameter("relationship_type", str),
            OpenApiParameter("origin", str),
        ]
    )
)
class RelationshipViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = RelationshipSerializer
    permission_classes = [ReadViewerWriteEditor]
    filter_backends: list = []

    def get_queryset(self):
        qs = Relationship.objects.select_related("source", "target", "created_by").order_by("id")
        params = self.request.query_params
        for name in ("asset", "source", "target"):
            if params.get(name) and not params[name].isdigit():
                raise ValidationError({name: ["Expected an asset id."]})
        if params.get("asset"):
            qs = qs.filter(Q(source_id=params["asset"]) | Q(target_id=params["asset"]))
        for name in ("source", "target", "relationship_type", "origin"):
            if params.get(name):
                qs = qs.filter(**{f"{name}_id" if name in ("source", "target") else name: params[name]})
        return qs

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.relationship_create(
            source=data["source"],
            target=data["target"],
            relationship_type=data["relationship_type"],
            user=self.request.user,
        )

    def perform_destroy(self, instance):
        if instance.origin == RelationshipOrigin.DISCOVERY:
            raise ValidationError({"detail": ["Discovery maintains this relationship; it cannot be removed by hand."]})
        services.relationship_delete(relationship=instance, user=self.request.user)


class SavedViewViewSet(viewsets.ModelViewSet):
    """Own views and views others shared; only the owner changes or deletes a view."""

    serializer_class = SavedViewSerializer
    queryset = SavedView.objects.none()  # for the schema; get_queryset() scopes to the user
    permission_classes = [ReadViewerWriteEditor]
    filter_backends: list = []
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        user = self.request.user
        return SavedView.objects.filter(Q(owner=user) | Q(shared=True)).select_related("owner").order_by("name", "id")

    def _own(self, view: SavedView) -> SavedView:
        if view.owner_id != self.request.user.pk:
            raise PermissionDenied("Only the owner can change or delete a saved view.")
        return view

    def perform_create(self, serializer):
        serializer.instance = services.saved_view_create(owner=self.request.user, data=serializer.validated_data)

    def perform_update(self, serializer):
        services.saved_view_update(view=self._own(serializer.instance), data=serializer.validated_data)

    def perform_destroy(self, instance):
        services.saved_view_delete(view=self._own(instance))
