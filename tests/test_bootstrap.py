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


def no_pip_python(tmp_path) -> Path:
    """A Python without pip, as Debian 13 and Ubuntu 24.04 ship python3."""
    nopip = tmp_path / "nopip"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(nopip)], check=True, timeout=120)
    python = nopip / "bin" / "python"
    assert subprocess.run([python, "-m", "pip", "--version"], capture_output=True).returncode != 0
    return python


def checkout_with_bootstrap(tmp_path) -> Path:
    """A checkout holding only the bootstrap script, so that its var/ and .venv are the test's own."""
    checkout = tmp_path / "checkout"
    (checkout / "scripts").mkdir(parents=True)
    (checkout / "scripts" / "bootstrap.sh").write_text((ROOT / "scripts" / "bootstrap.sh").read_text())
    return checkout


def bootstrap(checkout: Path, env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["bash", str(checkout / "scripts" / "bootstrap.sh"), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )


def fake_uv_wheel(folder: Path) -> Path:
    """A wheel named uv whose script prints a version: pip installs it from this folder, offline."""
    import zipfile

    folder.mkdir()
    wheel = folder / "uv-99.0.0-py3-none-any.whl"
    files = {
        "uv-99.0.0.data/scripts/uv": "#!/bin/sh\necho 'uv 99.0.0 (fake)'\n",
        "uv-99.0.0.dist-info/METADATA": "Metadata-Version: 2.1\nName: uv\nVersion: 99.0.0\n",
        "uv-99.0.0.dist-info/WHEEL": (
            "Wheel-Version: 1.0\nGenerator: duban-tests\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
        ),
    }
    record = "".join(f"{name},,\n" for name in files) + "uv-99.0.0.dist-info/RECORD,,\n"
    with zipfile.ZipFile(wheel, "w") as z:
        for name, text in files.items():
            info = zipfile.ZipInfo(name)
            info.external_attr = 0o100755 << 16  # a regular file, executable
            z.writestr(info, text)
        z.writestr("uv-99.0.0.dist-info/RECORD", record)
    return wheel


def test_uv_is_installed_with_a_python_that_has_no_pip(tmp_path):
    """Debian 13 and Ubuntu 24.04 ship python3 without pip (and PEP 668 forbids pip on it): the uv step
    must make its own venv under var/tools instead of calling `python3 -m pip`."""
    python = no_pip_python(tmp_path)
    checkout = checkout_with_bootstrap(tmp_path)
    wheels = tmp_path / "wheels"
    fake_uv_wheel(wheels)
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
        "PYTHON": str(python),
        "PIP_NO_INDEX": "1",
        "PIP_FIND_LINKS": str(wheels),
    }
    r = bootstrap(checkout, env, "--uv")
    assert r.returncode == 0, r.stderr
    uv = checkout / "var" / "tools" / "uv" / "bin" / "uv"
    assert r.stdout.strip() == str(uv)
    assert subprocess.run([uv], capture_output=True, text=True).stdout.strip() == "uv 99.0.0 (fake)"
    # a second run finds it and installs nothing
    again = bootstrap(checkout, env, "--uv")
    assert again.returncode == 0 and again.stdout.strip() == str(uv)
    assert "installing uv" not in again.stderr


def test_a_failed_uv_install_stops_the_bootstrap_and_leaves_nothing(tmp_path):
    """No uv on the index (no network, a proxy refusing): the bootstrap stops with a message instead of
    going on to run a uv that is not there."""
    python = no_pip_python(tmp_path)
    checkout = checkout_with_bootstrap(tmp_path)
    (tmp_path / "empty").mkdir()
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
        "PYTHON": str(python),
        "PIP_NO_INDEX": "1",
        "PIP_FIND_LINKS": str(tmp_path / "empty"),
    }
    r = bootstrap(checkout, env)
    assert r.returncode != 0
    assert "Could not install uv" in r.stderr
    assert "No such file" not in r.stderr
    assert not (checkout / "var" / "tools" / "uv").exists()
    assert not (checkout / ".venv").exists()
