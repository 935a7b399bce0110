"""The client address behind reverse proxies: the proxy header counts only when configured."""

from django.test import RequestFactory, override_settings

from config.client_ip import client_ip

FORWARDED = {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "1.1.1.1, 203.0.113.7, 10.0.0.1"}


def request(**meta):
    return RequestFactory().get("/", **meta)


def test_without_trusted_proxies_the_connections_address_counts():
    # A client can send any X-Forwarded-For it likes.
    assert client_ip(request(**FORWARDED)) == "10.0.0.2"


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_one_trusted_proxy_gives_the_address_it_appended():
    assert client_ip(request(**FORWARDED)) == "10.0.0.1"


@override_settings(TRUSTED_PROXY_COUNT=2)
def test_two_trusted_proxies_give_the_address_the_outer_one_saw():
    assert client_ip(request(**FORWARDED)) == "203.0.113.7"


@override_settings(TRUSTED_PROXY_COUNT=3)
def test_a_header_shorter_than_the_proxy_chain_is_not_trusted():
    assert client_ip(request(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.1.1.1")) == "10.0.0.2"


@override_settings(TRUSTED_PROXY_COUNT=1, CLIENT_IP_HEADER="HTTP_X_REAL_IP")
def test_the_header_is_configurable():
    assert client_ip(request(REMOTE_ADDR="10.0.0.2", HTTP_X_REAL_IP="203.0.113.7")) == (
        "203.0.113.7"
    )
