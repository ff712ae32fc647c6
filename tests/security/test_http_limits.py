"""Attack review finding 4: one huge or slow request head must not stall everyone (against the real server)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from urllib.parse import urlsplit

import httpx
import pytest

from tests.e2e.conftest import Portal, running_portal


@pytest.fixture(scope='module')
def portal(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Portal]:
    with running_portal(tmp_path_factory.mktemp('limits'), MYPROFILE_HEADER_TIMEOUT_SECONDS='1') as started:
        yield started


def connect(portal: Portal) -> socket.socket:
    parts = urlsplit(portal.url)
    return socket.create_connection((parts.hostname, parts.port), timeout=10)


def test_a_huge_header_is_refused_at_once_and_others_are_served_meanwhile(portal: Portal) -> None:
    answers: list[float] = []

    def someone_else() -> None:
        started = time.monotonic()
        assert httpx.get(f'{portal.url}/signed-out', timeout=10).status_code == 200
        answers.append(time.monotonic() - started)

    with connect(portal) as attacker:
        started = time.monotonic()
        attacker.sendall(b'GET /signed-out HTTP/1.1\r\nHost: x\r\nAccept-Language: ')
        other = threading.Thread(target=someone_else)
        other.start()
        try:
            for _ in range(100):  # up to 100 MB, as in the attack, 1 MB at a time: refused long before that
                attacker.sendall(b'en,' * 350_000)
        except (BrokenPipeError, ConnectionResetError):
            pass
        answer = attacker.recv(4096)
        refused_after = time.monotonic() - started
        other.join()
    assert answer.startswith(b'HTTP/1.1 431 ')
    assert refused_after < 2
    assert answers and answers[0] < 2


def test_a_head_that_never_finishes_is_closed(portal: Portal) -> None:
    with connect(portal) as slow:
        slow.sendall(b'GET /signed-out HTTP/1.1\r\nHost: x\r\n')  # and then nothing: a slowloris
        started = time.monotonic()
        assert slow.recv(4096) == b''  # the server closed it
        assert time.monotonic() - started < 5


def test_ordinary_requests_and_the_live_connection_still_work(portal: Portal) -> None:
    with httpx.Client(timeout=10) as keep_alive:
        for _ in range(3):
            assert keep_alive.get(f'{portal.url}/signed-out').status_code == 200
            time.sleep(0.4)  # a kept-alive connection between requests is not a slow head
    polling = httpx.get(f'{portal.url}/_nicegui_ws/socket.io/?EIO=4&transport=polling', headers={'Origin': portal.url})
    assert polling.status_code == 200
