"""Discovery jobs: list/detail (viewer), start and cancel (editor). Thin: services do the work."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from authentication.models import APIToken
from authentication.permissions import ReadViewerWriteEditor
from discovery import selectors, services
from discovery.api.serializers import (
    DiscoveryJobCreateSerializer,
    DiscoveryJobDetailSerializer,
    DiscoveryJobSerializer,
)
from discovery.filters import DiscoveryJobFilter
from discovery.models import JobTrigger


class BrokerDown(APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = "The task queue is unavailable, so discovery cannot start."


def conflict(exc: services.DiscoveryAlreadyRunning) -> Response:
    return Response({"detail": str(exc), "job_id": exc.job_id}, status=status.HTTP_409_CONFLICT)


class DiscoveryJobViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    permission_classes = [ReadViewerWriteEditor]
    filterset_class = DiscoveryJobFilter
    ordering_fields = ["id", "created_at", "started_at", "finished_at", "status", "found"]
    ordering = ["-created_at", "-id"]
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return selectors.job_list() if self.action == "list" else selectors.job_detail()

    def get_serializer_class(self):
        return DiscoveryJobSerializer if self.action == "list" else DiscoveryJobDetailSerializer

    @extend_schema(
        request=DiscoveryJobCreateSerializer,
        responses={
            201: DiscoveryJobSerializer,
            409: OpenApiResponse(description="A job is already running for the account: {detail, job_id}"),
            503: OpenApiResponse(description="The task queue is unavailable"),
        },
    )
    def create(self, request: Request) -> Response:
        params = DiscoveryJobCreateSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        trigger = JobTrigger.API if isinstance(request.auth, APIToken) else JobTrigger.UI
        try:
            job = services.discovery_job_start(
                account=params.validated_data["account"],
                user=request.user,
                trigger=trigger,
                dry_run=params.validated_data["dry_run"],
            )
        except services.DiscoveryAlreadyRunning as exc:
            return conflict(exc)
        except services.BrokerUnavailable as exc:
            raise BrokerDown(str(exc)) from exc
        except services.DiscoveryError as exc:
            raise ValidationError({"account": [str(exc)]}) from exc
        job = selectors.job_list().get(pk=job.pk)
        return Response(DiscoveryJobSerializer(job).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=None,
        responses={200: DiscoveryJobDetailSerializer, 409: OpenApiResponse(description="The job has finished")},
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk=None) -> Response:
        job = self.get_object()
        try:
            job = services.discovery_job_cancel(job=job, user=request.user)
        except services.JobNotActive as exc:
            return Response({"detail": str(exc), "job_id": job.pk}, status=status.HTTP_409_CONFLICT)
        return Response(DiscoveryJobDetailSerializer(selectors.job_detail().get(pk=job.pk)).data)
