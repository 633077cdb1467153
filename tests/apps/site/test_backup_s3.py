"""`chorus backup` and `chorus restore` with the files in an S3-compatible bucket (CHORUS_S3_*) on a real S3
protocol peer (moto's server mode, support/s3_server.py): every object goes into the archive and comes back
exactly, with objects stored after the backup gone, and no temporary file left behind."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from chorus.site.backup import restore_backup, write_backup

pytestmark = pytest.mark.django_db(transaction=True)
FILES = {
    "imports/survey.csv": b"ward,comment\nMilton,No GP\n",
    "models/7/coder.bin": bytes(range(256)) * 40,
}


def test_backup_and_restore_bring_back_the_objects_in_the_bucket(world, s3, tmp_path):
    for name, content in FILES.items():
        default_storage.save(name, ContentFile(content))
    archive = tmp_path / "chorus.tar.gz"

    summary = write_backup(archive, portable=True)
    default_storage.delete("imports/survey.csv")
    default_storage.save("imports/after-the-backup.csv", ContentFile(b"stray"))
    default_storage.delete("models/7/coder.bin")
    default_storage.save("models/7/coder.bin", ContentFile(b"trained again"))
    restore_backup(archive, force=True)

    assert summary.files == 2
    assert s3.names() == sorted(FILES) and {name: s3.read(name) for name in FILES} == FILES
    assert not any(s3.scratch.iterdir())
