"""Reports which boto3 this interpreter has and which protocol its CloudWatch client speaks.

Used at test discovery to tell the JSON-era boto3 (botocore >= 1.3x: CloudWatch over JSON 1.0) from the
query-era one (botocore <= 1.29: CloudWatch over awsQuery). Makes no network call.
"""
import json
import sys

try:
    import boto3
    import botocore
except ImportError as e:
    print(json.dumps({"error": f"boto3 is not importable: {e}"}))
    sys.exit(0)

session = boto3.session.Session(aws_access_key_id="probe", aws_secret_access_key="probe", region_name="us-east-1")
model = session.client("cloudwatch").meta.service_model
# botocore >= 1.37 keeps the list in metadata.protocols and resolves one; older ones have a single metadata.protocol.
protocol = getattr(model, "resolved_protocol", None) or model.protocol
print(json.dumps({
    "python": sys.version.split()[0],
    "executable": sys.executable,
    "boto3": boto3.__version__,
    "botocore": botocore.__version__,
    "cloudwatch_protocol": protocol,
}))
