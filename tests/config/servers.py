"""Private servers for the tests that stop one: a Redis and a PostgreSQL of their
own, on free ports in temporary folders, and gunicorn serving the app with the
production settings. The shared servers (5432, 6379) are never touched."""

import glob
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(condition, timeout, message):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    said = message() if callable(message) else message
    raise AssertionError(f"timed out after {timeout}s: {said}")


def accepts_connections(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


class PrivateRedis:
    """``redis-server`` on a free port, saving nothing, until ``stop()``."""

    def __init__(self):
        self.port = free_port()
        self.process = subprocess.Popen(
            [
                shutil.which("redis-server"),
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(lambda: accepts_connections(self.port), 15, "the private redis-server to start")

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}/0"

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=15)


def postgres_bin_dir():
    """The folder of PostgreSQL's server programs (initdb, pg_ctl), or None."""
    for path in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if Path(path, "initdb").is_file() and Path(path, "pg_ctl").is_file():
            return Path(path)
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb and shutil.which("pg_ctl") else None


class PrivatePostgres:
    """A PostgreSQL cluster of its own in a temporary folder, on a free port,
    trusting local connections, until ``stop()``. PostgreSQL refuses to run as
    root, so as root it runs as the ``postgres`` user, in a folder directly under
    the system's temporary folder (pytest's own are open to their owner only)."""

    def __init__(self):
        self.bin = postgres_bin_dir()
        self.port = free_port()
        self.base_dir = Path(tempfile.mkdtemp(prefix="tracker-test-postgres-"))
        self.data_dir = self.base_dir / "data"
        self.log_path = self.base_dir / "postgres.log"
        if os.geteuid() == 0:
            shutil.chown(self.base_dir, "postgres")
        self._run([self.bin / "initdb", "-D", self.data_dir, "-U", "postgres", "-A", "trust", "-N"])
        self._run(
            [
                self.bin / "pg_ctl",
                "-D",
                self.data_dir,
                "-l",
                self.log_path,
                "-w",
                "-o",
                f"-p {self.port} -k {self.base_dir} -c listen_addresses=127.0.0.1 -c fsync=off",
                "start",
            ]
        )

    def _run(self, command):
        command = [str(part) for part in command]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        result = subprocess.run(
            command, capture_output=True, text=True, timeout=120, check=False, cwd=self.base_dir
        )
        assert result.returncode == 0, f"{' '.join(command)}:\n{result.stdout}\n{result.stderr}"

    @property
    def url(self):
        return f"postgres://postgres@127.0.0.1:{self.port}/postgres"

    def log(self):
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def stop(self):
        if (self.data_dir / "postmaster.pid").exists():
            self._run([self.bin / "pg_ctl", "-D", self.data_dir, "-m", "fast", "-w", "stop"])

    def remove(self):
        self.stop()
        shutil.rmtree(self.base_dir, ignore_errors=True)


def production_env(**extra):
    """The production settings with a throwaway secret, over plain HTTP, and none
    of this machine's own DATABASE_URL, REDIS_URL or e-mail settings."""
    ours = ("DJANGO_", "DATABASE_URL", "REDIS_URL", "EMAIL_URL", "LOG_", "WEB_CONCURRENCY", "PORT")
    env = {key: value for key, value in os.environ.items() if not key.startswith(ours)}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        DJANGO_SECRET_KEY="production-settings-test-" + "x" * 40,
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DJANGO_SECURE_SSL_REDIRECT="false",
        PYTHONPATH=str(ROOT),
    )
    env.update({key: str(value) for key, value in extra.items()})
    return env


def gunicorn_command(*args):
    gunicorn = Path(sys.executable).with_name("gunicorn")
    return [str(gunicorn), "-c", "config/gunicorn.py", *args, "config.wsgi"]


class Gunicorn:
    """``gunicorn -c config/gunicorn.py config.wsgi`` on a free port, its output
    (stdout and stderr) in a file."""

    def __init__(self, log_dir, **env):
        self.port = free_port()
        self.log_path = Path(log_dir) / "gunicorn.log"
        self._log = self.log_path.open("wb")
        self.process = subprocess.Popen(
            gunicorn_command(),
            cwd=ROOT,
            env=production_env(PORT=self.port, WEB_CONCURRENCY=1, **env),
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        wait_for(self._answers, 60, self.log)

    def _answers(self):
        assert self.process.poll() is None, f"gunicorn exited:\n{self.log()}"
        return accepts_connections(self.port)

    def get(self, path):
        """(status, parsed JSON body) of a GET, 5xx answers included."""
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}")
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read())

    def log(self):
        return self.log_path.read_text(errors="replace")

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(timeout=40)
        self._log.close()
