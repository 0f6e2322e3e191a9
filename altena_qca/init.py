"""``altena-qca init``: make a new study folder.

:func:`init_study` writes everything a study needs to start
(``docs/study-format.md``)::

    my-study/
      study.yaml        title, municipality, commissioner, period, report language
      respondents.csv   the header row (an example row is in README.md)
      transcripts/      one <respondent id>.docx or .txt per interview
      observations/     observation notes, optional
      codebook.yaml     the study's own copy of the thesis codebook: extend this one
      topiclist.yaml    the study's own copy of the thesis topic list: the interview parts' questions
      actors.yaml       the study's own organisations (names; aliases and domain optional)
      README.md         what goes where, with an example row

Examples
--------
>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp()) / "heusden"
>>> [p.name for p in init_study(folder, title="Zorgnetwerk Heusden", municipality="Heusden")]
['study.yaml', 'respondents.csv', 'codebook.yaml', 'topiclist.yaml', 'actors.yaml', 'README.md', 'transcripts', 'observations']
>>> from altena_qca.study import load_config
>>> load_config(folder).commissioner
'gemeente Heusden'
"""
from __future__ import annotations

from pathlib import Path

from ._io import write_files_atomically
from .codebook import DEFAULT_CODEBOOK
from .errors import Errors, InputError
from .ingest.corpus import RESPONDENT_COLUMNS
from .ingest.segment import TOPICS_FILE
from .resources import DEFAULT_TOPICS
from .study import StudyConfig, is_bundled

__all__ = ["init_study"]

_ACTORS = """\
# The organisations of this study that the package's gazetteer does not know
# (altena-qca warns about each one it meets in respondents.csv). Only `name` is
# needed; `aliases` (how people say it), `domain` and `side` (intern | extern)
# are optional. Every name and alias here is protected from pseudonymisation,
# so never list a person or a place on its own ('GGZ Oost Brabant' yes,
# 'Oss' no). Example:
#
# actors:
#   - name: GGZ Oost Brabant
#     aliases: [GGZ-OB]
#     domain: gezondheid
#   - name: Wijkteam {municipality}
actors: []
"""

_README = """\
# {title}

A study folder for altena-qca (the format: docs/study-format.md in the
altena-qca repository).

| file | what |
|---|---|
| `study.yaml` | title, municipality, commissioner, period, report language; extra speaker labels |
| `respondents.csv` | one row per interviewee (never a name: a function and a short label) |
| `transcripts/` | one `<id>.docx` or `<id>.txt` per interview, named after the respondent's `id` |
| `observations/` | observation notes (.docx or .txt), optional |
| `codebook.yaml` | this study's own copy of the thesis codebook; extend or edit this one |
| `topiclist.yaml` | the questions and cue words of the four interview parts (a copy of the thesis's topic list); put your own questions here |
| `actors.yaml` | organisations the package's gazetteer does not know (names only) |
| `codings.csv` | your codings (`document,start,end,code[,coder,origin,confidence,text]`), when you have them |

An example row of `respondents.csv` (columns {columns}; dates as 2024-03-05,
05-03-2024 or 5 maart 2024; side is `intern` for the municipality's own staff,
`extern` for partners):

```
R01,Beleidsmedewerker sociaal domein,beleidsmedewerker,intern,5 maart 2024,Gemeente {municipality}
```

A transcript (`transcripts/R01.txt`) marks each turn with a speaker label,
`I:`/`R:`, `Interviewer:`/`Respondent:`, `Vraag:`/`Antwoord:` or `Q:`/`A:`:

```
I: Wat is uw huidige functie?
R: Ik ben beleidsmedewerker in het sociaal domein.
```

Then:

```
altena-qca check --data {folder}          # every problem at once, nothing runs
altena-qca code --data {folder} --out suggestions.csv   # the auto-coder's suggestions, to review
altena-qca run --data {folder} --out out  # tables, figures, report
```

Without `codings.csv` every count rests on no codings (the run warns);
`altena-qca run --codings suggested` analyses the auto-coder's unreviewed
suggestions instead, and says so in every output.
"""


def init_study(folder: str | Path, *, title: str, municipality: str, commissioner: str | None = None,
               period: str = "") -> list[Path]:
    """Make a new study folder; return the files and folders made.

    Parameters
    ----------
    folder
        A new or empty folder.
    title, municipality, commissioner, period
        Written to ``study.yaml``; ``commissioner`` defaults to
        ``gemeente <municipality>``.

    Raises
    ------
    InputError
        E136 when ``folder`` exists and is not empty; E134 when it lies inside
        the installed package; E131 for an empty title.
    """
    folder = Path(folder)
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise InputError(Errors.E136.format(path=folder))
    if is_bundled(folder):
        raise InputError(Errors.E134.format(path=folder, reason="inside the installed package; choose a folder "
                                                                "of your own"))
    title, municipality = " ".join(title.split()), " ".join(municipality.split())
    if not title:
        raise InputError(Errors.E131.format(path="--title", line=1, value=title, key="title",
                                            reason="a study needs a title"))
    if commissioner is None:
        commissioner = f"gemeente {municipality}" if municipality else ""
    config = StudyConfig(title=title, municipality=municipality, commissioner=" ".join(commissioner.split()),
                         period=" ".join(str(period).split()))
    readme = _README.format(title=title, municipality=municipality or "X", folder=folder,
                            columns=", ".join(RESPONDENT_COLUMNS))
    files = {
        folder / "study.yaml": config.to_yaml().encode("utf-8"),
        folder / "respondents.csv": (",".join(RESPONDENT_COLUMNS) + "\n").encode("utf-8"),
        folder / "codebook.yaml": DEFAULT_CODEBOOK.read_bytes(),
        folder / TOPICS_FILE: DEFAULT_TOPICS.read_bytes(),
        folder / "actors.yaml": _ACTORS.format(municipality=municipality or "X").encode("utf-8"),
        folder / "README.md": readme.encode("utf-8"),
    }
    folder.mkdir(parents=True, exist_ok=True)
    written = list(write_files_atomically(files))
    for sub in ("transcripts", "observations"):
        (folder / sub).mkdir(exist_ok=True)
        written.append(folder / sub)
    return written
