import json
import subprocess
import sys
from pathlib import Path

import pytest

from chorus.maps.cli import main

REPO = Path(__file__).resolve().parents[2]
WORKED_EXAMPLE = """,C1,C2,C3,C4,C5,C6,C7,C8
C1,0,0,.6,.9,0,0,0,.8
C2,.1,0,0,0,0,0,.2,.5
C3,0,.7,0,0,.9,0,.4,.1
C4,.4,0,0,0,0,.9,0,0
C5,0,0,0,0,0,-.9,0,.3
C6,-.3,0,0,0,0,0,0,0
C7,0,0,0,0,0,.8,.4,.9
C8,.1,0,0,0,0,.1,.6,0
"""


def run_chorus(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "chorus.cli", "maps", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.fixture
def worked_example(tmp_path) -> Path:
    path = tmp_path / "W.csv"
    path.write_text(WORKED_EXAMPLE)
    return path


def rounded_state(output: dict) -> list[float]:
    return [round(output["state"][f"C{i}"], 4) for i in range(1, 9)]


def test_simulate_prints_the_kosko_steady_state(worked_example):
    completed = run_chorus("simulate", "--matrix", str(worked_example), "--initial", "C1=1", "C2=1")
    assert completed.returncode == 0, completed.stderr
    output = json.loads(completed.stdout)
    assert rounded_state(output) == [0.5481, 0.6004, 0.5815, 0.6209, 0.6280, 0.6654, 0.7618, 0.8417]
    assert output["converged"] is True and output["cycle_period"] is None and output["iterations"] > 0
    assert "baseline" not in output and "difference" not in output


def test_simulate_with_modified_kosko_rule(worked_example):
    completed = run_chorus(
        "simulate", "--matrix", str(worked_example), "--initial", "C1=1", "--initial", "C2=1",
        "--rule", "modified-kosko", "--transfer", "sigmoid", "--lambda", "1", "--threshold", "0.001",
    )  # fmt: skip
    assert completed.returncode == 0, completed.stderr
    assert rounded_state(json.loads(completed.stdout)) == [
        0.7259, 0.7907, 0.7695, 0.8125, 0.8193, 0.8399, 0.9099, 0.9558,
    ]  # fmt: skip


def test_simulate_with_clamp_adds_baseline_and_difference(worked_example):
    completed = run_chorus(
        "simulate", "--matrix", str(worked_example), "--initial", "C1=1", "C2=1", "--clamp", "C5=1"
    )
    output = json.loads(completed.stdout)
    assert output["state"]["C5"] == 1.0
    assert round(output["baseline"]["C1"], 4) == 0.5481
    assert output["difference"]["C5"] == pytest.approx(1.0 - output["baseline"]["C5"], abs=1e-5)


def test_simulate_reports_a_limit_cycle(tmp_path):
    matrix = tmp_path / "rotation.csv"
    matrix.write_text(",a,b\na,0,1\nb,-1,0\n")
    completed = run_chorus("simulate", "--matrix", str(matrix), "--initial", "a=1", "--transfer", "trivalent")
    output = json.loads(completed.stdout)
    assert output["converged"] is False and output["cycle_period"] == 4


def test_metrics_prints_factor_and_map_measures(worked_example):
    completed = run_chorus("metrics", "--matrix", str(worked_example))
    assert completed.returncode == 0, completed.stderr
    output = json.loads(completed.stdout)
    assert output["factors"]["C1"]["outdegree"] == pytest.approx(2.3)
    assert output["factors"]["C1"]["indegree"] == pytest.approx(0.9)
    assert output["factors"]["C1"]["centrality"] == pytest.approx(3.2)
    assert output["factors"]["C1"]["type"] == "ordinary"
    assert output["number_of_links"] == 21
    assert output["density"] == pytest.approx(21 / 64)
    assert output["complexity"] is None
    assert output["hierarchy"] > 0


def test_bad_input_exits_2_with_one_line_and_no_traceback(tmp_path):
    completed = run_chorus("simulate", "--matrix", str(tmp_path / "missing.csv"))
    assert completed.returncode == 2
    assert completed.stdout == ""
    assert len(completed.stderr.strip().splitlines()) == 1
    assert "Traceback" not in completed.stderr and "missing.csv" in completed.stderr


@pytest.mark.parametrize(
    ("matrix", "extra", "message"),
    [
        (",a,b\na,0,1\n", [], "not square"),
        (",a,b\nb,0,1\na,0,0\n", [], "first column does not match the header"),
        (",a,b\na,0,lots\nb,0,0\n", [], "'lots' is not a number"),
        (",a,b\na,0,1\nb,0,0\n", ["--clamp", "c=1"], "unknown factor 'c' in --clamp"),
        (",a,b\na,0,1\nb,0,0\n", ["--initial", "a=high"], "'high' is not a number"),
        (",a,b\na,0,1\nb,0,0\n", ["--clamp", "a"], "expects NAME=VALUE"),
        (",a,b\na,0,1\nb,0,0\n", ["--lambda", "0"], "lambda must be greater than 0"),
    ],
)
def test_simulate_errors_exit_2_with_a_clear_message(tmp_path, capsys, matrix, extra, message):
    path = tmp_path / "W.csv"
    path.write_text(matrix)
    assert main(["simulate", "--matrix", str(path), *extra]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert message in captured.err
    assert len(captured.err.strip().splitlines()) == 1


def test_metrics_error_exits_2(tmp_path, capsys):
    path = tmp_path / "W.csv"
    path.write_text(",a,b\na,0,1\n")
    assert main(["metrics", "--matrix", str(path)]) == 2
    assert "not square" in capsys.readouterr().err


def test_help_documents_the_defaults(capsys):
    assert main(["simulate", "--help"]) == 0
    text = capsys.readouterr().out
    for default in ("default: kosko", "default: sigmoid", "default: 1)", "default: 0.001", "default: 100"):
        assert default in text


def test_leverage_ranks_the_factor_that_drives_the_outcome_first(tmp_path, capsys):
    path = tmp_path / "W.csv"
    path.write_text(
        ",buses,weather,groups,connected\nbuses,0,0,.8,0\nweather,0,0,0,0\ngroups,0,0,0,.9\nconnected,0,0,0,0\n"
    )
    assert main(["leverage", "--matrix", str(path), "--outcome", "connected"]) == 0
    output = json.loads(capsys.readouterr().out)
    ranking = [item["factor"] for item in output["ranking"]]
    assert ranking[0] == "groups" and ranking[-1] == "weather"
    assert output["ranking"][0]["outcomes"]["connected"]["swing"] > 0


def test_leverage_refuses_unknown_outcome(tmp_path, capsys):
    path = tmp_path / "W.csv"
    path.write_text(",a,b\na,0,1\nb,0,0\n")
    assert main(["leverage", "--matrix", str(path), "--outcome", "z"]) == 2
    assert "unknown factor 'z' in --outcome" in capsys.readouterr().err
