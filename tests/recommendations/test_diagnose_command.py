"""`manage.py diagnose`: scores a firm from JSON, and refuses bad input with status 2."""

import json
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from pypdf import PdfReader

from diagnostic.models import Instrument
from recommendations.models import Programme

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"

pytestmark = pytest.mark.django_db


def diagnose(tmp_path, data, *args) -> dict | str:
    path = tmp_path / "input.json"
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    out = StringIO()
    call_command("diagnose", str(path), *args, stdout=out)
    text = out.getvalue()
    return text if "--format=text" in args else json.loads(text)


def refused(tmp_path, data) -> str:
    with pytest.raises(CommandError) as error:
        diagnose(tmp_path, data)
    assert error.value.returncode == 2
    return str(error.value)


def test_it_works_on_a_freshly_migrated_database(tmp_path):
    assert not Instrument.objects.exists()
    report = diagnose(tmp_path, {"answers": {"sales_channels": ["national_marketplace"]}})
    assert report["instrument"] == "mydigitalsme-v3"
    assert report["stage"] == "B"


def test_it_prints_scores_levels_stage_and_explanation_in_the_input_language(tmp_path):
    report = diagnose(tmp_path, json.loads((EXAMPLES / "social-seller-es.json").read_text()))
    assert report["stage"] == "D"
    assert report["stage_name"] == "Vendedor en redes sociales"
    assert report["explanation"].startswith("Está en la etapa D")
    assert report["next_stage"] == "C"
    assert [c["code"] for c in report["missing_conditions"]] == ["channel_c"]
    assert set(report["dimensions"]) == {
        "readiness",
        "marketing",
        "ecommerce",
        "operations",
        "culture",
    }
    assert report["dimensions"]["ecommerce"]["score"] is not None
    assert report["dimensions"]["operations"]["enough_answers"] is True
    assert 0 <= report["overall"]["score"] <= 100
    # Every question answered; booking and cross-border sales do not apply to this shop.
    assert (report["items_scored"], report["items_applicable"]) == (33, 33)
    assert report["areas"]["omnichannel"]["level"] in {
        "initial",
        "basic",
        "intermediate",
        "advanced",
        "leading",
    }


def test_a_global_marketplace_seller_without_software_is_told_what_stage_a_needs(tmp_path):
    report = diagnose(tmp_path, json.loads((EXAMPLES / "amazon-exporter-en.json").read_text()))
    assert report["stage"] == "B"
    assert report["gaps"] == [
        "You sell on a global marketplace; to be a stage A firm you also need to use at least "
        "3 kinds of business software among accounting, inventory, ERP, CRM and e-invoicing "
        "(you use 0 kinds now)."
    ]


def test_undetermined_stage_is_null_with_the_missing_answers(tmp_path):
    report = diagnose(tmp_path, {"language": "en", "answers": {"internet_access": "none"}})
    assert report["stage"] is None
    assert report["missing_answers"] == ["sales_channels"]


def test_text_format_is_for_people(tmp_path):
    text = diagnose(
        tmp_path,
        {"language": "en", "answers": {"sales_channels": ["global_marketplace"]}},
        "--format=text",
    )
    assert "Stage: B — Marketplace seller" in text
    assert "Overall" in text


def test_a_few_answers_place_the_stage_but_give_no_scores(tmp_path):
    # Five answers of a Guatemalan weaver: enough to place her at E, not to score anything.
    example = json.loads((EXAMPLES / "incipient-rural-es.json").read_text())
    report = diagnose(tmp_path, example)
    assert report["stage"] == "E"
    assert report["overall"]["score"] is None
    assert report["dimensions"]["ecommerce"] == {
        "score": None,
        "level": None,
        "level_name": None,
        "items_scored": 2,
        "items_applicable": 10,
        "enough_answers": False,
    }
    assert (report["items_scored"], report["items_applicable"]) == (4, 35)
    text = diagnose(tmp_path, example, "--format=text")
    assert "no hay suficientes respuestas (2 de 10)" in text


