"""Is this request really from Alexa, and meant for us? The checks ask-sdk-webservice-support 1.3.3 makes, on
`cryptography` alone (its verifier needs oscrypto, which cannot load on OpenSSL 3.0.10+).

- `SignatureCertChainUrl` points into Amazon's bucket: https, s3.amazonaws.com, port 443, path under /echo.api/
  once percent-decoded and normalised, no user name.
- The chain found there (leaf first) leads to a trusted root, and its leaf is a current certificate for
  echo-api.amazon.com that may sign.
- `Signature-256` is that leaf's RSA PKCS#1 v1.5 / SHA-256 signature of the raw body bytes.
- `request.timestamp` is within 150 s of now (an hour for AlexaSkillEvent.* requests).
- The application id is one of ours, when we have said which ids are ours.

Every failure is a `VerificationError` whose text is a short reason, safe to log and to send back in a 400.
"""

from __future__ import annotations

import base64
import hashlib
import posixpath
import re
import ssl
import threading
import warnings
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from http.client import HTTPException
from os import PathLike
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping, Sequence, TypeVar
from urllib.parse import quote, unquote, urlsplit
from urllib.request import urlopen

import certifi
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.utils import CryptographyDeprecationWarning
from cryptography.x509 import verification

CERT_URL_HEADER = "SignatureCertChainUrl"
SIGNATURE_HEADER = "Signature-256"
CERT_URL_HOST = "s3.amazonaws.com"
CERT_URL_PATH = "/echo.api/"
ALEXA_SIGNER = "echo-api.amazon.com"
MAX_SKEW = timedelta(seconds=150)  # Amazon will not certify a skill that allows more
SKILL_EVENT_MAX_SKEW = timedelta(hours=1)  # skill events may be delivered late
FETCH_TIMEOUT_SECONDS = 5.0
MAX_CHAIN_BYTES = 64 * 1024  # Amazon's chain is about 5 KB
_PEM_CERTIFICATE = re.compile(rb"-----BEGIN CERTIFICATE-----.+?-----END CERTIFICATE-----", re.DOTALL)
_ENCODED_SEPARATOR = re.compile(r"%2e|%2f|%5c|\\", re.IGNORECASE)  # ., / and \ spelt so as to hide them
_UNSAFE_DECODED = re.compile(r"[%\\\x00-\x20\x7f]")
E = TypeVar("E", bound=x509.ExtensionType)


class VerificationError(Exception):
    """The request did not pass; `str()` is a short reason that names the rule, never the body."""


def load_trust_roots(path: str | PathLike[str] | None = None) -> list[x509.Certificate]:
    """The certificates of a PEM bundle; by default certifi's, which include Amazon's roots.

    Certificates that cryptography refuses are skipped rather than failing the whole bundle: certifi holds roots
    with a zero serial number, which cryptography 50 only warns about but has announced it will reject.
    """
    data = Path(path or certifi.where()).read_bytes()
    roots = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CryptographyDeprecationWarning)
        for block in _PEM_CERTIFICATE.findall(data):
            try:
                roots.append(x509.load_pem_x509_certificate(block))
            except ValueError:
                continue
    if not roots:
        raise ValueError(f"no certificates in {path or certifi.where()}")
    return roots


def download_chain(url: str, timeout: float = FETCH_TIMEOUT_SECONDS) -> bytes:
    """GET the chain. The timeout keeps a slow S3 from holding a worker; the size cap keeps memory bounded."""
    context = ssl.create_default_context(cafile=certifi.where())  # not all Pythons find the system's roots
    with urlopen(url, timeout=timeout, context=context) as response:  # the URL has passed check_cert_url
        data = response.read(MAX_CHAIN_BYTES + 1)
    if len(data) > MAX_CHAIN_BYTES:
        raise ValueError("certificate chain is too large")
    return data


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def header(headers: Mapping[str, str], name: str) -> str | None:
    """Case-insensitive, for plain dicts as well as Werkzeug's headers. A direct lookup first: Werkzeug's is
    case-insensitive itself (one environ key), so the walk through every header only runs for a header that is
    missing or a plain dict spelt another way."""
    value = headers.get(name)
    if value is not None:
        return value
    wanted = name.lower()
    return next((value for key, value in headers.items() if key.lower() == wanted), None)


