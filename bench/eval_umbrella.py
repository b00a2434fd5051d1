"""How 大起底 orders 打伞破网 letters (保护伞排序评测): does a petition naming both gang crime and an official's
involvement rank above complaints about officials alone and above gang crime alone?

    .venv/bin/python -m bench.eval_umbrella [--size small] [--seed 7] [--no-registry]

The labelled letters are the scenario generator's clues (``sanwang.scenario``; synthetic, written by the same
team as the rules — weak evidence, but labelled by construction): kind ``umbrella`` (a gang and an official who
shields it, in either script, with converter damage), ``gang`` (gang crime, no official) and ``ordinary`` (an
official's misconduct, no gang). The officials registry is the scenario's (``--no-registry`` ranks without one).

Both orderings are computed on the same screened letters: **before**, registry matches first then the higher of
the two scores (the ranking up to this change); **after**, ``rescreen.rank_key`` (打伞破网 letters first, see
docs/rescreen.md). Figures: for each other kind, the share of (umbrella letter, other letter) pairs in which the
umbrella letter ranks higher (1.0 = always; ties count half), and how many umbrella letters are among the first
N of the list, N = the number of umbrella letters.
"""

from __future__ import annotations

import argparse
from typing import Any

from sanwang.scenario.generator import generate
from sanwang.services import rescreen as rs


def _before(r: dict[str, Any]) -> tuple[bool, float, int]:
    return (not r["officials"], -r["priority"], r["line"])


def ordering(ranked: list[dict[str, Any]], kinds: dict[int, str]) -> dict[str, Any]:
    position = {r["line"]: k for k, r in enumerate(ranked)}
    mine = [position[n] for n, kind in kinds.items() if kind == "umbrella"]
    out: dict[str, Any] = {}
    for other in ("gang", "ordinary"):
        theirs = [position[n] for n, kind in kinds.items() if kind == other]
        above = sum(1.0 if a < b else 0.5 if a == b else 0.0 for a in mine for b in theirs)
        out[f"above_{other}"] = round(above / (len(mine) * len(theirs)), 3)
    top = [kinds[r["line"]] for r in ranked[: len(mine)]]
    out["umbrella_in_top_n"] = f"{top.count('umbrella')}/{len(mine)}"
    return out


def run(size: str, seed: int, registry: bool) -> dict[str, Any]:
    scenario = generate(size, seed)  # type: ignore[arg-type]
    officials = [rs.Official(rs.registry_name(o.name), o.id_number, o.employer, o.position)
                 for o in scenario.officials] if registry else []  # fmt: skip
    rs._init_worker(officials)
    screened = [rs.screen(n, f"C{n}", c.summary) for n, c in enumerate(scenario.clues, start=1)]
    kinds = {n: c.kind for n, c in enumerate(scenario.clues, start=1)}
    flagged = {k: sum(1 for r in screened if r["umbrella"] and kinds[r["line"]] == k) for k in set(kinds.values())}
    return {
        "letters": {k: list(kinds.values()).count(k) for k in sorted(set(kinds.values()))},
        "registry": len(officials),
        "before": ordering(sorted(screened, key=_before), kinds),
        "after": ordering(sorted(screened, key=rs.rank_key), kinds),
        "flagged_umbrella_by_kind": flagged,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--size", default="small")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--no-registry", action="store_true")
    args = ap.parse_args(argv)
    r = run(args.size, args.seed, not args.no_registry)
    print(r)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
