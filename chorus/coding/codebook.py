"""Codebooks: hierarchical themes, with CSV and REFI-QDA (.qdc) import and export.

A codebook is an ordered list of themes. A theme has an id (a slug; a sub-theme's id is conventionally
"parent/child", e.g. "housing/damp-mould"), a name, a one-line description, a few short example quotes
and an optional parent id.

CSV format (UTF-8, one theme per row, header required):

    id,parent_id,name,description,examples

`parent_id` is empty for a top-level theme; `examples` holds the example quotes joined by " | " (space,
vertical bar, space), so an example may contain "|" but not " | ". Only `id` and `name` are required
columns; columns may come in any order and unknown columns are ignored. `codebook_to_csv` always writes
the five columns in this order, with "\\n" line endings, and `codebook_from_csv(codebook_to_csv(book))`
gives back an equal codebook.

REFI-QDA codebook (.qdc) is the XML exchange format of NVivo, ATLAS.ti, MAXQDA and QualCoder
(schema: refi/Codebook.xsd). It has no field for examples or for our ids, so:
- examples go at the end of the Description, after a line "Examples:", one per line as "- quote";
- every theme gets a stable GUID, uuid5 of the codebook name and the theme id, so re-exports diff cleanly.
  A theme imported from another tool keeps that tool's GUID (Theme.guid); passing the existing codebook
  to `codebook_from_qdc` maps GUIDs it knows back to their theme ids.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from lxml import etree

from chorus.ingest.safety import restore_formula, safe_csv_writer

QDC_NAMESPACE = "urn:QDA-XML:codebook:1.0"
QDC_SCHEMA_PATH = Path(__file__).with_name("refi") / "Codebook.xsd"
CSV_COLUMNS = ("id", "parent_id", "name", "description", "examples")
EXAMPLE_SEPARATOR = " | "
EXAMPLES_MARKER = "Examples:"
# Fixed namespace for Chorus theme GUIDs: changing it would change every exported GUID.
CHORUS_GUID_NAMESPACE = uuid.UUID("6f1c2b9e-3c1a-5b8e-9a52-2f0b7c4d1e83")
STARTER_PACKAGE = "chorus.coding"
STARTER_FOLDER = "codebooks"

_RGB = re.compile(r"#([A-Fa-f0-9]{6}|[A-Fa-f0-9]{3})")
_GUID = re.compile(r"\{?[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\}?")


class CodebookError(ValueError):
    """A codebook or codebook file that cannot be used; the message says why, in one line."""


@dataclass
class Theme:
    id: str
    name: str
    description: str = ""
    examples: list[str] = field(default_factory=list)
    parent_id: str | None = None
    # Only for themes imported from other tools: their GUID and colour, kept so a re-export matches.
    guid: str | None = None
    color: str | None = None


@dataclass
class Codebook:
    name: str
    themes: list[Theme] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.validate()

    def validate(self) -> None:
        if not self.name.strip():
            raise CodebookError("a codebook needs a name")
        seen: set[str] = set()
        for theme in self.themes:
            if not theme.id.strip():
                raise CodebookError(f"theme {theme.name!r} has no id")
            if not theme.name.strip():
                raise CodebookError(f"theme {theme.id!r} has no name")
            if theme.id in seen:
                raise CodebookError(f"theme id {theme.id!r} appears more than once")
            seen.add(theme.id)
            for example in theme.examples:
                if EXAMPLE_SEPARATOR in example or "\n" in example or not example.strip():
                    raise CodebookError(
                        f"theme {theme.id!r} has an example that is empty, spans lines or contains "
                        f"{EXAMPLE_SEPARATOR!r}"
                    )
        for theme in self.themes:
            if theme.parent_id is not None and theme.parent_id not in seen:
                raise CodebookError(f"theme {theme.id!r} has unknown parent {theme.parent_id!r}")
        for theme in self.themes:
            self.ancestors(theme.id)  # raises on a cycle

    def __contains__(self, theme_id: object) -> bool:
        return any(theme.id == theme_id for theme in self.themes)

    def __len__(self) -> int:
        return len(self.themes)

    def get(self, theme_id: str) -> Theme:
        for theme in self.themes:
            if theme.id == theme_id:
                return theme
        raise KeyError(theme_id)

    def by_name(self, name: str) -> Theme:
        for theme in self.themes:
            if theme.name == name:
                return theme
        raise KeyError(name)

    def roots(self) -> list[Theme]:
        return [theme for theme in self.themes if theme.parent_id is None]

    def children(self, theme_id: str) -> list[Theme]:
        return [theme for theme in self.themes if theme.parent_id == theme_id]

    def leaves(self) -> list[Theme]:
        parents = {theme.parent_id for theme in self.themes}
        return [theme for theme in self.themes if theme.id not in parents]

    def ancestors(self, theme_id: str) -> list[Theme]:
        """Parent, grandparent, ... of a theme, nearest first."""
        chain: list[Theme] = []
        current = self.get(theme_id)
        while current.parent_id is not None:
            current = self.get(current.parent_id)
            if current.id == theme_id or current in chain:
                raise CodebookError(f"theme {theme_id!r} is its own ancestor")
            chain.append(current)
        return chain

    def depth(self, theme_id: str) -> int:
        return len(self.ancestors(theme_id))

    def add(self, theme: Theme) -> Theme:
        """Add a theme, checking the codebook stays valid; returns the theme."""
        self.themes.append(theme)
        try:
            self.validate()
        except CodebookError:
            self.themes.pop()
            raise
        return theme

    def guid_for(self, theme: Theme) -> str:
        return theme.guid or theme_guid(self.name, theme.id)


def theme_guid(codebook_name: str, theme_id: str) -> str:
    """The stable GUID Chorus gives a theme: the same codebook name and theme id always give the same GUID."""
    return str(uuid.uuid5(CHORUS_GUID_NAMESPACE, f"{codebook_name}\n{theme_id}"))


def slugify(text: str) -> str:
    """Lower-case ASCII words joined by hyphens: "Staff manner & attributes" -> "staff-manner-attributes"."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug or "theme"


