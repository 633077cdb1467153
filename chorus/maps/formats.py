"""Read and write maps: edge list CSV, adjacency matrix CSV, and Mental Modeler .mmp projects.

Edge list CSV: one row per link with columns `from`, `to` and either `weight` (a signed number) or
`strength` (a number or a linguistic term such as "very strong") with an optional `sign` (+ or -).
Optional columns: `quote` (a short supporting quote) and `provenance` (ids separated by ";").
Factor ids are the names used in the file.

Matrix CSV: the header row and the first column both list the factor names in the same order; the cell in
row i, column j is the effect of factor i on factor j. Blank cells mean no link.

Mental Modeler (.mmp) projects come as XML (<mentalmodeler><concepts><concept>...) or JSON with the same
shape: each concept lists its outgoing relationships, and a relationship's `id` is the id of the concept
it affects, its `influence` the weight (-1..1). Relationships with influence 0 carry no effect and are
left out. A relationship's notes become the link's quote.
"""

from __future__ import annotations

import csv
import json
import math
import xml.etree.ElementTree as ElementTree
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

from chorus.ingest.safety import restore_formula, safe_csv_writer
from chorus.maps.model import Factor, FuzzyCognitiveMap, Link, MapError
from chorus.maps.strengths import DEFAULT_STRENGTH_TERMS, StrengthTerms, parse_sign, strength_to_weight

Source = str | Path | TextIO


@contextmanager
def _opened(source: Source, mode: str = "r") -> Iterator[TextIO]:
    """Open a path (or pass a stream through); CSV syntax errors surface as MapError."""
    try:
        if isinstance(source, str | Path):
            encoding = "utf-8-sig" if mode == "r" else "utf-8"
            with open(source, mode, encoding=encoding, newline="") as handle:
                yield handle
        else:
            yield source
    except csv.Error as error:
        raise MapError(f"not a readable CSV file: {error}") from None


