"""Error catalogue of altena-qca.

Every error a user can cause has a number and says which input was wrong,
what was expected and what was found. The CLI prints the message on one line
and exits with code 2.

Example
-------
>>> raise InputError(Errors.E101.format(path="a.docx", reason="not a zip"))
Traceback (most recent call last):
...
altena_qca.errors.InputError: [E101] a.docx: cannot read Word file (not a zip)
"""
from __future__ import annotations

import re

__all__ = ["AltenaError", "InputError", "CodebookError", "Errors", "Warnings", "message_code"]


class AltenaError(ValueError):
    """Base class of every error altena-qca raises on bad input.

    The message is always one line (a library's multi-line reason is joined),
    as the CLI prints it.
    """

    def __str__(self) -> str:
        return " ".join(part.strip() for part in super().__str__().splitlines())

    @property
    def code(self) -> str | None:
        """The catalogue number (``"E104"``) the message starts with, or None.

        Branch on this, never on the message text:

        >>> InputError(Errors.E100.format(path="a.txt")).code
        'E100'
        """
        return message_code(str(self.args[0]) if self.args else "")


def message_code(message: str) -> str | None:
    """The catalogue number a numbered message (error or warning text) starts with, or None.

    For messages passed around as text (warnings, check results): branch on
    this, never on the wording.

    >>> message_code(Warnings.W112.format(path="codings.csv"))
    'W112'
    """
    match = re.match(r"\[([EW]\d{3})\]", message)
    return match.group(1) if match else None


class InputError(AltenaError):
    """A data file (transcript, respondents, codings, project) is unusable."""


class CodebookError(AltenaError):
    """A codebook or gazetteer is invalid."""


class _Catalogue(type):
    def __getattribute__(cls, name):
        value = super().__getattribute__(name)
        if name[:1] in "EW" and name[1:].isdigit():
            return f"[{name}] {value}"
        return value


class Errors(metaclass=_Catalogue):
    # ingest: files
    E100 = "{path}: file is empty"
    E101 = "{path}: cannot read Word file ({reason})"
    E102 = "{path}: is password-protected or encrypted; save an unprotected copy first"
    E103 = "{path}: cannot decode text as UTF-8 or cp1252 ({reason})"
    E104 = "{path}: no speaker labels found (expected lines like 'I: ...' / 'R: ...' or names from the speaker config)"
    E105 = "{path}: unsupported transcript type '{suffix}' (expected .docx or .txt)"
    E106 = "{path}: file not found"
    E107 = "{path}: transcript is {size} bytes, above the limit of {limit} bytes"
    E108 = "{path}, line {line}: line is longer than {limit} characters; is this really a transcript?"
    E109 = "{path}: cannot read file ({reason})"
    # respondents
    E110 = "{path}: missing column(s) {missing}; expected {expected}"
    E111 = "{path}, line {line}: duplicate respondent id '{id}'"
    E112 = "{path}, line {line}: invalid value '{value}' for '{column}' ({reason})"
    E113 = "respondent '{id}' in {path} has no transcript in {folder}"
    E114 = "transcript '{doc}' has no respondent in {path}"
    # study folder and study.yaml
    E130 = "{path}: cannot parse YAML ({reason})"
    E131 = "{path}, line {line}: invalid value {value!r} for '{key}' ({reason})"
    E132 = "{path}, line {line}: unknown key '{key}' (allowed: {allowed})"
    E133 = "no study found: no study.yaml in {start} or any folder above it; give --data FOLDER or run 'altena-qca init FOLDER'"
    E134 = "{path}: not a study folder ({reason})"
    E135 = "{path}: refusing to {action} a file inside the installed package (the bundled thesis study); work on your own study (altena-qca init DIR, then --data DIR), or pass --in-place to change the package's copy on purpose"
    E136 = "{path}: already exists and is not empty; choose a new folder for the study"
    E138 = "{path}, line {line}: {reason}"  # claims.yaml
    E139 = "{path}: not a usable topic list ({reason}); start from the thesis's: altena_qca/resources/codebook/topiclist.yaml"
    # output
    E150 = "{path}: cannot write the output here ({reason})"
    E151 = "{path}: {reason}"
    # codings
    E120 = "{path}, line {line}: coding points at unknown document '{doc}'"
    E121 = "{path}, line {line}: coding points at unknown code '{code}'"
    E122 = "{path}, line {line}: span {start}-{end} lies outside document '{doc}' (length {length})"
    E123 = "{path}, line {line}: coded text does not match document '{doc}' at {start}-{end}: expected {expected!r}, found {found!r}"
    E124 = "{path}: missing column(s) {missing}; expected {expected}"
    E126 = "{path}, line {line}: span {start}-{end} is not a span ({reason})"
    E125 = "{path}, line {line}: invalid value '{value}' for '{column}' ({reason})"
    # codebook
    E200 = "{path}: cannot parse YAML ({reason})"
    E201 = "{path}, line {line}: duplicate code id '{id}' (first defined on line {first})"
    E202 = "{path}, line {line}: code '{id}' has unknown parent '{parent}'"
    E203 = "{path}: cycle in the code tree: {cycle}"
    E204 = "{path}, line {line}: code '{id}' has an empty {field}"
    E205 = "{path}, line {line}: code entry misses required field '{field}'"
    E206 = "{path}, line {line}: code '{id}' has invalid kind '{kind}' (expected deductive or inductive)"
    E207 = "{path}: analysis section refers to unknown code '{code}' ({where})"
    E208 = "{path}, line {line}: code '{id}' has an invalid rule: {reason}"
    E209 = "{path}, line {line}: invalid code id '{id}' (use lowercase letters, digits, '_' and '.')"
    E210 = "{path}: {reason}"
    E211 = "unknown code '{code}'"
    E212 = "code '{code}' still has {n} coding(s); use --force to keep them under '_orphaned'"
    E213 = "cannot move '{code}' under '{parent}': that would make a cycle"
    E214 = "code id '{code}' already exists"
    E215 = "{path}, line {line}: the {field} is read as {kind} ({value!r}), not as text; put it in quotes (e.g. {field}: \"1.10\") so that codings can name it exactly as typed"
    # gazetteer
    E300 = "{path}: {reason}"
    # qdpx
    E400 = "{path}: {reason}"
    # privacy
    E500 = ("{path}: refusing to write the pseudonymisation key inside the project folder "
            "{root}: the key holds the original names; write it outside the project "
            "(e.g. ~/altena-qca-key.json) and keep it away from data and outputs")
    E501 = "{path}: {reason}"
    E502 = "spans for apply_replacements: {reason}"
    # coding store (study.sqlite) and workbench
    E600 = "{path}: {reason}"
    E601 = "{path}: cannot undo action {action}: a later action changed {tbl} row {row}; undo that one first"
    E602 = "{path}: no coding with id {id}"
    E603 = "serve --host {host}: binding to an address other people can reach needs an explicit --token"
    E604 = "serve --token: too short ({n} characters); use at least 16 random characters"
    # execution engines (engine.py)
    E700 = "unknown engine {name!r}; expected one of: {known}"
    E701 = ("the dask engine needs the optional packages dask and distributed ({missing} is not installed): "
            "pip install altena-qca[dask]")
    E702 = "cannot reach the Dask scheduler at {address}: {reason}"


