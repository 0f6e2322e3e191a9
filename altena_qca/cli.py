"""The ``altena-qca`` command: a thin layer over the library.

Each command parses its options and calls one library function; errors from
bad input (:class:`~altena_qca.errors.AltenaError`) are printed on one line and
exit with code 2. Heavy libraries are imported inside the commands so that
``--help`` is instant.
"""
from __future__ import annotations

import errno
import functools
import os
import re
import sys
import warnings
from pathlib import Path

import click

DEFAULT_OUT = "out"


def _find_study(value, *, default: bool = True) -> Path:
    """The study folder: ``--data``, else study.yaml here or above, else (``default``) the bundled study."""
    from .errors import AltenaError
    from .study import DEFAULT_DATA, find_study  # imports pandas: only when a command runs, not for --help
    try:
        return find_study(value, default=DEFAULT_DATA if default else None)
    except AltenaError as exc:
        raise click.BadParameter(str(exc), param_hint="--data") from None


def _data_option(f):
    return click.option("--data", "data_dir", type=click.Path(path_type=Path), default=None,
                        callback=lambda ctx, param, value: _find_study(value),
                        help="Study folder [default: the folder with study.yaml here or above, "
                             "else the bundled thesis study].")(f)


def _pseudo_option(f):
    return click.option("--pseudonymise/--no-pseudonymise", default=True, show_default=True,
                        help="Replace names, places and numbers on ingest.")(f)


def handle_errors(f):
    """Turn library errors into one-line messages and exit code 2."""
    @functools.wraps(f)
    def wrapper(*args, **kwargs):
        from .errors import AltenaError
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                result = f(*args, **kwargs)
            except AltenaError as exc:
                _flush(caught)
                click.echo(f"error: {exc}", err=True)
                sys.exit(2)
            except OSError as exc:  # disk full, read-only folder, a folder where a file was expected, ...
                _flush(caught)
                click.echo(f"error: {os_error_message(exc)}", err=True)
                sys.exit(2)
            except RecursionError:
                from .errors import Errors
                _flush(caught)
                click.echo(f"error: {Errors.E151.format(path='(input)', reason='nested too deeply to read')}",
                           err=True)
                sys.exit(2)
        _flush(caught)
        return result
    return wrapper


_OS_REASONS = {
    errno.ENOSPC: "no space left on device (disk full); nothing was put in place: an earlier output is unchanged",
    errno.EDQUOT: "disk quota exceeded; nothing was put in place: an earlier output is unchanged",
    errno.EACCES: "permission denied; choose a folder you may write to (or read a file you may read)",
    errno.EPERM: "operation not permitted; choose a folder you may write to",
    errno.EROFS: "read-only file system; choose a folder on a writable disk",
    errno.ENOTDIR: "a part of this path is a file, not a folder",
    errno.EISDIR: "is a folder, not a file",
    errno.ENAMETOOLONG: "file name too long",
}
_STAGING = re.compile(r"^\.(.+)\.(?:staging|old)-\d+-[^/]+$")


def os_error_message(exc: OSError) -> str:
    """One numbered line (E151) for an operating-system error: which path, and what to do.

    A path inside a run's hidden staging folder is named by the output folder
    it was going to become (``out/tables/x.csv``, not ``.out.staging-123-ab/tables/x.csv``).

    >>> import errno
    >>> os_error_message(OSError(errno.ENOSPC, "No space left on device", "r/.out.staging-7-xy/a.csv"))
    '[E151] r/out/a.csv: no space left on device (disk full); nothing was put in place: an earlier output is unchanged'
    """
    from .errors import Errors

    where = exc.filename if exc.filename is not None else "(output)"
    path = Path(os.fsdecode(where))
    parts = [_STAGING.sub(r"\1", part) for part in path.parts]
    shown = str(Path(*parts)) if parts else str(where)
    reason = _OS_REASONS.get(exc.errno or -1, exc.strerror or type(exc).__name__)
    if exc.errno == errno.EEXIST and path.is_file():
        reason = "is a file, not a folder"
    return Errors.E151.format(path=shown, reason=reason)


def _flush(caught) -> None:
    seen = set()
    for w in caught:
        msg = str(w.message)
        if msg not in seen and not issubclass(w.category, (DeprecationWarning, FutureWarning)):
            seen.add(msg)
            click.echo(f"warning: {msg}", err=True)


