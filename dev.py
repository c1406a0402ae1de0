"""Bootstrap the project on a fresh machine: ``python3 dev.py run`` or ``python3 dev.py test``.

Only the standard library is used here, because this runs before anything is installed.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")


def _run(*args: str | Path, env: dict[str, str] | None = None) -> None:
    result = subprocess.run([str(a) for a in args], cwd=ROOT, env=env, check=False)
    if result.returncode != 0:
        sys.exit(result.returncode)


def ensure_venv(*, extras: str) -> None:
    """Create .venv and install the project's dependencies when pyproject.toml changed."""
    if sys.version_info < (3, 11):
        sys.exit("Python 3.11 or newer is required (found %s)." % sys.version.split()[0])
    if not PYTHON.exists():
        _run(sys.executable, "-m", "venv", VENV)
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes() + extras.encode()).hexdigest()
    stamp = VENV / f".installed-{extras or 'base'}"
    if stamp.exists() and stamp.read_text() == digest:
        return
    _run(PYTHON, "-m", "pip", "install", "--quiet", "--upgrade", "pip")
    target = f".[{extras}]" if extras else "."
    _run(PYTHON, "-m", "pip", "install", "--quiet", "-e", target)
    stamp.write_text(digest)


# Debian packages the tests use, by the command each provides: chromium (browser tests),
# gettext (the translation check), LibreOffice and poppler (the printed workbook). The
# last two come without their recommended packages (hundreds of MB the tests never use).
TEST_PACKAGES = (
    ("chromium", "chromium", True),
    ("gettext", "xgettext", True),
    ("libreoffice-calc-nogui", "soffice", False),
    ("poppler-utils", "pdftotext", False),
)


def ensure_test_packages() -> None:
    """Install the Debian packages of TEST_PACKAGES that are missing, when we may."""
    missing = [(p, rec) for p, command, rec in TEST_PACKAGES if not shutil.which(command)]
    if not missing:
        return
    if hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("apt-get"):
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        _run("apt-get", "update", "-qq", env=env)
        for recommends in (True, False):
            packages = [p for p, rec in missing if rec is recommends]
            if packages:
                flags = [] if recommends else ["--no-install-recommends"]
                _run("apt-get", "install", "-y", "-qq", *flags, *packages, env=env)
    else:
        names = ", ".join(p for p, _rec in missing)
        print(f"not found: {names}; the tests that need them will be skipped.")


def django_env() -> dict[str, str]:
    env = dict(os.environ)
    # Local runs are development runs unless the caller says otherwise.
    env.setdefault("DEBUG", "1")
    return env


def run(argv: list[str]) -> None:
    ensure_venv(extras="")
    env = django_env()
    _run(PYTHON, "manage.py", "migrate", "--noinput", env=env)
    _run(PYTHON, "manage.py", "setup_demo", env=env)
    address = argv[0] if argv else "127.0.0.1:8000"
    # The background worker (exports) runs beside the web server and stops with it. Each
    # runs in its own process group: their autoreloaders start children, and stopping the
    # group stops those too.
    group = {"start_new_session": True} if os.name == "posix" else {}

    def start_worker() -> subprocess.Popen:
        return subprocess.Popen(
            [str(PYTHON), "manage.py", "export_worker"], cwd=ROOT, env=env, **group
        )

    worker = start_worker()
    server = subprocess.Popen(
        [str(PYTHON), "manage.py", "runserver", address], cwd=ROOT, env=env, **group
    )
    # A TERM to this script stops both, as Ctrl+C does.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(0))
    code = 0
    try:
        # The worker exits when it cannot go on (exports/worker.py); start it again, as the
        # production service unit does (Restart=always).
        while (code := server.poll()) is None:
            if worker.poll() is not None:
                print(f"export worker exited ({worker.returncode}); restarting it", flush=True)
                time.sleep(2)
                worker = start_worker()
            time.sleep(1)
    except KeyboardInterrupt:
        pass
    finally:
        for process in (server, worker):
            _stop(process)
    sys.exit(code or 0)


def _stop(process: subprocess.Popen) -> None:
    """Stop a process and the children it started; kill it if it has not ended in 30 s."""
    if process.poll() is not None:
        return
    if os.name == "posix":
        os.killpg(process.pid, signal.SIGTERM)
    else:
        process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()


def install(argv: list[str]) -> None:
    """Install everything the tests need, without running them (used by CI)."""
    ensure_venv(extras="test")
    ensure_test_packages()


def test(argv: list[str]) -> None:
    install([])
    env = django_env()
    # One test process more than the cores (pytest-xdist), since tests also wait on the
    # database and the browser (on 2 cores, 3 processes ran the suite 20 % faster than 2
    # and 4 slower again); the caller may choose: "-n 0" runs in one process.
    chosen = any(a.startswith(("-n", "--numprocesses")) for a in argv)
    parallel = [] if chosen else ["-n", str((os.cpu_count() or 1) + 1)]
    result = subprocess.run(
        [str(PYTHON), "-m", "pytest", *parallel, *argv], cwd=ROOT, env=env, check=False
    )
    sys.exit(result.returncode)


def manage(argv: list[str]) -> None:
    """Run a manage.py command in the venv as a development run (DEBUG=1 unless set)."""
    ensure_venv(extras="")
    result = subprocess.run(
        [str(PYTHON), "manage.py", *argv], cwd=ROOT, env=django_env(), check=False
    )
    sys.exit(result.returncode)


def main() -> None:
    commands = {"run": run, "test": test, "install": install, "manage": manage}
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        sys.exit(
            "usage: python3 dev.py run [ADDRESS] | test [PYTEST ARGS] | install"
            " | manage COMMAND [ARGS]"
        )
    commands[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    main()
