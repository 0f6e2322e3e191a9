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


def _data_option(f):
    from .study import DEFAULT_DATA
    return click.option("--data", "data_dir", type=click.Path(path_type=Path), default=DEFAULT_DATA,
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
@handle_errors
def run(data_dir, out_dir, codebook, pseudonymise):
    """Ingest, analyse and write every table of a study.

    Example: altena-qca run --data data/altena --out out
    """
    from .pipeline import run as run_pipeline
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


def main() -> None:  # console-script entry point
    cli(prog_name="altena-qca")


if __name__ == "__main__":
    main()
