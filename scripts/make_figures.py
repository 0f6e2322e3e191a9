#!/usr/bin/env python3
"""Regenerate the repository's ``figures/`` from the bundled (reconstructed) Altena data.

    python scripts/make_figures.py            # writes figures/*.png and figures/*.svg
    python scripts/make_figures.py --check    # exit 1 if the committed figures are out of date

The same figures are written by ``altena-qca run`` into ``<out>/figures/``.
Output is deterministic, so ``--check`` compares bytes.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "figures", help="output folder (default: figures/)")
    parser.add_argument("--check", action="store_true", help="compare with the files in --out instead of writing")
    args = parser.parse_args(argv)

    from altena_qca import load_study
    from altena_qca.report import compute_results, write_figures

    results = compute_results(load_study())
    if not args.check:
        for paths in write_figures(results, args.out).values():
            for p in paths:
                print(f"wrote {p.relative_to(ROOT) if p.is_relative_to(ROOT) else p}")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        stale = [p.name for paths in write_figures(results, tmp).values() for p in paths
                 if not (args.out / p.name).exists() or (args.out / p.name).read_bytes() != p.read_bytes()]
    for name in stale:
        print(f"out of date: {args.out / name}", file=sys.stderr)
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
