"""The scale-out test environment: on this one machine, with the production settings,

PostgreSQL (a database of its own on the machine's server, reached through a TCP proxy that the
tests cut), a Redis server of its own, two gunicorn instances behind nginx (TLS, load balancing),
two Celery workers and one beat, all started through deploy/entrypoint.sh as in production, and
an SMTP sink.

    python -m tests.scaleout.environment up     # prints the address, keeps running until Ctrl-C
    make scaleout-up                            # the same
The tests (tests/scaleout/, `make test-scaleout`) start and stop it through `Environment`.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import pathlib
import secrets
import shutil
import signal
import socket
import string
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import psycopg
import requests

ROOT = pathlib.Path(__file__).resolve().parents[2]
ENTRYPOINT = ROOT / "deploy" / "entrypoint.sh"
NGINX_TEMPLATE = ROOT / "deploy" / "nginx" / "ki-register.conf.template"
PYTHON = pathlib.Path(sys.executable)
ADMIN_URL = os.environ.get(
    "SCALEOUT_DATABASE_SERVER", "postgres://postgres@127.0.0.1:5432/postgres"
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(check: Any, what: str, timeout: float = 60.0, interval: float = 0.2) -> Any:
    deadline = time.monotonic() + timeout
    last: Any = None
    while time.monotonic() < deadline:
        try:
            result = check()
        except Exception as exc:  # a service still starting answers with errors
            last = exc
        else:
            if result:
                return result
        time.sleep(interval)
    raise TimeoutError(f"{what} not ready after {timeout:.0f} s ({last!r})")


class Environment:
    """Starts, cuts and restarts the parts; every process it starts it also ends, by its id."""

    def __init__(self, run_dir: pathlib.Path | None = None) -> None:
        self.run_dir = run_dir or pathlib.Path(tempfile.mkdtemp(prefix="ki-scaleout-"))
        self.processes: dict[str, subprocess.Popen[bytes]] = {}
        self.ports = {
            name: free_port()
            for name in ("https", "http", "web1", "web2", "redis", "pgproxy", "smtp")
        }
        self.database = f"ki_register_scaleout_{os.getpid()}"
        admin = urlsplit(ADMIN_URL)
        self.pg_host = admin.hostname or "127.0.0.1"
        self.pg_port = admin.port or 5432
        self.pg_user = admin.username or "postgres"
        self.cert = self.run_dir / "tls.crt"
        self.key = self.run_dir / "tls.key"
        self.mail_dir = self.run_dir / "mail"
        self.secret_key = secrets.token_urlsafe(64)
        self.metrics_token = secrets.token_urlsafe(16)
        self._down = False

    # --- addresses -------------------------------------------------------------------------

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.ports['https']}"

    def instance_url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.ports[name]}"

    @property
    def database_url(self) -> str:
        return f"postgres://{self.pg_user}@127.0.0.1:{self.ports['pgproxy']}/{self.database}"

    def env(self, **extra: str) -> dict[str, str]:
        keep = {key: os.environ[key] for key in ("PATH", "LANG", "HOME") if key in os.environ}
        return {
            **keep,
            "PATH": f"{PYTHON.parent}:{keep.get('PATH', '/usr/bin:/bin')}",
            "KI_REGISTER_PYTHON": str(PYTHON),
            "KI_REGISTER_STATE_DIR": str(self.run_dir / "state"),
            "PROMETHEUS_MULTIPROC_DIR": str(self.run_dir / "metrics"),
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "DJANGO_SECRET_KEY": self.secret_key,
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "DJANGO_CSRF_TRUSTED_ORIGINS": self.url,
            "DJANGO_SECURE_HSTS_SECONDS": "0",
            "DJANGO_MEDIA_ROOT": str(self.run_dir / "media"),
            "DATABASE_URL": self.database_url,
            "DATABASE_CONNECT_TIMEOUT": "2",
            "REDIS_URL": f"redis://127.0.0.1:{self.ports['redis']}/0",
            "CACHE_URL": f"redis://127.0.0.1:{self.ports['redis']}/1",
            "CELERY_VISIBILITY_TIMEOUT": "8",
            "CELERY_CONCURRENCY": "1",
            "GUNICORN_WORKERS": "2",
            "GUNICORN_WORKER_TMP_DIR": str(self.run_dir),
            "PASSWORD_LOGIN_ENABLED": "true",
            "TRUSTED_PROXY_COUNT": "1",
            "METRICS_TOKEN": self.metrics_token,
            "SITE_URL": self.url,
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(self.ports["smtp"]),
            "DEFAULT_FROM_EMAIL": "ki-register@test.example",
            "WEBHOOK_PRIVATE_HOSTS_ALLOWED": "127.0.0.1",
            "WEBHOOK_RETRY_BASE_SECONDS": "1",
            # The receiver of the worker-kill test holds its first answer until the worker that
            # sent it is found and killed; with the default 10 s that attempt could time out
            # first on a loaded machine, and no worker would be left holding it.
            "WEBHOOK_TIMEOUT_SECONDS": "180",
            # Webhook receivers in the tests present the environment's own certificate.
            "REQUESTS_CA_BUNDLE": str(self.cert),
            "LOG_FORMAT": "json",
            **extra,
        }

    # --- processes -------------------------------------------------------------------------

    def _spawn(self, name: str, command: list[str], **env: str) -> subprocess.Popen[bytes]:
        log = (self.run_dir / f"{name}.log").open("ab")
        process = subprocess.Popen(  # noqa: S603 - our own programs with our own arguments
            command,
            cwd=ROOT,
            env=self.env(**env),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.processes[name] = process
        return process

    def kill(self, name: str, sig: int = signal.SIGKILL) -> None:
        """Ends one part (its whole process group: gunicorn's or Celery's children too)."""
        process = self.processes.pop(name, None)
        if process is None or process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)

    def start_redis(self) -> None:
        self._spawn(
            "redis",
            [
                "redis-server",
                "--port",
                str(self.ports["redis"]),
                "--bind",
                "127.0.0.1",
                "--dir",
                str(self.run_dir),
                "--appendonly",
                "yes",
                "--save",
                "",
                "--protected-mode",
                "yes",
            ],
        )

        def answers() -> bool:
            with socket.create_connection(("127.0.0.1", self.ports["redis"]), timeout=1) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")

        wait_for(answers, "redis")

    def start_pgproxy(self) -> None:
        self._spawn(
            "pgproxy",
            [
                str(PYTHON),
                "-m",
                "tests.scaleout.tcpproxy",
                str(self.ports["pgproxy"]),
                self.pg_host,
                str(self.pg_port),
            ],
        )
        wait_for(
            lambda: socket.create_connection(("127.0.0.1", self.ports["pgproxy"]), 1).close()
            or True,
            "pg proxy",
        )

    def start_web(self, name: str) -> None:
        self._spawn(
            name,
            [str(ENTRYPOINT), "web"],
            GUNICORN_BIND=f"127.0.0.1:{self.ports[name]}",
            GUNICORN_PROC_NAME=f"ki-register-{name}",
        )
        wait_for(
            lambda: requests.get(f"{self.instance_url(name)}/health/ready/", timeout=3).ok,
            f"gunicorn {name}",
        )

    def start_worker(self, name: str) -> None:
        self._spawn(name, [str(ENTRYPOINT), "worker", "--hostname", f"{name}@scaleout"])

    def start_beat(self) -> None:
        self._spawn("beat", [str(ENTRYPOINT), "beat"])

    def _nginx_conf(self) -> pathlib.Path:
        values = {
            "KI_SERVER_NAME": "127.0.0.1",
            "KI_LISTEN": f"127.0.0.1:{self.ports['https']}",
            "KI_LISTEN_HTTP": f"127.0.0.1:{self.ports['http']}",
            "KI_UPSTREAM_1": f"127.0.0.1:{self.ports['web1']}",
            "KI_UPSTREAM_2": f"127.0.0.1:{self.ports['web2']}",
            "KI_TLS_CERT": str(self.cert),
            "KI_TLS_KEY": str(self.key),
            "KI_STATIC_ROOT": str(ROOT / "staticfiles"),
            "KI_MEDIA_ROOT": str(self.run_dir / "media"),
        }
        site = string.Template(NGINX_TEMPLATE.read_text()).safe_substitute(values)
        (self.run_dir / "site.conf").write_text(site)
        temp = self.run_dir / "nginx-temp"
        temp.mkdir(exist_ok=True)
        user = "user root;\n" if os.geteuid() == 0 else ""
        main = f"""{user}worker_processes 1;
