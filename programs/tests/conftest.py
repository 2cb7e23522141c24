"""Fixtures of the programs tests."""

import pytest


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    # Generated PDFs of a test go to its own folder (a live worker started later in the
    # test is given the same one).
    settings.MEDIA_ROOT = str(tmp_path / "media")
