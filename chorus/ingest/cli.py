"""Check a file before importing it: how it reads, how its columns map, and which rows would be quarantined.

    python -m chorus.ingest responses.xlsx [--sheet NAME] [--mapping saved.json] [--save-mapping out.json]

Nothing is imported and nothing is written except the optional --save-mapping file.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

from chorus.ingest.mapping import Mapping, guess_mapping
from chorus.ingest.readers import ReadError, open_table
from chorus.ingest.validate import CleanRecord, MappingError, validate_rows


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m chorus.ingest", description=__doc__.splitlines()[0])
    parser.add_argument("file", type=Path)
    parser.add_argument("--sheet", help="worksheet name (default: the first)")
    parser.add_argument("--delimiter", help="CSV delimiter (default: sniffed)")
    parser.add_argument("--encoding", help="text encoding (default: detected)")
    parser.add_argument("--mapping", type=Path, help="a saved mapping (JSON) to use instead of guessing")
    parser.add_argument("--save-mapping", type=Path, help="write the mapping used to this JSON file")
    parser.add_argument("--show", type=int, default=10, help="how many quarantined rows to list (default 10)")
    args = parser.parse_args(argv)

    try:
        table = open_table(args.file, sheet=args.sheet, delimiter=args.delimiter, encoding=args.encoding)
        mapping = (
            Mapping.from_json(args.mapping.read_text()) if args.mapping else guess_mapping(table.headers)
        )
    except ReadError as error:
        print(f"{args.file.name}: {error}", file=sys.stderr)
        return 1
    except (OSError, ValueError) as error:
        print(f"{args.mapping}: not a usable mapping ({error})", file=sys.stderr)
        return 1

    details = [table.format, table.encoding, repr(table.delimiter) if table.delimiter else None, table.sheet]
    print(
        f"{args.file.name}: {', '.join(detail for detail in details if detail)}; {len(table.headers)} columns"
    )
    if table.source:
        print(f"field tool: {table.source} (instance id column {table.id_column!r})")
    for target, header in mapping.columns.items():
        print(f"  {target:<22} <- {header!r} (confidence {mapping.confidence.get(target, 1.0):.1f})")
    unmapped = mapping.unmapped(table.headers)
    if unmapped:
        print(f"  kept as answers: {', '.join(repr(header) for header in unmapped)}")

    counts: Counter[str] = Counter()
    shown = 0
    try:
        for outcome in validate_rows(table, mapping):
            if isinstance(outcome, CleanRecord):
                counts["clean"] += 1
                continue
            counts["quarantined"] += 1
            if shown < args.show:
                shown += 1
                for message in outcome.messages:
                    print(f"  {message}")
    except (ReadError, MappingError) as error:
        print(f"{args.file.name}: {error}", file=sys.stderr)
        return 1
    print(f"{counts['clean']} rows would import, {counts['quarantined']} would be quarantined")
    if args.save_mapping:
        args.save_mapping.write_text(json.dumps(mapping.to_dict(), indent=2, ensure_ascii=False) + "\n")
    return 0
