#!/usr/bin/python3
"""Checks beyond s3-tests against the single-node RGW of rgw-single-node.sh:
user/bucket quotas (QuotaExceeded), SigV2 presigned URLs, bucket lifecycle
with rgw_lc_debug_interval, and the Admin Ops API (users, keys, quotas,
bucket stats).  Prints one line per check and a JSON summary.

    rgw-checks.py <dir> [port]

Uses radosgw-admin -c <dir>/ceph.conf only to create the users; everything
else goes over HTTP (S3 and /admin).  Debian's python3-boto3/-requests.
"""
import json
import subprocess
import sys
import time
import urllib.parse

import boto3
import requests
from botocore.auth import S3SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.client import Config
from botocore.credentials import Credentials
from botocore.exceptions import ClientError

d = sys.argv[1]
port = int(sys.argv[2]) if len(sys.argv) > 2 else 18080
EP = f"http://127.0.0.1:{port}"
ADMIN = ("ADMINACCESSKEY0000000", "adminsecretkey000000000000000000000000000")
results = {}


def check(name, ok, detail=""):
    results[name] = {"ok": bool(ok), "detail": detail}
    print(f"{'PASS' if ok else 'FAIL'} {name}: {detail}", flush=True)


def rgwadmin(*args):
    return subprocess.run(["radosgw-admin", "-c", f"{d}/ceph.conf", *args],
                          check=True, capture_output=True, text=True).stdout


def admin_ops(method, path, params, body=None):
    """A SigV4-signed request to RGW's Admin Ops API."""
    url = EP + path + "?" + urllib.parse.urlencode(params, quote_via=urllib.parse.quote)
    req = AWSRequest(method=method, url=url, data=body or b"")
    S3SigV4Auth(Credentials(*ADMIN), "s3", "us-east-1").add_auth(req)
    r = requests.request(method, url, headers=dict(req.headers), data=body or b"")
    return r


def s3(ak, sk, sigv="s3v4"):
    return boto3.client("s3", endpoint_url=EP, aws_access_key_id=ak, aws_secret_access_key=sk,
                        region_name="us-east-1",
                        config=Config(signature_version=sigv, retries={"max_attempts": 1},
                                      s3={"addressing_style": "path"}))


def code(e):
    return e.response.get("Error", {}).get("Code"), e.response["ResponseMetadata"]["HTTPStatusCode"]


stamp = str(int(time.time()))

# ---- Admin Ops API: user create, key create, user info ---------------------
uid = "chk-" + stamp
r = admin_ops("PUT", "/admin/user", {"uid": uid, "display-name": "check user", "format": "json"})
check("adminops.user_create", r.status_code == 200, f"PUT /admin/user -> {r.status_code}")
keys = r.json().get("keys", []) if r.ok else []
r = admin_ops("PUT", "/admin/user", {"key": "", "uid": uid, "key-type": "s3", "generate-key": "true",
                                     "format": "json"})
check("adminops.key_create", r.status_code == 200 and len(r.json()) == len(keys) + 1,
      f"PUT /admin/user?key -> {r.status_code}, keys now {len(r.json()) if r.ok else '?'}")
r = admin_ops("GET", "/admin/user", {"uid": uid, "format": "json"})
check("adminops.user_info", r.status_code == 200 and r.json().get("user_id") == uid,
      f"GET /admin/user -> {r.status_code}")
ak, sk = keys[0]["access_key"], keys[0]["secret_key"]
c = s3(ak, sk)

# ---- quota: max-objects, user scope, via Admin Ops -------------------------
# the JSON-body form of the documented call answers 501 NotImplemented on 16.2.15
# when SigV4-signed (with SigV2 it is accepted); the query-parameter form works
r = admin_ops("PUT", "/admin/user", {"quota": "", "uid": uid, "quota-type": "user"},
              body=json.dumps({"enabled": True, "max_objects": 3, "max_size_kb": -1}).encode())
check("adminops.quota_set_user_json_body", r.status_code == 200, f"PUT /admin/user?quota + JSON body -> {r.status_code}")
r = admin_ops("PUT", "/admin/user", {"quota": "", "uid": uid, "quota-type": "user",
                                     "enabled": "true", "max-objects": "3"})
check("adminops.quota_set_user_params", r.status_code == 200, f"PUT /admin/user?quota&enabled&max-objects -> {r.status_code}")
r = admin_ops("GET", "/admin/user", {"quota": "", "uid": uid, "quota-type": "user"})
check("adminops.quota_get_user", r.ok and r.json().get("max_objects") == 3, f"GET /admin/user?quota -> {r.status_code} {r.text[:90]}")
c.create_bucket(Bucket=f"q-{stamp}")
got = None
for i in range(6):
    try:
        c.put_object(Bucket=f"q-{stamp}", Key=f"k{i}", Body=b"x")
    except ClientError as e:
        got = (i, *code(e))
        break
