"""The ``altena-qca`` command: a thin layer over the library.

Each command parses its options and calls one library function; errors from
bad input (:class:`~altena_qca.errors.AltenaError`) are printed on one line and
exit with code 2. Heavy libraries are imported inside the commands so that
``--help`` is instant.
"""
from __future__ import annotations

import functools
import sys
import warnings
from pathlib import Path

import click

DEFAULT_OUT = "out"


def _default_data() -> Path:
    from .study import DEFAULT_DATA  # imports pandas: only when a command runs, not for --help
    return DEFAULT_DATA


def _data_option(f):
    return click.option("--data", "data_dir", type=click.Path(path_type=Path), default=_default_data,
                        show_default="bundled data/altena", help="Study folder.")(f)


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
        _flush(caught)
        return result
    return wrapper


def _flush(caught) -> None:
    seen = set()
    for w in caught:
        msg = str(w.message)
        if msg not in seen and not issubclass(w.category, (DeprecationWarning, FutureWarning)):
            seen.add(msg)
            click.echo(f"warning: {msg}", err=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="altena-qca")
def cli():
    """Qualitative content analysis of the Altena study, end to end.

    Example: altena-qca run --out out
    """


@cli.command()
@_data_option
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default=DEFAULT_OUT, show_default=True,
              help="Output folder.")
@click.option("--codebook", type=click.Path(path_type=Path), default=None, help="Codebook YAML.")
@_pseudo_option
@click.option("--engine", type=click.Choice(["local", "dask"]), default="local", show_default=True,
              help="Run ingest and pseudonymisation here, or per document on a Dask cluster "
                   "(needs: pip install altena-qca[dask]).")
@click.option("--scheduler", default=None, metavar="ADDRESS",
              help="Dask scheduler address for --engine dask (default: a local cluster on this machine).")
@handle_errors
def run(data_dir, out_dir, codebook, pseudonymise, engine, scheduler):
    """Ingest, analyse and write every table of a study.

    Example: altena-qca run --data data/altena --out out
    """
    from .pipeline import run as run_pipeline

    if scheduler and engine != "dask":
        raise click.UsageError("--scheduler needs --engine dask")
    if engine == "dask":
        from .engine import get_engine
        from .engine import load_study as load_with_engine
        with get_engine("dask", scheduler) as runner:
            study = load_with_engine(data_dir, codebook, pseudonymise=pseudonymise, engine=runner)
    else:
        from .study import load_study
        study = load_study(data_dir, codebook, pseudonymise=pseudonymise)
    files = run_pipeline(study, out_dir, log=lambda m: click.echo(m, err=True))
    click.echo(f"wrote {len(files)} files to {Path(out_dir).resolve()}")
    for f in files:
        click.echo(f"  {f}")


@cli.command()
@_data_option
@click.option("--out", "out_path", type=click.Path(path_type=Path), default=None,
              help="Write the segments table here (CSV); default: print a summary.")
@_pseudo_option
@handle_errors
def ingest(data_dir, out_path, pseudonymise):
    """Read and segment the transcripts of a study; report what was found.

    Example: altena-qca ingest --data data/altena --out segments.csv
    """
    from .ingest import load_corpus

    corpus = load_corpus(data_dir, pseudonymise=pseudonymise)
    seg = corpus.segments_frame()
    if out_path:
        from .report.tables import write_csv
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
    """Report every problem in a codebook (duplicates, unknown parents, cycles, ...).

    Example: altena-qca codebook validate codebook/altena.yaml
    """
    from .codebook import DEFAULT_CODEBOOK, read_codebook_file, validate_codebook

    path = path or DEFAULT_CODEBOOK
    problems = validate_codebook(read_codebook_file(path), path)
    if problems:
        for p in problems:
            click.echo(p, err=True)
        sys.exit(2)
    n = len(read_codebook_file(path)["codes"])
    click.echo(f"{path}: {n} codes, no problems")


# ---------------------------------------------------------------- codebook edits (issue 8)

def _edit_options(f):
    f = click.option("--codebook", "codebook_path", type=click.Path(path_type=Path), default=None,
                     help="Codebook YAML; default: <data>/codebook.yaml, else codebook/altena.yaml.")(f)
    return _data_option(f)


def _run_edit(edit, *args, data_dir, codebook_path, **params) -> None:
    from .codebook_edit import edit_study_codebook
    result = edit_study_codebook(edit, *args, data_dir=data_dir, codebook=codebook_path, **params)
    click.echo(result.summary())


