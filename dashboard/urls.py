from django.urls import path

from . import views
from .fhir import views as fhir_views

app_name = "dashboard"

urlpatterns = [
    path("", views.home, name="home"),
    path("today/", views.today, name="today"),
    path("caseload/", views.caseload, name="caseload"),
    path("clinic/accounts/", views.accounts, name="accounts"),
    path("patients/<int:pk>/fhir.json", fhir_views.patient_fhir, name="patient-fhir"),
]
