"""Request verification: a genuinely signed request passes, and each broken rule is refused with a clear reason.

Everything runs offline on a throw-away PKI (tests/certificates.py), a frozen clock and a fake S3.
"""

from __future__ import annotations

import io
import json
import threading
from datetime import datetime, timedelta, timezone
from pathlib import Path
from urllib.error import URLError

import pytest
from werkzeug.datastructures import Headers

from skill.alexa.envelopes import SKILL_ID, AlexaSession, launch
from skill.web import verification
from skill.web.verification import RequestVerifier, VerificationError, load_trust_roots
from tests.certificates import DEFAULT_CERT_URL, TestPKI, rsa_key

MORNING = datetime(2026, 11, 21, 8, 0, tzinfo=timezone.utc)
LAUNCH_JSON = Path(__file__).parent / "envelopes" / "launch.json"  # its timestamp is MORNING


@pytest.fixture(scope="session")
def pki() -> TestPKI:
    return TestPKI.generate()


class FakeS3:
    """Serves one chain at any URL (the verifier decides which URLs it may ask for) and counts the downloads."""

    def __init__(self, chain: bytes | Exception):
        self.chain = chain
        self.calls: list[str] = []

    def __call__(self, url: str) -> bytes:
        self.calls.append(url)
        if isinstance(self.chain, Exception):
            raise self.chain
        return self.chain


class Clock:
    def __init__(self, now: datetime = MORNING):
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def verifier_for(pki: TestPKI, s3: FakeS3 | None = None, **options) -> RequestVerifier:
    options.setdefault("skill_ids", frozenset({SKILL_ID}))
    return RequestVerifier(trust_roots=[pki.root], fetch_chain=s3 or FakeS3(pki.chain_pem()),
                           clock=options.pop("clock", Clock()), **options)


def envelope_at(moment: datetime, request: dict | None = None) -> dict:
    return AlexaSession(user_id="amzn1.ask.account.VERIFY").envelope(request or launch(), at=moment)


def encode(envelope: dict) -> bytes:
    return json.dumps(envelope).encode()


def verify(verifier: RequestVerifier, pki: TestPKI, envelope: dict | None = None, *, url: str = DEFAULT_CERT_URL,
           headers: dict | None = None, body: bytes | None = None) -> None:
    """Sign `envelope` (default: a launch at the verifier's now) as Alexa would and verify it."""
    envelope = envelope if envelope is not None else envelope_at(verifier.clock())
    body = body if body is not None else encode(envelope)
    verifier.verify(headers if headers is not None else pki.headers(body, url), body, envelope)


def refused(verifier: RequestVerifier, pki: TestPKI, reason: str, **kwargs) -> VerificationError:
    with pytest.raises(VerificationError, match=reason) as caught:
        verify(verifier, pki, **kwargs)
    return caught.value


# A genuine request

def test_a_genuine_launch_request_passes(pki):
    body = LAUNCH_JSON.read_bytes()  # raw bytes, whitespace and all, as signed
    s3 = FakeS3(pki.chain_pem())
    verifier_for(pki, s3).verify(pki.headers(body), body, json.loads(body))
    assert s3.calls == [DEFAULT_CERT_URL]


def test_header_names_in_any_case_and_werkzeug_headers(pki):
    body = encode(envelope_at(MORNING))
    signed = pki.headers(body)
    odd_case = {"signaturecertchainurl": signed["SignatureCertChainUrl"], "SIGNATURE-256": signed["Signature-256"]}
    verify(verifier_for(pki), pki, body=body, envelope=json.loads(body), headers=odd_case)
    verify(verifier_for(pki), pki, body=body, envelope=json.loads(body), headers=Headers(odd_case))


# The certificate URL

