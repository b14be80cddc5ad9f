"""The API the server describes is the one the protocol module documents."""

import re

import httpx

from workstation.sync import protocol

from .helpers import Central


def documented_endpoints() -> set[tuple[str, str]]:
    found = re.findall(r"^\s+(GET|POST|PUT|HEAD|DELETE)\s+(/api/v1/\S+)", protocol.__doc__, re.M)
    return {(method.lower(), path.split("?")[0]) for method, path in found}


def test_openapi_lists_every_endpoint_of_the_protocol(central: Central):
    spec = httpx.get(central.base_url + "/openapi.json").json()
    served = {(method, path) for path, ops in spec["paths"].items() for method in ops}
    assert documented_endpoints() <= served
    assert len(documented_endpoints()) == 10