# ---------------------------------------------------------------- CSV


def codebook_to_csv(codebook: Codebook) -> str:
    out = io.StringIO()
    # Theme names and examples are typed by people: a spreadsheet must show them, never run them.
    writer = safe_csv_writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for theme in codebook.themes:
        writer.writerow(
            [
                theme.id,
                theme.parent_id or "",
                theme.name,
                theme.description,
                EXAMPLE_SEPARATOR.join(theme.examples),
            ]
        )
    return out.getvalue()


def codebook_from_csv(text: str, name: str) -> Codebook:
    """Read a codebook from CSV text (see the module docstring for the columns)."""
    text = text.removeprefix("\ufeff")  # Excel writes a byte-order mark
    reader = csv.DictReader(io.StringIO(text))
    header = [(column or "").strip().lower() for column in (reader.fieldnames or [])]
    missing = [column for column in ("id", "name") if column not in header]
    if missing:
        raise CodebookError(f"codebook CSV is missing the column(s): {', '.join(missing)}")
    reader.fieldnames = header
    themes = []
    for line_number, raw in enumerate(reader, start=2):
        row = {key: restore_formula(value) if isinstance(value, str) else value for key, value in raw.items()}
        theme_id = (row.get("id") or "").strip()
        theme_name = (row.get("name") or "").strip()
        if not theme_id and not theme_name:
            continue  # blank line
        if not theme_id or not theme_name:
            raise CodebookError(f"codebook CSV line {line_number}: a theme needs both an id and a name")
        examples_cell = (row.get("examples") or "").strip()
        examples = [part.strip() for part in examples_cell.split(EXAMPLE_SEPARATOR)] if examples_cell else []
        themes.append(
            Theme(
                id=theme_id,
                name=theme_name,
                description=(row.get("description") or "").strip(),
                examples=[example for example in examples if example],
                parent_id=(row.get("parent_id") or "").strip() or None,
            )
        )
    return Codebook(name=name, themes=themes)


def read_csv(path: str | Path, name: str | None = None) -> Codebook:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        raise CodebookError(f"{path.name} is not UTF-8 text") from error
    return codebook_from_csv(text, name or path.stem)


def write_csv(codebook: Codebook, path: str | Path) -> None:
    Path(path).write_text(codebook_to_csv(codebook), encoding="utf-8", newline="")


# ---------------------------------------------------------------- REFI-QDA codebook (.qdc)


def description_with_examples(description: str, examples: Iterable[str]) -> str:
    examples = list(examples)
    if not examples:
        return description
    block = "\n".join([EXAMPLES_MARKER, *(f"- {example}" for example in examples)])
    return f"{description}\n\n{block}" if description else block


def split_description(text: str) -> tuple[str, list[str]]:
    """Inverse of description_with_examples; text from other tools without the marker is all description."""
    lines = text.strip().splitlines()
    for index in range(len(lines) - 1, -1, -1):
        if lines[index].strip() == EXAMPLES_MARKER:
            tail = [line.strip() for line in lines[index + 1 :] if line.strip()]
            if tail and all(line.startswith("- ") for line in tail):
                description = "\n".join(lines[:index]).strip()
                return description, [line[2:].strip() for line in tail]
            break
    return text.strip(), []


