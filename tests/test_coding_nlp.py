"""The Dutch pipeline: lookup lemmas, the simplemma fallback, compounds, batches."""
from __future__ import annotations

import pytest

from altena_qca.coding.nlp import BATCH_ATTRS, DutchLemmatizer, chunk_tokenizer, get_nlp, lemmatize, pipe_batches


@pytest.mark.parametrize("form, lemma", [
    ("werden", "worden"),   # not in the lookup table: simplemma
    ("was", "zijn"),
    ("gedeeld", "delen"),
    ("Gedeeld", "delen"),   # case does not matter, lemmas are lower case
    ("leden", "lid"),       # domain overrides: members, not a form of 'lijden'
    ("delen", "delen"),     # to share, not the plural of 'deel'
    ("taken", "taak"),      # from the lookup table
    ("irritaties", "irritatie"),
])
def test_lemmatizer_fills_what_the_lookup_table_misses(form, lemma):
    assert lemmatize(form) == [lemma]


def test_unknown_compound_gets_the_lemma_of_its_head():
    assert lemmatize("netwerkrelaties uitzonderingsgrondslagen casusregisseurs") == [
        "netwerkrelatie", "uitzonderingsgrondslag", "casusregisseur"]
    assert lemmatize("vertrouwen") == ["vertrouwen"]  # a known word is never split


def test_fallback_only_where_the_lookup_left_the_form_unchanged():
    nlp = get_nlp()
    # a table that knows 'gedeeld' wins over simplemma; one that does not, falls back
    knows = DutchLemmatizer(nlp.vocab, {"gedeeld": "uitgedeeld"})
    blind = DutchLemmatizer(nlp.vocab, {})
    assert knows.lemma("gedeeld") == "uitgedeeld"
    assert blind.lemma("gedeeld") == "delen"
    assert blind.lemma("123") == "123"


def test_pipeline_is_a_blank_dutch_model_with_one_registered_component_built_once():
    nlp = get_nlp()
    assert nlp is get_nlp()
    assert nlp.lang == "nl" and nlp.pipe_names == ["altena_lemmatizer"]
    assert [t.lemma_ for t in nlp("Gegevens werden niet gedeeld.")] == ["gegeven", "worden", "niet", "delen", "."]


def test_batches_skip_blank_passages_and_keep_every_token_with_its_passage():
    texts = ["Eerste passage, gedeeld.", "", "   ", None, "Tweede: netwerkrelaties."]
    batches = list(pipe_batches(texts, batch_size=2))
    assert [i for b in batches for i in b.index] == [0, 4]
    for b in batches:
        for p, doc in enumerate(b.docs):
            assert b.text(p) == texts[b.index[p]]
            rows = b.arrays[b.first[p]:b.last[p]]
            assert len(rows) == len(doc)
            assert (b.token_passage[b.first[p]:b.last[p]] == p).all()
            assert [nlp_str(h) for h in rows[:, 0]] == [t.lemma_ for t in b.doc(p)]
    assert list(pipe_batches(["", None])) == []


def test_batch_columns_are_what_the_pipeline_gives(study):
    """The columns derived from the form table equal ``to_array`` on the full pipeline's Docs."""
    texts = [d.segment_text(s) for d in study.corpus for s in d.segments][:400]
    texts += ["Straße ÉÉN İstanbul co-ouderschap 3,5% e.d. enz.", "  \t  ", "\u00a0x"]
    nlp = get_nlp()
    for b in pipe_batches(texts, batch_size=128):
        for p, i in enumerate(b.index):
            expected = nlp(texts[i]).to_array(list(BATCH_ATTRS))
            assert (b.arrays[b.first[p]:b.last[p]] == expected).all(), texts[i]
            assert not b.docs[p].has_annotation("LEMMA")  # written on demand only
            assert [t.lemma_ for t in b.doc(p)] == [t.lemma_ for t in nlp(texts[i])]


def nlp_str(h) -> str:
    return get_nlp().vocab.strings[int(h)]


def test_passages_read_from_the_chunk_table_have_the_tokens_spacy_gives():
    """Every passage, read the first time (tokenizer) and again (chunk table, no tokenizer),
    has spaCy's tokens and offsets: tabs, newlines, runs of spaces, spaces at either end,
    abbreviations, emoticons, zero-width and non-breaking characters included."""
    import random

    nlp = get_nlp()
    lemmatizer = nlp.get_pipe("altena_lemmatizer")
    rng = random.Random(7)
    words = ["Ja,", "echt", "niet", "(bijv.", "a.s.", "'t", "goed!", "e-mail", ":)", "3x", "zo'n", "U.S.A.",
             "—", "dat", "\u200b", "x\u200by", "café", "…", "m.b.t.", "1.1"]
    spaces = [" "] * 6 + ["  ", "\t", "\n", " \n ", "\xa0", "\t ", " \t", "   ", "\r\n"]
    texts = []
    for _ in range(1500):
        text = "".join(rng.choice(words) + rng.choice(spaces) for _ in range(rng.randint(1, 12)))
        text = rng.choice(spaces) + text if rng.random() < 0.3 else text
        texts.append(text.rstrip(" ") if rng.random() < 0.5 else text)

    def spacy_tokens(text):
        doc = nlp.tokenizer(text)
        arr = doc.to_array(["ORTH", "IDX"])
        return lemmatizer.form_ids(arr[:, 0]).tolist(), arr[:, 1].tolist()

    expected = [spacy_tokens(t) for t in texts if t.strip()]
    for _ in range(2):  # first: harvested from the tokenizer; then: from the chunk table
        got = [(b.forms[b.first[p]:b.last[p]].tolist(), b.arrays[b.first[p]:b.last[p], 2].astype(int).tolist())
               for b in pipe_batches(texts, batch_size=333) for p in range(len(b.texts))]
        assert got == expected
    assert len(lemmatizer.chunks) > 20


def test_the_chunk_tokenizer_cuts_chunks_of_letters_and_digits_as_the_pipeline_does(study):
    """New chunks of letters and digits are read with the pipeline's rules on a vocab without
    lexical attributes: the same tokens and offsets as the pipeline's tokenizer (numbers with
    units, the emoticons that are letters and digits included), no attribute computed for a new word."""
    texts = [d.segment_text(s) for d in study.corpus for s in d.segments][:300]
    texts += ["10km 3x 2e 8D XD xDD xd 1e 100m2 A4 mp3 ½ 3½ Ⅻ ² ĳsselmeer ŉ ﬁets", "Zie https://www.gemeente.nl"]
    words = [w for text in texts for w in text.split() if w.isalnum()]
    assert len(words) > 1000
    reader, tokenizer = chunk_tokenizer(), get_nlp().tokenizer
    for word in words:
        assert [(t.text, t.idx) for t in reader(word)] == [(t.text, t.idx) for t in tokenizer(word)], word
    joined = " ".join(words)
    assert [(t.text, t.idx) for t in reader(joined)] == [(t.text, t.idx) for t in tokenizer(joined)]
    assert not reader.vocab.lex_attr_getters
    assert reader.vocab is not get_nlp().vocab
