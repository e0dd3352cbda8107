#!/usr/bin/python3
# What encryption at rest costs: PUT and GET of one 100 MiB object through boto3 (Debian's python3-boto3), timed
# from the client, as plain SSE-S3 (every object Strata stores is encrypted) and as SSE-C; 5 rounds, median MB/s.
# Run it against `./strata run` and, for comparison, against a plain s3proxy on its filesystem store (no
# encryption: conformance/s3proxy-baseline.sh) with SSE_C=0.
# Usage: S3_KEY=... S3_SECRET=... [S3_ENDPOINT=http://127.0.0.1:9000] [SSE_C=1] bench/s3/sse_bench.py
import base64, boto3, hashlib, os, statistics, time
from boto3.s3.transfer import TransferConfig
s3 = boto3.client('s3', endpoint_url=os.environ.get('S3_ENDPOINT', 'http://127.0.0.1:9000'),
                  aws_access_key_id=os.environ['S3_KEY'], aws_secret_access_key=os.environ['S3_SECRET'], region_name='us-east-1')
b = 'sse-bench'
try: s3.create_bucket(Bucket=b)
except Exception: pass
size = 100 * 1024 * 1024  # s3proxy refuses single signed PUTs over 128 MiB (v4MaxNonChunkedRequestSize)
body = os.urandom(size)
key = os.urandom(32)
ssec = dict(SSECustomerAlgorithm='AES256', SSECustomerKey=base64.b64encode(key).decode(),
            SSECustomerKeyMD5=base64.b64encode(hashlib.md5(key).digest()).decode())
modes = [('no SSE headers (Strata: SSE-S3, every object is encrypted)', {})] + ([('SSE-C', ssec)] if os.environ.get('SSE_C', '1') == '1' else [])
for label, kw in modes:
    puts, gets = [], []
    for i in range(5):
        t = time.time(); s3.put_object(Bucket=b, Key='big', Body=body, **kw); puts.append(size / (time.time() - t) / 1e6)
        t = time.time(); got = s3.get_object(Bucket=b, Key='big', **kw)['Body'].read(); gets.append(size / (time.time() - t) / 1e6)
        assert got == body
    print("%s: PUT median %.0f MB/s (min %.0f, max %.0f); GET median %.0f MB/s (min %.0f, max %.0f)" % (
        label, statistics.median(puts), min(puts), max(puts), statistics.median(gets), min(gets), max(gets)))
s3.delete_object(Bucket=b, Key='big')
