"""Forms of the alerts pages: they validate input; the services do the work."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from migralex.alerts.models import Frequency, MailingList
from migralex.alerts.services import DELIVERY_SETTINGS
from migralex.search.query import FIELDS

WEEKDAYS = [
    (0, _("Monday")),
    (1, _("Tuesday")),
    (2, _("Wednesday")),
    (3, _("Thursday")),
    (4, _("Friday")),
    (5, _("Saturday")),
    (6, _("Sunday")),
]
LANGUAGES = [("fr", "Français"), ("ar", "العربية"), ("en", "English")]


class SavedSearchForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200, required=False)
    q = forms.CharField(label=_("Search"), max_length=1000, required=False)
    frequency = forms.ChoiceField(
        label=_("Frequency"), choices=Frequency.choices, initial=Frequency.DAILY
    )
    by_email = forms.BooleanField(label=_("By e-mail"), required=False, initial=True)
    expand = forms.BooleanField(
        label=_("Include translations from the thesaurus"), required=False, initial=True
    )
    digest_hour = forms.TypedChoiceField(
        label=_("Hour of the digest"),
        choices=[(h, f"{h:02d}:00") for h in range(24)],
        coerce=int,
        initial=8,
    )
    digest_weekday = forms.TypedChoiceField(
        label=_("Day of the weekly digest"), choices=WEEKDAYS, coerce=int, initial=0
    )
    webhook_url = forms.URLField(
        label=_("Webhook address"), required=False, max_length=1000, assume_scheme="https"
    )

    def settings(self) -> dict:
        """The delivery settings the create and edit services both take."""
        return {key: self.cleaned_data[key] for key in DELIVERY_SETTINGS}

    def filters_from(self, data) -> dict:
        """Filters posted as ``f_<name>`` fields (the search page's current facets)."""
        out = {}
        for name in FIELDS:
            values = [v for v in data.getlist(f"f_{name}") if v]
            if values:
                out[name] = values if len(values) > 1 else values[0]
        return out


class BulletinForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    language = forms.ChoiceField(label=_("Language"), choices=LANGUAGES)
    introduction = forms.CharField(label=_("Introduction"), widget=forms.Textarea, required=False)
    mailing_list = forms.ModelChoiceField(
        label=_("Mailing list"), queryset=MailingList.objects.all(), required=False
    )


class MailingListForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    language = forms.ChoiceField(label=_("Language"), choices=LANGUAGES)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea, required=False)


class SubscribeForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"))
    language = forms.ChoiceField(label=_("Language"), choices=LANGUAGES)