def _study_command(parent, name: str | None = None, *, table: bool = False, pseudonymise: bool = True):
    """Make a command of ``parent`` that works on a study: ``--data``, with ``table`` ``--out`` (a CSV,
    default standard output), the command's own options (the decorators below this one), with
    ``pseudonymise`` ``--pseudonymise/--no-pseudonymise``, and library errors as one line with exit code 2."""
    def decorate(f):
        f = handle_errors(f)
        if pseudonymise:
            f = _pseudo_option(f)
        if table:
            f = _table_out_option(f)
        command = parent.command(name)(_data_option(f))
        command.params.sort(key=lambda param: param.name == "pseudonymise")  # stable: it goes last, in --help too
        return command
    return decorate


def _table_out_option(f):
    return click.option("--out", "out_path", type=click.Path(path_type=Path), default=None,
                        help="Write the table here (CSV); default: CSV on standard output.")(f)


def _load(data_dir, pseudonymise, codebook=None, engine=None):
    from .study import load_study
    return load_study(data_dir, codebook, pseudonymise=pseudonymise, engine=engine)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="altena-qca")
def cli():
    """Qualitative content analysis of interview studies, end to end (the Altena thesis bundled).

    Your own study: altena-qca init my-study --title "..." --municipality NAME;
    altena-qca check --data my-study; altena-qca run --data my-study --out out
    """


def _engine_options(f):
    f = click.option("--scheduler", default=None, metavar="ADDRESS",
                     help="Dask scheduler address for --engine dask (default: a local cluster on this "
                          "machine).")(f)
    return click.option("--engine", type=click.Choice(["local", "dask"]), default="local", show_default=True,
                        help="Run the per-document work (ingest, pseudonymisation, auto-coding) here, or on "
                             "a Dask cluster (needs: pip install altena-qca[dask]).")(f)


def _check_engine(engine: str, scheduler: str | None) -> None:
    if scheduler and engine != "dask":
        raise click.UsageError("--scheduler needs --engine dask")


def _runner(engine: str, scheduler: str | None):
    """The engine of --engine/--scheduler as a context manager; None for local (the library's default)."""
    import contextlib

    _check_engine(engine, scheduler)
    if engine == "local":
        return contextlib.nullcontext(None)
    from .engine import get_engine
    return get_engine(engine, scheduler)


@_study_command(cli)
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default=DEFAULT_OUT, show_default=True,
              help="Output folder.")
@click.option("--codebook", type=click.Path(path_type=Path), default=None, help="Codebook YAML.")
@click.option("--codings", "codings_source", type=click.Choice(["manual", "suggested"]), default="manual",
              show_default=True,
              help="Analyse the study's manual codings, or the auto-coder's unreviewed suggestions "
                   "(every output then says 'automatisch gecodeerd, niet beoordeeld').")
@_engine_options
def run(data_dir, out_dir, codebook, codings_source, pseudonymise, engine, scheduler):
    """Check a study, then ingest, analyse and write every table, figure and the report.

    Every input is checked first (as 'altena-qca check' does); when there is a
    problem, each is listed and nothing is written.

    Example: altena-qca run --data my-study --out out
    """
    from .pipeline import check_then_load
    from .pipeline import run as run_pipeline

    _check_engine(engine, scheduler)
    # The check runs beside the loading on a second core; a problem it finds stops the run, nothing written.
    checked, study = check_then_load(data_dir, codebook, pseudonymise=pseudonymise, engine=engine,
                                     scheduler=scheduler, out=out_dir, codings=codings_source)
    if study is None:
        for message in checked.warnings:
            click.echo(f"warning: {message}", err=True)
        click.echo(f"{len(checked.problems)} problem(s) in {data_dir}; nothing was written:", err=True)
        for message in checked.problems:
            click.echo(f"error: {message}", err=True)
        sys.exit(2)
    # The loaded study, lookup tables and modules live until the process ends: leave them out of every
    # later garbage collection (0.5-1 s CPU less in the stages; fewer pages copied in a forked stage).
    import gc
    gc.freeze()
    files = run_pipeline(study, out_dir, log=lambda m: click.echo(m, err=True))
    click.echo(f"wrote {len(files)} files to {Path(out_dir).resolve()}")
    for f in files:
        click.echo(f"  {f}")


@cli.command()
@click.argument("folder", type=click.Path(path_type=Path))
@click.option("--title", required=True, help="Title of the study (report title page).")
@click.option("--municipality", required=True, help="The municipality studied, e.g. 'Heusden'.")
@click.option("--commissioner", default=None,
              help="Who commissioned the study [default: 'gemeente <municipality>'].")
