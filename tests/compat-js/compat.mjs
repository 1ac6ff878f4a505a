// Calls one AWS operation with the AWS SDK for JavaScript v3 and prints, as one JSON object, what a user would see.
//
// usage: node compat.mjs SERVICE OPERATION [--cbor] [--params JSON] [--stream-until TEXT [--seconds N] [--no-host-prefix]]
//   SERVICE: sts | cloudwatch | logs; OPERATION: the command name without "Command" (GetCallerIdentity, ListMetrics,
//   DescribeLogGroups), sent with the input in --params (a JSON object; none by default). Members named Timestamp,
//   StartTime or EndTime are given to the SDK as Date objects, as a program would. --cbor puts CloudWatch on the SDK's Smithy RPCv2 CBOR protocol
//   (protocol notes §5) instead of the JSON 1.0 protocol this package build uses.
// The endpoint comes from VIGIL_ENDPOINT; keys and region from AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and
// AWS_DEFAULT_REGION. Retries are off. The tests in tests/Vigil.Compat.Tests/JsSdk run this script.
//
// Operations whose output is an event stream (StartLiveTail): with --stream-until, events are read until one whose JSON
// holds TEXT (then the stream is closed, as a user ends a session), the stream ends or N seconds (default 30) pass;
// they are printed as result.events, a stream error as result.streamError. --no-host-prefix sets disableHostPrefix;
// without it the SDK's "stream-" host prefix is kept and the prefixed host is resolved to the endpoint's address in
// this process (no DNS here knows it).
//
// Output: {"ok": true, "result": ..., "metadata": {httpStatusCode, requestId}, "wire": ..., "versions": ...} or, when
// the SDK threw, {"ok": false, "name": e.name, "Code": e.Code, "httpStatusCode": e.$metadata.httpStatusCode, ...}.
import { readFileSync } from "node:fs";
import { lookup } from "node:dns";
import http from "node:http";
import { AwsSmithyRpcV2CborProtocol } from "@aws-sdk/core/protocols";

const services = {
  sts: { pkg: "@aws-sdk/client-sts", client: "STSClient", exception: "STSServiceException" },
  cloudwatch: { pkg: "@aws-sdk/client-cloudwatch", client: "CloudWatchClient", exception: "CloudWatchServiceException" },
  logs: { pkg: "@aws-sdk/client-cloudwatch-logs", client: "CloudWatchLogsClient", exception: "CloudWatchLogsServiceException" },
};

const args = process.argv.slice(2);
let params = {};
const paramsAt = args.indexOf("--params");
if (paramsAt >= 0) {
  params = JSON.parse(args[paramsAt + 1]);
  args.splice(paramsAt, 2);
}
const dateMembers = new Set(["Timestamp", "StartTime", "EndTime"]);
const withDates = (v) =>
  Array.isArray(v) ? v.map(withDates)
  : v && typeof v === "object" ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, dateMembers.has(k) && typeof x === "string" ? new Date(x) : withDates(x)]))
  : v;
params = withDates(params);
const option = (name) => {
  const at = args.indexOf(name);
  return at >= 0 ? args.splice(at, 2)[1] : undefined;
};
const streamUntil = option("--stream-until");
const streamSeconds = Number(option("--seconds") ?? 30);
const noHostPrefix = args.includes("--no-host-prefix");
const cbor = args.includes("--cbor");
const [serviceName, operation] = args.filter((a) => a !== "--cbor" && a !== "--no-host-prefix");
const service = services[serviceName];
if (!service || !operation) {
  console.error("usage: node compat.mjs sts|cloudwatch|logs OPERATION [--cbor]");
  process.exit(2);
}
if (cbor && serviceName !== "cloudwatch") {
  console.error("--cbor applies to cloudwatch only");
  process.exit(2);
}

const sdk = await import(service.pkg);
const Command = sdk[`${operation}Command`];
if (!Command) {
  console.error(`${service.pkg} has no ${operation}Command`);
  process.exit(2);
}

