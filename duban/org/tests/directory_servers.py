"""Real directory servers on this machine for the single sign-on tests: OpenLDAP's slapd (Debian's
package, with a throwaway configuration) and a small OpenID Connect provider signing RS256 ID tokens.

Both listen on 127.0.0.1 only, on ports 18400–18499, and stop when the test class ends.
"""

import json
import os
import secrets
import shutil
import socket
import subprocess
import tempfile
import threading
import time
import unittest
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlparse

LDAP_PORTS = range(18400, 18450)
OIDC_PORTS = range(18450, 18500)
BASE_DN = "dc=jl,dc=gov,dc=cn"
ROOT_DN = f"cn=admin,{BASE_DN}"
ROOT_PW = "directory-admin-pw"
PEOPLE = f"ou=people,{BASE_DN}"


def free_port(ports: range) -> int:
    for port in ports:
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port in {ports}")


def _wait_for_port(port: int, proc: subprocess.Popen | None = None, timeout: float = 15) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"the server exited with {proc.returncode}")
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port} after {timeout} s")


def slapd_path() -> str:
    """Debian's slapd, or a loud failure in CI (where bootstrap.sh installs it) and a skip elsewhere."""
    found = shutil.which("slapd") or ("/usr/sbin/slapd" if os.path.exists("/usr/sbin/slapd") else None)
    if found:
        return found
    message = (
        "slapd not found: run `make install` as root (apt-get install -y slapd ldap-utils) / 未找到 slapd"
    )
    if os.environ.get("CI"):
        raise AssertionError(message)  # CI installs it: its absence is a failure, never a skip
    raise unittest.SkipTest(message)


SLAPD_CONF = """\
include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/inetorgperson.schema
include /etc/ldap/schema/nis.schema
modulepath /usr/lib/ldap
moduleload back_mdb
pidfile {dir}/slapd.pid
database mdb
maxsize 20971520
suffix "{base}"
rootdn "{root}"
rootpw {rootpw}
directory {dir}/data
access to attrs=userPassword by anonymous auth by self write by * none
access to * by users read by anonymous read
"""


