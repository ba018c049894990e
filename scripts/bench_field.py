"""The field app's figures for `make bench`: its budget (issue 15) is a first install of at
most 15 MB, a start with no connection within 3 s on a mid-range phone, and every later page
at once. Measured in Debian's Chromium on a phone's screen with the CPU slowed four times
(Lighthouse's mobile profile), against gunicorn as in production, for the demo cohort's
consultant (about a hundred firms)."""

import io
import logging
import shutil
import statistics
import time

CONSULTANT, PASSWORD = "demo-consultora", "ruta-demo-2026"
CPU_SLOWDOWN = 4
STARTS = 5
PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True}
KEPT = """async () => {
  let files = 0;
  for (const name of await caches.keys()) {
    const cache = await caches.open(name);
    for (const request of await cache.keys()) {
      files += (await (await cache.match(request)).arrayBuffer()).byteLength;
    }
  }
  return { files, usage: (await navigator.storage.estimate()).usage };
}"""


# In the page, from the click to the next page's heading: what the person waits for
# (Playwright's own checks before a click would add more than a second on a slowed CPU).
CLICK_TO_PAGE = """(button) => new Promise((resolve) => {
  const before = document.querySelector("h1").innerText;
  const started = performance.now();
  const observer = new MutationObserver(() => {
    const heading = document.querySelector("h1");
    if (heading && heading.innerText !== before) {
      observer.disconnect();
      resolve((performance.now() - started) / 1000);
    }
  });
  observer.observe(document.getElementById("view"), { childList: true, subtree: true });
  document.querySelector(button).click();
})"""


def prepare() -> None:
    """The demo cohort and the catalogue, before the server starts."""
    from django.core.management import call_command

    logging.disable(logging.INFO)  # the demo's two hundred assessments, each logged
    try:
        call_command("load_catalogue", stdout=io.StringIO())
        call_command("load_demo_cohort", stdout=io.StringIO())
    finally:
        logging.disable(logging.NOTSET)


def run(port: int) -> None:
    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium")
    if chromium is None:
        print("Field app: not measured, Chromium is missing (`make test` installs it)\n")
        return
    base = f"http://127.0.0.1:{port}"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium, args=["--headless", "--no-sandbox", "--disable-gpu"]
        )
        context = browser.new_context(locale="es-MX", **PHONE)
        page = context.new_page()
        context.new_cdp_session(page).send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
        page.goto(f"{base}/es/accounts/login/?next=/es/desk/field/app/")
        page.get_by_label("Nombre de usuario").fill(CONSULTANT)
        page.get_by_label("Contraseña").fill(PASSWORD)
        started = time.perf_counter()
        page.locator("main form button[type=submit]").click()
        page.wait_for_function("() => navigator.serviceWorker.controller !== null")
        page.get_by_text("Negocios en este teléfono").wait_for()
        first_visit = time.perf_counter() - started
        firms = page.locator(".firm-card").count()
        kept = page.evaluate(KEPT)

        context.set_offline(True)
        starts = []
        for _ in range(STARTS):
            started = time.perf_counter()
            page.reload()
            page.locator(".firm-card").first.wait_for()
            starts.append(time.perf_counter() - started)

        page.locator(".firm-card button").first.click()
        page.locator("form").wait_for()
        steps = []
        while page.get_by_role("button", name="Continuar").count():
            steps.append(page.evaluate(CLICK_TO_PAGE, ".step-buttons button[type=submit]"))
        result = page.evaluate(CLICK_TO_PAGE, ".step-buttons button[type=submit]")
        browser.close()

    print(
        f"Field app (Chromium, phone screen, CPU {CPU_SLOWDOWN}× slower, {firms} firms; "
        "budget: install ≤ 15 MB, offline start ≤ 3 s):"
    )
    print(f"  first visit, log-in to ready offline   {first_visit * 1000:7.0f} ms")
    print(
        f"  kept on the phone                      {kept['usage'] / 1e6:7.2f} MB "
        f"(the app's files {kept['files'] / 1024:.0f} KB, the rest the firms' data)"
    )
    print(
        f"  start offline, to the firm list        median {statistics.median(starts) * 1000:.0f}"
        f" ms, slowest {max(starts) * 1000:.0f} ms ({STARTS} starts)"
    )
    print(
        f"  questionnaire, page to page            median {statistics.median(steps) * 1000:.0f}"
        f" ms, slowest {max(steps) * 1000:.0f} ms"
    )
    print(f"  result worked out on the phone         {result * 1000:7.0f} ms")
    print()
