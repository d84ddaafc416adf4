"""Production settings and the documented deployment (docs/deploy.md, deploy/).

Production takes every secret from the environment and refuses to start without it; its settings
pass Django's deployment checks; and the documented stack — nginx terminating TLS in front of
gunicorn (`counterpart serve`), with the intake worker beside it — starts on loopback and serves
/healthz and a static file through nginx.
"""

import base64
import datetime
import http.client
import os
import secrets
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.conf import settings

from .conftest import counterpart_environment, counterpart_run

REPOSITORY = Path(__file__).resolve().parents[3]
ON_POSTGRESQL = os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))
HOST = "counterpart.test"
REQUIRED = [
    "COUNTERPART_SECRET_KEY",
    "COUNTERPART_ALLOWED_HOSTS",
    "COUNTERPART_IDENTITY_KEYS",
    "COUNTERPART_IDENTITY_KEY_ID",
    "COUNTERPART_BLIND_INDEX_KEY",
]


def production_environment(data_dir: Path, database_url: str | None = None) -> dict[str, str]:
    def key() -> str:
        return base64.b64encode(os.urandom(32)).decode()

    return counterpart_environment(
        data_dir,
        database_url,
        DJANGO_SETTINGS_MODULE="config.settings.prod",
        COUNTERPART_SECRET_KEY=secrets.token_urlsafe(50),
        COUNTERPART_ALLOWED_HOSTS=f"{HOST},127.0.0.1",
        COUNTERPART_IDENTITY_KEYS=f"k1:{key()}",
        COUNTERPART_IDENTITY_KEY_ID="k1",
        COUNTERPART_BLIND_INDEX_KEY=key(),
        COUNTERPART_TRUSTED_PROXIES="1",
    )


SHOW_SETTINGS = (
    "import django; django.setup(); from django.conf import settings as s; "
    "print(s.DEBUG, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, "
    "s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS > 0, s.SECRET_KEY == os.environ['COUNTERPART_SECRET_KEY'])"
)


@pytest.mark.parametrize("missing", REQUIRED)
def test_production_refuses_to_start_without_each_secret(tmp_path: Path, missing: str) -> None:
    env = production_environment(tmp_path)
    del env[missing]
    result = subprocess.run([sys.executable, "-c", SHOW_SETTINGS], env=env, capture_output=True, text=True)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and missing in result.stderr


def test_production_refuses_a_weak_secret_key(tmp_path: Path) -> None:
    env = production_environment(tmp_path) | {"COUNTERPART_SECRET_KEY": "insecure-development-key-change-me"}
    result = subprocess.run([sys.executable, "-c", SHOW_SETTINGS], env=env, capture_output=True, text=True)
    assert result.returncode != 0 and "too short" in result.stderr


def test_production_cookies_are_secure_and_the_key_is_the_environments(tmp_path: Path) -> None:
    env = production_environment(tmp_path)
    result = subprocess.run(
        [sys.executable, "-c", "import os; " + SHOW_SETTINGS], env=env, capture_output=True, text=True, check=True
    )
    assert result.stdout.split() == ["False", "True", "True", "True", "True", "True", "True"]


def test_production_settings_pass_the_deployment_checks(tmp_path: Path) -> None:
    result = counterpart_run(production_environment(tmp_path), "check", "--deploy", "--fail-level", "WARNING")
    assert "no issues" in result.stdout + result.stderr


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _self_signed(directory: Path) -> tuple[Path, Path]:
    private = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, HOST)])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(private.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(HOST)]), critical=False)
        .sign(private, hashes.SHA256())
    )
    cert, key = directory / "cert.pem", directory / "key.pem"
    cert.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key.write_bytes(
        private.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return cert, key


def _nginx() -> str | None:
    if "COUNTERPART_NGINX" in os.environ:  # .ci/run's clean-PATH pass names none: the test skips, saying so
        return os.environ["COUNTERPART_NGINX"] if Path(os.environ["COUNTERPART_NGINX"]).is_file() else None
    return shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if Path(p).exists()), None)


def _get(port: int, path: str, *, tls: bool) -> http.client.HTTPResponse:
    if tls:
        context = ssl.create_default_context(cafile=str(_get.cafile))  # type: ignore[attr-defined]
        context.check_hostname = False  # we connect to 127.0.0.1; the certificate names the site
        connection: http.client.HTTPConnection = http.client.HTTPSConnection(
            "127.0.0.1", port, context=context, timeout=30
        )
    else:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", path, headers={"Host": HOST})
    response = connection.getresponse()
    response.body = response.read()  # type: ignore[attr-defined]
    connection.close()
    return response


