"""Accounts and costs endpoints: thin viewsets over accounts.services / selectors."""

from __future__ import annotations

import logging

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from accounts import selectors, services
from accounts.api.serializers import (
    AccountSerializer,
    ConnectionTestSerializer,
    CostRecordSerializer,
    CostSummarySerializer,
    OrgSyncRequestSerializer,
    OrgSyncResultSerializer,
    RegionSerializer,
)
from accounts.connection import test_connection
from accounts.filters import AWSAccountFilter, CostRecordFilter
from accounts.models import AWSAccount, CostRecord
from accounts.regions import known_regions
from authentication.permissions import IsAdmin, IsEditor, IsViewer, ReadViewerWriteAdmin

logger = logging.getLogger(__name__)

WRITE_FIELDS = (
    "account_id",
    "name",
    "account_type",
    "environment",
    "role_name",
    "external_id",
    "regions",
    "is_active",
    "management_account",
    "access_key_id",
    "secret_access_key",
)


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The request conflicts with the current state."


class ServiceUnavailable(APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = "A required service is unavailable."


def aws_failure(exc: services.AWSOperationError) -> APIException:
    if exc.unreachable:
        return ServiceUnavailable(exc.message)
    return ValidationError({"detail": [exc.message]})


class AccountViewSet(viewsets.ModelViewSet):
    serializer_class = AccountSerializer
    permission_classes = [ReadViewerWriteAdmin]
    filterset_class = AWSAccountFilter
    ordering_fields = ["name", "account_id", "account_type", "environment", "is_active", "last_discovery_at"]
    ordering_fields += ["asset_count", "cost_this_month", "cost_last_month", "created_at"]
    ordering = ["name", "account_id"]
    lookup_value_regex = r"\d+"

    def get_queryset(self) -> QuerySet[AWSAccount]:
        return selectors.account_list()

    def _reread(self, account: AWSAccount) -> AWSAccount:
        return self.get_queryset().get(pk=account.pk)  # with the list's annotations

    def perform_create(self, serializer: AccountSerializer) -> None:
        data = {k: v for k, v in serializer.validated_data.items() if k in WRITE_FIELDS}
        account = services.aws_account_create(user=self.request.user, request=self.request, **data)
        serializer.instance = self._reread(account)

    def perform_update(self, serializer: AccountSerializer) -> None:
        data = {k: v for k, v in serializer.validated_data.items() if k in WRITE_FIELDS}
        account = serializer.instance
        if serializer.validated_data.get("clear_credentials"):
            account = services.aws_account_clear_credentials(
                account=account, user=self.request.user, request=self.request
            )
        account = services.aws_account_update(account=account, user=self.request.user, request=self.request, **data)
        serializer.instance = self._reread(account)

    def perform_destroy(self, instance: AWSAccount) -> None:
        try:
            services.aws_account_delete(account=instance, user=self.request.user, request=self.request)
        except services.AccountInUse as exc:
            raise Conflict(str(exc)) from exc

    @extend_schema(responses=RegionSerializer(many=True))
    @action(detail=False, methods=["get"], permission_classes=[IsViewer], pagination_class=None, filter_backends=[])
    def regions(self, request: Request) -> Response:
        """Region codes and display names (botocore's endpoint data for EC2)."""
        return Response(RegionSerializer(known_regions(), many=True).data)

    @extend_schema(request=None, responses=ConnectionTestSerializer)
    @action(detail=True, methods=["post"], url_path="test-connection", permission_classes=[IsAdmin])
    def test_connection(self, request: Request, pk=None) -> Response:
        result = test_connection(self.get_object())
        data = {"ok": result.ok, "message": result.message, "identity": result.identity}
        return Response(ConnectionTestSerializer(data).data)

    @extend_schema(request=OrgSyncRequestSerializer, responses=OrgSyncResultSerializer)
    @action(detail=True, methods=["post"], url_path="sync-org", permission_classes=[IsAdmin])
    def sync_org(self, request: Request, pk=None) -> Response:
        account = self.get_object()
        params = OrgSyncRequestSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        options = params.validated_data
        try:
            result = services.org_accounts_sync(
                management_account=account,
                include_ous=options.get("include_ous", ()),
                exclude_ous=options.get("exclude_ous", ()),
                include_ids=options.get("include_accounts", ()),
                exclude_ids=options.get("exclude_accounts", ()),
                role_name=options.get("role_name", ""),
                user=request.user,
                request=request,
            )
        except services.AWSOperationError as exc:
            raise aws_failure(exc) from exc
        rows = {a.pk: a for a in self.get_queryset().filter(pk__in=[a.pk for a in result.accounts])}
        payload = {
            "created": len(result.created),
            "updated": len(result.updated),
            "skipped": len(result.skipped),
            "deactivated": len(result.deactivated),
            "accounts": [rows[a.pk] for a in result.accounts if a.pk in rows],
            "deactivated_accounts": self.get_queryset().filter(pk__in=[a.pk for a in result.deactivated]),
        }
        return Response(OrgSyncResultSerializer(payload, context=self.get_serializer_context()).data)

    @extend_schema(request=None, responses={202: OpenApiResponse(description="The discovery job")})
    @action(detail=True, methods=["post"], permission_classes=[IsEditor])
    def discover(self, request: Request, pk=None) -> Response:
        # --- Hook owned by the discovery engine (discovery.services.discovery_job_start) -------------
        account = self.get_object()
        if not account.is_active:
            raise ValidationError({"detail": [f"{account} is inactive; activate it before discovery."]})
        try:
            from discovery import services as discovery_services
        except ImportError as exc:
            raise ServiceUnavailable("Discovery is not available in this installation.") from exc
        try:
            job = discovery_services.discovery_job_start(account=account, user=request.user, trigger="api")
        except discovery_services.DiscoveryAlreadyRunning as exc:
            job_id = getattr(exc, "job_id", exc.args[0] if exc.args else None)
            detail = f"A discovery of {account} is already running (job {job_id})."
            return Response({"detail": detail, "job_id": job_id}, status=status.HTTP_409_CONFLICT)
        except discovery_services.BrokerUnavailable as exc:
            raise ServiceUnavailable(
                str(exc) or "The task queue (broker) is unreachable, so discovery cannot start."
            ) from exc
        except discovery_services.DiscoveryError as exc:  # e.g. inactive account: bad input
            raise ValidationError({"detail": [str(exc)]}) from exc
        return Response(_job_data(job), status=status.HTTP_202_ACCEPTED)


def _job_data(job) -> dict:
    try:
        from discovery.api.serializers import DiscoveryJobSerializer
    except ImportError:
        return {"id": job.pk, "status": job.status, "account": job.account_id, "trigger": job.trigger}
    return DiscoveryJobSerializer(job).data


class CostRecordViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = CostRecord.objects.select_related("account")
    serializer_class = CostRecordSerializer
    permission_classes = [IsViewer]
    filterset_class = CostRecordFilter
    ordering_fields = ["month", "amount", "service", "account", "kind"]
    ordering = ["-month", "account_id", "service"]

    @extend_schema(responses=CostSummarySerializer)
    @action(detail=False, methods=["get"], pagination_class=None, filter_backends=[])
    def summary(self, request: Request) -> Response:
        """Totals (this month, last month, forecast), 12-month trend, top services and accounts."""
        totals = selectors.cost_totals()
        data = {
            "this_month": totals.this_month,
            "last_month": totals.last_month,
            "forecast": totals.forecast,
            "currency": totals.currency,
            "by_month": [{"key": r["month"].isoformat(), "amount": r["amount"]} for r in selectors.cost_by_month()],
            "by_service": [{"key": r["service"], "amount": r["amount"]} for r in selectors.cost_by_service(limit=20)],
            "by_account": [
                {"key": r["account__account_id"], "amount": r["amount"]} for r in selectors.cost_by_account()
            ],
        }
        return Response(CostSummarySerializer(data).data)