class LdapServer:
    """slapd with an empty database under a temporary folder; people are added with add_person()."""

    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="duban-slapd-"))
        self.port = free_port(LDAP_PORTS)
        self.url = f"ldap://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen | None = None

    def start(self) -> "LdapServer":
        slapd = slapd_path()
        (self.dir / "data").mkdir()
        conf = self.dir / "slapd.conf"
        conf.write_text(SLAPD_CONF.format(dir=self.dir, base=BASE_DN, root=ROOT_DN, rootpw=ROOT_PW))
        # -d 0: stay in the foreground (this process owns it); -h: only this address and port.
        self.proc = subprocess.Popen(
            [slapd, "-f", str(conf), "-h", f"{self.url}/", "-d", "0"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        try:
            _wait_for_port(self.port, self.proc)
        except RuntimeError as e:
            err = self.proc.stderr.read().decode(errors="replace") if self.proc.stderr else ""
            self.stop()
            raise RuntimeError(f"slapd did not start: {e}\n{err}") from None
        with self.admin() as c:
            c.add(BASE_DN, ["dcObject", "organization"], {"o": "吉林省人民政府", "dc": "jl"})
            c.add(PEOPLE, ["organizationalUnit"], {"ou": "people"})
        return self

    def admin(self):
        import ldap3

        return ldap3.Connection(
            ldap3.Server(self.url), ROOT_DN, ROOT_PW, auto_bind=True, raise_exceptions=True
        )

    def add_department(self, name: str) -> str:
        dn = f"ou={name},{PEOPLE}"
        with self.admin() as c:
            c.add(dn, ["organizationalUnit"], {"ou": name})
        return dn

    def add_person(self, uid: str, name: str, department: str, password: str, **attrs) -> str:
        dn = f"uid={uid},ou={department},{PEOPLE}"
        with self.admin() as c:
            c.add(
                dn,
                ["inetOrgPerson"],
                {
                    "uid": uid,
                    "cn": name,
                    "sn": name[:1],
                    "userPassword": password,
                    "mail": f"{uid}@jl.gov.cn",
                    **attrs,
                },
            )
        return dn

    def move_person(self, uid: str, old_department: str, new_department: str) -> None:
        with self.admin() as c:
            c.modify_dn(
                f"uid={uid},ou={old_department},{PEOPLE}",
                f"uid={uid}",
                new_superior=f"ou={new_department},{PEOPLE}",
            )

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc is not None and self.proc.stderr:
            self.proc.stderr.close()
        shutil.rmtree(self.dir, ignore_errors=True)


# --- a small OpenID Connect provider -------------------------------------------------------------


class OidcProvider:
    """The authorization code flow of an OpenID Connect provider, enough for a relying party: the
    authorization endpoint signs in whoever ``next_claims`` says (the test plays the person at the
    provider's login page), the token endpoint returns an RS256 ID token carrying the nonce, userinfo
    returns the claims, and JWKS publishes the public key."""

    def __init__(self, client_id: str = "duban", client_secret: str = "s3cret") -> None:
        from cryptography.hazmat.primitives.asymmetric import rsa

        self.client_id, self.client_secret = client_id, client_secret
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.kid = secrets.token_hex(4)
        self.port = free_port(OIDC_PORTS)
        self.issuer = f"http://127.0.0.1:{self.port}"
        self.next_claims: dict = {}
        self.codes: dict[str, dict] = {}
        self.tokens: dict[str, dict] = {}
        self.audience: str | None = None  # set to send tokens meant for another client
        self.server: ThreadingHTTPServer | None = None

    def settings(self) -> dict:
        return {
            "DUBAN_OIDC_ENABLED": True,
            "DUBAN_OIDC_ISSUER": self.issuer,
            "OIDC_RP_CLIENT_ID": self.client_id,
            "OIDC_RP_CLIENT_SECRET": self.client_secret,
            "OIDC_OP_AUTHORIZATION_ENDPOINT": f"{self.issuer}/authorize",
            "OIDC_OP_TOKEN_ENDPOINT": f"{self.issuer}/token",
            "OIDC_OP_USER_ENDPOINT": f"{self.issuer}/userinfo",
            "OIDC_OP_JWKS_ENDPOINT": f"{self.issuer}/jwks",
        }

    def jwks(self) -> dict:
        from jwt.algorithms import RSAAlgorithm

        jwk = json.loads(RSAAlgorithm.to_jwk(self.key.public_key()))
        return {"keys": [{**jwk, "kid": self.kid, "alg": "RS256", "use": "sig"}]}

    def id_token(self, claims: dict, nonce: str | None) -> str:
        import jwt

        now = int(time.time())
        payload = {
            "iss": self.issuer,
            "aud": self.audience or self.client_id,
            "iat": now,
            "exp": now + 300,
            "sub": claims["sub"],
            **({"nonce": nonce} if nonce else {}),
        }
        return jwt.encode(payload, self.key, algorithm="RS256", headers={"kid": self.kid})

    def start(self) -> "OidcProvider":
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _json(self, status: int, body: dict) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                url = urlparse(self.path)
                q = {k: v[0] for k, v in parse_qs(url.query).items()}
                if url.path == "/authorize":
                    if q.get("client_id") != provider.client_id or q.get("response_type") != "code":
                        return self._json(400, {"error": "invalid_request"})
                    code = secrets.token_urlsafe(16)
                    provider.codes[code] = {
                        "claims": dict(provider.next_claims),
                        "nonce": q.get("nonce"),
                        "redirect_uri": q["redirect_uri"],
                    }
                    self.send_response(302)
                    self.send_header(
                        "Location", f"{q['redirect_uri']}?{urlencode({'code': code, 'state': q['state']})}"
                    )
                    self.end_headers()
                elif url.path == "/jwks":
                    self._json(200, provider.jwks())
                elif url.path == "/userinfo":
                    token = self.headers.get("Authorization", "").removeprefix("Bearer ")
                    if token not in provider.tokens:
                        return self._json(401, {"error": "invalid_token"})
                    self._json(200, provider.tokens[token])
                else:
                    self._json(404, {"error": "not_found"})

            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                if urlparse(self.path).path != "/token":
                    return self._json(404, {"error": "not_found"})
                grant = provider.codes.pop(form.get("code", ""), None)
                if (
                    grant is None
                    or form.get("client_id") != provider.client_id
                    or form.get("client_secret") != provider.client_secret
                    or form.get("redirect_uri") != grant["redirect_uri"]
                ):
                    return self._json(400, {"error": "invalid_grant"})
                access = secrets.token_urlsafe(16)
                provider.tokens[access] = grant["claims"]
                self._json(
                    200,
                    {
                        "access_token": access,
                        "token_type": "Bearer",
                        "expires_in": 300,
                        "id_token": provider.id_token(grant["claims"], grant["nonce"]),
                    },
                )

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        _wait_for_port(self.port)
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
