"""What only a server database does: ids after demo, migrations asked for, backups, copies."""

from __future__ import annotations

import json
import shutil

import pytest
from alembic import command
from sqlalchemy import text

from iltdesk.cli import run
from iltdesk.db import migrate
from iltdesk.db.engine import database_url
from iltdesk.db.opening import open_database
from iltdesk.errors import ServerUpgradeNeededError
from iltdesk.services import health
from iltdesk.services import learners
from iltdesk.services import maintenance
from iltdesk.services import scheduling
from tests.fixtures.builders import make_learner

pytestmark = pytest.mark.postgres_only


def test_inserts_work_after_demo_wrote_its_own_ids(db, db_url, capsys):
    db.close()
    assert run(["--db", db_url, "demo", "--learners", "40", "--sessions", "6"]) == 0
    with open_database(database_url(db_url)) as again:
        learner = make_learner(again, "After", "Demo")  # failed with duplicate key pk_learners
        open_for_places = next(
            s for s in scheduling.list_sessions(again) if s.status.value in ("planned", "confirmed")
        )
        capsys.readouterr()
        assert run(["--db", db_url, "enrol", str(open_for_places.id), learner.email, "--json"]) == 0
        answer = json.loads(capsys.readouterr().out)
        assert answer["status"] in ("enrolled", "waitlisted")
        assert learners.find_by_email(again, learner.email) is not None


