"""A throw-away PKI shaped like Amazon's (root CA -> intermediate -> echo-api.amazon.com leaf) that signs bodies as
Alexa does, for tests of request verification: the verifier itself, the Flask app, and `python -m skill serve`.

    pki = TestPKI.generate()
    headers = pki.headers(body)                 # SignatureCertChainUrl + Signature-256 for `body`
    fetch = {DEFAULT_CERT_URL: pki.chain_pem()}  # what the verifier downloads
    RequestVerifier(trust_roots=[pki.root], ...)

Variants for the failure cases: `pki.with_leaf(not_after=...)`, `pki.with_leaf(san="...")`, `pki.untrusted()`.
The certificates carry the extensions a CA/Browser-forum server profile expects (cryptography's verifier checks
them), so they pass for the same reasons Amazon's real chain does.
"""

from __future__ import annotations

import base64
import dataclasses
import functools
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from skill.web.verification import chain_file_name, check_cert_url

DEFAULT_CERT_URL = "https://s3.amazonaws.com/echo.api/echo-api-cert-12.pem"
ALEXA_SAN = "echo-api.amazon.com"
# Wide enough for the tests' frozen clock (2026-11-21) and for the real clock in a subprocess `serve` test.
NOT_BEFORE = datetime(2025, 1, 1, tzinfo=timezone.utc)
NOT_AFTER = datetime(2036, 1, 1, tzinfo=timezone.utc)


@functools.cache
def rsa_key(name: str) -> rsa.RSAPrivateKey:
    """One 2048-bit key per name per process: generating them is the slow part, and no test needs them fresh."""
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "US"),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Spine Coach Test PKI"),
                      x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _certificate(subject: x509.Name, key: rsa.RSAPrivateKey, issuer: x509.Certificate | None,
                 issuer_key: rsa.RSAPrivateKey, extensions: list[tuple[x509.ExtensionType, bool]],
                 not_before: datetime, not_after: datetime) -> x509.Certificate:
    builder = (x509.CertificateBuilder()
               .subject_name(subject)
               .issuer_name(issuer.subject if issuer else subject)
               .public_key(key.public_key())
               .serial_number(x509.random_serial_number())
               .not_valid_before(not_before)
               .not_valid_after(not_after)
               .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False))
    if issuer is not None:
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()), critical=False)
    for extension, critical in extensions:
        builder = builder.add_extension(extension, critical=critical)
    return builder.sign(issuer_key, hashes.SHA256())


def _key_usage(*, digital_signature: bool = False, key_encipherment: bool = False,
               key_cert_sign: bool = False) -> x509.KeyUsage:
    return x509.KeyUsage(digital_signature=digital_signature, content_commitment=False,
                         key_encipherment=key_encipherment, data_encipherment=False, key_agreement=False,
                         key_cert_sign=key_cert_sign, crl_sign=key_cert_sign, encipher_only=False,
                         decipher_only=False)


def make_root(key: rsa.RSAPrivateKey, common_name: str = "Spine Coach Test Root CA",
              not_before: datetime = NOT_BEFORE, not_after: datetime = NOT_AFTER) -> x509.Certificate:
    return _certificate(_name(common_name), key, None, key, [
        (x509.BasicConstraints(ca=True, path_length=None), True),
        (_key_usage(key_cert_sign=True), True),
    ], not_before, not_after)


def make_intermediate(key: rsa.RSAPrivateKey, root: x509.Certificate, root_key: rsa.RSAPrivateKey,
                      not_before: datetime = NOT_BEFORE, not_after: datetime = NOT_AFTER) -> x509.Certificate:
    return _certificate(_name("Spine Coach Test RSA 2048 M01"), key, root, root_key, [
        (x509.BasicConstraints(ca=True, path_length=0), True),
        (_key_usage(digital_signature=True, key_cert_sign=True), True),
        (x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH]), False),
    ], not_before, not_after)


