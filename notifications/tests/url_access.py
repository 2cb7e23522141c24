"""Who may open each notifications URL. Read by tests/test_url_matrix.py."""

from tests.url_matrix import Access, only

URL_ACCESS = {
    "notifications:deliveries": Access(expect=only(admin=200)),
    # Public (the signed link in reminder emails); a made-up token changes nothing: 404.
    "notifications:reminders-off": Access(
        public=True,
        own=lambda w: {"token": "not-a-signed-token"},
        expect={"anonymous": 404, **only(404, 404, 404, 404)},
    ),
}