@codebook.command("rename")
@click.argument("old")
@click.argument("new")
@_edit_options
@handle_errors
def codebook_rename(old, new, data_dir, codebook_path):
    """Rename a code, the codes below it, and every coding and reference to them.

    Rewrites the codebook (keeping its comments) and the study's codings.csv
    in one atomic step: both files change, or neither does.

    Example: altena-qca codebook rename effects.trust effects.vertrouwen --data data/altena
    """
    _run_edit("rename", old, new, data_dir=data_dir, codebook_path=codebook_path)


@codebook.command("merge")
@click.argument("sources", nargs=-1, required=True)
@click.argument("target")
@_edit_options
@handle_errors
def codebook_merge(sources, target, data_dir, codebook_path):
    """Merge one or more codes into TARGET; their codings and references move to it.

    Codes below a source move below TARGET. Both files change in one atomic step.

    Example: altena-qca codebook merge network.say.unequal network.relations.hierarchical
    """
    _run_edit("merge", list(sources), target, data_dir=data_dir, codebook_path=codebook_path)


@codebook.command("move")
@click.argument("code")
@click.argument("new_parent", required=False)
@click.option("--root", is_flag=True, help="Make CODE a top-level code.")
@click.option("--keep-id", is_flag=True, help="Keep the id even if it follows the old parent's.")
@_edit_options
@handle_errors
def codebook_move(code, new_parent, root, keep_id, data_dir, codebook_path):
    """Put CODE (and the codes below it) under NEW_PARENT, renaming it after the new parent.

    Example: altena-qca codebook move network.islands boundaries
    """
    if bool(new_parent) == root:
        raise click.UsageError("give NEW_PARENT or --root (not both)")
    _run_edit("move", code, None if root else new_parent, rename=not keep_id,
              data_dir=data_dir, codebook_path=codebook_path)


@codebook.command("delete")
@click.argument("code")
@click.option("--force", is_flag=True,
              help="Also delete the codes below it; keep their codings under the '_orphaned' code.")
@_edit_options
@handle_errors
def codebook_delete(code, force, data_dir, codebook_path):
    """Delete a code; refused while it has codings or codes below it, unless --force.

    Example: altena-qca codebook delete intro.wams_known --force
    """
    _run_edit("delete", code, force=force, data_dir=data_dir, codebook_path=codebook_path)


# ---------------------------------------------------------------- analysis (issue 3)

def _table_out_option(f):
    return click.option("--out", "out_path", type=click.Path(path_type=Path), default=None,
                        help="Write the table here (CSV); default: CSV on standard output.")(f)


def _emit_table(df, out_path) -> None:
    """Write a table as CSV to ``out_path``, or to standard output."""
    if out_path:
        from .report.tables import write_csv
        write_csv(df, out_path)
        click.echo(f"wrote {len(df)} rows to {out_path}", err=True)
    else:
        click.echo(df.to_csv(index=False, float_format="%.4f", lineterminator="\n"), nl=False)


def _load(data_dir, pseudonymise):
    from .study import load_study
    return load_study(data_dir, pseudonymise=pseudonymise)


@cli.command()
@_data_option
@_table_out_option
@_pseudo_option
@handle_errors
def groups(data_dir, out_path, pseudonymise):
    """Place each respondent in one of the four problem groups (thesis 4.2.2).

    Example: altena-qca groups --out groups.csv
    """
    from .analysis.typology import assign_groups
    s = _load(data_dir, pseudonymise)
    _emit_table(assign_groups(s.corpus, s.codebook, s.codings), out_path)


@cli.command()
@_data_option
@_table_out_option
@click.option("--when", type=click.Choice(["today", "wams"]), default="today", show_default=True,
              help="Effects today (4.2.3) or expected under the Wams (4.3.1).")
@click.option("--evidence", is_flag=True, help="List the coded segments behind each cell instead.")
@_pseudo_option
@handle_errors
def effects(data_dir, out_path, when, evidence, pseudonymise):
    """Count respondents per group reporting each effect (trust, relations, ...).

    Example: altena-qca effects --when wams --out effects_wams.csv
    """
    from .analysis.effects import effect_evidence, effects_matrix
    s = _load(data_dir, pseudonymise)
    fn = effect_evidence if evidence else effects_matrix
    _emit_table(fn(s.corpus, s.codebook, s.codings, when=when), out_path)


@cli.command()
@_data_option
@_table_out_option
@click.option("--by", type=click.Choice(["respondent", "document", "group", "side"]), default="respondent",
              show_default=True, help="Columns of the code-document table.")
@click.option("--values", type=click.Choice(["count", "row", "column"]), default="count", show_default=True,
              help="Absolute counts, or shares of the row or of the column total.")
