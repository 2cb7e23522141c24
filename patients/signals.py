"""Domain signals of the patients app. Higher layers connect to them; patients never imports
them (clinic <- patients <- assessments <- programs)."""

import django.dispatch

# Sent inside the transaction that opens a RedFlagReport, with `patient=` and `report=`.
# programs connects a receiver that pauses the patient's active plan (CLINICAL.md §6, §7).
# A receiver that fails is logged and rolled back to a savepoint: it never stops the report
# or its alert.
red_flag_raised = django.dispatch.Signal()