@pytest.mark.parametrize("url, reason", [
    ("http://s3.amazonaws.com/echo.api/echo-api-cert-12.pem", "must use https"),
    ("https://notamazon.com/echo.api/echo-api-cert-12.pem", "must be on s3.amazonaws.com"),
    ("https://s3.amazonaws.com.evil.example/echo.api/echo-api-cert-12.pem", "must be on s3.amazonaws.com"),
    ("https://s3.amazonaws.com/echo.api/../echo-api-cert-12.pem", "must be under /echo.api/"),
    ("https://s3.amazonaws.com/invalid.path/echo-api-cert-12.pem", "must be under /echo.api/"),
    ("https://s3.amazonaws.com/ECHO.API/echo-api-cert-12.pem", "must be under /echo.api/"),
    ("https://s3.amazonaws.com/echo.api", "must be under /echo.api/"),
    ("https://s3.amazonaws.com:563/echo.api/echo-api-cert-12.pem", "must use port 443"),
    ("https://s3.amazonaws.com:8443/echo.api/echo-api-cert-12.pem", "must use port 443"),
    ("https://s3.amazonaws.com:99999/echo.api/echo-api-cert-12.pem", "malformed"),
    ("https://s3.amazonaws.com/echo.api/%2e%2e/invalid.path/echo-api-cert-12.pem", "encoded dots or slashes"),
    ("https://s3.amazonaws.com/echo.api/%2E%2E/invalid.path/echo-api-cert-12.pem", "encoded dots or slashes"),
    ("https://s3.amazonaws.com/echo.api/..%2finvalid.path/echo-api-cert-12.pem", "encoded dots or slashes"),
    ("https://s3.amazonaws.com/echo.api/..%2Finvalid.path/echo-api-cert-12.pem", "encoded dots or slashes"),
    ("https://s3.amazonaws.com/echo.api%2f..%2finvalid.path/echo-api-cert-12.pem", "encoded dots or slashes"),
    ("https://s3.amazonaws.com/echo.api/..%5cinvalid.path/echo-api-cert-12.pem", "encoded dots or slashes"),
    ("https://s3.amazonaws.com/echo.api/..\\invalid.path/echo-api-cert-12.pem", "encoded dots or slashes"),
    ("https://s3.amazonaws.com/echo.api/%252e%252e/invalid.path/echo-api-cert-12.pem", "encoded dots or slashes"),
    ("https://s3.amazonaws.com/echo.api/%00echo-api-cert-12.pem", "encoded dots or slashes"),
    ("https://s3.amazonaws.com/echo.api/%ff.pem", "malformed"),
    ("https://user@s3.amazonaws.com/echo.api/echo-api-cert-12.pem", "must not carry a user name"),
    ("https://s3.amazonaws.com@evil.example/echo.api/echo-api-cert-12.pem", "must not carry a user name"),
    ("https://evil.example@s3.amazonaws.com/echo.api/echo-api-cert-12.pem", "must not carry a user name"),
], ids=["http", "wrong host", "host as prefix", "dot-dot", "other folder", "folder in upper case", "folder alone",
        "port 563", "port 8443", "port out of range", "%2e%2e", "%2E%2E", "..%2f", "..%2F", "%2f in place of /",
        "..%5c", "backslash", "double-encoded dots", "encoded NUL", "not UTF-8", "user name",
        "amazon as user name", "user name before amazon"])
def test_a_certificate_url_outside_amazons_folder_is_refused_without_downloading(pki, url, reason):
    s3 = FakeS3(pki.chain_pem())
    refused(verifier_for(pki, s3), pki, reason, url=url)
    assert s3.calls == []


@pytest.mark.parametrize("url, fetched", [
    ("https://s3.amazonaws.com/echo.api/echo-api-cert-12.pem", DEFAULT_CERT_URL),
    ("HTTPS://S3.AmazonAWS.com/echo.api/echo-api-cert-12.pem", DEFAULT_CERT_URL),
    ("https://s3.amazonaws.com:443/echo.api/echo-api-cert-12.pem", DEFAULT_CERT_URL),
    ("https://s3.amazonaws.com/echo.api/../echo.api/echo-api-cert-12.pem", DEFAULT_CERT_URL),
    ("https://s3.amazonaws.com/echo.api/echo%2Dapi%2Dcert%2D12.pem", DEFAULT_CERT_URL),
    ("https://s3.amazonaws.com/echo.api/echo-api-cert-12.pem#part", DEFAULT_CERT_URL),
    ("https://s3.amazonaws.com/echo.api/echo-api-cert-12.pem?versionId=3", DEFAULT_CERT_URL + "?versionId=3"),
], ids=["plain", "scheme and host in upper case", "port 443", "dot-dot back into the folder",
        "harmless percent-encoding", "fragment", "query"])
