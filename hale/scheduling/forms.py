"""Forms of the scheduling pages. They parse and validate; actions do the work."""

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from hale.scheduling.models import BookingPolicy, DateOverride, SessionType, Weekday
from hale.scheduling.slots import local_to_utc
from hale.scheduling.windows import MAX_WINDOWS, TimeWindow


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class SessionTypeForm(forms.ModelForm):
    price = forms.DecimalField(
        label=_("Price"),
        min_value=0,
        max_value=100000,
        decimal_places=2,
        help_text=_("0 for a free session."),
    )

    class Meta:
        model = SessionType
        fields = [
            "name",
            "duration_minutes",
            "currency",
            "modality",
            "location",
            "buffer_before_minutes",
            "buffer_after_minutes",
            "minimum_notice_minutes",
            "booking_horizon_days",
            "is_active",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["price"].initial = self.instance.price_minor / 100
        else:
            self.fields["price"].initial = 0
        self.order_fields(["name", "duration_minutes", "price", "currency"])

    def clean_currency(self):
        return self.cleaned_data["currency"].upper()

    def clean(self):
        data = super().clean()
        if data.get("modality") == "in_person" and not (data.get("location") or "").strip():
            self.add_error("location", _("In-person sessions need a location."))
        return data

    def values(self) -> dict:
        values = dict(self.cleaned_data)
        values["price_minor"] = int(values.pop("price") * 100)
        return values


def _end_after_start(form: forms.Form, data: dict) -> None:
    """Both times given and the end not after the start: an error on the end time."""
    if data.get("start_time") and data.get("end_time") and data["end_time"] <= data["start_time"]:
        form.add_error("end_time", _("The end time must be after the start time."))


class WeeklyRuleForm(forms.Form):
    weekday = forms.TypedChoiceField(label=_("Day"), choices=Weekday.choices, coerce=int)
    start_time = forms.TimeField(label=_("From"), widget=TimeInput())
    end_time = forms.TimeField(label=_("Until"), widget=TimeInput())

    def clean(self):
        data = super().clean()
        _end_after_start(self, data)
        return data


class DateOverrideForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=DateInput())
    kind = forms.ChoiceField(label=_("Kind"), choices=DateOverride.Kind.choices)
    start_time = forms.TimeField(
        label=_("From"),
        widget=TimeInput(),
        required=False,
        help_text=_("Leave both times empty for a whole day off."),
    )
    end_time = forms.TimeField(label=_("Until"), widget=TimeInput(), required=False)

    def clean(self):
        data = super().clean()
        start, end = data.get("start_time"), data.get("end_time")
        if data.get("kind") == DateOverride.Kind.EXTRA and (start is None or end is None):
            raise forms.ValidationError(_("Extra hours need a start and an end time."))
        if (start is None) != (end is None):
            raise forms.ValidationError(_("Give both times, or none for the whole day."))
        if start is not None and end <= start:
            self.add_error("end_time", _("The end time must be after the start time."))
        return data


class BreakForm(forms.Form):
    weekday = forms.TypedChoiceField(
        label=_("Every"),
        choices=[("", _("— one date only —")), *Weekday.choices],
        coerce=int,
        empty_value=None,
        required=False,
    )
    date = forms.DateField(label=_("Or on date"), widget=DateInput(), required=False)
    start_time = forms.TimeField(label=_("From"), widget=TimeInput())
    end_time = forms.TimeField(label=_("Until"), widget=TimeInput())

    def clean(self):
        data = super().clean()
        if (data.get("weekday") is None) == (data.get("date") is None):
            raise forms.ValidationError(_("Choose either a day of the week or a date."))
        _end_after_start(self, data)
        return data


class LocalMomentMixin:
    """Turns a date and a local time in ``zone`` into a UTC instant."""

    zone = None

    def local_moment(self, day: dt.date, time: dt.time) -> dt.datetime:
        return local_to_utc(day, time, self.zone)


