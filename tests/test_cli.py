"""The command line as a user meets it: outputs, one-line errors, nothing half-written."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from rashomon.cli import main
from tests.conftest import EXAMPLE_FILES, ROOT


def run_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "rashomon", *args], capture_output=True, text=True, cwd=cwd,
        env=env, timeout=300,
    )


def assert_one_line_error(proc: subprocess.CompletedProcess, code: str) -> None:
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith(f"rashomon: error: [{code}]"), lines[0]
    assert "Traceback" not in proc.stderr


@pytest.fixture
def reports(tmp_path: Path) -> dict[str, Path]:
    files = {
        "empty": tmp_path / "empty.txt",
        "binary": tmp_path / "image.txt",
        "latin1": tmp_path / "latin1.txt",
        "html": tmp_path / "broken.html",
        "jsonl": tmp_path / "bad.jsonl",
    }
    files["empty"].write_text("")
    files["binary"].write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    files["latin1"].write_bytes("Le président a déclaré mardi.".encode("latin-1"))
    files["html"].write_text("<html><head><title>x</title></head><body><nav><a href=/>Home</a>"
                             "</nav></body>")
    files["jsonl"].write_text('{"id": "a", "text": "One report."}\n{"id": "b", "text": \n')
    return files


@pytest.mark.parametrize(
    ("name", "code"),
    [("empty", "E001"), ("binary", "E002"), ("latin1", "E003"), ("html", "E005"),
     ("jsonl", "E006")],
)
def test_bad_input_gives_one_line_and_writes_nothing(reports, tmp_path, name, code):
    out = tmp_path / "out.json"
    proc = run_cli("compare", str(reports[name]), str(EXAMPLE_FILES[0]), "-f", "json",
                   "-o", str(out))
    assert_one_line_error(proc, code)
    assert not out.exists()
    assert not list(tmp_path.glob(".out.json*"))


def test_huge_file_is_refused(tmp_path):
    big = tmp_path / "big.txt"
    big.write_text("The council met on Tuesday. " * 20_000)
    proc = run_cli("compare", str(big), "--max-bytes", "100000")
    assert_one_line_error(proc, "E004")


def test_missing_file(tmp_path):
    assert_one_line_error(run_cli("compare", str(tmp_path / "nope.txt")), "E007")


def test_unknown_format():
    assert_one_line_error(run_cli("compare", str(EXAMPLE_FILES[0]), "-f", "pdf"), "E042")


@pytest.mark.parametrize("args", [("compare", "--nope", "x.txt"), ("evaluate", "seeds", "-x")])
def test_an_unknown_option_is_a_usage_error_not_a_traceback(args):
    proc = run_cli(*args)
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    assert "No such option" in proc.stderr


@pytest.mark.slow
def test_compare_json_on_the_bundled_example(reconciler, capsys):
    main(["compare", *map(str, EXAMPLE_FILES), "--format", "json", "--quiet"])
    data = json.loads(capsys.readouterr().out)
    assert [d["id"] for d in data["documents"]] == [p.name for p in EXAMPLE_FILES]
    assert data["summary"]["corroborated"] >= 10
    assert data["contradictions"] == []


@pytest.mark.slow
@pytest.mark.parametrize(("fmt", "marker"), [("md", "## Facts by source"), ("terminal", "Brief")])
def test_compare_text_formats(reconciler, capsys, fmt, marker):
    main(["compare", *map(str, EXAMPLE_FILES), "-f", fmt, "--quiet"])
    assert marker in capsys.readouterr().out


@pytest.mark.slow
def test_output_file_is_written_whole(reconciler, tmp_path, capsys):
    out = tmp_path / "story.md"
    main(["compare", *map(str, EXAMPLE_FILES), "-f", "md", "-o", str(out), "--quiet"])
    assert out.read_text("utf-8").startswith("# Reconciliation")
    assert [p.name for p in tmp_path.iterdir()] == ["story.md"]


@pytest.mark.slow
def test_jsonl_input_keeps_line_ids_and_offsets(reconciler, tmp_path, capsys):
    rows = [
        {"id": "reuters-1", "source": "Reuters", "text": "The council approved the budget on "
         "Monday. It includes 300 new teachers."},
        {"id": "ap-1", "source": "AP", "text": "The council approved the budget on Monday. It "
         "includes 250 new teachers."},
    ]
    path = tmp_path / "story.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    main(["compare", str(path), "-f", "json", "--quiet"])
    data = json.loads(capsys.readouterr().out)
    texts = {d["id"]: d["text"] for d in data["documents"]}
    assert set(texts) == {"reuters-1", "ap-1"}
    for fact in data["facts"]:
        for ev in fact["evidence"]:
            assert texts[ev["document"]][ev["start"] : ev["end"]] == ev["text"]
    assert [c["kind"] for c in data["contradictions"]] == ["number"]


@pytest.mark.slow
def test_a_report_in_another_language_is_warned_about(reconciler, tmp_path, capsys):
    german = tmp_path / "bericht.txt"
    german.write_text(
        "Der kolumbianische Präsident Gustavo Petro trifft am Dienstag in Washington den "
        "US-Präsidenten Donald Trump. Es ist ihr erstes persönliches Treffen nach Monaten der "
        "Spannungen über Venezuela, Drogenhandel und Öl.\n", encoding="utf-8",
    )
    main(["compare", str(EXAMPLE_FILES[0]), str(german), "-f", "json", "--quiet"])
    captured = capsys.readouterr()
    assert "bericht.txt: the text looks like language 'de'" in captured.err
    assert json.loads(captured.out)["warnings"]


def test_a_publication_date_that_is_not_a_date_is_refused_before_any_work():
    for command in ("compare", "events", "timeline"):
        proc = run_cli(command, str(EXAMPLE_FILES[0]), "--published", "next tuesday")
        assert_one_line_error(proc, "E044")


@pytest.mark.slow
def test_events_and_timeline_resolve_tuesday_once_a_date_is_given(reconciler, capsys):
    main(["timeline", *map(str, EXAMPLE_FILES), "-f", "json", "--quiet"])
    undated = json.loads(capsys.readouterr().out)
    main(["timeline", *map(str, EXAMPLE_FILES), "-f", "json", "--quiet",
          "--published", "2026-01-05"])
    dated = json.loads(capsys.readouterr().out)

    def meeting(timeline: list[dict]) -> dict:
        return next(e for e in timeline
                    if any("Tuesday" in s["text"] for s in e["when_spans"]))

    # Without a date the weekday stays unresolved (nothing guessed); with one it is the coming
    # Tuesday, since the reports say the meeting is still to come.
    assert meeting(undated["timeline"])["when"] == "XXXX-WXX-2"
    assert meeting(dated["timeline"])["when"] == "2026-01-06"
    assert all(d["published"] == "2026-01-05" for d in dated["documents"])
    main(["events", *map(str, EXAMPLE_FILES), "-f", "md", "--quiet"])
    out = capsys.readouterr().out
    assert out.startswith("# Events") and "| # | when | who |" in out
