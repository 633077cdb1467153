"""`chorus maps`: simulate a fuzzy cognitive map, measure it and rank its levers, from a matrix CSV.

W.csv is a square matrix with the factor names as header row and first column; the cell in row i,
column j is the effect of factor i on factor j. Every command prints JSON on stdout; bad input gives a
one-line message on stderr and exit status 2.
"""

from __future__ import annotations

import argparse
import json
import math
import sys

from chorus.maps.formats import read_matrix_csv
from chorus.maps.leverage import rank_leverage
from chorus.maps.metrics import map_metrics
from chorus.maps.model import FuzzyCognitiveMap, MapError
from chorus.maps.simulate import RULES, TRANSFERS, SimulationSettings, compare_scenario, simulate_map

PROG = "chorus maps"
DIGITS = 6


def _add_run_options(parser: argparse.ArgumentParser) -> None:
    """Options shared by every command that runs the map."""
    parser.add_argument("--matrix", required=True, metavar="W.csv", help="square weight matrix CSV")
    parser.add_argument(
        "--initial", nargs="+", action="extend", default=[], metavar="NAME=VALUE",
        help="starting values (factors not named start at 0)",
    )  # fmt: skip
    parser.add_argument(
        "--rule", choices=RULES, default="kosko",
        help="kosko: f(A@W); modified-kosko: f(A@W + A); rescaled: f((2A-1)@W + (2A-1)) (default: kosko)",
    )  # fmt: skip
    parser.add_argument(
        "--transfer", choices=TRANSFERS, default="sigmoid", help="transfer function (default: sigmoid)"
    )
    parser.add_argument(
        "--lambda", dest="steepness", type=float, default=1.0, metavar="L",
        help="steepness of sigmoid and tanh (default: 1)",
    )  # fmt: skip
    parser.add_argument(
        "--threshold", type=float, default=0.001, metavar="T",
        help="converged when no factor changes by T or more in one step (default: 0.001)",
    )  # fmt: skip
    parser.add_argument(
        "--max-iterations", type=int, default=100, metavar="N", help="stop after N steps (default: 100)"
    )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=PROG, description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True, metavar="{simulate,metrics,leverage}")

    simulate = commands.add_parser(
        "simulate",
        help="run the map to a steady state (or a limit cycle) and compare clamped scenarios",
        description=(
            "Run the map from an initial state until no factor changes by THRESHOLD or more in a step, "
            "a limit cycle is found (its period is reported), or MAX-ITERATIONS steps have run. "
            "Factors not named in --initial start at 0. Clamped factors are held at their value every "
            "step; with clamps the output adds the baseline (the same run without clamps) and the "
            "difference between the steady states (averaged over one period if a run cycles)."
        ),
    )
    _add_run_options(simulate)
    simulate.add_argument(
        "--clamp", nargs="+", action="extend", default=[], metavar="NAME=VALUE", help="factors held fixed"
    )

    metrics = commands.add_parser(
        "metrics",
        help="indegree, outdegree, centrality and type per factor; density, complexity, hierarchy",
        description=(
            "Per factor: indegree and outdegree (sums of absolute weights in and out), centrality "
            "(in + out), type (driver, receiver, ordinary, isolated) and betweenness. For the map: "
            "density (links / factors squared), complexity (receivers / drivers, null without drivers) "
            "and MacDonald's hierarchy index."
        ),
    )
    metrics.add_argument("--matrix", required=True, metavar="W.csv", help="square weight matrix CSV")

    leverage = commands.add_parser(
        "leverage",
        help="rank the factors whose change most moves chosen outcome factors",
        description=(
            "Clamp each candidate factor high and then low (the ends of the transfer function's range "
            "unless --high/--low are given) and measure each outcome's change against the unclamped "
            "baseline. swing = change when high - change when low; factors are ranked by the sum over "
            "outcomes of the absolute swing."
        ),
    )
    _add_run_options(leverage)
    leverage.add_argument(
        "--outcome", nargs="+", action="extend", required=True, metavar="NAME", help="outcome factors"
    )
    leverage.add_argument(
        "--candidate", nargs="+", action="extend", metavar="NAME",
        help="factors to try (default: every factor that is not an outcome)",
    )  # fmt: skip
    leverage.add_argument("--high", type=float, metavar="VALUE", help="value for clamping high")
    leverage.add_argument("--low", type=float, metavar="VALUE", help="value for clamping low")
    return parser


def _settings(args: argparse.Namespace) -> SimulationSettings:
    return SimulationSettings(
        rule=args.rule,
        transfer=args.transfer,
        steepness=args.steepness,
        threshold=args.threshold,
        max_iterations=args.max_iterations,
    )


def _settings_output(settings: SimulationSettings) -> dict:
    return {
        "rule": settings.rule,
        "transfer": settings.transfer,
        "lambda": settings.steepness,
        "threshold": settings.threshold,
        "max_iterations": settings.max_iterations,
    }


