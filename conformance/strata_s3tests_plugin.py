"""pytest plugin loaded by conformance/run.sh (``-p strata_s3tests_plugin``).

It changes nothing in the suite's files.  It does three things:

1. Puts each test's pytest markers into the JUnit XML as a ``markers``
   property, so report.py can group results by feature without importing
   the suite.
2. Writes the tests the marker expression deselected, with their markers,
   to ``$STRATA_CONF_SIDECAR`` (JSON), so the report counts what was left
   out instead of silently dropping it.
3. Cleanup fallback (``STRATA_CONF_CLEANUP_FALLBACK``, default ``auto``):
   the suite's fixture empties every test bucket before and after each test
   with ListObjectVersions and DeleteObjects carrying
   ``x-amz-bypass-governance-retention``.  A store without versioning or
   object lock may answer either with 501 NotImplemented; the bucket then
   stays, and the test errors in setup or teardown although the feature
   under test was never reached.  With ``auto``, only when the suite's own
   cleanup of a bucket fails with NotImplemented, the bucket is emptied
   again with what the store has: ListObjectVersions or else ListObjectsV2,
   DeleteObjects without the bypass header or else DeleteObject per key,
   aborting unfinished multipart uploads first.  Against an endpoint that
   implements those calls nothing changes.  ``off`` disables it.  How often
   it was taken, and which call was refused, is recorded in the sidecar
   and shown in the report.  Only the fixture's cleanup uses this: tests
   that call these APIs themselves still see the 501.
"""

import json
import os

_SIDE = {"deselected": [], "cleanup_fallbacks": 0, "cleanup_fallback_reasons": {},
         "cleanup_fallback_mode": None}


def _markers(item):
    names = []
    for m in item.iter_markers():
        if m.name not in names and m.name not in ("parametrize", "usefixtures", "timeout"):
            names.append(m.name)
    return sorted(names)


def _is_not_implemented(e):
    err = e.response.get("Error", {})
    return err.get("Code") == "NotImplemented" or \
        e.response.get("ResponseMetadata", {}).get("HTTPStatusCode") == 501


def _install_cleanup_fallback():
    mode = os.environ.get("STRATA_CONF_CLEANUP_FALLBACK", "auto")
    _SIDE["cleanup_fallback_mode"] = mode
    if mode == "off":
        return
    try:
        import s3tests.functional as fn
        from botocore.exceptions import ClientError
    except Exception:  # suite not importable: pytest will say so itself
        return
    original = getattr(fn, "nuke_bucket", None)
    if original is None:
        _SIDE["cleanup_fallback_mode"] = mode + " (suite has no nuke_bucket; not installed)"
        return

    def plain_nuke(client, bucket):
        # unfinished multipart uploads keep a bucket from being deleted on some stores
        try:
            kw = {"Bucket": bucket}
            while True:
                up = client.list_multipart_uploads(**kw)
                for u in up.get("Uploads", []):
                    try:
                        client.abort_multipart_upload(Bucket=bucket, Key=u["Key"], UploadId=u["UploadId"])
                    except ClientError:
                        pass
                if not up.get("IsTruncated"):
                    break
                kw["KeyMarker"] = up.get("NextKeyMarker")
                kw["UploadIdMarker"] = up.get("NextUploadIdMarker")
        except ClientError:
            pass
        # versions when the store lists them, else the plain listing
        try:
            batches = list(fn.list_versions(client, bucket, 128))
        except ClientError as e:
            if not _is_not_implemented(e):
                raise
            batches = []
            kw = {"Bucket": bucket, "MaxKeys": 1000}
            while True:
                listing = client.list_objects_v2(**kw)
                if listing.get("Contents"):
                    batches.append([{"Key": o["Key"]} for o in listing["Contents"]])
                if not listing.get("IsTruncated"):
                    break
                kw["ContinuationToken"] = listing["NextContinuationToken"]
        for objects in batches:
            # without x-amz-bypass-governance-retention, which a store without
            # object lock may refuse as NotImplemented
            try:
                client.delete_objects(Bucket=bucket, Delete={"Objects": objects, "Quiet": True})
            except ClientError as e:
                if not _is_not_implemented(e):
                    raise
                _SIDE["cleanup_fallback_reasons"]["DeleteObjects (also without bypass header)"] = \
                    _SIDE["cleanup_fallback_reasons"].get("DeleteObjects (also without bypass header)", 0) + 1
                for o in objects:
                    try:
                        client.delete_object(Bucket=bucket, **o)
                    except ClientError as e2:
                        if "VersionId" not in o or not _is_not_implemented(e2):
                            raise
                        client.delete_object(Bucket=bucket, Key=o["Key"])
        client.delete_bucket(Bucket=bucket)

    def nuke_bucket(client, bucket):
        try:
            return original(client, bucket)
        except ClientError as e:
            if not _is_not_implemented(e):
                raise
            op = getattr(e, "operation_name", "?")
            _SIDE["cleanup_fallbacks"] += 1
            _SIDE["cleanup_fallback_reasons"][op] = _SIDE["cleanup_fallback_reasons"].get(op, 0) + 1
            return plain_nuke(client, bucket)

    fn.nuke_bucket = nuke_bucket


def pytest_configure(config):
    _install_cleanup_fallback()


def pytest_deselected(items):
    for item in items:
        _SIDE["deselected"].append({"nodeid": item.nodeid, "name": item.name, "markers": _markers(item)})


def pytest_collection_modifyitems(session, config, items):
    for item in items:
        item.user_properties.append(("markers", ",".join(_markers(item))))


def pytest_sessionfinish(session, exitstatus):
    path = os.environ.get("STRATA_CONF_SIDECAR")
    if path:
        with open(path, "w") as f:
            json.dump(_SIDE, f, indent=1)
