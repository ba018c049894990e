"""The owner's questionnaire through the Django test client, in Spanish and English."""

import re
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation

from diagnostic.models import Answer, Assessment, Firm
from diagnostic.presenters import profile_rows
from tests.factories import PROFILE, SOCIAL_SELLER, age, make_assessment, make_firm

pytestmark = pytest.mark.django_db


def url(name: str, language: str = "es", **kwargs) -> str:
    with translation.override(language):
        return reverse(f"diagnostic:{name}", kwargs=kwargs)


def profile_post(**changes) -> dict:
    data = {**PROFILE, **changes}
    return {key: value for key, value in data.items() if value is not None}


def start(client, language: str = "es") -> Assessment:
    response = client.post(url("start", language))
    assessment = Assessment.objects.latest("created_at")
    assert response.status_code == 302
    assert response["Location"] == url("profile", language, token=assessment.token)
    return assessment


# Landing and start


@pytest.mark.parametrize(
    ("language", "heading"),
    [("es", "¿Qué tan digital es su negocio?"), ("en", "How digital is your business?")],
)
def test_landing_says_what_the_owner_gets_in_their_language(client, language, heading):
    response = client.get(f"/{language}/")
    assert response.status_code == 200
    assert heading in response.text
    assert f'<html lang="{language}">' in response.text


def test_root_redirects_to_the_browser_language(client):
    response = client.get("/", headers={"accept-language": "en-US,en;q=0.9"})
    assert response.status_code == 302
    assert response["Location"] == "/en/"


def test_starting_needs_a_post_so_links_and_crawlers_create_nothing(client, instrument):
    assert client.get(url("start")).status_code == 405
    assert not Assessment.objects.exists()


def test_start_creates_a_draft_with_an_unguessable_token_in_the_page_language(client, instrument):
    assessment = start(client, "en")
    assert assessment.language == "en"
    assert assessment.status == Assessment.Status.DRAFT
    assert len(assessment.token) >= 43  # 32 random bytes


# Profile


def test_profile_with_missing_required_fields_shows_errors_and_keeps_the_rest(client, instrument):
    assessment = start(client)
    data = profile_post(name="", settlement=None, employees="")
    response = client.post(url("profile", token=assessment.token), data)
    assert response.status_code == 200
    assert 'id="error-summary"' in response.text
    assert 'href="#id_name"' in response.text
    assert 'href="#id_settlement_0"' in response.text
    assert "Este campo es obligatorio." in response.text
    assert '<option value="MX-CMX" selected>Ciudad de México</option>' in response.text  # kept
    assert not Firm.objects.exists()


def test_profile_refuses_impossible_numbers_with_a_message_in_spanish(client, instrument):
    assessment = start(client)
    response = client.post(
        url("profile", token=assessment.token), profile_post(employees="0", years_trading="-3")
    )
    assert response.status_code == 200
    assert "Asegúrese de que este valor es mayor o igual a 1." in response.text
    assert not Firm.objects.exists()


def test_a_turnover_too_long_to_store_exactly_is_refused_and_the_profile_still_opens(
    client, instrument
):
    assessment = start(client)
    too_long = client.post(
        url("profile", token=assessment.token),
        profile_post(annual_turnover="99999999999999.99"),  # 16 digits: SQLite rounds it
    )
    assert too_long.status_code == 200
    assert 'href="#id_annual_turnover"' in too_long.text
    assert not Firm.objects.exists()
    largest = client.post(
        url("profile", token=assessment.token), profile_post(annual_turnover="9999999999999.99")
    )
    assert largest.status_code == 302
    assert client.get(url("profile", token=assessment.token)).status_code == 200
    assert Firm.objects.get().annual_turnover == Decimal("9999999999999.99")


def test_turnover_without_currency_takes_the_country_currency(client, instrument):
    assessment = start(client)
    response = client.post(
        url("profile", token=assessment.token), profile_post(annual_turnover="1200000")
    )
    assert response.status_code == 302
    assert Firm.objects.get().currency == "MXN"


@pytest.mark.parametrize(
    ("country", "region", "given", "stored"),
    [("KE", "Nairobi", "KES", "KES"), ("IN", "Gujarat", "", "INR"), ("PA", "Panamá", "USD", "USD")],
)
def test_a_firm_anywhere_reports_sales_in_its_own_currency(
    client, instrument, country, region, given, stored
):
    assessment = start(client)
    response = client.post(
        url("profile", token=assessment.token),
        profile_post(country=country, region=region, annual_turnover="850000", currency=given),
    )
    assert response.status_code == 302
    assert Firm.objects.get().currency == stored


