#!/usr/bin/env python3
"""Writes a wrk Lua script that replays one SigV4-signed STS GetCallerIdentity call.

The signature stays valid for AWS's 15-minute clock-skew window, and the server verifies it in full
on every request (canonical request, string to sign, HMAC), so replaying it measures real verification.
Usage: sign.py HOST:PORT ACCESS_KEY SECRET > script.lua
"""
import datetime
import hashlib
import hmac
import sys

host, key, secret = sys.argv[1:4]
body = "Action=GetCallerIdentity&Version=2011-06-15"
now = datetime.datetime.now(datetime.timezone.utc)
amz_date = now.strftime("%Y%m%dT%H%M%SZ")
date = amz_date[:8]
ctype = "application/x-www-form-urlencoded; charset=utf-8"
payload_hash = hashlib.sha256(body.encode()).hexdigest()
canonical = "\n".join([
    "POST", "/", "",
    f"content-type:{ctype}", f"host:{host}", f"x-amz-date:{amz_date}", "",
    "content-type;host;x-amz-date", payload_hash,
])
scope = f"{date}/us-east-1/sts/aws4_request"
to_sign = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope, hashlib.sha256(canonical.encode()).hexdigest()])


def h(k, m):
    return hmac.new(k, m.encode(), hashlib.sha256).digest()


k = h(h(h(h(("AWS4" + secret).encode(), date), "us-east-1"), "sts"), "aws4_request")
signature = hmac.new(k, to_sign.encode(), hashlib.sha256).hexdigest()
auth = f"AWS4-HMAC-SHA256 Credential={key}/{scope}, SignedHeaders=content-type;host;x-amz-date, Signature={signature}"
print(f'''wrk.method = "POST"
wrk.body = "{body}"
wrk.headers["Content-Type"] = "{ctype}"
wrk.headers["X-Amz-Date"] = "{amz_date}"
wrk.headers["Authorization"] = "{auth}"
''')
