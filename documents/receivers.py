"""Receivers of lower apps' domain signals. They call one service and hold no rules."""

from . import services


def handout_follow_plan(sender, *, plan, version, **kwargs):
    """The patient's handout follows the plan: made again (in the background, on commit)
    after every change of an open plan."""
    services.handout_regenerate(plan=plan)
