"""`make loadtest`: 50 owners at once, each through the whole diagnostic and its roadmap PDF.

Everything runs on this machine, over loopback, with the production settings: a fresh
PostgreSQL database, a Redis database, and the Procfile's gunicorn and Celery worker under
honcho, started here and stopped at the end. Each simulated owner behaves like a browser
(cookies, CSRF tokens, the HTTPS proxy's X-Forwarded-Proto header), answers every page
with its own valid answers drawn from the instrument, submits, opens the result and
roadmap, asks for the PDF, waits for it and downloads it. Then the database is read back:
every answer each owner gave must be there, as given, and every PDF must have arrived. It
prints p50/p95/p99 per step and exits non-zero on any error, lost answer or missing PDF,
or when questionnaire pages miss p95 < 200 ms.

Settings (environment): LOADTEST_OWNERS (50), LOADTEST_RAMP (the owners arrive within this
many seconds; 10), LOADTEST_THINK (seconds an owner pauses between pages, on average; 1.0),
LOADTEST_POSTGRES (postgres://postgres@127.0.0.1:5432),
LOADTEST_DATABASE (loadtest, dropped and made again at the start, left for inspection at
the end, like var/loadtest/ with the PDFs and the processes' log), LOADTEST_REDIS
(redis://127.0.0.1:6379/5), LOADTEST_WEB_WORKERS (3) and LOADTEST_WEB_THREADS (2) for
gunicorn, LOADTEST_PDF_WORKERS (2), LOADTEST_PROCFILE (Procfile, to try another process
set-up), LOADTEST_SEED (2026).
"""

import http.client
import os
import random
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
QUESTIONNAIRE_P95_MS = 200
PDF_WAIT_SECONDS = 300

OWNERS = int(os.environ.get("LOADTEST_OWNERS", "50"))
THINK = float(os.environ.get("LOADTEST_THINK", "1.0"))
RAMP = float(os.environ.get("LOADTEST_RAMP", "10"))
POSTGRES = os.environ.get("LOADTEST_POSTGRES", "postgres://postgres@127.0.0.1:5432").rstrip("/")
DATABASE = os.environ.get("LOADTEST_DATABASE", "loadtest")
REDIS = os.environ.get("LOADTEST_REDIS", "redis://127.0.0.1:6379/5")
WEB_WORKERS = os.environ.get("LOADTEST_WEB_WORKERS", "3")
WEB_THREADS = os.environ.get("LOADTEST_WEB_THREADS", "2")
PDF_WORKERS = os.environ.get("LOADTEST_PDF_WORKERS", "2")
SEED = int(os.environ.get("LOADTEST_SEED", "2026"))
PROCFILE = os.environ.get("LOADTEST_PROCFILE", "Procfile")

PLACES = [
    ("MX", "Sonora"),
    ("MX", "Oaxaca"),
    ("CO", "Antioquia"),
    ("PE", "Cusco"),
    ("AR", "Córdoba"),
    ("CL", "Biobío"),
    ("GT", "Quetzaltenango"),
]


def main() -> int:
    refuse_anything_but_loopback()
    var_dir = ROOT / "var" / "loadtest"
    port = free_port()
    os.environ.update(environment(var_dir, port))
    empty_task_queue()
    fresh_database()
    if var_dir.exists():
        shutil.rmtree(var_dir)
    var_dir.mkdir(parents=True)
    for command in (
        ["migrate", "--noinput"],
        ["load_instrument"],
        ["load_catalogue"],
        ["collectstatic", "--noinput"],
    ):
        manage(command, var_dir)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    processes = start_processes(var_dir)
    try:
        wait_until_ready(port, processes)
        owners = run_owners(port)
    finally:
        stop(processes)
    return report(owners, var_dir)


# --- Set-up ------------------------------------------------------------------------------------


def refuse_anything_but_loopback() -> None:
    for name, url in (("LOADTEST_POSTGRES", POSTGRES), ("LOADTEST_REDIS", REDIS)):
        if urlsplit(url).hostname not in LOOPBACK:
            raise SystemExit(f"{name} must point at this machine (loopback), not {url}.")
    if not re.fullmatch(r"loadtest\w*", DATABASE):
        raise SystemExit(
            f"LOADTEST_DATABASE must start with 'loadtest' (it is dropped), not {DATABASE!r}."
        )


