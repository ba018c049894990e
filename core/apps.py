from django.apps import AppConfig


class CoreConfig(AppConfig):
    """What every app leans on and nothing of ours is leant on by: background jobs, error
    pages and upload problems, files that go with their rows, PDFs, spreadsheet cells."""

    name = "core"