def test_certificate_urls_amazon_may_send_are_fetched_in_one_spelling(pki, url, fetched):
    s3 = FakeS3(pki.chain_pem())
    verify(verifier_for(pki, s3), pki, url=url)
    assert s3.calls == [fetched]


def test_spellings_of_one_url_share_a_cached_chain(pki):
    s3 = FakeS3(pki.chain_pem())
    verifier = verifier_for(pki, s3)
    for url in (DEFAULT_CERT_URL, "HTTPS://S3.AMAZONAWS.COM:443/echo.api/./echo-api-cert-12.pem"):
        verify(verifier, pki, url=url)
    assert s3.calls == [DEFAULT_CERT_URL]


def test_missing_certificate_url_header(pki):
    body = encode(envelope_at(MORNING))
    refused(verifier_for(pki), pki, "missing SignatureCertChainUrl header",
            body=body, envelope=json.loads(body), headers={"Signature-256": pki.sign(body)})


# The signature

def test_missing_signature_header(pki):
    refused(verifier_for(pki), pki, "missing Signature-256 header",
            headers={"SignatureCertChainUrl": DEFAULT_CERT_URL})


def test_signature_that_is_not_base64(pki):
    refused(verifier_for(pki), pki, "Signature-256 header is not base64",
            headers={"SignatureCertChainUrl": DEFAULT_CERT_URL, "Signature-256": "not base64!"})


def test_signature_by_another_key(pki):
    body = encode(envelope_at(MORNING))
    impostor = pki.with_leaf(key=rsa_key("impostor"))
    headers = {"SignatureCertChainUrl": DEFAULT_CERT_URL, "Signature-256": impostor.sign(body)}
    refused(verifier_for(pki), pki, "signature does not match the body", body=body, envelope=json.loads(body),
            headers=headers)


def test_body_altered_by_one_byte(pki):
    body = encode(envelope_at(MORNING))
    headers = pki.headers(body)
    altered = body.replace(b"LaunchRequest", b"LaunchRequesT")
    refused(verifier_for(pki), pki, "signature does not match the body", body=altered,
            envelope=json.loads(altered), headers=headers)


def test_the_old_sha1_signature_header_alone_is_not_enough(pki):
    body = encode(envelope_at(MORNING))
    headers = {"SignatureCertChainUrl": DEFAULT_CERT_URL, "Signature": pki.sign(body)}
    refused(verifier_for(pki), pki, "missing Signature-256", body=body, envelope=json.loads(body), headers=headers)


# The certificate chain

def test_chain_under_an_untrusted_root(pki):
    impostor = pki.untrusted()
    refused(verifier_for(pki, FakeS3(impostor.chain_pem())), impostor, "certificate chain is not trusted")


def test_chain_without_its_intermediate(pki):
    refused(verifier_for(pki, FakeS3(pki.chain_pem().split(b"-----END CERTIFICATE-----")[0]
                                     + b"-----END CERTIFICATE-----\n")), pki, "certificate chain is not trusted")


def test_expired_leaf(pki):
    expired = pki.with_leaf(not_before=MORNING - timedelta(days=365), not_after=MORNING - timedelta(seconds=1))
    refused(verifier_for(pki, FakeS3(expired.chain_pem())), expired, "signing certificate has expired")


def test_leaf_not_yet_valid(pki):
    early = pki.with_leaf(not_before=MORNING + timedelta(minutes=1))
    refused(verifier_for(pki, FakeS3(early.chain_pem())), early, "signing certificate is not valid yet")


