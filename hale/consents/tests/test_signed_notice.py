"""A signature tells the patient's specialists (in-app on the platform host, and email)."""

from hale.consents.tests.conftest import sign
from hale.notifications.models import Notification


def test_the_specialist_in_care_is_told_when_the_patient_signs(
    care, patient_a, specialist, specialist_2, template_a
):
    sign(patient_a, template_a)
    (notice,) = Notification.objects.filter(kind="consent.signed")
    assert notice.user == specialist.user and notice.portal == "platform"
    assert "Alice Patient signed “Consent to online therapy”" == notice.title
    assert notice.url.endswith(f"/practice/patients/{patient_a.uuid}/#consents")
    assert not Notification.objects.filter(kind="consent.signed", user=specialist_2.user).exists()


def test_without_a_specialist_in_care_nobody_is_told(patient_a, template_a):
    sign(patient_a, template_a)
    assert not Notification.objects.filter(kind="consent.signed").exists()
