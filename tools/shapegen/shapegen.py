#!/usr/bin/env python3
"""Generates the shape records and model metadata of every AWS service we speak.

Reads the AWS API models (../shared/aws-models/*.json) and writes
src/Vigil.Protocol.Shapes/Generated/<Service>.g.cs: one sealed class per structure
shape (properties named as the model's members), and a <Service>Model class whose
static ServiceModel carries names, types, constraints, errors and operations for the
generic codecs. Documentation text is dropped. Run it again when a model changes:

    python3 tools/shapegen/shapegen.py [--models ../shared/aws-models]
"""
import argparse
import json
import os
import re
import sys

# model file -> C# namespace segment
SERVICES = {
    "sts": "Sts",
    "monitoring": "CloudWatch",
    "logs": "Logs",
    "events": "Events",
    "xray": "XRay",
    "cloudtrail": "CloudTrail",
    "sns": "Sns",
    "config": "Config",
    "scheduler": "Scheduler",
    "schemas": "Schemas",
    "synthetics": "Synthetics",
}

# Smithy namespaces used in qualified error types (`ns#Shape`).
SMITHY_NS = {
    "sts": "com.amazonaws.sts",
    "monitoring": "com.amazonaws.cloudwatch",
    "logs": "com.amazonaws.cloudwatchlogs",
    "events": "com.amazonaws.eventbridge",
    "xray": "com.amazonaws.xray",
    "cloudtrail": "com.amazonaws.cloudtrail",
    "sns": "com.amazonaws.sns",
    "config": "com.amazonaws.configservice",
    "scheduler": "com.amazonaws.scheduler",
    "schemas": "com.amazonaws.schemas",
    "synthetics": "com.amazonaws.synthetics",
}

PROTOCOLS = {
    "query": "AwsQuery",
    "rest-json": "RestJson1",
    "smithy-rpc-v2-cbor": "RpcV2Cbor",
}

READ_ONLY_PREFIXES = ("Describe", "Get", "List", "Lookup", "Filter", "Search", "Select", "BatchGet", "Test")

OBJECT_MEMBERS = {"Equals", "GetHashCode", "ToString", "GetType", "MemberwiseClone", "Finalize"}

SCALAR_CLR = {
    "string": "string",
    "boolean": "bool",
    "integer": "int",
    "long": "long",
    "float": "float",
    "double": "double",
    "timestamp": "global::System.DateTimeOffset",
    "blob": "byte[]",
}
VALUE_TYPES = {"boolean", "integer", "long", "float", "double", "timestamp"}
SHAPE_TYPE = {
    "structure": "Structure", "list": "List", "map": "Map", "string": "String",
    "boolean": "Boolean", "integer": "Integer", "long": "Long", "float": "Float",
    "double": "Double", "timestamp": "Timestamp", "blob": "Blob",
}

CS_KEYWORDS = {"object", "string", "event", "params", "operator", "namespace", "class", "base", "default"}


def ident(name):
    s = re.sub(r"[^A-Za-z0-9_]", "_", name)
    if s[0].isdigit():
        s = "_" + s
    return s


def prop_name(member, cls):
    p = ident(member[0].upper() + member[1:])
    if p == cls or p in OBJECT_MEMBERS:
        p += "Value"
    return p


def cs_str(s):
    return json.dumps(s, ensure_ascii=False)


def cs_num(v):
    return repr(float(v)) if isinstance(v, float) else f"{v}d"


