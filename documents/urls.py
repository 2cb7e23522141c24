from django.urls import path

from . import views

app_name = "documents"

urlpatterns = [
    path("plans/<int:pk>/handout/", views.handout_request, name="handout-request"),
    path("patients/<int:patient_pk>/report/", views.report_create, name="report-create"),
    path("<int:pk>/status/", views.document_status, name="status"),
    path("<int:pk>/download/", views.document_download, name="download"),
    path("my-handout/", views.my_handout, name="my-handout"),
]