def environment(var_dir: Path, port: int) -> dict[str, str]:
    """Production settings on loopback; the proxy's TLS is played by X-Forwarded-Proto."""
    return {
        "DJANGO_ENV": "production",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": f"{POSTGRES}/{DATABASE}",
        "REDIS_URL": REDIS,
        "SITE_URL": f"https://127.0.0.1:{port}",
        # No e-mail is sent in this journey; a closed port makes sure none leaves.
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(free_port()),
        "VAR_DIR": str(var_dir),
        # All owners come from 127.0.0.1: the per-client limits would stop the test itself.
        "RATE_LIMIT_NEW_ASSESSMENT": "100000/h",
        "RATE_LIMIT_PDF": "100000/h",
        "LOG_LEVEL": "WARNING",
        # The Procfile's processes (see config/gunicorn.conf.py).
        "BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": WEB_WORKERS,
        "WEB_THREADS": WEB_THREADS,
        "WORKER_CONCURRENCY": PDF_WORKERS,
    }


def fresh_database() -> None:
    import psycopg

    try:
        with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
            connection.execute(f'CREATE DATABASE "{DATABASE}"')
    except psycopg.OperationalError as error:
        raise SystemExit(f"PostgreSQL at {POSTGRES} refused: {error}".strip()) from None


def manage(command: list[str], var_dir: Path) -> None:
    print(f"manage.py {' '.join(command)}", flush=True)
    with open(var_dir / "setup.log", "a") as log:
        done = subprocess.run(
            [sys.executable, "manage.py", *command], cwd=ROOT, stdout=log, stderr=subprocess.STDOUT
        )
    if done.returncode:
        raise SystemExit(f"manage.py {command[0]} failed (see {var_dir / 'setup.log'})")


def empty_task_queue() -> None:
    """Messages a stopped earlier run left would name rows of the database just replaced."""
    import redis

    try:
        redis.Redis.from_url(REDIS).delete("celery", "unacked", "unacked_index")
    except redis.ConnectionError as error:
        raise SystemExit(f"Redis at {REDIS} is not reachable: {error}") from None


