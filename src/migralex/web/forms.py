"""Forms of the pages. Every field has a label (rendered with ``<label for>``) and a clear error."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from migralex.documents.choices import DocType
from migralex.sources.models import Source


class CorrectionForm(forms.Form):
    themes = forms.MultipleChoiceField(
        label=_("Themes"), required=False, widget=forms.CheckboxSelectMultiple
    )
    doc_type = forms.ChoiceField(
        label=_("Document type"), required=False, choices=[("", "—"), *DocType.choices]
    )
    relevant = forms.ChoiceField(
        label=_("Relevant to migrants' rights"),
        required=False,
        choices=[("", _("Not decided")), ("yes", _("Relevant")), ("no", _("Not relevant"))],
    )

    def __init__(self, *args, lang: str = "fr", **kwargs):
        super().__init__(*args, **kwargs)
        from migralex.web.labels import theme_choices

        self.fields["themes"].choices = theme_choices(lang)


class UploadForm(forms.Form):
    file = forms.FileField(label=_("File"), help_text=_("PDF, Word, OpenDocument, HTML or text."))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size == 0:
            raise forms.ValidationError(_("The file is empty."))
        if upload.size > settings.MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(mb)d MB.")
                % {"mb": settings.MAX_UPLOAD_BYTES // (1024 * 1024)}
            )
        return upload


class SourceForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=300)
    kind = forms.ChoiceField(
        label=_("Type"),
        required=False,
        choices=[("", _("Detect from the address")), *Source.Kind.choices],
    )
    url = forms.CharField(
        label=_("Address"),
        max_length=2000,
        help_text=_("Web address (http or https), folder path or imap:// address."),
    )
    interval_minutes = forms.IntegerField(
        label=_("Check every (minutes)"), min_value=5, max_value=60 * 24 * 30, initial=60
    )
    country = forms.CharField(label=_("Country code"), max_length=8, required=False)
    language = forms.ChoiceField(
        label=_("Language"),
        required=False,
        choices=[("", "—"), ("fr", "français"), ("ar", "العربية"), ("en", "English")],
    )

    def clean_country(self):
        return self.cleaned_data["country"].strip().upper()

    def clean_url(self):
        url = self.cleaned_data["url"].strip()
        kind = self.data.get("kind", "")
        is_web = url.startswith(("http://", "https://"))
        is_mail = url.startswith(("imap://", "imaps://"))
        if kind in ("feed", "page", "listing", "sitemap", "json-api") and not is_web:
            raise forms.ValidationError(_("This type of source needs an http or https address."))
        if kind == "mailbox" and not is_mail:
            raise forms.ValidationError(_("A mailbox needs an imap:// or imaps:// address."))
        if not kind and not (is_web or is_mail or url.startswith("/")):
            raise forms.ValidationError(
                _("Give an http or https address, an imap:// address or a folder path.")
            )
        return url
