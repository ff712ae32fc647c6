"""The provider's own texts: `locales/<lang>.json`, English and Dutch, chosen per request."""

from __future__ import annotations

import json
import logging
from functools import cache
from pathlib import Path

LANGUAGES = ('en', 'nl')
DEFAULT_LANGUAGE = 'en'
LOCALES = Path(__file__).parent / 'locales'

log = logging.getLogger(__name__)


@cache
def catalogue(language: str) -> dict[str, str]:
    return json.loads((LOCALES / f'{language}.json').read_text(encoding='utf-8'))


def supported(language: str | None) -> str | None:
    return language if language in LANGUAGES else None


def negotiate_language(accept_language: str | None) -> str:
    """The best supported language for an `Accept-Language` header (RFC 9110 weights), else English."""
    best, best_weight = DEFAULT_LANGUAGE, 0.0
    for part in (accept_language or '').split(','):
        tag, _, params = part.strip().partition(';')
        weight = 1.0
        if params.strip().startswith('q='):
            try:
                weight = float(params.strip()[2:])
            except ValueError:
                continue
        primary = tag.strip().lower().split('-')[0]
        if primary in LANGUAGES and weight > best_weight:
            best, best_weight = primary, weight
    return best


class Translator:
    """`t('key')` bound to one language; a key missing there falls back to English, then to the key itself."""

    def __init__(self, language: str) -> None:
        self.language = supported(language) or DEFAULT_LANGUAGE

    def __call__(self, key: str) -> str:
        text = catalogue(self.language).get(key) or catalogue(DEFAULT_LANGUAGE).get(key)
        if text is None:
            log.warning('missing translation key %r', key)
            return key
        return text