@pytest.fixture
def processes() -> Iterator[list[subprocess.Popen[bytes]]]:
    started: list[subprocess.Popen[bytes]] = []
    yield started
    for process in started:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    for process in started:
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.mark.skipif(_nginx() is None, reason="nginx is not installed (.ci/run installs Debian's)")
def test_the_documented_deployment_serves_through_nginx(tmp_path: Path, processes, request) -> None:
    # given: the documented stack — PostgreSQL when the suite runs on it — with production settings
    database_url = request.getfixturevalue("fresh_postgresql_database")() if ON_POSTGRESQL else None
    if ON_POSTGRESQL:
        request.getfixturevalue("db")
    (tmp_path / "data").mkdir()
    env = production_environment(tmp_path / "data", database_url)
    counterpart_run(env, "migrate", "--noinput")
    app_port, http_port, https_port = _free_port(), _free_port(), _free_port()
    cert, key = _self_signed(tmp_path)
    _get.cafile = cert  # type: ignore[attr-defined]
    site = (REPOSITORY / "deploy" / "nginx" / "counterpart.conf").read_text()
    for placeholder, value in {
        "@SERVER_NAME@": HOST,
        "@HTTP_PORT@": f"127.0.0.1:{http_port}",
        "@HTTPS_PORT@": f"127.0.0.1:{https_port}",
        "@TLS_CERT@": str(cert),
        "@TLS_KEY@": str(key),
        "@STATIC_ROOT@": f"{tmp_path / 'data' / 'static'}/",
        "@UPSTREAM@": f"127.0.0.1:{app_port}",
    }.items():
        site = site.replace(placeholder, value)
    # the redirect names the public port, not the listen address
    site = site.replace(f"https://$host:127.0.0.1:{https_port}", f"https://$host:{https_port}")
    (tmp_path / "site.conf").write_text(site)
    # Run as root (CI), nginx's workers would be "nobody", who cannot read pytest's private temporary directory.
    user = "user root;\n" if os.geteuid() == 0 else ""
    (tmp_path / "nginx.conf").write_text(
        f"{user}pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\ndaemon off;\nevents {{}}\n"
        f"http {{\n include /etc/nginx/mime.types;\n access_log {tmp_path}/access.log;\n"
        f" client_body_temp_path {tmp_path}/body; proxy_temp_path {tmp_path}/proxy;\n"
        f" fastcgi_temp_path {tmp_path}/fcgi; uwsgi_temp_path {tmp_path}/uwsgi; scgi_temp_path {tmp_path}/scgi;\n"
        f" include {tmp_path}/site.conf;\n}}\n"
    )
    nginx = _nginx()
    assert nginx is not None
    subprocess.run([nginx, "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")], check=True)

    # when: gunicorn, the worker and nginx start
    command = [sys.executable, "-m", "counterpart.cli"]
    processes.append(
        subprocess.Popen(
            [*command, "serve", "--host", "127.0.0.1", "--port", str(app_port), "--workers", "2", "--no-worker"],
            env=env,
        )
    )
    processes.append(subprocess.Popen([*command, "worker", "--poll", "1"], env=env))
    processes.append(subprocess.Popen([nginx, "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")]))
    deadline = time.monotonic() + 180
    while True:
        try:
            health = _get(https_port, "/healthz", tls=True)
            if health.status == 200:
                break
        except (OSError, http.client.HTTPException):
            pass
        assert time.monotonic() < deadline, "the deployment did not answer within 3 minutes"
        assert all(p.poll() is None for p in processes), "a process of the deployment exited"
        time.sleep(1)

    # then: /healthz answers through nginx over TLS, from the configured database
    assert health.body == (  # type: ignore[attr-defined]
        b'{"status": "ok", "database": "' + (b"postgresql" if ON_POSTGRESQL else b"sqlite") + b'"}'
    )
    assert health.getheader("Strict-Transport-Security")  # Django saw the request as HTTPS via nginx
    # a static file is served by nginx itself, byte for byte what collectstatic wrote
    stylesheet = _get(https_port, "/static/web/app.css", tls=True)
    assert stylesheet.status == 200
    assert stylesheet.body == (tmp_path / "data" / "static" / "web" / "app.css").read_bytes()  # type: ignore[attr-defined]
    assert "immutable" in (stylesheet.getheader("Cache-Control") or "")
    # plain HTTP only redirects to HTTPS
    plain = _get(http_port, "/healthz", tls=False)
    assert plain.status == 301 and plain.getheader("Location") == f"https://{HOST}:{https_port}/healthz"
    # and the worker is still running beside the web server
    assert processes[1].poll() is None
    assert settings.ROOT_URLCONF  # the suite's own settings were not disturbed