def test_currencies_are_named_in_the_page_language_and_a_made_up_code_is_refused(
    client, instrument
):
    assessment = start(client)
    page = client.get(url("profile", token=assessment.token)).text
    assert '<option value="KES">Chelín keniano (KES)</option>' in page
    assert '<option value="MXN">Peso mexicano (MXN)</option>' in page
    refused = client.post(
        url("profile", token=assessment.token),
        profile_post(annual_turnover="1000", currency="XYZ"),
    )
    assert refused.status_code == 200
    assert "XYZ no es una de las opciones disponibles" in refused.text
    assert not Firm.objects.exists()


def test_the_state_is_chosen_from_the_country_s_list_and_stored_as_its_iso_code(client, instrument):
    assessment = start(client)
    page = client.get(url("profile", token=assessment.token)).text
    assert "Elija primero su país" in page  # no country yet: nothing to list

    moved = client.post(url("profile", token=assessment.token), profile_post(country="AR"))

    # Ciudad de México is not in Argentina: the page asks again, listing Argentina's provinces.
    assert moved.status_code == 200
    assert "Elija de la lista el estado o provincia de Argentina." in moved.text
    assert '<option value="AR-B">Buenos Aires</option>' in moved.text
    assert '<option value="AR-C">Ciudad Autónoma de Buenos Aires</option>' in moved.text
    assert not Firm.objects.exists()
    saved = client.post(
        url("profile", token=assessment.token), profile_post(country="AR", region="AR-B")
    )
    assert saved.status_code == 302
    assert Firm.objects.get().region == "AR-B"


def test_the_places_of_a_country_come_named_in_the_page_language(client):
    with translation.override("es"):
        spain = client.get(reverse("diagnostic:places"), {"country": "ES"}).json()["places"]
    with translation.override("en"):
        nowhere = client.get(reverse("diagnostic:places"), {"country": "ZZ"}).json()["places"]

    assert {"code": "ES-M", "name": "Madrid"} in spain
    assert {"code": "ES-TO", "name": "Toledo"} in spain
    assert "ES-MD" not in {place["code"] for place in spain}  # communities contain provinces
    assert nowhere == []


def test_saved_profile_moves_on_to_the_readiness_step(client, instrument):
    assessment = start(client)
    response = client.post(
        url("profile", token=assessment.token), profile_post(women_led="true", exports="false")
    )
    assert response["Location"] == url("step", token=assessment.token, code="readiness")
    firm = Firm.objects.get()
    assert (firm.name, firm.country.code, firm.women_led, firm.exports) == (
        "Herbolaria Coyoacán",
        "MX",
        True,
        False,
    )
    assert firm.has_physical_storefront is None


# Steps


def test_each_step_shows_its_number_and_every_question_as_a_fieldset(client, instrument):
    assessment = make_assessment()
    response = client.get(url("step", token=assessment.token, code="ecommerce"))
    assert response.status_code == 200
    assert "Paso 4 de 6" in response.text
    assert response.text.count("<fieldset") >= 8
    assert "<legend" in response.text


def test_answers_are_saved_on_continue_and_shown_on_return(client, instrument):
    assessment = make_assessment()
    step_url = url("step", token=assessment.token, code="readiness")
    response = client.post(
        step_url, {"internet_access": "mobile_reliable", "staff_with_smartphone": "3"}
    )
    assert response["Location"] == url("step", token=assessment.token, code="marketing")
    stored = dict(Answer.objects.values_list("item_code", "value"))
    assert stored == {"internet_access": "mobile_reliable", "staff_with_smartphone": 3}
    page = client.get(step_url).text
    assert re.search(r'value="mobile_reliable"[^>]*checked', page)
    assert 'value="3"' in page


def test_back_saves_the_page_and_returns_to_the_previous_step(client, instrument):
    assessment = make_assessment()
    response = client.post(
        url("step", token=assessment.token, code="marketing"),
        {"online_presence": ["social_profile"], "action": "back"},
    )
    assert response["Location"] == url("step", token=assessment.token, code="readiness")
    assert Answer.objects.get(item_code="online_presence").value == ["social_profile"]


