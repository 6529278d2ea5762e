"""The simulator's synthetic certificates and keys (``data/``, made by
``scripts/make_fixtures.py``), and the package's copy of the genuine J-LIS root."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from ..trust import JLIS_AUTH_ROOTS, shipped_root

DATA_DIR = Path(__file__).resolve().parent / "data"
#: The simulator's root: give it as ``--trust-anchor`` to a card served through pcscd.
SIMULATOR_ROOT_PEM = "simulator-root.pem"
#: Stem of the genuine (public) J-LIS generation-2 auth root, for the forged card.
JLIS_GENERATION_2 = "jlis-auth-ca-2019"


def data_file(name: str) -> Path:
    """Path of a fixture in ``simcard/data`` (``"private-root.pem"``, ``"ee-valid.der"``)."""
    path = DATA_DIR / name
    if not path.is_file():
        raise FileNotFoundError(path)
    return path


@cache
def load_der(stem: str) -> bytes:
    """The DER certificate ``<stem>.der`` from ``simcard/data``; for
    :data:`JLIS_GENERATION_2`, the package's copy of the genuine J-LIS root."""
    if stem == JLIS_GENERATION_2:
        (root,) = (root for root in JLIS_AUTH_ROOTS if root.file == f"{stem}.pem")
        return shipped_root(root)
    return data_file(f"{stem}.der").read_bytes()


@cache
def load_key(stem: str) -> rsa.RSAPrivateKey:
    """The synthetic RSA private key ``<stem>.key.pem`` from ``simcard/data``."""
    # Our own synthetic keys: skip the costly RSA consistency check (~60 ms per key).
    key = serialization.load_pem_private_key(
        data_file(f"{stem}.key.pem").read_bytes(), None, unsafe_skip_rsa_key_validation=True
    )
    if not isinstance(key, rsa.RSAPrivateKey):
        raise TypeError(f"{stem}.key.pem is not an RSA key")
    return key


def not_a_certificate() -> bytes:
    """A DER SEQUENCE of the right length that is not a certificate."""
    inner = b"\x02\x01\x01" + b"\x04\x82\x03\x80" + bytes(range(256)) * 3 + bytes(range(128))
    return b"\x30\x82" + len(inner).to_bytes(2, "big") + inner


def truncated_certificate() -> bytes:
    """A header that claims the whole certificate, with only the first 600 bytes present."""
    return load_der("ee-valid")[:600]
