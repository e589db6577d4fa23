"""The site's form for members and curators to write a practice; the services do the saving."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from sebaya.accounts.models import Organisation
from sebaya.innovations.models import NARRATIVE_SECTIONS, Innovation, SdgGoal, Theme, Urusan
from sebaya.innovations.policies import innovation_policy
from sebaya.innovations.services import MIN_YEAR, max_year, year_error
from sebaya.regions.models import Region, RegionLevel

PEMDA_LEVELS = (RegionLevel.PROVINCE, RegionLevel.REGENCY, RegionLevel.CITY)

# The form's parts in reading order: (heading, field names). "organisation" only on create.
SECTIONS: list[tuple[str | Promise, list[str]]] = [
    (_("Pokok"), ["organisation", "title", "summary", "overview"]),
    (_("Asal dan pelaksana"), ["region", "opd_name", "website"]),
    (_("Klasifikasi"), ["themes", "urusan", "sdgs", "bentuk", "jenis", "inisiator"]),
    (_("Tahapan dan status"), ["year", "stage", "running_status", "status_checked_on"]),
    (_("Uraian praktik"), [name for name, _label in NARRATIVE_SECTIONS]),
]


def pemda_regions(*, include: int | None = None) -> QuerySet[Region]:
    """Provinces, kabupaten and kota that have a pemda, by code; plus `include` if given.

    `include` keeps a practice's current region choosable even when it is not a pemda
    (an imported record may point at another level), so editing never loses it silently.
    """
    pemda = Q(level__in=PEMDA_LEVELS) & ~Q(name__contains="Administrasi ")
    if include is not None:
        pemda |= Q(pk=include)
    return Region.objects.filter(pemda).order_by("code")


class LocalizedChoiceField(forms.ModelMultipleChoiceField):
    """Reference lists (themes, urusan, SDGs) labelled in the page's language."""

    def label_from_instance(self, obj: Any) -> str:
        name = obj.localized_name(get_language())
        if isinstance(obj, Urusan):
            return f"{obj.code} {name}"
        if isinstance(obj, SdgGoal):
            return f"{obj.number}. {name}"
        return str(name)


class RegionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.code})"


