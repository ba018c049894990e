"""The Celery app. Tasks are Django-aware, so `.delay_on_commit()` is available."""

import os

from celery import Celery
from celery.signals import before_task_publish, task_prerun

from config.observability import task_prerun_set_request_id, task_publish_add_request_id

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("ruta_digital", task_cls="celery.contrib.django.task:DjangoTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

before_task_publish.connect(task_publish_add_request_id, weak=False)
task_prerun.connect(task_prerun_set_request_id, weak=False)
