"""Dutch identifiers in their common written forms, found by checksum or context.

deduce finds a BSN only as nine digits in a row and knows no IBAN or licence
plate: ``1234 56 782``, ``123.456.782``, ``NL91 ABNA 0417 1643 00`` and
``12-ABC-3`` passed untagged (or were cut into a phone number). These
finders read the forms people type and tag an identifier only where it
validates, so that a random number is not taken for one:

* **BSN** -- nine digits, any single space, dot or hyphen between them, that
  pass the *11-proef* (weights 9..2 and -1; the sum divisible by 11);
* **IBAN** -- two letters, two check digits and the account, in groups of
  any size or none, that pass ISO 13616's mod-97 check, of the length the
  country prescribes (NL: 18);
* **kenteken** -- the 14 Dutch licence-plate *sidecodes* (``XX-99-99`` ..
  ``999-XX-9``), with hyphens, spaces or nothing between the groups;
* **postcode** -- ``1234 AB`` (first digit 1-9, letters not SA/SD/SS);
* **KvK number** and **AGB code** -- eight digits, grouped or not, right
  after the words KvK / Kamer van Koophandel / AGB(-code): they carry no
  checksum, so the context is what validates them;
* **phone numbers** in the forms deduce misses -- international
  (``+31 6 2468 1357``, ``0031 6 12345678``, ``+31 (0)6 12345678``, other
  countries by length) and national ten-digit numbers with one kind of
  separator (``06.12.34.56.78``).

:func:`find_identifiers` returns ``(start, end, KIND)``;
:class:`DutchIdentifierAnnotator` offers them to deduce as one more
annotator with a priority above deduce's own, so that an IBAN is tagged whole
instead of as a phone number inside letters.

Examples
--------
>>> find_identifiers("BSN 123.456.782, rekening NL91 ABNA 0417 1643 00, auto 12-ABC-3.")
[(4, 15, 'BSN'), (26, 48, 'IBAN'), (55, 63, 'KENTEKEN')]
>>> bsn_valid("123456782"), bsn_valid("123456789")
(True, False)
>>> iban_valid("NL91ABNA0417164300")
True
"""
from __future__ import annotations

import re

__all__ = ["find_identifiers", "bsn_valid", "iban_valid", "kenteken_sidecode", "DutchIdentifierAnnotator",  # noqa: F822
           "IBAN_LENGTHS", "SIDECODES", "VERSION"]

#: Bumped whenever what is found changes (part of the annotation cache key).
VERSION = "2"

_SEP = r"[ .\-\u00a0\u2009\u202f]"  # a separator people type between digit groups

# --------------------------------------------------------------------------- BSN

_BSN_RE = re.compile(rf"(?<![\w])(?<!\d{_SEP})\d(?:{_SEP}?\d){{8}}(?!{_SEP}?\d)(?![\w])")


def bsn_valid(digits: str) -> bool:
    """Whether nine digits pass the BSN 11-proef (and are not all zeros)."""
    if len(digits) != 9 or not digits.isdigit() or set(digits) == {"0"}:
        return False
    total = sum(int(d) * w for d, w in zip(digits, (9, 8, 7, 6, 5, 4, 3, 2, -1)))
    return total % 11 == 0


# --------------------------------------------------------------------------- IBAN

#: ISO 13616 lengths of the countries a Dutch study will meet.
IBAN_LENGTHS = {
    "NL": 18, "BE": 16, "DE": 22, "LU": 20, "FR": 27, "GB": 22, "IE": 22, "ES": 24, "PT": 25, "IT": 27,
    "AT": 20, "CH": 21, "DK": 18, "NO": 15, "SE": 24, "FI": 18, "PL": 28, "CZ": 24, "SK": 24, "HU": 28,
    "RO": 24, "BG": 22, "GR": 27, "TR": 26, "HR": 21, "SI": 19, "EE": 20, "LV": 21, "LT": 20, "MA": 28,
    "SR": 0,  # Suriname has no IBAN; listed so that 'SR..' is never read as one
}
_IBAN_START_RE = re.compile(r"(?<![\w])([A-Za-z]{2})(?=(?:[ \u00a0.\-]?\d){2})")
_IBAN_SEP = " \u00a0-."


