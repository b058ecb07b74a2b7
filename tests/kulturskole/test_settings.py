"""Settings from the environment, each case booted in a fresh process with a controlled environment.

The settings module reads the environment once at import, so every case runs a new Python
process; nothing here depends on what the test process itself was started with.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]
SETTINGS_SOURCE = (BASE_DIR / "kulturskole" / "settings.py").read_text(encoding="utf-8")

# A key as `check --deploy` wants it: long, varied, without the django-insecure- prefix.
PRODUCTION_SECRET_KEY = "k7#Qm2vL9xTz4rW8pN1sD6fG3hJ5bC0aY-e_uIoPlKjHgFdSaZxCvBnM"
PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": PRODUCTION_SECRET_KEY,
    "ALLOWED_HOSTS": "kulturskole.example.org",
    "DATABASE_URL": "postgres://kulturskole:secret@db.example.org:5432/kulturskole",
    "REDIS_URL": "redis://redis.example.org:6379/0",
}

SHOW_SETTINGS = """
import json, django
django.setup()
from django.conf import settings as s
print(json.dumps({
    "DEBUG": s.DEBUG,
    "ENGINE": s.DATABASES["default"]["ENGINE"],
    "DB_NAME": str(s.DATABASES["default"]["NAME"]),
    "DB_HOST": s.DATABASES["default"].get("HOST", ""),
    "CACHE": s.CACHES["default"]["BACKEND"],
    "CACHE_LOCATION": s.CACHES["default"].get("LOCATION", ""),
    "BROKER": s.CELERY_BROKER_URL,
    "RESULT_BACKEND": s.CELERY_RESULT_BACKEND,
    "EAGER": s.CELERY_TASK_ALWAYS_EAGER,
    "EMAIL_BACKEND": s.EMAIL_BACKEND,
    "ALLOWED_HOSTS": s.ALLOWED_HOSTS,
    "SECRET_KEY": s.SECRET_KEY,
}))
"""


def variables_read_by_settings() -> set[str]:
    """Every environment variable kulturskole/settings.py reads, found in its source."""
    names = set(
        re.findall(
            r"""(?:envbool|envint|envsecret|envlist|os\.environ\.get|os\.environ\[)\(?\s*["']([A-Z][A-Z0-9_]*)["']""",
            SETTINGS_SOURCE,
        )
    )
    secrets = set(re.findall(r"""envsecret\(\s*["']([A-Z][A-Z0-9_]*)["']""", SETTINGS_SOURCE))
    # dj-database-url reads DATABASE_URL on the settings' behalf.
    return names | {f"{name}_FILE" for name in secrets} | {"DATABASE_URL"}


def clean_environment(**overrides: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in variables_read_by_settings() and not key.startswith(("DJANGO_", "CELERY_"))
    }
    env["DJANGO_SETTINGS_MODULE"] = "kulturskole.settings"
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env.update(overrides)
    return env


def run(args: list[str], **overrides: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args],
        cwd=BASE_DIR,
        env=clean_environment(**overrides),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def settings_with(**overrides: str) -> dict[str, object]:
    result = run(["-c", SHOW_SETTINGS], **overrides)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_the_settings_source_reads_the_expected_variables() -> None:
    # Guards the regular expression above: if it finds nothing, the tests below prove little.
    assert {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "REDIS_URL", "DATABASE_URL"} <= (
        variables_read_by_settings()
    )


def test_the_embedded_default_boots_with_sqlite_eager_celery_and_console_mail() -> None:
    values = settings_with()
    assert values["DEBUG"] is True
    assert values["ENGINE"] == "django.db.backends.sqlite3"
    assert values["DB_NAME"] == str(BASE_DIR / "db.sqlite3")
    assert values["EAGER"] is True
    assert values["BROKER"].startswith("memory://")
    assert values["CACHE"] == "django.core.cache.backends.locmem.LocMemCache"
    assert values["EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend"
    assert "127.0.0.1" in values["ALLOWED_HOSTS"]


def test_the_embedded_default_passes_the_system_check() -> None:
    result = run(["manage.py", "check"])
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_production_without_secret_key_refuses_to_start() -> None:
    result = run(["-c", SHOW_SETTINGS], DEBUG="false", ALLOWED_HOSTS="kulturskole.example.org")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY" in result.stderr
    assert "ALLOWED_HOSTS" not in result.stderr.splitlines()[-1]


def test_production_without_allowed_hosts_refuses_to_start() -> None:
    result = run(["-c", SHOW_SETTINGS], DEBUG="false", SECRET_KEY=PRODUCTION_SECRET_KEY)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "ALLOWED_HOSTS" in result.stderr.splitlines()[-1]
    assert "SECRET_KEY" not in result.stderr.splitlines()[-1]


def test_a_malformed_boolean_is_a_clear_error() -> None:
    result = run(["-c", SHOW_SETTINGS], DEBUG="maybe")
    assert result.returncode != 0
    assert "DEBUG must be true or false" in result.stderr


def test_the_secret_key_may_come_from_a_file(tmp_path: Path) -> None:
    key_file = tmp_path / "secret_key"
    key_file.write_text(PRODUCTION_SECRET_KEY + "\n", encoding="utf-8")
    values = settings_with(
        DEBUG="false", SECRET_KEY_FILE=str(key_file), ALLOWED_HOSTS="kulturskole.example.org"
    )
    assert values["SECRET_KEY"] == PRODUCTION_SECRET_KEY


def test_production_settings_pass_the_deployment_check() -> None:
    result = run(["manage.py", "check", "--deploy"], **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout, (
        result.stdout + result.stderr
    )


def test_database_url_switches_the_engine_to_postgresql() -> None:
    values = settings_with(DATABASE_URL=PRODUCTION["DATABASE_URL"])
    assert values["ENGINE"] == "django.db.backends.postgresql"
    assert values["DB_NAME"] == "kulturskole"
    assert values["DB_HOST"] == "db.example.org"


def test_redis_url_switches_cache_and_broker_to_redis_and_turns_eager_off() -> None:
    values = settings_with(REDIS_URL=PRODUCTION["REDIS_URL"])
    assert values["CACHE"] == "django.core.cache.backends.redis.RedisCache"
    assert values["CACHE_LOCATION"] == PRODUCTION["REDIS_URL"]
    assert values["BROKER"] == PRODUCTION["REDIS_URL"]
    assert values["RESULT_BACKEND"] == PRODUCTION["REDIS_URL"]
    assert values["EAGER"] is False


def test_eager_mode_can_be_forced_on_with_redis() -> None:
    values = settings_with(REDIS_URL=PRODUCTION["REDIS_URL"], CELERY_TASK_ALWAYS_EAGER="true")
    assert values["EAGER"] is True


@pytest.mark.parametrize(
    "variables,backend",
    [
        ({"EMAIL_HOST": "smtp.example.org"}, "django.core.mail.backends.smtp.EmailBackend"),
        ({"EMAIL_FILE_PATH": "/tmp/mail"}, "django.core.mail.backends.filebased.EmailBackend"),  # noqa: S108
    ],
)
def test_email_variables_choose_the_backend(variables: dict[str, str], backend: str) -> None:
    assert settings_with(**variables)["EMAIL_BACKEND"] == backend


def test_the_readme_documents_every_variable_the_settings_read() -> None:
    readme = (BASE_DIR / "README.md").read_text(encoding="utf-8")
    missing = sorted(name for name in variables_read_by_settings() if f"`{name}`" not in readme)
    assert not missing, f"Add these to the README's configuration table: {missing}"


def test_env_example_lists_every_variable_the_settings_read() -> None:
    example = (BASE_DIR / ".env.example").read_text(encoding="utf-8")
    listed = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]*)=", example, flags=re.MULTILINE))
    missing = sorted(variables_read_by_settings() - listed)
    assert not missing, f"Add these to .env.example: {missing}"


def test_the_readme_explains_every_dependency() -> None:
    pyproject = tomllib.loads((BASE_DIR / "pyproject.toml").read_text(encoding="utf-8"))
    requirements = [
        *pyproject["project"]["dependencies"],
        *pyproject["dependency-groups"]["dev"],
    ]
    names = {re.match(r"[A-Za-z0-9_.-]+", requirement).group(0) for requirement in requirements}
    section = (BASE_DIR / "README.md").read_text(encoding="utf-8").split("### Why each dependency")
    assert len(section) == 2, "README.md needs its 'Why each dependency' section"
    explained = section[1].lower()
    missing = sorted(name for name in names if f"**{name.lower()}**" not in explained)
    assert not missing, f"Explain these in README.md, 'Why each dependency': {missing}"


def test_docker_compose_describes_the_production_services() -> None:
    # PyYAML comes with `responses`; not worth a dependency of its own.
    yaml = pytest.importorskip("yaml")
    compose = yaml.safe_load((BASE_DIR / "docker-compose.yml").read_text(encoding="utf-8"))
    services = compose["services"]
    assert set(services) == {"web", "worker", "beat", "db", "redis"}
    assert services["db"]["image"].startswith("postgres:15")
    assert services["redis"]["image"].startswith("redis:7")
    for name in ("web", "db", "redis"):
        assert services[name]["healthcheck"]["test"], name
    assert any("/var/lib/celery" in volume for volume in services["beat"]["volumes"])
    for name in ("web", "worker", "beat"):
        assert services[name]["env_file"] == ".env"
    # Every variable the compose file interpolates is documented in .env.example.
    example = (BASE_DIR / ".env.example").read_text(encoding="utf-8")
    used = set(re.findall(r"\$\{([A-Z_]+)", (BASE_DIR / "docker-compose.yml").read_text()))
    assert used, "expected ${VARIABLE} interpolation in docker-compose.yml"
    for name in used:
        assert re.search(rf"^#?{name}=", example, flags=re.MULTILINE), name