class Warnings(metaclass=_Catalogue):
    W100 = "{path}: table(s) ignored ({n}); transcripts are read from paragraphs only"
    W101 = "{path}: decoded as cp1252, not UTF-8"
    W102 = "{path}: no interview-part headings or topic-list questions found; segments get part 0"
    W103 = "{path}: UTF-8 byte-order mark removed"
    W125 = "{path}: {n} exact duplicate coding(s) ignored (same document, span and code), line(s) {lines}"
    W107 = "{path}: label-like prefix(es) {labels} are not speaker labels; read as part of the turn before (add them under 'speakers:' in study.yaml)"
    W105 = "{path}: {n} tracked insertion(s) read as accepted (deleted text left out); accept or reject the changes in Word to silence this"
    W106 = "{path}: {n} text box paragraph(s) read as paragraphs of their own, before the paragraph they are anchored in"
    # REFI-QDA import
    W400 = "{path}: {reason}"  # the file deviates from the standard or its conventions
    W401 = "{path}: {reason}"  # something could not be mapped and is left out
    W402 = "{path}: {reason}"  # something was changed on the way in
    W500 = "{path}: ignored for protected terms ({reason}); organisation names there may be tagged"
    W501 = "the {what} holds personal data ({kinds}); the document is called {new!r} in every output (rename the file to silence this)"
    W502 = "{path}, line {line}: column '{column}' holds personal data ({kinds}); written as {new!r} in every output"
    W110 = "{path}: no study.yaml; using title {title!r} and municipality {municipality!r} derived from the folder (run 'altena-qca init' for a new study, or add study.yaml)"
    W111 = "{path}: organisation {name!r} ({where}) is not in the gazetteer; it is kept as a gazetteer candidate (add it to the study's actors.yaml)"
    W112 = "{path}: no manual codings (codings.csv missing or empty); a run's counts and findings rest on no codings at all. Code the transcripts (codings.csv), or run with --codings suggested to analyse the auto-coder's unreviewed suggestions"
    W113 = "analysing the auto-coder's suggestions (automatisch gecodeerd, niet beoordeeld): {n} suggestion(s) on {docs} document(s); review them before drawing conclusions"
    W115 = "{path}: {n} respondent(s) without a side (intern/extern): {ids}; by-side tables count them as 'onbekend'"
    W120 = "{path}, line {line}: code '{code}', {rule}: {reason}; this rule can never match"
    W104 = "pseudonymisation is off: transcripts may hold personal data; never share the outputs"
