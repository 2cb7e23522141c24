from django.urls import path

from . import views

app_name = "assessments"

urlpatterns = [
    # A patient's assessments (clinic staff)
    path("patients/<int:pk>/", views.patient_history, name="patient-history"),
    path("patients/<int:pk>/summary/", views.patient_summary, name="patient-summary"),
    path("patients/<int:pk>/charts/<slug:measure>.svg", views.chart, name="chart"),
    path(
        "patients/<int:pk>/treadmill/new/",
        views.test_create,
        {"kind": "treadmill"},
        name="treadmill-create",
    ),
    path("patients/<int:pk>/cart/new/", views.test_create, {"kind": "cart"}, name="cart-create"),
    path("patients/<int:pk>/walk/new/", views.test_create, {"kind": "walk"}, name="walk-create"),
    path(
        "patients/<int:pk>/questionnaires/<int:instrument_pk>/new/",
        views.administer,
        name="administer",
    ),
    path("patients/<int:pk>/assign/", views.assign, name="assign"),
    # One result (any version)
    path("treadmill/<int:pk>/", views.test_detail, {"kind": "treadmill"}, name="treadmill-detail"),
    path(
        "treadmill/<int:pk>/correct/",
        views.test_correct,
        {"kind": "treadmill"},
        name="treadmill-correct",
    ),
    path("cart/<int:pk>/", views.test_detail, {"kind": "cart"}, name="cart-detail"),
    path("cart/<int:pk>/correct/", views.test_correct, {"kind": "cart"}, name="cart-correct"),
    path("walk/<int:pk>/", views.test_detail, {"kind": "walk"}, name="walk-detail"),
    path("walk/<int:pk>/correct/", views.test_correct, {"kind": "walk"}, name="walk-correct"),
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
