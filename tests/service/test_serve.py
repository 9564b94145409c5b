"""``rashomon serve``: loopback by default, refuses other addresses without a token, prints
where it listens and the token, and really serves."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from service_support import REPO, free_port

from rashomon.cli import main


def run(argv: list[str]) -> int:
    try:
        main(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    return 0


@pytest.fixture
def fake_uvicorn(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    calls: list[dict[str, Any]] = []
    import uvicorn

    def fake_run(app: Any, **kwargs: Any) -> None:
        calls.append({"app": app, **kwargs})

    monkeypatch.setattr(uvicorn, "run", fake_run)
    monkeypatch.delenv("RASHOMON_API_TOKEN", raising=False)
    return calls


def test_refuses_a_public_address_without_a_token(tmp_path: Path, fake_uvicorn: list[Any],
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    code = run(["serve", "--host", "0.0.0.0", "--db", str(tmp_path / "c.sqlite3")])
    assert code == 2 and not fake_uvicorn
    err = capsys.readouterr().err
    assert err.startswith("rashomon: error: refusing to listen on 0.0.0.0")
    assert "--token" in err


def test_serves_loopback_and_prints_address_and_token(
    tmp_path: Path, fake_uvicorn: list[Any], capsys: pytest.CaptureFixture[str]
) -> None:
    code = run(["serve", "--port", "8123", "--db", str(tmp_path / "c.sqlite3"), "--no-preload"])
    assert code == 0 and len(fake_uvicorn) == 1
    call = fake_uvicorn[0]
    assert call["host"] == "127.0.0.1" and call["port"] == 8123
    err = capsys.readouterr().err
    assert "serving http://127.0.0.1:8123/" in err
    token = re.search(r"write token \(new for this run\): (\S+)", err).group(1)
    assert token == call["app"].state.token and len(token) >= 24


def test_a_public_address_with_a_token(tmp_path: Path, fake_uvicorn: list[Any],
                                       capsys: pytest.CaptureFixture[str],
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RASHOMON_API_TOKEN", "from-the-environment")
    code = run(["serve", "--host", "::", "--db", str(tmp_path / "c.sqlite3"), "--no-preload"])
    assert code == 0
    assert fake_uvicorn[0]["app"].state.token == "from-the-environment"
    err = capsys.readouterr().err
    assert "http://[::]:8000/" in err and "from-the-environment" not in err


def test_really_serves(tmp_path: Path) -> None:
    """The command as a user runs it: a process on loopback, answering until stopped."""
    port = free_port()
    env = {**os.environ, "RASHOMON_API_TOKEN": "", "HF_HUB_OFFLINE": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "rashomon", "serve", "--port", str(port), "--db",
         str(tmp_path / "c.sqlite3"), "--no-preload"],
        cwd=REPO, env=env, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                health = httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=2)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    pytest.fail("the server did not come up")
                time.sleep(0.2)
        assert health.json()["status"] == "ok"
        assert httpx.get(f"http://127.0.0.1:{port}/", timeout=5).status_code == 200
        refused = httpx.post(f"http://127.0.0.1:{port}/api/articles", json={"text": "x"},
                             timeout=5)
        assert refused.status_code == 401
    finally:
        proc.terminate()
        try:
            _, err = proc.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            _, err = proc.communicate()
    assert f"serving http://127.0.0.1:{port}/" in err
    assert "write token (new for this run):" in err
