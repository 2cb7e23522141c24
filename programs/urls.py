from django.urls import path

from . import views

app_name = "programs"

urlpatterns = [
    path("exercises/", views.exercise_list, name="exercise-list"),
    path("exercises/new/", views.exercise_create, name="exercise-create"),
    path("exercises/<int:pk>/", views.exercise_detail, name="exercise-detail"),
    path("exercises/<int:pk>/edit/", views.exercise_edit, name="exercise-edit"),
    path("templates/", views.template_list, name="template-list"),
    path("templates/<int:pk>/", views.template_detail, name="template-detail"),
    path("templates/<int:pk>/clone/", views.template_clone, name="template-clone"),
    path("templates/<int:pk>/edit/", views.template_edit, name="template-edit"),
    path("patients/<int:patient_pk>/plan/", views.patient_panel, name="patient-panel"),
    path("patients/<int:patient_pk>/plan/new/", views.plan_assign, name="plan-assign"),
    path("plans/<int:pk>/", views.plan_detail, name="plan-detail"),
    path("plans/<int:pk>/adjust/", views.plan_adjust, name="plan-adjust"),
    path("plans/<int:pk>/thresholds/", views.plan_rules, name="plan-rules"),
    path("retests/<int:pk>/dismiss/", views.retest_dismiss, name="retest-dismiss"),
    path("plans/<int:pk>/pause/", views.plan_pause, name="plan-pause"),
    path("plans/<int:pk>/resume/", views.plan_resume, name="plan-resume"),
    path("plans/<int:pk>/end/", views.plan_end, name="plan-end"),
    path("suggestions/<int:pk>/approve/", views.suggestion_approve, name="suggestion-approve"),
    path("suggestions/<int:pk>/edit/", views.suggestion_edit, name="suggestion-edit"),
    path("suggestions/<int:pk>/reject/", views.suggestion_reject, name="suggestion-reject"),
    path("settings/", views.program_settings, name="settings"),
    path("my-plan/", views.my_plan, name="my-plan"),
    path("my-plan/exercises/<int:exercise_pk>/done/", views.exercise_done, name="exercise-done"),
]