def test_leaf_for_another_name(pki):
    other = pki.with_leaf(san="echo-api.amazon.com.evil.example")
    refused(verifier_for(pki, FakeS3(other.chain_pem())), other, "signing certificate is not for echo-api.amazon.com")


def test_leaf_whose_key_usage_forbids_signing(pki):
    no_signing = pki.with_leaf(digital_signature=False)
    refused(verifier_for(pki, FakeS3(no_signing.chain_pem())), no_signing, "signing certificate may not sign")


@pytest.mark.parametrize("failure, reason", [
    (URLError("403 Forbidden"), "could not download the certificate chain"),
    (TimeoutError("timed out"), "timed out downloading the certificate chain"),
    (URLError(TimeoutError("timed out")), "timed out downloading the certificate chain"),
], ids=["http error", "read timeout", "connect timeout"])
def test_chain_that_cannot_be_downloaded(pki, failure, reason):
    refused(verifier_for(pki, FakeS3(failure)), pki, reason)


def test_chain_that_is_not_pem(pki):
    refused(verifier_for(pki, FakeS3(b"<Error><Code>AccessDenied</Code></Error>")), pki, "not PEM certificates")


def test_empty_chain(pki):
    refused(verifier_for(pki, FakeS3(b"")), pki, "certificate chain is empty")


# The chain cache

def test_one_download_serves_many_requests(pki):
    s3 = FakeS3(pki.chain_pem())
    verifier = verifier_for(pki, s3)
    verify(verifier, pki)
    verify(verifier, pki)
    assert s3.calls == [DEFAULT_CERT_URL]


def test_an_expired_cached_chain_is_downloaded_again_and_refused_if_still_expired(pki):
    short_lived = pki.with_leaf(not_after=MORNING + timedelta(hours=1))
    s3, clock = FakeS3(short_lived.chain_pem()), Clock()
    verifier = verifier_for(pki, s3, clock=clock)
    verify(verifier, short_lived)
    clock.now = MORNING + timedelta(hours=2)
    refused(verifier, short_lived, "signing certificate has expired")
    assert s3.calls == [DEFAULT_CERT_URL, DEFAULT_CERT_URL]


def test_an_expired_cached_chain_is_replaced_by_amazons_renewed_one(pki):
    short_lived = pki.with_leaf(not_after=MORNING + timedelta(hours=1))
    s3, clock = FakeS3(short_lived.chain_pem()), Clock()
    verifier = verifier_for(pki, s3, clock=clock)
    verify(verifier, short_lived)
    clock.now = MORNING + timedelta(hours=2)
    s3.chain = pki.chain_pem()
    verify(verifier, pki)
    assert len(s3.calls) == 2


def test_a_failed_download_is_not_remembered(pki):
    s3 = FakeS3(URLError("503 Slow Down"))
    verifier = verifier_for(pki, s3)
    refused(verifier, pki, "could not download")
    s3.chain = pki.chain_pem()
    verify(verifier, pki)


def test_threads_share_one_verifier(pki):
    s3 = FakeS3(pki.chain_pem())
    verifier = verifier_for(pki, s3)
    failures: list[Exception] = []

    def worker():
        try:
            for _ in range(5):
                verify(verifier, pki)
        except Exception as failure:  # noqa: BLE001 - reported by the assertion below
            failures.append(failure)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == [] and 1 <= len(s3.calls) <= 8


# The offline chain folder

def test_chain_folder_is_read_instead_of_downloading(pki, tmp_path):
    s3 = FakeS3(URLError("offline"))
    pki.write_chain(tmp_path)
    verify(verifier_for(pki, s3, chain_dir=tmp_path), pki)
    assert s3.calls == []


def test_chain_folder_copies_are_still_validated(pki, tmp_path):
    impostor = pki.untrusted()
    impostor.write_chain(tmp_path)
    refused(verifier_for(pki, FakeS3(pki.chain_pem()), chain_dir=tmp_path), impostor,
            "certificate chain is not trusted")


