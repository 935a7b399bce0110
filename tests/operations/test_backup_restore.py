"""deploy/backup.sh and deploy/restore.sh bring the data, its history and the media files back
into an empty database."""

import os
import pathlib
import subprocess
import sys

import psycopg
import pytest
from django.db import connection

from governance import services as governance_services

ROOT = pathlib.Path(__file__).resolve().parents[2]


def _url(name: str) -> str:
    settings = connection.settings_dict
    user = settings.get("USER") or "postgres"
    host = settings.get("HOST") or "127.0.0.1"
    port = settings.get("PORT") or 5432
    password = f":{settings['PASSWORD']}" if settings.get("PASSWORD") else ""
    return f"postgres://{user}{password}@{host}:{port}/{name}"


def _rows(url: str, sql: str, params: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    with psycopg.connect(url) as database:
        return database.execute(sql, params).fetchall()


@pytest.mark.services
def test_a_restore_into_an_empty_database_brings_back_the_data_history_and_media(
    transactional_db, use_case, department_head, tmp_path
):
    if connection.vendor != "postgresql":
        pytest.skip("pg_dump and pg_restore need PostgreSQL (the PostgreSQL leg runs this)")
    governance_services.change_use_case(
        use_case,
        actor=department_head,
        reason="Zweck präzisiert",
        purpose="Vorprüfung von Anträgen",
    )
    media = tmp_path / "media"
    (media / "reports").mkdir(parents=True)
    (media / "reports" / "bericht.pdf").write_bytes(b"%PDF-1.7 Bericht")
    source = _url(connection.settings_dict["NAME"])
    env = {
        "PATH": "/usr/bin:/bin:/usr/local/bin",
        "DATABASE_URL": source,
        "DJANGO_MEDIA_ROOT": str(media),
    }
    backup = subprocess.run(  # noqa: S603 - the project's own script
        [str(ROOT / "deploy" / "backup.sh"), str(tmp_path / "backups")],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    backup_dir = backup.stdout.strip().splitlines()[-1]

    empty = f"{connection.settings_dict['NAME']}_restored"
    with psycopg.connect(_url("postgres"), autocommit=True) as server:
        server.execute(f'DROP DATABASE IF EXISTS "{empty}"')
        server.execute(f'CREATE DATABASE "{empty}"')
    restored_media = tmp_path / "restored-media"
    try:
        subprocess.run(  # noqa: S603 - the project's own script
            [str(ROOT / "deploy" / "restore.sh"), backup_dir],
            env={**env, "DATABASE_URL": _url(empty), "DJANGO_MEDIA_ROOT": str(restored_media)},
            capture_output=True,
            text=True,
            check=True,
            timeout=300,
        )
        for table in ("registry_usecase", "registry_historicalusecase", "accounts_membership"):
            count = f"SELECT count(*) FROM {table}"  # noqa: S608 - table names from this test
            assert _rows(_url(empty), count) == _rows(source, count), table
        history = (
            "SELECT history_change_reason, history_user_id, purpose "
            "FROM registry_historicalusecase WHERE id = %s ORDER BY history_id"
        )
        restored_history = _rows(_url(empty), history, (use_case.pk,))
        assert restored_history == _rows(source, history, (use_case.pk,))
        assert restored_history[-1] == (
            "Zweck präzisiert",
            department_head.pk,
            "Vorprüfung von Anträgen",
        )
        migrations = "SELECT app, name FROM django_migrations ORDER BY app, name"
        assert _rows(_url(empty), migrations) == _rows(source, migrations)
        assert (restored_media / "reports" / "bericht.pdf").read_bytes() == b"%PDF-1.7 Bericht"
        # The tamper-evident change log (ledger) still matches the restored history...
        leaves = "SELECT count(*) FROM ledger_logleaf"
        assert _rows(_url(empty), leaves) == _rows(source, leaves) != [(0,)]
        verify = [str(ROOT / "manage.py"), "verify_history"]
        checked = subprocess.run(  # noqa: S603 - the project's own command
            [sys.executable, *verify],
            env={
                **os.environ,
                "DATABASE_URL": _url(empty),
                "DJANGO_SETTINGS_MODULE": "config.settings.test",
            },
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert checked.returncode == 0, checked.stderr
        # ...and would name a history row changed after the backup.
        with psycopg.connect(_url(empty)) as database:
            database.execute(
                "UPDATE registry_historicalusecase SET purpose = 'verändert' WHERE id = %s",
                (use_case.pk,),
            )
        tampered = subprocess.run(  # noqa: S603 - the project's own command
            [sys.executable, *verify],
            env={
                **os.environ,
                "DATABASE_URL": _url(empty),
                "DJANGO_SETTINGS_MODULE": "config.settings.test",
            },
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert tampered.returncode != 0
    finally:
        with psycopg.connect(_url("postgres"), autocommit=True) as server:
            server.execute(f'DROP DATABASE IF EXISTS "{empty}" WITH (FORCE)')
