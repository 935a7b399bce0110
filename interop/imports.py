"""Use cases from a spreadsheet (CSV or XLSX with German headers) or from another register's
published records (NL Algoritmeregister 1.0 JSON, this register's own JSON export): a dry run,
then all or nothing.

The dry run (`plan_import`) reads every row, says per row what would be created or changed and
names every error by row and column, and writes nothing. `apply_import` plans again inside one
transaction and, only when no row has an error, writes every row through the registry and
governance services with the importing person as actor and the file's name in the reason.
A JSON file's records become rows with the same German headers, so one plan serves both; they
are always new drafts in the department the importing person picks (another register's ids mean
nothing here), and errors name the record and the source's own field.
"""

import contextlib
import csv
import datetime
import io
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook

import safejson
from accounts.models import Department, User
from governance import services as governance_services
from governance import versions
from interop.exports import nl
from registry import permissions
from registry import services as registry_services
from registry.models import UseCase

# The fields a spreadsheet may set, in the template's column order; headers are the fields'
# German names (verbose_name), so the template and the forms say the same.
IMPORT_FIELDS: tuple[str, ...] = (
    "title",
    "short_description",
    "purpose",
    "status",
    "start_date",
    "end_date",
    "policy_area",
    "benefit",
    "previous_process",
    "alternatives_considered",
    "responsible_role",
    "technical_contact",
    "public_contact_email",
    "deployer_address",
    "deployer_representative",
    "legal_basis_explanation",
    "data_categories",
    "training_data",
    "interfaces",
    "risks_and_mitigations",
    "proportionality",
    "impact_on_affected",
    "objection_procedure",
)
ID_HEADER = "ID"
DEPARTMENT_HEADER = "Fachbereich"
REQUIRED_HEADERS = (DEPARTMENT_HEADER,)
MAX_ROWS = 10_000
MAX_BYTES = 5 * 1024 * 1024
# A JSON record holds a few dozen values; the bound keeps a 5 MB file of tiny values out.
MAX_JSON_VALUES = MAX_ROWS * 80
MAX_JSON_DEPTH = 8


def _verbose(name: str) -> str:
    return str(UseCase._meta.get_field(name).verbose_name)  # type: ignore[union-attr]


def headers() -> list[str]:
    """The template's header row, in German (the active language's field names)."""
    return [ID_HEADER, DEPARTMENT_HEADER, *(_verbose(name) for name in IMPORT_FIELDS)]


class ImportFileError(ValueError):
    """The file as a whole cannot be read (format, encoding, headers, size)."""


@dataclass
class RowPlan:
    """What one row would do: create, change (with the fields it changes) or nothing."""

    number: int
    action: str = "create"
    use_case_id: int | None = None
    title: str = ""
    changes: list[tuple[str, str, str]] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)
    fields: dict[str, Any] = field(default_factory=dict)
    department: Department | None = None
    # The version of the existing use case the row was planned against (governance.versions).
    version: str = ""


@dataclass
class ImportRows:
    """What a file holds, as rows of German header → text, and how its errors are named: a
    spreadsheet's by row (the header is row 1) and column, a JSON file's by record (from 1) and
    the source's field (`columns`: German header → the source's name)."""

    rows: list[dict[str, str]]
    kind: str = "table"
    columns: dict[str, str] = field(default_factory=dict)

    @property
    def first_number(self) -> int:
        return 2 if self.kind == "table" else 1


@dataclass
class ImportPlan:
    file_name: str
    rows: list[RowPlan]
    kind: str = "table"

    @property
    def errors(self) -> list[tuple[int, str, str]]:
        return [
            (row.number, column, message) for row in self.rows for column, message in row.errors
        ]

    @property
    def ok(self) -> bool:
        return bool(self.rows) and not self.errors


def read_rows(file_name: str, content: bytes) -> list[dict[str, str]]:
    """The spreadsheet's rows as header → text; the header row is row 1, data starts at 2."""
    if len(content) > MAX_BYTES:
        raise ImportFileError(_("Die Datei ist größer als 5 MB."))
    lower = file_name.lower()
    if lower.endswith(".csv"):
        table = _csv_rows(content)
    elif lower.endswith(".xlsx"):
        table = _xlsx_rows(content)
    else:
        raise ImportFileError(_("Bitte laden Sie eine CSV- oder XLSX-Datei hoch."))
    header = next(table, None)
    if header is None:
        raise ImportFileError(_("Die Datei ist leer."))
    names = [str(cell or "").strip() for cell in header]
    known = set(headers())
    unknown = [name for name in names if name and name not in known]
    if unknown:
        raise ImportFileError(
            _("Unbekannte Spalten: %(names)s. Bitte nutzen Sie die Vorlage.")
            % {"names": ", ".join(unknown)}
        )
    missing = [name for name in REQUIRED_HEADERS if name not in names]
    if missing:
        raise ImportFileError(_("Es fehlt die Spalte „%(name)s“.") % {"name": missing[0]})
    rows = []
    for cells in table:
        values = {name: _text(cell) for name, cell in zip(names, cells, strict=False) if name}
        if any(values.values()):
            rows.append(values)
        if len(rows) > MAX_ROWS:
            raise ImportFileError(_("Mehr als 10.000 Zeilen: Bitte teilen Sie die Datei."))
    return rows


