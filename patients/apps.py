from django.apps import AppConfig


class PatientsConfig(AppConfig):
    name = "patients"
    verbose_name = "Patients"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from .receivers import remember_large_text

        user_logged_in.connect(remember_large_text, dispatch_uid="patients-large-text")