def check_cert_url(url: str | None) -> str:
    """The URL in one canonical spelling (lower-case host, no default port, dot segments resolved, no fragment),
    which is what is fetched and what cached chains are keyed by, so the URL checked is the URL used.

    Decoded before it is normalised: /echo.api/%2e%2e/ is /echo.api/../ to a server that decodes. Encoded dots,
    slashes and backslashes are refused outright; Amazon's URLs never need them.
    """
    if not url:
        raise VerificationError(f"missing {CERT_URL_HEADER} header")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise VerificationError("certificate URL is malformed") from None
    if parts.scheme.lower() != "https":
        raise VerificationError("certificate URL must use https")
    if "@" in parts.netloc:  # https://s3.amazonaws.com@evil.example/ is a request to evil.example
        raise VerificationError("certificate URL must not carry a user name")
    if (parts.hostname or "").lower() != CERT_URL_HOST:
        raise VerificationError(f"certificate URL must be on {CERT_URL_HOST}")
    if port not in (None, 443):
        raise VerificationError("certificate URL must use port 443")
    if _ENCODED_SEPARATOR.search(parts.path):
        raise VerificationError("certificate URL path has encoded dots or slashes")
    try:
        path = unquote(parts.path, errors="strict")
    except UnicodeDecodeError:
        raise VerificationError("certificate URL is malformed") from None
    if _UNSAFE_DECODED.search(path):  # a second layer of encoding (%252e), or control characters
        raise VerificationError("certificate URL path has encoded dots or slashes")
    path = posixpath.normpath(path) if path else "/"
    if not path.startswith(CERT_URL_PATH):
        raise VerificationError(f"certificate URL path must be under {CERT_URL_PATH}")
    query = f"?{parts.query}" if parts.query else ""  # a query can name another object (versionId): kept
    return f"https://{CERT_URL_HOST}{quote(path)}{query}"


def chain_file_name(url: str) -> str:
    """The name of a chain's offline copy in `--cert-chain-dir`: the SHA-256 of the checked URL (as
    `check_cert_url` returns it), so two chains with one file name in different folders never stand in for each
    other."""
    return hashlib.sha256(url.encode("utf-8")).hexdigest() + ".pem"


def decode_signature(value: str | None) -> bytes:
    if not value:
        raise VerificationError(f"missing {SIGNATURE_HEADER} header")
    try:
        signature = base64.b64decode(value, validate=True)
    except ValueError:
        raise VerificationError(f"{SIGNATURE_HEADER} header is not base64") from None
    if not signature:
        raise VerificationError(f"{SIGNATURE_HEADER} header is empty")
    return signature


def parse_chain(data: bytes) -> list[x509.Certificate]:
    if not data.strip():
        raise VerificationError("certificate chain is empty")
    try:
        return x509.load_pem_x509_certificates(data)
    except ValueError:
        raise VerificationError("certificate chain is not PEM certificates") from None


