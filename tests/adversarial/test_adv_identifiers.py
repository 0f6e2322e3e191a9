"""Dutch identifiers in every written form are tagged whole (issue 14).

Hypothesis generates *valid* identifiers (BSN by the 11-proef, IBAN by
mod-97, kenteken by sidecode, postcodes, KvK/AGB after their words), writes
them in every spacing and punctuation people use, plants them in a Dutch
sentence, and checks that the real deduce pipeline tags each one whole and
that the pseudonymised text no longer holds it.
"""
from __future__ import annotations

import random
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from altena_qca.model import Document, Segment
from altena_qca.privacy import Pseudonymiser, deduce_annotations
from altena_qca.privacy.identifiers import (
    SIDECODES,
    bsn_valid,
    find_identifiers,
    iban_valid,
    kenteken_sidecode,
)
from altena_qca.privacy.textview import HOMOGLYPHS

SEPARATORS = ["", " ", ".", "-", "\u00a0"]
PROPERTY = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.large_base_example])


# --------------------------------------------------------------------------- generators

@st.composite
def bsns(draw) -> str:
    """Nine digits passing the 11-proef."""
    n = draw(st.integers(1, 99_999_989))
    for k in range(11):  # at most one in eleven heads has no valid check digit
        head = [int(d) for d in f"{n + k:08d}"]
        check = sum(d * w for d, w in zip(head, range(9, 1, -1))) % 11
        if check < 10:
            return "".join(map(str, head)) + str(check)
    raise AssertionError("unreachable")


def _grouped(draw, plain: str, seps: list[str], sizes: list[list[int]], first: int = 1) -> str:
    """``plain`` cut into one of ``sizes`` (or at random, the first group at least
    ``first`` long) and joined by one separator."""
    sep = draw(st.sampled_from(seps))
    cut = draw(st.sampled_from(sizes + [None]))
    if cut is None:  # random groups of 1-5
        cut = [min(len(plain), draw(st.integers(first, 5)))]
        rest = len(plain) - cut[0]
        while rest:
            n = min(rest, draw(st.integers(1, 5)))
            cut.append(n)
            rest -= n
    parts, pos = [], 0
    for n in cut:
        parts.append(plain[pos:pos + n])
        pos += n
    return sep.join(parts)


@st.composite
def written_bsns(draw) -> str:
    return _grouped(draw, draw(bsns()), SEPARATORS, [[9], [3, 3, 3], [4, 2, 3], [2, 2, 2, 3]])


@st.composite
def written_ibans(draw) -> str:
    bank = "".join(draw(st.lists(st.sampled_from("ABCDEFGHIJKLMNOPQRSTUVWXYZ"), min_size=4, max_size=4)))
    account = "".join(map(str, draw(st.lists(st.integers(0, 9), min_size=10, max_size=10))))
    digits = "".join(str(int(c, 36)) for c in bank + account + "NL00")
    plain = f"NL{98 - int(digits) % 97:02d}{bank}{account}"
    assert iban_valid(plain)
    written = _grouped(draw, plain, [" ", "", "\u00a0", "-"], [[4, 4, 4, 4, 2], [18], [4, 14], [2, 2, 4, 10]],
                       first=2)  # 'NL 91 ABNA ...', never 'N L91'

    return written.lower() if draw(st.booleans()) and " " in written else written


_PLATE_LETTERS = "BDFGHJKLNPRSTVXZ"  # the RDW uses no vowels (and no C, Q, W, M, Y) in new plates


@st.composite
def kentekens(draw) -> str:
    code = draw(st.sampled_from(SIDECODES))
    groups = ["".join(draw(st.sampled_from(_PLATE_LETTERS if g[0] == "X" else "0123456789"))
                      for _ in g) for g in code.split("-")]
    return draw(st.sampled_from(["-", " ", ""])).join(groups)


@st.composite
def postcodes(draw) -> str:
    digits = str(draw(st.integers(1000, 9999)))
    letters = draw(st.sampled_from(["AB", "BX", "KL", "ZZ", "HG", "RT"]))
    return digits + draw(st.sampled_from(["", " ", "\u00a0"])) + letters


