"""The question tag writes choices in Python: every value and label escaped."""

from django import forms
from django.template import Context, Template

EVIL = '"><script>alert(1)</script>'


class Evil(forms.Form):
    pick = forms.ChoiceField(choices=[(EVIL, EVIL), ("ok", "Bien & mal")])
    tick = forms.MultipleChoiceField(
        choices=[(EVIL, EVIL)], widget=forms.CheckboxSelectMultiple, required=False
    )


def rendered(form: forms.Form, name: str) -> str:
    return Template("{% load questions %}{% question field %}").render(
        Context({"field": form[name]})
    )


def test_select_options_and_checkboxes_escape_values_and_labels():
    form = Evil(data={"pick": "ok", "tick": [EVIL]})
    form.is_valid()

    select, boxes = rendered(form, "pick"), rendered(form, "tick")

    assert "<script>" not in select and "<script>" not in boxes
    assert '<option value="&quot;&gt;&lt;script&gt;' in select
    assert '<option value="ok" selected>Bien &amp; mal</option>' in select
    assert 'value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;" checked>' in boxes
