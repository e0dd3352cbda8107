#!/usr/bin/python3
# What listing costs in the embedded S3 endpoint: 10 000 small objects PUT (8 threads), then ListObjectsV2 pages
# timed from the client (boto3, Debian's python3-boto3), against a running `./strata run`.
# Usage: S3_KEY=... S3_SECRET=... [S3_ENDPOINT=http://127.0.0.1:9000] bench/s3/list_bench.py
import boto3, os, time, concurrent.futures, statistics
s3 = boto3.client('s3', endpoint_url=os.environ.get('S3_ENDPOINT', 'http://127.0.0.1:9000'),
                  aws_access_key_id=os.environ['S3_KEY'], aws_secret_access_key=os.environ['S3_SECRET'], region_name='us-east-1')
b = 'list-bench'
try: s3.create_bucket(Bucket=b)
except Exception: pass
N = 10000
def put(i): s3.put_object(Bucket=b, Key='logs/2026/12/%05d.txt' % i, Body=b'x')
t = time.time()
with concurrent.futures.ThreadPoolExecutor(8) as ex: list(ex.map(put, range(N)))
print("put %d objects in %.1f s" % (N, time.time() - t))
for label, kw in [("first page (1000 keys)", {}), ("page with prefix+delimiter", {'Prefix': 'logs/2026/', 'Delimiter': '/'})]:
    ts = []
    for _ in range(7):
        t = time.time(); s3.list_objects_v2(Bucket=b, **kw); ts.append((time.time() - t) * 1000)
    print("%s: median %.0f ms (min %.0f, max %.0f)" % (label, statistics.median(ts), min(ts), max(ts)))
t = time.time(); n = 0
for page in s3.get_paginator('list_objects_v2').paginate(Bucket=b): n += len(page.get('Contents', []))
print("all %d keys in 10 pages: %.2f s" % (n, time.time() - t))
ts = []
for i in range(20):
    t = time.time(); s3.get_object(Bucket=b, Key='logs/2026/12/%05d.txt' % i)['Body'].read(); ts.append((time.time() - t) * 1000)
print("GET small object: median %.1f ms" % statistics.median(ts))