def make_leaf(key: rsa.RSAPrivateKey, intermediate: x509.Certificate, intermediate_key: rsa.RSAPrivateKey, *,
              san: str = ALEXA_SAN, not_before: datetime = NOT_BEFORE, not_after: datetime = NOT_AFTER,
              digital_signature: bool = True) -> x509.Certificate:
    """An ordinary TLS server certificate, like Amazon's echo-api.amazon.com one."""
    return _certificate(_name(san), key, intermediate, intermediate_key, [
        (x509.BasicConstraints(ca=False, path_length=None), True),
        (_key_usage(digital_signature=digital_signature, key_encipherment=True), True),
        (x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH]), False),
        (x509.SubjectAlternativeName([x509.DNSName(san)]), False),
    ], not_before, not_after)


def pem(*certificates: x509.Certificate) -> bytes:
    return b"".join(c.public_bytes(serialization.Encoding.PEM) for c in certificates)


@dataclass(frozen=True)
class TestPKI:
    __test__ = False  # a helper, not a pytest test class

    root: x509.Certificate
    root_key: rsa.RSAPrivateKey
    intermediate: x509.Certificate
    intermediate_key: rsa.RSAPrivateKey
    leaf: x509.Certificate
    leaf_key: rsa.RSAPrivateKey

    @classmethod
    def generate(cls, *, san: str = ALEXA_SAN, not_before: datetime = NOT_BEFORE,
                 not_after: datetime = NOT_AFTER) -> TestPKI:
        """A fresh chain (new certificates; the keys are reused within the process). The dates are the leaf's."""
        root_key, intermediate_key, leaf_key = rsa_key("root"), rsa_key("intermediate"), rsa_key("leaf")
        root = make_root(root_key)
        intermediate = make_intermediate(intermediate_key, root, root_key)
        leaf = make_leaf(leaf_key, intermediate, intermediate_key, san=san, not_before=not_before,
                         not_after=not_after)
        return cls(root, root_key, intermediate, intermediate_key, leaf, leaf_key)

    def with_leaf(self, *, san: str = ALEXA_SAN, not_before: datetime = NOT_BEFORE,
                  not_after: datetime = NOT_AFTER, digital_signature: bool = True,
                  key: rsa.RSAPrivateKey | None = None) -> TestPKI:
        """The same root and intermediate, with the leaf re-issued (other dates, SAN, key usage or key)."""
        key = key or self.leaf_key
        leaf = make_leaf(key, self.intermediate, self.intermediate_key, san=san, not_before=not_before,
                         not_after=not_after, digital_signature=digital_signature)
        return dataclasses.replace(self, leaf=leaf, leaf_key=key)

    def untrusted(self) -> TestPKI:
        """An impostor: the same names, but its own keys, under a root nobody trusts. Its signatures do not verify
        against this PKI's leaf, and its chain does not lead to this PKI's root."""
        root_key, intermediate_key, leaf_key = (rsa_key(f"untrusted {role}")
                                                for role in ("root", "intermediate", "leaf"))
        common_name = self.root.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value
        root = make_root(root_key, common_name=str(common_name))
        intermediate = make_intermediate(intermediate_key, root, root_key)
        leaf = make_leaf(leaf_key, intermediate, intermediate_key)
        return TestPKI(root, root_key, intermediate, intermediate_key, leaf, leaf_key)

    def chain_pem(self) -> bytes:
        """What Amazon serves at the certificate URL: the leaf first, then the intermediate."""
        return pem(self.leaf, self.intermediate)

    def root_pem(self) -> bytes:
        return pem(self.root)

    def sign(self, body: bytes) -> str:
        """The Signature-256 header for `body`: base64 of RSA PKCS#1 v1.5 over SHA-256, by the leaf's key."""
        return base64.b64encode(self.leaf_key.sign(body, padding.PKCS1v15(), hashes.SHA256())).decode("ascii")

    def headers(self, body: bytes, url: str = DEFAULT_CERT_URL) -> dict[str, str]:
        return {"SignatureCertChainUrl": url, "Signature-256": self.sign(body)}

    def write_root(self, path: Path) -> Path:
        """The root as a PEM trust bundle (for `--trust-roots` / SPINE_COACH_TRUST_ROOTS)."""
        path.write_bytes(self.root_pem())
        return path

    def write_chain(self, directory: Path, url: str = DEFAULT_CERT_URL) -> Path:
        """The chain saved in `directory` under the name the verifier looks for (for `--cert-chain-dir`)."""
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / chain_file_name(check_cert_url(url))
        path.write_bytes(self.chain_pem())
        return path