@st.composite
def kvk_agb(draw) -> tuple[str, str, str]:
    number = "".join(map(str, draw(st.lists(st.integers(0, 9), min_size=8, max_size=8))))
    written = _grouped(draw, number, ["", " ", ".", "-"], [[8], [4, 4], [2, 2, 2, 2]])
    label = draw(st.sampled_from(["KvK-nummer", "KvK nr.", "kvk:", "Kamer van Koophandel", "AGB-code",
                                  "AGB code:", "agb"]))
    return label, written, "AGB_CODE" if "agb" in label.lower() else "KVK_NUMMER"


SENTENCES = ["R: Het nummer is {x}, zei ze.", "R: {x}", "R: ({x}) staat in het dossier.",
             "R: Noteer: {x}. Daarna belde de wijkverpleegkundige.", "R: dat was {x}; klopt dat?"]


def _assert_tagged_whole(text: str, start: int, end: int, kinds: set[str]) -> None:
    found = deduce_annotations(text, _deduce())
    covering = [(s, e, k) for s, e, k in found if s <= start and e >= end]
    assert covering, f"{text[start:end]!r} not tagged whole in {text!r}: {found}"
    assert covering[0][2] in kinds, (text[start:end], covering)


def _deduce():
    from altena_qca.privacy import get_deduce
    return get_deduce()


def _plant(template: str, x: str) -> tuple[str, int, int]:
    text = template.format(x=x)
    start = text.index(x)
    return text, start, start + len(x)


# --------------------------------------------------------------------------- validators

@given(bsns())
def test_valid_bsn_passes_the_11_proef_and_one_changed_digit_fails(bsn):
    assert bsn_valid(bsn)
    i = random.Random(bsn).randrange(9)
    changed = bsn[:i] + str((int(bsn[i]) + 1) % 10) + bsn[i + 1:]
    assert not bsn_valid(changed)  # a single wrong digit is always caught (weights 1..9 mod 11)


def test_known_examples():
    assert bsn_valid("111222333") and not bsn_valid("111222334") and not bsn_valid("000000000")
    assert iban_valid("NL91ABNA0417164300") and not iban_valid("NL92ABNA0417164300")
    assert iban_valid("BE68539007547034") and not iban_valid("NL91ABNA04171643")
    assert [kenteken_sidecode(p) for p in ("AB-12-34", "12-AB-CD", "12-ABC-3", "1-ABC-23", "AB-123-C",
                                           "A-123-BC", "ABC-12-D", "A-12-BCD", "1-AB-234", "123-AB-4")] == [
        1, 6, 7, 8, 9, 10, 11, 12, 13, 14]


def test_random_numbers_and_dates_are_not_identifiers():
    text = ("R: Op 12-03-1980 om 10.30 uur, op 01-02-2023 14 uur, dossier 123456789, "
            "1000 mg, 12-34-56, het jaar 2023, 2023-2024 en 45 jaar.")
    assert find_identifiers(text) == []


@st.composite
def phone_numbers(draw) -> str:
    """A Dutch mobile or landline number in one of the forms people write it."""
    mobile = draw(st.booleans())
    area = "6" if mobile else draw(st.sampled_from(["10", "20", "183", "162", "88"]))
    rest = "".join(draw(st.sampled_from("0123456789")) for _ in range(9 - len(area)))
    national = "0" + area + rest
    forms = [f"0{area}-{rest}", f"0{area} {rest}", f"+31 {area} {rest[:4]} {rest[4:]}", f"+31{area}{rest}",
             f"+31 (0){area} {rest}", f"0031 {area} {rest}", f"00 31 {area}{rest}",
             ".".join(national[i:i + 2] for i in range(0, 10, 2)), national]
    if not mobile:
        forms.append(f"(0{area}) {rest[:3]} {rest[3:]}")
    return draw(st.sampled_from(forms))


# --------------------------------------------------------------------------- tagged whole by deduce

pytestmark = pytest.mark.slow


@PROPERTY
@given(written_bsns(), st.sampled_from(SENTENCES))
def test_bsn_in_every_written_form_is_tagged_whole(bsn, template):
    _assert_tagged_whole(*_plant(template, bsn), {"BSN"})


@PROPERTY
@given(written_ibans(), st.sampled_from(SENTENCES))
def test_iban_in_every_written_form_is_tagged_whole(iban, template):
    _assert_tagged_whole(*_plant(template, iban), {"IBAN"})


