"""Domain signals of programs. Higher layers (documents, notifications) connect to them;
programs never imports them."""

import django.dispatch

# Sent inside the transaction that records a PlanVersion, with `plan=` and `version=`.
# documents connects a receiver that makes the patient's handout again for the new version.
plan_version_recorded = django.dispatch.Signal()
