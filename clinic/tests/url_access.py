"""Who may open each clinic URL. Read by tests/test_url_matrix.py.

Roles: anonymous, patient, therapist, admin, other_therapist (another clinic's therapist).
`own` builds kwargs for an object in the home clinic; `foreign` for one in the other clinic,
which must be a 404 for every signed-in role.
"""

from tests.url_matrix import Access, only

URL_ACCESS = {
    "clinic:healthz": Access(public=True, expect={"anonymous": 200, **only(200, 200, 200, 200)}),
    "clinic:invitation-accept": Access(
        public=True,
        own=lambda w: {"token": "no-such-token"},
        expect={"anonymous": 404, **only(404, 404, 404, 404)},
    ),
    "clinic:session-extend": Access(method="post", expect=only(200, 200, 200, 200)),
    "clinic:staff-invite": Access(expect=only(admin=200)),
    "clinic:audit-log": Access(expect=only(admin=200)),
    "clinic:audit-export": Access(expect=only(admin=200)),
    "clinic:account-deactivate": Access(
        method="post",
        own=lambda w: {"pk": w.other_patient.user_id},
        foreign=lambda w: {"pk": w.other_clinic_patient.user_id},
        expect=only(admin=302),
    ),
    "clinic:account-reactivate": Access(
        method="post",
        own=lambda w: {"pk": w.other_patient.user_id},
        foreign=lambda w: {"pk": w.other_clinic_patient.user_id},
        expect=only(admin=302),
    ),
    "clinic:account-mfa-reset": Access(
        method="post",
        own=lambda w: {"pk": w.therapist.pk},
        foreign=lambda w: {"pk": w.other_therapist.pk},
        expect=only(admin=302),
    ),
    "clinic:account-unlock": Access(
        method="post",
        own=lambda w: {"pk": w.patient.user_id},
        foreign=lambda w: {"pk": w.other_clinic_patient.user_id},
        expect=only(admin=302),
    ),
    "clinic:account-unlock-link": Access(
        public=True,
        own=lambda w: {"token": "no-such-token"},
        expect={"anonymous": 404, **only(404, 404, 404, 404)},
    ),
    "clinic:invitation-resend": Access(
        method="post",
        own=lambda w: {"pk": w.invitation.pk},
        foreign=lambda w: {"pk": w.other_invitation.pk},
        expect=only(therapist=302, admin=302),
    ),
    "clinic:invitation-revoke": Access(
        method="post",
        own=lambda w: {"pk": w.invitation.pk},
        foreign=lambda w: {"pk": w.other_invitation.pk},
        expect=only(therapist=302, admin=302),
    ),
}
