"""Where the demo finds the NHS Friends and Family Test comments, and how it opens them.

The whole file ships gzipped in `chorus/data/feedback` (MIT, NHS England; see its NOTICE.md), so the demo
loads from a clone of the repository alone. A folder given instead (`load_demo --data`, or
`CHORUS_SHARED_DATA`, as the tests do with their sample) is used when it holds `feedback/nhs_fft_dev.csv`
or its `.gz`.
"""

from __future__ import annotations

import gzip
import io
import os
from pathlib import Path
from typing import TextIO

SHIPPED_DATA = Path(__file__).resolve().parents[1] / "data"
FFT_NAME = "nhs_fft_dev.csv"


def default_data_dir() -> Path:
    """The folder named by CHORUS_SHARED_DATA when set, else the data shipped with Chorus."""
    return Path(os.environ.get("CHORUS_SHARED_DATA") or SHIPPED_DATA)


def fft_path(data_dir: Path | None = None) -> Path | None:
    """The FFT file under data_dir/feedback (plain or gzipped), or None when neither is there."""
    folder = (data_dir or default_data_dir()) / "feedback"
    for candidate in (folder / FFT_NAME, folder / f"{FFT_NAME}.gz"):
        if candidate.is_file():
            return candidate
    return None


def open_fft(path: Path) -> TextIO:
    """Open the FFT file for csv reading, gzipped or not (the file starts with a byte-order mark)."""
    if path.suffix == ".gz":
        return io.TextIOWrapper(gzip.open(path, "rb"), encoding="utf-8-sig", newline="")
    return path.open(encoding="utf-8-sig", newline="")
