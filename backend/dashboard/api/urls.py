from django.urls import path

from dashboard.api.views import DashboardView

urlpatterns = [path("dashboard/", DashboardView.as_view(), name="dashboard")]