def _number(text: str, where: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise MapError(f"{where}: {text!r} is not a number") from None
    if not math.isfinite(value):
        raise MapError(f"{where}: {text!r} is not a finite number")
    return value


def _row_reader(row: dict[str, str], columns: dict[str, str]) -> Callable[[str], str]:
    """cell(column) -> the stripped text of that column in this row, "" when the column is absent."""

    def cell(column: str) -> str:
        return restore_formula((row.get(columns[column]) or "").strip()) if column in columns else ""

    return cell


def read_edge_list_csv(
    source: Source, terms: StrengthTerms = DEFAULT_STRENGTH_TERMS, map_id: str = ""
) -> FuzzyCognitiveMap:
    with _opened(source) as handle:
        reader = csv.DictReader(handle)
        if reader.fieldnames is None:
            raise MapError("the edge list is empty")
        columns = {name.strip().lower(): name for name in reader.fieldnames if name}
        missing = {"from", "to"} - columns.keys()
        if missing:
            raise MapError(
                f"the edge list needs columns 'from' and 'to' (missing {' and '.join(sorted(missing))})"
            )
        if "weight" not in columns and "strength" not in columns:
            raise MapError("the edge list needs a 'weight' or a 'strength' column")
        names: dict[str, None] = {}
        links: list[Link] = []
        seen: dict[tuple[str, str], int] = {}
        for row_number, row in enumerate(reader, start=2):
            cell = _row_reader(row, columns)
            source_name, target_name = cell("from"), cell("to")
            if not any((value or "").strip() for value in row.values() if isinstance(value, str)):
                continue
            if not source_name or not target_name:
                raise MapError(f"row {row_number}: 'from' and 'to' must both be filled in")
            if (source_name, target_name) in seen:
                raise MapError(
                    f"row {row_number}: link {source_name!r} -> {target_name!r} already given on row "
                    f"{seen[(source_name, target_name)]}"
                )
            seen[(source_name, target_name)] = row_number
            where = f"row {row_number}"
            if cell("weight"):
                weight = _number(cell("weight"), where)
            elif cell("strength"):
                try:
                    weight = strength_to_weight(cell("strength"), parse_sign(cell("sign")), terms)
                except MapError as error:
                    raise MapError(f"{where}: {error}") from None
            else:
                raise MapError(f"{where}: no weight or strength given")
            names.setdefault(source_name)
            names.setdefault(target_name)
            provenance = tuple(part.strip() for part in cell("provenance").split(";") if part.strip())
            links.append(Link(source_name, target_name, weight, provenance=provenance, quote=cell("quote")))
    factors = [Factor(id=name, name=name) for name in names]
    return FuzzyCognitiveMap(factors, links, id=map_id)


def read_matrix_csv(source: Source, map_id: str = "") -> FuzzyCognitiveMap:
    with _opened(source) as handle:
        rows = [
            [restore_formula(cell) for cell in row]
            for row in csv.reader(handle)
            if any(cell.strip() for cell in row)
        ]
    if not rows:
        raise MapError("the matrix file is empty")
    header = [cell.strip() for cell in rows[0][1:]]
    while header and not header[-1]:
        header.pop()
    if not header:
        raise MapError("the header row names no factors")
    if "" in header:
        raise MapError(f"header column {header.index('') + 2} has no factor name")
    duplicates = sorted({name for name in header if header.count(name) > 1})
    if duplicates:
        raise MapError(f"factor names appear more than once in the header: {', '.join(duplicates)}")
    body = rows[1:]
    if len(body) != len(header):
        raise MapError(f"the matrix is not square: {len(header)} factor columns but {len(body)} rows")
    size = len(header)
    matrix: list[list[float]] = []
    for position, row in enumerate(body):
        name = row[0].strip()
        if name != header[position]:
            raise MapError(
                f"the first column does not match the header: row {position + 2} is {name!r} "
                f"but column {position + 2} is {header[position]!r}"
            )
        cells = [cell.strip() for cell in row[1:]]
        while len(cells) > size and not cells[-1]:
            cells.pop()
        if len(cells) > size:
            raise MapError(f"row {name!r} has {len(cells)} values but there are {size} factors")
        cells += [""] * (size - len(cells))
        matrix.append(
            [
                _number(cell, f"row {name!r}, column {header[column]!r}") if cell else 0.0
                for column, cell in enumerate(cells)
            ]
        )
    return FuzzyCognitiveMap.from_matrix(header, matrix, id=map_id)


def _mmp_weight(text: str, where: str) -> float:
    try:
        return _number(text, where)
    except MapError:
        try:
            return strength_to_weight(text)
        except MapError:
            raise MapError(f"{where}: influence {text!r} is not a number") from None


def _mmp_concepts_from_xml(text: str) -> list[dict]:
    try:
        root = ElementTree.fromstring(text)
    except ElementTree.ParseError as error:
        raise MapError(f"not a Mental Modeler file: {error}") from None
    if root.tag.lower() != "mentalmodeler":
        raise MapError(f"not a Mental Modeler file: the root element is <{root.tag}>")
    concepts_node = root.find("concepts")
    concepts = []
    for concept in concepts_node if concepts_node is not None else []:
        relationships = [
            {child.tag: (child.text or "").strip() for child in relationship}
            for relationship in concept.findall("relationships/relationship")
        ]
        fields = {child.tag: (child.text or "").strip() for child in concept if child.tag != "relationships"}
        concepts.append({**fields, "relationships": relationships})
    return concepts


def read_mmp(source: Source) -> FuzzyCognitiveMap:
    """A Mental Modeler project (XML or JSON). Factor ids are the project's concept ids."""
    with _opened(source) as handle:
        text = handle.read()
    if text.lstrip().startswith("{"):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            raise MapError(f"not a Mental Modeler file: {error}") from None
        concepts = data.get("concepts") if isinstance(data, dict) else None
        if not isinstance(concepts, list):
            raise MapError("not a Mental Modeler file: no list of concepts")
        map_id = str((data.get("info") or {}).get("id") or "")
    else:
        concepts = _mmp_concepts_from_xml(text)
        map_id = ""
    factors = []
    for concept in concepts:
        concept_id = str(concept.get("id") or "").strip()
        if not concept_id:
            raise MapError("a concept has no id")
        factors.append(Factor(id=concept_id, name=str(concept.get("name") or concept_id).strip()))
    links = []
    for concept in concepts:
        for relationship in concept.get("relationships") or []:
            target = str(relationship.get("id") or "").strip()
            where = f"relationship {concept['id']!r} -> {target!r}"
            weight = _mmp_weight(str(relationship.get("influence") or "0").strip(), where)
            if weight != 0:
                notes = str(relationship.get("notes") or "").strip()
                links.append(Link(str(concept["id"]).strip(), target, weight, quote=notes))
    return FuzzyCognitiveMap(factors, links, id=map_id)


def write_edge_list_csv(fcm: FuzzyCognitiveMap, destination: Source) -> None:
    """One row per link: from, to (factor names), weight, quote, provenance (ids joined by ";")."""
    with _opened(destination, "w") as handle:
        writer = safe_csv_writer(handle, lineterminator="\n")
        writer.writerow(["from", "to", "weight", "quote", "provenance"])
        for link in fcm.links:
            writer.writerow(
                [
                    fcm.factor(link.source).name,
                    fcm.factor(link.target).name,
                    format(link.weight, ".15g"),
                    link.quote,
                    ";".join(link.provenance),
                ]
            )


def write_matrix_csv(fcm: FuzzyCognitiveMap, destination: Source) -> None:
    """Square matrix with factor names as header row and first column; W[i][j] = effect of i on j."""
    matrix = fcm.weight_matrix()
    with _opened(destination, "w") as handle:
        writer = safe_csv_writer(handle, lineterminator="\n")
        writer.writerow(["", *fcm.names])
        for name, row in zip(fcm.names, matrix, strict=True):
            writer.writerow([name, *(format(value, ".15g") for value in row)])