def iban_valid(iban: str) -> bool:
    """Whether an IBAN written without spaces passes the mod-97 check at its country's length."""
    iban = iban.upper()
    if not re.fullmatch(r"[A-Z]{2}\d{2}[A-Z0-9]+", iban) or len(iban) != IBAN_LENGTHS.get(iban[:2], -1):
        return False
    rearranged = iban[4:] + iban[:4]
    return int("".join(str(int(c, 36)) for c in rearranged)) % 97 == 1


def _ibans(text: str):
    for m in _IBAN_START_RE.finditer(text):
        country = m.group(1).upper()
        length = IBAN_LENGTHS.get(country)
        if not length:
            continue
        chars: list[str] = []
        pos = m.start()
        while pos < len(text) and len(chars) < length:
            c = text[pos]
            if c.isascii() and c.isalnum():
                chars.append(c)
                pos += 1
            elif c in _IBAN_SEP and pos + 1 < len(text) and text[pos + 1].isascii() \
                    and text[pos + 1].isalnum() and len(chars) >= 2:
                pos += 1  # one separator between groups
            else:
                break
        if len(chars) == length and not (pos < len(text) and text[pos].isalnum()) \
                and iban_valid("".join(chars)):
            yield m.start(), pos, "IBAN"


# --------------------------------------------------------------------------- kenteken

#: The Dutch licence-plate sidecodes 1-14 (9 = digit, X = letter).
SIDECODES = ("XX-99-99", "99-99-XX", "99-XX-99", "XX-99-XX", "XX-XX-99", "99-XX-XX", "99-XXX-9",
             "9-XXX-99", "XX-999-X", "X-999-XX", "XXX-99-X", "X-99-XXX", "9-XX-999", "999-XX-9")


def _plate_patterns() -> list[re.Pattern]:
    pats = []
    for code in SIDECODES:
        groups = [rf"[A-Z]{{{len(g)}}}" if g[0] == "X" else rf"\d{{{len(g)}}}" for g in code.split("-")]
        body = groups[0] + "".join(rf"(?P=sep){g}" if i > 1 else rf"(?P<sep>[- ]?){g}"
                                   for i, g in enumerate(groups) if i)
        pats.append(re.compile(rf"(?<![\w\-]){body}(?![\w]|-\w)"))
    return pats


_PLATES = _plate_patterns()


def kenteken_sidecode(plate: str) -> int | None:
    """The sidecode (1-14) of a licence plate written with hyphens, spaces or nothing, else None.

    >>> kenteken_sidecode("12-ABC-3"), kenteken_sidecode("AB-123-C"), kenteken_sidecode("12-34-56")
    (7, 9, None)
    """
    for number, pattern in enumerate(_PLATES, start=1):
        m = pattern.fullmatch(plate)
        if m:
            return number
    return None


def _plates(text: str):
    for pattern in _PLATES:
        for m in pattern.finditer(text):
            plain = re.sub(r"[- ]", "", m.group(0))
            # without separators a plate must mix letters and digits at a group edge
            # (it always does) and not be a word: 'AB12CD' yes, a code in a sentence too
            if m.group("sep") == "" and not (any(c.isalpha() for c in plain) and any(c.isdigit() for c in plain)):
                continue
            yield m.start(), m.end(), "KENTEKEN"


# --------------------------------------------------------------------------- postcode

_POSTCODE_RE = re.compile(r"(?<![\w\-])([1-9]\d{3})[ \u00a0]{0,2}(?!SA|SD|SS)([A-Z]{2})(?![\w])")

# --------------------------------------------------------------------------- phone numbers

# deduce finds '06-12345678' and '010 123 45 67', not '+31 6 2468 1357', '0031 6 12345678',
# '+31 (0)6 12345678' (it tags a part) or '06.12.34.56.78' (read as a date and two numbers)
_PHONE_INTL_RE = re.compile(r"(?<![\w+])(?:\+|00)[ \u00a0]?\d{1,3}(?:[ .\-\u00a0]?(?:\(0\)|\(\d{1,4}\)|\d+))+")
_PHONE_NATIONAL_RE = re.compile(r"(?<![\w+.\-])(?:\(0\d{1,3}\)|0\d+)(?:[ .\-]?\d+)+")