@PROPERTY
@given(kentekens(), st.sampled_from(SENTENCES))
def test_kenteken_of_every_sidecode_is_tagged_whole(plate, template):
    # '1000BB' (sidecode 2 without separators) is also a postcode; either tag hides it
    _assert_tagged_whole(*_plant(template, plate), {"KENTEKEN", "POSTCODE"})


@PROPERTY
@given(phone_numbers(), st.sampled_from(SENTENCES))
def test_phone_number_in_every_written_form_is_tagged_whole(number, template):
    _assert_tagged_whole(*_plant(template, number), {"TELEFOONNUMMER"})


@PROPERTY
@given(postcodes(), st.sampled_from(SENTENCES))
def test_postcode_is_tagged_whole(postcode, template):
    _assert_tagged_whole(*_plant(template, postcode), {"POSTCODE", "LOCATIE"})


@PROPERTY
@given(kvk_agb(), st.sampled_from(SENTENCES))
def test_kvk_and_agb_after_their_words_are_tagged_whole(case, template):
    label, number, kind = case
    text, start, end = _plant(template, f"{label} {number}")
    start = end - len(number)
    _assert_tagged_whole(text, start, end, {kind})


def test_every_form_is_gone_from_the_pseudonymised_text():
    forms = ["1234 56 782", "123.456.782", "123-456-782", "12 34 56 782", "NL91 ABNA 0417 1643 00",
             "NL91ABNA0417164300", "nl91 abna 0417 1643 00", "12-ABC-3", "AB-123-C", "12 ABC 3",
             "4286 AB", "4286AB", "KvK 1234 5678", "AGB-code 12.34.56.78", "+31 6 2468 1357",
             "0031 6 24681357", "06.24.68.13.57"]
    text = "R: " + " en ".join(forms) + "."
    doc = Document("R01", text, segments=[Segment("R01", 0, "respondent", 1, 3, len(text))])
    new = Pseudonymiser.for_corpus({}, actors=None, deidentifier=_deduce())(doc)
    plain = re.sub(r"\W", "", new.text).casefold()
    for form in forms:
        digits = re.sub(r"\W", "", form.split(" ", 1)[1] if form[:3] in ("KvK", "AGB") else form).casefold()
        assert digits not in plain, (form, new.text)


# --------------------------------------------------------------------------- disguised by Unicode

_LOOKALIKE = {}
for _glyph, _latin in sorted(HOMOGLYPHS.items()):
    _LOOKALIKE.setdefault(_latin, _glyph)
_INVISIBLE = ["\u200b", "\u200d", "\u00ad", "\u2060"]


@st.composite
def disguised(draw, written) -> str:
    """``written`` with fullwidth digits and letters, look-alike letters and invisible characters."""
    out = []
    plain = draw(written)
    for i, ch in enumerate(plain):
        how = draw(st.sampled_from(["keep", "keep", "fullwidth", "lookalike", "invisible"]))
        if how == "invisible" and i == len(plain) - 1:
            how = "keep"  # inside the identifier, not after it
        if how == "fullwidth" and ch.isascii() and ch.isalnum():
            out.append(chr(ord(ch) + 0xFEE0))
        elif how == "lookalike" and ch in _LOOKALIKE:
            out.append(_LOOKALIKE[ch])
        elif how == "invisible" and ch.isalnum():
            out.append(ch + draw(st.sampled_from(_INVISIBLE)))
        else:
            out.append(ch)
    return "".join(out)


DISGUISED = {"bsn": (written_bsns, {"BSN"}), "iban": (written_ibans, {"IBAN"}),
             "phone": (phone_numbers, {"TELEFOONNUMMER"}),
             "kenteken": (kentekens, {"KENTEKEN", "POSTCODE"}), "postcode": (postcodes, {"POSTCODE", "LOCATIE"})}


@pytest.mark.parametrize("kind", sorted(DISGUISED))
@PROPERTY
@given(data=st.data(), template=st.sampled_from(SENTENCES))
def test_identifier_disguised_by_unicode_is_tagged_whole(kind, data, template):
    strategy, kinds = DISGUISED[kind]
    _assert_tagged_whole(*_plant(template, data.draw(disguised(strategy()))), kinds)