def _text(cell: Any) -> str:
    if cell is None:
        return ""
    if isinstance(cell, datetime.datetime):
        return cell.date().isoformat()
    if isinstance(cell, datetime.date):
        return cell.isoformat()
    return str(cell).strip()


def _csv_rows(content: bytes) -> Iterator[list[str]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportFileError(_("Die CSV-Datei ist nicht UTF-8-kodiert.")) from error
    dialect: type[csv.Dialect] = csv.excel
    # Spreadsheets in German locales write ";" between cells; a file too odd to sniff is ",".
    with contextlib.suppress(csv.Error):
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    return iter(list(csv.reader(io.StringIO(text), dialect)))


def _xlsx_rows(content: bytes) -> Iterator[list[Any]]:
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a broken file
        raise ImportFileError(_("Die XLSX-Datei kann nicht gelesen werden.")) from error
    sheet = workbook.worksheets[0]
    return (list(row) for row in sheet.iter_rows(values_only=True))


def _choice(name: str, value: str) -> str:
    """A choice given as its code or its German label (any case)."""
    model_field = UseCase._meta.get_field(name)
    for code, label in model_field.choices or ():  # type: ignore[union-attr]
        if value.casefold() in (str(code).casefold(), str(label).casefold()):
            return str(code)
    return value


def _department(actor: User, name: str) -> Department | None:
    matches = list(permissions.departments_creatable_by(actor).filter(name__iexact=name)[:2])
    return matches[0] if len(matches) == 1 else None


def _plan_row(actor: User, number: int, values: dict[str, str]) -> RowPlan:
    plan = RowPlan(number=number, title=values.get(_verbose("title"), ""))
    fields: dict[str, Any] = {}
    for name in IMPORT_FIELDS:
        header = _verbose(name)
        if header not in values:
            continue
        value = values[header]
        if value == WRONG_TYPE:
            plan.errors.append((header, _("Erwartet wird ein Text.")))
            continue
        if name in ("status", "policy_area") and value:
            value = _choice(name, value)
        fields[name] = value or (None if name in ("start_date", "end_date") else "")
    department_name = values.get(DEPARTMENT_HEADER, "")
    existing: UseCase | None = None
    if values.get(ID_HEADER):
        try:
            existing = permissions.access_use_case(
                actor, values[ID_HEADER], perm=permissions.CHANGE
            )
        except (Http404, PermissionDenied):
            plan.errors.append(
                (ID_HEADER, _("Kein Anwendungsfall mit dieser ID, den Sie ändern dürfen."))
            )
            return plan
    department = _department(actor, department_name) if department_name else None
    if department_name and department is None:
        plan.errors.append(
            (
                DEPARTMENT_HEADER,
                _("Kein Fachbereich dieses Namens, in dem Sie Fälle anlegen dürfen."),
            )
        )
        return plan
    if existing is None and department is None:
        plan.errors.append((DEPARTMENT_HEADER, _("Bitte geben Sie den Fachbereich an.")))
        return plan
    candidate = (
        UseCase.objects.get(pk=existing.pk) if existing else UseCase(status=UseCase.Status.IDEA)
    )
    if department is not None:
        candidate.department = department
        candidate.organisation = department.organisation
    for name, value in fields.items():
        setattr(candidate, name, value)
    try:
        candidate.full_clean(exclude=["ai_system"])
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            column = _verbose(name) if name in IMPORT_FIELDS else name
            plan.errors.extend((column, str(message)) for message in messages)
    if existing is not None:
        plan.action = "change"
        plan.use_case_id = existing.pk
        plan.version = versions.use_case_version(existing.pk)
        for name in fields:
            old = getattr(existing, name)
            if str(old or "") != str(getattr(candidate, name) or ""):
                plan.changes.append(
                    (_verbose(name), str(old or ""), str(getattr(candidate, name) or ""))
                )
        if department is not None and department.pk != existing.department_id:
            plan.changes.append((DEPARTMENT_HEADER, existing.department.name, department.name))
        if not plan.changes:
            plan.action = "unchanged"
    # Values as the services take them (dates parsed by full_clean).
    plan.fields = {name: getattr(candidate, name) for name in fields}
    plan.department = department
    return plan


Progress = Callable[[int], None]


def plan_import(
    actor: User,
    file_name: str,
    rows: list[dict[str, str]] | ImportRows,
    *,
    progress: Progress | None = None,
) -> ImportPlan:
    """The dry run: what each row would do and every error by row and column; writes nothing."""
    source = rows if isinstance(rows, ImportRows) else ImportRows(rows)
    plans = []
    for number, values in enumerate(source.rows, start=source.first_number):
        plan = _plan_row(actor, number, values)
        plan.errors = [(source.columns.get(column, column), text) for column, text in plan.errors]
        plans.append(plan)
        if progress is not None:
            progress(len(plans))
    return ImportPlan(file_name=file_name, rows=plans, kind=source.kind)


class ImportRefused(ValueError):
    """The import has errors; nothing was written."""

    def __init__(self, plan: ImportPlan) -> None:
        super().__init__(_("Der Import enthält Fehler; nichts wurde gespeichert."))
        self.plan = plan


def seen_versions(plan: ImportPlan) -> dict[int, str]:
    """The versions of the existing use cases the dry run showed, by row number."""
    return {row.number: row.version for row in plan.rows if row.version}


def _changed_meanwhile(use_case_id: int, seen: str) -> str:
    changes = versions.changes_since(use_case_id, seen)
    names = ", ".join(sorted({change.who for change in changes})) or _("jemand anderes")
    return _(
        "Seit der Probe hat %(who)s diesen Anwendungsfall geändert. Bitte laden Sie die Datei "
        "erneut hoch und prüfen Sie die Probe."
    ) % {"who": names}


def _refuse_stale_rows(plan: ImportPlan, seen: Mapping[int, str]) -> None:
    for row in plan.rows:
        if row.use_case_id is not None and row.version != seen.get(row.number):
            row.errors.append(
                (ID_HEADER, _changed_meanwhile(row.use_case_id, seen.get(row.number, "")))
            )


@transaction.atomic
def apply_import(
    actor: User,
    file_name: str,
    rows: list[dict[str, str]] | ImportRows,
    *,
    progress: Progress | None = None,
    seen: Mapping[int, str] | None = None,
) -> ImportPlan:
    """Write every row through the services, or none when any row has an error. `progress`
    hears the number of rows planned, then planned plus written (twice the rows in all).

    With `seen` (the dry run's `seen_versions`), a use case changed after the dry run refuses
    the import: the person confirmed changes against values that are no longer there.
    """
    plan = plan_import(actor, file_name, rows, progress=progress)
    if seen is not None:
        _refuse_stale_rows(plan, seen)
    if not plan.ok:
        raise ImportRefused(plan)
    for done, row in enumerate(plan.rows, start=len(plan.rows) + 1):
        reason = (
            _("Import aus „%(file)s“, Eintrag %(row)s")
            if plan.kind == "json"
            else _("Import aus „%(file)s“, Zeile %(row)s")
        ) % {"file": file_name, "row": row.number}
        if row.action == "create":
            assert row.department is not None
            created = registry_services.create_use_case(
                actor=actor, department=row.department, reason=reason, **row.fields
            )
            row.use_case_id = created.pk
        elif row.action == "change":
            use_case = permissions.access_use_case(
                actor, row.use_case_id or 0, perm=permissions.CHANGE
            )
            fields = dict(row.fields)
            if row.department is not None and row.department.pk != use_case.department_id:
                fields["department"] = row.department
            try:
                governance_services.change_use_case(
                    use_case,
                    actor=actor,
                    reason=reason,
                    expected_version=row.version if seen is not None else None,
                    **fields,
                )
            except governance_services.ConcurrentChange:
                # Changed between this plan and the row's lock: nothing of the import stays.
                row.errors.append((ID_HEADER, _changed_meanwhile(use_case.pk, row.version)))
                raise ImportRefused(plan) from None
        if progress is not None:
            progress(done)
    return plan


def plan_summary(plan: ImportPlan) -> list[dict[str, Any]]:
    """The plan as JSON-ready rows (what a background job keeps for its page)."""
    return [
        {
            "number": row.number,
            "title": row.title,
            "action": row.action,
            "use_case_id": row.use_case_id,
            "changes": [list(change) for change in row.changes],
            "errors": [list(error) for error in row.errors],
        }
        for row in plan.rows
    ]


def template_csv() -> str:
    """The import template: the header row."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(headers())
    return buffer.getvalue()


def template_xlsx() -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = _("Anwendungsfälle")
    sheet.append(headers())
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# -- another register's published records (JSON) --------------------------------------------

# This register's JSON export (schema version 1.0, `registry.public.opendata`): the fields a
# draft takes over carry the same names there.
OWN_FIELDS: tuple[str, ...] = tuple(name for name in IMPORT_FIELDS if name != "technical_contact")
# NL Algoritmeregister 1.0 field → the use case's field (README, "Import").
NL_FIELDS: dict[str, str] = {
    "name": "title",
    "description_short": "short_description",
    "goal": "purpose",
    "status": "status",
    "begin_date": "start_date",
    "end_date": "end_date",
    "category": "policy_area",
    "contact_email": "public_contact_email",
    "proportionality": "proportionality",
    "human_intervention": "objection_procedure",
    "risks": "risks_and_mitigations",
    "lawful_basis": "legal_basis_explanation",
    "source_data": "data_categories",
}
# "In ontwikkeling" covers idea, planned and pilot; "planned" is the one that claims least.
NL_STATUS = {
    "In ontwikkeling": UseCase.Status.PLANNED,
    "In gebruik": UseCase.Status.IN_OPERATION,
    "Buiten gebruik": UseCase.Status.RETIRED,
}
NL_CATEGORY = {dutch: area for area, dutch in nl.CATEGORY.items()}


def read_json(content: bytes, *, department_name: str, responsible_role: str = "") -> ImportRows:
    """A JSON file's records as import rows for one department: this register's own export
    (an object with "version" 1.0 and "use_cases") or an NL Algoritmeregister 1.0 array."""
    if len(content) > MAX_BYTES:
        raise ImportFileError(_("Die Datei ist größer als 5 MB."))
    try:
        document = safejson.loads(content, max_depth=MAX_JSON_DEPTH, max_values=MAX_JSON_VALUES)
    except (UnicodeDecodeError, ValueError) as error:
        raise ImportFileError(
            _("Die JSON-Datei kann nicht gelesen werden (kein gültiges JSON in UTF-8).")
        ) from error
    if isinstance(document, dict) and document.get("version") == "1.0":
        records, kind = document.get("use_cases"), "own"
    elif isinstance(document, list):
        records, kind = document, "nl"
    else:
        raise ImportFileError(_(NOT_A_REGISTER))
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        raise ImportFileError(_(NOT_A_REGISTER))
    if kind == "nl" and records and not all("description_short" in r for r in records):
        raise ImportFileError(_(NOT_A_REGISTER))
    if not records:
        raise ImportFileError(_("Die Datei enthält keine Einträge."))
    if len(records) > MAX_ROWS:
        raise ImportFileError(_("Mehr als 10.000 Einträge: Bitte teilen Sie die Datei."))
    convert = _own_row if kind == "own" else _nl_row
    rows = []
    for record in records:
        row = convert(record)
        row[DEPARTMENT_HEADER] = department_name
        role = _verbose("responsible_role")
        if not row.get(role):
            row[role] = responsible_role
        rows.append(row)
    columns = (
        {_verbose(name): name for name in OWN_FIELDS}
        if kind == "own"
        else {_verbose(target): source for source, target in NL_FIELDS.items()}
    )
    return ImportRows(rows=rows, kind="json", columns=columns)


NOT_A_REGISTER = (
    "Die JSON-Datei ist weder ein JSON-Export eines KI-Registers (Version 1.0) noch eine "
    "Veröffentlichung nach dem niederländischen Algoritmeregister-Standard 1.0."
)
# A value of the wrong type stays in the row as this marker, so the dry run names its field.
WRONG_TYPE = "\x00"


def _json_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    return WRONG_TYPE


def _own_row(record: dict[str, Any]) -> dict[str, str]:
    return {_verbose(name): _json_text(record.get(name)) for name in OWN_FIELDS}


def _nl_row(record: dict[str, Any]) -> dict[str, str]:
    row: dict[str, str] = {}
    for source, target in NL_FIELDS.items():
        value = record.get(source)
        if source == "category":
            first = value[0] if isinstance(value, list) and value else None
            area = NL_CATEGORY.get(first) if isinstance(first, str) else None
            text = area.value if area else _json_text(first)
        elif source == "status" and isinstance(value, str) and value in NL_STATUS:
            text = NL_STATUS[value].value
        elif source in ("begin_date", "end_date") and isinstance(value, str) and value:
            # The standard writes months (YYYY-MM); the register's dates are days.
            text = f"{value}-01" if len(value) == 7 else value
        else:
            text = _json_text(value)
        row[_verbose(target)] = text
    return row
