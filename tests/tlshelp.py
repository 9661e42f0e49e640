"""TLS certificates, token files and TCP addresses for tests of remote engines."""

from __future__ import annotations

import datetime
import ipaddress
import re
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from enginehelp import EngineProcess

TOKENS = {
    "viewer": "viewer-token-0123456789abcdef",
    "operator": "operator-token-0123456789abcdef",
    "admin": "admin-token-0123456789abcdef",
}


def make_cert(directory: Path) -> tuple[Path, Path]:
    """A self-signed certificate for localhost and 127.0.0.1."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost"),
                                                    x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                       critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "cert.pem", directory / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    key_path.chmod(0o600)
    return cert_path, key_path


def write_tokens(path: Path) -> Path:
    path.write_text("tokens:\n" + "".join(f"  - token: {tok}\n    role: {role}\n    name: {role}-user\n"
                                         for role, tok in TOKENS.items()))
    path.chmod(0o600)  # the engine refuses a tokens file others can read
    return path


def tcp_address(engine: EngineProcess) -> str:
    """The HOST:PORT the engine printed in its ready line (port 0 picks a free one)."""
    m = re.search(r"pelorus engine ready on (.+)", engine.log())
    assert m, engine.log()
    addrs = [a for a in m.group(1).split() if not a.startswith("unix:")]
    assert addrs and not addrs[0].endswith(":0"), m.group(0)
    return addrs[0]


