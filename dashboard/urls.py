from django.urls import path

from . import views

app_name = "dashboard"

urlpatterns = [
    path("", views.home, name="home"),
    path("today/", views.today, name="today"),
    path("caseload/", views.caseload, name="caseload"),
    path("clinic/accounts/", views.accounts, name="accounts"),
]
