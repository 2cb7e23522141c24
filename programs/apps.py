from django.apps import AppConfig


class ProgramsConfig(AppConfig):
    name = "programs"
    verbose_name = "Programmes"

    def ready(self):
        # patients sits below programs and cannot import it, so it announces red flags with a
        # domain signal; the receiver pauses the plan (docs/clinical-rules.md §6: pause
        # progression).
        from patients.signals import red_flag_raised

        from .receivers import pause_plan_on_red_flag

        red_flag_raised.connect(pause_plan_on_red_flag, dispatch_uid="programs-pause-on-red-flag")

        # docs/clinical-rules.md §7.7: every patient page reads the rules of the patient's
        # open plan (the clinic's with the plan's overrides), which only programs knows.
        from patients.rules import register_rules_provider

        from .selectors import rules_for_plan_patient

        register_rules_provider(rules_for_plan_patient)

        # The walk timer follows today's prescription (docs/clinical-rules.md §1, §7), which
        # only programs knows: registered the same way.
        from patients.prescription import register_prescription_provider

        from .selectors import walk_prescription_for_patient

        register_prescription_provider(walk_prescription_for_patient)