def _known_factors(fcm: FuzzyCognitiveMap, names: list[str], option: str) -> list[str]:
    for name in names:
        if name not in fcm.ids:
            raise MapError(f"unknown factor {name!r} in {option}; the factors are: {', '.join(fcm.names)}")
    return names


def _named_values(fcm: FuzzyCognitiveMap, pairs: list[str], option: str) -> dict[str, float]:
    values: dict[str, float] = {}
    for pair in pairs:
        name, equals, text = pair.rpartition("=")
        name = name.strip()
        if not equals or not name:
            raise MapError(f"{option} expects NAME=VALUE, got {pair!r}")
        _known_factors(fcm, [name], option)
        try:
            value = float(text)
        except ValueError:
            raise MapError(f"{option} {name}: {text!r} is not a number") from None
        if not math.isfinite(value):
            raise MapError(f"{option} {name}: {text!r} is not a finite number")
        values[name] = value
    return values


def _rounded(values: dict[str, float]) -> dict[str, float]:
    return {name: round(value, DIGITS) for name, value in values.items()}


def _simulate(args: argparse.Namespace) -> dict:
    fcm = read_matrix_csv(args.matrix)
    initial = _named_values(fcm, args.initial, "--initial")
    clamps = _named_values(fcm, args.clamp, "--clamp")
    settings = _settings(args)
    if clamps:
        comparison = compare_scenario(fcm, clamps, initial, settings)
        result = comparison.scenario
        named = comparison.as_dicts()
    else:
        result = simulate_map(fcm, initial, None, settings)
        named = {"state": dict(zip(fcm.ids, result.state.tolist(), strict=True))}
    output: dict = {
        "state": _rounded(named["state"]),
        "iterations": result.iterations,
        "converged": result.converged,
        "cycle_period": result.cycle_period,
    }
    if clamps:
        output["baseline"] = _rounded(named["baseline"])
        output["difference"] = _rounded(named["difference"])
        output["baseline_iterations"] = comparison.baseline.iterations
        output["baseline_converged"] = comparison.baseline.converged
        output["baseline_cycle_period"] = comparison.baseline.cycle_period
    output["settings"] = _settings_output(settings)
    return output


def _metrics(args: argparse.Namespace) -> dict:
    measured = map_metrics(read_matrix_csv(args.matrix))

    def rounded(value: float | None) -> float | None:
        return None if value is None else round(value, DIGITS)

    return {
        "factors": {
            factor.name: {
                "indegree": rounded(factor.indegree),
                "outdegree": rounded(factor.outdegree),
                "centrality": rounded(factor.centrality),
                "type": factor.type,
                "betweenness": rounded(factor.betweenness),
            }
            for factor in measured.factors
        },
        "number_of_factors": measured.number_of_factors,
        "number_of_links": measured.number_of_links,
        "drivers": measured.drivers,
        "receivers": measured.receivers,
        "ordinary": measured.ordinary,
        "density": rounded(measured.density),
        "complexity": rounded(measured.complexity),
        "hierarchy": rounded(measured.hierarchy),
    }


def _leverage(args: argparse.Namespace) -> dict:
    fcm = read_matrix_csv(args.matrix)
    initial = _named_values(fcm, args.initial, "--initial")
    outcomes = _known_factors(fcm, args.outcome, "--outcome")
    candidates = _known_factors(fcm, args.candidate, "--candidate") if args.candidate else None
    settings = _settings(args)
    ranking = rank_leverage(fcm, outcomes, candidates, initial, settings, high=args.high, low=args.low)
    return {
        "ranking": [
            {
                "factor": item.factor,
                "score": round(item.score, DIGITS),
                "outcomes": {
                    row.outcome: {
                        "baseline": round(row.baseline, DIGITS),
                        "high_change": round(row.high_change, DIGITS),
                        "low_change": round(row.low_change, DIGITS),
                        "swing": round(row.swing, DIGITS),
                    }
                    for row in item.sensitivities
                },
            }
            for item in ranking
        ],
        "settings": _settings_output(settings),
    }


COMMANDS = {"simulate": _simulate, "metrics": _metrics, "leverage": _leverage}


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    try:
        args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    except SystemExit as exit_request:
        return int(exit_request.code or 0)
    try:
        output = COMMANDS[args.command](args)
    except MapError as error:
        print(f"{PROG} {args.command}: error: {error}", file=sys.stderr)
        return 2
    except OSError as error:
        reason = error.strerror or error
        print(f"{PROG} {args.command}: error: cannot read {args.matrix}: {reason}", file=sys.stderr)
        return 2
    except UnicodeDecodeError:
        print(f"{PROG} {args.command}: error: {args.matrix} is not UTF-8 text", file=sys.stderr)
        return 2
    print(json.dumps(output, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
