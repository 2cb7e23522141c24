from django.urls import path

from . import views

app_name = "patients"

urlpatterns = [
    path("new/", views.patient_create, name="create"),
    path("<int:pk>/", views.patient_detail, name="detail"),
    path("<int:pk>/reassign/", views.patient_reassign, name="reassign"),
]
