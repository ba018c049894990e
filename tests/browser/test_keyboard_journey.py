"""An owner completes the diagnostic with the keyboard alone: Tab, Shift+Tab, arrows, Space, Enter.

No click, no fill: every answer is given with `page.keyboard`, and wherever the focus lands
it is on screen with a visible focus ring.
"""

import pytest
from playwright.sync_api import expect

from diagnostic.models import Assessment

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FOCUS_IS_VISIBLE = """() => {
  const element = document.activeElement;
  const style = getComputedStyle(element);
  const box = element.getBoundingClientRect();
  const ringed = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2;
  const onScreen = box.width > 0 && box.height > 0 && box.bottom > 0 && box.top < innerHeight;
  return element !== document.body && onScreen && ringed;
}"""


@pytest.mark.parametrize("way", [("es", "desktop")], ids=["es-desktop"])
def test_an_owner_completes_the_diagnostic_with_the_keyboard_alone(visit, instrument):
    page = visit.page
    keyboard = page.keyboard
    visit.goto("/")

    # The first Tab reaches the skip link, which shows itself and jumps to the content.
    keyboard.press("Tab")
    skip_link = page.get_by_role("link", name="Saltar al contenido principal")
    expect(skip_link).to_be_focused()
    assert skip_link.bounding_box()["height"] >= 24  # no longer hidden: a target to see
    assert_focus_is_visible(page)
    keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    keyboard.press("Tab")
    expect(page.get_by_role("button", name="Comenzar el diagnóstico")).to_be_focused()
    press_enter_and_wait(page)

    # Continuing with nothing filled in: the error summary takes the focus, and its first
    # link takes the owner to the field.
    continue_button = page.get_by_role("button", name="Continuar")
    tab_to(page, continue_button)
    press_enter_and_wait(page)
    error_summary = page.get_by_role("alert").filter(has_text="Hay un problema")
    expect(error_summary).to_be_focused()
    assert_focus_is_visible(page)
    keyboard.press("Tab")
    expect(error_summary.get_by_role("link").first).to_be_focused()
    keyboard.press("Enter")
    expect(page.get_by_label("Nombre de su negocio")).to_be_focused()
    assert_focus_is_visible(page)
    keyboard.type("Herbolaria Coyoacán")
    country = page.get_by_role("combobox", name="País")
    tab_to(page, country)
    keyboard.type("m")  # the countries starting with M, then down the list to México
    for _press in range(30):
        if country.input_value() == "MX":
            break
        keyboard.press("ArrowDown")
    keyboard.press("Tab")
    region = page.get_by_label("Estado, provincia o departamento")
    expect(region).to_be_focused()
    # One step back with Shift+Tab: the country is chosen, and the focus shows it.
    keyboard.press("Shift+Tab")
    assert has_focus(country) and country.input_value() == "MX"
    assert_focus_is_visible(page)
    expect(region.locator("option[value='MX-CMX']")).to_be_attached()  # Mexico's states came
    keyboard.press("Tab")
    keyboard.type("Ciu")  # typing the start of a name picks it from the list
    expect(region).to_have_value("MX-CMX")
    choose_with_arrows(page, "¿Dónde está su negocio?", "Ciudad grande")
    choose_with_arrows(page, "¿A qué se dedica", "Tienda o comercio")
    tab_to(page, page.get_by_label("¿Cuántas personas trabajan en el negocio"))
    keyboard.type("4")
    press_enter_and_wait(page)  # submits the form, as Continue does

    expect(page.get_by_text("Paso 2 de 6")).to_be_visible()
    choose_with_arrows(
        page, "¿Cómo se conecta su negocio a internet?", "Datos móviles que funcionan bien"
    )
    tab_to(page, continue_button)
    press_enter_and_wait(page)

    online = "¿Dónde pueden encontrar su negocio en internet?"
    tick_with_space(page, online, "Una página o perfil en redes sociales")
    tick_with_space(page, online, "Un perfil de WhatsApp Business")
    tab_to(page, continue_button)
    press_enter_and_wait(page)

    tick_with_space(page, "¿Por qué canales le compran sus clientes?", "Por WhatsApp")
    tick_with_space(page, "¿Por qué canales le compran sus clientes?", "En redes sociales")
    tick_with_space(page, "¿Cómo pueden pagarle sus clientes?", "Solo en efectivo")
    for step in ("Paso 5 de 6", "Paso 6 de 6", "Revise sus respuestas"):
        tab_to(page, continue_button)
        press_enter_and_wait(page)
        expect(page.get_by_text(step).first).to_be_visible()

    tab_to(page, page.get_by_role("button", name="Enviar y ver mi resultado"))
    press_enter_and_wait(page)
    expect(page.get_by_text("Vendedor en redes sociales — usted está aquí")).to_be_visible()
    assert Assessment.objects.get().stage == "D"
    tab_to(page, page.get_by_role("link", name="Vea su hoja de ruta"))
    press_enter_and_wait(page)
    expect(page.get_by_role("heading", name="Su hoja de ruta digital")).to_be_visible()


def press_enter_and_wait(page) -> None:
    """Press Enter on a button or in a form, and wait for the page it leads to."""
    with page.expect_navigation():
        page.keyboard.press("Enter")


def has_focus(locator) -> bool:
    return locator.evaluate("element => element === document.activeElement")


def assert_focus_is_visible(page) -> None:
    focused = page.evaluate("document.activeElement.outerHTML.slice(0, 200)")
    assert page.evaluate(FOCUS_IS_VISIBLE), f"no focus ring on screen around {focused}"


def tab_to(page, target, most: int = 120) -> None:
    """Press Tab until the target has the focus, checking the focus ring on the way."""
    for _press in range(most):
        page.keyboard.press("Tab")
        assert_focus_is_visible(page)
        if has_focus(target):
            return
    raise AssertionError(f"{most} presses of Tab never reached {target}")


def choose_with_arrows(page, question: str, label: str) -> None:
    """Tab into a group of radio buttons, choose the first, then go down with the arrow key."""
    group = page.get_by_role("group", name=question)
    tab_to(page, group.get_by_role("radio").first)
    page.keyboard.press("Space")
    wanted = group.get_by_label(label)
    for _press in range(group.get_by_role("radio").count()):
        if wanted.is_checked():
            break
        page.keyboard.press("ArrowDown")
    assert wanted.is_checked()
    assert_focus_is_visible(page)


def tick_with_space(page, question: str, label: str) -> None:
    box = page.get_by_role("group", name=question).get_by_label(label)
    tab_to(page, box)
    page.keyboard.press("Space")
    assert box.is_checked()
