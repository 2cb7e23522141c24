from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from . import views

# The Django admin signs in through allauth, so its rate limits and MFA apply there too.
admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = "Stride platform"

# The floor's own pages, namespaced "clinic:" (role homes, Today, the caseload and the
# accounts page compose several apps and live in dashboard/).
clinic_patterns = [
    path("healthz", views.healthz, name="healthz"),
    path("session/extend/", views.session_extend, name="session-extend"),
    path("invite/<str:token>/", views.invitation_accept, name="invitation-accept"),
    path("clinic/accounts/invite/", views.staff_invite, name="staff-invite"),
    path(
        "clinic/accounts/<int:pk>/deactivate/", views.account_deactivate, name="account-deactivate"
    ),
    path(
        "clinic/accounts/<int:pk>/reactivate/", views.account_reactivate, name="account-reactivate"
    ),
    path("clinic/accounts/<int:pk>/mfa-reset/", views.account_mfa_reset, name="account-mfa-reset"),
    path("clinic/accounts/<int:pk>/unlock/", views.account_unlock, name="account-unlock"),
    # The link in the unlock email (clinic.lockout), beside allauth's own account pages.
    path("accounts/unlock/<str:token>/", views.account_unlock_by_link, name="account-unlock-link"),
    path("clinic/invitations/<int:pk>/resend/", views.invitation_resend, name="invitation-resend"),
    path("clinic/invitations/<int:pk>/revoke/", views.invitation_revoke, name="invitation-revoke"),
    path("clinic/audit/", views.audit_log, name="audit-log"),
    path("clinic/audit/export.csv", views.audit_export, name="audit-export"),
]

urlpatterns = [
    path("", include("dashboard.urls")),
    path("", include((clinic_patterns, "clinic"))),
    path("patients/", include("patients.urls")),
    path("programs/", include("programs.urls")),
    path("assessments/", include("assessments.urls")),
    path("documents/", include("documents.urls")),
    path("notifications/", include("notifications.urls")),
    # Reminder emails sent before notifications had its own URLs link here: keep them working.
    path(
        "patients/reminders/off/<str:token>/",
        RedirectView.as_view(pattern_name="notifications:reminders-off", permanent=True),
    ),
    path("", include("assessments.urls_public")),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
]
# No /media/ URL, in any mode: generated PDFs are patient data, served only by the audited,
# scoped download view (documents:download, documents:my-handout).
