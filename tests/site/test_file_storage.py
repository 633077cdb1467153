"""STORAGES["default"]: the local disk unless CHORUS_S3_BUCKET names an S3-compatible bucket."""

import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from chorus.site.file_storage import default_storage_settings, s3_options


def test_nothing_set_keeps_files_on_the_local_disk():
    assert default_storage_settings({}) == {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    assert default_storage_settings({"CHORUS_S3_BUCKET": "  "})["BACKEND"].endswith("FileSystemStorage")


def test_a_bucket_gives_private_never_overwritten_objects_at_the_endpoint_given():
    options = s3_options(
        {
            "CHORUS_S3_BUCKET": "chorus-files",
            "CHORUS_S3_ENDPOINT_URL": "http://127.0.0.1:9000",
            "CHORUS_S3_REGION": "eu-west-2",
            "CHORUS_S3_PREFIX": "/production/",
            "CHORUS_S3_ADDRESSING_STYLE": "path",
        }
    )
    assert options["bucket_name"] == "chorus-files" and options["location"] == "production"
    assert options["endpoint_url"] == "http://127.0.0.1:9000" and options["region_name"] == "eu-west-2"
    assert options["addressing_style"] == "path"
    assert options["default_acl"] is None and options["file_overwrite"] is False
    assert options["querystring_auth"] is True
    assert "endpoint_url" not in s3_options({"CHORUS_S3_BUCKET": "b"})


def test_an_unknown_addressing_style_is_an_error():
    with pytest.raises(ImproperlyConfigured, match="auto, path or virtual"):
        s3_options({"CHORUS_S3_BUCKET": "b", "CHORUS_S3_ADDRESSING_STYLE": "sideways"})


def test_a_bucket_without_the_s3_backend_installed_is_an_error_not_the_local_disk(monkeypatch):
    monkeypatch.setitem(sys.modules, "storages", None)  # as if django-storages were not installed
    with pytest.raises(ImproperlyConfigured, match="django-storages"):
        default_storage_settings({"CHORUS_S3_BUCKET": "chorus-files"})
