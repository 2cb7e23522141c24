from django.apps import AppConfig


class ProgramsConfig(AppConfig):
    name = "programs"
    verbose_name = "Programmes"

    def ready(self):
        # patients sits below programs and cannot import it, so it announces red flags with a
        # domain signal; the receiver pauses the plan (CLINICAL.md §6: pause progression).
        from patients.signals import red_flag_raised

        from .receivers import pause_plan_on_red_flag

        red_flag_raised.connect(pause_plan_on_red_flag, dispatch_uid="programs-pause-on-red-flag")