@click.option("--period", default="", help="When the interviews were held, e.g. '2024' or 'voorjaar 2024'.")
@handle_errors
def init(folder, title, municipality, commissioner, period):
    """Make a new study folder: study.yaml, respondents.csv, transcripts/, its own codebook.

    Example: altena-qca init mijn-studie --title "Zorgnetwerk Heusden" --municipality Heusden
    """
    from .init import init_study

    files = init_study(folder, title=title, municipality=municipality, commissioner=commissioner,
                       period=period)
    click.echo(f"made the study {folder}:")
    for f in files:
        click.echo(f"  {f}")
    click.echo(f"next: fill in {folder / 'respondents.csv'}, put one <id>.docx or .txt per interview in "
               f"{folder / 'transcripts'}, then: altena-qca check --data {folder}")


@_study_command(cli, pseudonymise=False)
@click.option("--codebook", type=click.Path(path_type=Path), default=None, help="Codebook YAML.")
def check(data_dir, codebook):
    """List every problem of a study folder at once, before anything runs.

    Checks study.yaml, respondents.csv, every transcript and observation, the
    codebook (rules compiled), the study's actors.yaml and codings.csv. Exit
    code 2 when there is a problem, 0 when the study can run (warnings or not).

    Example: altena-qca check --data my-study
    """
    from .check import check_study

    result = check_study(data_dir, codebook)
    for message in result.problems:
        click.echo(f"error: {message}", err=True)
    for message in result.warnings:
        click.echo(f"warning: {message}", err=True)
    click.echo(result.summary())
    if not result.ok:
        sys.exit(2)


@_study_command(cli)
@click.option("--out", "out_path", type=click.Path(path_type=Path), default=None,
              help="Write the segments table here (CSV); default: print a summary.")
def ingest(data_dir, out_path, pseudonymise):
    """Read and segment the transcripts of a study; report what was found.

    Example: altena-qca ingest --data my_study --out segments.csv
    """
    from .ingest import load_corpus
    from .study import load_config
    config = load_config(data_dir)
    corpus = load_corpus(data_dir, pseudonymise=pseudonymise, speakers=config.speaker_roles or None,
                         protected=config.protected_terms())
    seg = corpus.segments_frame()
    if out_path:
        from ._io import write_csv
        write_csv(seg, out_path)
        click.echo(f"wrote {len(seg)} segments to {out_path}")
    for doc in corpus:
        parts = sorted({s.part for s in doc.segments})
        enc = doc.meta.get("encoding", "docx")
        click.echo(f"{doc.id}\t{doc.kind}\t{len(doc.segments)} segments\tparts {parts}\t{enc}")


@cli.group()
def codebook():
    """Check and edit a codebook."""


@codebook.command("validate")
@click.argument("path", type=click.Path(path_type=Path), required=False)
@handle_errors
def codebook_validate(path):
    """Report every problem in a codebook, and compile every rule.

    Duplicates, unknown parents, cycles, invalid rules, spaCy patterns that do
    not compile (errors, exit code 2); rules that can never match, such as an
    upper-case LEMMA (warnings). Without PATH: the codebook of the study found
    here or above (study.yaml), else the thesis codebook.

    Example: altena-qca codebook validate my_study/codebook.yaml
    """
    from .codebook import DEFAULT_CODEBOOK, load_codebook, read_codebook_file, validate_codebook
    from .rule_check import rule_problems

    if path is None:
        study = _find_study(None)
        path = study / "codebook.yaml" if (study / "codebook.yaml").is_file() else DEFAULT_CODEBOOK
    problems = validate_codebook(read_codebook_file(path), path)
    warns: list[str] = []
    if not problems:
        problems, warns = rule_problems(load_codebook(path))
    for p in problems:
        click.echo(p, err=True)
    for w in warns:
        click.echo(f"warning: {w}", err=True)
    if problems:
        sys.exit(2)
    n = len(read_codebook_file(path)["codes"])
    click.echo(f"{path}: {n} codes, no problems; every rule compiles; {len(warns)} warning(s)")


# ---------------------------------------------------------------- codebook edits (issue 8)

def _edit_options(f):
    f = click.option("--in-place", "in_place", is_flag=True,
                     help="Allow editing the bundled thesis study inside the installed package.")(f)
    f = click.option("--codebook", "codebook_path", type=click.Path(path_type=Path), default=None,
                     help="Codebook YAML; default: <data>/codebook.yaml (made from the thesis codebook "
                          "when the study has none).")(f)
    return click.option("--data", "data_dir", type=click.Path(path_type=Path), default=None,
                        callback=lambda ctx, param, value: _find_study(value, default=False),
                        help="Study folder [default: the folder with study.yaml here or above].")(f)