def test_clearing_an_answer_removes_it(client, instrument):
    assessment = make_assessment(answers={"internet_access": "none"})
    client.post(url("step", token=assessment.token, code="readiness"), {})
    assert not Answer.objects.filter(item_code="internet_access").exists()


def test_exclusive_option_with_others_is_refused_and_the_page_kept(client, instrument):
    assessment = make_assessment()
    response = client.post(
        url("step", token=assessment.token, code="ecommerce"),
        {
            "sales_channels": ["in_person_only", "social_media"],
            "payments_accepted": ["cash_only"],
            "cross_border_sales": "no",
        },
    )
    assert response.status_code == 200
    assert "no se puede combinar con otras respuestas" in response.text
    assert 'href="#id_sales_channels_0"' in response.text
    assert re.search(r'value="cash_only"[^>]*checked', response.text)
    assert not Answer.objects.exists()


def test_number_out_of_range_is_refused_in_english(client, instrument):
    assessment = make_assessment(language="en")
    response = client.post(
        url("step", "en", token=assessment.token, code="readiness"),
        {"staff_with_smartphone": "99999"},
    )
    assert response.status_code == 200
    assert "Enter a number from 0 to 500." in response.text
    assert 'value="99999"' in response.text


def test_number_that_is_not_a_number_is_refused(client, instrument):
    assessment = make_assessment()
    response = client.post(
        url("step", token=assessment.token, code="readiness"), {"staff_with_smartphone": "tres"}
    )
    assert response.status_code == 200
    assert "Escriba un número" in response.text


def test_a_tampered_option_code_is_refused_not_a_500(client, instrument):
    assessment = make_assessment()
    response = client.post(
        url("step", token=assessment.token, code="readiness"), {"internet_access": "5g_satellite"}
    )
    assert response.status_code == 200
    assert "error-summary" in response.text


def test_an_unknown_step_is_a_helpful_404(client, instrument):
    assessment = make_assessment()
    response = client.get(url("step", token=assessment.token, code="astrology"))
    assert response.status_code == 404
    assert "Página no encontrada" in response.text


def test_questionnaire_pages_take_the_same_queries_whatever_their_size(
    client, instrument, django_assert_num_queries
):
    assessment = make_assessment(answers=SOCIAL_SELLER)
    client.get(url("step", token=assessment.token, code="readiness"))  # instrument parsed once
    counts = {}
    for code in ("readiness", "ecommerce", "culture"):
        with django_assert_num_queries(2) as captured:
            client.get(url("step", token=assessment.token, code=code))
        counts[code] = len(captured)
    assert len(set(counts.values())) == 1


def test_saving_a_page_takes_the_same_queries_whatever_its_size(
    client, instrument, django_assert_max_num_queries
):
    assessment = make_assessment()
    # Eight at most: the row lock that lets two people's saves of one page merge is one.
    with django_assert_max_num_queries(8):
        client.post(
            url("step", token=assessment.token, code="readiness"), {"internet_access": "none"}
        )
    with django_assert_max_num_queries(8):
        client.post(
            url("step", token=assessment.token, code="ecommerce"),
            {
                "sales_channels": ["phone"],
                "payments_accepted": ["cash_only"],
                "cross_border_sales": "no",
            },
        )


# Resume


def test_resume_link_returns_to_where_the_owner_left_off(client, instrument):
    assessment = make_assessment()
    client.post(url("step", token=assessment.token, code="readiness"), {"internet_access": "none"})
    response = client.get(url("resume", token=assessment.token))
    assert response["Location"] == url("step", token=assessment.token, code="marketing")


def test_resume_link_is_shown_on_every_page(client, instrument):
    assessment = make_assessment()
    resume = "http://testserver" + url("resume", token=assessment.token)
    for page in (
        url("profile", token=assessment.token),
        url("step", token=assessment.token, code="culture"),
        url("review", token=assessment.token),
    ):
        text = client.get(page).text
        assert "Continúe después: guarde este enlace" in text
        assert resume in text


def test_unknown_resume_link_gets_a_helpful_page(client, instrument):
    response = client.get(url("resume", token="not-a-real-token"))
    assert response.status_code == 404
    assert "No encontramos este enlace" in response.text
    assert url("start") in response.text


