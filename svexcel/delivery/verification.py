"""The verification workbook (``svexcel delivery verify``, SPEC §6 v3), its layout and reading: the sampled claims, each with the evidence the
supplier named, for officers to record Verified, Not verified or Rejected and a note; read back with the rigour of a
return (SPEC §2): another kind of file, another framework, an edited locked cell or hidden sheet, and a status not on
the list are refused, naming the cell.

The hidden ``_svexcel`` sheet keeps the seed and settings of the draw and every claim's locked values (columns D:L,
one claim a row), under one fingerprint, so the reader can name any locked cell edited on the visible sheet. The
writer (``verification_template``) needs openpyxl; reading does not, so a delivery batch never loads it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

from ..core.findings import Finding, Findings, has_errors
from ..core.numbers import cell_number
from ..framework.model import Framework
from ..xlsx.meta import META, fingerprint, key_values
from ..xlsx.reader import Sheet, UnreadableWorkbook, cell_ref
from ..xlsx.reader import Workbook as XlsxWorkbook
from ..xlsx.tables import cell_text, find_table
from .claims import ABOVE, DRAWN, STATUSES, Claim, Recorded, Sampled, claims_of, draw
from .engine import DeliverySettings
from .reader import DeliveryReturn, contract_key

KIND = "verification"
SHEET = "Verification"
FINDINGS = "Findings"
HEADER_ROW = 5
COLUMNS = ("Claim", "File", "Supplier", "Contract reference", "Winning return", "Measure ID", "Measure", "Unit", "Period",
           "Claimed", "£ claimed", "Evidence named", "Why sampled", "Status", "Note")
# The locked columns as the hidden sheet keeps them, one claim a row from column D.
CLAIM_COLUMNS = ("Claim", "File", "Supplier", "Contract reference", "Winning return", "Measure ID", "Period", "Claimed", "£ claimed")
CLAIMS_COLUMN = 4
META_KEYS = ("kind", "framework_name", "framework_version", "seed", "sample", "verify_all_above", "drawn", "fingerprint")
WHY = {ABOVE: "Above verify_all_above: always checked", DRAWN: "Drawn at random, chances in proportion to £"}
INSTRUCTIONS = (
    "For each claim, check the evidence the supplier names (ask for it if need be) and choose a Status: Verified (the evidence "
    "supports the figure), Not verified (not checked yet, or the evidence does not settle it), Rejected (the evidence contradicts "
    "the figure or there is none: the claim is taken out of the validated figures). Say why in Note. Only Status and Note can be "
    "typed in; then run: svexcel delivery batch DIR --out OUT --verification THIS-FILE."
)


@dataclass(frozen=True)
class Draw:
    """A verification sample drawn from a folder's contracts: the sample, every claim it was drawn from, the files read."""

    sample: list[Sampled]
    claims: list[Claim]
    reads: list[DeliveryReturn]


def draw_from(framework: Framework, settings: DeliverySettings, reads: Sequence[DeliveryReturn], size: int, seed: int) -> Draw:
    """Draw ``size`` claims from the contracts monitored among ``reads`` (resent files settled), as ``draw`` does."""
    claims = [c for r in reads if r.status == "scored" for c in claims_of(framework, settings, r)]
    return Draw(draw(claims, size, seed, settings.verify_all_above), claims, list(reads))


def claim_row(number: int, c: Claim) -> list[object]:
    """A claim's locked values in CLAIM_COLUMNS order."""
    return [f"C{number}", c.file, c.supplier, c.reference, c.winning_return, c.measure, c.period, c.figure, c.value]


def locked_text(value: object) -> str:
    """A locked value as the fingerprint sees it: numbers to 10 significant digits (a workbook keeps 15), text trimmed."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return f"{float(value):.10g}"
    return cell_text(value)  # type: ignore[arg-type]


def verification_fingerprint(meta: dict[str, str], claims: Sequence[Sequence[str]]) -> str:
    """One fingerprint over the hidden keys (but the fingerprint) and every claim's locked values."""
    locked = {(META, key, "value"): value for key, value in meta.items() if key != "fingerprint"}
    locked |= {(SHEET, row[0], column): value for row in claims for column, value in zip(CLAIM_COLUMNS, row, strict=True)}
    return fingerprint(locked)


# ------------------------------------------------------------------ reading it back


class VerificationRefused(Exception):
    """A verification workbook that cannot be used; ``findings`` name the cells."""

    def __init__(self, findings: list[Finding]) -> None:
        super().__init__("; ".join(str(f) for f in findings))
        self.findings = findings


@dataclass
class VerificationFile:
    """A verification workbook as read: the draw, each claim's status, and findings (any error refuses it whole)."""

    file: str
    seed: int | None = None
    claims: list[Recorded] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    @property
    def refused(self) -> bool:
        """True when an error finding means none of it can be used."""
        return has_errors(self.findings)


def read_verification(path: str | Path, framework: Framework, name: str | None = None) -> VerificationFile:
    """Read a verification workbook; never raises for bad content, reports it as findings."""
    path = Path(path)
    result = VerificationFile(name or path.name)
    findings = Findings(result.file, items=result.findings)
    try:
        with XlsxWorkbook(path) as book:
            _Reader(result, findings, framework).read(book.sheet(META), book.sheet(SHEET))
    except UnreadableWorkbook as exc:
        findings.add(exc.type, exc.message)
    except OSError as exc:
        findings.add("file-unreadable", f"The file could not be opened ({exc.strerror or exc}). Check it is not open elsewhere and try again.")
    return result