def test_enrol_prints_the_contract_in_both_modes(db, db_url, capsys):
    from tests.fixtures.builders import make_session

    session = make_session(db, capacity=1)
    first, second = make_learner(db), make_learner(db)
    capsys.readouterr()
    assert run(["--db", db_url, "enrol", str(session.id), first.email, "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"status": "enrolled", "position": None}
    assert run(["--db", db_url, "enrol", str(session.id), second.email, "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"status": "waitlisted", "position": 1}
    assert run(["--db", db_url, "enrol", str(session.id), second.email, "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"status": "already", "position": 1}
    assert run(["--db", db_url, "enrol", str(session.id), first.email]) == 0
    assert "already on the session" in capsys.readouterr().out


def test_an_older_server_schema_is_upgraded_only_when_asked(db, db_url, capsys):
    db.close()
    config = migrate.alembic_config(db_url)
    command.downgrade(config, "0006")
    with pytest.raises(ServerUpgradeNeededError, match="iltdesk upgrade-db"):
        open_database(database_url(db_url))
    capsys.readouterr()
    assert run(["--db", db_url, "sessions"]) == 4  # refused with the sentence, nothing changed
    assert f"needs {migrate.HEAD_REVISION}" in capsys.readouterr().err
    assert run(["--db", db_url, "upgrade-db"]) == 1  # not a terminal and no --yes
    assert "Add --yes" in capsys.readouterr().err
    assert run(["--db", db_url, "upgrade-db", "--yes"]) == 0
    assert f"now at schema {migrate.HEAD_REVISION}" in capsys.readouterr().out
    with open_database(database_url(db_url)) as again, again.engine.connect() as conn:
        assert migrate.stamped_revision(conn) == migrate.HEAD_REVISION
    assert run(["--db", db_url, "upgrade-db"]) == 0
    assert "up to date" in capsys.readouterr().out


def test_check_db_says_what_the_server_checks_itself(db, db_url, capsys):
    assert "checks its own storage" in (health.checked_by_server(db) or "")
    db.close()
    capsys.readouterr()
    assert run(["--db", db_url, "check-db"]) == 0
    out = capsys.readouterr().out
    assert "checks its own storage" in out
    assert "No problems found." in out


def test_opening_a_server_says_backups_are_the_servers_job(db):
    assert "Server backups are the server's job" in db.backup_note
    assert not db.notices  # not repeated on stderr by every command


@pytest.mark.skipif(shutil.which("pg_dump") is None, reason="pg_dump is not installed")
def test_backup_runs_pg_dump_and_verifies_it(db, db_url, tmp_path, capsys):
    make_learner(db, "In", "Dump")
    db.close()
    target = tmp_path / "team.dump"
    capsys.readouterr()
    assert run(["--db", db_url, "backup", "-o", str(target)]) == 0
    assert str(target) in capsys.readouterr().out
    assert target.read_bytes()[:5] == b"PGDMP"
    assert not list(tmp_path.glob(".*partial"))
    with open_database(database_url(db_url)) as again:
        assert "Last `iltdesk backup`" in again.backup_note


def test_save_a_local_copy_opens_as_a_sqlite_file(db, db_url, tmp_path, capsys):
    learner = make_learner(db, "Offline", "Copy")
    target = tmp_path / "snapshot.sqlite3"
    maintenance.save_local_copy(db, target)
    with open_database(database_url(target)) as copy:
        assert copy.is_sqlite
        assert learners.find_by_email(copy, learner.email) is not None
        with copy.engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM learners")).scalar() == 1
    db.close()
    capsys.readouterr()
    again = tmp_path / "again.sqlite3"
    assert run(["--db", db_url, "save-copy", str(again)]) == 0
    assert str(again) in capsys.readouterr().out
    assert again.exists()


def test_two_clients_upgrading_at_once_migrate_once(db, db_url):
    import subprocess
    import sys

    db.close()
    command.downgrade(migrate.alembic_config(db_url), "0006")
    run_upgrade = [sys.executable, "-m", "iltdesk", "--db", db_url, "upgrade-db", "--yes"]
    both = [
        subprocess.Popen(run_upgrade, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    results = [p.communicate(timeout=120) for p in both]
    assert [p.returncode for p in both] == [0, 0], results
    with open_database(database_url(db_url)) as again, again.engine.connect() as conn:
        assert migrate.stamped_revision(conn) == migrate.HEAD_REVISION
        columns = conn.execute(
            text(
                "SELECT count(*) FROM information_schema.columns "
                "WHERE table_name = 'courses' AND column_name = 'version'"
            )
        ).scalar()
    assert columns == 1


def test_backup_without_pg_dump_says_how(db, tmp_path, monkeypatch):
    from iltdesk.errors import DatabaseError

    monkeypatch.setenv("PATH", str(tmp_path))  # no pg_dump anywhere
    with pytest.raises(DatabaseError, match="postgresql-client"):
        maintenance.back_up_to(db, tmp_path / "team.dump")


def _terminated_mid_transaction(db, admin_url):
    from sqlalchemy import create_engine

    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with db.transaction() as tx:
            pid = tx.execute(text("SELECT pg_backend_pid()")).scalar()
            with admin.connect() as conn:
                conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
            tx.execute(text("SELECT 1"))
    finally:
        admin.dispose()


def test_a_lost_connection_is_a_sentence_and_the_next_call_reconnects(db, db_url):
    from iltdesk.errors import ServerUnavailableError

    with pytest.raises(ServerUnavailableError, match="was lost, so nothing was saved"):
        _terminated_mid_transaction(db, db_url)
    assert make_learner(db, "After", "Reconnect").id  # the pool found a fresh connection


def test_an_idle_connection_the_server_dropped_is_replaced_quietly(db, db_url, monkeypatch):
    from sqlalchemy import create_engine
    from sqlalchemy import make_url

    from iltdesk.db import engine as engine_module

    monkeypatch.setattr(engine_module, "IDLE_PING_S", 0.0)
    make_learner(db)  # leaves a connection in the pool
    admin = create_engine(db_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(
            text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = :name AND pid <> pg_backend_pid()"
            ),
            {"name": make_url(db_url).database},
        )
    admin.dispose()
    assert make_learner(db, "Still", "Here").id  # no error: pinged, replaced, carried on


def test_a_refused_audit_entry_is_a_sentence_and_saves_nothing(db, db_url):
    # The trail's statements go straight to the driver: its failures must still read as the
    # sentences every other statement's do, and roll the whole enrolment back.
    import uuid

    from sqlalchemy import make_url

    from iltdesk.errors import ReadOnlyLocationError
    from iltdesk.services import enrollment
    from tests.fixtures.builders import make_session

    session, learner = make_session(db, capacity=5), make_learner(db)
    role = f"clerk_{uuid.uuid4().hex[:10]}"
    with db.engine.begin() as conn:
        conn.execute(text(f"CREATE ROLE {role} LOGIN"))
        conn.execute(text(f"GRANT ALL ON ALL TABLES IN SCHEMA public TO {role}"))
        conn.execute(text(f"GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO {role}"))
        conn.execute(text(f"REVOKE INSERT ON audit_entries FROM {role}"))
    clerk_url = make_url(db_url).set(username=role).render_as_string(hide_password=False)
    try:
        with (
            open_database(database_url(clerk_url)) as clerk,
            pytest.raises(ReadOnlyLocationError, match="may not change this"),
        ):
            enrollment.enroll_learner(clerk, session.id, learner.id)
        assert enrollment.roster(db, session.id) == []
    finally:
        with db.engine.begin() as conn:
            conn.execute(text(f"DROP OWNED BY {role}"))
            conn.execute(text(f"DROP ROLE {role}"))
