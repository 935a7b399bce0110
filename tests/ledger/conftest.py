import pytest

from ledger.signing import generate_key_pem


@pytest.fixture
def signing_key(settings):
    settings.LEDGER_SIGNING_KEY_FILE = ""
    settings.LEDGER_SIGNING_KEY = generate_key_pem().decode("ascii")
    return settings.LEDGER_SIGNING_KEY
