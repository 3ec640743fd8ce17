"""Browser fixtures: the real server in a subprocess and a headless system Chromium driven by Playwright (sync API).

Playwright's own browser download does not work in our environments, so the tests use `/usr/bin/chromium` and
skip, all with one reason, where it is not installed. The e2e tests are plain sync functions on purpose: the sync
Playwright API refuses to run inside a running asyncio loop, and pytest runs with `asyncio_mode = "auto"`.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Page, Playwright

CHROMIUM = Path("/usr/bin/chromium")
SKIP_REASON = "browser tests: /usr/bin/chromium is not installed"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).parent / "screenshots"
ROOT = Path(__file__).resolve().parents[2]
STARTUP_SECONDS = 20.0


@pytest.fixture(scope="session")
def chromium() -> Path:
    """The system Chromium; every browser test skips with this one reason when it is missing."""
    if not CHROMIUM.exists():
        if os.environ.get("GIG_TEST_REQUIRE_BROWSER") == "1":
            pytest.fail(f"GIG_TEST_REQUIRE_BROWSER=1 but {CHROMIUM} is missing (CI installs it with apt-get)")
        pytest.skip(SKIP_REASON)
    return CHROMIUM


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _log_tail(path: Path, lines: int = 40) -> str:
    if not path.exists():
        return "(no server log)"
    return "\n".join(path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])


@dataclass(frozen=True)
class ServerEnv:
    """The environment the `server` fixture runs the app with: its own var dir (SQLite file, generated secrets)."""

    env: dict[str, str]
    var_dir: Path

    def cli(self, *args: str) -> subprocess.CompletedProcess[str]:
        """Runs `python -m gigplatform <args>` against the server's database (e.g. `create-admin`); must succeed."""
        done = subprocess.run(
            [sys.executable, "-m", "gigplatform", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert done.returncode == 0, f"gigplatform {args[0]} failed:\n{done.stdout}\n{done.stderr}"
        return done


@pytest.fixture(scope="module")
def server_env(tmp_path_factory: pytest.TempPathFactory) -> ServerEnv:
    var_dir = tmp_path_factory.mktemp("e2e-var")
    # The browser fills the typing test's passage at once, on the real clock: the speed cap (no person types over
    # 300 a minute) is lifted here and proven with the fake clock in tests/recruitment/test_typing.py.
    env = {**os.environ, "GIG_VAR_DIR": str(var_dir), "GIG_ENV": "test", "GIG_TYPING_MAX_CPM": "1000000"}
    env.pop("GIG_DATABASE_URL", None)
    env.pop("GIG_REDIS_URL", None)
    return ServerEnv(env, var_dir)


@pytest.fixture(scope="module")
def server(chromium: Path, server_env: ServerEnv) -> Iterator[str]:
    """The app as operators run it (`migrate`, then `serve`) on a fresh SQLite file; yields its base URL.

    A subprocess rather than an in-process app, so the browser sees the real uvicorn, cookies, CSRF and static files.
    """
    env, var_dir = server_env.env, server_env.var_dir
    server_env.cli("migrate")

    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    log_path = var_dir / "server.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "gigplatform", "serve", "--port", str(port)],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            if process.poll() is not None:
                pytest.fail(f"the server exited with {process.returncode}:\n{_log_tail(log_path)}")
            try:
                if httpx.get(f"{base_url}/health", timeout=1.0).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"the server did not answer /health within {STARTUP_SECONDS:.0f} s:\n{_log_tail(log_path)}")
            time.sleep(0.2)
        yield base_url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@pytest.fixture(scope="module")
def playwright_driver(chromium: Path) -> Iterator[Playwright]:
    """One Playwright driver per module: starting it costs a second, a browser profile per test does not."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as driver:
        yield driver


@pytest.fixture
def page(playwright_driver: Playwright, chromium: Path, server: str, tmp_path: Path) -> Iterator[Page]:
    """A fresh browser profile per test, so no cookie (session or language) leaks from one walk into the next."""
    context = playwright_driver.chromium.launch_persistent_context(
        user_data_dir=str(tmp_path / "profile"),
        executable_path=str(chromium),
        headless=True,
        args=CHROMIUM_ARGS,
        base_url=server,
        viewport={"width": 1280, "height": 800},
    )
    try:
        context.set_default_timeout(10_000)
        page = context.pages[0] if context.pages else context.new_page()
        yield page
    finally:
        context.close()


@pytest.fixture(scope="session")
def screenshots() -> Path:
    """Where the walks leave their screenshots for a human to look at (git-ignored)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
