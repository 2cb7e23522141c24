"""Generated PDFs are served only through the audited, scoped download view, in every mode
(#16, point 9): no /media/ URL returns a file, not even in the demo (DEBUG)."""

import importlib

import pytest
from django.test import override_settings
from django.urls import clear_url_caches

from documents.tests.factories import ready_document


@pytest.fixture
def debug_urls():
    """The URLconf as the demo (DEBUG=True) builds it."""
    import clinic.urls

    with override_settings(DEBUG=True):
        importlib.reload(clinic.urls)
        clear_url_caches()
        yield
    importlib.reload(clinic.urls)
    clear_url_caches()


def test_a_documents_file_url_is_a_404_even_in_the_demo(debug_urls, patient, client_for):
    document = ready_document(patient)

    for client in (client_for(None), client_for(patient.user)):
        assert client.get(document.file.url).status_code == 404
