"""Pseudonymisation on ingest, and a guard that no known name reaches an output.

Transcripts about sharing clients' data are full of personal data: names of
clients and colleagues, villages, streets, phone numbers, dates of birth.
:class:`Pseudonymiser` replaces them, offline, by tags that are stable within
a document (``[PERSOON-1]``, ``[LOCATIE-2]``, ``[TELEFOONNUMMER-1]``, ...).
It finds them with deduce [1]_, the Dutch de-identifier, but builds the
replacement itself so that segment offsets stay exact
(:func:`apply_replacements`).

deduce tags by form, not by meaning: it reads 'Jan de Vries van Bazalt Wonen'
as one person and 'Gemeente Altena' as a person. Organisation names, laws and
programmes listed in ``altena_qca/resources/codebook/privacy_allowlist.yaml`` and in the actor
gazetteer ``altena_qca/resources/codebook/actors.yaml`` are *protected*: a tag that overlaps one
is cut back to the part outside it.

The key (tag -> original) stays in memory (``Pseudonymiser.key_``) and is
written only on request, and only outside the project folder
(:func:`write_key`). :func:`find_leaks` scans outputs for known names.

Modules: ``replacements`` (spans replaced, offsets kept), ``terms`` (protected
terms), ``deidentify`` (deduce, loaded once, tables and annotations cached),
``pseudonymiser`` (:class:`Pseudonymiser`), ``key`` (:func:`write_key`),
``leaks`` (:func:`find_leaks`).

Examples
--------
>>> new_text, offsets = apply_replacements("Bel Piet op 06-12345678.",
...                                        [(4, 8, "[PERSOON-1]"), (12, 23, "[TELEFOONNUMMER-1]")])
>>> new_text
'Bel [PERSOON-1] op [TELEFOONNUMMER-1].'
>>> offsets(9), new_text[offsets(9)]
(16, 'o')
>>> find_leaks(["Verslag: Piet belde."], ["piet", "Jansen"])
[('<text 0>', 'piet')]

References
----------
.. [1] Menger, V., Scheepers, F., van Wijk, L. M., & Spruit, M. (2018).
   DEDUCE: A pattern matching method for automatic de-identification of Dutch
   medical text. Telematics and Informatics, 35(4), 727-736.
   https://doi.org/10.1016/j.tele.2017.08.002
"""
from __future__ import annotations

from .deidentify import deduce_annotations, deduce_cache_dir, get_deduce
from .key import write_key
from .leaks import find_leaks
from .pseudonymiser import Pseudonymiser
from .replacements import OffsetMap, apply_replacements
from .terms import DEFAULT_ACTORS, DEFAULT_ALLOWLIST, load_protected_terms

__all__ = [
    "DEFAULT_ALLOWLIST", "DEFAULT_ACTORS", "Pseudonymiser", "OffsetMap", "apply_replacements",
    "load_protected_terms", "get_deduce", "deduce_cache_dir", "deduce_annotations", "write_key", "find_leaks",
]
