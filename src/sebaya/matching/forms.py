"""The recommendations page's form: the problem, a theme, and the adopter's constraints."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from sebaya.innovations.models import Theme
from sebaya.matching.selectors import MAX_PROBLEM_CHARS
from sebaya.matching.weights import WeightsError, parse_weights

LEVEL_CHOICES = [
    ("", _("Tidak disebut")),
    ("low", _("Rendah")),
    ("medium", _("Sedang")),
    ("high", _("Tinggi")),
]


class RecommendationForm(forms.Form):
    problem = forms.CharField(
        label=_("Masalah yang dihadapi"),
        required=False,
        max_length=MAX_PROBLEM_CHARS,
        help_text=_(
            "Tulis dengan kata-kata sendiri, mis. “data warga miskin tidak tepat sasaran”."
        ),
    )
    theme = forms.ChoiceField(label=_("Tema"), required=False)
    budget = forms.ChoiceField(label=_("Skala anggaran"), required=False, choices=LEVEL_CHOICES)
    digital = forms.ChoiceField(label=_("Kesiapan digital"), required=False, choices=LEVEL_CHOICES)
    weights = forms.CharField(
        label=_("Bobot (lanjutan)"),
        required=False,
        max_length=300,
        help_text=_("Mis. relevance=0.6,evidence=0.2; kosongkan untuk bobot bawaan."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        language = get_language()
        theme_field = self.fields["theme"]
        assert isinstance(theme_field, forms.ChoiceField)
        theme_field.choices = [("", _("Semua tema"))] + [
            (t.slug, t.localized_name(language)) for t in Theme.objects.order_by("display_order")
        ]

    def clean_weights(self) -> str:
        text = str(self.cleaned_data.get("weights") or "").strip()
        try:
            parse_weights(text)
        except WeightsError as exc:
            raise forms.ValidationError(str(exc)) from None
        return text
