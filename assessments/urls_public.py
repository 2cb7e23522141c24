"""Public pages (no sign-in), included at the project root by clinic/urls.py."""

from django.urls import path

from . import views

urlpatterns = [
    path("stenosis-quiz/", views.stenosis_quiz, name="stenosis-quiz"),
]
