import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # run first (tests/conftest.py)

REPO = Path(__file__).resolve().parents[2]


def run_redact(stdin: bytes, *args: str) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "PYTHONIOENCODING": "ascii"}
    return subprocess.run(
        [sys.executable, "-m", "chorus.cli", "redact", *args],
        input=stdin,
        capture_output=True,
        cwd=REPO,
        env=env,
        timeout=180,
    )


def test_redacts_each_line_in_order_keeping_empty_lines_endings_and_bad_bytes():
    numbered = [f"Line {i}: ring me on 07700 900{i:03d}" for i in range(150)]
    lines = [
        b"My name is Margaret Wilson and my NHS number is 943 476 5919",
        b"",
        b"I live at 12 Acacia Avenue, SS1 2AB, near the GP in Shoebury",
        "Ayşe's email is ayse.demir@example.com – café on Kingsland Road".encode(),
        b"broken \xff\xfe bytes from Dr Patel",
        *[line.encode() for line in numbered],
    ]
    stdin = b"\n".join(lines[:3]) + b"\r\n" + b"\n".join(lines[3:]) + b"\n"
    completed = run_redact(stdin)
    assert completed.returncode == 0, completed.stderr.decode()
    assert completed.stderr == b""
    output = completed.stdout.decode("utf-8")
    out_lines = output.split("\n")
    assert out_lines[0] == "My name is [NAME] and my NHS number is [NHS_NUMBER]"
    assert out_lines[1] == ""
    assert out_lines[2] == "I live at [ADDRESS], [POSTCODE], near the GP in Shoebury\r"
    assert out_lines[3] == "[NAME]'s email is [EMAIL] – café on Kingsland Road"
    assert out_lines[4] == "broken \ufffd\ufffd bytes from Dr [NAME]"
    assert out_lines[5:-1] == [f"Line {i}: ring me on [PHONE]" for i in range(150)]
    assert out_lines[-1] == ""
    assert "07700" not in output and "Wilson" not in output


def test_keep_district_option_keeps_the_outward_code_and_last_line_without_newline():
    completed = run_redact(b"We moved from PL1 3EX to SS1 2AB", "--keep-district", "--batch-size", "1")
    assert completed.returncode == 0, completed.stderr.decode()
    assert completed.stdout.decode() == "We moved from PL1 [POSTCODE] to SS1 [POSTCODE]"


def test_empty_input_gives_empty_output():
    completed = run_redact(b"")
    assert (completed.returncode, completed.stdout, completed.stderr) == (0, b"", b"")


def test_help_explains_the_command():
    completed = run_redact(b"", "--help")
    assert completed.returncode == 0
    help_text = completed.stdout.decode()
    assert "--keep-district" in help_text and "[POSTCODE]" in help_text and "line" in help_text


def test_bad_option_gives_one_line_error_and_no_traceback():
    completed = run_redact(b"", "--keep-postcodes")
    assert completed.returncode == 2
    message = completed.stderr.decode()
    assert message.count("\n") == 1 and message.startswith("chorus redact:")
    assert "Traceback" not in message
    zero_batch = run_redact(b"", "--batch-size", "0")
    assert zero_batch.returncode == 2 and zero_batch.stderr.decode().count("\n") == 1