def test_bad_input_names_every_problem(tmp_path):
    message = refused(tmp_path, json.loads((EXAMPLES / "invalid.json").read_text()))
    for expected in (
        "profile.country",
        "profile.settlement",
        "profile.employees",
        "answers.internet_access: Elija solo una respuesta",
        "answers.sales_channels: “Solo en persona, por ningún otro canal” no se puede combinar",
        "answers.payments_accepted: “bitcoin” no es una respuesta válida",
        "answers.favourite_colour",
    ):
        assert expected in message


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ("{not json", "no es un JSON válido"),
        ([1, 2], "debe ser un objeto JSON"),
        ({"language": "fr", "answers": {}}, "“fr” no es"),
        ({"answers": ["internet_access"]}, "answers:"),
        ({"answers": {"sales_channels": "phone"}}, "answers.sales_channels"),
        ({"answers": {"staff_with_smartphone": "many"}}, "answers.staff_with_smartphone"),
        ({"answers": {"staff_with_smartphone": True}}, "answers.staff_with_smartphone"),
        ({"profile": {"employees": 0}}, "profile.employees"),
        ({"profile": {"women_led": "maybe"}}, "profile.women_led"),
        ({"profile": {"shoe_size": 42}}, "profile.shoe_size"),
        ({"answerz": {}}, "answerz"),
    ],
)
def test_each_kind_of_bad_input_exits_with_status_2(tmp_path, data, expected):
    assert expected in refused(tmp_path, data)


def test_a_missing_file_exits_with_status_2(tmp_path):
    with pytest.raises(CommandError) as error:
        call_command("diagnose", str(tmp_path / "nowhere.json"))
    assert error.value.returncode == 2


def test_from_the_shell_bad_input_gives_status_2_and_no_traceback(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text('{"answers": {"sales_channels": ["cash_only"]}}')
    env = {"PATH": "/usr/bin:/bin", "VAR_DIR": str(tmp_path / "var"), "LANGUAGES": "en,es"}

    def manage(*args):
        return subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
            env=env,
        )

    assert manage("migrate", "--verbosity=0").returncode == 0
    completed = manage("diagnose", str(path))
    assert completed.returncode == 2
    assert "Traceback" not in completed.stderr
    assert "“cash_only” is not an answer to the question “sales_channels”." in completed.stderr


# The roadmap part


def test_the_roadmap_puts_the_stage_gap_first(tmp_path):
    report = diagnose(tmp_path, json.loads((EXAMPLES / "social-seller-es.json").read_text()))
    actions = report["roadmap"]["actions"]
    assert 3 <= len(actions) <= 8
    assert actions[0]["reason"] == "stage_gap"
    assert actions[0]["for"] == "channel_c"
    gap_positions = [i for i, action in enumerate(actions) if action["reason"] == "stage_gap"]
    assert gap_positions == list(range(len(gap_positions)))
    assert all(action["horizon"] in {"30_days", "3_months", "12_months"} for action in actions)


def test_programmes_come_with_a_verdict_and_reasons_in_the_input_language(tmp_path):
    report = diagnose(tmp_path, json.loads((EXAMPLES / "social-seller-es.json").read_text()))
    programmes = report["roadmap"]["programmes"]
    assert programmes, "a firm in Mexico City has programmes"
    assert {p["eligible"] for p in programmes} <= {"yes", "check", "no"}
    verdicts = [p["eligible"] for p in programmes]
    assert verdicts == sorted(verdicts, key=["yes", "check", "no"].index)
    for programme in programmes:
        for criterion in programme["criteria"]:
            assert criterion["status"] in {"met", "not_met", "check"}
            assert criterion["reason"]


def test_a_firm_outside_every_programme_area_still_gets_actions(tmp_path):
    report = diagnose(
        tmp_path,
        {"language": "en", "profile": {"country": "NZ"}, "answers": {"sales_channels": ["phone"]}},
    )
    assert report["roadmap"]["actions"]
    offered = [p["code"] for p in report["roadmap"]["programmes"]]
    assert all(Programme.objects.get(code=code).countries == [] for code in offered)


def test_a_stage_a_firm_still_gets_a_roadmap(tmp_path):
    report = diagnose(tmp_path, json.loads((EXAMPLES / "global-firm-en.json").read_text()))
    assert report["stage"] == "A"
    assert len(report["roadmap"]["actions"]) >= 3


def test_pdf_option_writes_a_tagged_searchable_pdf_in_the_input_language(tmp_path):
    out = tmp_path / "roadmap.pdf"
    diagnose(tmp_path, json.loads((EXAMPLES / "social-seller-es.json").read_text()), f"--pdf={out}")
    reader = PdfReader(out)
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "Herbolaria Coyoacán" in text
    assert "Vendedor en redes sociales" in text
    assert reader.trailer["/Root"]["/MarkInfo"]["/Marked"]
    assert reader.trailer["/Root"]["/Lang"] == "es"
    assert reader.metadata.title.startswith("Hoja de ruta digital")
    width, height = reader.pages[0].mediabox.width, reader.pages[0].mediabox.height
    assert (round(width), round(height)) == (612, 792)  # US Letter, as in Mexico


