"""Content in every language in one JSON column, edited side by side in the admin.

A text is stored as {"es": "…", "en": "…"}; the languages are settings.LANGUAGES, so a new
language needs no migration. Readers pick their language with `diagnostic.instrument.localized`.
"""

from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


def site_languages() -> list[tuple[str, str]]:
    return [(code, str(name)) for code, name in settings.LANGUAGES]


class TranslatedWidget(forms.MultiWidget):
    template_name = "recommendations/widgets/translated.html"

    class Media:
        css = {"all": ["recommendations/admin.css"]}

    def __init__(self, multiline: bool = False, attrs: dict | None = None) -> None:
        widget = forms.Textarea(attrs={"rows": 4}) if multiline else forms.TextInput
        self.languages = site_languages()
        super().__init__([widget for _code in self.languages], attrs)

    def decompress(self, value: dict | None) -> list[str]:
        value = value or {}
        return [value.get(code, "") for code, _name in self.languages]

    def get_context(self, name: str, value: Any, attrs: dict | None) -> dict:
        context = super().get_context(name, value, attrs)
        for subwidget, (code, language) in zip(
            context["widget"]["subwidgets"], self.languages, strict=True
        ):
            subwidget["language"] = language
            subwidget["language_code"] = code
        return context


class TranslatedFormField(forms.MultiValueField):
    """One input per language; every language must be filled in."""

    def __init__(self, *, multiline: bool = False, max_length: int | None = None, **kwargs):
        self.languages = site_languages()
        fields = [forms.CharField(max_length=max_length) for _code in self.languages]
        kwargs.pop("encoder", None)
        kwargs.pop("decoder", None)
        super().__init__(
            fields=fields,
            widget=TranslatedWidget(multiline=multiline),
            require_all_fields=True,
            **kwargs,
        )

    def compress(self, data_list: list[str]) -> dict[str, str]:
        if not data_list:
            return {}
        return {
            code: text.strip()
            for (code, _name), text in zip(self.languages, data_list, strict=True)
        }


class TranslatedTextField(models.JSONField):
    """A text in every site language, stored as one JSON object."""

    def __init__(
        self, *args: Any, multiline: bool = False, max_length: int | None = None, **kwargs: Any
    ):
        self.multiline = multiline
        self.text_max_length = max_length
        kwargs.setdefault("default", dict)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if self.multiline:
            kwargs["multiline"] = True
        if self.text_max_length:
            kwargs["max_length"] = self.text_max_length
        return name, path, args, kwargs

    def formfield(self, **kwargs: Any):
        return TranslatedFormField(
            multiline=self.multiline,
            max_length=self.text_max_length,
            label=self.verbose_name,
            required=not self.blank,
            help_text=self.help_text,
        )

    def validate(self, value: Any, model_instance: Any) -> None:
        super().validate(value, model_instance)
        if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
            raise ValidationError(_("A text in each language is needed."))
        limit = self.text_max_length
        too_long = [language for language, text in value.items() if limit and len(text) > limit]
        if too_long:
            raise ValidationError(
                _("The text in %(languages)s is longer than %(limit)s characters."),
                params={"languages": ", ".join(too_long), "limit": limit},
            )


class CodeListFormField(forms.Field):
    """A list of codes typed as "a, b, c", each checked against the allowed choices."""

    def __init__(self, *, choices: tuple[str, ...] | None = None, **kwargs: Any) -> None:
        self.allowed = choices
        kwargs.pop("encoder", None)
        kwargs.pop("decoder", None)
        super().__init__(**kwargs)

    def prepare_value(self, value: Any) -> Any:
        return ", ".join(value) if isinstance(value, list | tuple) else value

    def to_python(self, value: Any) -> list[str]:
        if isinstance(value, list | tuple):
            return [str(code) for code in value]
        text = "" if value is None else str(value)
        return [code.strip() for code in text.replace("|", ",").split(",") if code.strip()]

    def validate(self, value: list[str]) -> None:
        if self.required and not value:
            raise ValidationError(self.error_messages["required"], code="required")
        if self.allowed is not None:
            unknown = [code for code in value if code not in self.allowed]
            if unknown:
                raise ValidationError(
                    _("Unknown codes: %(codes)s. Allowed: %(allowed)s."),
                    params={"codes": ", ".join(unknown), "allowed": ", ".join(self.allowed)},
                )


class CodeListField(models.JSONField):
    """A list of codes in one JSON column; `choices_from` names the allowed codes."""

    def __init__(self, *args: Any, allowed: tuple[str, ...] | None = None, **kwargs: Any):
        self.allowed = allowed
        kwargs.setdefault("default", list)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if self.allowed is not None:
            kwargs["allowed"] = self.allowed
        return name, path, args, kwargs

    def formfield(self, **kwargs: Any):
        return CodeListFormField(
            choices=self.allowed,
            label=self.verbose_name,
            required=not self.blank,
            help_text=self.help_text or _("Codes separated by commas."),
        )
