from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("deliveries/", views.delivery_list, name="deliveries"),
    # Public: the one-click link in reminder emails.
    path("reminders/off/<str:token>/", views.reminders_off, name="reminders-off"),
]