def test_a_chain_missing_from_the_folder_is_downloaded(pki, tmp_path):
    s3 = FakeS3(pki.chain_pem())
    pki.write_chain(tmp_path, url="https://s3.amazonaws.com/echo.api/echo-api-cert-11.pem")
    verify(verifier_for(pki, s3, chain_dir=tmp_path), pki)
    assert s3.calls == [DEFAULT_CERT_URL]


OTHER_FOLDER_URL = "https://s3.amazonaws.com/echo.api/other/echo-api-cert-12.pem"  # same file name


def test_a_folder_copy_is_found_by_the_whole_url_not_the_file_name(pki, tmp_path):
    impostor = pki.untrusted()
    pki.write_chain(tmp_path)  # the good chain, for DEFAULT_CERT_URL only
    s3 = FakeS3(impostor.chain_pem())
    verifier = verifier_for(pki, s3, chain_dir=tmp_path)
    refused(verifier, impostor, "certificate chain is not trusted", url=OTHER_FOLDER_URL)
    assert s3.calls == [OTHER_FOLDER_URL]


def test_urls_with_one_file_name_in_different_folders_do_not_share_a_cached_chain(pki):
    impostor = pki.untrusted()
    s3 = FakeS3(pki.chain_pem())
    verifier = verifier_for(pki, s3)
    verify(verifier, pki)
    s3.chain = impostor.chain_pem()
    refused(verifier, impostor, "certificate chain is not trusted", url=OTHER_FOLDER_URL)
    assert s3.calls == [DEFAULT_CERT_URL, OTHER_FOLDER_URL]


# The timestamp

@pytest.mark.parametrize("offset", [-150, 150], ids=["150 s old", "150 s ahead"])
def test_timestamp_within_150_seconds(pki, offset):
    verify(verifier_for(pki), pki, envelope=envelope_at(MORNING + timedelta(seconds=offset)))


def test_stale_timestamp(pki):
    refused(verifier_for(pki), pki, "more than 150 s from now",
            envelope=envelope_at(MORNING - timedelta(seconds=151)))


def test_future_timestamp(pki):
    refused(verifier_for(pki), pki, "more than 150 s from now",
            envelope=envelope_at(MORNING + timedelta(seconds=151)))


@pytest.mark.parametrize("stamp", ["2026-11-21T08:00:00.123Z", "2026-11-21T09:00:30+01:00", "2026-11-21T08:01:00"])
def test_timestamp_spellings(pki, stamp):
    envelope = envelope_at(MORNING)
    envelope["request"]["timestamp"] = stamp
    verify(verifier_for(pki), pki, envelope=envelope)


@pytest.mark.parametrize("stamp, reason", [(None, "no timestamp"), (1795248000, "no timestamp"),
                                           ("yesterday", "not an ISO 8601 time")])
def test_missing_or_unreadable_timestamp(pki, stamp, reason):
    envelope = envelope_at(MORNING)
    envelope["request"]["timestamp"] = stamp
    refused(verifier_for(pki), pki, reason, envelope=envelope)


def test_skill_event_within_an_hour(pki):
    event = {"type": "AlexaSkillEvent.SkillEnabled", "eventCreationTime": "2026-11-21T07:00:00Z"}
    verify(verifier_for(pki), pki, envelope=envelope_at(MORNING - timedelta(seconds=3600), event))


def test_skill_event_older_than_an_hour(pki):
    event = {"type": "AlexaSkillEvent.SkillDisabled"}
    refused(verifier_for(pki), pki, "more than 3600 s from now",
            envelope=envelope_at(MORNING - timedelta(seconds=3601), event))


# The application id

def test_request_for_another_skill(pki):
    envelope = envelope_at(MORNING)
    envelope["context"]["System"]["application"]["applicationId"] = "amzn1.ask.skill.someone-else"
    refused(verifier_for(pki), pki, "request is for another skill", envelope=envelope)


def test_application_id_from_the_session_when_there_is_no_context(pki):
    envelope = envelope_at(MORNING)
    del envelope["context"]
    verify(verifier_for(pki), pki, envelope=envelope)
    envelope["session"]["application"]["applicationId"] = "amzn1.ask.skill.someone-else"
    refused(verifier_for(pki), pki, "request is for another skill", envelope=envelope)