def start_processes(var_dir: Path) -> subprocess.Popen:
    """The Procfile's web and worker processes, under honcho as `make serve` runs them."""
    log = open(var_dir / "processes.log", "w")  # noqa: SIM115 - closed with the process
    return subprocess.Popen(
        # No .env: honcho would let it override this test's database and Redis.
        [str(ROOT / ".venv" / "bin" / "honcho"), "--env", "/dev/null", "--procfile", PROCFILE]
        + ["start", "web", "worker"],
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def wait_until_ready(port: int, processes: subprocess.Popen) -> None:
    from config.celery import app

    deadline = time.monotonic() + 90
    web = worker = False
    while time.monotonic() < deadline and not (web and worker):
        if processes.poll() is not None:
            raise SystemExit("the processes stopped at start-up (see var/loadtest/processes.log)")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            web = True
        except OSError:
            time.sleep(0.2)
        worker = worker or bool(app.control.ping(timeout=1))
    if not (web and worker):
        raise SystemExit("gunicorn or the worker did not start (see var/loadtest/processes.log)")


def stop(processes: subprocess.Popen) -> None:
    """honcho stops its processes on SIGTERM; whatever is left of the group then is killed."""
    if processes.poll() is None:
        processes.send_signal(signal.SIGTERM)
    try:
        processes.wait(timeout=40)
    except subprocess.TimeoutExpired:
        os.killpg(processes.pid, signal.SIGKILL)
        processes.wait()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- One owner ---------------------------------------------------------------------------------


@dataclass
class Owner:
    number: int
    language: str
    profile: dict
    answers: dict  # item code -> the stored form of the answer given
    pages: dict  # step code -> form fields sent
    token: str = ""
    timings: list[tuple[str, float]] = field(default_factory=list)
    error: str = ""
    pdf_bytes: int = 0


class Unexpected(Exception):
    """The site answered otherwise than a working site would."""


class Forms(HTMLParser):
    """A page's POST forms: action path → the hidden inputs a browser would send with it."""

    def __init__(self, page_path: str) -> None:
        super().__init__()
        self.page_path = page_path
        self.found: dict[str, dict[str, str]] = {}
        self.current: dict[str, str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "form" and (attributes.get("method") or "").lower() == "post":
            action = urlsplit(attributes.get("action") or self.page_path).path
            self.current = self.found.setdefault(action, {})
        elif tag == "input" and self.current is not None and attributes.get("type") == "hidden":
            self.current[attributes.get("name") or ""] = attributes.get("value") or ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.current = None


class Browser:
    """Just enough of a browser behind an HTTPS proxy: cookies, forms' hidden inputs (the
    CSRF token among them), no redirects followed."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.cookies: dict[str, str] = {}
        self.forms: dict[str, dict[str, str]] = {}

    def request(self, method: str, path: str, form: dict | None = None):
        origin = f"https://127.0.0.1:{self.port}"
        headers = {
            "Host": f"127.0.0.1:{self.port}",
            # As from the proxy: a connection per request, the browser's TLS in a header.
            "Connection": "close",
            "X-Forwarded-Proto": "https",
            "Cookie": "; ".join(f"{name}={value}" for name, value in self.cookies.items()),
        }
        body = None
        if method == "POST":
            if path not in self.forms:
                raise Unexpected(f"POST {path}: the page shown has no such form")
            body = urlencode({**self.forms[path], **(form or {})}, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = origin
            headers["Referer"] = origin + path
        started = time.perf_counter()
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
            content = response.read()
        finally:
            self.connection.close()
        elapsed = (time.perf_counter() - started) * 1000
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";")[0]
        if response.getheader("Content-Type", "").startswith("text/html"):
            forms = Forms(urlsplit(path).path)
            forms.feed(content.decode())
            self.forms = forms.found
        location = urlsplit(response.getheader("Location") or "").path
        return elapsed, response.status, location, content


def journey(
    owner: Owner, port: int, steps: list[str], *, think: float, ramp: float = 0, pdf: bool = True
) -> None:
    """Landing → start → every step → review → submit → result → roadmap → PDF."""
    browser = Browser(port)
    rng = random.Random(SEED * 1000 + owner.number)
    prefix = f"/{owner.language}"

    def visit(label: str, method: str, path: str, expect: int, form: dict | None = None):
        time.sleep(rng.uniform(0.5, 1.5) * think)
        try:
            ms, status, location, content = browser.request(method, path, form)
        except (OSError, http.client.HTTPException) as error:
            raise Unexpected(f"{label}: {method} {path}: {error!r}") from None
        owner.timings.append((label, ms))
        if status != expect:
            raise Unexpected(f"{label}: {method} {path} answered {status}, not {expect}")
        return location, content

    time.sleep(rng.uniform(0, ramp))
    visit("landing", "GET", f"{prefix}/", 200)
    location, _ = visit("start", "POST", f"{prefix}/start/", 302)
    base = location.removesuffix("profile/")
    owner.token = base.rstrip("/").rsplit("/", 1)[-1]
    for step in steps:
        path = f"{base}profile/" if step == "profile" else f"{base}step/{step}/"
        visit(f"{step} page", "GET", path, 200)
        visit(f"{step} save", "POST", path, 302, owner.pages[step])
    visit("review page", "GET", f"{base}review/", 200)
    location, _ = visit("submit", "POST", f"{base}review/", 302)
    if not location.endswith("/result/"):
        raise Unexpected(f"submit went to {location}, not the result")
    visit("result", "GET", f"{base}result/", 200)
    visit("roadmap", "GET", f"{base}roadmap/", 200)
    if not pdf:
        return
    visit("pdf request", "POST", f"{base}roadmap/pdf/", 302)
    deadline = time.monotonic() + PDF_WAIT_SECONDS
    asked = time.perf_counter()
    while True:
        time.sleep(2)  # as often as the page asks
        _, content = visit("pdf status", "GET", f"{base}roadmap/pdf/?format=json", 200)
        if b'"done"' in content:
            break
        if b'"failed"' in content or time.monotonic() > deadline:
            raise Unexpected(f"the PDF did not arrive: {content[:200]!r}")
    owner.timings.append(("pdf ready (wait)", (time.perf_counter() - asked) * 1000))
    _, content = visit("pdf download", "GET", f"{base}roadmap/pdf/download/", 200)
    if not content.startswith(b"%PDF-"):
        raise Unexpected("the download is not a PDF")
    owner.pdf_bytes = len(content)


def make_owner(number: int, instrument) -> Owner:
    """An owner with their own valid answers: some left blank, exclusive options alone."""
    rng = random.Random(SEED * 7919 + number)
    country, region = rng.choice(PLACES)
    profile = {
        "name": f"Negocio de prueba {number}",
        "country": country,
        "region": region,
        "settlement": rng.choice(["metro", "city", "rural"]),
        "sector": rng.choice(["retail_goods", "agrifood", "services_b2c", "crafts_textiles"]),
        "employees": str(rng.randint(1, 60)),
        "women_led": rng.choice(["true", "false", ""]),
        "annual_turnover": rng.choice(["", str(rng.randint(1, 900) * 1000)]),
    }
    answers: dict = {}
    pages: dict = {"profile": profile}
    for dimension in instrument.dimensions:
        form: dict = {}
        for area in dimension.areas:
            for item in area.items:
                if rng.random() < 0.1:
                    continue
                if item.kind == "number":
                    value = rng.randint(int(item.minimum), int(min(item.maximum, 60)))
                    form[item.code], answers[item.code] = str(value), value
                elif item.kind == "single":
                    code = rng.choice(item.option_codes)
                    form[item.code], answers[item.code] = code, code
                else:
                    exclusive = [option.code for option in item.options if option.exclusive]
                    plain = [option.code for option in item.options if not option.exclusive]
                    if exclusive and rng.random() < 0.2:
                        chosen = [rng.choice(exclusive)]
                    else:
                        chosen = rng.sample(plain, rng.randint(1, len(plain)))
                    form[item.code] = chosen
                    answers[item.code] = [code for code in item.option_codes if code in chosen]
        pages[dimension.code] = form
    return Owner(
        number=number,
        language="en" if number % 2 else "es",
        profile=profile,
        answers=answers,
        pages=pages,
    )


def run_owners(port: int) -> list[Owner]:
    from django.conf import settings

    from diagnostic.flow import step_codes
    from diagnostic.instrument_file import load_instrument_file, parse_instrument
    from diagnostic.services import INSTRUMENTS_DIR

    instrument = parse_instrument(
        load_instrument_file(INSTRUMENTS_DIR / f"{settings.DIAGNOSTIC_INSTRUMENT}.yaml")
    )
    steps = step_codes(instrument)
    # A served site is warm: a few owners first, not counted, so each web process has
    # loaded its templates and translations and opened its database connection.
    warm = [make_owner(-number, instrument) for number in range(1, 2 * int(WEB_WORKERS) + 1)]
    together(warm, lambda owner: journey(owner, port, steps, think=0, pdf=False))
    if any(owner.error for owner in warm):
        raise SystemExit(f"the warm-up failed: {next(o.error for o in warm if o.error)}")
    owners = [make_owner(number, instrument) for number in range(1, OWNERS + 1)]
    print(f"machine load average (1 min) before: {os.getloadavg()[0]:.1f}")
    print(
        f"{OWNERS} owners, arriving within {RAMP:g} s, pausing about {THINK:g} s between pages…",
        flush=True,
    )
    started = time.monotonic()
    together(owners, lambda owner: journey(owner, port, steps, think=THINK, ramp=RAMP))
    print(f"…done in {time.monotonic() - started:.0f} s\n")
    return owners


def together(owners: list[Owner], walk) -> None:
    """Each owner on their own thread, all at once; an owner's error ends their journey."""

    def run(owner: Owner) -> None:
        try:
            walk(owner)
        except Unexpected as error:
            owner.error = str(error)

    threads = [threading.Thread(target=run, args=(owner,), daemon=True) for owner in owners]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


# --- Figures and the nothing-lost check --------------------------------------------------------


def percentile(values: list[float], pct: int) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


def report(owners: list[Owner], var_dir: Path) -> int:
    by_step: dict[str, list[float]] = defaultdict(list)
    questionnaire: list[float] = []
    for owner in owners:
        for label, ms in owner.timings:
            by_step[label].append(ms)
            if label.endswith((" page", " save")):
                questionnaire.append(ms)
    print(f"machine load average (1 min) at the end: {os.getloadavg()[0]:.1f}\n")
    print(f"{'step':<22}{'requests':>9}{'p50 ms':>10}{'p95 ms':>10}{'p99 ms':>10}{'max ms':>10}")
    for label, values in [*by_step.items(), ("questionnaire pages", questionnaire)]:
        if values:
            print(
                f"{label:<22}{len(values):>9}{statistics.median(values):>10.1f}"
                f"{percentile(values, 95):>10.1f}{percentile(values, 99):>10.1f}"
                f"{max(values):>10.1f}"
            )
    errors = [owner for owner in owners if owner.error]
    print(f"\nerrors: {len(errors)}")
    for owner in errors:
        print(f"  owner {owner.number}: {owner.error}")
    lost, checked, pdfs = nothing_lost(owners)
    print(f"answers checked in the database: {checked}, lost or changed: {len(lost)}")
    for problem in lost[:20]:
        print(f"  {problem}")
    print(f"PDFs downloaded and stored: {pdfs} of {len(owners)}")
    p95 = percentile(questionnaire, 95) if questionnaire else float("inf")
    failures = [
        text
        for text, failed in (
            (f"{len(errors)} owners met an error", errors),
            (f"{len(lost)} answers lost or changed", lost),
            (f"{len(owners) - pdfs} PDFs missing", pdfs < len(owners)),
            (
                f"questionnaire pages p95 {p95:.0f} ms, target under {QUESTIONNAIRE_P95_MS} ms",
                p95 >= QUESTIONNAIRE_P95_MS,
            ),
        )
        if failed
    ]
    if failures:
        print("\nFAILED: " + "; ".join(failures) + f" (logs in {var_dir})")
        return 1
    print(f"\nOK: no errors, no answer lost, every PDF arrived (database {DATABASE} kept).")
    return 0


def nothing_lost(owners: list[Owner]) -> tuple[list[str], int, int]:
    """Read each owner's assessment back: every answer and profile field as sent, its PDF."""
    from diagnostic.models import Assessment
    from recommendations.models import RoadmapPDF

    stored = {
        assessment.token: assessment
        for assessment in Assessment.objects.filter(
            token__in=[owner.token for owner in owners]
        ).prefetch_related("answers", "roadmap_pdfs")
    }
    lost: list[str] = []
    checked = pdfs = 0
    for owner in owners:
        assessment = stored.get(owner.token)
        if assessment is None:
            lost.append(f"owner {owner.number}: no assessment in the database")
            continue
        if owner.error and not assessment.is_submitted:
            continue  # stopped by an error already counted; what it saved is not complete
        saved = {answer.item_code: answer.value for answer in assessment.answers.all()}
        for code, value in owner.answers.items():
            checked += 1
            if saved.get(code) != value:
                stored_value = saved.get(code)
                lost.append(f"owner {owner.number}: {code} sent {value!r}, stored {stored_value!r}")
        lost.extend(
            f"owner {owner.number}: {code} stored but never sent"
            for code in saved.keys() - owner.answers.keys()
        )
        lost.extend(profile_differences(owner, assessment))
        if not assessment.is_submitted:
            lost.append(f"owner {owner.number}: not submitted")
        done = [pdf for pdf in assessment.roadmap_pdfs.all() if pdf.state == RoadmapPDF.State.DONE]
        if owner.pdf_bytes and done and done[0].file.size == owner.pdf_bytes:
            pdfs += 1
    return lost, checked, pdfs


def profile_differences(owner: Owner, assessment) -> list[str]:
    from diagnostic.places import find_place

    firm = assessment.firm
    sent = owner.profile
    expected = {
        "name": sent["name"],
        "country": sent["country"],
        "region": find_place(sent["country"], sent["region"]),
        "settlement": sent["settlement"],
        "sector": sent["sector"],
        "employees": int(sent["employees"]),
        "women_led": {"true": True, "false": False, "": None}[sent["women_led"]],
        "annual_turnover": Decimal(sent["annual_turnover"]) if sent["annual_turnover"] else None,
    }
    if firm is None:
        return [f"owner {owner.number}: no firm profile stored"]
    actual = {name: getattr(firm, name) for name in expected}
    actual["country"] = str(actual["country"])
    return [
        f"owner {owner.number}: profile {name} sent {expected[name]!r}, stored {actual[name]!r}"
        for name in expected
        if actual[name] != expected[name]
    ]


if __name__ == "__main__":
    sys.exit(main())
