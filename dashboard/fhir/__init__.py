"""One patient as a FHIR R4 Bundle (JSON), for another clinical system to import (issue #11).

`record.record_for_patient()` reads what the Bundle holds through the apps' scoped
selectors, with a fixed number of queries whatever the number of walks;
`bundle.patient_bundle()` turns it into plain dicts with no database and no FHIR library
(fhir.resources validates the result in the tests only); `views.patient_fhir` serves it to
the patient's clinic and audits it as an export. It lives in dashboard because it reads
patients, assessments and programs. dashboard/README.md lists the codes and identifiers.
"""
