"""The field app's shell: the files a phone keeps to start with no connection, and the texts
its JavaScript shows, in the page's language.

The service worker (templates/field/sw.js) keeps a copy of every file `asset_urls` lists and
of the app's page; its version is a hash of all of them, so any change to a file, a
translation or the page makes the phone fetch the new set the next time it is online.
"""

import hashlib
from typing import Any

from django.conf import settings
from django.contrib.staticfiles import finders
from django.db import models
from django.templatetags.static import static
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from diagnostic.stages import STAGES
from recommendations.models import Cost, Effort, Horizon, ProgrammeKind
from recommendations.presenters import eligibility_labels

# The app's ES modules import each other by relative path ("./fraction.js"), so they are
# fetched under their own names, not the hashed ones collectstatic adds; the service worker's
# version stands in for the hash.
MODULES = (
    "field/app/app.js",
    "field/app/store.js",
    "field/app/sync.js",
    "field/app/questionnaire.js",
    "field/app/views.js",
    "field/app/dom.js",
    "field/rules/fraction.js",
    "field/rules/scoring.js",
    "field/rules/stages.js",
    "field/rules/conditions.js",
    "field/rules/eligibility.js",
    "field/rules/roadmap.js",
)
FILES = (
    "css/bootstrap.purged.css",
    "css/app.css",
    "field/icon-192.png",
    "field/icon-512.png",
)


def asset_url(path: str) -> str:
    return settings.STATIC_URL + path if path.endswith(".js") else static(path)


def asset_urls() -> list[str]:
    return [asset_url(path) for path in (*MODULES, *FILES)]


def shell_version(*pages: str) -> str:
    """A hash of the pages and of every asset's content: what makes the phone update."""
    digest = hashlib.sha256()
    for page in pages:
        digest.update(page.encode())
    for path in (*MODULES, *FILES):
        found = finders.find(path)
        if not isinstance(found, str):
            raise FileNotFoundError(f"the field app's file {path} is missing from static/")
        with open(found, "rb") as file:
            digest.update(file.read())
    return digest.hexdigest()[:16]


