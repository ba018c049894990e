"""Generated files (roadmap PDFs, e-mail attachments, reports, uploads) live as long as their rows.

A row deleted takes its files with it once the deletion is committed; a file that no row
holds any more (a crash between the two, a row deleted by hand) is swept by housekeeping.
"""

import logging
from datetime import timedelta

from django.core.files.storage import default_storage
from django.db import models, router, transaction
from django.db.models.deletion import Collector
from django.utils import timezone

logger = logging.getLogger(__name__)

# A file this young may belong to a row not committed yet (a worker saves the file first).
ORPHAN_AFTER = timedelta(hours=1)


def delete_with_files(instance: models.Model) -> None:
    """Delete a row and everything its deletion cascades to; their files go after the commit.

    Raises ProtectedError, deleting nothing, when another row protects one of them.
    """
    collector = Collector(using=router.db_for_write(type(instance)), origin=instance)
    collector.collect([instance])
    names = _file_names(collector)
    collector.delete()
    if names:
        transaction.on_commit(lambda: _remove(names), robust=True)


def _file_names(collector: Collector) -> list[str]:
    names: list[str] = []
    for model, instances in collector.data.items():
        for field in _file_fields(model):
            names += [getattr(row, field.attname).name for row in instances]
    for query in collector.fast_deletes:  # rows deleted in bulk, never loaded
        for field in _file_fields(query.model):
            names += query.values_list(field.attname, flat=True)
    return [name for name in names if name]


def _file_fields(model: type[models.Model]) -> list[models.Field]:
    return [field for field in model._meta.concrete_fields if isinstance(field, models.FileField)]


def _remove(names: list[str]) -> None:
    for name in names:
        try:
            default_storage.delete(name)
        except OSError as error:  # housekeeping sweeps it later, as an orphan
            logger.warning("Could not delete %s: %s", name, error)


def orphan_files_purge(*, folder: str, held: set[str]) -> int:
    """Delete the files in `folder` that no row holds (`held`: the names rows store)."""
    try:
        _folders, files = default_storage.listdir(folder)
    except FileNotFoundError:
        return 0
    limit = timezone.now() - ORPHAN_AFTER
    purged = 0
    for file in files:
        name = f"{folder}/{file}"
        if name in held or default_storage.get_modified_time(name) > limit:
            continue
        default_storage.delete(name)
        purged += 1
    return purged
