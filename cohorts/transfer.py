"""Everything one organisation holds, out to JSON and back in: a backup and a move between sites.

The file names people by username (with e-mail and names, never a password hash), firms by
a number local to the file, assessments by their resume token and cohorts by their join
code, so nothing in it depends on the database's ids. Generated files (roadmap and report
PDFs) are left out: they are made again on request.
"""

import json
import secrets
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.db.models import Field, Model
from django.utils import timezone
from django.utils.translation import gettext as _

from diagnostic.models import Answer, AnswerNote, Assessment, Firm, Instrument, Score
from diagnostic.services import instrument_get_or_load
from recommendations.models import Action, Programme, Provider, RoadmapSummary

from .models import (
    Cohort,
    CohortAssessment,
    Enrolment,
    ImportJob,
    Invitation,
    JoinConsent,
    Membership,
    Organisation,
    PlannedAction,
    Profile,
    Referral,
    ReviewEvent,
    Visit,
)
from .services import enrolment_results_refresh

FORMAT = "ruta-digital-organisation"
VERSION = 1


class TransferError(Exception):
    """The organisation, or the file, cannot be exported or imported; nothing was written."""


def organisation_find(reference: str) -> Organisation:
    """The organisation with this id, or else with exactly this name."""
    found = list(Organisation.objects.filter(name=reference))
    if reference.isdigit():
        found = list(Organisation.objects.filter(pk=int(reference))) or found
    if not found:
        raise TransferError(
            _("No organisation has the id or name “%(reference)s”.") % {"reference": reference}
        )
    if len(found) > 1:
        ids = ", ".join(str(organisation.pk) for organisation in found)
        raise TransferError(
            _("Several organisations are named “%(name)s” (ids %(ids)s); give the id.")
            % {"name": reference, "ids": ids}
        )
    return found[0]


# What of each row goes into the file: its own plain columns, no ids and no links.
def _columns(model: type[Model]) -> list[Field]:
    return [
        field
        for field in model._meta.concrete_fields
        if not field.primary_key
        and not field.is_relation
        and field.name not in getattr(model, "DERIVED_FIELDS", ())
    ]


def _optional(field: Field) -> bool:
    return field.null or field.blank or field.has_default()