def _run_edit(edit, *args, data_dir, codebook_path, in_place=False, **params) -> None:
    from .codebook_edit import edit_study_codebook
    result = edit_study_codebook(edit, *args, data_dir=data_dir, codebook=codebook_path, in_place=in_place,
                                 **params)
    click.echo(result.summary())


@codebook.command("rename")
@click.argument("old")
@click.argument("new")
@_edit_options
@handle_errors
def codebook_rename(old, new, data_dir, codebook_path, in_place):
    """Rename a code, the codes below it, and every coding and reference to them.

    Rewrites the codebook (keeping its comments) and the study's codings.csv
    in one atomic step: both files change, or neither does.

    Example: altena-qca codebook rename effects.trust effects.vertrouwen --data my-study
    """
    _run_edit("rename", old, new, data_dir=data_dir, codebook_path=codebook_path, in_place=in_place)


@codebook.command("merge")
@click.argument("sources", nargs=-1, required=True)
@click.argument("target")
@_edit_options
@handle_errors
def codebook_merge(sources, target, data_dir, codebook_path, in_place):
    """Merge one or more codes into TARGET; their codings and references move to it.

    Codes below a source move below TARGET. Both files change in one atomic step.

    Example: altena-qca codebook merge network.say.unequal network.relations.hierarchical
    """
    _run_edit("merge", list(sources), target, data_dir=data_dir, codebook_path=codebook_path, in_place=in_place)


@codebook.command("move")
@click.argument("code")
@click.argument("new_parent", required=False)
@click.option("--root", is_flag=True, help="Make CODE a top-level code.")
@click.option("--keep-id", is_flag=True, help="Keep the id even if it follows the old parent's.")
@_edit_options
@handle_errors
def codebook_move(code, new_parent, root, keep_id, data_dir, codebook_path, in_place):
    """Put CODE (and the codes below it) under NEW_PARENT, renaming it after the new parent.

    Example: altena-qca codebook move network.islands boundaries
    """
    if bool(new_parent) == root:
        raise click.UsageError("give NEW_PARENT or --root (not both)")
    _run_edit("move", code, None if root else new_parent, rename=not keep_id,
              data_dir=data_dir, codebook_path=codebook_path, in_place=in_place)


@codebook.command("delete")
@click.argument("code")
@click.option("--force", is_flag=True,
              help="Also delete the codes below it; keep their codings under the '_orphaned' code.")
@_edit_options
@handle_errors
def codebook_delete(code, force, data_dir, codebook_path, in_place):
    """Delete a code; refused while it has codings or codes below it, unless --force.

    Example: altena-qca codebook delete intro.wams_known --force
    """
    _run_edit("delete", code, force=force, data_dir=data_dir, codebook_path=codebook_path, in_place=in_place)


# ---------------------------------------------------------------- analysis (issue 3)

def _emit_table(df, out_path) -> None:
    """Write a table as CSV to ``out_path``, or to standard output."""
    if out_path:
        from ._io import write_csv
        write_csv(df, out_path)
        click.echo(f"wrote {len(df)} rows to {out_path}", err=True)
    else:
        from ._cells import neutralise_frame
        click.echo(neutralise_frame(df).to_csv(index=False, float_format="%.4f", lineterminator="\n"), nl=False)


@_study_command(cli, table=True)
def groups(data_dir, out_path, pseudonymise):
    """Place each respondent in one of the four problem groups (thesis 4.2.2).

    Example: altena-qca groups --out groups.csv
    """
    from .analysis.typology import assign_groups
    s = _load(data_dir, pseudonymise)
    _emit_table(assign_groups(s.corpus, s.codebook, s.codings), out_path)


@_study_command(cli, table=True)
@click.option("--when", type=click.Choice(["today", "wams"]), default="today", show_default=True,
              help="Effects today (4.2.3) or expected under the Wams (4.3.1).")
@click.option("--evidence", is_flag=True, help="List the coded segments behind each cell instead.")
def effects(data_dir, out_path, when, evidence, pseudonymise):
    """Count respondents per group reporting each effect (trust, relations, ...).

    Example: altena-qca effects --when wams --out effects_wams.csv
    """
    from .analysis.effects import effect_evidence, effects_matrix
    s = _load(data_dir, pseudonymise)
    fn = effect_evidence if evidence else effects_matrix
    _emit_table(fn(s.corpus, s.codebook, s.codings, when=when), out_path)


@_study_command(cli, table=True)
@click.option("--by", type=click.Choice(["respondent", "document", "group", "side"]), default="respondent",
              show_default=True, help="Columns of the code-document table.")