class _Reader:
    """Walks a verification workbook, filling a VerificationFile and its findings."""

    def __init__(self, result: VerificationFile, findings: Findings, framework: Framework) -> None:
        self.result, self.findings, self.framework = result, findings, framework

    def edited(self, message: str, sheet: str, cell: str) -> None:
        self.findings.add("verification-edited", f"{message} Undo the change, or draw a fresh sample with svexcel delivery verify.", cell, sheet=sheet)

    def read(self, meta_sheet: Sheet | None, sheet: Sheet | None) -> None:
        if meta_sheet is None or cell_text(key_values(meta_sheet).get("kind", (None, 1))[0]) != KIND:
            row = key_values(meta_sheet).get("kind", (None, 1))[1] if meta_sheet is not None else 1
            self.findings.add("not-a-verification-workbook", "This is not a verification workbook (its hidden sheet does not say kind = "
                              "verification). Give the workbook 'svexcel delivery verify' wrote.", cell_ref(row, 2), sheet=META)
            return
        claims = self.read_meta(meta_sheet)
        if claims is None:
            return
        if sheet is None:
            self.findings.add("missing-sheet", f"The workbook has no '{SHEET}' sheet. Do not rename or delete sheets; draw a fresh sample.", sheet=SHEET)
            return
        self.read_claims(sheet, claims)

    def read_meta(self, sheet: Sheet) -> dict[str, list[str]] | None:
        """The hidden sheet's claims by id (their locked values as text), once its framework and fingerprint check out."""
        meta = key_values(sheet)
        for key, expected, kind in (("framework_name", self.framework.name, "wrong-framework"),
                                    ("framework_version", self.framework.version, "wrong-framework-version")):
            value, row = meta.get(key, (None, 1))
            if cell_text(value) != expected:
                self.findings.add(kind, f"This verification workbook was drawn for {key.replace('_', ' ')} '{cell_text(value) or '(none)'}', "
                                  f"but we are monitoring with '{expected}'. Use the framework the contracts were let under (--framework).",
                                  cell_ref(row, 2), sheet=META)
                return None
        rows = sorted({r for (r, c) in sheet.cells if c == CLAIMS_COLUMN})
        claims = {cell_text(sheet.value(r, CLAIMS_COLUMN)): [locked_text(sheet.value(r, CLAIMS_COLUMN + k)) for k in range(len(CLAIM_COLUMNS))]
                  for r in rows}
        stored, row = meta.get("fingerprint", (None, 1))
        plain = {key: locked_text(value) for key, (value, _) in meta.items()}
        seed = cell_number(sheet.get(meta.get("seed", (None, 1))[1], 2)).value
        if verification_fingerprint(plain, list(claims.values())) != cell_text(stored) or seed is None or not seed.is_integer():
            self.edited("The hidden sheet was edited since the sample was drawn, so the claims cannot be trusted.", META, cell_ref(row, 2))
            return None
        self.result.seed = int(seed)
        return claims

    def read_claims(self, sheet: Sheet, claims: dict[str, list[str]]) -> None:
        table, missing, row = find_table(sheet, COLUMNS)
        if table is None:
            self.findings.add("missing-header", f"The {SHEET} header row lacks {', '.join(repr(m) for m in missing)}. Restore the header "
                              "names exactly as written.", cell_ref(row, 1), sheet=SHEET)
            return
        seen: dict[str, str] = {}
        for r in table.rows():
            ident = table.text(r, "Claim")
            if not ident and not any(table.text(r, c) for c in COLUMNS[1:]):
                continue
            ref = table.ref(r, "Claim")
            if ident not in claims or ident in seen:
                again = f" (already in {seen[ident]})" if ident in seen else ""
                self.edited(f"Row {r} (claim '{ident}'{again}) is not a claim of this sample: rows were added or a Claim cell changed.", SHEET, ref)
                continue
            seen[ident] = ref
            stored = dict(zip(CLAIM_COLUMNS, claims[ident], strict=True))
            for column in CLAIM_COLUMNS[1:]:
                actual = locked_text(table.value(r, column))
                if actual != stored[column]:
                    self.edited(f"The locked {column} of claim {ident} in {table.ref(r, column)} was changed to '{actual}'; it was "
                                f"'{stored[column]}'.", SHEET, table.ref(r, column))
            status = self.status(table.text(r, "Status"), table.ref(r, "Status"), ident)
            self.result.claims.append(Recorded(_claim(stored), status, table.text(r, "Note"), ref))
        for ident in claims:
            if ident not in seen:
                self.edited(f"Claim {ident} ({' '.join(claims[ident][5:7])}) was deleted from the {SHEET} sheet.", SHEET, table.header_ref)

    def status(self, text: str, ref: str, ident: str) -> str:
        """A status from the list, in any case; blank is not checked yet; anything else is refused naming the cell."""
        word = " ".join(text.split()).casefold()
        for status in STATUSES:
            if word == status.casefold():
                return status
        if word:
            self.findings.add("bad-status", f"The status of claim {ident} in {ref} is '{text}'. Choose {', '.join(STATUSES[:-1])} or "
                              f"{STATUSES[-1]} from the list, or leave it blank while not checked.", ref, sheet=SHEET)
        return ""


def _claim(stored: dict[str, str]) -> Claim:
    """A claim from its locked values as the hidden sheet keeps them."""
    reference, winning, supplier = stored["Contract reference"], stored["Winning return"], stored["Supplier"]
    return Claim(contract_key(reference, winning, supplier), stored["File"], supplier, reference, winning, stored["Measure ID"],
                 int(float(stored["Period"])), float(stored["Claimed"]), float(stored["£ claimed"]), "")