def test_request_without_application_id(pki):
    envelope = envelope_at(MORNING)
    del envelope["context"], envelope["session"]
    refused(verifier_for(pki), pki, "no application id", envelope=envelope)


def test_without_configured_skill_ids_any_application_id_is_accepted(pki):
    envelope = envelope_at(MORNING)
    envelope["context"]["System"]["application"]["applicationId"] = "amzn1.ask.skill.someone-else"
    verify(verifier_for(pki, skill_ids=frozenset()), pki, envelope=envelope)


# The switches

def test_verify_signature_off_skips_url_chain_and_signature(pki):
    s3 = FakeS3(pki.chain_pem())
    verifier = verifier_for(pki, s3, verify_signature=False)
    verify(verifier, pki, headers={})
    verify(verifier, pki, headers={"SignatureCertChainUrl": "http://evil.example/", "Signature-256": "!"})
    assert s3.calls == []
    refused(verifier, pki, "more than 150 s from now", envelope=envelope_at(MORNING - timedelta(minutes=5)))


def test_verify_timestamp_off_skips_the_timestamp(pki):
    verifier = verifier_for(pki, verify_timestamp=False)
    verify(verifier, pki, envelope=envelope_at(MORNING - timedelta(days=3)))
    refused(verifier, pki, "signature does not match", body=b"{}", headers=pki.headers(b"{ }"))


def test_application_id_is_checked_even_with_both_switches_off(pki):
    verifier = verifier_for(pki, verify_signature=False, verify_timestamp=False)
    envelope = envelope_at(MORNING)
    envelope["context"]["System"]["application"]["applicationId"] = "amzn1.ask.skill.someone-else"
    refused(verifier, pki, "request is for another skill", envelope=envelope, headers={})


# Trust roots and reasons

def test_certifi_roots_are_the_default_and_do_not_trust_a_test_ca(pki):
    verifier = RequestVerifier(fetch_chain=FakeS3(pki.chain_pem()), clock=Clock())
    refused(verifier, pki, "certificate chain is not trusted")


def test_load_trust_roots(pki, tmp_path):
    certifi_roots = load_trust_roots()
    assert any("Amazon Root CA 1" in root.subject.rfc4514_string() for root in certifi_roots)
    assert load_trust_roots(pki.write_root(tmp_path / "roots.pem")) == [pki.root]
    (tmp_path / "empty.pem").write_text("no certificates here\n")
    with pytest.raises(ValueError, match="no certificates"):
        load_trust_roots(tmp_path / "empty.pem")
    with pytest.raises(ValueError, match="empty"):
        RequestVerifier(trust_roots=[])


def test_reasons_are_short_and_never_quote_the_body(pki):
    envelope = envelope_at(MORNING - timedelta(hours=1))
    envelope["request"]["secret"] = "I wet myself"
    body = encode(envelope)
    headers = pki.headers(body)
    for verifier in (verifier_for(pki, verify_signature=False), verifier_for(pki, FakeS3(body))):
        with pytest.raises(VerificationError) as caught:
            verifier.verify(headers, body, envelope)
        assert len(str(caught.value)) < 80 and "wet" not in str(caught.value)


def test_the_default_download_has_a_timeout_and_a_size_cap(monkeypatch):
    asked = {}

    def fake_urlopen(url, timeout, context):
        asked.update(url=url, timeout=timeout)
        return io.BytesIO(asked.get("payload", b"chain"))

    monkeypatch.setattr(verification, "urlopen", fake_urlopen)
    assert verification.download_chain(DEFAULT_CERT_URL) == b"chain"
    assert asked == {"url": DEFAULT_CERT_URL, "timeout": verification.FETCH_TIMEOUT_SECONDS}
    asked["payload"] = b"x" * (verification.MAX_CHAIN_BYTES + 1)
    with pytest.raises(ValueError, match="too large"):
        verification.download_chain(DEFAULT_CERT_URL)