@click.option("--values", type=click.Choice(["count", "row", "column"]), default="count", show_default=True,
              help="Absolute counts, or shares of the row or of the column total.")
@click.option("--descendants", is_flag=True, help="Count codings also for every code above them.")
def frequencies(data_dir, out_path, by, values, descendants, pseudonymise):
    """The code-document table: codes × respondents, groups or sides.

    Example: altena-qca frequencies --by side --values column --out code_side.csv
    """
    from .analysis.frequencies import code_document_table
    s = _load(data_dir, pseudonymise)
    _emit_table(code_document_table(s.corpus, s.codebook, s.codings, by=by, values=values,
                                    include_descendants=descendants), out_path)


@_study_command(cli, table=True)
@click.option("--level", type=click.Choice(["segment", "document"]), default="segment", show_default=True,
              help="Overlapping spans, or the same document.")
@click.option("--group", "group_ids", type=int, multiple=True, help="Only respondents of this group (repeatable).")
@click.option("--side", type=click.Choice(["intern", "extern"]), default=None, help="Only this side.")
@click.option("--part", "parts", type=click.IntRange(0, 4), multiple=True,
              help="Only codings in this interview part, 1-4 or 0 for unknown (repeatable).")
def cooccurrence(data_dir, out_path, level, group_ids, side, parts, pseudonymise):
    """Code × code co-occurrence with the c-coefficient.

    Example: altena-qca cooccurrence --level document --group 1 --out cooc_group1.csv
    """
    from .analysis.cooccurrence import cooccurrence_table
    s = _load(data_dir, pseudonymise)
    _emit_table(cooccurrence_table(s.corpus, s.codebook, s.codings, level=level, group=group_ids or None,
                                   side=side, part=parts or None), out_path)


@_study_command(cli)
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default=Path(DEFAULT_OUT) / "network",
              show_default=True, help="Output folder for the network tables and graph files.")
@click.option("--actors", "actors_path", type=click.Path(path_type=Path), default=None,
              help="Actor gazetteer YAML (default: <data>/actors.yaml, else the bundled actors.yaml).")
def network(data_dir, out_dir, actors_path, pseudonymise):
    """The partner network, its measures, the Rhodes reading and DNA graphs (thesis 4.1).

    Writes network_*.csv tables and GraphML/GEXF files (open them in Gephi).

    Example: altena-qca network --out out/network
    """
    from .network.outputs import write_network

    files = write_network(_load(data_dir, pseudonymise), out_dir, actors_path)
    click.echo(f"wrote {len(files)} files to {Path(out_dir).resolve()}")


@_study_command(cli, "export-qdpx")
@click.option("--out", "out_path", type=click.Path(path_type=Path), required=True, help=".qdpx file to write.")
def export_qdpx_command(data_dir, out_path, pseudonymise):
    """Export a study as a REFI-QDA project (.qdpx) for ATLAS.ti, NVivo, MAXQDA, QualCoder.

    Example: altena-qca export-qdpx --out altena.qdpx
    """
    from .pipeline import export_groups
    from .refi import export_qdpx

    study = _load(data_dir, pseudonymise)
    path = export_qdpx(study, out_path, groups=export_groups(study))
    click.echo(f"wrote {path}")


@cli.command("import-qdpx")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--out", "out_dir", type=click.Path(path_type=Path), required=True,
              help="New or empty folder for the study (then: altena-qca run --data FOLDER).")
@handle_errors
def import_qdpx_command(path, out_dir):
    """Import a REFI-QDA project (.qdpx) from another tool as a study folder.

    Prints what deviates from the standard or could not be mapped (also in FOLDER/IMPORT.txt).

    Example: altena-qca import-qdpx project.qdpx --out data/imported
    """
    from .refi import import_qdpx_to_folder

    project = import_qdpx_to_folder(path, out_dir)
    for message in project.warnings:
        click.echo(f"warning: {message}", err=True)
    c = project.counts
    click.echo(f"imported {c['codes']} codes, {c['sources']} sources, {c['selections']} selections, "
               f"{c['codings']} codings into {out_dir}")


@cli.command("export-qdc")
@click.option("--codebook", "codebook_path", type=click.Path(path_type=Path), default=None,
              help="Codebook YAML (default: the thesis codebook).")
@click.option("--out", "out_path", type=click.Path(path_type=Path), required=True, help=".qdc file to write.")
@handle_errors
def export_qdc_command(codebook_path, out_path):
    """Export a codebook as a REFI-QDA codebook (.qdc).

    Example: altena-qca export-qdc --out altena.qdc
    """
    from .codebook import DEFAULT_CODEBOOK, load_codebook
    from .refi import export_qdc

    click.echo(f"wrote {export_qdc(load_codebook(codebook_path or DEFAULT_CODEBOOK), out_path)}")