def _formfield(db_field: Any, **kwargs: Any) -> Any:
    # Django 6 makes https the default scheme for typed addresses; use it already (as the admin).
    if isinstance(db_field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return db_field.formfield(**kwargs)


class InnovationForm(forms.ModelForm):
    """Main fields and narrative of a practice. Publication status is never a form field."""

    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        label=_("Organisasi pemilik"),
        empty_label=_("Pilih organisasi"),
    )
    region = RegionChoiceField(
        queryset=Region.objects.none(),
        label=_("Wilayah asal"),
        required=False,
        empty_label=_("Pilih wilayah (bawaan: wilayah organisasi)"),
        help_text=_("Provinsi, kabupaten atau kota asal praktik."),
    )
    themes = LocalizedChoiceField(
        queryset=Theme.objects.all(),
        label=_("Tema"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    urusan = LocalizedChoiceField(
        queryset=Urusan.objects.all(),
        label=_("Urusan pemerintahan"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    sdgs = LocalizedChoiceField(
        queryset=SdgGoal.objects.all(),
        label=_("Tujuan SDG"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Innovation
        fields = [
            "title",
            "summary",
            "overview",
            "region",
            "opd_name",
            "website",
            "themes",
            "urusan",
            "sdgs",
            "bentuk",
            "jenis",
            "inisiator",
            "year",
            "stage",
            "running_status",
            "status_checked_on",
            *[name for name, _label in NARRATIVE_SECTIONS],
        ]
        formfield_callback = _formfield
        labels = dict(NARRATIVE_SECTIONS)
        help_texts = {
            "summary": _("Satu atau dua kalimat. Wajib diisi sebelum praktik diterbitkan."),
        }
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 3}),
            "overview": forms.Textarea(attrs={"rows": 5}),
            "status_checked_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            **{name: forms.Textarea(attrs={"rows": 4}) for name, _label in NARRATIVE_SECTIONS},
        }

    def __init__(
        self,
        *args: Any,
        user: Any,
        organisation: Organisation | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        creating = self.instance.pk is None
        if creating:
            field = cast(forms.ModelChoiceField, self.fields["organisation"])
            field.queryset = innovation_policy.organisations_for_create(user).order_by("name")
            # Curators may leave a practice without organisation, as in the admin.
            field.required = not innovation_policy.can_create(user, None)
            if organisation is not None:
                self.initial.setdefault("organisation", organisation.pk)
                if organisation.region_id:
                    self.initial.setdefault("region", organisation.region_id)
        else:
            del self.fields["organisation"]
        region = cast(forms.ModelChoiceField, self.fields["region"])
        region.queryset = pemda_regions(include=self.instance.region_id)
        self.fields["title"].widget.attrs.setdefault("autocomplete", "off")
        if creating:
            # Similar existing practices appear under the title as it is typed (htmx).
            self.fields["title"].widget.attrs.update(
                {
                    "hx-get": reverse("innovations:similar"),
                    "hx-trigger": "input changed delay:400ms",
                    "hx-target": "#similar-practices",
                    "hx-sync": "this:replace",
                    "aria-describedby": "similar-practices",
                }
            )
        year = self.fields["year"]
        year.widget.attrs.update({"min": MIN_YEAR, "max": max_year(), "inputmode": "numeric"})

    def clean_year(self) -> int | None:
        year = self.cleaned_data.get("year")
        message = year_error(year)
        if message:
            raise ValidationError(message)
        return year

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or self.cleaned_data
        if cleaned.get("region") is None and "region" not in self.errors:
            organisation = cleaned.get("organisation") or (
                self.instance.organisation if self.instance.pk else None
            )
            if organisation is not None and organisation.region_id:
                cleaned["region"] = organisation.region
            else:
                self.add_error("region", _("Wilayah asal wajib diisi."))
        return cleaned

    def _post_clean(self) -> None:
        # The services validate the record (and say so in Indonesian); the form does not write
        # the cleaned values onto the instance, so a refused edit leaves the loaded record as is.
        pass

    def sections(self) -> list[tuple[str | Promise, list[forms.BoundField]]]:
        return [
            (heading, [self[name] for name in names if name in self.fields])
            for heading, names in SECTIONS
        ]

    def service_fields(self) -> dict[str, Any]:
        """The cleaned values as keyword arguments for innovation_create/innovation_update."""
        return {name: value for name, value in self.cleaned_data.items() if name in self.fields}

    def add_service_errors(self, error: ValidationError) -> None:
        """Show a service's refusal next to the fields it names, or above the form."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for field, errors in error.error_dict.items():
            self.add_error(field if field in self.fields else None, errors)


def review_field_label(name: str) -> str:
    """The label of a field a review note may point at ("" is the general note)."""
    if not name:
        return str(_("Catatan umum"))
    if name in NARRATIVE_LABELS:
        return str(NARRATIVE_LABELS[name])
    try:
        field = Innovation._meta.get_field(name)
        return str(getattr(field, "verbose_name", name)).capitalize()
    except Exception:
        return name


NARRATIVE_LABELS = dict(NARRATIVE_SECTIONS)


class ReviewForm(forms.Form):
    """A curator's review: one optional note per field; verify, or ask for a revision."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from sebaya.innovations.services import REVIEW_FIELDS

        super().__init__(*args, **kwargs)
        for name in REVIEW_FIELDS:
            self.fields[f"note_{name or 'general'}"] = forms.CharField(
                label=review_field_label(name),
                required=False,
                max_length=5000,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def notes(self) -> dict[str, str]:
        """{field name: note} of the filled notes ("" for the general note)."""
        result = {}
        for key, value in self.cleaned_data.items():
            name = key.removeprefix("note_")
            if value and value.strip():
                result["" if name == "general" else name] = value
        return result


class RecheckForm(forms.Form):
    """The yearly "still running?" answer."""

    running_status = forms.ChoiceField(
        label=_("Apakah praktik ini masih berjalan?"),
        choices=[
            ("berjalan", _("Berlanjut: masih berjalan")),
            ("berhenti", _("Vakum: berhenti")),
        ],
        widget=forms.RadioSelect,
    )
    checked_on = forms.DateField(
        label=_("Diperiksa pada"),
        required=False,
        help_text=_("Kosongkan untuk hari ini."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
