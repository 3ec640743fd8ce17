"""Settings from the environment: laptop defaults, kept secrets, production strictness."""

from __future__ import annotations

import base64

import pytest

from gigplatform.config import ConfigError, Settings


def test_development_generates_secrets_once_and_keeps_them(tmp_path) -> None:
    env = {"GIG_VAR_DIR": str(tmp_path)}
    first = Settings.from_env(env)
    second = Settings.from_env(env)
    assert first.secret_key == second.secret_key and len(first.secret_key) >= 32
    assert first.field_key == second.field_key and len(base64.urlsafe_b64decode(first.field_key)) == 32
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600
    assert first.database_url == f"sqlite+aiosqlite:///{tmp_path / 'gigplatform.db'}"
    assert first.env == "development" and first.redis_url is None and not first.cookie_secure


def test_every_variable_is_read(tmp_path) -> None:
    key = base64.urlsafe_b64encode(b"x" * 32).decode()
    settings = Settings.from_env(
        {
            "GIG_VAR_DIR": str(tmp_path),
            "GIG_ENV": "production",
            "GIG_SECRET_KEY": "s" * 40,
            "GIG_FIELD_KEY": key,
            "GIG_DATABASE_URL": "postgresql+asyncpg://u@h/db",
            "GIG_REDIS_URL": "redis://127.0.0.1:6379/0",
            "GIG_ACCESS_TOKEN_MINUTES": "5",
            "GIG_REFRESH_TOKEN_DAYS": "7",
            "GIG_LOGIN_MAX_FAILURES": "3",
            "GIG_LOGIN_FAILURE_WINDOW_MINUTES": "10",
        }
    )
    assert (settings.access_token_minutes, settings.refresh_token_days) == (5, 7)
    assert (settings.login_max_failures, settings.login_failure_window_minutes) == (3, 10)
    assert settings.redis_url == "redis://127.0.0.1:6379/0" and settings.cookie_secure
    assert not (tmp_path / "secret_key").exists()


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"GIG_ENV": "production"}, "GIG_SECRET_KEY is required"),
        ({"GIG_ENV": "production", "GIG_SECRET_KEY": "s" * 40}, "GIG_FIELD_KEY is required"),
        ({"GIG_ENV": "staging"}, "GIG_ENV must be one of"),
        ({"GIG_SECRET_KEY": "short"}, "at least 32"),
        ({"GIG_FIELD_KEY": "not-base64-32-bytes"}, "GIG_FIELD_KEY must be 32 bytes"),
        ({"GIG_ACCESS_TOKEN_MINUTES": "soon"}, "whole number"),
        ({"GIG_ACCESS_TOKEN_MINUTES": "0"}, "positive"),
        ({"GIG_IDENTITY_PROVIDER": "magic"}, "local or http"),
        ({"GIG_IDENTITY_PROVIDER": "http"}, "GIG_IDENTITY_URL is required"),
        ({"GIG_IDENTITY_TIMEOUT_SECONDS": "soon"}, "number of seconds"),
        ({"GIG_IDENTITY_RETRIES": "-1"}, "whole number"),
        ({"GIG_IDENTITY_TIMEOUT_SECONDS": "0"}, "positive"),
        ({"GIG_RUN_JOBS": "yes"}, "0 or 1"),
        (
            {
                "GIG_ENV": "production",
                "GIG_SECRET_KEY": "s" * 40,
                "GIG_FIELD_KEY": base64.urlsafe_b64encode(b"x" * 32).decode(),
            },
            "PostgreSQL in production",
        ),
    ],
)
def test_bad_configuration_fails_at_start_up(tmp_path, env, message) -> None:
    with pytest.raises(ConfigError, match=message):
        Settings.from_env({"GIG_VAR_DIR": str(tmp_path), **env})


def test_zero_retries_is_allowed(tmp_path) -> None:
    assert Settings.from_env({"GIG_VAR_DIR": str(tmp_path), "GIG_IDENTITY_RETRIES": "0"}).identity_retries == 0