# ---------------------------------------------------------------- report (issue 7)

@_study_command(cli)
@click.option("--out", "out_path", type=click.Path(path_type=Path), default=Path(DEFAULT_OUT) / "report.docx",
              show_default=True, help="Word report to write.")
@click.option("--figures", "figures_dir", type=click.Path(path_type=Path), default=None,
              help="Folder for the figures (PNG, SVG); default: figures/ beside the report.")
@click.option("--no-network", is_flag=True, help="Leave out the partner network (faster).")
def report(data_dir, out_path, figures_dir, no_network, pseudonymise):
    """Write the Dutch Word report for policymakers, with its figures.

    Example: altena-qca report --data my_study --out out/report.docx
    """
    from .report.make import make_report

    study = _load(data_dir, pseudonymise)
    files = make_report(study, out_path, figures_dir=figures_dir, network=not no_network)
    for f in (p for paths in files.values() for p in paths):
        click.echo(f"wrote {f}")


@_study_command(cli, table=True)
@click.option("--all", "show_all", is_flag=True, help="On the terminal, list every claim (default: only those "
              "not reproduced, then the summary).")
def claims(data_dir, out_path, show_all, pseudonymise):
    """Check every claim in the study's claims.yaml against what the data compute.

    Prints one line per claim that is not reproduced (with the reason) and the
    summary; --out writes the whole table as CSV.

    Example: altena-qca claims --out claims.csv
    """
    from .report.claims import STATUS_NL, check_claims, claims_summary
    s = _load(data_dir, pseudonymise)
    table = check_claims(s)
    if table.empty:
        click.echo("This study has no claims.yaml: nothing to check.")
        return
    if out_path:
        _emit_table(table, out_path)
    for row in table.itertuples(index=False):
        if show_all or row.status != "reproduced":
            where = f"§{row.section} r. {row.line}" if row.line else f"§{row.section}"
            click.echo(f"[{STATUS_NL[row.status]}] {row.id} ({where}): verwacht {row.expected}; berekend "
                       f"{row.computed or '-'}" + (f" — {row.reason}" if row.reason else ""))
    click.echo(claims_summary(table))


# ---------------------------------------------------------------- auto-coding (altena_qca.coding)
def _method_option(f):
    return click.option("--method", type=click.Choice(["combined", "rules", "model"]), default="combined",
                        show_default=True, help="Rule coder, learned suggester, or both.")(f)


@_study_command(cli)
@click.option("--input", "input_path", type=click.Path(path_type=Path), default=None,
              help="Code free passages instead: JSON lines, one object with 'id' and 'text' per line.")
@click.option("--out", "out_path", type=click.Path(path_type=Path), default=None,
              help="CSV to write (required with --input); default: CSV on standard output.")
@_method_option
@click.option("--min-rule-confidence", type=click.FloatRange(0, 1), default=None,
              help="Drop rule suggestions below this calibrated confidence "
                   "[default: 0.4 on the study, 0 for --input passages].")
@click.option("--codebook", "codebook_path", type=click.Path(path_type=Path), default=None, help="Codebook YAML.")
@_engine_options
def code(data_dir, input_path, out_path, method, min_rule_confidence, codebook_path, pseudonymise, engine,
         scheduler):
    """Suggest codes with the offline auto-coder, trained on the study's manual codings.

    Without --input: every respondent turn of the study, written as codings
    with origin 'auto', coder 'altena-qca', a confidence and the rule that
    fired. With --input: free passages, written as rows
    id, code_id, confidence, start, end, rule.

    Example: altena-qca code --input passages.jsonl --out suggestions.csv
    """
    if input_path is not None:
        _check_engine(engine, scheduler)
        from .coding import PASSAGE_MIN_RULE_CONFIDENCE, code_file
        from .coding.combine import read_passages
        if engine != "local":
            raise click.UsageError("--engine dask codes a study's documents, not --input passages")
        if out_path is None:
            raise click.UsageError("--out is required with --input")
        read_passages(input_path)  # a bad file is refused before the study is loaded
        mrc = PASSAGE_MIN_RULE_CONFIDENCE if min_rule_confidence is None else min_rule_confidence
        study = _load(data_dir, pseudonymise, codebook_path)
        rows = code_file(input_path, out_path, study, method=method, min_rule_confidence=mrc)
        click.echo(f"wrote {len(rows)} suggestions ({rows['id'].nunique()} passage(s) with at least one) "
                   f"to {out_path}", err=True)
        return
    from .coding import AutoCoder
    from .engine import suggest

    params = {} if min_rule_confidence is None else {"min_rule_confidence": min_rule_confidence}
    coder = AutoCoder(method=method, **params)
    # documents are read and coded by the engine; the coder is fitted here
    with _runner(engine, scheduler) as runner:
        study = _load(data_dir, pseudonymise, codebook_path, runner)
        table = suggest(study.corpus, study.codebook, study.codings, coder=coder, engine=runner)
    from .coding.review import to_typed_offsets  # the file's offsets are codings.csv's (as typed)
    _emit_table(to_typed_offsets(table, study.corpus), out_path)