const config = {
  endpoint: process.env.VIGIL_ENDPOINT,
  region: process.env.AWS_DEFAULT_REGION,
  maxAttempts: 1,
  credentials: { accessKeyId: process.env.AWS_ACCESS_KEY_ID, secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY },
};
if (cbor) {
  config.protocol = AwsSmithyRpcV2CborProtocol;
  config.protocolSettings = { defaultNamespace: "com.amazonaws.cloudwatch", awsQueryCompatible: true };
}
if (noHostPrefix) {
  config.disableHostPrefix = true;
} else if (streamUntil !== undefined) {
  const endpointHost = new URL(process.env.VIGIL_ENDPOINT).hostname;
  const toEndpoint = (host, options, callback) => lookup(host !== endpointHost && host.endsWith(endpointHost) ? endpointHost : host, options, callback);
  const { NodeHttpHandler } = await import("@smithy/node-http-handler");
  config.requestHandler = new NodeHttpHandler({ httpAgent: new http.Agent({ keepAlive: true, lookup: toEndpoint }) });
}
const client = new sdk[service.client](config);

// What went on the wire: the request headers after serialization and signing.
const wire = {};
client.middlewareStack.add(
  (next) => async (input) => {
    const { request } = input;
    const header = (name) => Object.entries(request.headers ?? {}).find(([k]) => k.toLowerCase() === name)?.[1] ?? null;
    Object.assign(wire, {
      method: request.method,
      path: request.path,
      content_type: header("content-type"),
      smithy_protocol: header("smithy-protocol"),
      x_amz_target: header("x-amz-target"),
      host: header("host") ?? request.hostname,
    });
    return next(input);
  },
  { step: "finalizeRequest", name: "vigilCompatCaptureWire", priority: "low" },
);

const version = (pkg) => JSON.parse(readFileSync(new URL(`./node_modules/${pkg}/package.json`, import.meta.url), "utf8")).version;
const out = {
  versions: { [service.pkg]: version(service.pkg), "@aws-sdk/core": version("@aws-sdk/core"), node: process.version },
  protocol: cbor ? "smithy-rpc-v2-cbor" : "default",
  wire,
};

try {
  const { $metadata, ...result } = await client.send(new Command(params));
  if (streamUntil !== undefined) {
    const key = Object.keys(result).find((k) => typeof result[k]?.[Symbol.asyncIterator] === "function");
    const events = [];
    const deadline = Date.now() + streamSeconds * 1000;
    try {
      for await (const event of result[key]) {
        events.push(event);
        if (JSON.stringify(event).includes(streamUntil) || Date.now() > deadline) break;
      }
    } catch (e) {
      result.streamError = { name: e.name ?? null, message: e.message ?? null };
    }
    result[key] = undefined;
    result.events = events;
  }
  Object.assign(out, { ok: true, result, metadata: { httpStatusCode: $metadata.httpStatusCode, requestId: $metadata.requestId ?? null } });
} catch (e) {
  Object.assign(out, {
    ok: false,
    name: e.name ?? null,
    Code: e.Code ?? null,
    Type: e.Type ?? null,
    fault: e.$fault ?? null,
    message: e.message ?? null,
    errorClass: e.constructor?.name ?? null,
    isServiceException: e instanceof sdk[service.exception],
    httpStatusCode: e.$metadata?.httpStatusCode ?? null,
    requestId: e.$metadata?.requestId ?? null,
    // Modelled members of the error shape (e.g. MalformedQueryException's queryCompileError).
    queryCompileError: e.queryCompileError ?? null,
  });
}
if (streamUntil !== undefined) {
  // Leaving the loop does not close the response body; destroying the client closes its sockets, which ends the
  // session on the server as a user's Ctrl+C would. Exit once stdout has drained (pipes are written asynchronously).
  client.destroy();
  process.stdout.write(JSON.stringify(out) + "\n", () => process.exit(0));
} else {
  console.log(JSON.stringify(out));
}
