"""Receivers of other apps' domain signals. They call one service and hold no rules."""

from . import services


def pause_plan_on_red_flag(sender, *, patient, report, **kwargs):
    """docs/clinical-rules.md §6: any red flag pauses progression for the patient's plan."""
    services.plan_pause_for_red_flag(patient=patient, report=report)
