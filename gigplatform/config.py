"""Settings read from the environment (GIG_*), with safe defaults for a laptop.

Secrets are never defaulted to a constant: in development they are generated once and kept under `var/`, so a
restart keeps sessions valid; in production they must be given, and start-up fails loudly when they are not.
"""

from __future__ import annotations

import base64
import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ENVIRONMENTS = ("development", "test", "production")


class ConfigError(RuntimeError):
    """A setting is missing or malformed; raised at start-up, never during a request."""


def project_var_dir() -> Path:
    """Where the laptop defaults live: `var/` beside the current directory, overridable by GIG_VAR_DIR."""
    return Path(os.environ.get("GIG_VAR_DIR", "var")).resolve()


def _kept_secret(var_dir: Path, name: str, make: Callable[[], str]) -> str:
    """Reads a generated secret from var/, creating it (mode 0600) on first use."""
    path = var_dir / name
    if path.exists():
        return path.read_text().strip()
    var_dir.mkdir(parents=True, exist_ok=True)
    value = make()
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process (a second worker) wrote it first: use theirs
        return path.read_text().strip()
    with os.fdopen(fd, "w") as fh:
        fh.write(value)
    return value


def _field_key() -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()


@dataclass(frozen=True)
class Settings:
    """Everything the app needs to know about its surroundings; built once, passed to `create_app`."""

    database_url: str
    secret_key: str
    field_key: str
    env: str = "development"
    redis_url: str | None = None
    access_token_minutes: int = 15
    refresh_token_days: int = 30
    login_max_failures: int = 5
    login_failure_window_minutes: int = 15
    identity_provider: str = "local"
    identity_url: str | None = None
    identity_token: str | None = None
    identity_timeout_seconds: float = 5.0
    identity_retries: int = 2
    identity_recheck_minutes: int = 5
    typing_max_cpm: int = 300
    run_jobs: bool = True
    password_hash_threads: int = 2
    db_pool_size: int = 10
    db_max_overflow: int = 0
    db_pool_recycle_seconds: int = 1800
    db_pool_timeout_seconds: float = 30.0
    db_pool_pre_ping: bool = False
    jwt_issuer: str = "gigplatform"
    jwt_audience: str = "gigplatform-api"
    var_dir: Path = field(default_factory=project_var_dir)

    @property
    def is_production(self) -> bool:
        return self.env == "production"

    @property
    def cookie_secure(self) -> bool:
        """Cookies go out with `Secure` in production, where the site is served over HTTPS."""
        return self.is_production

    def engine_options(self) -> dict[str, Any]:
        """The connection pool's settings for `make_engine` (ignored on SQLite).

        A fixed pool (no overflow churn) sized to the requests one worker serves at once; keep
        workers x (pool size + overflow) under the server's max_connections."""
        return {
            "pool_size": self.db_pool_size,
            "max_overflow": self.db_max_overflow,
            "pool_recycle": self.db_pool_recycle_seconds,
            "pool_timeout": self.db_pool_timeout_seconds,
            "pool_pre_ping": self.db_pool_pre_ping,
        }

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Settings:
        """Builds settings from GIG_* variables; development fills in what a laptop needs."""
        env_vars = dict(os.environ if environ is None else environ)
        env = env_vars.get("GIG_ENV", "development")
        if env not in ENVIRONMENTS:
            raise ConfigError(f"GIG_ENV must be one of {', '.join(ENVIRONMENTS)}, not {env!r}")
        var_dir = Path(env_vars.get("GIG_VAR_DIR", "var")).resolve()
        production = env == "production"

        def secret(name: str, file_name: str, make: Callable[[], str]) -> str:
            value = env_vars.get(name)
            if value:
                return value
            if production:
                raise ConfigError(f"{name} is required when GIG_ENV=production")
            return _kept_secret(var_dir, file_name, make)

        secret_key = secret("GIG_SECRET_KEY", "secret_key", lambda: secrets.token_urlsafe(48))
        if len(secret_key) < 32:
            raise ConfigError("GIG_SECRET_KEY must be at least 32 characters")
        field_key = secret("GIG_FIELD_KEY", "field_key", _field_key)
        try:
            if len(base64.urlsafe_b64decode(field_key)) != 32:
                raise ValueError
        except ValueError as exc:
            raise ConfigError("GIG_FIELD_KEY must be 32 bytes, url-safe base64 encoded") from exc

        database_url = env_vars.get("GIG_DATABASE_URL") or f"sqlite+aiosqlite:///{var_dir / 'gigplatform.db'}"
        if production and database_url.startswith("sqlite") and env_vars.get("GIG_ALLOW_SQLITE") != "1":
            raise ConfigError("GIG_DATABASE_URL must point at PostgreSQL in production (or set GIG_ALLOW_SQLITE=1)")

        def number(name: str, default: float, kind: type = int, what: str = "a whole number", least: float = 1) -> Any:
            """A numeric variable: `kind` (int or float), at least `least`, the default when unset."""
            raw = env_vars.get(name)
            if raw is None or raw == "":
                return default
            try:
                value = kind(raw)
            except ValueError as exc:
                raise ConfigError(f"{name} must be {what}, not {raw!r}") from exc
            if value < least:
                raise ConfigError(f"{name} must be positive" if least > 0 else f"{name} must be {what}, not {raw!r}")
            return value

        identity_provider = env_vars.get("GIG_IDENTITY_PROVIDER", "local")
        if identity_provider not in ("local", "http"):
            raise ConfigError(f"GIG_IDENTITY_PROVIDER must be local or http, not {identity_provider!r}")
        identity_url = env_vars.get("GIG_IDENTITY_URL") or None
        if identity_provider == "http" and not identity_url:
            raise ConfigError("GIG_IDENTITY_URL is required when GIG_IDENTITY_PROVIDER=http")
        pre_ping = env_vars.get("GIG_DB_POOL_PRE_PING", "0")
        if pre_ping not in ("0", "1"):
            raise ConfigError(f"GIG_DB_POOL_PRE_PING must be 0 or 1, not {pre_ping!r}")
        jobs_raw = env_vars.get("GIG_RUN_JOBS", "1")
        if jobs_raw not in ("0", "1"):
            raise ConfigError(f"GIG_RUN_JOBS must be 0 or 1, not {jobs_raw!r}")

        return cls(
            database_url=database_url,
            secret_key=secret_key,
            field_key=field_key,
            env=env,
            redis_url=env_vars.get("GIG_REDIS_URL") or None,
            access_token_minutes=number("GIG_ACCESS_TOKEN_MINUTES", 15),
            refresh_token_days=number("GIG_REFRESH_TOKEN_DAYS", 30),
            login_max_failures=number("GIG_LOGIN_MAX_FAILURES", 5),
            login_failure_window_minutes=number("GIG_LOGIN_FAILURE_WINDOW_MINUTES", 15),
            identity_provider=identity_provider,
            identity_url=identity_url,
            identity_token=env_vars.get("GIG_IDENTITY_TOKEN") or None,
            identity_timeout_seconds=number(
                "GIG_IDENTITY_TIMEOUT_SECONDS", 5.0, float, "a number of seconds", least=0.001
            ),
            identity_retries=number("GIG_IDENTITY_RETRIES", 2, least=0),
            identity_recheck_minutes=number("GIG_IDENTITY_RECHECK_MINUTES", 5),
            typing_max_cpm=number("GIG_TYPING_MAX_CPM", 300),
            run_jobs=jobs_raw == "1",
            password_hash_threads=number("GIG_PASSWORD_HASH_THREADS", 2),
            db_pool_size=number("GIG_DB_POOL_SIZE", 10),
            db_max_overflow=number("GIG_DB_MAX_OVERFLOW", 0, least=0),
            db_pool_recycle_seconds=number("GIG_DB_POOL_RECYCLE_SECONDS", 1800),
            db_pool_timeout_seconds=number("GIG_DB_POOL_TIMEOUT_SECONDS", 30.0, float, "a number of seconds"),
            db_pool_pre_ping=pre_ping == "1",
            var_dir=var_dir,
        )
