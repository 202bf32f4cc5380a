"""Scheduling views by portal: patient, practice (the specialist's), calendars."""
