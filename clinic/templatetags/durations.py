"""`{% load durations %}`: {{ seconds|duration }}, {{ minutes|minutes_duration }} and
{{ seconds|mmss }} (clinic/durations.py)."""

from django import template

from clinic import durations

register = template.Library()

register.filter("duration", durations.duration_text)
register.filter("minutes_duration", durations.minutes_duration_text)
register.filter("mmss", durations.mmss)
