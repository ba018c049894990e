"""`make bench`: speed and size figures measured on this machine (printed, never asserted).

- scoring throughput: score + stage placement of random valid answer sets, in-process;
- server time of questionnaire GET, POST and the final submit through gunicorn (2 workers),
  one owner after another over loopback, with their median and 95th percentile;
- SQL queries per page, through Django's test client;
- the questionnaire's fields rendered by the project's `question` tag and by crispy-forms,
  in-process (the renderer the owner's pages keep is chosen on this figure);
- bytes of a questionnaire page with its CSS and JS, compressed and not;
- the field app on a throttled phone in Chromium (scripts/bench_field.py): what it keeps on
  the phone, and how long it takes to start offline and to open its pages.
"""

import gzip
import http.client
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
OWNERS = int(os.environ.get("BENCH_OWNERS", "60"))
# The owner's questionnaire keeps its own renderer only while crispy-forms costs more than this.
CRISPY_ALLOWANCE_MS = 2


def main() -> None:
    bench_dir = Path(tempfile.mkdtemp(prefix="ruta-bench-"))
    os.environ["VAR_DIR"] = str(bench_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "scripts"))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("load_instrument", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    print(f"Ruta Digital benchmark — {os.cpu_count()} cores, database {database_label()}\n")
    scoring_throughput()
    roadmap_figures()
    questionnaire_form_rendering()
    queries_per_page()
    import bench_field

    bench_field.prepare()
    with serving(bench_dir) as port:
        server_times(port)
        bench_field.run(port)
    import bench_cohort

    bench_cohort.run()


def database_label() -> str:
    from django.db import connection

    return connection.vendor


def random_answers(instrument, rng: random.Random) -> dict:
    answers = {}
    for item in instrument.items.values():
        if rng.random() < 0.15:
            continue
        if item.kind == "number":
            answers[item.code] = rng.randint(int(item.minimum), int(min(item.maximum, 60)))
        elif item.kind == "single":
            answers[item.code] = rng.choice(item.option_codes)
        else:
            plain = [o.code for o in item.options if not o.exclusive]
            answers[item.code] = tuple(rng.sample(plain, rng.randint(1, len(plain))))
    return answers


def scoring_throughput() -> None:
    from diagnostic.answers import clean_answers
    from diagnostic.instrument_file import load_instrument_file, parse_instrument
    from diagnostic.scoring import score_answers
    from diagnostic.services import INSTRUMENTS_DIR
    from diagnostic.stages import place_stage, stage_rules_for

    instrument = parse_instrument(load_instrument_file(INSTRUMENTS_DIR / "mydigitalsme-v1.yaml"))
    rng = random.Random(7)
    samples = [
        clean_answers(instrument, random_answers(instrument, rng), "en")[0] for _ in range(500)
    ]
    count = 0
    started = time.perf_counter()
    while time.perf_counter() - started < 2.0:
        for answers in samples:
            score_answers(instrument, answers)
            place_stage(answers, stage_rules_for(instrument.code))
        count += len(samples)
    rate = count / (time.perf_counter() - started)
    print(f"Scoring: {rate:,.0f} assessments per second (scores + stage, one core)\n")


def roadmap_figures() -> None:
    from django.utils import timezone, translation

    from diagnostic.answers import clean_answers
    from diagnostic.scoring import score_answers
    from diagnostic.selectors import instrument_spec
    from diagnostic.services import instrument_get_or_load
    from diagnostic.stages import place_stage, stage_rules_for
    from recommendations.catalogue import FirmProfile
    from recommendations.pdf import render_roadmap_pdf
    from recommendations.presenters import roadmap_context
    from recommendations.roadmap import plan_roadmap
    from recommendations.rules import facts_from_result
    from recommendations.services import catalogue_get_or_load

    instrument = instrument_spec(instrument_get_or_load())
    catalogue = catalogue_get_or_load()
    profile = FirmProfile(country="MX", region="MX-CMX", settlement="metro", employees=4)
    rng = random.Random(11)
    today = timezone.localdate()
    samples = []
    for _ in range(200):
        answers = clean_answers(instrument, random_answers(instrument, rng), "es")[0]
        scores, placement = (
            score_answers(instrument, answers),
            place_stage(answers, stage_rules_for(instrument.code)),
        )
        samples.append((facts_from_result(answers, scores, placement, profile), scores, placement))
    with translation.override("es"):
        count = 0
        started = time.perf_counter()
        while time.perf_counter() - started < 2.0:
            for facts, _scores, _placement in samples:
                plan_roadmap(catalogue=catalogue, facts=facts, language="es", today=today)
            count += len(samples)
        rate = count / (time.perf_counter() - started)
        facts, scores, placement = samples[0]
        roadmap = plan_roadmap(catalogue=catalogue, facts=facts, language="es", today=today)
        context = roadmap_context(
            instrument=instrument,
            stored_result={"scores": scores.to_dict(), "stage": placement.to_dict()},
            roadmap=roadmap,
            firm_name="Herbolaria Coyoacán",
            day=today,
            language="es",
            result_url="http://127.0.0.1:8000/es/a/example/result/",
        )
        render_roadmap_pdf(context, language="es", country="MX")  # warm: fonts and imports
        times = []
        for _ in range(10):
            started = time.perf_counter()
            content = render_roadmap_pdf(context, language="es", country="MX")
            times.append((time.perf_counter() - started) * 1000)
    print(f"Roadmaps: {rate:,.0f} built per second (eligibility of every programme included)")
    print(
        f"Roadmap PDF ({len(roadmap.actions)} actions, {len(roadmap.programmes)} programmes, "
        f"{len(content) / 1024:.0f} KB): median {statistics.median(times):.0f} ms, "
        f"slowest {max(times):.0f} ms over {len(times)} renders in one warm process\n"
    )


def questionnaire_form_rendering() -> None:
    """Each questionnaire step's form, as an owner first sees it, rendered both ways."""
    from django.template import Context, Template
    from django.utils import translation

    from diagnostic.forms import StepForm
    from diagnostic.selectors import instrument_spec
    from diagnostic.services import instrument_get_or_load

    renderers = {
        "project's `question` tag": Template(
            "{% load questions %}{% for field in form %}{% question field %}{% endfor %}"
        ),
        "crispy-forms (bootstrap5)": Template(
            "{% load crispy_forms_tags %}{% for field in form %}{{ field|as_crispy_field }}"
            "{% endfor %}"
        ),
    }
    instrument = instrument_spec(instrument_get_or_load())
    times: dict[str, list[float]] = {label: [] for label in renderers}
    with translation.override("es"):
        forms = [
            StepForm(instrument=instrument, dimension=dimension, language="es")
            for dimension in instrument.dimensions
        ]
        for template in renderers.values():  # warm: template loading and compiling
            for form in forms:
                template.render(Context({"form": form}))
        for _ in range(40):
            for label, template in renderers.items():
                for form in forms:
                    started = time.perf_counter()
                    template.render(Context({"form": form}))
                    times[label].append((time.perf_counter() - started) * 1000)
    fields = sum(len(form.fields) for form in forms) / len(forms)
    print(
        f"Questionnaire form rendering ({len(forms)} steps, {fields:.0f} questions a step on "
        "average; median per page, in-process):"
    )
    medians = {label: statistics.median(values) for label, values in times.items()}
    for label, median in medians.items():
        print(f"  {label:<34} {median:6.2f} ms")
    extra = medians["crispy-forms (bootstrap5)"] - medians["project's `question` tag"]
    keeps = "the `question` tag" if extra > CRISPY_ALLOWANCE_MS else "crispy-forms"
    print(
        f"  crispy-forms costs {extra:.2f} ms more a page (allowed: {CRISPY_ALLOWANCE_MS} ms): "
        f"the owner's questionnaire should render with {keeps}\n"
    )


def queries_per_page() -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    setup_test_environment()
    client = Client()
    client.post("/es/start/")
    from diagnostic.models import Assessment

    token = Assessment.objects.latest("created_at").token
    client.post(f"/es/a/{token}/profile/", profile_form())
    rows = []
    with CaptureQueriesContext(connection) as ctx:
        client.get(f"/es/a/{token}/step/ecommerce/")
    rows.append(("questionnaire page GET", len(ctx)))
    with CaptureQueriesContext(connection) as ctx:
        client.post(f"/es/a/{token}/step/ecommerce/", ecommerce_form())
    rows.append(("questionnaire page POST", len(ctx)))
    with CaptureQueriesContext(connection) as ctx:
        client.get(f"/es/a/{token}/review/")
    rows.append(("review page GET", len(ctx)))
    with CaptureQueriesContext(connection) as ctx:
        client.post(f"/es/a/{token}/review/")
    rows.append(("final submit (scoring included)", len(ctx)))
    with CaptureQueriesContext(connection) as ctx:
        client.get(f"/es/a/{token}/result/")
    rows.append(("result page GET", len(ctx)))
    print("SQL queries per request:")
    for label, count in rows:
        print(f"  {label:<34} {count:>3}")
    print()


def profile_form() -> dict:
    return {
        "name": "Tienda de prueba",
        "country": "MX",
        "region": "MX-SON",
        "settlement": "rural",
        "sector": "agrifood",
        "employees": "3",
    }


def ecommerce_form() -> dict:
    return {
        "online_sales_share": "under_10",
        "sales_channels": ["messaging_apps", "social_media"],
        "payments_accepted": ["bank_transfer", "mobile_wallet"],
        "cross_border_sales": "no",
    }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Browser:
    """Just enough of a browser: cookies, CSRF tokens, redirects not followed."""

    def __init__(self, port: int) -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.cookies: dict[str, str] = {}
        self.csrf = ""

    def request(
        self, method: str, path: str, form: dict | None = None
    ) -> tuple[float, int, str, bytes]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            form = {**form, "csrfmiddlewaretoken": self.csrf}
            body = urlencode(form, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = "http://127.0.0.1/"
        started = time.perf_counter()
        self.connection.request(method, path, body=body, headers=headers)
        response = self.connection.getresponse()
        content = response.read()
        elapsed = (time.perf_counter() - started) * 1000
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";")[0]
        match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', content)
        if match:
            self.csrf = match.group(1).decode()
        location = urlsplit(response.getheader("Location") or "").path
        return elapsed, response.status, location, content


@contextmanager
def serving(bench_dir: Path) -> Iterator[int]:
    """gunicorn with 2 workers on a free port (and, with REDIS_URL, a Celery worker)."""
    port = free_port()
    env = {
        **os.environ,
        "VAR_DIR": str(bench_dir),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        # Every simulated owner comes from 127.0.0.1; with REDIS_URL the limit is shared by
        # the processes and kept between runs.
        "RATE_LIMIT_NEW_ASSESSMENT": "100000/h",
    }
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    # With REDIS_URL, as in production, the submit queues the roadmap summary for a worker;
    # without it the summary is made within the request.
    worker = (
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "--quiet",
                "--app",
                "config",
                "worker",
                "--concurrency",
                "1",
                "--loglevel",
                "WARNING",
            ],
            cwd=ROOT,
            env=env,
        )
        if os.environ.get("REDIS_URL")
        else None
    )
    try:
        wait_for(port)
        yield port
    finally:
        for process in (server, worker):
            if process is not None:
                process.send_signal(signal.SIGTERM)
                process.wait(timeout=20)


