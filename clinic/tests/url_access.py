"""Who may open each clinic URL. Read by tests/test_url_matrix.py.

Roles: anonymous, patient, therapist, admin, other_therapist (another clinic's therapist).
`own` builds kwargs for an object in the home clinic; `foreign` for one in the other clinic,
which must be a 404 for every signed-in role.
"""

from tests.url_matrix import Access, only

URL_ACCESS = {
    "home": Access(public=True, expect={"anonymous": 302, **only(302, 302, 302, 302)}),
    "healthz": Access(public=True, expect={"anonymous": 200, **only(200, 200, 200, 200)}),
    "invitation-accept": Access(
        public=True,
        own=lambda w: {"token": "no-such-token"},
        expect={"anonymous": 404, **only(404, 404, 404, 404)},
    ),
    "session-extend": Access(method="post", expect=only(200, 200, 200, 200)),
    "today": Access(expect=only(patient=200)),
    "caseload": Access(expect=only(therapist=200, admin=200, other_therapist=200)),
    "accounts": Access(expect=only(admin=200)),
    "staff-invite": Access(expect=only(admin=200)),
    "audit-log": Access(expect=only(admin=200)),
    "audit-export": Access(expect=only(admin=200)),
    "account-deactivate": Access(
        method="post",
        own=lambda w: {"pk": w.other_patient.user_id},
        foreign=lambda w: {"pk": w.other_clinic_patient.user_id},
        expect=only(admin=302),
    ),
    "account-reactivate": Access(
        method="post",
        own=lambda w: {"pk": w.other_patient.user_id},
        foreign=lambda w: {"pk": w.other_clinic_patient.user_id},
        expect=only(admin=302),
    ),
    "account-mfa-reset": Access(
        method="post",
        own=lambda w: {"pk": w.therapist.pk},
        foreign=lambda w: {"pk": w.other_therapist.pk},
        expect=only(admin=302),
    ),
    "invitation-resend": Access(
        method="post",
        own=lambda w: {"pk": w.invitation.pk},
        foreign=lambda w: {"pk": w.other_invitation.pk},
        expect=only(therapist=302, admin=302),
    ),
    "invitation-revoke": Access(
        method="post",
        own=lambda w: {"pk": w.invitation.pk},
        foreign=lambda w: {"pk": w.other_invitation.pk},
        expect=only(therapist=302, admin=302),
    ),
}