check("quota.user_max_objects", got and got[1] == "QuotaExceeded",
      f"max_objects=3 (user): refused at object #{got[0] + 1 if got else '-'} with {got[1:] if got else 'nothing'}")

# ---- quota: max-size, bucket scope, via radosgw-admin ----------------------
uid2 = "chk2-" + stamp
u2 = json.loads(rgwadmin("user", "create", "--uid", uid2, "--display-name", "check 2"))
c2 = s3(u2["keys"][0]["access_key"], u2["keys"][0]["secret_key"])
rgwadmin("quota", "set", "--quota-scope=bucket", "--uid", uid2, "--max-size=1M")
rgwadmin("quota", "enable", "--quota-scope=bucket", "--uid", uid2)
c2.create_bucket(Bucket=f"qs-{stamp}")
got = None
for i in range(4):
    try:
        c2.put_object(Bucket=f"qs-{stamp}", Key=f"big{i}", Body=b"x" * 400_000)
    except ClientError as e:
        got = (i, *code(e))
        break
check("quota.bucket_max_size", got and got[1] == "QuotaExceeded",
      f"max_size=1M (bucket), 400 kB objects: refused at object #{got[0] + 1 if got else '-'} with {got[1:] if got else 'nothing'}")

# ---- bucket stats via Admin Ops ---------------------------------------------
r = admin_ops("GET", "/admin/bucket", {"bucket": f"qs-{stamp}", "stats": "true", "format": "json"})
usage = r.json().get("usage", {}).get("rgw.main", {}) if r.ok else {}
check("adminops.bucket_stats", r.status_code == 200 and "num_objects" in usage,
      f"GET /admin/bucket?stats -> {r.status_code}, usage {usage}")
r = admin_ops("GET", "/admin/user", {"uid": uid2, "stats": "true", "format": "json"})
cached = r.json().get("stats", {}).get("num_objects") if r.ok else None
r = admin_ops("GET", "/admin/user", {"uid": uid2, "stats": "true", "sync": "true", "format": "json"})
synced = r.json().get("stats", {}).get("num_objects") if r.ok else None
check("adminops.user_stats", r.status_code == 200 and synced == 2,
      f"GET /admin/user?stats -> num_objects {cached} (cached user stats), with &sync=true -> {synced}")

# ---- SigV2 presigned URLs ----------------------------------------------------
# with the second user (its bucket quota applies per bucket; this one is empty)
cv2 = s3(u2["keys"][0]["access_key"], u2["keys"][0]["secret_key"], sigv="s3")  # 's3' = SigV2
pb = f"p-{stamp}"
c2.create_bucket(Bucket=pb)
cv2.put_object(Bucket=pb, Key="presigned", Body=b"hello v2")
url = cv2.generate_presigned_url("get_object", Params={"Bucket": pb, "Key": "presigned"}, ExpiresIn=60)
r = requests.get(url)
check("sigv2.presigned_get", r.status_code == 200 and r.content == b"hello v2",
      f"{'Signature=' in url and 'AWSAccessKeyId=' in url and 'V2 query'}: GET -> {r.status_code}")
bad = url.replace("Signature=", "Signature=A")
r = requests.get(bad)
check("sigv2.presigned_tampered", r.status_code == 403, f"tampered signature -> {r.status_code}")
url = cv2.generate_presigned_url("get_object", Params={"Bucket": pb, "Key": "presigned"}, ExpiresIn=1)
time.sleep(2.5)
r = requests.get(url)
check("sigv2.presigned_expired", r.status_code == 403, f"expired -> {r.status_code}")
url = cv2.generate_presigned_url("put_object", Params={"Bucket": pb, "Key": "via-put"}, ExpiresIn=60)
r = requests.put(url, data=b"put via v2")
check("sigv2.presigned_put", r.status_code == 200 and
      c2.get_object(Bucket=pb, Key="via-put")["Body"].read() == b"put via v2",
      f"PUT -> {r.status_code}")

# ---- lifecycle with rgw_lc_debug_interval (a "day" = the interval in s) ------
b = f"lc-{stamp}"
c2.create_bucket(Bucket=b)
c2.put_bucket_lifecycle_configuration(Bucket=b, LifecycleConfiguration={"Rules": [
    {"ID": "exp", "Filter": {"Prefix": "exp/"}, "Status": "Enabled", "Expiration": {"Days": 1}}]})
for k in ("exp/a", "exp/b", "keep/c"):
    c2.put_object(Bucket=b, Key=k, Body=b"x")
t0 = time.time()
left = None
while time.time() - t0 < 120:
    left = sorted(o["Key"] for o in c2.list_objects_v2(Bucket=b).get("Contents", []))
    if left == ["keep/c"]:
        break
    time.sleep(2)
check("lifecycle.expiration_debug_interval", left == ["keep/c"],
      f"Expiration Days=1 on exp/: objects left {left} after {time.time() - t0:.0f} s")
print(json.dumps(results, indent=1))
sys.exit(0 if all(v["ok"] for v in results.values()) else 1)