def app_texts() -> dict[str, Any]:
    """Every text the app's JavaScript writes itself, in the active language; the questions,
    options and catalogue come in the bundle, in both languages."""
    statuses, verdicts = eligibility_labels()
    return {
        "stages": {code: str(name) for code, name in STAGES.items()},
        "roadmap": {
            "title": _("What to do next"),
            "intro": _(
                "First what takes you to the next stage, then your weakest areas; free and "
                "simple steps before costly ones."
            ),
            "needed_for": _("Needed for stage %(stage)s"),
            "programmes_for_action": _("Programmes that can help:"),
            "providers_for_action": _("Solutions and providers:"),
            "programmes": _("Support programmes for your business"),
            "no_programmes": _(
                "We know of no open programme for your country and region yet. Ask your local "
                "chamber of commerce or economic development office."
            ),
            "horizons": _labels(Horizon),
            "costs": _labels(Cost),
            "efforts": _labels(Effort),
            "kinds": _labels(ProgrammeKind),
            "statuses": statuses,
            "verdicts": verdicts,
        },
        "firms": _("Your firms"),
        "search": _("Find a firm"),
        "no_firms": _("You have no firms to assess. A coordinator adds you to a firm's team."),
        "no_match": _("No firm matches this search."),
        "start_baseline": _("Start the first assessment"),
        "start_follow_up": _("Start a follow-up"),
        "continue_draft": _("Continue the assessment"),
        "last_result": _("Last result: stage %(stage)s, %(date)s"),
        "no_result": _("Not assessed yet"),
        "kind_baseline": _("First assessment"),
        "kind_follow_up": _("Follow-up"),
        "step": _("Step %(number)s of %(total)s"),
        "next": _("Continue"),
        "back": _("Back"),
        "finish": _("See the result"),
        "prefilled": _(
            "These answers come from the last assessment. Check each one with the owner "
            "and change what is different today."
        ),
        "answer_what_you_can": _(
            "Answer what you can. If a question does not apply, leave it empty or choose "
            "“does not apply” where offered."
        ),
        "number_invalid": _("Enter a number between %(min)s and %(max)s."),
        "whole_number_invalid": _("Enter a whole number between %(min)s and %(max)s."),
        "amount_invalid": _(
            "Write an amount from %(min)s to %(max)s without thousands separators, "
            "for example 250000 or 250000.50."
        ),
        "business_title": _("The business today"),
        "business_intro": _(
            "Check these with the owner. Each assessment keeps the people and the sales, which "
            "the programme compares from one visit to the next; the questions below decide "
            "which support programmes fit the business."
        ),
        # As the business profile asks them on the site.
        "employees": _("How many people work in the business, including you?"),
        "employees_help": _("Count yourself, family members who help, and staff."),
        "turnover": _("Roughly, how much do you sell in a year? (optional)"),
        "turnover_help": _("An estimate is fine. Write only the number, for example 250000."),
        "women_led": _("Is the business led by a woman?"),
        "storefront": _("Do you have a shop or premises where customers come in?"),
        "registered": _("Is the business formally registered?"),
        "registered_help": _("For example with the tax authority (SAT, AFIP/ARCA, DIAN, SUNAT…)."),
        "exports": _("Do you sell to customers in other countries?"),
        "yes": _("Yes"),
        "no": _("No"),
        "fix_numbers": _("Correct the numbers marked before you go on."),
        "result_title": _("Result of %(firm)s"),
        "stage_is": _("Stage %(stage)s: %(name)s"),
        "stage_unknown": _("The stage can’t be set yet: answer how the business sells."),
        "overall": _("Overall score"),
        "score_of": _("%(score)s out of 100"),
        "no_score": _("not enough answers"),
        "scores_by_dimension": _("Scores by dimension"),
        "dimension": _("Dimension"),
        "score": pgettext("out of 100", "Score"),
        "edit_answers": _("Change the answers"),
        "to_firms": _("Back to your firms"),
        "gone_firms": _("No longer in your list"),
        "gone_firms_help": _(
            "Work kept on this phone for firms you no longer assess. What is waiting is still "
            "sent; if the site does not take it, its result says why."
        ),
        "gone_firm": _("A firm no longer on this phone"),
        "status_draft": _("Not finished"),
        "status_ready": _("Waiting to be sent"),
        "status_sent": pgettext("an assessment", "Sent"),
        "status_refused": _("Not accepted"),
        "open_roadmap": _("Open the roadmap on the site"),
        "online": _("Online"),
        "offline": _("Offline: everything is saved on this phone"),
        "waiting": _("Waiting to be sent: %(count)s"),
        "all_sent": _("Everything is sent"),
        "send_now": _("Send now"),
        "sending": _("Sending…"),
        "log_in_again": _("Your session has ended: log in again to send your assessments."),
        "log_in": _("Log in"),
        "refused": _("The site did not accept this assessment: %(message)s"),
        "downloaded": _("Firms on this phone: %(count)s, downloaded %(date)s"),
        "download_failed": _(
            "Could not download your firms. Connect to the internet and open the app again."
        ),
        "needs_download": _(
            "The app has no data on this phone yet: open it once with an internet connection."
        ),
        "storage": _("Space used on this phone: %(used)s"),
        "sign_out_unsent": _(
            "Assessments not sent yet: %(count)s. Logging out erases them from this phone. "
            "Log out anyway?"
        ),
        "conflict_noted": _(
            "Someone else also assessed this firm: the coordinator will choose which counts."
        ),
        "unsupported": _(
            "This browser cannot keep the app for offline use. Use a recent Chrome or the "
            "paper questionnaire."
        ),
    }


def _labels(choices: type[models.TextChoices]) -> dict[str, str]:
    return {str(value): str(label) for value, label in choices.choices}