def plain(value: Any) -> Any:
    """A column's value as JSON holds it: dates and times ISO 8601, decimals as text."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if value is not None and not isinstance(value, str | int | float | bool | list | dict):
        return str(value)  # a country, a stored file's name
    return value


def row_dump(row: Model, **links: Any) -> dict[str, Any]:
    data = {field.name: plain(field.value_from_object(row)) for field in _columns(type(row))}
    return {**data, **links}


def _username(user: Any) -> str | None:
    return user.get_username() if user is not None else None


def organisation_export(*, organisation: Organisation) -> dict[str, Any]:
    """The organisation's whole record, as JSON-ready data in a stable order."""
    people: dict[str, Any] = {}

    def who(user: Any) -> str | None:
        if user is not None:
            people[user.get_username()] = user
        return _username(user)

    memberships = organisation.memberships.select_related("user", "coordinator__user").order_by(
        "pk"
    )
    firms = list(
        Firm.objects.filter(enrolments__cohort__organisation=organisation).distinct().order_by("pk")
    )
    firm_numbers = {firm.pk: number for number, firm in enumerate(firms, start=1)}
    cohorts = organisation.cohorts.order_by("pk").prefetch_related("imports__created_by")
    enrolments = (
        Enrolment.objects.filter(cohort__organisation=organisation)
        .select_related("consultant__user")
        .prefetch_related(
            "visits__consultant",
            "consents__assessment",
            "members__user",
            "planned_actions__action",
            "planned_actions__created_by",
            "referrals__programme",
            "referrals__created_by",
        )
        .order_by("pk")
    )
    linked_all = (
        CohortAssessment.objects.filter(enrolment__cohort__organisation=organisation)
        .select_related("assessment__instrument", "created_by", "corrects__assessment")
        .prefetch_related(
            "events__actor",
            "assessment__answers",
            "assessment__notes",
            "assessment__scores",
            "assessment__roadmap_summary",
        )
        .order_by("pk")
    )
    linked_by_enrolment: dict[int, list[dict[str, Any]]] = {}
    for linked in linked_all:
        linked_by_enrolment.setdefault(linked.enrolment_id, []).append(
            _assessment_dump(linked, who)
        )
    enrolments_by_cohort: dict[int, list[dict[str, Any]]] = {}
    for enrolment in enrolments:
        consultant = enrolment.consultant
        enrolments_by_cohort.setdefault(enrolment.cohort_id, []).append(
            row_dump(
                enrolment,
                firm=firm_numbers[enrolment.firm_id],
                consultant=who(consultant.user) if consultant else None,
                members=sorted(who(member.user) for member in enrolment.members.all()),
                assessments=linked_by_enrolment.get(enrolment.pk, []),
                visits=[
                    row_dump(visit, consultant=who(visit.consultant))
                    for visit in sorted(enrolment.visits.all(), key=lambda visit: visit.pk)
                ],
                consents=[
                    row_dump(consent, assessment=consent.assessment.token)
                    for consent in sorted(enrolment.consents.all(), key=lambda c: c.pk)
                ],
                action_plan=[
                    row_dump(item, action=item.action.code, created_by=who(item.created_by))
                    for item in sorted(enrolment.planned_actions.all(), key=lambda i: i.pk)
                ],
                referrals=[
                    row_dump(item, programme=item.programme.code, created_by=who(item.created_by))
                    for item in sorted(enrolment.referrals.all(), key=lambda i: i.pk)
                ],
            )
        )
    data = {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": timezone.now().isoformat(),
        "organisation": row_dump(organisation),
        "memberships": [
            row_dump(
                membership,
                user=who(membership.user),
                coordinator=_username(membership.coordinator.user)
                if membership.coordinator
                else None,
            )
            for membership in memberships
        ],
        "invitations": [
            row_dump(
                invitation,
                coordinator=who(invitation.coordinator.user) if invitation.coordinator else None,
                invited_by=who(invitation.invited_by),
            )
            for invitation in organisation.invitations.select_related(
                "coordinator__user", "invited_by"
            ).order_by("pk")
        ],
        "firms": [row_dump(firm, number=firm_numbers[firm.pk]) for firm in firms],
        # Its own programmes and providers, which its firms' referrals may name.
        "catalogue": {
            "programmes": [
                row_dump(row) for row in Programme.objects.filter(catalogue_of=organisation)
            ],
            "providers": [
                row_dump(row) for row in Provider.objects.filter(catalogue_of=organisation)
            ],
        },
        "cohorts": [
            row_dump(
                cohort,
                enrolments=enrolments_by_cohort.get(cohort.pk, []),
                imports=[
                    row_dump(job, created_by=who(job.created_by))
                    for job in sorted(cohort.imports.all(), key=lambda job: job.pk)
                ],
            )
            for cohort in cohorts
        ],
    }
    data["people"] = [_person(people[name]) for name in sorted(people)]
    return data


def _person(user: Any) -> dict[str, Any]:
    profile = Profile.objects.filter(user=user).first()
    return {
        "username": user.get_username(),
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "is_active": user.is_active,
        "language": profile.language if profile else None,
    }


def _assessment_dump(linked: CohortAssessment, who: Any) -> dict[str, Any]:
    assessment = linked.assessment
    return row_dump(
        linked,
        created_by=who(linked.created_by),
        corrects=linked.corrects.assessment.token if linked.corrects else None,
        events=[
            row_dump(event, actor=who(event.actor))
            for event in sorted(linked.events.all(), key=lambda event: event.pk)
        ],
        assessment=row_dump(
            assessment,
            instrument=assessment.instrument.code,
            answers=_rows(assessment.answers.all()),
            notes=_rows(assessment.notes.all()),
            scores=_rows(assessment.scores.all()),
            roadmap_summary=_rows(assessment.roadmap_summary.all()),
        ),
    )


def _rows(rows: Iterable[Model]) -> list[dict[str, Any]]:
    return [row_dump(row) for row in sorted(rows, key=lambda row: row.pk)]


