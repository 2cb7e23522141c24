"""Domain signals of the patients app. Higher layers connect to them; patients never imports
them (clinic <- patients <- assessments <- programs <- notifications)."""

import django.dispatch

# Sent inside the transaction that opens a RedFlagReport, with `patient=` and `report=`.
# programs connects a receiver that pauses the patient's active plan (docs/clinical-rules.md
# §6, §7);
# notifications one that makes an alert row per recipient and queues the emails on commit.
# Each receiver writes inside its own transaction.atomic() block: one that fails is rolled
# back to its savepoint and logged, and never stops the report or another receiver's work.
red_flag_raised = django.dispatch.Signal()
