"""Every piece of UI text goes through `translate`; catalogues are `ui/locales/<area>.<lang>.json` files."""

from __future__ import annotations

import json
import logging
from datetime import date
from functools import cache
from pathlib import Path

LANGUAGES = {'en': 'English', 'nl': 'Nederlands'}
DEFAULT_LANGUAGE = 'en'
LOCALES = Path(__file__).parent / 'locales'

log = logging.getLogger(__name__)


@cache
def catalogue(language: str) -> dict[str, str]:
    merged: dict[str, str] = {}
    for path in sorted(LOCALES.glob(f'*.{language}.json')):
        merged.update(json.loads(path.read_text(encoding='utf-8')))
    return merged


def translate(language: str, key: str, **params: object) -> str:
    """The text for `key` in `language`, falling back to English; `{name}` fields are filled from `params`."""
    text = catalogue(language).get(key) or catalogue(DEFAULT_LANGUAGE).get(key)
    if text is None:
        log.warning('missing translation key %r', key)
        return key
    return text.format(**params) if params else text


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


def supported(language: str | None) -> str | None:
    return language if language in LANGUAGES else None


class Translator:
    """`t('key', name=...)` bound to one person's language."""

    def __init__(self, language: str) -> None:
        self.language = supported(language) or DEFAULT_LANGUAGE

    def __call__(self, key: str, **params: object) -> str:
        return translate(self.language, key, **params)


def format_date(iso_date: str, language: str) -> str:
    """'2024-03-14' as '14 March 2024' / '14 maart 2024'; anything unparseable is shown as given."""
    try:
        day = date.fromisoformat(iso_date[:10])
    except ValueError:
        return iso_date
    month = translate(language, f'date.month.{day.month}')
    return translate(language, 'date.format', day=day.day, month=month, year=day.year)


def format_count(count: int, language: str) -> str:
    """2000 as '2,000' / '2.000': the digit grouping people expect in their language."""
    grouped = f'{count:,}'
    return grouped.replace(',', '.') if language == 'nl' else grouped
