from django.urls import path

from . import views
from .registry import WALK_TESTS

app_name = "assessments"

urlpatterns = [
    # A patient's assessments (clinic staff)
    path("patients/<int:pk>/", views.patient_history, name="patient-history"),
    path("patients/<int:pk>/summary/", views.patient_summary, name="patient-summary"),
    # Recording a walk test, one URL per kind in assessments.registry
    *(
        path(
            f"patients/<int:pk>/{kind.slug}/new/",
            views.test_create,
            {"kind": kind.slug},
            name=f"{kind.slug}-create",
        )
        for kind in WALK_TESTS
    ),
    path(
        "patients/<int:pk>/questionnaires/<int:instrument_pk>/new/",
        views.administer,
        name="administer",
    ),
    path("patients/<int:pk>/assign/", views.assign, name="assign"),
    # One result (any version)
    *(
        pattern
        for kind in WALK_TESTS
        for pattern in (
            path(
                f"{kind.slug}/<int:pk>/",
                views.test_detail,
                {"kind": kind.slug},
                name=f"{kind.slug}-detail",
            ),
            path(
                f"{kind.slug}/<int:pk>/correct/",
                views.test_correct,
                {"kind": kind.slug},
                name=f"{kind.slug}-correct",
            ),
        )
    ),
    path("questionnaires/<int:pk>/", views.administration_detail, name="administration-detail"),
    path(
        "questionnaires/<int:pk>/correct/",
        views.administration_correct,
        name="administration-correct",
    ),
    path("assignments/<int:pk>/stop/", views.assignment_stop, name="assignment-stop"),
    # Clinic settings (clinic admins)
    path("settings/", views.assessment_settings, name="settings"),
    # The patient's own pages
    path("me/", views.my_history, name="my-history"),
    path("me/due/<int:pk>/", views.my_answer, name="my-answer"),
    path("me/results/<int:pk>/", views.my_result, name="my-result"),
    path("me/stenosis-quiz/", views.my_quiz, name="my-quiz"),
]
