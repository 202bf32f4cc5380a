"""Matching views by concern: browse (the patient's discovery, brand host), practice (the
specialist's listings), staff (the listings back office), leads (clinical supervision) and
questionnaire; what they share is in ``common``. Program views live with the programs
(``hale.matching.programs.views``)."""