def test_expired_draft_gets_a_page_offering_a_new_start(client, instrument, settings):
    assessment = make_assessment()
    age(assessment, settings.DRAFT_RESUME_DAYS + 1)
    response = client.get(url("resume", token=assessment.token))
    assert response.status_code == 410
    assert "Este enlace ha vencido" in response.text


def test_resume_link_can_be_emailed_to_the_firm_only(
    client, instrument, django_capture_on_commit_callbacks
):
    assessment = make_assessment()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("email_link", token=assessment.token), {"step": "marketing"})
    assert response["Location"] == url("step", token=assessment.token, code="marketing")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["duena@example.com"]
    assert url("resume", token=assessment.token) in mail.outbox[0].body


def test_resume_link_emails_are_limited_per_day(
    client, instrument, django_capture_on_commit_callbacks
):
    assessment = make_assessment()
    with django_capture_on_commit_callbacks(execute=True):
        for _attempt in range(5):
            response = client.post(url("email_link", token=assessment.token), follow=True)
    assert len(mail.outbox) == 3
    assert "Ya le enviamos este enlace varias veces hoy" in response.text


# Review and submit


def test_review_lists_unanswered_questions_with_links_to_them(client, instrument):
    assessment = make_assessment(answers=SOCIAL_SELLER)
    response = client.get(url("review", token=assessment.token))
    assert response.status_code == 200
    marketing = url("step", token=assessment.token, code="marketing")
    assert f'href="{marketing}?return=review#item-customer_reviews"' in response.text
    assert "Herbolaria Coyoacán" in response.text


def test_change_from_review_returns_to_review(client, instrument):
    assessment = make_assessment()
    response = client.post(
        url("step", token=assessment.token, code="culture") + "?return=review",
        {"return": "review"},
    )
    assert response["Location"] == url("review", token=assessment.token)


def test_submit_stores_scores_and_stage_and_shows_the_result(client, instrument):
    assessment = make_assessment(answers=SOCIAL_SELLER)
    response = client.post(url("review", token=assessment.token))
    assert response["Location"] == url("result", token=assessment.token)
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.SUBMITTED
    assert assessment.stage == "D"
    assert assessment.result["scores"]["dimensions"]["ecommerce"]["value"] is not None
    assert 0 < assessment.overall_score <= 100
    page = client.get(url("result", token=assessment.token)).text
    assert "Vendedor en redes sociales" in page
    assert "Se basa en 18 de las 35 preguntas que corresponden a este negocio." in page
    assert 'aria-current="step"' in page
    assert "<svg" in page and "<table" in page


def test_result_in_english_explains_stage_and_next_step(client, instrument):
    assessment = make_assessment(language="en", answers=SOCIAL_SELLER, submitted=True)
    page = client.get(url("result", "en", token=assessment.token)).text
    assert "You are at stage D, Social seller" in page
    assert "To reach stage C, Online store seller" in page
    assert "https://wa.me/?text=" in page


def test_double_submit_keeps_one_result(client, instrument):
    assessment = make_assessment(answers=SOCIAL_SELLER)
    client.post(url("review", token=assessment.token))
    first = Assessment.objects.get().submitted_at
    response = client.post(url("review", token=assessment.token), follow=True)
    assert response.status_code == 200
    assert Assessment.objects.get().submitted_at == first
    assert "ya fue enviado" in response.text


