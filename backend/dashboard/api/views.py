from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from authentication.permissions import IsViewer
from dashboard.api.serializers import DashboardSerializer
from dashboard.selectors import dashboard_data


class DashboardView(APIView):
    permission_classes = [IsViewer]

    @extend_schema(responses=DashboardSerializer, summary="Totals, breakdowns, costs, jobs and compliance gaps")
    def get(self, request):
        # Built JSON-ready by the selector (and cached that way); the serializer documents the shape.
        return Response(dashboard_data())
