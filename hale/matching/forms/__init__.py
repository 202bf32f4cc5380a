"""Matching forms by concern: browse (the patient's discovery), staff (the listings back
office), listing requests, leads and questionnaire; shared fields in ``fields``. Program
forms live with the programs (``hale.matching.programs.forms``)."""
