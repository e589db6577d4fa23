"""Forms of the curators' import pages and the export page; the services do the work."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from sebaya.exchange.exports import DATASETS, FORMATS
from sebaya.exchange.models import ImportJob, ImportKind
from sebaya.exchange.uploads import max_upload_bytes

COLUMN_LABELS = {
    "id": _("ID di kumpulan data"),
    "source": _("Kumpulan data (per baris)"),
    "title": _("Nama inovasi"),
    "region_code": _("Kode wilayah Kemendagri"),
    "region_province": _("Provinsi"),
    "region_name": _("Pemda / wilayah"),
    "region_level": _("Tingkat wilayah"),
    "year": _("Tahun"),
    "sector": _("Sektor"),
    "stage": _("Tahapan"),
    "jenis": _("Jenis"),
    "bentuk": _("Bentuk"),
    "inisiator": _("Inisiator"),
    "urusan": _("Urusan"),
    "themes": _("Tema"),
    "summary_id": _("Ringkasan"),
    "source_url": _("Sumber (tautan)"),
    "more_sources": _("Sumber lain"),
    "indicator": _("Indikator"),
    "period": _("Periode"),
    "value": _("Nilai"),
    "value_percent": _("Nilai (persen)"),
    "unit": _("Satuan"),
    "note": _("Catatan"),
    "series": _("Patahan seri (ya/tidak)"),
}


class UploadForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Jenis data"), choices=ImportKind.choices, initial=ImportKind.PRACTICES
    )
    file = forms.FileField(
        label=_("Berkas"),
        help_text=_("CSV (UTF-8), XLSX, JSONL atau JSON; paling besar %(mb)s MB.")
        % {"mb": max_upload_bytes() // (1024 * 1024)},
        widget=forms.ClearableFileInput(
            attrs={"accept": ".csv,.xlsx,.jsonl,.json,text/csv,application/json"}
        ),
    )
    source = forms.CharField(
        label=_("Nama kumpulan data"),
        max_length=64,
        required=False,
        help_text=_(
            "Mis. “iga-2023”. Rekaman diperbarui, bukan digandakan, bila kumpulan data dan ID "
            "sama. Kosong: nama berkas."
        ),
    )
    default_source_url = forms.URLField(
        label=_("Tautan sumber kumpulan data"),
        required=False,
        assume_scheme="https",
        help_text=_("Dipakai untuk baris yang tidak punya kolom sumber sendiri."),
    )


class MappingForm(forms.Form):
    """One choice per header of the file; plus the options of the kind of data."""

    def __init__(
        self,
        *args: Any,
        job: ImportJob,
        headers: list[str],
        columns: tuple[str, ...],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.job = job
        self.headers = headers
        choices = [("", _("(abaikan kolom ini)"))] + [
            (c, f"{COLUMN_LABELS.get(c, c)} ({c})") for c in columns
        ]
        for index, header in enumerate(headers):
            self.fields[f"col_{index}"] = forms.ChoiceField(
                label=header, choices=choices, required=False, initial=job.mapping.get(header, "")
            )
        self.fields["source"] = forms.CharField(
            label=_("Nama kumpulan data"), max_length=64, required=False, initial=job.source
        )
        self.fields["default_source_url"] = forms.URLField(
            label=_("Tautan sumber kumpulan data"),
            required=False,
            assume_scheme="https",
            initial=job.default_source_url,
        )
        self.fields["skip_invalid"] = forms.BooleanField(
            label=_("Tulis baris yang sah saja (baris yang gagal dilewati dan dicatat)"),
            required=False,
            initial=job.skip_invalid,
            help_text=_(
                "Tanpa pilihan ini impor bersifat atomik: satu baris gagal, tidak ada yang ditulis."
            ),
        )
        if job.kind == ImportKind.INDICATORS:
            self.fields["shape"] = forms.ChoiceField(
                label=_("Bentuk tabel"),
                choices=[
                    ("auto", _("Kenali otomatis")),
                    ("long", _("Panjang: satu nilai per baris")),
                    ("wide", _("Lebar: wilayah di baris, periode di kolom")),
                ],
                initial=job.options.get("shape", "auto"),
            )
            for name, label in (
                ("indicator", _("Indikator (bila tidak ada kolomnya)")),
                ("unit", _("Satuan (bila tidak ada kolomnya)")),
                ("region_level", _("Tingkat wilayah (bila tidak ada kolomnya)")),
                ("note", _("Catatan untuk semua nilai")),
            ):
                self.fields[name] = forms.CharField(
                    label=label, required=False, max_length=200, initial=job.options.get(name, "")
                )
        else:
            self.fields["default_province"] = forms.CharField(
                label=_("Provinsi (bila semua pemda di satu provinsi)"),
                required=False,
                max_length=100,
                initial=job.options.get("default_province", ""),
            )

    def column_fields(self) -> list[forms.BoundField]:
        return [self[f"col_{i}"] for i in range(len(self.headers))]

    def option_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if not name.startswith("col_")]

    def mapping(self) -> dict[str, str]:
        return {h: self.cleaned_data.get(f"col_{i}") or "" for i, h in enumerate(self.headers)}

    def options(self) -> dict[str, str]:
        names = ("shape", "indicator", "unit", "region_level", "note", "default_province")
        return {n: self.cleaned_data[n] for n in names if n in self.cleaned_data}


class ExportForm(forms.Form):
    dataset = forms.ChoiceField(
        label=_("Data"),
        choices=[
            ("practices", _("Praktik baik")),
            ("adoptions", _("Adopsi")),
            ("indicators", _("Indikator")),
        ],
    )
    format = forms.ChoiceField(
        label=_("Format"),
        choices=[("csv", "CSV"), ("xlsx", "XLSX (Excel)"), ("json", "JSON")],
        widget=forms.RadioSelect,
        initial="csv",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("dataset") not in DATASETS or data.get("format") not in FORMATS:
            raise forms.ValidationError(_("Pilihan ekspor tidak dikenal."))
        return data
