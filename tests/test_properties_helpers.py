"""The checks the property tests end every example with catch what they are meant to."""

from django.http import HttpResponse
from hypothesis import given

from patients.models import Patient
from tests.properties import (
    HTML_PAYLOADS,
    PROPERTY_SETTINGS,
    every_field_examples,
    form_data,
    forms_on,
    invalid_rows,
    isolated,
    snapshot,
    unescaped_payloads,
)

PAGE = """
<form method="get" action="/patients/1/walks/"><input name="date_from" type="date"></form>
<form method="post">
  <input type="hidden" name="csrfmiddlewaretoken" value="t0ken">
  <input type="number" name="minutes" min="0.5" max="600" step="0.5" required>
  <select name="support"><option value="">--</option><option value="cart" selected>Cart</option>
  </select>
  <input type="checkbox" name="areas" value="back"><input type="checkbox" name="areas" value="calf">
  <textarea name="note">
Walked</textarea>
  <button type="submit">Save</button>
</form>
"""


def test_the_forms_of_a_page_are_read_with_their_fields_and_targets():
    search, walk = forms_on(PAGE, "/patients/me/walks/new/")

    assert (search.method, search.action, list(search.fields)) == (
        "get",
        "/patients/1/walks/",
        ["date_from"],
    )
    assert (walk.method, walk.action) == ("post", "/patients/me/walks/new/")
    assert list(walk.fields) == ["csrfmiddlewaretoken", "minutes", "support", "areas", "note"]
    assert walk.fields["support"].values == ["", "cart"]
    assert walk.fields["support"].initial == ["cart"]
    assert walk.fields["areas"].values == ["back", "calf"]
    assert walk.fields["note"].initial == ["Walked"]
    assert walk.fields["minutes"].attrs["step"] == "0.5"


def test_every_field_examples_keep_the_token_and_fill_every_field():
    walk = forms_on(PAGE, "/x/")[1]

    examples = every_field_examples(walk)

    assert examples[0] == {"csrfmiddlewaretoken": ["t0ken"]}
    assert examples[1]["note"] == examples[1]["minutes"] == ["\x00"]
    assert all(e["csrfmiddlewaretoken"] == ["t0ken"] for e in examples)


@PROPERTY_SETTINGS
@given(data=form_data(forms_on(PAGE, "/x/")[1]))
def test_form_data_sends_every_field_as_a_list_of_strings(data):
    assert all(isinstance(v, list) and all(isinstance(s, str) for s in v) for v in data.values())


def test_a_saved_row_that_fails_its_model_validation_is_reported(patient):
    before = snapshot()
    with isolated():
        Patient.objects.filter(pk=patient.pk).update(full_name="")
        assert invalid_rows(before) == [
            (f"patients.Patient {patient.pk}", {"full_name": ["This field cannot be blank."]})
        ]
    assert invalid_rows(before) == []  # and the example was rolled back


def test_a_payload_echoed_raw_in_html_is_reported_and_an_escaped_one_is_not():
    raw = HttpResponse(f"<p>{HTML_PAYLOADS[0]}</p>", content_type="text/html")
    escaped = HttpResponse("<p>&lt;script&gt;alert(&#x27;hyp0x&#x27;)&lt;/script&gt;</p>")
    csv = HttpResponse(HTML_PAYLOADS[0], content_type="text/csv")

    assert unescaped_payloads(raw) == [HTML_PAYLOADS[0]]
    assert unescaped_payloads(escaped) == []
    assert unescaped_payloads(csv) == []  # not HTML: the CSV test checks CSV