def codebook_to_qdc(codebook: Codebook, origin: str = "Chorus") -> bytes:
    """The codebook as REFI-QDA codebook XML (UTF-8 bytes), valid against refi/Codebook.xsd."""
    if not codebook.themes:
        raise CodebookError("cannot export an empty codebook: a REFI-QDA codebook needs at least one code")
    root = etree.Element(f"{{{QDC_NAMESPACE}}}CodeBook", nsmap={None: QDC_NAMESPACE}, origin=origin)
    codes = etree.SubElement(root, f"{{{QDC_NAMESPACE}}}Codes")

    def add_code(parent_element: etree._Element, theme: Theme) -> None:
        element = etree.SubElement(parent_element, f"{{{QDC_NAMESPACE}}}Code")
        element.set("guid", codebook.guid_for(theme))
        element.set("name", theme.name)
        element.set("isCodable", "true")
        if theme.color:
            element.set("color", theme.color)
        description = description_with_examples(theme.description, theme.examples)
        if description:
            etree.SubElement(element, f"{{{QDC_NAMESPACE}}}Description").text = description
        for child in codebook.children(theme.id):
            add_code(element, child)

    for theme in codebook.roots():
        add_code(codes, theme)
    return etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True)


def _local_name(element: etree._Element) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def _children_named(element: etree._Element, name: str) -> list[etree._Element]:
    return [child for child in element if _local_name(child) == name]


def codebook_from_qdc(data: bytes | str, name: str, existing: Codebook | None = None) -> Codebook:
    """Read a REFI-QDA codebook (.qdc), or the codebook inside a project file (.qde).

    Tolerant of other tools' output: any namespace (or none), unknown attributes and elements, missing
    descriptions, colours. Ids come from `existing` when a GUID matches one of its themes, otherwise from
    the names ("parent-id/name-slug", made unique).
    """
    if isinstance(data, str):
        data = data.encode("utf-8")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, remove_comments=True)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as error:
        raise CodebookError(f"not a readable REFI-QDA codebook: {error}") from error
    codes_elements = (
        [root] if _local_name(root) == "Codes" else [e for e in root.iter() if _local_name(e) == "Codes"]
    )
    if not codes_elements:
        raise CodebookError("not a REFI-QDA codebook: no <Codes> element")

    known_ids = {}
    if existing is not None:
        known_ids = {existing.guid_for(theme).strip("{}").lower(): theme.id for theme in existing.themes}
    themes: list[Theme] = []
    used_ids: set[str] = set()

    def unique_id(candidate: str) -> str:
        theme_id, suffix = candidate, 2
        while theme_id in used_ids:
            theme_id, suffix = f"{candidate}-{suffix}", suffix + 1
        return theme_id

    def read_code(element: etree._Element, parent_id: str | None) -> None:
        theme_name = (element.get("name") or "").strip() or "Unnamed code"
        guid = (element.get("guid") or "").strip()
        theme_id = known_ids.get(guid.strip("{}").lower())
        if theme_id is None or theme_id in used_ids:
            slug = slugify(theme_name)
            theme_id = unique_id(f"{parent_id}/{slug}" if parent_id else slug)
        used_ids.add(theme_id)
        descriptions = _children_named(element, "Description")
        description, examples = split_description(descriptions[0].text or "" if descriptions else "")
        examples = [example for example in examples if EXAMPLE_SEPARATOR not in example]
        theme = Theme(
            id=theme_id, name=theme_name, description=description, examples=examples, parent_id=parent_id
        )
        color = (element.get("color") or "").strip()
        theme.color = color if _RGB.fullmatch(color) else None
        if guid and _GUID.fullmatch(guid) and guid != theme_guid(name, theme_id):
            theme.guid = guid
        themes.append(theme)
        for child in _children_named(element, "Code"):
            read_code(child, theme_id)

    for code in _children_named(codes_elements[0], "Code"):
        read_code(code, None)
    return Codebook(name=name, themes=themes)


def read_qdc(path: str | Path, name: str | None = None, existing: Codebook | None = None) -> Codebook:
    path = Path(path)
    return codebook_from_qdc(path.read_bytes(), name or path.stem, existing=existing)


def write_qdc(codebook: Codebook, path: str | Path) -> None:
    Path(path).write_bytes(codebook_to_qdc(codebook))


def qdc_schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(QDC_SCHEMA_PATH)))


def validate_qdc(data: bytes) -> list[str]:
    """Schema errors of a .qdc document against REFI's Codebook.xsd; empty when it is valid."""
    schema = qdc_schema()
    try:
        document = etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError as error:
        return [str(error)]
    if schema.validate(document):
        return []
    return [f"line {entry.line}: {entry.message}" for entry in schema.error_log]


# ---------------------------------------------------------------- starter codebooks


def starter_names() -> list[str]:
    folder = resources.files(STARTER_PACKAGE) / STARTER_FOLDER
    return sorted(
        entry.name.removesuffix(".csv") for entry in folder.iterdir() if entry.name.endswith(".csv")
    )


def load_starter(name: str) -> Codebook:
    """A codebook shipped with Chorus: "nhs_patient_experience" or "community_health"."""
    if name not in starter_names():
        raise CodebookError(f"no starter codebook {name!r}; there are: {', '.join(starter_names())}")
    resource = resources.files(STARTER_PACKAGE) / STARTER_FOLDER / f"{name}.csv"
    return codebook_from_csv(resource.read_text(encoding="utf-8"), name)
