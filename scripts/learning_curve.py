#!/usr/bin/env python3
"""The auto-coder's learning curve on the bundled corpus: docs/img/learning_curve.png (+ .csv).

    python scripts/learning_curve.py [--draws 5]

Concept-label micro-F1 on the respondents not yet coded after coding 1, 2, 4
and 8 respondents (random orders, fixed seed), scored only on passages whose
paraphrase template none of the coded respondents has
(:func:`altena_qca.coding.learning_curve`). Deterministic.
"""
from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draws", type=int, default=5)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "img" / "learning_curve.png")
    args = parser.parse_args(argv)

    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from altena_qca import load_study
    from altena_qca._io import write_csv
    from altena_qca.coding import learning_curve

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        study = load_study(pseudonymise=False)
    curve = learning_curve(study, draws=args.draws)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    write_csv(curve, args.out.with_suffix(".csv"))
    mean = curve.groupby(["method", "passages", "coded_respondents"], as_index=False)[["f1", "units"]].mean()
    print(mean.round(3).to_string(index=False))

    plt.rcParams["svg.hashsalt"] = "altena"
    fig, axes = plt.subplots(1, 2, figsize=(9, 3.6), sharey=True)
    names = {"rules": "rules", "model": "learned model", "combined": "combined"}
    for ax, subset, title in zip(axes, ("all", "quotes"), ("all unseen turns", "verbatim quotes only")):
        for method, style in (("combined", "-o"), ("rules", "--s"), ("model", ":^")):
            m = mean[(mean["method"] == method) & (mean["passages"] == subset)]
            ax.plot(m["coded_respondents"], m["f1"], style, label=names[method])
        ax.set_xscale("log", base=2)
        ax.set_xticks([1, 2, 4, 8], ["1", "2", "4", "8"])
        ax.set_xlabel("respondents coded by the researcher")
        ax.set_title(title, fontsize=10)
        ax.set_ylim(0, 1)
        ax.grid(alpha=0.3)
    axes[0].set_ylabel("concept-label micro-F1")
    axes[0].legend(loc="lower right", fontsize=8)
    fig.suptitle("Auto-coder on respondents not yet coded (template-grouped, mean of "
                 f"{args.draws} orders)", fontsize=10)
    fig.tight_layout()
    fig.savefig(args.out, dpi=120, metadata={"Software": None})
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
