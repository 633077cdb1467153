"""Where Chorus keeps its files (STORAGES["default"]): the local disk under MEDIA_ROOT unless CHORUS_S3_BUCKET
names an S3-compatible bucket (Amazon S3, MinIO, Ceph, a cloud's own), which every web process and worker,
on any machine, reads and writes through Django's storage API.

CHORUS_S3_BUCKET=chorus-files              # the bucket (made beforehand, private, encrypted at rest)
CHORUS_S3_ENDPOINT_URL=https://minio:9000  # a service other than Amazon's
CHORUS_S3_REGION=eu-west-2
CHORUS_S3_PREFIX=production                # a folder inside the bucket for everything Chorus stores
CHORUS_S3_ADDRESSING_STYLE=path            # MinIO and most self-hosted services want path-style addresses
AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY   # the credentials, read by boto3 (or an instance role)
"""

from __future__ import annotations

from collections.abc import Mapping
from importlib.util import find_spec

from django.core.exceptions import ImproperlyConfigured

LOCAL = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
S3_BACKEND = "storages.backends.s3.S3Storage"
ADDRESSING_STYLES = {"auto", "path", "virtual"}
MAX_MEMORY_SIZE = 8 * 1024 * 1024


def default_storage_settings(environ: Mapping[str, str]) -> dict:
    """STORAGES["default"] from the environment. A bucket set without the S3 backend installed, or a value it
    does not understand, is an error at start, never a silent fall back to the local disk."""
    bucket = environ.get("CHORUS_S3_BUCKET", "").strip()
    if not bucket:
        return dict(LOCAL)
    if find_spec("storages") is None or find_spec("boto3") is None:
        raise ImproperlyConfigured(
            "CHORUS_S3_BUCKET is set but django-storages[s3] is not installed: install it, or unset "
            "the bucket."
        )
    return {"BACKEND": S3_BACKEND, "OPTIONS": s3_options(environ)}


def s3_options(environ: Mapping[str, str]) -> dict:
    """The S3 backend's OPTIONS from CHORUS_S3_* (see above)."""
    style = environ.get("CHORUS_S3_ADDRESSING_STYLE", "").strip() or "auto"
    if style not in ADDRESSING_STYLES:
        raise ImproperlyConfigured(f"CHORUS_S3_ADDRESSING_STYLE={style!r}: use auto, path or virtual.")
    options = {
        "bucket_name": environ["CHORUS_S3_BUCKET"].strip(),
        "location": environ.get("CHORUS_S3_PREFIX", "").strip().strip("/"),
        "addressing_style": style,
        "signature_version": "s3v4",
        # Residents' files: never public, never silently overwritten (uploads get names of their own).
        "default_acl": None,
        "querystring_auth": True,
        "file_overwrite": False,
        # An object read through the API is downloaded into a temporary file that stays in memory up to
        # this size and then moves to an unnamed file on disk (gone when closed). The backend's default, 0,
        # never moves it: a 2 GB upload would be held whole in the memory of the web process and the worker.
        "max_memory_size": MAX_MEMORY_SIZE,
    }
    if endpoint := environ.get("CHORUS_S3_ENDPOINT_URL", "").strip():
        options["endpoint_url"] = endpoint
    if region := environ.get("CHORUS_S3_REGION", "").strip():
        options["region_name"] = region
    return options
