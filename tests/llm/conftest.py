import logging

import pytest

from chorus.llm import ChatClient, LLMConfig

from support.chat_server import ChatServer


@pytest.fixture
def server():
    running = ChatServer().start()
    yield running
    running.stop()


@pytest.fixture
def client(server) -> ChatClient:
    return ChatClient(LLMConfig(url=server.url, model="llama3.2:3b", timeout=5))


@pytest.fixture
def all_logs(caplog):
    """Every log record at DEBUG and above, with Chorus's own loggers (they do not propagate to root)."""
    loggers = [logging.getLogger(name) for name in ("chorus", "httpx", "httpcore")]
    for logger in loggers:
        logger.addHandler(caplog.handler)
    caplog.set_level(logging.DEBUG)
    for logger in loggers:
        caplog.set_level(logging.DEBUG, logger=logger.name)
    yield caplog
    for logger in loggers:
        logger.removeHandler(caplog.handler)
