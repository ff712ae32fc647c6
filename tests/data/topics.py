"""Live-event topics as the store reports them: people (and `email:` addresses), and `organization:` topics for the
pages that show an organization's guests. Tests about whose own view changed look at the first kind only."""

from __future__ import annotations

from data.lifecycle_index import ORGANIZATION_TOPIC


def people_in(topics: set[str]) -> set[str]:
    return {topic for topic in topics if not topic.startswith(ORGANIZATION_TOPIC)}


def organizations_in(topics: set[str]) -> set[str]:
    return {topic.removeprefix(ORGANIZATION_TOPIC) for topic in topics if topic.startswith(ORGANIZATION_TOPIC)}
