"""Accessible names set as data, never spliced into a props string (translated text may hold quotes)."""

from __future__ import annotations

from typing import TypeVar

from nicegui.element import Element
from nicegui.elements.label import Label

E = TypeVar('E', bound=Element)


def heading(text: str, level: int) -> Label:
    """A text that assistive technology announces as a heading of `level` (Quasar has no h-tag element)."""
    label = Label(text)
    label.props['role'] = 'heading'
    label.props['aria-level'] = str(level)
    return label


def named(element: E, accessible_name: str) -> E:
    element.props['aria-label'] = accessible_name
    return element