class OneOffSlotForm(LocalMomentMixin, forms.Form):
    date = forms.DateField(label=_("Date"), widget=DateInput())
    start_time = forms.TimeField(label=_("From"), widget=TimeInput())
    end_time = forms.TimeField(label=_("Until"), widget=TimeInput())

    def __init__(self, *args, zone, **kwargs):
        super().__init__(*args, **kwargs)
        self.zone = zone

    def clean(self):
        data = super().clean()
        _end_after_start(self, data)
        return data

    def interval(self) -> tuple[dt.datetime, dt.datetime]:
        d = self.cleaned_data
        return self.local_moment(d["date"], d["start_time"]), self.local_moment(
            d["date"], d["end_time"]
        )


class ProposeForm(LocalMomentMixin, forms.Form):
    patient = forms.ChoiceField(label=_("Patient"))
    session_type = forms.ChoiceField(label=_("Session type"))
    date = forms.DateField(label=_("Date"), widget=DateInput())
    time = forms.TimeField(label=_("Start time"), widget=TimeInput())
    expires_in_hours = forms.IntegerField(
        label=_("Patient must answer within (hours)"), min_value=1, max_value=336, initial=48
    )
    notes = forms.CharField(
        label=_("Note for the patient"), required=False, max_length=1000, widget=forms.Textarea
    )

    def __init__(self, *args, patients, session_types, zone, **kwargs):
        super().__init__(*args, **kwargs)
        self.zone = zone
        self.fields["patient"].choices = [
            (str(p.uuid), f"{p.full_name or p.email} ({p.brand.name})") for p in patients
        ]
        self.fields["session_type"].choices = [(str(s.uuid), str(s)) for s in session_types]

    def start(self) -> dt.datetime:
        return self.local_moment(self.cleaned_data["date"], self.cleaned_data["time"])


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )


class OptionalReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (optional)"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class NotesForm(forms.Form):
    notes = forms.CharField(
        label=_("Notes for the patient"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ChangeProposalForm(LocalMomentMixin, forms.Form):
    """Change a proposal still waiting for the patient."""

    session_type = forms.ChoiceField(label=_("Session type"))
    date = forms.DateField(label=_("Date"), widget=DateInput())
    time = forms.TimeField(label=_("Start time"), widget=TimeInput())
    expires_in_hours = forms.IntegerField(
        label=_("Patient must answer within (hours, from now)"), min_value=1, max_value=336
    )
    notes = forms.CharField(
        label=_("Note for the patient"), required=False, max_length=1000, widget=forms.Textarea
    )

    def __init__(self, *args, session_types, zone, **kwargs):
        super().__init__(*args, **kwargs)
        self.zone = zone
        self.fields["session_type"].choices = [(str(s.uuid), str(s)) for s in session_types]

    def start(self) -> dt.datetime:
        return self.local_moment(self.cleaned_data["date"], self.cleaned_data["time"])


class AvailabilityRequestForm(forms.Form):
    """Up to ``MAX_WINDOWS`` rows of days and a time range (``window<n>_days``, ``_from``,
    ``_to``); the first is needed, the others are used when filled in. ``windows`` holds
    them once valid."""

    session_type = forms.ChoiceField(label=_("Session type"), required=False)
    preferred_times = forms.CharField(
        label=_("Anything else about times (optional)"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For example: not the week of the 14th."),
    )
    message = forms.CharField(
        label=_("Message (optional)"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, session_types, **kwargs):
        super().__init__(*args, **kwargs)
        self.session_types = {str(s.uuid): s for s in session_types}
        self.fields["session_type"].choices = [("", _("Any session type"))] + [
            (key, str(s)) for key, s in self.session_types.items()
        ]
        for n in range(1, MAX_WINDOWS + 1):
            self.fields[f"window{n}_days"] = forms.TypedMultipleChoiceField(
                label=_("Days"),
                choices=Weekday.choices,
                coerce=int,
                required=False,
                widget=forms.CheckboxSelectMultiple,
            )
            self.fields[f"window{n}_from"] = forms.TimeField(
                label=_("From"), required=False, widget=TimeInput()
            )
            self.fields[f"window{n}_to"] = forms.TimeField(
                label=_("Until"), required=False, widget=TimeInput()
            )
        self.windows: list[TimeWindow] = []

    def window_rows(self):
        """(number, days, from, until) bound fields, for the template."""
        return [
            (n, self[f"window{n}_days"], self[f"window{n}_from"], self[f"window{n}_to"])
            for n in range(1, MAX_WINDOWS + 1)
        ]

    def clean(self):
        data = super().clean()
        windows = []
        for n in range(1, MAX_WINDOWS + 1):
            days, start, end = (data.get(f"window{n}_{part}") for part in ("days", "from", "to"))
            if not days and start is None and end is None:
                continue
            if not days:
                self.add_error(f"window{n}_days", _("Choose at least one day."))
            if start is None:
                self.add_error(f"window{n}_from", _("Enter the earliest time that suits you."))
            if end is None:
                self.add_error(f"window{n}_to", _("Enter the latest time that suits you."))
            if days and start is not None and end is not None:
                if end <= start:
                    self.add_error(f"window{n}_to", _("The end time must be after the start time."))
                else:
                    windows.append(TimeWindow(tuple(sorted(set(days))), start, end))
        if not windows and not self.errors:
            self.add_error(
                "window1_days", _("Choose at least one day and a time range that suits you.")
            )
        self.windows = windows
        return data

    def chosen_session_type(self):
        return self.session_types.get(self.cleaned_data.get("session_type") or "")


class PreferencesForm(forms.Form):
    calendar_view = forms.ChoiceField(label=_("Calendar opens in"))
    proposal_expiry_hours = forms.IntegerField(
        label=_("Patients answer proposals within (hours)"), min_value=1, max_value=336
    )
    default_session_type = forms.ChoiceField(
        label=_("Default session type for proposals"), required=False
    )
    week_starts_on = forms.TypedChoiceField(label=_("Weeks start on"), coerce=int)
    day_starts_at = forms.IntegerField(
        label=_("Calendar days show from (hour)"), min_value=0, max_value=23
    )
    day_ends_at = forms.IntegerField(
        label=_("Calendar days show until (hour)"),
        min_value=1,
        max_value=24,
        help_text=_("Sessions and open hours outside these hours are still shown."),
    )
    feed_shows_patient_names = forms.BooleanField(
        label=_("Show patient names in my calendar feed"),
        required=False,
        help_text=_(
            "Off: events read “Session (video)”. Your calendar provider stores what the "
            "feed contains."
        ),
    )

    def __init__(self, *args, session_types, **kwargs):
        from hale.scheduling.models import SchedulePreferences

        super().__init__(*args, **kwargs)
        self.session_types = {str(s.uuid): s for s in session_types}
        self.fields["calendar_view"].choices = SchedulePreferences.View.choices
        self.fields["week_starts_on"].choices = SchedulePreferences.WeekStart.choices
        self.fields["default_session_type"].choices = [("", _("No default"))] + [
            (key, str(s)) for key, s in self.session_types.items()
        ]

    def clean(self):
        data = super().clean()
        start, end = data.get("day_starts_at"), data.get("day_ends_at")
        if start is not None and end is not None and end <= start:
            self.add_error("day_ends_at", _("The day must end after it starts."))
        return data

    def values(self) -> dict:
        data = dict(self.cleaned_data)
        data["default_session_type"] = self.session_types.get(data["default_session_type"] or "")
        return data


class BusySourceForm(forms.Form):
    name = forms.CharField(
        label=_("Name"), max_length=80, help_text=_("For example: Work calendar.")
    )
    url = forms.CharField(
        label=_("Calendar address (ICS)"),
        max_length=2000,
        widget=forms.URLInput(),
        help_text=_("The secret address in iCal format from Google, Outlook or Apple Calendar."),
    )

    def clean_url(self):
        from hale.scheduling.busy_import import ImportFailed, normalise_url

        try:
            return normalise_url(self.cleaned_data["url"])
        except ImportFailed as exc:
            raise forms.ValidationError(exc.message) from exc


def posted_version(data) -> int:
    """The appointment ``sequence`` a form was rendered with. Missing or garbled counts as
    stale (-1 never matches), so an answer from an unknown page is refused, not applied."""
    try:
        return int(data.get("version", ""))
    except (TypeError, ValueError):
        return -1


class BookingPolicyForm(forms.ModelForm):
    class Meta:
        model = BookingPolicy
        fields = [
            "cancellation_notice_hours",
            "request_response_hours",
            "remind_day_before",
            "remind_hour_before",
        ]