@cli.group()
def review():
    """Review auto-coding suggestions: export them for a person, import the decisions."""


@_study_command(review, "export")
@click.option("--suggestions", "suggestions_path", type=click.Path(path_type=Path), required=True,
              help="Suggestions CSV written by 'altena-qca code' on the same study.")
@click.option("--out", "out_path", type=click.Path(path_type=Path), required=True, help="Review CSV to write.")
@click.option("--new-only", is_flag=True,
              help="Leave out suggestions that repeat an existing coding (same code, overlapping passage) "
                   "or were decided before (review_decisions.csv or the coding store).")
@click.option("--code", "codes", multiple=True, metavar="ID",
              help="Only suggestions of this code and its sub-codes (repeatable).")
def review_export(data_dir, suggestions_path, out_path, new_only, codes, pseudonymise):
    """Write suggestions with their passage and an empty 'decision' column (ja/nee, accept/reject).

    Example: altena-qca review export --suggestions suggestions.csv --new-only --out review.csv
    """
    from .coding import export_review
    from .coding.review import recorded_decisions

    study = _load(data_dir, pseudonymise)
    table = export_review(suggestions_path, study.corpus, out_path, codebook=study.codebook,
                          codings=study.codings, new_only=new_only, codes=codes,
                          decided=recorded_decisions(study) if new_only else None)
    click.echo(f"wrote {len(table)} suggestions to review to {out_path}")


@_study_command(review, "import")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--reviewer", required=True, help="Name recorded as the coder of the accepted codings.")
@click.option("--out", "out_path", type=click.Path(path_type=Path), default=None,
              help="Codings CSV to write: the study's codings plus the accepted suggestions.")
@click.option("--apply", "apply_", is_flag=True,
              help="Add the accepted codings to the study's own codings.csv (atomically) and record every "
                   "decision in review_decisions.csv.")
def review_import(path, data_dir, reviewer, out_path, apply_, pseudonymise):
    """Turn the accepted rows of a reviewed CSV into manual codings by the reviewer.

    Decisions: ja/nee, accepteren/afwijzen, accept/reject (empty = not yet reviewed).

    Example: altena-qca review import review.csv --reviewer student-a --apply
    """
    from .coding import apply_review, import_review

    if apply_ == (out_path is not None):
        raise click.UsageError("give either --apply (add to the study's codings.csv) or --out FILE")
    study = _load(data_dir, pseudonymise)
    if apply_:
        done = apply_review(path, study, reviewer=reviewer)
        click.echo(f"{done['accepted']} accepted, {done['rejected']} rejected: added {done['added']} codings to "
                   f"{done['codings']}; decisions recorded in {done['decisions']}")
        return
    merged = import_review(path, study.corpus, study.codebook, reviewer=reviewer, codings=study.codings,
                           out=out_path)
    click.echo(f"wrote {len(merged)} codings ({len(merged) - len(study.codings)} accepted) to {out_path}")


@_study_command(cli, table=True)
@click.option("--gold", "gold_path", type=click.Path(path_type=Path), default=None,
              help="Gold codings CSV over the study's documents, or JSON lines of passages with 'id', 'text' "
                   "and 'codes' or 'labels'; default: held-out respondents of the study.")
@_method_option
@click.option("--labels", is_flag=True, help="Score the concept labels of the bundled eval_labels.yaml, not codes.")
@click.option("--min-rule-confidence", type=click.FloatRange(0, 1), default=None,
              help="Held-out evaluation: drop rule suggestions below this confidence [default: the coder's 0.4].")
@click.option("--crossval", is_flag=True,
              help="Held-out evaluation over all respondents, each left out in turn, instead of the fixed split.")
@click.option("--grouped", is_flag=True,
              help="Template-grouped cross-validation: near-identical passages never on both sides of a split; "
                   "folds by template and by respondent, all turns and quotes alone.")