def check_chain(chain: Sequence[x509.Certificate], roots: verification.Store,
                now: datetime) -> list[x509.Certificate]:
    """The leaf is checked by hand first only to give clear reasons; cryptography's path validation (CA/Browser
    forum server profile, as for a TLS server named echo-api.amazon.com) then checks all of it again."""
    leaf, intermediates = chain[0], list(chain[1:])
    if now < leaf.not_valid_before_utc:
        raise VerificationError("signing certificate is not valid yet")
    if now > leaf.not_valid_after_utc:
        raise VerificationError("signing certificate has expired")
    names = _extension(leaf, x509.SubjectAlternativeName)
    if names is None or ALEXA_SIGNER not in names.get_values_for_type(x509.DNSName):
        raise VerificationError(f"signing certificate is not for {ALEXA_SIGNER}")
    # The server profile does not require digitalSignature of a leaf (TLS key exchange may not need it); the
    # SDK's verifier did, and we use the key for nothing else.
    usage = _extension(leaf, x509.KeyUsage)
    if usage is None or not usage.digital_signature:
        raise VerificationError("signing certificate may not sign")
    verifier = (verification.PolicyBuilder().store(roots).time(now)
                .build_server_verifier(x509.DNSName(ALEXA_SIGNER)))
    try:
        return verifier.verify(leaf, intermediates)  # the validated path, leaf to root
    except verification.VerificationError as failure:
        raise VerificationError("certificate chain is not trusted") from failure


def check_body_signature(leaf: x509.Certificate, signature: bytes, body: bytes) -> None:
    try:
        key = leaf.public_key()
    except ValueError:
        key = None
    if not isinstance(key, rsa.RSAPublicKey):
        raise VerificationError("signing certificate has no RSA key")
    try:
        key.verify(signature, body, padding.PKCS1v15(), hashes.SHA256())
    except InvalidSignature:
        raise VerificationError("signature does not match the body") from None


def check_timestamp(envelope: Mapping[str, Any], now: datetime) -> None:
    request = envelope.get("request")
    stamp = request.get("timestamp") if isinstance(request, Mapping) else None
    if not isinstance(stamp, str) or not stamp:
        raise VerificationError("request has no timestamp")
    try:
        moment = datetime.fromisoformat(stamp)
    except ValueError:
        raise VerificationError("request timestamp is not an ISO 8601 time") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)  # Alexa always writes Z; a bare time can only mean UTC
    kind = request.get("type")
    tolerance = SKILL_EVENT_MAX_SKEW if isinstance(kind, str) and kind.startswith("AlexaSkillEvent.") else MAX_SKEW
    if abs(now - moment) > tolerance:
        raise VerificationError(f"request timestamp is more than {tolerance.total_seconds():.0f} s from now")


def application_id(envelope: Mapping[str, Any]) -> str | None:
    """context.System.application.applicationId, or the session's for requests sent without a context."""
    for path in (("context", "System", "application", "applicationId"), ("session", "application", "applicationId")):
        node: Any = envelope
        for key in path:
            node = node.get(key) if isinstance(node, Mapping) else None
        if isinstance(node, str) and node:
            return node
    return None


def check_application_id(envelope: Mapping[str, Any], skill_ids: frozenset[str]) -> None:
    found = application_id(envelope)
    if found is None:
        raise VerificationError("request has no application id")
    if found not in skill_ids:
        raise VerificationError("request is for another skill")


class ChainCache:
    """Validated signing chains by URL, each kept while every certificate on its path is in date.

    Roots and chain do not change, so a path valid once stays valid exactly while the clock is inside all of its
    certificates' validity windows: a hit needs no path validation, only that comparison. Locked because a
    threaded server shares one verifier; bounded because the URL (query string and all) comes from the
    request, so a sender could otherwise fill memory with copies of Amazon's chain.
    """

    def __init__(self, max_entries: int = 32):
        self._chains: dict[str, tuple[list[x509.Certificate], datetime, datetime]] = {}
        self._max_entries = max_entries
        self._lock = threading.Lock()

    def get(self, url: str, now: datetime) -> list[x509.Certificate] | None:
        with self._lock:
            chain, valid_from, valid_until = self._chains.get(url, (None, now, now))
            if chain is not None and not valid_from <= now <= valid_until:
                del self._chains[url]
                return None
            return chain

    def put(self, url: str, chain: list[x509.Certificate], path: Sequence[x509.Certificate]) -> None:
        valid_from = max(certificate.not_valid_before_utc for certificate in path)
        valid_until = min(certificate.not_valid_after_utc for certificate in path)
        with self._lock:
            self._chains.pop(url, None)
            self._chains[url] = (chain, valid_from, valid_until)
            while len(self._chains) > self._max_entries:
                del self._chains[next(iter(self._chains))]  # the oldest entry