def test_back_button_after_submit_shows_the_result_and_changes_nothing(client, instrument):
    assessment = make_assessment(answers=SOCIAL_SELLER, submitted=True)
    response = client.post(
        url("step", token=assessment.token, code="ecommerce"),
        {"sales_channels": ["global_marketplace"]},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == url("result", token=assessment.token)
    assert Answer.objects.get(item_code="sales_channels").value == [
        "messaging_apps",
        "social_media",
    ]
    assert Assessment.objects.get().stage == "D"


def test_submit_without_a_profile_asks_for_it(client, instrument):
    assessment = make_assessment(with_firm=False, answers=SOCIAL_SELLER)
    response = client.post(url("review", token=assessment.token))
    assert response["Location"] == url("profile", token=assessment.token)
    assert Assessment.objects.get().status == Assessment.Status.DRAFT


def test_result_of_a_draft_sends_the_owner_to_review(client, instrument):
    assessment = make_assessment()
    response = client.get(url("result", token=assessment.token))
    assert response["Location"] == url("review", token=assessment.token)


def test_undetermined_stage_says_which_answers_are_missing(client, instrument):
    assessment = make_assessment(language="en", answers={"internet_access": "none"}, submitted=True)
    assert assessment.stage == ""
    page = client.get(url("result", "en", token=assessment.token)).text
    assert "can’t be set yet" in page


def test_the_assessment_remembers_the_language_it_was_taken_in(client, instrument):
    assessment = make_assessment(language="es")
    client.post(url("step", "en", token=assessment.token, code="readiness"), {})
    assert Assessment.objects.get().language == "en"


def test_language_switch_keeps_the_owner_on_the_same_page(client, instrument):
    assessment = make_assessment()
    page = url("step", token=assessment.token, code="marketing")
    response = client.post("/i18n/setlang/", {"language": "en", "next": page})
    assert response["Location"] == url("step", "en", token=assessment.token, code="marketing")


# The whole flow


@pytest.mark.parametrize(
    ("language", "step_label", "stage_name"),
    [
        ("es", "Paso 6 de 6", "Vendedor en marketplaces"),
        ("en", "Step 6 of 6", "Marketplace seller"),
    ],
)
def test_an_owner_completes_the_whole_flow(client, instrument, language, step_label, stage_name):
    assessment = start(client, language)
    token = assessment.token
    pages = [
        ("profile", {}, profile_post(women_led="true")),
        ("step", {"code": "readiness"}, {"internet_access": "fixed_broadband"}),
        ("step", {"code": "marketing"}, {"online_presence": ["social_profile", "website"]}),
        (
            "step",
            {"code": "ecommerce"},
            {
                "sales_channels": ["social_media", "national_marketplace"],
                "payments_accepted": ["card_terminal", "mobile_wallet"],
                "cross_border_sales": "occasional",
            },
        ),
        ("step", {"code": "operations"}, {"business_software": ["accounting", "e_invoicing"]}),
        ("step", {"code": "culture"}, {"digital_training_hours": "12"}),
    ]
    for name, kwargs, data in pages:
        page = client.get(url(name, language, token=token, **kwargs))
        assert page.status_code == 200
        response = client.post(url(name, language, token=token, **kwargs), data)
        assert response.status_code == 302, response.text
    assert step_label in page.text
    assert response["Location"] == url("review", language, token=token)
    review = client.get(response["Location"])
    assert "Herbolaria Coyoacán" in review.text
    result = client.post(url("review", language, token=token), follow=True)
    assert stage_name in result.text
    assessment.refresh_from_db()
    assert (assessment.stage, assessment.language) == ("B", language)
    assert assessment.result["scores"]["answered"] == 7
    # Seven answers place the stage but are too few for scores that would mean anything.
    assert assessment.overall_score is None
    no_overall = {
        "es": "Todavía no hay puntaje general",
        "en": "There is no overall score yet",
    }
    assert no_overall[language] in result.text


# Privacy


def test_the_profile_page_says_what_is_kept_and_who_sees_it(client, instrument):
    assessment = start(client)
    page = client.get(url("profile", token=assessment.token)).text
    assert "Qué guardamos y quién lo ve" in page


def test_an_owner_deletes_their_diagnostic_from_their_link(client, instrument):
    assessment = make_assessment(answers=SOCIAL_SELLER, submitted=True)
    confirm = client.get(url("delete", token=assessment.token))
    assert confirm.status_code == 200
    response = client.post(url("delete", token=assessment.token))
    assert response.status_code == 200
    assert not Assessment.objects.exists()
    assert not Firm.objects.exists()
    assert not Answer.objects.exists()
    assert client.get(url("result", token=assessment.token)).status_code == 404


def test_deleting_needs_a_post(client, instrument):
    assessment = make_assessment()
    client.get(url("delete", token=assessment.token))
    assert Assessment.objects.exists()


def test_the_profile_summary_writes_sales_as_read_in_the_firm_s_country(instrument):
    mexican = make_firm(country="MX", annual_turnover=Decimal("1200000"), currency="MXN")
    spanish = make_firm(country="ES", annual_turnover=Decimal("1200000"), currency="EUR")
    with translation.override("es"):
        in_mexico = [row["value"] for row in profile_rows(mexican)]
        in_spain = [row["value"] for row in profile_rows(spanish)]

    assert "1,200,000 pesos mexicanos" in in_mexico
    assert "peso mexicano (MXN)" in in_mexico
    assert "1.200.000 euros" in in_spain
