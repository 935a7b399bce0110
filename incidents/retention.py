"""The erasure of objectors' personal data once the organisation's retention has run out.

The contact row (name, addresses, the objector's own words) is deleted; the objection keeps its
case number, dates, routing and outcome, and its history records when the data was erased and
why, without the data. ObjectorContact is not history-tracked, so no copy remains.
"""

import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from incidents.models import Objection, ObjectorContact
from incidents.selectors import objections_past_retention
from registry import history


def erase_objector_data(*, now: datetime.datetime) -> int:
    """Erase the contact data and words of objectors past retention; the erasure is recorded."""
    erased = 0
    for candidate in objections_past_retention(now=now):
        with transaction.atomic():
            objection = Objection.objects.select_for_update().get(pk=candidate.pk)
            if objection.personal_data_erased_at is not None:
                continue  # another run erased it meanwhile
            ObjectorContact.objects.filter(objection=objection).delete()
            objection.personal_data_erased_at = now
            history.save_tracked(
                objection,
                actor=None,
                reason=_("Personenbezogene Daten nach Ablauf der Aufbewahrungsfrist gelöscht"),
            )
        erased += 1
    return erased
