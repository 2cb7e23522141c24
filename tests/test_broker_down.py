"""No response depends on the broker being up (#15, point 1): a patient on a plan reports a
red flag while the broker is unreachable (a real closed port): the urgent-care page shows,
the report and its alert rows are saved once, the plan is paused, and the handout the
pause asks for stays pending for its retry instead of failing the request."""

import pytest
from django.urls import reverse

from documents.models import Document
from notifications.models import Delivery
from notifications.tests.test_alerts import broker_down
from patients.models import RedFlagReport
from programs.models import Plan
from programs.tests.factories import assign_plan


@pytest.mark.django_db(transaction=True)
def test_a_red_flag_on_a_plan_while_the_broker_is_down_shows_the_urgent_page(world, client_for):
    plan = assign_plan(world.patient, by=world.therapist, weeks_ago=1)
    client = client_for(world.patient.user)

    with broker_down():
        response = client.post(reverse("patients:redflag-report"), {"signs": ["weakness"]})
        urgent = client.get(response["Location"])

    assert response.status_code == 302 and urgent.status_code == 200
    assert "Go to an emergency department now" in urgent.content.decode()
    report = RedFlagReport.objects.get()
    assert Delivery.objects.filter(red_flag_report=report, status="pending").count() == 2
    assert Plan.objects.get(pk=plan.pk).status == "paused"
    # The pause asked for a fresh handout: the row is there, waiting, not lost.
    assert Document.objects.filter(plan=plan, status="pending").exists()