pid {self.run_dir}/nginx.pid;
error_log {self.run_dir}/nginx-error.log warn;
events {{ worker_connections 512; }}
http {{
    include /etc/nginx/mime.types;
    access_log {self.run_dir}/nginx-access.log;
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
    include {self.run_dir}/site.conf;
}}
"""
        conf = self.run_dir / "nginx.conf"
        conf.write_text(main)
        return conf

    def start_nginx(self) -> None:
        conf = self._nginx_conf()
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        self._spawn("nginx", [nginx, "-c", str(conf), "-p", str(self.run_dir), "-g", "daemon off;"])
        wait_for(
            lambda: requests.get(f"{self.url}/", timeout=5, verify=str(self.cert)).status_code
            == 200,
            "nginx",
        )

    def manage(self, *args: str, **env: str) -> str:
        result = subprocess.run(  # noqa: S603
            [str(ENTRYPOINT), "manage", *args],
            cwd=ROOT,
            env=self.env(**env),
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        if result.returncode != 0:
            raise RuntimeError(
                f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"
            )
        return result.stdout

    # --- the whole ---------------------------------------------------------------------------

    def up(self) -> Environment:
        # Whatever interrupts the start (a timeout, Ctrl-C), nothing of it outlives this process.
        atexit.register(self.down)
        for directory in ("state", "metrics", "media", "mail"):
            (self.run_dir / directory).mkdir(parents=True, exist_ok=True)
        subprocess.run(  # noqa: S603 - Debian's openssl
            [
                shutil.which("openssl") or "/usr/bin/openssl",
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-days",
                "2",
                "-subj",
                "/CN=127.0.0.1",
                "-addext",
                "subjectAltName=IP:127.0.0.1",
                "-keyout",
                str(self.key),
                "-out",
                str(self.cert),
            ],
            check=True,
            capture_output=True,
        )
        with psycopg.connect(ADMIN_URL, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{self.database}"')
            connection.execute(f'CREATE DATABASE "{self.database}"')
        self._spawn(
            "smtp",
            [
                str(PYTHON),
                "-m",
                "tests.scaleout.smtpsink",
                str(self.ports["smtp"]),
                str(self.mail_dir),
            ],
        )
        self.start_redis()
        self.start_pgproxy()
        if self._static_outdated():
            collect = subprocess.run(  # noqa: S603
                [str(ENTRYPOINT), "collectstatic"],
                cwd=ROOT,
                env=self.env(),
                capture_output=True,
                text=True,
                timeout=900,
                check=False,
            )
            if collect.returncode != 0:
                raise RuntimeError(f"collectstatic failed:\n{collect.stdout}\n{collect.stderr}")
        migrate = subprocess.run(  # noqa: S603
            [str(ENTRYPOINT), "migrate"],
            cwd=ROOT,
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        if migrate.returncode != 0:
            raise RuntimeError(f"entrypoint.sh migrate failed:\n{migrate.stdout}\n{migrate.stderr}")
        self.migrate_output = migrate.stdout + migrate.stderr
        self.start_web("web1")
        self.start_web("web2")
        self.start_worker("worker1")
        self.start_worker("worker2")
        self.start_beat()
        self.start_nginx()
        return self

    @staticmethod
    def _static_outdated() -> bool:
        """collectstatic compresses every file (minutes); run it only when a source is newer."""
        manifest = ROOT / "staticfiles" / "staticfiles.json"
        if not manifest.is_file():
            return True
        built = manifest.stat().st_mtime
        sources = [ROOT / "static", ROOT / "package-lock.json", ROOT / "requirements.lock"]
        for source in sources:
            paths = source.rglob("*") if source.is_dir() else [source]
            if any(path.stat().st_mtime > built for path in paths):
                return True
        return False

    def down(self) -> None:
        if self._down:
            return
        self._down = True
        for name in list(reversed(self.processes)):
            self.kill(name, signal.SIGTERM)
        with (
            contextlib.suppress(psycopg.Error),
            psycopg.connect(ADMIN_URL, autocommit=True) as connection,
        ):
            connection.execute(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')
        if not os.environ.get("SCALEOUT_KEEP_RUN_DIR"):
            shutil.rmtree(self.run_dir, ignore_errors=True)

    def mails(self) -> list[bytes]:
        return [path.read_bytes() for path in sorted(self.mail_dir.glob("*.eml"))]

    def log(self, name: str) -> str:
        return (self.run_dir / f"{name}.log").read_text(errors="replace")


@contextlib.contextmanager
def running() -> Iterator[Environment]:
    environment = Environment()
    try:
        yield environment.up()
    finally:
        environment.down()


def main() -> None:
    if sys.argv[1:] != ["up"]:
        sys.exit("usage: python -m tests.scaleout.environment up")
    with running() as environment:
        print(f"KI-Register (production settings) at {environment.url}; Ctrl-C stops it.")
        print(f"logs: {environment.run_dir}")
        with contextlib.suppress(KeyboardInterrupt):
            signal.pause()


if __name__ == "__main__":
    main()
