"""Error pages say what is true (#15, point 5): a server error does not promise that nothing
was lost, and a database that is briefly away gets a retry-able 503, not a 500."""

from pathlib import Path

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.test import RequestFactory

from clinic.middleware import DatabaseUnavailableMiddleware

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def test_the_500_page_does_not_claim_nothing_was_lost():
    text = (TEMPLATES / "500.html").read_text()
    assert "Nothing you entered was lost" not in text
    assert "may not have been saved" in text


def _through_middleware(error):
    def view(request):
        raise error

    return DatabaseUnavailableMiddleware(view)(RequestFactory().post("/patients/me/walks/new/"))


def test_a_database_that_is_away_answers_503_with_retry_after():
    for error in (OperationalError("server closed the connection"), InterfaceError("gone")):
        response = _through_middleware(error)

        assert response.status_code == 503
        assert response["Retry-After"] == "10"
        body = response.content.decode()
        assert "try again in a moment" in body and "was not saved" in body


def test_other_responses_pass_untouched():
    response = DatabaseUnavailableMiddleware(lambda request: HttpResponse("ok"))(
        RequestFactory().get("/")
    )
    assert (response.status_code, response.content) == (200, b"ok")