def _phone_valid(written: str) -> bool:
    """Whether a number written with +/00 and separators has as many digits as a phone number.

    Netherlands (+31): nine digits after the country code (a '(0)' not
    counted); elsewhere 8 to 13 digits after a 1-3 digit country code.
    """
    digits = re.sub(r"\D", "", written.replace("(0)", ""))
    if written.startswith("00"):
        digits = digits[2:]
    if digits.startswith("31"):
        return len(digits) == 11
    return 10 <= len(digits) <= 15


def _phones(text: str):
    for m in _PHONE_INTL_RE.finditer(text):
        written = m.group(0)
        # the longest prefix, ending at a group, that is a valid number
        ends = [g.end() for g in re.finditer(r"\d+\)?", written)]
        for end in reversed(ends):
            if _phone_valid(written[:end]):
                yield m.start(), m.start() + end, "TELEFOONNUMMER"
                break
    for m in _PHONE_NATIONAL_RE.finditer(text):
        written = m.group(0)
        if len(set(re.findall(r"[ .\-]", written.split(")")[-1]))) > 1 or not written.lstrip("(").startswith("0") \
                or written.lstrip("(")[1:2] == "0" or (m.end() < len(text) and text[m.end()].isalnum()):
            continue  # mixed separators (a date and a time: '01-02-2023 14'), '00' (international), a word
        if len(re.sub(r"\D", "", written)) == 10:
            yield m.start(), m.end(), "TELEFOONNUMMER"


# --------------------------------------------------------------------------- KvK, AGB

_CONTEXT_RE = re.compile(
    r"(?i)(?P<what>kvk|k\.v\.k\.|kamer\s+van\s+koophandel|agb)(?:[\s\-]*(?:nummer|nr\.?|code))?"
    r"[\s:.#\-]*(?:is\s+|was\s+)?(?P<num>\d(?:[ .\-]?\d){7})(?![\d])")


def find_identifiers(text: str) -> list[tuple[int, int, str]]:
    """Dutch identifiers in ``text`` as sorted ``(start, end, KIND)``.

    Kinds: ``BSN``, ``IBAN``, ``KENTEKEN``, ``POSTCODE``, ``KVK_NUMMER``,
    ``AGB_CODE``, ``TELEFOONNUMMER``. Overlaps are resolved longest first.
    """
    found: list[tuple[int, int, str]] = []
    for m in _BSN_RE.finditer(text):
        if bsn_valid(re.sub(r"\D", "", m.group(0))):
            found.append((m.start(), m.end(), "BSN"))
    found += _ibans(text)
    found += _plates(text)
    found += [(m.start(), m.end(), "POSTCODE") for m in _POSTCODE_RE.finditer(text)]
    found += _phones(text)
    for m in _CONTEXT_RE.finditer(text):
        kind = "AGB_CODE" if m.group("what").lower() == "agb" else "KVK_NUMMER"
        found.append((m.start("num"), m.end("num"), kind))
    taken: list[tuple[int, int, str]] = []
    # longest first; on the same span a postcode before a plate ('1000AB' is both)
    order = {"BSN": 0, "IBAN": 0, "POSTCODE": 1, "KVK_NUMMER": 1, "AGB_CODE": 1, "KENTEKEN": 2, "TELEFOONNUMMER": 3}
    for s, e, kind in sorted(found, key=lambda f: (-(f[1] - f[0]), f[0], order[f[2]])):
        if all(e <= ts or s >= te for ts, te, _ in taken):
            taken.append((s, e, kind))
    return sorted(taken)


def _annotator_class():
    from docdeid.annotation import Annotation
    from docdeid.process.annotator import Annotator

    class DutchIdentifierAnnotator(Annotator):
        """deduce/docdeid annotator for :func:`find_identifiers` (priority above deduce's own)."""

        def __init__(self, priority: int = 200) -> None:
            super().__init__(tag="dutch_identifier", priority=priority)

        def annotate(self, doc) -> list:
            return [Annotation(text=doc.text[s:e], start_char=s, end_char=e, tag=kind.lower(),
                               priority=self.priority) for s, e, kind in find_identifiers(doc.text)]

    return DutchIdentifierAnnotator


def __getattr__(name):
    if name == "DutchIdentifierAnnotator":  # docdeid imported only when asked for
        return _annotator_class()
    raise AttributeError(name)
