"""Pages that compose several apps: each role's home, the patient's Today, the therapist's
caseload and the admin's accounts page. They call selectors of the apps and hold no rules."""

from django.shortcuts import redirect, render

from assessments.selectors import questionnaires_due
from clinic import selectors as clinic_selectors
from clinic.access import admin_required, patient_required, staff_required
from clinic.audit import audit_list_view, audit_view
from clinic.forms import ReassignForm
from clinic.models import Role
from patients.dates import local_today
from patients.selectors import (
    MONITORING_DAYS_TARGET,
    caseload_page,
    last_walklog,
    patient_for_account,
    patients_for_user,
)
from programs.selectors import (
    retests_due_for_patients,
    today_for_patient,
    waiting_suggestions_for_caseload,
)

CASELOAD_PER_PAGE = 50


def home(request):
    user = request.user
    if not user.is_authenticated:
        return redirect("account_login")
    destinations = {
        Role.ADMIN: "dashboard:accounts",
        Role.THERAPIST: "dashboard:caseload",
        Role.PATIENT: "dashboard:today",
    }
    if user.role in destinations and user.clinic_id:
        return redirect(destinations[user.role])
    if user.is_superuser:
        return redirect("admin:index")
    return render(request, "clinic/no_clinic.html", status=404)


@patient_required
def today(request):
    patient = patient_for_account(request.user)
    if patient is not None:
        audit_view(request, patient_id=patient.pk, obj=patient)
    context = {
        "patient": patient,
        "questionnaires_due": questionnaires_due(request.user, patient),
        "last_walk": last_walklog(patient) if patient is not None else None,
        "plan_today": today_for_patient(patient),
    }
    return render(request, "dashboard/today.html", context)


@staff_required
def caseload(request):
    everyone = request.GET.get("show") == "all" or request.user.role == Role.ADMIN
    # A NUL can match no name, and PostgreSQL refuses one in a query (it was a 500).
    query = request.GET.get("q", "")[:100].replace("\x00", "")
    today = local_today(request.user.clinic.timezone)
    page = caseload_page(
        request.user,
        everyone=everyone,
        query=query,
        number=request.GET.get("page"),
        per_page=CASELOAD_PER_PAGE,
        today=today,
    )
    retests = retests_due_for_patients([p.pk for p in page.object_list], today=today)
    for patient in page.object_list:
        patient.retest_due = retests.get(patient.pk)
    filters = request.GET.copy()  # the page links keep the search and "whole clinic"
    filters.pop("page", None)
    context = {
        "page": page,
        "query_string": filters.urlencode(),
        "everyone": everyone,
        "query": query,
        "monitoring_target": MONITORING_DAYS_TARGET,
        "waiting_suggestions": waiting_suggestions_for_caseload(request.user, everyone=everyone),
    }
    audit_list_view(
        request,
        object_type="dashboard.caseload",
        show="all" if everyone else "own",
        search="yes" if query else "",
        page=page.number,
    )
    return render(request, "dashboard/caseload.html", context)


@admin_required
def accounts(request):
    therapists = clinic_selectors.therapists_for_clinic(request.user)
    context = {
        "accounts": clinic_selectors.accounts_for_admin(request.user),
        "patients": patients_for_user(request.user).select_related("primary_therapist", "user"),
        "reassign_form": ReassignForm(clinic_therapists=therapists),
        "therapists": therapists,
    }
    audit_list_view(request, object_type="dashboard.accounts")
    return render(request, "dashboard/accounts.html", context)
