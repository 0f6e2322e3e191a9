"""Organisation-name normalisation, shared by the gazetteer (actors) and mention finding (mentions).

It sits below both, so :mod:`~altena_qca.network.mentions` needs nothing
from :mod:`~altena_qca.network.actors` at run time and the two modules do not
import each other in a circle.
"""
from __future__ import annotations

import re
import unicodedata

__all__ = ["normalise_name"]


def normalise_name(text: str) -> str:
    """Case-folded, NFC, one space between words, one kind of apostrophe and hyphen.

    >>> normalise_name("  Smo  Breda E.O. ") == normalise_name("smo breda e.o.")
    True
    """
    text = unicodedata.normalize("NFC", str(text)).replace("\u2019", "'").replace("\u2018", "'")
    text = re.sub(r"[\u2010\u2011\u2013\u2014]", "-", text)
    return re.sub(r"\s+", " ", text).strip().casefold()
