"""Accessible names set as data, never spliced into a props string (translated text may hold quotes)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
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


@contextmanager
def region(title: str) -> Iterator[Element]:
    """A page section that is a landmark, named by its own level-2 heading; its content is built in the block."""
    with Element('section').classes('portal-section w-full') as section:
        section.props['aria-labelledby'] = heading(title, 2).classes('portal-h2').html_id
        yield section
