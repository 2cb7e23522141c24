from django.urls import path

from . import views

app_name = "patients"

urlpatterns = [
    path("new/", views.patient_create, name="create"),
    path("<int:pk>/", views.patient_detail, name="detail"),
    path("<int:pk>/reassign/", views.patient_reassign, name="reassign"),
    # Staff views of one patient.
    path("<int:pk>/walks/", views.walklogs, name="walklogs"),
    path("<int:pk>/walks/new/", views.walklog_enter, name="walklog-enter"),
    path("<int:pk>/progress/", views.progress, name="progress"),
    path("red-flags/<int:pk>/acknowledge/", views.redflag_acknowledge, name="redflag-acknowledge"),
    # One walk log, for its patient and the clinic.
    path("walks/<int:pk>/", views.walklog_detail, name="walklog-detail"),
    path("walks/<int:pk>/edit/", views.walklog_edit, name="walklog-edit"),
    path("walks/<int:pk>/delete/", views.walklog_delete, name="walklog-delete"),
    # The signed-in patient's own pages.
    path("me/walks/", views.my_walklogs, name="my-walklogs"),
    path("me/walks/new/", views.walklog_create, name="walklog-create"),
    path("me/timer/", views.walk_timer, name="walk-timer"),
    path("me/timer/save/", views.walk_timer_save, name="walk-timer-save"),
    path("me/progress/", views.my_progress, name="my-progress"),
    path("me/report-symptom/", views.redflag_report, name="redflag-report"),
    path("me/urgent/", views.urgent, name="urgent"),
    path("me/settings/", views.preferences, name="preferences"),
    path("me/export.csv", views.export_csv, name="export-csv"),
    path("me/export.json", views.export_json, name="export-json"),
]
