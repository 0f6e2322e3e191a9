"""Names hidden by Unicode, and surnames that equal an organisation word (issue 14).

Expected outcome of every case: *tagged* -- the name is replaced whole and no
part of it is left in the pseudonymised text.
"""
from __future__ import annotations

import re
import unicodedata

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from altena_qca.model import Document, Segment
from altena_qca.privacy import Pseudonymiser, deduce_annotations, find_leaks, get_deduce
from altena_qca.privacy.textview import HOMOGLYPHS, is_invisible, normalised_view

INVISIBLE = ["\u200b", "\u200c", "\u200d", "\u00ad", "\u2060", "\ufeff", "\u034f", "\ufe0f"]


def _doc(text: str) -> Document:
    return Document("R01", text, segments=[Segment("R01", 0, "respondent", 1, 3, len(text))])


# --------------------------------------------------------------------------- the view (no deduce)

@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=60),
       st.lists(st.tuples(st.integers(0, 60), st.sampled_from(INVISIBLE)), max_size=5))
def test_view_drops_invisibles_and_maps_every_span_into_the_original(text, inserts):
    for pos, char in sorted(inserts, reverse=True):
        text = text[:pos] + char + text[pos:]
    view = normalised_view(text)
    assert not any(is_invisible(c) for c in view.text)
    for start in range(len(view.text)):
        for end in range(start + 1, len(view.text) + 1):
            s, e = view.original_span(start, end)
            assert 0 <= s < e <= len(text)
            # what the original span reads as is what the view span reads
            assert view.text[start:end] in normalised_view(text[s:e]).text


@pytest.mark.parametrize("written, plain", [
    ("P\u200diet de V\u200cries", "Piet de Vries"),
    ("\uff2a\uff41\uff4e \uff2a\uff41\uff4e\uff53\uff45\uff4e", "Jan Jansen"),
    ("Jose\u0301", "Jos\u00e9"),
    ("Jan\u00adsen", "Jansen"),
    ("Jan\u00a0Jansen", "Jan Jansen"),
])
def test_view_reads_as_a_reader_does(written, plain):
    assert normalised_view(f"R: {written}.").text == f"R: {plain}."


# --------------------------------------------------------------------------- tagged whole by deduce

slow = pytest.mark.slow

HIDDEN = [
    "P\u200diet de V\u200cries",  # zero-width joiner and non-joiner
    "\uff2a\uff41\uff4e \uff2a\uff41\uff4e\uff53\uff45\uff4e",  # fullwidth
    "Jose\u0301 Garci\u0301a",  # combining accents
    "Jan\u00adsen",  # soft hyphen
    "Pie\u200bter Bak\u200bker",  # zero-width spaces
    "Mari\u0308e Jansen",  # combining diaeresis
    "Anna\u00a0de\u00a0Wit",  # no-break spaces
]


@slow
@pytest.mark.parametrize("name", HIDDEN)
def test_hidden_names_are_tagged_whole(name):
    text = f"R: Gisteren belde {name} over de zorg voor haar moeder."
    pseudo = Pseudonymiser.for_corpus({}, actors=None, deidentifier=get_deduce())
    new = pseudo(_doc(text)).text
    assert name not in new
    start = text.index(name)
    # nothing of the name is left: every letter of it lies inside one tag
    assert re.fullmatch(r"R: Gisteren belde \[PERSOON-1\] over de zorg voor haar moeder\.", new), new
    assert pseudo.key_["R01"]["[PERSOON-1]"] == text[start:start + len(name)]
    visible = unicodedata.normalize("NFKC", "".join(c for c in name if not is_invisible(c)))
    assert find_leaks(new, [w for w in visible.split() if w[0].isupper()]) == []


SURNAMES = [("Carlos Rivas", "Rivas"), ("Truus Mee", "MEE"), ("Anna Trema", "Trema"), ("Karel Thebe", "Thebe")]


@slow
@pytest.mark.parametrize("person, organisation", SURNAMES)
def test_surname_equal_to_an_organisation_word_is_kept_in_the_tag(person, organisation):
    text = (f"R: Ik sprak {person} gisteren. Daarna belde ik {organisation}. "
            f"Later kwam {person} langs bij Bazalt Wonen.")
    pseudo = Pseudonymiser.for_corpus({}, deidentifier=get_deduce())  # the package gazetteer
    new = pseudo(_doc(text)).text
    assert find_leaks(new, [person]) == []
    surname = person.split()[1]
    assert f"] {surname}" not in new, new  # never '[PERSOON-1] Rivas'
    assert f"belde ik {organisation}." in new  # the organisation alone stays readable
    assert "Bazalt Wonen" in new


