"""Forms of the account pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from sebaya.accounts.models import TokenScope


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Nama token"),
        max_length=100,
        help_text=_("Untuk apa token ini, mis. “skrip impor Bappeda”."),
    )
    scopes = forms.MultipleChoiceField(
        label=_("Cakupan akses"),
        choices=TokenScope.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Berikan cakupan sekecil mungkin."),
    )
    expires_in_days = forms.TypedChoiceField(
        label=_("Masa berlaku"),
        coerce=int,
        choices=[(30, _("30 hari")), (90, _("90 hari")), (365, _("1 tahun"))],
        initial=90,
    )
