"""`chorus redact`: redact personal data from stdin, line by line, to stdout."""

from __future__ import annotations

import argparse
import io
import logging
import re
import sys
from collections.abc import Iterator
from itertools import islice
from typing import TextIO

DESCRIPTION = """\
Read text from standard input and write it to standard output with personal data replaced by placeholders:
[NAME], [PHONE], [EMAIL], [POSTCODE], [ADDRESS], [DATE_OF_BIRTH], [NHS_NUMBER], [NI_NUMBER].
Each input line gives one output line, in the same order, so a file can be cleaned before it is shared:

  chorus redact < comments.txt > comments-redacted.txt

Place, ward, service and condition names (Southend, Milton ward, GP, A&E, COPD) are kept. Input is read
as UTF-8; bytes that are not valid UTF-8 become U+FFFD. Lines are processed in batches, so the input is
never held in memory whole. The text is never logged."""

_LINE_END = re.compile(r"(?:\r\n|\n|\r)$")


class _OneLineErrorParser(argparse.ArgumentParser):
    def error(self, message: str):  # type: ignore[override]
        self.exit(2, f"chorus redact: {message} (see chorus redact --help)\n")


def _parser() -> argparse.ArgumentParser:
    parser = _OneLineErrorParser(
        prog="chorus redact", description=DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--keep-district",
        action="store_true",
        help='keep the outward code of postcodes ("SS1 2AB" becomes "SS1 [POSTCODE]")',
    )
    parser.add_argument(
        "--batch-size",
        type=int,
        default=64,
        metavar="N",
        help="lines redacted together (default 64); larger is faster, smaller shows output sooner",
    )
    return parser


def _batches(lines: TextIO, size: int) -> Iterator[list[str]]:
    iterator = iter(lines)
    while batch := list(islice(iterator, size)):
        yield batch


def redact_stream(source: TextIO, sink: TextIO, keep_district: bool = False, batch_size: int = 64) -> int:
    """Redact each line of source to sink, keeping each line's own ending. Returns the number of lines."""
    count = 0
    for batch in _batches(source, batch_size):
        # Imported on the first line, so empty input costs no model load.
        from chorus.privacy.redaction import default_redactor

        redactor = default_redactor()
        bodies, endings = [], []
        for line in batch:
            ending = _LINE_END.search(line)
            bodies.append(line[: ending.start()] if ending else line)
            endings.append(ending.group() if ending else "")
        results = redactor.redact_many(bodies, keep_district=keep_district, batch_size=batch_size)
        sink.write("".join(result.text + ending for result, ending in zip(results, endings, strict=True)))
        sink.flush()
        count += len(batch)
    return count


def main(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    if args.batch_size < 1:
        print("chorus redact: --batch-size must be at least 1", file=sys.stderr)
        return 2
    # Libraries must not echo residents' text to the terminal; only errors get through, and ours name no text.
    logging.getLogger("presidio-analyzer").setLevel(logging.ERROR)
    source = io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8", errors="replace", newline="")
    sink = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", newline="", write_through=True)
    try:
        redact_stream(source, sink, keep_district=args.keep_district, batch_size=args.batch_size)
    except ModuleNotFoundError as error:
        print(
            f"chorus redact: missing package {error.name!r}; install the project's dependencies",
            file=sys.stderr,
        )
        return 1
    except BrokenPipeError:
        # The reader went away (e.g. `| head`); stop quietly like other Unix filters.
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        return 130
    finally:
        sink.detach()
        source.detach()
    return 0
