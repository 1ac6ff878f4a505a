// Runs Logs Insights queries with the AWS SDK for JavaScript v3 the way a program does and prints, as one JSON
// object, what it got.
//
// usage: node insights.mjs --params JSON
//   JSON: {"logGroupName": ..., "startTime": epoch s, "endTime": epoch s, "queries": [query string, ...]}
// Each query: StartQuery, then GetQueryResults every 50 ms until the status is no longer Scheduled or Running (at most
// 30 s). The endpoint comes from VIGIL_ENDPOINT; keys and region from AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and
// AWS_DEFAULT_REGION. The tests in tests/Vigil.Compat.Tests/Logs run this script.
//
// Output: {"ok": true, "result": {"answers": [{"status", "results"}, ...]}, "versions": ...}; an SDK error ends the run
// with {"ok": false, "query": ..., "name": e.name, "message": e.message}.
import { readFileSync } from "node:fs";
import { CloudWatchLogsClient, StartQueryCommand, GetQueryResultsCommand } from "@aws-sdk/client-cloudwatch-logs";

const args = process.argv.slice(2);
const params = JSON.parse(args[args.indexOf("--params") + 1]);
const client = new CloudWatchLogsClient({ endpoint: process.env.VIGIL_ENDPOINT, maxAttempts: 1 });
const version = JSON.parse(readFileSync(new URL("./node_modules/@aws-sdk/client-cloudwatch-logs/package.json", import.meta.url))).version;
const out = { versions: { "client-cloudwatch-logs": version, node: process.version } };
const answers = [];
for (const query of params.queries) {
  try {
    const { queryId } = await client.send(new StartQueryCommand({
      logGroupName: params.logGroupName, startTime: params.startTime, endTime: params.endTime, queryString: query,
    }));
    const deadline = Date.now() + 30_000;
    let response;
    for (;;) {
      response = await client.send(new GetQueryResultsCommand({ queryId }));
      if (!["Scheduled", "Running"].includes(response.status) || Date.now() > deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    answers.push({ status: response.status, results: response.results });
  } catch (e) {
    console.log(JSON.stringify({ ...out, ok: false, query, name: e.name, message: e.message }));
    process.exit(0);
  }
}
console.log(JSON.stringify({ ...out, ok: true, result: { answers } }));
