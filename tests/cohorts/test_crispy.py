"""Staff forms through django-crispy-forms: what the page promises every user survives it."""

import re
from pathlib import Path

import crispy_bootstrap5
import pytest
from django.conf import settings
from django.urls import reverse

pytestmark = pytest.mark.django_db

PACKAGE_FIELD = Path(crispy_bootstrap5.__file__).parent / "templates" / "bootstrap5" / "field.html"
OUR_FIELD = settings.BASE_DIR / "templates" / "bootstrap5" / "field.html"
THEIR_ASTERISK = (
    '{{ field.label }}{% if field.field.required %}<span class="asteriskField">*</span>'
)
OUR_ASTERISK = (
    "{{ field.label }}{% if field.field.required %} "
    '<span class="asteriskField" aria-hidden="true">*</span>'
)


def test_our_field_template_is_the_package_s_with_the_asterisk_hidden_from_screen_readers():
    """After upgrading crispy-bootstrap5, copy its field.html again if this fails."""
    ours = re.sub(r"\{% comment %\}.*?\{% endcomment %\}\n", "", OUR_FIELD.read_text(), flags=re.S)
    theirs = PACKAGE_FIELD.read_text()

    assert theirs.count(THEIR_ASTERISK) == 2
    assert ours == theirs.replace(THEIR_ASTERISK, OUR_ASTERISK)


def described_by(page: str, element_id: str) -> list[str]:
    tag = re.search(rf'<[^>]*\bid="{element_id}"[^>]*>', page)
    assert tag, f"no element with the id {element_id}"
    found = re.search(r'aria-describedby="([^"]*)"', tag.group(0))
    return found.group(1).split() if found else []


def test_a_cohort_form_with_errors_links_labels_hints_and_errors_to_their_fields(client, world):
    client.force_login(world.maria)

    page = client.post(reverse("cohorts:cohort_new"), {"name": "", "follow_up_days": "9"}).text

    assert re.search(r'<label\s+for="id_name"', page)
    assert re.search(r'Nombre <span class="asteriskField" aria-hidden="true">\*</span>', page)
    assert described_by(page, "id_name") == ["id_name_error"]
    assert described_by(page, "id_follow_up_days") == [
        "id_follow_up_days_helptext",
        "id_follow_up_days_error",
    ]
    for announced in ("id_name_error", "id_follow_up_days_helptext", "id_follow_up_days_error"):
        assert f'id="{announced}"' in page
    assert 'href="#id_name"' in page and 'href="#id_follow_up_days"' in page  # error summary


def test_radio_buttons_are_a_fieldset_whose_legend_names_them_and_that_announces_the_error(
    client, world
):
    client.force_login(world.maria)

    page = client.post(reverse("cohorts:invite"), {"email": "ana@example.org"}).text

    fieldset = re.search(r"<fieldset[^>]*>\s*<legend[^>]*>\s*Rol ", page)
    assert fieldset and 'aria-describedby="id_role_error"' in fieldset.group(0)
    assert 'id="id_role_error"' in page
    assert 'href="#id_role_0"' in page and 'id="id_role_0"' in page  # error summary


def test_a_file_field_s_hint_and_error_are_announced_with_it(client, world):
    client.force_login(world.maria)

    page = client.post(reverse("cohorts:import_new", kwargs={"cohort_pk": world.cohort.pk})).text

    assert re.search(r'<label\s+for="id_file"', page)
    assert described_by(page, "id_file") == ["id_file_helptext", "id_file_error"]
    assert 'id="id_file_helptext"' in page and 'id="id_file_error"' in page


def test_a_wrong_password_is_told_once_in_the_error_summary(client, world):
    page = client.post(reverse("cohorts:login"), {"username": "ana", "password": "nope"}).text

    assert page.count("Por favor, introduzca un nombre de usuario y clave correctos") == 1
    assert "error-summary" in page
