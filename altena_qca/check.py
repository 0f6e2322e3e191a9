"""Check a whole study folder before anything runs, listing every problem at once.

:func:`check_study` reads ``study.yaml``, ``respondents.csv``, every
transcript and observation, the codebook, the study's ``actors.yaml`` and
``codings.csv`` — without pseudonymising, so it is fast and writes nothing —
and returns every problem (errors that stop a run) and every warning
(findings a researcher should see). ``altena-qca check`` prints them;
``altena-qca run`` calls it first and writes nothing when there is a problem.

Examples
--------
>>> from altena_qca.study import DEFAULT_DATA
>>> result = check_study(DEFAULT_DATA)
>>> result.ok, result.problems, result.counts["respondents"]
(True, [], 13)
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from pathlib import Path

from ._io import check_input_file
from .errors import AltenaError, Errors, InputError, Warnings

__all__ = ["CheckResult", "check_study"]


@dataclass
class CheckResult:
    """What :func:`check_study` found.

    Attributes
    ----------
    folder : Path
    problems : list of str
        Errors (``[E...]``), each naming its file and line; a run refuses to
        start while there is one.
    warnings : list of str
        Warnings (``[W...]``): the run goes on, but the researcher should know.
    counts : dict
        respondents, transcripts, observations, codes, codings.
    """

    folder: Path
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """True when nothing stops a run."""
        return not self.problems

    def summary(self) -> str:
        """One line: what the study holds and how many problems and warnings."""
        c = self.counts
        held = (f"{c.get('respondents', 0)} respondents, {c.get('transcripts', 0)} transcripts, "
                f"{c.get('observations', 0)} observations, {c.get('codes', 0)} codes, "
                f"{c.get('codings', 0)} codings")
        state = "ready to run" if self.ok else f"{len(self.problems)} problem(s): nothing will run until fixed"
        return f"{self.folder}: {held}; {len(self.warnings)} warning(s); {state}"


class _Collector:
    """Runs one check, keeping its warnings and turning an error into a problem."""

    def __init__(self, result: CheckResult):
        self.result = result
        #: whether the last call was clean: no problem, no warning
        self.clean = True

    def __call__(self, func, *args, **kwargs):
        self.clean = True
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                value = func(*args, **kwargs)
            except AltenaError as exc:
                self.result.problems.append(str(exc))
                self.clean = False
                value = None
        for w in caught:
            if issubclass(w.category, (DeprecationWarning, FutureWarning, ResourceWarning)):
                continue
            self.clean = False
            msg = " ".join(str(w.message).split())
            if msg not in self.result.warnings:
                self.result.warnings.append(msg)
        return value


class _Marks:
    """Clean checks remembered in the study cache: an unchanged file that was clean is not read again.

    A mark records only that an input (its bytes, how it is read, this
    version of altena-qca) gave no problem and no warning, and for the
    codings their number: no message and no text, so nothing from an
    unpseudonymised file reaches the cache. Inputs with a warning or a
    problem are checked every time.
    """

    def __init__(self, folder: Path, speakers, topics: Path | None = None):
        import json

        from .store.cache import code_fingerprint, open_study_cache
        self.cache = open_study_cache(folder)
        own_topics = topics.read_text(encoding="utf-8", errors="replace") if topics is not None else None
        self.base = json.dumps([code_fingerprint(), sorted((speakers or {}).items()), own_topics])
        self.held = self.cache.clean_marks() if self.cache is not None else {}
        self.new: dict[str, tuple[str, int]] = {}

    def key(self, *parts) -> str:
        from .store.cache import _digest
        return _digest(self.base, *parts)

    def file_key(self, kind: str, doc_id: str, respondent, path: Path) -> str:
        check_input_file(path)  # a named pipe would block read_bytes (E109, reported by the reader below)
        return self.key("document", kind, doc_id, respondent or "", str(path), path.read_bytes())

    def get(self, name: str, key: str) -> int | None:
        held = self.held.get(name)
        return held[1] if held is not None and held[0] == key else None

    def put(self, name: str, key: str, value: int = 0) -> None:
        if self.get(name, key) != value:
            self.new[name] = (key, value)

    def save(self) -> None:
        if self.cache is not None:
            if self.new:
                self.cache.mark_clean(self.new)
            self.cache.close()


def check_study(folder: str | Path, codebook: str | Path | None = None, *, fit_rules: bool = True,
                cache: bool = True, names: bool = True) -> CheckResult:
    """Every problem and warning of a study folder, found without running anything.

    Parameters
    ----------
    folder
        The study folder (``docs/study-format.md``).
    codebook
        A codebook to use instead of ``<folder>/codebook.yaml`` (else the
        thesis codebook).
    fit_rules
        Also fit the rule coder once (a few seconds; ``run`` skips it, as its
        auto-coding stage fits the coder anyway).
    cache
        Remember, in the study cache (:mod:`altena_qca.store.cache`), which
        transcripts and which ``codings.csv`` were checked without a problem
        or a warning, and do not read them again while they, the codebook and
        altena-qca are unchanged (``run`` then reads each transcript once, in
        :func:`~altena_qca.study.load_study`). Anything else is checked every
        time; the result is the same either way (tested).
    names
        Warn, as loading the study does, about personal data in document
        ids (a transcript named ``R01_Jan_Jansen.txt``: W501) and in the
        labels of ``respondents.csv`` (W502). ``run`` skips it: its own load
        of the study warns.

    Returns
    -------
    CheckResult
    """
    from .codebook import (
        DEFAULT_CODEBOOK,
        load_codebook,
        read_codebook_file,
        validate_codebook,
    )
    from .ingest.corpus import (
        _transcript_files,
        load_codings,
        read_respondents,
        read_transcript,
    )
    from .ingest.segment import load_topic_list, study_topics
    from .model import Corpus
    from .rule_check import rule_problems
    from .study import load_config

    folder = Path(folder)
    result = CheckResult(folder)
    run = _Collector(result)
    if not folder.is_dir():
        result.problems.append(Errors.E134.format(path=folder, reason="folder not found"))
        return result
    config = run(load_config, folder)

    # respondents.csv: every row
    respondents = run(read_respondents, folder / "respondents.csv", result.problems) or {}
    result.counts["respondents"] = len(respondents)

    # transcripts and observations: names first, then every file
    resp_path, tdir = folder / "respondents.csv", folder / "transcripts"
    if not tdir.is_dir():
        result.problems.append(Errors.E134.format(path=tdir, reason="no transcripts/ folder; put one "
                                                  "<respondent id>.docx or .txt per interview there"))
    files = _transcript_files(tdir)
    by_id: dict[str, Path] = {}
    for f in files:
        if f.stem in by_id:
            result.problems.append(Errors.E112.format(
                path=f, line=1, value=f.stem, column="file name",
                reason=f"two transcripts for one respondent ({by_id[f.stem].name})"))
            continue
        by_id[f.stem] = f
        if respondents and f.stem not in respondents:
            result.problems.append(Errors.E114.format(doc=f.name, path=resp_path))
    for rid in respondents:
        if rid not in by_id:
            result.problems.append(Errors.E113.format(id=rid, path=resp_path, folder=tdir))
    speakers = config.speaker_roles if config is not None else None
    topics = study_topics(folder)  # the study's own topic list, when it has one: parsed once
    topic_list = run(load_topic_list, topics) if topics is not None else None
    if topic_list is None:
        topics = None  # none, or its problem is listed: the transcripts are read with the thesis's
    observations = _transcript_files(folder / "observations")
    tasks = [(f, rid, "interview", rid if rid in respondents else None) for rid, f in sorted(by_id.items())]
    tasks += [(f, f.stem, "observation", None) for f in observations]
    renaming = None  # the load's renaming of ids that hold personal data, worked out at most once
    if names and respondents and not result.problems:  # a respondents.csv problem is listed once
        renaming = _personal_data_in_names(folder, tasks, config, run)
    cb_path = Path(codebook) if codebook is not None else (
        folder / "codebook.yaml" if (folder / "codebook.yaml").exists() else DEFAULT_CODEBOOK)
    path = folder / "codings.csv"
    marks = _Marks(folder, speakers, topics) if cache and not result.problems else None
    keys: dict[str, str] = {}
    codings_key, clean_codings = "", None
    if marks is not None:
        try:
            keys = {f"{kind}:{doc_id}": marks.file_key(kind, doc_id, respondent, f)
                    for f, doc_id, kind, respondent in tasks}
            if path.is_file() and Path(cb_path).is_file():  # never read a named pipe: it would block
                codings_key = marks.key("codings", path.read_bytes(), Path(cb_path).read_bytes(),
                                        (folder / "respondents.csv").read_bytes(), sorted(keys.items()))
                clean_codings = marks.get("codings", codings_key)
        except (OSError, InputError):  # an unreadable file or no file: checked below, as without marks
            marks, keys = None, {}
    # texts are needed only to check codings that are not known to be clean
    need_texts = path.is_file() and clean_codings is None
    corpus = Corpus(respondents=respondents)
    unreadable: set[str] = set()
    for f, doc_id, kind, respondent in tasks:
        name = f"{kind}:{doc_id}"
        if marks is not None and not need_texts and marks.get(name, keys[name]) is not None:
            continue  # unchanged and clean when last checked
        doc = run(read_transcript, f, doc_id, kind=kind, respondent=respondent, speakers=speakers or None,
                  topics=topic_list)
        if doc is not None:
            corpus.documents[doc.id] = doc
            if marks is not None and run.clean:
                marks.put(name, keys[name])
        else:
            unreadable.add(doc_id)
    result.counts["transcripts"], result.counts["observations"] = len(by_id), len(observations)

    # the codebook: every problem, rules compiled
    data = run(read_codebook_file, cb_path)
    cb = None
    if data is not None:
        problems = validate_codebook(data, cb_path)
        result.problems += problems
        if not problems:
            cb = run(load_codebook, cb_path)
            errors, rule_warnings = rule_problems(cb, fit=fit_rules)
            result.problems += errors
            result.warnings += rule_warnings
    result.counts["codes"] = len(cb) if cb is not None else 0

    # the study's own actors, and organisations the gazetteer does not know
    _check_actors(folder, corpus, result, run, config)

    # codings: every row, on the text as typed
    n, unread = 0, False
    if path.is_file() and cb is not None and clean_codings is not None:
        n = clean_codings  # unchanged, and so are the transcripts and the codebook: clean when last checked
    elif path.exists() and cb is not None:  # a folder or a pipe named codings.csv: E109, not 'no codings'
        _ids_as_loaded(folder, corpus, config, path, renaming)
        found: list[str] = []
        codings = run(load_codings, path, corpus, cb, found)
        n = len(codings) if codings is not None else 0
        unread = codings is None  # its problem is listed; 'no codings' would contradict it
        # codings of a transcript that could not be read follow from that problem
        result.problems += [p for p in found if not any(f"unknown document '{d}'" in p for d in unreadable)]
        if marks is not None and codings_key and run.clean and not found and not result.problems:
            marks.put("codings", codings_key, n)
    if marks is not None:
        marks.save()
    store = folder / "study.sqlite"  # the workbench's coding store, read by load_study when present
    if store.is_file():  # its codings lie on the pseudonymised text: counted here, checked by load_study
        n = max(n, run(_count_store_codings, store) or 0)
    if n == 0 and not (path.exists() and (cb is None or unread)):
        result.warnings.append(Warnings.W112.format(path=path))
    result.counts["codings"] = n
    return result


def _personal_data_in_names(folder: Path, tasks, config, run):
    """W501 and W502, as ``load_study`` gives them: personal data in file names and respondents' labels.

    The outputs never show such a name (the load renames the document), but
    the researcher should know before running, and rename the file. Returns
    the pseudonymiser whose ``ids_`` hold that renaming (``None`` when the
    respondents could not be read), for :func:`_ids_as_loaded`.
    """
    from .ingest.corpus import _neutral_ids, _respondents_and_pseudonymiser

    protected = config.protected_terms() if config is not None else ()
    loaded = run(_respondents_and_pseudonymiser, folder, True, protected)
    if loaded is None:
        return None
    respondents, pseudonymiser = loaded
    done = run(_neutral_ids, [(Path(), doc_id, kind, respondent) for _, doc_id, kind, respondent in tasks],
               respondents, pseudonymiser)
    return pseudonymiser if done is not None else None


def _ids_as_loaded(folder: Path, corpus, config, codings_path: Path, renaming=None) -> None:
    """Give the documents the ids ``load_study`` gives them, when ``codings.csv`` uses those.

    A file name that holds a person's name gives its document a neutral id
    on load (W501: ``R01_Jan_Jansen`` -> ``R01_PERSOON-1``); codings written
    by ``code``, ``review import`` or the workbench use that id. Only when
    ``codings.csv`` names a document that is not a file id are the ids worked
    out (the de-identifier's annotations of a file name are cached), so a
    plain study is checked without it; ``renaming``, the pseudonymiser that
    :func:`_personal_data_in_names` fitted on every file, is used when given.
    The load reports W501 itself.
    """
    import dataclasses

    from .ingest.corpus import _neutral_ids, _respondents_and_pseudonymiser, read_codings_table

    try:
        documents = set(read_codings_table(codings_path)["document"])
    except AltenaError:
        return  # load_codings reports it
    if documents <= set(corpus.documents):
        return
    pseudonymiser = renaming
    if pseudonymiser is None:
        protected = config.protected_terms() if config is not None else ()
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                respondents, pseudonymiser = _respondents_and_pseudonymiser(folder, True, protected)
                tasks = [(Path(), d.id, d.kind, d.respondent) for d in corpus.documents.values()]
                _neutral_ids(tasks, respondents, pseudonymiser)
        except AltenaError:
            return  # the respondents' problems are listed already
    renamed = pseudonymiser.ids_
    if not renamed:
        return
    for old in [d for d in corpus.documents if d in renamed]:
        doc = corpus.documents.pop(old)
        new = renamed[old]
        respondent = renamed.get(doc.respondent, doc.respondent) if doc.respondent else None
        corpus.documents[new] = dataclasses.replace(
            doc, id=new, respondent=respondent,
            segments=[dataclasses.replace(s, document=new) for s in doc.segments])
    corpus.respondents = {renamed.get(rid, rid): dataclasses.replace(r, id=renamed.get(rid, rid))
                          for rid, r in corpus.respondents.items()}
    corpus.pseudonymiser = pseudonymiser  # its ids_ move codings on old ids; it has no offsets: texts as typed


def _count_store_codings(path: Path) -> int:
    import contextlib
    import sqlite3

    from .store._sqlite import connect
    try:
        with contextlib.closing(connect(path, readonly=True)) as conn:
            return int(conn.execute("SELECT count(*) FROM codings").fetchone()[0])
    except sqlite3.Error as exc:
        raise InputError(Errors.E109.format(path=path, reason=f"not a coding store: {exc}")) from None


def _check_actors(folder: Path, corpus, result: CheckResult, run, config) -> None:
    from .network.actors import (
        DEFAULT_ACTORS,
        load_gazetteer,
        study_gazetteer,
        unresolved_organisations,
        validate_study_actors,
    )

    base = run(load_gazetteer, DEFAULT_ACTORS)
    if base is None:
        return
    local = folder / "actors.yaml"
    if local.exists():
        problems = validate_study_actors(local, base)
        result.problems += problems
        if problems:
            return
    gazetteer = run(study_gazetteer, folder, municipality=config.municipality if config is not None else "",
                    thesis=config.thesis if config is not None else True)
    if gazetteer is None:
        return
    for org, rids in unresolved_organisations(corpus, gazetteer).items():
        result.warnings.append(Warnings.W111.format(path=folder / "respondents.csv", name=org,
                                                    where="organisation of " + ", ".join(rids)))