def server_times(port: int) -> None:
    gets, posts, submits = [], [], []
    first_page = b""
    for _owner in range(OWNERS):
        browser = Browser(port)
        browser.request("GET", "/es/")
        _ms, _status, location, _ = browser.request("POST", "/es/start/", {})
        token_path = location.rsplit("/profile/", 1)[0]
        for step, form in [
            ("profile/", profile_form()),
            (
                "step/readiness/",
                {"internet_access": "mobile_reliable", "staff_with_smartphone": "2"},
            ),
            ("step/marketing/", {"online_presence": ["social_profile", "messaging_business"]}),
            ("step/ecommerce/", ecommerce_form()),
            ("step/operations/", {"business_software": ["accounting"]}),
            ("step/culture/", {}),
        ]:
            ms, status, _, content = browser.request("GET", f"{token_path}/{step}")
            assert status == 200, (step, status)
            gets.append(ms)
            first_page = first_page or content
            ms, status, _, _ = browser.request("POST", f"{token_path}/{step}", form)
            assert status == 302, (step, status)
            posts.append(ms)
        browser.request("GET", f"{token_path}/review/")
        ms, status, location, _ = browser.request("POST", f"{token_path}/review/", {})
        assert status == 302 and location.endswith("/result/"), status
        submits.append(ms)
    summary = (
        "queued to a Celery worker (Redis)"
        if os.environ.get("REDIS_URL")
        else "made within the request"
    )
    print(
        f"Server time through gunicorn, 2 workers ({OWNERS} owners, one after another; "
        f"the roadmap summary {summary}):"
    )
    for label, values in [
        ("questionnaire page GET", gets),
        ("questionnaire page POST", posts),
        ("final submit (scoring included)", submits),
    ]:
        print(
            f"  {label:<34} median {statistics.median(values):6.1f} ms   "
            f"p95 {percentile(values, 95):6.1f} ms   ({len(values)} requests)"
        )
    print()
    page_weight(Browser(port), first_page)


def page_weight(browser: Browser, page: bytes) -> None:
    assets = re.findall(rb'(?:href|src)="(/static/[^"]+\.(?:css|js))"', page)
    sizes = [("questionnaire page HTML", page)]
    for asset in assets:
        _ms, status, _, content = browser.request("GET", asset.decode())
        assert status == 200, asset
        sizes.append((asset.decode().rsplit("/", 1)[-1], content))
    print("Bytes of a questionnaire page on first load (gzip, as served):")
    total_raw = total_gzip = 0
    for label, content in sizes:
        compressed = len(gzip.compress(content, compresslevel=9))
        total_raw += len(content)
        total_gzip += compressed
        print(size_line(label, compressed, len(content)))
    print(size_line("total", total_gzip, total_raw))


def size_line(label: str, compressed: int, raw: int) -> str:
    return f"  {label:<34} {compressed / 1024:6.1f} KB   ({raw / 1024:6.1f} KB uncompressed)"


def percentile(values: list[float], pct: int) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


def wait_for(port: int) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not start")


if __name__ == "__main__":
    main()