@slow
def test_multi_word_organisations_still_cut_a_person_tag():
    text = "R: Ik werk met Jan de Vries van Bazalt Wonen en met Smo Breda."
    pseudo = Pseudonymiser.for_corpus({}, deidentifier=get_deduce())
    new = pseudo(_doc(text)).text
    assert new == "R: Ik werk met [PERSOON-1] van Bazalt Wonen en met Smo Breda."


# --------------------------------------------------------------------------- look-alike letters (homoglyphs)

#: Latin letter -> the Cyrillic and Greek letters drawn like it
LOOKALIKES: dict[str, list[str]] = {}
for _glyph, _latin in sorted(HOMOGLYPHS.items()):
    LOOKALIKES.setdefault(_latin, []).append(_glyph)


def test_every_lookalike_is_a_cyrillic_or_greek_letter_named_like_its_latin_letter():
    # a wrong entry would make the view read a name that is not there (or miss one)
    for glyph, latin in HOMOGLYPHS.items():
        name = unicodedata.name(glyph)
        assert name.startswith(("CYRILLIC", "GREEK")) and unicodedata.category(glyph).startswith("L"), name
        assert glyph.isupper() == latin.isupper() or name.endswith(("PALOCHKA", "YOT")), name
        assert normalised_view(f"x{glyph}x").text == f"x{latin}x"


@pytest.mark.parametrize("written, plain", [
    ("\u0408an \u0408ansen", "Jan Jansen"),  # Cyrillic Je
    ("\u03a1iet d\u0435 Vri\u0435s", "Piet de Vries"),  # Greek Rho, Cyrillic ie
    ("\uff2a\u0430n J\u0430ns\u0435n", "Jan Jansen"),  # fullwidth J and Cyrillic a, ie
])
def test_view_reads_lookalikes_as_latin(written, plain):
    assert normalised_view(f"R: {written}.").text == f"R: {plain}."


@slow
@pytest.mark.parametrize("name", ["\u0408an \u0408ansen", "\u03a1iet d\u0435 Vri\u0435s", "K\u0430rel B\u0430kker",
                                  "\u0405anne Verb\u0435ek"])
def test_names_with_lookalike_letters_are_tagged_whole(name):
    text = f"R: Gisteren belde {name} over de zorg voor haar moeder."
    pseudo = Pseudonymiser.for_corpus({}, actors=None, deidentifier=get_deduce())
    new = pseudo(_doc(text)).text
    assert new == "R: Gisteren belde [PERSOON-1] over de zorg voor haar moeder.", new
    assert pseudo.key_["R01"]["[PERSOON-1]"] == name


#: names deduce tags whole when written plainly (checked in the test)
PLAIN_NAMES = ["Jan Jansen", "Piet de Vries", "Karel Bakker", "Sanne Verbeek", "Anna de Wit", "Peter Bakker",
               "Maria Janssen", "Kees van Dijk", "Joris Hoekstra", "Esther Smit"]


@st.composite
def disguised_names(draw) -> tuple[str, str]:
    """A plain name, and the same name with some letters replaced by look-alikes,
    fullwidth forms or combining sequences, and invisible characters inserted."""
    plain = draw(st.sampled_from(PLAIN_NAMES))
    out = []
    for ch in plain:
        how = draw(st.sampled_from(["keep", "keep", "lookalike", "fullwidth", "invisible"]))
        if how == "lookalike" and ch in LOOKALIKES:
            out.append(draw(st.sampled_from(LOOKALIKES[ch])))
        elif how == "fullwidth" and ch.isascii() and ch.isalpha():
            out.append(chr(ord(ch) + 0xFEE0))
        elif how == "invisible" and ch != " ":
            out.append(ch + draw(st.sampled_from(INVISIBLE)))
        else:
            out.append(ch)
    return plain, "".join(out)


@slow
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(disguised_names(), st.sampled_from(["R: Gisteren belde {x} over de zorg voor haar moeder.",
                                           "R: Ik heb {x} gebeld, maar zij nam niet op.",
                                           "R: Dat zei {x}."]))
def test_every_disguise_of_a_name_is_tagged_as_the_plain_name_is(case, template):
    plain, written = case
    deid = get_deduce()
    plain_text = template.format(x=plain)
    start = plain_text.index(plain)
    # a name deduce tags whole when written plainly ...
    assume(any(s <= start and e >= start + len(plain) for s, e, k in deduce_annotations(plain_text, deid)
               if k == "PERSOON"))
    text = template.format(x=written)
    start = text.index(written)
    end = start + len(written.rstrip("".join(INVISIBLE)))  # an invisible character after the name is no part of it
    # ... is tagged whole, however it is disguised
    found = [(s, e) for s, e, k in deduce_annotations(text, deid) if k == "PERSOON"]
    assert any(s <= start and e >= end for s, e in found), (written, found)
