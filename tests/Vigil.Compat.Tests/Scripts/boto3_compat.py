"""Calls one AWS operation with boto3 and prints, as one JSON object, what a user would see.

usage: boto3_compat.py SERVICE OPERATION [--cbor] [--params JSON]

SERVICE and OPERATION are boto3 names (sts get_caller_identity, cloudwatch list_metrics, logs describe_log_groups);
the operation is called with the keyword arguments in --params (a JSON object; none by default). The endpoint comes from $VIGIL_ENDPOINT and the keys, region and retry
settings from the usual AWS_* variables. --cbor loads a copy of the CloudWatch model whose only protocol is
smithy-rpc-v2-cbor (protocol notes §5), so botocore's own CBOR serializer and parser are used.

Output: {"ok": true, "result": ..., "request_id": ..., "http_status": ..., "wire": ..., "versions": ...} or, when the
call raised ClientError, {"ok": false, "code": e.response["Error"]["Code"], "exception_class": ..., ...}.
Anything else raised (a parser crash, a connection error) ends the script with a traceback and exit status 1.
"""
import json
import os
import sys
import tempfile

import boto3
import botocore
import botocore.session
from botocore.exceptions import ClientError


def header(headers, name):
    for key, value in headers.items():
        if key.lower() == name.lower():
            return value.decode() if isinstance(value, bytes) else value
    return None


def make_client(service, cbor_model_dir):
    if cbor_model_dir is not None:
        os.environ["AWS_DATA_PATH"] = cbor_model_dir
    return boto3.session.Session().client(service, endpoint_url=os.environ["VIGIL_ENDPOINT"])


def write_cbor_model(directory):
    loader = botocore.session.get_session().get_component("data_loader")
    api_version = loader.determine_latest_version("cloudwatch", "service-2")
    model = loader.load_service_model("cloudwatch", "service-2", api_version)
    model["metadata"]["protocols"] = ["smithy-rpc-v2-cbor"]
    model["metadata"]["protocol"] = "smithy-rpc-v2-cbor"
    target = os.path.join(directory, "cloudwatch", api_version)
    os.makedirs(target)
    with open(os.path.join(target, "service-2.json"), "w", encoding="utf-8") as f:
        json.dump(model, f)


def run(service, operation, cbor_model_dir, params):
    client = make_client(service, cbor_model_dir)
    wire = {}

    def capture(request, **_):
        wire["method"] = request.method
        wire["url"] = request.url
        wire["content_type"] = header(request.headers, "Content-Type")
        wire["smithy_protocol"] = header(request.headers, "smithy-protocol")
        wire["x_amz_target"] = header(request.headers, "X-Amz-Target")
        # Returning None lets botocore send the request.

    client.meta.events.register("before-send", capture)
    model = client.meta.service_model
    out = {
        "versions": {"boto3": boto3.__version__, "botocore": botocore.__version__, "python": sys.version.split()[0]},
        "protocol": getattr(model, "resolved_protocol", None) or model.protocol,
        "wire": wire,
    }
    try:
        response = getattr(client, operation)(**params)
    except ClientError as e:
        error = e.response.get("Error", {})
        meta = e.response.get("ResponseMetadata", {})
        out.update({
            "ok": False,
            "exception_class": type(e).__name__,
            "caught_as_client_error": isinstance(e, client.exceptions.ClientError),
            "code": error.get("Code"),
            "type": error.get("Type"),
            "query_error_code": error.get("QueryErrorCode"),
            "message": error.get("Message"),
            "http_status": meta.get("HTTPStatusCode"),
            "request_id": meta.get("RequestId"),
            "response_headers": meta.get("HTTPHeaders", {}),
            # Modelled members of the error shape (e.g. MalformedQueryException's queryCompileError).
            "error_members": {k: v for k, v in e.response.items() if k not in ("Error", "ResponseMetadata")},
        })
        return out
    meta = response.pop("ResponseMetadata", {})
    out.update({
        "ok": True,
        "result": response,
        "http_status": meta.get("HTTPStatusCode"),
        "request_id": meta.get("RequestId"),
        "response_headers": meta.get("HTTPHeaders", {}),
    })
    return out


def main():
    args = sys.argv[1:]
    params = {}
    if "--params" in args:
        i = args.index("--params")
        params = json.loads(args[i + 1])
        del args[i:i + 2]
    cbor = "--cbor" in args
    service, operation = [a for a in args if a != "--cbor"]
    if cbor:
        with tempfile.TemporaryDirectory(prefix="vigil-cbor-model-") as directory:
            write_cbor_model(directory)
            out = run(service, operation, directory, params)
    else:
        out = run(service, operation, None, params)
    print(json.dumps(out, default=str, sort_keys=True))


if __name__ == "__main__":
    main()
