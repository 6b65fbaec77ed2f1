"""OpenID Connect discovery: `<issuer>/.well-known/openid-configuration`, checked and cached."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import requests
from django.conf import settings
from django.core.cache import cache

CACHE_SECONDS = 60 * 60
_REQUIRED = ("issuer", "authorization_endpoint", "token_endpoint", "jwks_uri")


class DiscoveryError(Exception):
    """The provider's discovery document could not be fetched or is not acceptable."""


@dataclass(frozen=True)
class ProviderMetadata:
    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    userinfo_endpoint: str
    end_session_endpoint: str

    @classmethod
    def from_document(cls, doc: dict) -> ProviderMetadata:
        return cls(
            issuer=doc["issuer"],
            authorization_endpoint=doc["authorization_endpoint"],
            token_endpoint=doc["token_endpoint"],
            jwks_uri=doc["jwks_uri"],
            userinfo_endpoint=doc.get("userinfo_endpoint", ""),
            end_session_endpoint=doc.get("end_session_endpoint", ""),
        )


def normalise_issuer(issuer: str) -> str:
    return issuer.strip().rstrip("/")


def _cache_key(issuer: str) -> str:
    return "cloudtally:oidc:discovery:" + hashlib.sha256(normalise_issuer(issuer).encode()).hexdigest()


def forget(issuer: str) -> None:
    if issuer:
        cache.delete(_cache_key(issuer))


def remember(issuer: str, metadata: ProviderMetadata) -> None:
    cache.set(_cache_key(issuer), metadata, CACHE_SECONDS)


def fetch(issuer: str, *, timeout: float | None = None) -> ProviderMetadata:
    """Fetch and check the document (no cache). Raises DiscoveryError with a message an admin can act on."""
    url = normalise_issuer(issuer) + "/.well-known/openid-configuration"
    try:
        response = requests.get(
            url, timeout=timeout or settings.OIDC_TIMEOUT, verify=settings.OIDC_VERIFY_SSL, allow_redirects=False
        )
    except requests.RequestException as exc:
        raise DiscoveryError(f"Could not reach {url}: {type(exc).__name__}.") from exc
    if response.status_code != 200:
        raise DiscoveryError(f"{url} answered HTTP {response.status_code}.")
    try:
        doc = response.json()
    except ValueError as exc:
        raise DiscoveryError(f"{url} did not return JSON.") from exc
    if not isinstance(doc, dict):
        raise DiscoveryError(f"{url} did not return a JSON object.")
    missing = [name for name in _REQUIRED if not isinstance(doc.get(name), str) or not doc.get(name)]
    if missing:
        raise DiscoveryError(f"The discovery document lacks {', '.join(missing)}.")
    # OpenID Connect Discovery 1.0 §4.3: the document's issuer must be the issuer we asked.
    if normalise_issuer(doc["issuer"]) != normalise_issuer(issuer):
        raise DiscoveryError(f"The provider calls itself {doc['issuer']!r}, not the configured issuer {issuer!r}.")
    return ProviderMetadata.from_document(doc)


def provider_metadata(issuer: str) -> ProviderMetadata:
    """The provider's endpoints, from the cache when fresh."""
    metadata = cache.get(_cache_key(issuer))
    if isinstance(metadata, ProviderMetadata):
        return metadata
    metadata = fetch(issuer)
    remember(issuer, metadata)
    return metadata
