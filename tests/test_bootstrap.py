"""The bootstrap script finds a Python that actually runs, skipping pyenv shims that exit 127."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def find(tmp_path, env_extra):
    env = {"PATH": f"{tmp_path}:/usr/bin:/bin", "HOME": str(tmp_path), **env_extra}
    return subprocess.run(
        ["bash", str(ROOT / "scripts" / "bootstrap.sh"), "--print-python"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )


def test_a_broken_shim_is_skipped_and_PYTHON_wins(tmp_path):
    shim = tmp_path / "python3.12"
    shim.write_text("#!/bin/sh\necho 'pyenv: python3.12: command not found' >&2\nexit 127\n")
    shim.chmod(0o755)
    r = find(tmp_path, {"PYTHON": sys.executable})
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == sys.executable


def test_a_working_python_on_path_is_found(tmp_path):
    link = tmp_path / "python3.13"
    link.symlink_to(sys.executable)
    r = find(tmp_path, {})
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == str(link)


def test_a_too_old_PYTHON_is_refused_with_a_message(tmp_path):
    old = tmp_path / "old-python"
    old.write_text("#!/bin/sh\nexit 1\n")
    old.chmod(0o755)
    r = find(tmp_path, {"PYTHON": str(old)})
    assert r.returncode != 0
    assert "3.12" in r.stderr


def test_pyenv_versions_are_searched(tmp_path):
    root = tmp_path / "pyenv"
    (root / "versions" / "3.12.9" / "bin").mkdir(parents=True)
    (root / "versions" / "3.12.9" / "bin" / "python3").symlink_to(sys.executable)
    fake = tmp_path / "pyenv-bin"
    fake.mkdir()
    (fake / "pyenv").write_text(f'#!/bin/sh\n[ "$1" = root ] && echo {root}\n')
    (fake / "pyenv").chmod(0o755)
    env = {"PATH": f"{fake}:/usr/bin:/bin", "HOME": str(tmp_path)}
    r = subprocess.run(
        ["bash", str(ROOT / "scripts" / "bootstrap.sh"), "--print-python"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    if (
        os.path.exists("/usr/bin/python3")
        and subprocess.run(
            ["/usr/bin/python3", "-c", "import sys; sys.exit(sys.version_info < (3, 12))"]
        ).returncode
        == 0
    ):
        return  # the system python would be found first on PATH-less search; nothing to assert here
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == str(root / "versions" / "3.12.9" / "bin" / "python3")
