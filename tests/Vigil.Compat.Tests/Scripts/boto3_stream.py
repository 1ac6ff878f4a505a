"""Calls one AWS operation whose output is an event stream with boto3 and prints, as one JSON object, what a user saw.

usage: boto3_stream.py SERVICE OPERATION --params JSON --until TEXT [--seconds N] [--host-prefix on|off]

The operation is called with the keyword arguments in --params. Events are read from the output's event-stream
member until one whose JSON holds TEXT has arrived (then the stream is closed, as a user ends a session), the stream
ends, or N seconds (default 30) pass. --host-prefix off sets Config(inject_host_prefix=False), the setting a user
needs with --endpoint-url on an IP address; "on" (the default) keeps botocore's "stream-" prefix and resolves the
prefixed host to the endpoint's own address inside this process, since no DNS here knows it.

Output: {"ok": true, "initial": {...}, "events": [{"sessionStart": ...}, ...], "error": null | {"code", "message"},
"request_id", "http_status", "host", "versions"} or, when the call itself failed, {"ok": false, "code", "message", "http_status"}.
"""
import json
import os
import socket
import sys
import time
from urllib.parse import urlsplit

import boto3
import botocore
from botocore.config import Config
from botocore.exceptions import ClientError, EventStreamError


def resolve_prefixed_hosts_to(endpoint_host):
    real = socket.getaddrinfo

    def getaddrinfo(host, *args, **kwargs):
        if isinstance(host, str) and host != endpoint_host and host.endswith(endpoint_host):
            host = endpoint_host
        return real(host, *args, **kwargs)

    socket.getaddrinfo = getaddrinfo


def main(argv):
    service, operation = argv[0], argv[1]
    opts = dict(zip(argv[2::2], argv[3::2]))
    params = json.loads(opts.get("--params", "{}"))
    until = opts["--until"]
    deadline = time.monotonic() + float(opts.get("--seconds", "30"))
    prefix_on = opts.get("--host-prefix", "on") == "on"
    endpoint = os.environ["VIGIL_ENDPOINT"]
    if prefix_on:
        resolve_prefixed_hosts_to(urlsplit(endpoint).hostname)
    client = boto3.session.Session().client(service, endpoint_url=endpoint, config=Config(inject_host_prefix=prefix_on))
    seen = {}
    client.meta.events.register("before-send", lambda request, **_: seen.update(host=urlsplit(request.url).netloc))
    out = {"versions": {"boto3": boto3.__version__, "botocore": botocore.__version__}}
    try:
        response = getattr(client, operation)(**params)
    except ClientError as e:
        out.update(ok=False, code=e.response["Error"]["Code"], message=e.response["Error"].get("Message"),
                   http_status=e.response["ResponseMetadata"].get("HTTPStatusCode"), host=seen.get("host"))
        print(json.dumps(out))
        return
    meta = response.pop("ResponseMetadata")
    stream_key = next(k for k, v in response.items() if isinstance(v, botocore.eventstream.EventStream))
    stream = response.pop(stream_key)
    events, error = [], None
    try:
        for event in stream:
            events.append(event)
            if until in json.dumps(event, default=str) or time.monotonic() > deadline:
                break
    except EventStreamError as e:
        error = {"code": e.response["Error"]["Code"], "message": e.response["Error"]["Message"]}
    finally:
        stream.close()
    out.update(ok=True, initial=response, events=events, error=error, request_id=meta.get("RequestId"),
               http_status=meta.get("HTTPStatusCode"), host=seen.get("host"))
    print(json.dumps(out, default=str))


if __name__ == "__main__":
    main(sys.argv[1:])