def read_file_data(text: str) -> dict[str, Any]:
    """The file's data once its header says it is an export this version can read."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise TransferError(
            _("The file is not valid JSON: %(error)s.") % {"error": error}
        ) from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise TransferError(
            _("The file is not an organisation export (its “format” is not “%(format)s”).")
            % {"format": FORMAT}
        )
    version = data.get("version")
    if not isinstance(version, int):
        raise TransferError(_("The file has no format version."))
    if version > VERSION:
        raise TransferError(
            _(
                "The file was written in format version %(version)d, by a newer Ruta Digital; "
                "this installation reads version %(supported)d at most. Update it first."
            )
            % {"version": version, "supported": VERSION}
        )
    return data


def organisation_import(*, data: dict[str, Any]) -> Organisation:
    """Recreate an exported organisation in one transaction; refused if any of it exists here."""
    importer = _Importer()
    try:
        with transaction.atomic():
            return importer.run(data)
    except TransferError:
        raise
    except KeyError as error:
        raise importer.damaged(
            _("the field “%(field)s” is missing") % {"field": error.args[0]}
        ) from None
    except ValidationError as error:
        raise importer.damaged("; ".join(error.messages)) from None
    except (TypeError, ValueError, AttributeError, DatabaseError) as error:
        raise importer.damaged(str(error)) from None


class _Importer:
    def __init__(self) -> None:
        self.where = "the header"
        self.users: dict[str, Any] = {}
        self.memberships: dict[str, Membership] = {}
        self.instruments: dict[str, Instrument] = {}

    def damaged(self, problem: str) -> TransferError:
        return TransferError(
            _("The file is damaged at %(where)s: %(problem)s. Nothing was imported.")
            % {"where": self.where, "problem": problem}
        )

    def run(self, data: dict[str, Any]) -> Organisation:
        self.refuse_existing(data)
        self.where = "organisation"
        (organisation,) = _insert(Organisation, [self.fields(Organisation, data["organisation"])])
        self.users = self.people(data["people"])
        self.add_memberships(organisation, data["memberships"])
        firms = self.add_firms(data["firms"])
        self.add_invitations(organisation, data["invitations"])
        # Files written before organisations had their own catalogue have none.
        for kind, model in (("programmes", Programme), ("providers", Provider)):
            self.where = f"catalogue.{kind}"
            _insert(
                model,
                [
                    self.fields(model, record, catalogue_of=organisation)
                    for record in data.get("catalogue", {}).get(kind, [])
                ],
            )
        for number, cohort_data in enumerate(data["cohorts"]):
            self.where = f"cohorts[{number}]"
            (cohort,) = _insert(
                Cohort, [self.fields(Cohort, cohort_data, organisation=organisation)]
            )
            self.add_enrolments(cohort, firms, cohort_data["enrolments"])
            enrolment_results_refresh(enrolments=cohort.enrolments.all())
            self.where = f"cohorts[{number}].imports"
            _insert(
                ImportJob,
                [
                    self.fields(
                        ImportJob, job, cohort=cohort, created_by=self.user(job["created_by"])
                    )
                    for job in cohort_data["imports"]
                ],
            )
        return organisation

    def refuse_existing(self, data: dict[str, Any]) -> None:
        """Importing the same file twice, or into a site that has the organisation, is refused."""
        name = data["organisation"]["name"]
        if Organisation.objects.filter(name=name).exists():
            raise TransferError(
                _("An organisation named “%(name)s” exists here already; nothing was imported.")
                % {"name": name}
            )
        codes = [cohort["join_code"] for cohort in data["cohorts"]]
        tokens = [
            linked["assessment"]["token"]
            for cohort in data["cohorts"]
            for enrolment in cohort["enrolments"]
            for linked in enrolment["assessments"]
        ]
        clashes = [
            what
            for what, found in (
                (_("cohort join codes"), Cohort.objects.filter(join_code__in=codes)),
                (_("assessment links"), Assessment.objects.filter(token__in=tokens)),
                (
                    _("invitation links"),
                    Invitation.objects.filter(
                        token__in=[invitation["token"] for invitation in data["invitations"]]
                    ),
                ),
                *(
                    (
                        model._meta.verbose_name_plural,
                        model.objects.filter(
                            code__in=[
                                row["code"] for row in data.get("catalogue", {}).get(kind, [])
                            ]
                        ),
                    )
                    for kind, model in (("programmes", Programme), ("providers", Provider))
                ),
            )
            if found.exists()
        ]
        if clashes:
            raise TransferError(
                _(
                    "This site holds part of this organisation already (%(what)s); "
                    "nothing was imported."
                )
                % {"what": ", ".join(str(what) for what in clashes)}
            )

    def fields(self, model: type[Model], record: dict[str, Any], **links: Any) -> dict[str, Any]:
        """A row's values from its record, each checked as a form would (choices, lengths)."""
        values = self.bare(model, record, **links)
        row = model(**values)
        row.full_clean(
            exclude=[field.name for field in model._meta.fields if field.is_relation],
            validate_unique=False,
            validate_constraints=False,
        )
        return values

    def people(self, records: list[dict[str, Any]]) -> dict[str, Any]:
        """Each person by username: the one here if the e-mail matches, else a new account."""
        User = get_user_model()
        users = {}
        for number, record in enumerate(records):
            self.where = f"people[{number}]"
            username, email = record["username"], record["email"]
            user = User.objects.filter(username=username).first()
            if user is None:
                user = User(
                    username=username,
                    email=email,
                    first_name=record["first_name"],
                    last_name=record["last_name"],
                    is_active=record["is_active"],
                )
                # Nobody knows this password: the person sets their own through a reset e-mail,
                # which Django sends only to accounts with a usable password.
                user.set_password(secrets.token_urlsafe(32))
                user.full_clean()
                user.save()
                if record["language"]:
                    Profile.objects.create(user=user, language=record["language"])
            elif user.email.lower() != email.lower():
                raise TransferError(
                    _(
                        "The user “%(username)s” here has another e-mail address than in the "
                        "file (%(here)s here, %(there)s in the file); nothing was imported."
                    )
                    % {"username": username, "here": user.email, "there": email}
                )
            users[username] = user
        return users

    def user(self, username: str | None) -> Any:
        if username is None:
            return None
        if username not in self.users:
            raise self.damaged(
                _("“%(username)s” is not among the file’s people") % {"username": username}
            )
        return self.users[username]

    def add_memberships(self, organisation: Organisation, records: list[dict[str, Any]]) -> None:
        self.where = "memberships"
        rows = _insert(
            Membership,
            [
                self.fields(
                    Membership, record, organisation=organisation, user=self.user(record["user"])
                )
                for record in records
            ],
        )
        self.memberships = {row.user.get_username(): row for row in rows}
        for row, record in zip(rows, records, strict=True):
            if record["coordinator"] is not None:
                row.coordinator = self.membership(record["coordinator"])
                row.save(update_fields=["coordinator"])

    def membership(self, username: str | None) -> Membership | None:
        if username is None:
            return None
        if username not in self.memberships:
            raise self.damaged(
                _("“%(username)s” is not a member in the file") % {"username": username}
            )
        return self.memberships[username]

    def add_firms(self, records: list[dict[str, Any]]) -> dict[int, Firm]:
        self.where = "firms"
        rows = _insert(Firm, [self.fields(Firm, record) for record in records])
        return {record["number"]: row for record, row in zip(records, rows, strict=True)}

    def add_invitations(self, organisation: Organisation, records: list[dict[str, Any]]) -> None:
        self.where = "invitations"
        _insert(
            Invitation,
            [
                self.fields(
                    Invitation,
                    record,
                    organisation=organisation,
                    coordinator=self.membership(record["coordinator"]),
                    invited_by=self.user(record["invited_by"]),
                )
                for record in records
            ],
        )

    def add_enrolments(
        self, cohort: Cohort, firms: dict[int, Firm], records: list[dict[str, Any]]
    ) -> None:
        base = self.where
        for number, record in enumerate(records):
            self.where = f"{base}.enrolments[{number}]"
            if record["firm"] not in firms:
                raise self.damaged(
                    _("firm %(firm)s is not among the file’s firms") % {"firm": record["firm"]}
                )
            (enrolment,) = _insert(
                Enrolment,
                [
                    self.fields(
                        Enrolment,
                        record,
                        cohort=cohort,
                        firm=firms[record["firm"]],
                        consultant=self.membership(record["consultant"]),
                    )
                ],
            )
            # Files written before teams have no "members": the firm then has its lead alone.
            enrolment.members.set(
                [self.membership(username) for username in record.get("members", [])]
            )
            assessments = self.add_assessments(enrolment, record["assessments"])
            _insert(
                Visit,
                [
                    self.fields(
                        Visit, visit, enrolment=enrolment, consultant=self.user(visit["consultant"])
                    )
                    for visit in record["visits"]
                ],
            )
            _insert(
                JoinConsent,
                [
                    self.fields(
                        JoinConsent,
                        consent,
                        enrolment=enrolment,
                        assessment=self.by_token(assessments, consent["assessment"]),
                    )
                    for consent in record["consents"]
                ],
            )
            # Files written before action plans have neither list.
            _insert(
                PlannedAction,
                [
                    self.fields(
                        PlannedAction,
                        item,
                        enrolment=enrolment,
                        action=self.catalogued(Action, item["action"]),
                        created_by=self.user(item["created_by"]),
                    )
                    for item in record.get("action_plan", [])
                ],
            )
            _insert(
                Referral,
                [
                    self.fields(
                        Referral,
                        item,
                        enrolment=enrolment,
                        programme=self.catalogued(Programme, item["programme"]),
                        created_by=self.user(item["created_by"]),
                    )
                    for item in record.get("referrals", [])
                ],
            )

    def catalogued(self, model: type[Action] | type[Programme], code: str) -> Any:
        """An action or programme of this site's catalogue, by code."""
        found = model.objects.filter(code=code).first()
        if found is None:
            raise self.damaged(
                _("“%(code)s” is not in this site’s catalogue of %(what)s")
                % {"code": code, "what": model._meta.verbose_name_plural}
            )
        return found

    def by_token(self, assessments: dict[str, Any], token: str) -> Any:
        if token not in assessments:
            raise self.damaged(
                _("no assessment of this firm has the link “%(token)s”") % {"token": token}
            )
        return assessments[token]

    def add_assessments(
        self, enrolment: Enrolment, records: list[dict[str, Any]]
    ) -> dict[str, Assessment]:
        base = self.where
        assessments: dict[str, Assessment] = {}
        linked_rows: dict[str, CohortAssessment] = {}
        for number, record in enumerate(records):
            self.where = f"{base}.assessments[{number}]"
            held = record["assessment"]
            (assessment,) = _insert(
                Assessment,
                [
                    self.fields(
                        Assessment,
                        held,
                        firm=enrolment.firm,
                        instrument=self.instrument(held["instrument"]),
                    )
                ],
            )
            for model, key in (
                (Answer, "answers"),
                (AnswerNote, "notes"),
                (Score, "scores"),
                (RoadmapSummary, "roadmap_summary"),
            ):
                _insert(model, [self.bare(model, row, assessment=assessment) for row in held[key]])
            corrects = linked_rows.get(record["corrects"]) if record["corrects"] else None
            if record["corrects"] and corrects is None:
                raise self.damaged(
                    _("it corrects “%(token)s”, which is not an earlier assessment of this firm")
                    % {"token": record["corrects"]}
                )
            (linked,) = _insert(
                CohortAssessment,
                [
                    self.fields(
                        CohortAssessment,
                        record,
                        assessment=assessment,
                        enrolment=enrolment,
                        created_by=self.user(record["created_by"]),
                        corrects=corrects,
                    )
                ],
            )
            _insert(
                ReviewEvent,
                [
                    self.fields(
                        ReviewEvent,
                        event,
                        cohort_assessment=linked,
                        actor=self.user(event["actor"]),
                    )
                    for event in record["events"]
                ],
            )
            assessments[assessment.token] = assessment
            linked_rows[assessment.token] = linked
        self.where = base
        return assessments

    def bare(self, model: type[Model], record: dict[str, Any], **links: Any) -> dict[str, Any]:
        """Many small rows (answers, scores): converted, checked by the database's constraints.

        A file written before a field was added lacks it: an optional field then takes its
        default; a required one missing means a damaged file (KeyError).
        """
        values = {
            field.name: field.to_python(record[field.name])
            if field.name in record or not _optional(field)
            else field.get_default()
            for field in _columns(model)
        }
        return {**values, **links}

    def instrument(self, code: str) -> Instrument:
        if code not in self.instruments:
            try:
                self.instruments[code] = instrument_get_or_load(code=code)
            except FileNotFoundError:
                raise TransferError(
                    _(
                        "The file’s assessments use the instrument “%(code)s”, which this site "
                        "does not have; nothing was imported."
                    )
                    % {"code": code}
                ) from None
        return self.instruments[code]


def _insert(model: type[Model], rows: Sequence[dict[str, Any]]) -> list[Any]:
    """Insert rows as given, their creation and update times included."""
    objects = [model(**row) for row in rows]
    model._default_manager.bulk_create(objects, batch_size=500)
    stamped = [
        field.name
        for field in model._meta.concrete_fields
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
    ]
    if objects and stamped:
        for row, values in zip(objects, rows, strict=True):
            for name in stamped:
                setattr(row, name, values[name])
        model._default_manager.bulk_update(objects, stamped, batch_size=500)
    return objects
