from django.urls import path

from exports.views import CsvExportView, ExcelExportView

urlpatterns = [
    path("csv/", CsvExportView.as_view(), name="export-csv"),
    path("excel/", ExcelExportView.as_view(), name="export-excel"),
]