def alt_texts(node, found=None) -> list[str]:
    """Every text alternative in a PDF's structure tree."""
    found = [] if found is None else found
    node = node.get_object() if hasattr(node, "get_object") else node
    if isinstance(node, dict):
        if "/Alt" in node:
            found.append(str(node["/Alt"]))
        kids = node.get("/K")
        if kids is not None:
            alt_texts(kids, found)
    elif isinstance(node, list):
        for kid in node:
            alt_texts(kid, found)
    return found


def test_the_pdf_has_its_fonts_embedded_and_its_chart_described(tmp_path):
    out = tmp_path / "roadmap.pdf"
    diagnose(
        tmp_path,
        json.loads((EXAMPLES / "marketplace-cash-only-en.json").read_text()),
        f"--pdf={out}",
    )
    reader = PdfReader(out)
    assert "Scores by dimension, from 0 to 100" in alt_texts(
        reader.trailer["/Root"]["/StructTreeRoot"]
    )
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = (
                font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            )
            descriptor = descriptor["/FontDescriptor"].get_object()
            assert {"/FontFile", "/FontFile2", "/FontFile3"} & set(descriptor), font["/BaseFont"]


def test_the_pdf_is_a4_outside_the_letter_countries(tmp_path):
    out = tmp_path / "roadmap.pdf"
    data = {
        "language": "es",
        "profile": {"name": "Café Ñandú", "country": "AR"},
        "answers": {"sales_channels": ["social_media"]},
    }
    diagnose(tmp_path, data, f"--pdf={out}")
    reader = PdfReader(out)
    width, height = reader.pages[0].mediabox.width, reader.pages[0].mediabox.height
    assert (round(width), round(height)) == (595, 842)
    assert "Café Ñandú" in reader.pages[0].extract_text()


def test_a_turnover_without_currency_takes_the_country_currency(tmp_path):
    from diagnostic.interchange import parse_diagnostic
    from tests.recommendations.conftest import real_instrument

    data = {"profile": {"country": "MX", "annual_turnover": 500000}, "answers": {}}
    assert parse_diagnostic(data, real_instrument()).profile["currency"] == "MXN"


def test_programmes_are_eligible_not_eligible_or_to_check_with_reasons(tmp_path):
    profile = {"country": "IE", "region": "Dublin", "employees": 20, "years_trading": 3}
    report = diagnose(tmp_path, {"language": "en", "profile": profile, "answers": {}})
    by_code = {p["code"]: p for p in report["roadmap"]["programmes"]}
    dublin = by_code["dublin_trading_online_voucher"]
    assert dublin["eligible"] == "no"
    criteria = {c["code"]: c for c in dublin["criteria"]}
    assert criteria["employees_max"]["status"] == "not_met"
    assert criteria["years_trading_min"]["status"] == "met"
    assert criteria["turnover_max"]["status"] == "check"  # the profile gives no sales
    assert "ni_rural_business_development_grant" not in by_code  # another country

    profile = {**profile, "employees": 8}
    report = diagnose(tmp_path, {"language": "en", "profile": profile, "answers": {}})
    dublin = {p["code"]: p for p in report["roadmap"]["programmes"]}[
        "dublin_trading_online_voucher"
    ]
    assert dublin["eligible"] == "check"


@pytest.mark.parametrize(
    ("example", "stage", "said"),
    [
        (
            "b2b-software-exporter-en.json",
            "A",
            "business clients order from you by e-mail or B2B platforms",
        ),
        ("amazon-exporter-en.json", "B", "because you sell on a global marketplace"),
        ("manufacturer-website-es.json", "E", "tiene un sitio web"),
        ("facebook-marketplace-seller-es.json", "D", "vende por aplicaciones de mensajería"),
        ("marketplace-cash-only-en.json", "B", "because you sell on a national marketplace"),
    ],
)
def test_the_readme_examples_are_placed_by_what_the_firm_does(tmp_path, example, stage, said):
    report = diagnose(tmp_path, json.loads((EXAMPLES / example).read_text()))
    assert report["instrument"] == "mydigitalsme-v3"
    assert report["stage"] == stage
    assert said in report["explanation"]