class Gen:
    def __init__(self, key, model):
        self.key = key
        self.ns = SERVICES[key]
        self.model = model
        self.shapes = model["shapes"]
        self.cls = {}  # structure shape name -> class name
        for name, s in self.shapes.items():
            if s["type"] == "structure":
                c = ident(name)
                if c == self.ns or c == self.ns + "Model":
                    c += "Shape"
                self.cls[name] = c

    def clr(self, shape_name, nullable):
        s = self.shapes[shape_name]
        t = s["type"]
        if t == "structure":
            return self.cls[shape_name] + ("?" if nullable else "")
        if t == "list":
            return f"global::System.Collections.Generic.List<{self.clr(s['member']['shape'], False)}>" + ("?" if nullable else "")
        if t == "map":
            return f"global::System.Collections.Generic.Dictionary<string, {self.clr(s['value']['shape'], False)}>" + ("?" if nullable else "")
        base = SCALAR_CLR[t]
        return base + ("?" if nullable else "")

    def classes(self, out):
        for name, s in sorted(self.shapes.items()):
            if s["type"] != "structure":
                continue
            c = self.cls[name]
            out.append(f"public sealed partial class {c}")
            out.append("{")
            for m, ms in s.get("members", {}).items():
                out.append(f"    public {self.clr(ms['shape'], True)} {prop_name(m, c)} {{ get; set; }}")
            out.append("}")
            out.append("")

    def metadata(self, out):
        meta = self.model["metadata"]
        protos = meta.get("protocols") or [meta["protocol"]]
        cs_protos = []
        for p in protos:
            if p == "json":
                cs_protos.append("AwsJson1_0" if meta.get("jsonVersion") == "1.0" else "AwsJson1_1")
            else:
                cs_protos.append(PROTOCOLS[p])
        S = "global::Vigil.Protocol.Shapes"
        out.append(f"public static class {self.ns}Model")
        out.append("{")
        out.append(f"    public static readonly {S}.ServiceModel Service = Build();")
        out.append("")
        order = sorted(self.shapes)
        var = {n: f"s[{i}]" for i, n in enumerate(order)}
        body = []
        # Pass 1: create every shape (constraints included).
        for n in order:
            s = self.shapes[n]
            t = s["type"]
            args = []
            if t == "structure":
                args.append(f"Create = static () => new {self.cls[n]}()")
                if "error" in s or s.get("exception"):
                    e = s.get("error", {})
                    code = e.get("code", n)
                    status = e.get("httpStatusCode", 400)
                    sender = "true" if e.get("senderFault", not s.get("fault", False)) else "false"
                    args.append(f"Error = new {S}.ErrorInfo({cs_str(code)}, {status}, {sender})")
                if s.get("union"):
                    args.append("IsUnion = true")
                if s.get("eventstream"):
                    args.append("IsEventStream = true")
            elif t == "list":
                args.append(f"CreateList = static () => new {self.clr(n, False)}()")
                if s.get("flattened"):
                    args.append("Flattened = true")
            elif t == "map":
                args.append(f"CreateMap = static () => new {self.clr(n, False)}()")
                if s.get("flattened"):
                    args.append("Flattened = true")
            if "min" in s:
                args.append(f"Min = {cs_num(s['min'])}")
            if "max" in s:
                args.append(f"Max = {cs_num(s['max'])}")
            if "pattern" in s:
                args.append(f"Pattern = {cs_str(s['pattern'])}")
            if "enum" in s:
                args.append("EnumValues = [" + ", ".join(cs_str(v) for v in s["enum"]) + "]")
            if "timestampFormat" in s:
                args.append(f"TimestampFormat = {cs_str(s['timestampFormat'])}")
            init = (" { " + ", ".join(args) + " }") if args else ""
            body.append(("create", f"{var[n]} = new {S}.Shape({cs_str(n)}, {S}.ShapeType.{SHAPE_TYPE[t]}){init};"))
        # Pass 2: link members, elements, keys and values (shapes may refer to each other in cycles).
        for n in order:
            s = self.shapes[n]
            t = s["type"]
            v = var[n]
            if t == "structure" and s.get("members"):
                c = self.cls[n]
                req = set(s.get("required", []))
                lines = [f"{v}.Members =", "["]
                for m, ms in s["members"].items():
                    p = prop_name(m, c)
                    typ = self.clr(ms["shape"], True)
                    extra = []
                    if "locationName" in ms and ms.get("location") is None:
                        extra.append(f"WireName = {cs_str(ms['locationName'])}")
                    elif "locationName" in ms:
                        extra.append(f"WireName = {cs_str(ms['locationName'])}")
                    if m in req:
                        extra.append("Required = true")
                    loc = ms.get("location")
                    if loc:
                        extra.append(f"Location = {S}.MemberLocation." + {"uri": "Uri", "querystring": "QueryString", "header": "Header"}.get(loc, "Body"))
                    if ms.get("idempotencyToken"):
                        extra.append("IdempotencyToken = true")
                    if ms.get("flattened"):
                        extra.append("Flattened = true")
                    init = (" { " + ", ".join(extra) + " }") if extra else ""
                    lines.append(f"    new {S}.Member({cs_str(m)}, {var[ms['shape']]}, static o => (({c})o).{p}, static (o, x) => (({c})o).{p} = ({typ})x){init},")
                lines.append("];")
                body.append(("link", "\n".join(lines)))
            elif t == "list":
                m = s["member"]
                body.append(("link", f"{v}.Element = {var[m['shape']]};"))
                if "locationName" in m:
                    body.append(("link", f"{v}.ElementName = {cs_str(m['locationName'])};"))
            elif t == "map":
                body.append(("link", f"{v}.Key = {var[s['key']['shape']]};"))
                body.append(("link", f"{v}.Value = {var[s['value']['shape']]};"))
                if "locationName" in s["key"]:
                    body.append(("link", f"{v}.KeyName = {cs_str(s['key']['locationName'])};"))
                if "locationName" in s["value"]:
                    body.append(("link", f"{v}.ValueName = {cs_str(s['value']['locationName'])};"))
        # Small methods compile far faster than one long one (Roslyn's flow analysis grows with method size).
        chunks = [body[i:i + 120] for i in range(0, len(body), 120)]
        out.append(f"    private static {S}.ServiceModel Build()")
        out.append("    {")
        out.append(f"        var s = new {S}.Shape[{len(order)}];")
        for i in range(len(chunks)):
            out.append(f"        Part{i}(s);")
        # The service and its operations.
        signing = meta.get("signingName", meta["endpointPrefix"])
        out.append(f"        var service = new {S}.ServiceModel")
        out.append("        {")
        out.append(f"            ServiceId = {cs_str(meta['serviceId'])},")
        out.append(f"            SigningName = {cs_str(signing)},")
        out.append(f"            ApiVersion = {cs_str(meta['apiVersion'])},")
        out.append("            Protocols = [" + ", ".join(f"{S}.WireProtocol.{p}" for p in cs_protos) + "],")
        if meta.get("targetPrefix"):
            out.append(f"            TargetPrefix = {cs_str(meta['targetPrefix'])},")
        if meta.get("xmlNamespace"):
            out.append(f"            XmlNamespace = {cs_str(meta['xmlNamespace'])},")
        if "awsQueryCompatible" in meta:
            out.append("            AwsQueryCompatible = true,")
        out.append(f"            SmithyNamespace = {cs_str(SMITHY_NS[self.key])},")
        out.append("        };")
        for on in sorted(self.model["operations"]):
            o = self.model["operations"][on]
            inp = var[o["input"]["shape"]] if "input" in o else "null"
            outp = var[o["output"]["shape"]] if "output" in o else "null"
            extra = []
            if "output" in o and "resultWrapper" in o["output"]:
                extra.append(f"ResultWrapper = {cs_str(o['output']['resultWrapper'])}")
            http = o.get("http", {})
            if http.get("method", "POST") != "POST":
                extra.append(f"HttpMethod = {cs_str(http['method'])}")
            if http.get("requestUri", "/") != "/":
                extra.append(f"RequestUri = {cs_str(http['requestUri'])}")
            if http.get("responseCode", 200) != 200:
                extra.append(f"SuccessStatus = {http['responseCode']}")
            errs = [var[e["shape"]] for e in o.get("errors", [])]
            if errs:
                extra.append("Errors = [" + ", ".join(errs) + "]")
            if o.get("readonly") or on.startswith(READ_ONLY_PREFIXES):
                extra.append("ReadOnly = true")
            init = (" { " + ", ".join(extra) + " }") if extra else ""
            out.append(f"        service.Add(new {S}.Operation({cs_str(on)}, {inp}, {outp}){init});")
        for n in order:
            s = self.shapes[n]
            if s["type"] == "structure" and ("error" in s or s.get("exception")):
                out.append(f"        service.AddError({var[n]});")
        out.append("        return service;")
        out.append("    }")
        for i, chunk in enumerate(chunks):
            out.append("")
            out.append(f"    private static void Part{i}({S}.Shape[] s)")
            out.append("    {")
            for _, stmt in chunk:
                for line in stmt.split("\n"):
                    out.append("        " + line)
            out.append("    }")
        out.append("}")


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.normpath(os.path.join(here, "..", ".."))
    ap = argparse.ArgumentParser()
    ap.add_argument("--models", default=os.path.join(root, "..", "shared", "aws-models"))
    ap.add_argument("--out", default=os.path.join(root, "src", "Vigil.Protocol.Shapes", "Generated"))
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    for key, ns in SERVICES.items():
        path = os.path.join(a.models, key + ".json")
        with open(path, encoding="utf-8") as f:
            model = json.load(f)
        g = Gen(key, model)
        out = [
            "// <auto-generated>",
            f"// Generated by tools/shapegen/shapegen.py from the AWS model {key}.json; do not edit.",
            "// </auto-generated>",
            "#nullable enable",
            f"namespace Vigil.Protocol.Shapes.{ns};",
            "",
        ]
        g.classes(out)
        g.metadata(out)
        with open(os.path.join(a.out, ns + ".g.cs"), "w", encoding="utf-8", newline="\n") as f:
            f.write("\n".join(out) + "\n")
        print(f"{ns}: {len(model['shapes'])} shapes, {len(model['operations'])} operations", file=sys.stderr)


if __name__ == "__main__":
    main()