@click.option("--passages", "passages_path", type=click.Path(path_type=Path), default=None,
              help="Labelled JSON lines (one object per line with 'id', 'text', 'labels'): score the coder, "
                   "trained on the whole study, per concept label.")
def evaluate(data_dir, gold_path, method, labels, min_rule_confidence, crossval, grouped, passages_path, out_path,
             pseudonymise):
    """Precision, recall and F1 of the auto-coder per code (or label) and micro/macro, at segment level.

    Without --gold: keyword baseline, rules, model and combined, trained
    without and scored on the held-out respondents R05, R11, R12, R13.

    Example: altena-qca evaluate --passages evaluation/dev.jsonl
    """
    from .coding import crossval_report, evaluate_gold_file, evaluate_passages, grouped_report, holdout_report

    study = _load(data_dir, pseudonymise)
    if passages_path is not None:
        kwargs = {} if min_rule_confidence is None else {"min_rule_confidence": min_rule_confidence}
        table = evaluate_passages(passages_path, study, method=method, **kwargs)
    elif grouped:
        table = grouped_report(study, min_rule_confidence=min_rule_confidence)
    elif gold_path is not None:
        table = evaluate_gold_file(gold_path, study, method=method, labels=labels)
    else:
        table = (crossval_report if crossval else holdout_report)(study, min_rule_confidence=min_rule_confidence)
    _emit_table(table, out_path)


@_study_command(cli, table=True)
@click.option("--a", "a_path", type=click.Path(path_type=Path), default=None,
              help="Codings CSV of coder A (codings.csv format); default: the auto-coder.")
@click.option("--b", "b_path", type=click.Path(path_type=Path), default=None,
              help="Codings CSV of coder B; default: the study's manual codings.")
@click.option("--effects", "effects_only", is_flag=True, help="Only the effect stance codes.")
def agreement(data_dir, a_path, b_path, effects_only, out_path, pseudonymise):
    """Cohen's kappa and Krippendorff's alpha per code and overall, at segment level.

    Without --a: the study's manual codings against the auto-coder (each
    respondent coded by a coder trained without them), per effect code.

    Example: altena-qca agreement --a student_a.csv --b student_b.csv
    """
    from .coding import agreement_report

    study = _load(data_dir, pseudonymise)
    _emit_table(agreement_report(study, a_path, b_path, effects_only=effects_only), out_path)


@cli.group()
def codings():
    """The coding store (study.sqlite) and its plain-text form codings.csv."""


@_study_command(codings, "export")
@click.option("--out", "out_path", type=click.Path(path_type=Path), default=None,
              help="Output CSV (default: <data>/codings.csv).")
def codings_export(data_dir, out_path, pseudonymise):
    """Write the study's codings as codings.csv: sorted, deterministic, for version control.

    Example: altena-qca codings export --data my-study
    """
    from .store.codings import export_codings_csv

    path = export_codings_csv(_load(data_dir, pseudonymise), out_path)
    click.echo(f"wrote {path}")


@_study_command(cli, pseudonymise=False)
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to bind; anything but loopback needs --token.")
@click.option("--port", default=8765, show_default=True, type=int)
@click.option("--token", default=None, help="Access token (default: a random one, printed in the start URL).")
@click.option("--coder", default="researcher", show_default=True, help="Your name as coder.")
@click.option("--no-suggestions", is_flag=True, help="Do not fit the auto-coder for suggestions.")
def serve(data_dir, host, port, token, coder, no_suggestions):
    """Code in the browser: the coding workbench on this study.

    Example: altena-qca serve --data my-study --coder anna
    """
    from .workbench.server import serve as run_server

    run_server(data_dir, host=host, port=port, token=token, coder=coder, suggestions=not no_suggestions,
               log=lambda m: click.echo(m, err=True))


def main() -> None:  # console-script entry point
    try:
        cli(prog_name="altena-qca")
    except SystemExit as exc:  # click always ends this way
        _exit(exc.code)


def _exit(code) -> None:
    """End the process; skip tearing down deduce's lookup tables when they were loaded.

    Freeing their millions of small objects at interpreter shutdown takes longer
    than loading them (≈ 11 s after a 7.6 s load). Every output is written and
    closed by then (writes are atomic), so once deduce is in memory the process
    flushes its streams and ends directly.
    """
    deidentify = sys.modules.get("altena_qca.privacy.deidentify")
    if deidentify is None or getattr(deidentify, "_DEDUCE", None) is None:
        raise SystemExit(code)
    if code is None:
        code = 0
    elif not isinstance(code, int):  # a message, as SystemExit("...") would print it
        print(code, file=sys.stderr)
        code = 1
    import logging
    import os
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    main()
