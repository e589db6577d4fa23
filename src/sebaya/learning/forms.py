"""The site's forms of peer learning; they parse input, the services validate and save."""

from __future__ import annotations

import re
from typing import Any, cast
from urllib.parse import urlparse

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from sebaya.accounts.models import Organisation
from sebaya.innovations.forms import RegionChoiceField, pemda_regions
from sebaya.innovations.models import Innovation
from sebaya.learning.models import (
    ActionPlan,
    AdoptionStage,
    EventKind,
    EvidenceKind,
    LearningEvent,
    LearningProgramme,
)
from sebaya.learning.services import ActionPlanInput, EvidenceInput

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
SLUG_RE = re.compile(r"^[-a-zA-Z0-9_]+$")


class ServiceErrorsMixin:
    """Show a service's refusal next to the fields it names, or above the form."""

    def add_service_errors(self, error: ValidationError) -> None:
        form = cast(forms.BaseForm, self)
        if not hasattr(error, "error_dict"):
            form.add_error(None, error)
            return
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)


class ProgrammeForm(ServiceErrorsMixin, forms.ModelForm):
    organisers = forms.ModelMultipleChoiceField(
        queryset=Organisation.objects.none(),
        label=_("Organisasi penyelenggara"),
        widget=forms.CheckboxSelectMultiple,
    )
    focus_region = RegionChoiceField(
        queryset=Organisation.objects.none(),  # set per form: pemda regions
        label=_("Wilayah fokus"),
        required=False,
        empty_label=_("Tanpa wilayah fokus"),
    )

    class Meta:
        model = LearningProgramme
        fields = ["title", "theme", "description", "focus_region", "starts_on", "ends_on"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "starts_on": DATE,
            "ends_on": DATE,
        }

    def __init__(
        self, *args: Any, organisers: QuerySet[Organisation] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if organisers is None:
            del self.fields["organisers"]
        else:
            field = cast(forms.ModelMultipleChoiceField, self.fields["organisers"])
            field.queryset = organisers.order_by("name")
            if organisers.count() == 1:
                self.initial.setdefault("organisers", [organisers.get().pk])
        region = cast(forms.ModelChoiceField, self.fields["focus_region"])
        region.queryset = pemda_regions(include=self.instance.focus_region_id)

    def _post_clean(self) -> None:
        pass  # the services validate and write


class EventForm(ServiceErrorsMixin, forms.ModelForm):
    online_url = forms.URLField(
        label=_("Tautan daring"), required=False, assume_scheme="https", max_length=500
    )

    class Meta:
        model = LearningEvent
        fields = [
            "kind",
            "title",
            "starts_on",
            "ends_on",
            "place",
            "online_url",
            "description",
            "capacity",
            "registration_open",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "starts_on": DATE,
            "ends_on": DATE,
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].initial = EventKind.WORKSHOP

    def _post_clean(self) -> None:
        pass


class SessionForm(ServiceErrorsMixin, forms.Form):
    title = forms.CharField(label=_("Judul sesi"), max_length=250)
    starts_at = forms.TimeField(label=_("Mulai pukul"), required=False, widget=TIME)
    ends_at = forms.TimeField(label=_("Selesai pukul"), required=False, widget=TIME)
    description = forms.CharField(
        label=_("Uraian"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class FeaturedPracticeForm(ServiceErrorsMixin, forms.Form):
    practice = forms.CharField(
        label=_("Praktik"),
        max_length=500,
        help_text=_(
            "Tempel alamat halaman praktik (mis. …/praktik/laboratorium-kemiskinan/) atau slug-nya."
        ),
    )
    presenter = forms.ModelChoiceField(
        queryset=Organisation.objects.order_by("name"),
        label=_("Organisasi penyaji"),
        required=False,
        empty_label=_("Organisasi pemilik praktik"),
    )

    def clean_practice(self) -> Innovation:
        raw = self.cleaned_data["practice"].strip()
        slug = raw
        if "/" in raw:
            parts = [p for p in urlparse(raw).path.split("/") if p]
            slug = parts[-1] if parts else ""
        if not SLUG_RE.match(slug or ""):
            raise ValidationError(_("Alamat atau slug praktik tidak dikenali."))
        innovation = Innovation.objects.filter(slug=slug).select_related("organisation").first()
        if innovation is None:
            raise ValidationError(_("Praktik “%(slug)s” tidak ditemukan.") % {"slug": slug})
        return innovation


class MaterialForm(ServiceErrorsMixin, forms.Form):
    title = forms.CharField(label=_("Judul materi"), max_length=250)
    url = forms.URLField(label=_("Tautan"), required=False, assume_scheme="https")
    file = forms.FileField(
        label=_("atau berkas"),
        required=False,
        help_text=_("PDF, PNG/JPEG, docx, xlsx atau pptx; paling besar 10 MB."),
    )


class RegistrationForm(ServiceErrorsMixin, forms.Form):
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(), label=_("Mendaftar atas nama"), empty_label=None
    )

    def __init__(self, *args: Any, organisations: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["organisation"]).queryset = organisations


class PracticeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.title} ({obj.region.name})"


class ActionPlanForm(ServiceErrorsMixin, forms.ModelForm):
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(), label=_("Organisasi pengadopsi"), empty_label=None
    )
    innovation = PracticeChoiceField(
        queryset=Innovation.objects.none(),
        label=_("Praktik yang akan ditiru"),
        empty_label=None,
        widget=forms.RadioSelect,
    )

    class Meta:
        model = ActionPlan
        fields = [
            "modification",
            "rationale",
            "responsible_unit",
            "resources_needed",
            "target_pilot_on",
            "target_operation_on",
            "target_institutionalised_on",
        ]
        widgets = {
            "modification": forms.Textarea(attrs={"rows": 4}),
            "rationale": forms.Textarea(attrs={"rows": 3}),
            "resources_needed": forms.Textarea(attrs={"rows": 3}),
            "target_pilot_on": DATE,
            "target_operation_on": DATE,
            "target_institutionalised_on": DATE,
        }

    def __init__(
        self,
        *args: Any,
        organisations: QuerySet[Organisation] | None = None,
        practices: QuerySet[Innovation] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if organisations is None:
            del self.fields["organisation"]
        else:
            cast(forms.ModelChoiceField, self.fields["organisation"]).queryset = organisations
        if practices is None:
            del self.fields["innovation"]
        else:
            cast(forms.ModelChoiceField, self.fields["innovation"]).queryset = practices

    def _post_clean(self) -> None:
        pass

    def plan(self) -> ActionPlanInput:
        data = self.cleaned_data
        return ActionPlanInput(
            modification=data.get("modification") or "",
            rationale=data.get("rationale") or "",
            responsible_unit=data.get("responsible_unit") or "",
            resources_needed=data.get("resources_needed") or "",
            target_pilot_on=data.get("target_pilot_on"),
            target_operation_on=data.get("target_operation_on"),
            target_institutionalised_on=data.get("target_institutionalised_on"),
        )


class AdvanceForm(ServiceErrorsMixin, forms.Form):
    to_stage = forms.ChoiceField(label=_("Tahap baru"), choices=AdoptionStage.choices)
    date = forms.DateField(
        label=_("Tanggal"),
        widget=DATE,
        help_text=_("Kapan tahap ini tercapai; tidak boleh di masa depan."),
    )
    note = forms.CharField(
        label=_("Catatan"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    going_back = forms.BooleanField(
        label=_("Mundur tahap (mis. uji coba diulang); tulis alasannya di catatan"),
        required=False,
    )
    stopped_reason = forms.CharField(
        label=_("Alasan berhenti"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Wajib bila tahap baru adalah Berhenti."),
    )
    evidence_kind = forms.ChoiceField(
        label=_("Jenis bukti"),
        required=False,
        choices=[("", _("Tanpa bukti")), *EvidenceKind.choices],
        help_text=_(
            "Kesepakatan perlu surat minat atau MoU; pelembagaan perlu regulasi, "
            "dokumen anggaran atau RKPD."
        ),
    )
    evidence_title = forms.CharField(label=_("Judul dokumen"), required=False, max_length=300)
    evidence_reference = forms.CharField(
        label=_("Nomor dokumen"),
        required=False,
        max_length=200,
        help_text=_("Mis. Peraturan Bupati Nomor 12 Tahun 2024."),
    )
    evidence_date = forms.DateField(label=_("Tanggal dokumen"), required=False, widget=DATE)
    evidence_url = forms.URLField(
        label=_("Tautan dokumen"), required=False, assume_scheme="https", max_length=500
    )
    evidence_file = forms.FileField(
        label=_("Berkas dokumen"),
        required=False,
        help_text=_("PDF, PNG/JPEG, docx, xlsx atau pptx; paling besar 10 MB."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def evidence(self) -> list[EvidenceInput]:
        data = self.cleaned_data
        item = EvidenceInput(
            kind=data.get("evidence_kind") or "",
            title=data.get("evidence_title") or "",
            reference=data.get("evidence_reference") or "",
            date=data.get("evidence_date"),
            url=data.get("evidence_url") or "",
            file=data.get("evidence_file"),
        )
        if item.is_blank() and not item.kind:
            return []
        if not item.kind:
            item.kind = EvidenceKind.OTHER
        return [item]


class QuestionForm(ServiceErrorsMixin, forms.Form):
    body = forms.CharField(
        label=_("Pertanyaan Anda"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )


class AnswerForm(ServiceErrorsMixin, forms.Form):
    body = forms.CharField(
        label=_("Jawaban"), max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )
