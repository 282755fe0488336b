"""The client address: from the connection, or from our own proxies (counted from the right), never from a header
anyone can set; known to the defences only as a keyed hash."""

import pytest
from django.test import RequestFactory

from wagtail_petitions.defence.clients import Client, client_address

factory = RequestFactory()


def request(remote="203.0.113.7", forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return factory.post("/", **extra)


def test_without_trusted_proxies_x_forwarded_for_is_ignored(settings):
    settings.WAGTAIL_PETITIONS_TRUSTED_PROXY_COUNT = 0
    assert client_address(request(forwarded="198.51.100.1")) == "203.0.113.7"
    hashes = {Client.from_request(request(forwarded=f"10.0.0.{n}")).hash for n in range(80)}
    assert len(hashes) == 1  # 80 invented headers, one client


@pytest.mark.parametrize(
    "proxies, forwarded, expected",
    [
        (1, "198.51.100.1", "198.51.100.1"),  # a load balancer appended the client's address
        (1, "6.6.6.6, 198.51.100.1", "198.51.100.1"),  # what the client wrote itself is ignored
        (2, "6.6.6.6, 198.51.100.1, 192.0.2.10", "198.51.100.1"),  # CDN then load balancer
        (2, "198.51.100.1", "198.51.100.1"),  # fewer entries than proxies: the leftmost there is
        (1, "", "203.0.113.7"),
    ],
)
def test_behind_trusted_proxies_the_outermost_proxys_view_is_the_client(settings, proxies, forwarded, expected):
    settings.WAGTAIL_PETITIONS_TRUSTED_PROXY_COUNT = proxies
    assert client_address(request(forwarded=forwarded)) == expected


def test_an_ipv6_client_is_its_64_network_and_the_hash_is_not_the_address(settings):
    settings.WAGTAIL_PETITIONS_TRUSTED_PROXY_COUNT = 0
    one = Client.from_request(request(remote="2001:db8:1:2::1"))
    same_subscriber = Client.from_request(request(remote="2001:db8:1:2:ffff::9"))
    other = Client.from_request(request(remote="2001:db8:1:3::1"))
    assert one == same_subscriber != other
    assert client_address(request(remote="::ffff:203.0.113.7")) == "203.0.113.7"
    assert "203.0.113.7" not in Client.from_request(request()).hash and len(one.hash) == 32
