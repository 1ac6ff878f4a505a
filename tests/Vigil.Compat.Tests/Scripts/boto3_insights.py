"""Runs Logs Insights queries with boto3 the way a program does and prints, as one JSON object, what it got.

usage: boto3_insights.py --params JSON
  JSON: {"logGroupName": ..., "startTime": epoch s, "endTime": epoch s, "queries": [query string, ...]}
Each query: start_query, then get_query_results every 50 ms until the status is no longer Scheduled or Running
(at most 30 s). The endpoint comes from $VIGIL_ENDPOINT, keys and region from the usual AWS_* variables.

Output: {"ok": true, "result": {"answers": [{"status": ..., "results": [[{"field", "value"}...]...]}, ...]},
"versions": ...}; a ClientError ends the run with {"ok": false, "query": ..., "code": ..., "message": ...}.
"""
import json
import os
import sys
import time

import boto3
import botocore
from botocore.exceptions import ClientError


def main():
    args = sys.argv[1:]
    params = json.loads(args[args.index("--params") + 1])
    client = boto3.session.Session().client("logs", endpoint_url=os.environ["VIGIL_ENDPOINT"])
    out = {"versions": {"boto3": boto3.__version__, "botocore": botocore.__version__}}
    answers = []
    for query in params["queries"]:
        try:
            query_id = client.start_query(logGroupName=params["logGroupName"], startTime=params["startTime"],
                                          endTime=params["endTime"], queryString=query)["queryId"]
            deadline = time.monotonic() + 30
            while True:
                response = client.get_query_results(queryId=query_id)
                if response["status"] not in ("Scheduled", "Running") or time.monotonic() > deadline:
                    break
                time.sleep(0.05)
        except ClientError as e:
            error = e.response.get("Error", {})
            out.update({"ok": False, "query": query, "code": error.get("Code"), "message": error.get("Message")})
            print(json.dumps(out, default=str, sort_keys=True))
            return
        answers.append({"status": response["status"], "results": response["results"]})
    out.update({"ok": True, "result": {"answers": answers}})
    print(json.dumps(out, default=str, sort_keys=True))


if __name__ == "__main__":
    main()