@click.option("--descendants", is_flag=True, help="Count codings also for every code above them.")
@_pseudo_option
@handle_errors
def frequencies(data_dir, out_path, by, values, descendants, pseudonymise):
    """The code-document table: codes × respondents, groups or sides.

    Example: altena-qca frequencies --by side --values column --out code_side.csv
    """
    from .analysis.frequencies import code_document_table
    s = _load(data_dir, pseudonymise)
    _emit_table(code_document_table(s.corpus, s.codebook, s.codings, by=by, values=values,
                                    include_descendants=descendants), out_path)


@cli.command()
@_data_option
@_table_out_option
@click.option("--level", type=click.Choice(["segment", "document"]), default="segment", show_default=True,
              help="Overlapping spans, or the same document.")
@click.option("--group", "group_ids", type=int, multiple=True, help="Only respondents of this group (repeatable).")
@click.option("--side", type=click.Choice(["intern", "extern"]), default=None, help="Only this side.")
@click.option("--part", "parts", type=click.IntRange(0, 4), multiple=True,
              help="Only codings in this interview part, 1-4 or 0 for unknown (repeatable).")
@_pseudo_option
@handle_errors
def cooccurrence(data_dir, out_path, level, group_ids, side, parts, pseudonymise):
    """Code × code co-occurrence with the c-coefficient.

    Example: altena-qca cooccurrence --level document --group 1 --out cooc_group1.csv
    """
    from .analysis.cooccurrence import cooccurrence_table
    s = _load(data_dir, pseudonymise)
    _emit_table(cooccurrence_table(s.corpus, s.codebook, s.codings, level=level, group=group_ids or None,
                                   side=side, part=parts or None), out_path)


@cli.command()
@_data_option
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default=Path(DEFAULT_OUT) / "network",
              show_default=True, help="Output folder for the network tables and graph files.")
@click.option("--actors", "actors_path", type=click.Path(path_type=Path), default=None,
              help="Actor gazetteer YAML (default: <data>/actors.yaml, else codebook/actors.yaml).")
@_pseudo_option
@handle_errors
def network(data_dir, out_dir, actors_path, pseudonymise):
    """The partner network, its measures, the Rhodes reading and DNA graphs (thesis 4.1).

    Writes network_*.csv tables and GraphML/GEXF files (open them in Gephi).

    Example: altena-qca network --out out/network
    """
    from .network.outputs import write_network
    from .study import load_study

    files = write_network(load_study(data_dir, pseudonymise=pseudonymise), out_dir, actors_path)
    click.echo(f"wrote {len(files)} files to {Path(out_dir).resolve()}")


@cli.command("export-qdpx")
@_data_option
@click.option("--out", "out_path", type=click.Path(path_type=Path), required=True, help=".qdpx file to write.")
@_pseudo_option
@handle_errors
def export_qdpx_command(data_dir, out_path, pseudonymise):
    """Export a study as a REFI-QDA project (.qdpx) for ATLAS.ti, NVivo, MAXQDA, QualCoder.

    Example: altena-qca export-qdpx --out altena.qdpx
    """
    from .ingest.qdpx import export_qdpx
    from .study import load_study

    path = export_qdpx(load_study(data_dir, pseudonymise=pseudonymise), out_path)
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
    from .ingest.qdpx import import_qdpx_to_folder

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
    from .ingest.qdpx import export_qdc

    click.echo(f"wrote {export_qdc(load_codebook(codebook_path or DEFAULT_CODEBOOK), out_path)}")


# ---------------------------------------------------------------- report (issue 7)

@cli.command()
@_data_option
@click.option("--out", "out_path", type=click.Path(path_type=Path), default=Path(DEFAULT_OUT) / "report.docx",
              show_default=True, help="Word report to write.")
@click.option("--figures", "figures_dir", type=click.Path(path_type=Path), default=None,
              help="Folder for the figures (PNG, SVG); default: figures/ beside the report.")
@click.option("--no-network", is_flag=True, help="Leave out the partner network (faster).")
@_pseudo_option
@handle_errors
def report(data_dir, out_path, figures_dir, no_network, pseudonymise):
    """Write the Dutch Word report for policymakers, with its figures.

    Example: altena-qca report --data data/altena --out out/report.docx
    """
    from .report.results import make_report
    from .study import load_study

    study = load_study(data_dir, pseudonymise=pseudonymise)
    files = make_report(study, out_path, figures_dir=figures_dir, network=not no_network)
    for f in (p for paths in files.values() for p in paths):
        click.echo(f"wrote {f}")


def main() -> None:  # console-script entry point
    cli(prog_name="altena-qca")


if __name__ == "__main__":
    main()