@dataclass
class RequestVerifier:
    """All the checks for one endpoint, with flask-ask-sdk's two switches. Safe to share between threads."""

    trust_roots: Sequence[x509.Certificate] | None = None  # None: certifi's, loaded on first use
    skill_ids: frozenset[str] = frozenset()  # empty: any application id is answered
    verify_signature: bool = True  # certificate URL, chain and signature
    verify_timestamp: bool = True
    fetch_chain: Callable[[str], bytes] = download_chain
    chain_dir: Path | None = None  # offline copies of chains, named by chain_file_name; still fully validated
    clock: Callable[[], datetime] = utc_now
    _cache: ChainCache = field(default_factory=ChainCache, init=False, repr=False)
    _store: verification.Store | None = field(default=None, init=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    def __post_init__(self) -> None:
        if self.trust_roots is not None and not self.trust_roots:
            raise ValueError("trust_roots is empty: no chain could ever be trusted")
        self.skill_ids = _id_set(self.skill_ids)
        if self.chain_dir is not None:
            self.chain_dir = Path(self.chain_dir)

    def verify(self, headers: Mapping[str, str], body: bytes, envelope: Mapping[str, Any]) -> None:
        """Raise VerificationError unless the request passes every check that is switched on."""
        now = self.clock()
        if now.tzinfo is None:
            now = now.replace(tzinfo=timezone.utc)  # certificates' times are aware; a bare clock reads UTC
        if self.verify_signature:
            url = check_cert_url(header(headers, CERT_URL_HEADER))
            signature = decode_signature(header(headers, SIGNATURE_HEADER))
            check_body_signature(self._trusted_chain(url, now)[0], signature, body)
        if self.verify_timestamp:
            check_timestamp(envelope, now)
        if self.skill_ids:
            check_application_id(envelope, self.skill_ids)

    def _trusted_chain(self, url: str, now: datetime) -> list[x509.Certificate]:
        chain = self._cache.get(url, now)
        if chain is None:
            chain = parse_chain(self._load_chain(url))
            path = check_chain(chain, self._trust_store(), now)
            self._cache.put(url, chain, path)  # only chains that passed, so failures are retried, not remembered
        return chain

    def _load_chain(self, url: str) -> bytes:
        """`url` as check_cert_url returned it."""
        offline = self.chain_dir / chain_file_name(url) if self.chain_dir is not None else None
        if offline is not None and offline.is_file():
            try:
                return offline.read_bytes()
            except OSError:
                raise VerificationError("could not read the offline certificate chain") from None
        try:
            return self.fetch_chain(url)
        except (OSError, HTTPException, ValueError) as failure:  # URLError and timeouts are OSErrors
            if isinstance(failure, TimeoutError) or isinstance(getattr(failure, "reason", None), TimeoutError):
                raise VerificationError("timed out downloading the certificate chain") from failure
            raise VerificationError("could not download the certificate chain") from failure

    def _trust_store(self) -> verification.Store:
        with self._lock:
            if self._store is None:
                self._store = verification.Store(list(self.trust_roots or load_trust_roots()))
            return self._store


def _extension(certificate: x509.Certificate, kind: type[E]) -> E | None:
    try:
        return certificate.extensions.get_extension_for_class(kind).value
    except x509.ExtensionNotFound:
        return None
    except ValueError:  # cryptography parses extensions lazily, so a malformed one shows up here
        raise VerificationError("signing certificate is malformed") from None


def _id_set(ids: Iterable[str] | str) -> frozenset[str]:
    return frozenset([ids] if isinstance(ids, str) else ids)
