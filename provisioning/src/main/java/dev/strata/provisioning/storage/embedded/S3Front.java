package dev.strata.provisioning.storage.embedded;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import dev.strata.provisioning.storage.embedded.sealed.Publication;
import org.gaul.s3proxy.blobstore.domain.MultipartUpload;
import org.gaul.s3proxy.checksum.ChunkedInputStream;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;

/**
 * What Strata answers in front of s3proxy on the S3 endpoint (a servlet filter in s3proxy's own Jetty): the bucket
 * subresources s3proxy does not implement, {@code ?cors}, {@code ?policy} and {@code ?lifecycle} (GET, PUT,
 * DELETE; signed by a key of the bucket's project, checked with s3proxy's signature code), CORS preflights
 * ({@code OPTIONS}) and the CORS headers of actual requests, by the bucket's rules. Everything else goes on to
 * s3proxy unchanged. Anonymous reads that a bucket policy allows are s3proxy's too, through
 * {@link AnonymousBuckets}.
 */
final class S3Front implements Filter {

    private static final Logger LOG = Logger.getLogger(S3Front.class.getName());
    private static final int MAX_BODY = 1 << 20;
    private static final List<String> SUBRESOURCES = List.of("cors", "policy", "lifecycle", "tagging", "publicAccessBlock", "policyStatus",
            "ownershipControls");

    private final ProjectKeyLocator locator;
    private final BucketConfigs configs;

    /**
     * SSE-KMS names a key of a key management service: Strata's built-in one offers the keys listed in
     * {@code STRATA_KMS_KEYS}; with none listed, reporting {@code aws:kms} would be a claim over a key nobody
     * manages. Objects are encrypted at rest either way (SSE-S3 or SSE-C).
     */
    static final String NO_KMS = "SSE-KMS is not available: no keys are configured for Strata's key service (STRATA_KMS_KEYS). "
            + "Every object is encrypted at rest with AES256 (SSE-S3) or with a customer-provided key (SSE-C).";

    private final dev.strata.provisioning.storage.embedded.sealed.KmsKeys kms;

    S3Front(ProjectKeyLocator locator, BucketConfigs configs) {
        this(locator, configs, null);
    }

    S3Front(ProjectKeyLocator locator, BucketConfigs configs, dev.strata.provisioning.storage.embedded.sealed.KmsKeys kms) {
        this.kms = kms;
        this.locator = locator;
        this.configs = configs;
    }

    @Override
    public void doFilter(ServletRequest sreq, ServletResponse sres, FilterChain chain) throws IOException, ServletException {
        HttpServletRequest req = (HttpServletRequest) sreq;
        HttpServletResponse res = (HttpServletResponse) sres;
        String uri = req.getRequestURI();
        String[] path = uri.split("/", 3);
        String bucket = path.length > 1 && !path[1].isEmpty() ? decode(path[1]) : null;
        String key = path.length > 2 && !path[2].isEmpty() ? decode(path[2]) : null;
        if (bucket == null) {
            chain.doFilter(req, res);
            return;
        }
        Map<String, String> query = query(req.getQueryString());
        try {
            if (req.getMethod().equals("OPTIONS")) {
                preflight(req, res, bucket);
                return;
            }
            if (Optional.ofNullable(req.getHeader("x-amz-server-side-encryption")).orElse("").startsWith("aws:kms")) {
                kmsKeyUsable(req.getHeader("x-amz-server-side-encryption-aws-kms-key-id"));
            }
            if (key == null && req.getMethod().equals("PUT") && query.containsKey("encryption")) {
                CachedBody cached = new CachedBody(req, body(req));
                String xml = new String(cached.body, StandardCharsets.UTF_8);
                if (xml.contains("aws:kms")) {
                    var m = Pattern.compile("<KMSMasterKeyID>([^<]*)</KMSMasterKeyID>").matcher(xml);
                    kmsKeyUsable(m.find() ? m.group(1).trim() : null);
                }
                chain.doFilter(cached, res);
                return;
            }
            if (key != null && query.containsKey("tagging")) {
                objectTagging(req, res, uri, bucket, key, query.get("versionId"));
                return;
            }
            if (key != null && query.containsKey("partNumber") && !query.containsKey("uploadId")
                    && (req.getMethod().equals("GET") || req.getMethod().equals("HEAD"))) {
                part(req, res, uri, bucket, key, query);
                return;
            }
            if (key != null && (query.containsKey("retention") || query.containsKey("legal-hold"))) {
                objectLock(req, res, uri, bucket, key, query.get("versionId"), query.containsKey("retention"));
                return;
            }
            if (key == null && query.containsKey("object-lock")) {
                bucketLock(req, res, uri, bucket);
                return;
            }
            String ownership = key == null && req.getMethod().equals("PUT") && query.isEmpty() && req.getHeader("x-amz-object-ownership") != null
                    ? ObjectOwnership.valid(req.getHeader("x-amz-object-ownership")) : null;
            if (key == null && req.getMethod().equals("PUT") && query.isEmpty()
                    && "true".equalsIgnoreCase(req.getHeader("x-amz-bucket-object-lock-enabled"))) {
                createBucket(req, res, uri, bucket, true);
                recordOwnership(req, query, res, bucket, ownership);
                return;
            }
            if (ownership != null && signed(req, query)) {
                if (ownership.equals(ObjectOwnership.ENFORCED) && ObjectOwnership.setsAcl(req.getHeader("x-amz-acl"), hasGrants(req), false)) {
                    throw new S3Failure(400, "InvalidBucketAclWithObjectOwnership",
                            "Bucket cannot have ACLs set with ObjectOwnership's BucketOwnerEnforced setting");
                }
                createBucket(req, res, uri, bucket, false);
                recordOwnership(req, query, res, bucket, ownership);
                return;
            }
            if ((req.getMethod().equals("PUT") || req.getMethod().equals("POST")) && signed(req, query)
                    && ObjectOwnership.setsAcl(req.getHeader("x-amz-acl"), hasGrants(req), query.containsKey("acl") && req.getMethod().equals("PUT"))) {
                aclsAllowed(req, query, bucket);
            }
            Optional<String> lockProject = signed(req, query) ? Optional.ofNullable(locator.entry(claimedKey(req, query)))
                    .map(KeyDirectory.Entry::projectId).filter(p -> locator.hasBucket(p, bucket)
                            && configs.read(p, bucket, BucketConfigs.OBJECT_LOCK).isPresent()) : Optional.empty();
            if (lockProject.isPresent()) {
                if (key == null && req.getMethod().equals("PUT") && query.containsKey("versioning")) {
                    CachedBody cached = new CachedBody(req, body(req));
                    if (new String(cached.body, StandardCharsets.UTF_8).contains("Suspended")) {
                        throw new S3Failure(409, "InvalidBucketState", "An Object Lock configuration is present on this bucket, so the versioning state cannot be changed.");
                    }
                    chain.doFilter(cached, res);
                    return;
                }
                if (key == null && req.getMethod().equals("POST") && query.containsKey("delete")) {
                    multiDeleteLocked(req, res, uri, bucket, lockProject.get());
                    return;
                }
                if (key != null && req.getMethod().equals("DELETE") && query.containsKey("versionId") && !query.containsKey("uploadId")) {
                    ObjectTags.file(locator.projectDir(lockProject.get()).resolve(bucket), key, query.get("versionId"))
                            .ifPresent(f -> ObjectLock.requireDeletable(f, bypass(req)));
                }
                if (key != null && req.getMethod().equals("POST") && query.containsKey("uploads")) {
                    createUpload(req, res, chain, lockProject.get(), bucket, key, new Pending(ObjectLock.fromHeaders(req.getHeader("x-amz-object-lock-mode"),
                            req.getHeader("x-amz-object-lock-retain-until-date")).orElse(null),
                            Optional.ofNullable(req.getHeader("x-amz-object-lock-legal-hold")).map("ON"::equalsIgnoreCase).orElse(null),
                            req.getHeader("x-amz-tagging") == null ? null : ObjectTags.fromHeader(req.getHeader("x-amz-tagging"))));
                    return;
                }
                if (key != null) {
                    Publication.Attach lock = lockedWrite(req, res, query, bucket, key, lockProject.get());
                    if (lock != null) {
                        Publication.Attach tags = Optional.ofNullable(objectWrite(req, res, query, bucket, key)).map(ObjectWrite::attach).orElse(null);
                        publish(req, res, chain, locator.projectDir(lockProject.get()).resolve(bucket), key, tags == null ? lock : f -> {
                            tags.to(f);
                            lock.to(f);
                        });
                        return;
                    }
                }
            }
            if (key != null && (req.getMethod().equals("PUT") && !query.containsKey("acl") || req.getMethod().equals("POST") && query.containsKey("uploads"))
                    && signed(req, query)) {
                deniedByPolicy(req, query, bucket, key);
            }
            String sub = key != null ? null : SUBRESOURCES.stream().filter(query::containsKey).findFirst().orElse(null);
            if (sub != null) {
                subresource(req, res, uri, bucket, sub);
                return;
            }
            if (PublicAccessBlock.publicAcl(req.getHeader("x-amz-acl")) && (req.getMethod().equals("PUT") || req.getMethod().equals("POST"))
                    && signed(req, query)) {
                KeyDirectory.Entry signer = locator.entry(claimedKey(req, query));
                if (signer != null && signer.projectId() != null && locator.hasBucket(signer.projectId(), bucket)
                        && configs.publicAccessBlock(signer.projectId(), bucket).blockPublicAcls()) {
                    throw new S3Failure(403, "AccessDenied", "Access Denied: the bucket's public access block refuses public ACLs");
                }
            }
            String origin = req.getHeader("Origin");
            if (origin != null) {
                corsHeaders(req, res, query, bucket, origin);
            }
            if (key != null && signed(req, query) && req.getMethod().equals("POST") && query.containsKey("uploads")
                    && req.getHeader("x-amz-tagging") != null) {
                Map<String, String> tags = ObjectTags.fromHeader(req.getHeader("x-amz-tagging"));
                KeyDirectory.Entry signer = locator.entry(claimedKey(req, query));
                if (signer != null && signer.projectId() != null && locator.hasBucket(signer.projectId(), bucket)) {
                    createUpload(req, res, chain, signer.projectId(), bucket, key, new Pending(null, null, tags));
                    return;
                }
            }
            if (key != null && signed(req, query) && req.getMethod().equals("POST") && query.containsKey("uploadId")) {
                KeyDirectory.Entry signer = locator.entry(claimedKey(req, query));
                Path bucketDir = signer == null || signer.projectId() == null || !locator.hasBucket(signer.projectId(), bucket)
                        ? null : locator.projectDir(signer.projectId()).resolve(bucket);
                Optional<Pending> pending = bucketDir == null ? Optional.empty() : Pending.of(bucketDir, key, query.get("uploadId"));
                if (pending.isPresent() && pending.get().tags() != null) {
                    Map<String, String> tags = pending.get().tags();
                    publish(req, res, chain, bucketDir, key, f -> ObjectTags.write(f, tags));
                    return;
                }
            }
            if (key != null && signed(req, query)) {
                ObjectWrite write = objectWrite(req, res, query, bucket, key);
                if (write != null && write.attach() != null) {
                    publish(req, res, chain, write.bucketDir(), key, write.attach());
                    return;
                }
            }
        } catch (S3Failure f) {
            error(res, f);
            return;
        } catch (RuntimeException e) {
            LOG.warning(() -> req.getMethod() + " " + uri + " failed: " + e);
            error(res, new S3Failure(500, "InternalError", "We encountered an internal error. Please try again."));
            return;
        }
        chain.doFilter(req, res);
    }

    // ---- CORS ----------------------------------------------------------------------------------------------

    private void preflight(HttpServletRequest req, HttpServletResponse res, String bucket) throws IOException {
        String origin = req.getHeader("Origin");
        String method = req.getHeader("Access-Control-Request-Method");
        if (origin == null) {
            throw new S3Failure(400, "BadRequest", "Insufficient information. Origin request header needed.");
        }
        if (method == null) {
            throw new S3Failure(400, "BadRequest", "Invalid Access-Control-Request-Method: null");
        }
        List<String> headers = headerList(req.getHeader("Access-Control-Request-Headers"));
        Optional<CorsRules> rules = locator.projectOfBucket(bucket).flatMap(p -> configs.read(p, bucket, BucketConfigs.CORS)).map(CorsRules::parse);
        if (rules.isEmpty()) {
            throw new S3Failure(403, "AccessForbidden", "CORSResponse: CORS is not enabled for this bucket.");
        }
        CorsRules.Rule rule = rules.get().match(origin, method, headers).orElseThrow(() -> new S3Failure(403, "AccessForbidden",
                "CORSResponse: This CORS request is not allowed. This is usually because the evalution of Origin, request method / "
                        + "Access-Control-Request-Method or Access-Control-Request-Headers are not whitelisted by the resource's CORS spec."));
        res.setStatus(200);
        res.setHeader("Access-Control-Allow-Origin", rule.allowOrigin(origin));
        res.setHeader("Access-Control-Allow-Methods", String.join(", ", rule.methods()));
        if (!headers.isEmpty()) {
            res.setHeader("Access-Control-Allow-Headers", String.join(", ", headers));
        }
        if (!rule.expose().isEmpty()) {
            res.setHeader("Access-Control-Expose-Headers", String.join(", ", rule.expose()));
        }
        if (rule.maxAge() != null) {
            res.setHeader("Access-Control-Max-Age", String.valueOf(rule.maxAge()));
        }
        if (!rule.origins().contains("*")) {
            res.setHeader("Access-Control-Allow-Credentials", "true");
        }
        res.setHeader("Vary", "Origin, Access-Control-Request-Headers, Access-Control-Request-Method");
        res.setHeader("x-amz-request-id", requestId());
        res.setContentLength(0);
    }

    /** The CORS headers of an actual request from {@code origin}, when a rule of the bucket allows it. */
    private void corsHeaders(HttpServletRequest req, HttpServletResponse res, Map<String, String> query, String bucket, String origin) {
        Optional<String> project;
        if (signed(req, query)) {
            KeyDirectory.Entry key = locator.entry(claimedKey(req, query));
            project = key == null ? Optional.empty() : Optional.of(key.projectId());
        } else {
            project = locator.projectOfBucket(bucket);
        }
        project.flatMap(p -> configs.read(p, bucket, BucketConfigs.CORS)).map(CorsRules::parse)
                .flatMap(rules -> rules.match(origin, req.getMethod(), List.of()))
                .ifPresent(rule -> {
                    res.setHeader("Access-Control-Allow-Origin", rule.allowOrigin(origin));
                    res.setHeader("Access-Control-Allow-Methods", String.join(", ", rule.methods()));
                    if (!rule.expose().isEmpty()) {
                        res.setHeader("Access-Control-Expose-Headers", String.join(", ", rule.expose()));
                    }
                    if (rule.maxAge() != null) {
                        res.setHeader("Access-Control-Max-Age", String.valueOf(rule.maxAge()));
                    }
                    if (!rule.origins().contains("*")) {
                        res.setHeader("Access-Control-Allow-Credentials", "true");
                    }
                    res.setHeader("Vary", "Origin");
                });
    }

    // ---- ?cors, ?policy, ?lifecycle ---------------------------------------------------------------------------

    private void subresource(HttpServletRequest req, HttpServletResponse res, String uri, String bucket, String sub) throws IOException {
        byte[] body = body(req);
        String project = signedOwner(req, uri, body, bucket);
        String method = req.getMethod();
        switch (sub) {
            case "cors" -> config(res, method, project, bucket, BucketConfigs.CORS, body, "application/xml",
                    b -> {
                        CorsRules.parse(b);
                        return b; // kept as given: GetBucketCors answers what was put
                    }, 200,
                    new S3Failure(404, "NoSuchCORSConfiguration", "The CORS configuration does not exist"));
            case "policy" -> config(res, method, project, bucket, BucketConfigs.POLICY, body, "application/json",
                    b -> {
                        BucketPolicy policy = BucketPolicy.parse(bucket, b);
                        if (policy.grantsEveryone() && configs.publicAccessBlock(project, bucket).blockPublicPolicy()) {
                            throw new S3Failure(403, "AccessDenied", "Access Denied: the bucket's public access block refuses public policies");
                        }
                        return b;
                    }, 204, new S3Failure(404, "NoSuchBucketPolicy", "The bucket policy does not exist"));
            case "publicAccessBlock" -> config(res, method, project, bucket, BucketConfigs.PUBLIC_ACCESS_BLOCK, body, "application/xml",
                    b -> {
                        PublicAccessBlock.parse(b);
                        return b;
                    }, 200, new S3Failure(404, "NoSuchPublicAccessBlockConfiguration", "The public access block configuration was not found"));
            case "ownershipControls" -> config(res, method, project, bucket, BucketConfigs.OWNERSHIP, body, "application/xml",
                    b -> {
                        String value = ObjectOwnership.parse(b);
                        if (value.equals(ObjectOwnership.ENFORCED) && locator.projectStore(project).getContainerAccess(bucket)
                                != software.amazon.awssdk.services.s3.model.BucketCannedACL.PRIVATE) {
                            throw new S3Failure(400, "InvalidBucketAclWithObjectOwnership",
                                    "Bucket cannot have ACLs set with ObjectOwnership's BucketOwnerEnforced setting");
                        }
                        return ObjectOwnership.document(value);
                    }, 200, new S3Failure(404, "OwnershipControlsNotFoundError", "The bucket ownership controls were not found"));
            case "policyStatus" -> {
                if (!method.equals("GET")) {
                    throw new S3Failure(405, "MethodNotAllowed", "The specified method is not allowed against this resource.");
                }
                boolean publicPolicy = configs.read(project, bucket, BucketConfigs.POLICY).map(p -> BucketPolicy.parse(bucket, p))
                        .map(BucketPolicy::grantsEveryone).orElse(false);
                var acl = locator.projectStore(project).getContainerAccess(bucket);
                boolean isPublic = publicPolicy || acl != software.amazon.awssdk.services.s3.model.BucketCannedACL.PRIVATE;
                byte[] xml = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<PolicyStatus xmlns=\"" + S3Xml.NS + "\"><IsPublic>" + isPublic
                        + "</IsPublic></PolicyStatus>").getBytes(StandardCharsets.UTF_8);
                res.setStatus(200);
                res.setContentType("application/xml");
                res.setHeader("x-amz-request-id", requestId());
                res.setContentLength(xml.length);
                res.getOutputStream().write(xml);
            }
            case "tagging" -> config(res, method, project, bucket, BucketConfigs.TAGGING, body, "application/xml",
                    b -> ObjectTags.toXml(ObjectTags.fromXml(b, 50)).getBytes(StandardCharsets.UTF_8), 204,
                    new S3Failure(404, "NoSuchTagSet", "The TagSet does not exist"));
            case "lifecycle" -> config(res, method, project, bucket, BucketConfigs.LIFECYCLE, body, "application/xml",
                    b -> {
                        LifecycleRules.parse(b);
                        return b; // kept as given (a rule's legacy Prefix stays a Prefix)
                    }, 200,
                    new S3Failure(404, "NoSuchLifecycleConfiguration", "The lifecycle configuration does not exist"));
            default -> throw new IllegalStateException(sub);
        }
    }

    // ---- GET/HEAD ?partNumber ---------------------------------------------------------------------------------

    /**
     * One part of an object (s3proxy answers 501 for a part other than the first): its bytes, with the object's
     * ETag and metadata, {@code x-amz-mp-parts-count} for a multipart object and {@code Content-Range}. Part 1 of
     * an object uploaded whole is the object.
     */
    private void part(HttpServletRequest req, HttpServletResponse res, String uri, String bucket, String key, Map<String, String> query)
            throws IOException {
        String project = signedOwner(req, uri, new byte[0], bucket);
        int number;
        try {
            number = Integer.parseInt(query.get("partNumber"));
        } catch (NumberFormatException e) {
            throw new S3Failure(400, "InvalidArgument", "Part number must be an integer between 1 and 10000, inclusive");
        }
        if (number < 1 || number > 10_000) {
            throw new S3Failure(400, "InvalidArgument", "Part number must be an integer between 1 and 10000, inclusive");
        }
        String versionId = query.get("versionId");
        Path file = ObjectTags.file(locator.projectDir(project).resolve(bucket), key, versionId).orElseThrow(() ->
                new S3Failure(404, "NoSuchKey", "The specified key does not exist."));
        long total = Files.size(file);
        Optional<long[]> seams = PartSeams.read(file);
        long offset = 0;
        long length = total;
        if (seams.isPresent()) {
            long[] sizes = seams.get();
            if (number > sizes.length) {
                throw new S3Failure(400, "InvalidPart", "The requested partnumber is not satisfiable");
            }
            for (int i = 0; i < number - 1; i++) {
                offset += sizes[i];
            }
            length = sizes[number - 1];
        } else if (number > 1) {
            throw new S3Failure(400, "InvalidPart", "The requested partnumber is not satisfiable");
        }
        var get = software.amazon.awssdk.services.s3.model.GetObjectRequest.builder().bucket(bucket).key(key).versionId(versionId)
                .ifMatch(req.getHeader("If-Match")).ifNoneMatch(req.getHeader("If-None-Match"))
                .sseCustomerAlgorithm(req.getHeader("x-amz-server-side-encryption-customer-algorithm"))
                .sseCustomerKey(req.getHeader("x-amz-server-side-encryption-customer-key"))
                .sseCustomerKeyMD5(req.getHeader("x-amz-server-side-encryption-customer-key-md5"));
        if (length > 0) {
            get.range("bytes=" + offset + "-" + (offset + length - 1));
        }
        software.amazon.awssdk.core.ResponseInputStream<software.amazon.awssdk.services.s3.model.GetObjectResponse> blob;
        try {
            blob = locator.projectStore(project).getBlob(get.build());
        } catch (software.amazon.awssdk.services.s3.model.S3Exception e) {
            if (e.statusCode() == 304) {
                res.setStatus(304);
                return;
            }
            throw new S3Failure(e.statusCode(), e.awsErrorDetails() == null || e.awsErrorDetails().errorCode() == null
                    ? (e.statusCode() == 412 ? "PreconditionFailed" : "InternalError") : e.awsErrorDetails().errorCode(),
                    e.awsErrorDetails() == null ? String.valueOf(e.getMessage()) : String.valueOf(e.awsErrorDetails().errorMessage()));
        }
        try (InputStream in = blob) {
            var meta = blob.response();
            customerKeyPresented(req, meta.sseCustomerKeyMD5());
            res.setStatus(seams.isPresent() ? 206 : 200);
            if (meta.sseCustomerKeyMD5() != null) {
                res.setHeader("x-amz-server-side-encryption-customer-algorithm", meta.sseCustomerAlgorithm());
                res.setHeader("x-amz-server-side-encryption-customer-key-md5", meta.sseCustomerKeyMD5());
            } else if (meta.serverSideEncryptionAsString() != null) {
                res.setHeader("x-amz-server-side-encryption", meta.serverSideEncryptionAsString());
            }
            res.setHeader("x-amz-request-id", requestId());
            if (meta.contentType() != null) {
                res.setContentType(meta.contentType());
            }
            res.setHeader("ETag", meta.eTag() == null ? null : (meta.eTag().startsWith("\"") ? meta.eTag() : "\"" + meta.eTag() + "\""));
            if (meta.lastModified() != null) {
                res.setDateHeader("Last-Modified", meta.lastModified().toEpochMilli());
            }
            res.setHeader("Accept-Ranges", "bytes");
            if (seams.isPresent()) {
                res.setHeader("x-amz-mp-parts-count", String.valueOf(seams.get().length));
                res.setHeader("Content-Range", "bytes " + offset + "-" + (offset + length - 1) + "/" + total);
            }
            if (meta.versionId() != null && !"null".equals(meta.versionId())) {
                res.setHeader("x-amz-version-id", meta.versionId());
            }
            if (meta.cacheControl() != null) {
                res.setHeader("Cache-Control", meta.cacheControl());
            }
            if (meta.contentDisposition() != null) {
                res.setHeader("Content-Disposition", meta.contentDisposition());
            }
            if (meta.contentEncoding() != null) {
                res.setHeader("Content-Encoding", meta.contentEncoding());
            }
            if (meta.contentLanguage() != null) {
                res.setHeader("Content-Language", meta.contentLanguage());
            }
            meta.metadata().forEach((k, v) -> res.setHeader("x-amz-meta-" + k, v));
            res.setContentLengthLong(length);
            if (req.getMethod().equals("GET")) {
                in.transferTo(res.getOutputStream());
            }
        }
    }

    private static boolean hasGrants(HttpServletRequest req) {
        var names = req.getHeaderNames();
        while (names.hasMoreElements()) {
            if (names.nextElement().toLowerCase(java.util.Locale.ROOT).startsWith("x-amz-grant-")) {
                return true;
            }
        }
        return false;
    }

    /** A request that sets an ACL on a bucket whose object ownership is BucketOwnerEnforced (ACLs disabled): 400. */
    private void aclsAllowed(HttpServletRequest req, Map<String, String> query, String bucket) {
        KeyDirectory.Entry signer = locator.entry(claimedKey(req, query));
        if (signer == null || signer.projectId() == null || !locator.hasBucket(signer.projectId(), bucket)) {
            return;
        }
        byte[] stored = configs.read(signer.projectId(), bucket, BucketConfigs.OWNERSHIP).orElse(null);
        if (stored != null && ObjectOwnership.parse(stored).equals(ObjectOwnership.ENFORCED)) {
            throw new S3Failure(400, "AccessControlListNotSupported", "The bucket does not allow ACLs");
        }
    }

    /** After a CreateBucket that named an object ownership: the setting is the new bucket's. */
    private void recordOwnership(HttpServletRequest req, Map<String, String> query, HttpServletResponse res, String bucket, String ownership) {
        if (ownership == null || res.getStatus() != 200) {
            return;
        }
        KeyDirectory.Entry signer = locator.entry(claimedKey(req, query));
        if (signer != null && signer.projectId() != null && locator.hasBucket(signer.projectId(), bucket)) {
            configs.write(signer.projectId(), bucket, BucketConfigs.OWNERSHIP, ObjectOwnership.document(ownership));
        }
    }

    /** SSE-KMS with {@code keyId}: 501 without a key service, 400 for a key it does not offer (a missing id: s3proxy's 400). */
    private void kmsKeyUsable(String keyId) {
        if (kms == null || !kms.enabled()) {
            throw new S3Failure(501, "NotImplemented", NO_KMS);
        }
        if (keyId != null && !kms.offers(keyId)) {
            throw new S3Failure(400, "KMS.NotFoundException", "Invalid keyId " + keyId + ": Strata's key service offers "
                    + "the keys listed in STRATA_KMS_KEYS");
        }
    }

    /** A write (PutObject, CopyObject, CreateMultipartUpload, UploadPart) that the bucket's policy explicitly denies: 403. */
    private void deniedByPolicy(HttpServletRequest req, Map<String, String> query, String bucket, String key) {
        KeyDirectory.Entry signer = locator.entry(claimedKey(req, query));
        if (signer == null || signer.projectId() == null || !locator.hasBucket(signer.projectId(), bucket)) {
            return;
        }
        Optional<BucketPolicy> policy = configs.read(signer.projectId(), bucket, BucketConfigs.POLICY).map(p -> BucketPolicy.parse(bucket, p));
        if (policy.isPresent() && policy.get().denies("s3:PutObject", "arn:aws:s3:::" + bucket + "/" + key, k -> {
            if (k.equals("aws:securetransport")) {
                return String.valueOf(req.isSecure());
            }
            return k.startsWith("s3:x-amz-") ? req.getHeader(k.substring(3)) : null;
        })) {
            throw new S3Failure(403, "AccessDenied", "Access Denied: the bucket policy denies this request");
        }
    }

    /**
     * An object stored under a customer-provided key (SSE-C, {@code storedKeyMd5}) is read only by a request that
     * presents that key (its MD5 checked against the key sent and the one stored): 400 otherwise, as S3 answers.
     */
    private static void customerKeyPresented(HttpServletRequest req, String storedKeyMd5) {
        if (storedKeyMd5 == null) {
            return;
        }
        String key = req.getHeader("x-amz-server-side-encryption-customer-key");
        String md5 = req.getHeader("x-amz-server-side-encryption-customer-key-md5");
        if (key == null || md5 == null) {
            throw new S3Failure(400, "InvalidRequest", "The object was stored using a form of Server Side Encryption. "
                    + "The correct parameters must be provided to retrieve the object.");
        }
        String actual;
        try {
            actual = java.util.Base64.getEncoder().encodeToString(java.security.MessageDigest.getInstance("MD5")
                    .digest(java.util.Base64.getDecoder().decode(key.trim())));
        } catch (IllegalArgumentException | java.security.NoSuchAlgorithmException e) {
            throw new S3Failure(400, "InvalidArgument", "The secret key was invalid for the specified algorithm.");
        }
        if (!actual.equals(md5.trim())) {
            throw new S3Failure(400, "InvalidArgument", "The calculated MD5 hash of the key did not match the hash that was provided.");
        }
        if (!actual.equals(storedKeyMd5)) {
            throw new S3Failure(400, "InvalidRequest", "The provided encryption parameters did not match the ones used originally.");
        }
    }

    // ---- object lock ------------------------------------------------------------------------------------------

    private static boolean bypass(HttpServletRequest req) {
        return "true".equalsIgnoreCase(req.getHeader("x-amz-bypass-governance-retention"));
    }

    /** CreateBucket with {@code x-amz-bucket-object-lock-enabled: true}: the bucket, versioning on, lock enabled. */
    /**
     * CreateBucket answered here rather than by s3proxy: with object lock ({@code locked}), or naming an object
     * ownership (s3proxy refuses {@code x-amz-object-ownership} with 501, and a signed header cannot be hidden from it).
     */
    private void createBucket(HttpServletRequest req, HttpServletResponse res, String uri, String bucket, boolean locked) throws IOException {
        byte[] body = body(req);
        String project = SignedRequest.verify(req, uri, body, locator::entry).projectId();
        if (project == null) {
            throw new S3Failure(403, "AccessDenied", "Access Denied");
        }
        var store = locator.projectStore(project);
        boolean existed = locator.hasBucket(project, bucket);
        try {
            store.createContainer(software.amazon.awssdk.services.s3.model.CreateBucketRequest.builder().bucket(bucket)
                    .acl(req.getHeader("x-amz-acl")).build());
        } catch (software.amazon.awssdk.services.s3.model.S3Exception e) {
            throw new S3Failure(e.statusCode(), e.awsErrorDetails().errorCode(), e.awsErrorDetails().errorMessage());
        }
        if (!existed && locked) {
            store.putBucketVersioning(bucket, software.amazon.awssdk.services.s3.model.BucketVersioningStatus.ENABLED);
            configs.write(project, bucket, BucketConfigs.OBJECT_LOCK, ("<ObjectLockConfiguration xmlns=\"" + S3Xml.NS
                    + "\"><ObjectLockEnabled>Enabled</ObjectLockEnabled></ObjectLockConfiguration>").getBytes(StandardCharsets.UTF_8));
        }
        res.setStatus(200);
        res.setHeader("Location", "/" + bucket);
        res.setHeader("x-amz-request-id", requestId());
        res.setContentLength(0);
    }

    private void bucketLock(HttpServletRequest req, HttpServletResponse res, String uri, String bucket) throws IOException {
        byte[] body = body(req);
        String project = signedOwner(req, uri, body, bucket);
        res.setHeader("x-amz-request-id", requestId());
        switch (req.getMethod()) {
            case "GET" -> {
                byte[] stored = configs.read(project, bucket, BucketConfigs.OBJECT_LOCK).orElseThrow(() ->
                        new S3Failure(404, "ObjectLockConfigurationNotFoundError", "Object Lock configuration does not exist for this bucket"));
                res.setStatus(200);
                res.setContentType("application/xml");
                res.setContentLength(stored.length);
                res.getOutputStream().write(stored);
            }
            case "PUT" -> {
                ObjectLock.parseConfig(body);
                boolean enabled = configs.read(project, bucket, BucketConfigs.OBJECT_LOCK).isPresent();
                var versioning = locator.projectStore(project).getBucketVersioning(bucket);
                if (!enabled && versioning != software.amazon.awssdk.services.s3.model.BucketVersioningStatus.ENABLED) {
                    throw new S3Failure(409, "InvalidBucketState", "Versioning must be 'Enabled' on the bucket to apply a Object Lock configuration");
                }
                configs.write(project, bucket, BucketConfigs.OBJECT_LOCK, body);
                res.setStatus(200);
                res.setContentLength(0);
            }
            default -> throw new S3Failure(405, "MethodNotAllowed", "The specified method is not allowed against this resource.");
        }
    }

    private void objectLock(HttpServletRequest req, HttpServletResponse res, String uri, String bucket, String key, String versionId,
                            boolean retention) throws IOException {
        byte[] body = body(req);
        String project = signedOwner(req, uri, body, bucket);
        if (configs.read(project, bucket, BucketConfigs.OBJECT_LOCK).isEmpty()) {
            throw new S3Failure(400, "InvalidRequest", "Bucket is missing Object Lock Configuration");
        }
        Path file = ObjectTags.file(locator.projectDir(project).resolve(bucket), key, versionId).orElseThrow(() ->
                versionId == null ? new S3Failure(404, "NoSuchKey", "The specified key does not exist.")
                        : new S3Failure(404, "NoSuchVersion", "The specified version does not exist."));
        res.setHeader("x-amz-request-id", requestId());
        switch (req.getMethod()) {
            case "GET" -> {
                String xml = retention
                        ? ObjectLock.retention(file).map(ObjectLock::retentionXml).orElseThrow(ObjectLockMissing::new)
                        : ObjectLock.legalHold(file).map(ObjectLock::legalHoldXml).orElseThrow(ObjectLockMissing::new);
                byte[] bytes = xml.getBytes(StandardCharsets.UTF_8);
                res.setStatus(200);
                res.setContentType("application/xml");
                res.setContentLength(bytes.length);
                res.getOutputStream().write(bytes);
            }
            case "PUT" -> {
                if (retention) {
                    ObjectLock.setRetention(file, ObjectLock.parseRetention(body), bypass(req));
                } else {
                    ObjectLock.setLegalHold(file, ObjectLock.parseLegalHold(body));
                }
                res.setStatus(200);
                res.setContentLength(0);
            }
            default -> throw new S3Failure(405, "MethodNotAllowed", "The specified method is not allowed against this resource.");
        }
    }

    private static final class ObjectLockMissing extends S3Failure {
        ObjectLockMissing() {
            super(404, "NoSuchObjectLockConfiguration", "The specified object does not have a ObjectLock configuration");
        }
    }

    /**
     * A write (PUT, copy, CreateMultipartUpload, CompleteMultipartUpload) into a bucket with Object Lock: returns what
     * the new version's file gets before it is published ({@link #publish}): the lock headers (or the bucket's default
     * retention), and for a completion what CreateMultipartUpload asked (kept from the upload's creation to its
     * completion, tags included). GET/HEAD answer the version's lock headers (and get null).
     */
    private Publication.Attach lockedWrite(HttpServletRequest req, HttpServletResponse res, Map<String, String> query, String bucket, String key,
                                 String project) {
        Path bucketDir = locator.projectDir(project).resolve(bucket);
        String method = req.getMethod();
        if (method.equals("GET") || method.equals("HEAD")) {
            ObjectTags.file(bucketDir, key, query.get("versionId")).ifPresent(f -> {
                ObjectLock.retention(f).ifPresent(r -> {
                    res.setHeader("x-amz-object-lock-mode", r.mode().name());
                    res.setHeader("x-amz-object-lock-retain-until-date", r.until().truncatedTo(java.time.temporal.ChronoUnit.MILLIS).toString());
                });
                ObjectLock.legalHold(f).ifPresent(on -> res.setHeader("x-amz-object-lock-legal-hold", on ? "ON" : "OFF"));
            });
            return null;
        }
        boolean put = method.equals("PUT") && !query.containsKey("uploadId") && !query.containsKey("partNumber") && !query.containsKey("acl");
        boolean complete = method.equals("POST") && query.containsKey("uploadId");
        if (!put && !complete) {
            return null;
        }
        Optional<ObjectLock.Retention> retention;
        Optional<Boolean> hold;
        Map<String, String> tags = null;
        if (complete) {
            // read now: s3proxy removes the upload's stub when the completion succeeds (a failed one keeps it, and
            // with it what CreateMultipartUpload asked for, for the retry)
            Pending pending = Pending.of(bucketDir, key, query.get("uploadId")).orElse(null);
            retention = pending == null ? Optional.empty() : Optional.ofNullable(pending.retention());
            hold = pending == null ? Optional.empty() : Optional.ofNullable(pending.hold());
            tags = pending == null ? null : pending.tags();
        } else {
            retention = ObjectLock.fromHeaders(req.getHeader("x-amz-object-lock-mode"), req.getHeader("x-amz-object-lock-retain-until-date"));
            hold = Optional.ofNullable(req.getHeader("x-amz-object-lock-legal-hold")).map("ON"::equalsIgnoreCase);
        }
        Optional<ObjectLock.Retention> applied = retention.isPresent() ? retention
                : configs.read(project, bucket, BucketConfigs.OBJECT_LOCK).map(ObjectLock::parseConfig).flatMap(c -> c.defaultFrom(java.time.Instant.now()));
        Map<String, String> kept = tags;
        return f -> {
            if (kept != null) {
                ObjectTags.write(f, kept);
            }
            applied.ifPresent(r -> ObjectLock.setRetention(f, r, true));
            hold.ifPresent(on -> ObjectLock.setLegalHold(f, on));
        };
    }

    /**
     * What CreateMultipartUpload asked of the object that the upload's completion makes (retention, legal hold,
     * tags), kept in the extended attributes of the upload's stub file, the store's own record of an unfinished upload
     * ({@link UploadStub} in the bucket directory): they live exactly as long as the
     * upload does, across restarts of Strata and failed completions, and go with it when it is completed, aborted
     * (AbortMultipartUpload, a lifecycle rule, the bucket's deletion) or swept.
     */
    private record Pending(ObjectLock.Retention retention, Boolean hold, Map<String, String> tags) {

        /** s3proxy's upload ids (UUIDs); anything else names no stub, and is never a path. */
        private static final Pattern UPLOAD_ID = Pattern.compile("[A-Za-z0-9_-]{1,128}");

        private static Optional<Path> stub(Path bucketDir, String key, String uploadId) {
            if (uploadId == null || !UPLOAD_ID.matcher(uploadId).matches()) {
                return Optional.empty();
            }
            return Optional.of(UploadStub.path(bucketDir, uploadId, KeyCodec.encode(key)));
        }

        /** What the upload {@code uploadId} of {@code key} keeps; empty when it is no upload (any more) or keeps nothing. */
        static Optional<Pending> of(Path bucketDir, String key, String uploadId) {
            return stub(bucketDir, key, uploadId).filter(Files::isRegularFile).map(f -> new Pending(
                    ObjectLock.retention(f).orElse(null), ObjectLock.legalHold(f).orElse(null),
                    Optional.of(ObjectTags.read(f)).filter(t -> !t.isEmpty()).orElse(null)))
                    .filter(p -> p.retention() != null || p.hold() != null || p.tags() != null);
        }

        /** Records this beside the upload that s3proxy has just created. */
        void keep(Path bucketDir, String key, String uploadId) {
            Path f = stub(bucketDir, key, uploadId).filter(Files::isRegularFile).orElseThrow(() ->
                    new IllegalStateException("the multipart upload " + uploadId + " has no stub file in " + bucketDir));
            if (retention != null) {
                ObjectLock.setRetention(f, retention, true);
            }
            if (hold != null) {
                ObjectLock.setLegalHold(f, hold);
            }
            if (tags != null) {
                ObjectTags.write(f, tags);
            }
        }
    }

    /**
     * CreateMultipartUpload with lock or tagging headers: s3proxy creates the upload; its answer is read for the
     * upload id, beside whose stub file the headers wait for the completion ({@link Pending}). When they cannot be
     * kept there, the upload is aborted and the client told so (500 InternalError): an upload that would complete
     * without its lock or tags is never left behind.
     */
    private void createUpload(HttpServletRequest req, HttpServletResponse res, FilterChain chain, String project, String bucket,
                              String key, Pending pending) throws IOException, ServletException {
        Path bucketDir = locator.projectDir(project).resolve(bucket);
        Captured wrapper = new Captured(res);
        chain.doFilter(req, wrapper);
        byte[] body = wrapper.body();
        if (res.getStatus() == 200) {
            Matcher m = Pattern.compile("<UploadId>([^<]+)</UploadId>").matcher(new String(body, StandardCharsets.UTF_8));
            if (m.find()) {
                String uploadId = m.group(1);
                try {
                    pending.keep(bucketDir, key, uploadId);
                } catch (RuntimeException e) {
                    LOG.warning(() -> "the multipart upload " + uploadId + " of " + bucket + "/" + key + " could not keep its Object Lock settings "
                            + "or tags (" + e + "); it is aborted");
                    try {
                        locator.projectStore(project).abortMultipartUpload(new MultipartUpload(uploadId,
                                CreateMultipartUploadRequest.builder().bucket(bucket).key(key).build()));
                    } catch (RuntimeException abortFailed) {
                        LOG.warning(() -> "the multipart upload " + uploadId + " of " + bucket + "/" + key + " could not be aborted: " + abortFailed);
                    }
                    throw new S3Failure(500, "InternalError", "The multipart upload could not record its Object Lock settings or tags, "
                            + "so it was not created. Please try again.");
                }
            }
        }
        wrapper.send();
    }

    /**
     * A response whose body s3proxy writes into memory (not committed), so that what it answered can still be
     * replaced by an error; {@link #send} writes it out.
     */
    private static final class Captured extends jakarta.servlet.http.HttpServletResponseWrapper {
        private final java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        private java.io.PrintWriter writer;

        Captured(HttpServletResponse res) {
            super(res);
        }

        @Override
        public jakarta.servlet.ServletOutputStream getOutputStream() {
            return new jakarta.servlet.ServletOutputStream() {
                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setWriteListener(jakarta.servlet.WriteListener listener) {
                    throw new UnsupportedOperationException();
                }

                @Override
                public void write(int b) {
                    captured.write(b);
                }
            };
        }

        @Override
        public java.io.PrintWriter getWriter() {
            if (writer == null) {
                writer = new java.io.PrintWriter(new java.io.OutputStreamWriter(captured, StandardCharsets.UTF_8));
            }
            return writer;
        }

        @Override
        public void flushBuffer() {
            if (writer != null) {
                writer.flush();
            }
        }

        @Override
        public void setContentLength(int len) {
            // set by send, once the body is known
        }

        @Override
        public void setContentLengthLong(long len) {
            // set by send, once the body is known
        }

        /** What s3proxy answered as the body. */
        byte[] body() {
            flushBuffer();
            return captured.toByteArray();
        }

        /** Writes the answer out. */
        void send() throws IOException {
            byte[] body = body();
            getResponse().setContentLength(body.length);
            getResponse().getOutputStream().write(body);
        }
    }

    /** DeleteObjects in a bucket with Object Lock: each version is checked, locked ones are answered AccessDenied. */
    private void multiDeleteLocked(HttpServletRequest req, HttpServletResponse res, String uri, String bucket, String project) throws IOException {
        byte[] body = body(req);
        if (!signedOwner(req, uri, body, bucket).equals(project)) {
            throw new S3Failure(404, "NoSuchBucket", "The specified bucket does not exist");
        }
        org.w3c.dom.Element root = S3Xml.parse(body, "Delete");
        boolean quiet = "true".equalsIgnoreCase(S3Xml.text(root, "Quiet"));
        Path bucketDir = locator.projectDir(project).resolve(bucket);
        var store = locator.projectStore(project);
        StringBuilder xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<DeleteResult xmlns=\"" + S3Xml.NS + "\">");
        for (org.w3c.dom.Element o : S3Xml.children(root, "Object")) {
            String key = S3Xml.text(o, "Key");
            String versionId = S3Xml.text(o, "VersionId");
            try {
                if (versionId != null) {
                    ObjectTags.file(bucketDir, key, versionId).ifPresent(f -> ObjectLock.requireDeletable(f, bypass(req)));
                }
                var deleted = store.removeBlob(software.amazon.awssdk.services.s3.model.DeleteObjectRequest.builder()
                        .bucket(bucket).key(key).versionId(versionId).build());
                if (!quiet) {
                    xml.append("<Deleted><Key>").append(S3Xml.escape(key)).append("</Key>");
                    if (versionId != null) {
                        xml.append("<VersionId>").append(S3Xml.escape(versionId)).append("</VersionId>");
                    }
                    if (Boolean.TRUE.equals(deleted.deleteMarker())) {
                        xml.append("<DeleteMarker>true</DeleteMarker><DeleteMarkerVersionId>").append(deleted.versionId()).append("</DeleteMarkerVersionId>");
                    }
                    xml.append("</Deleted>");
                }
            } catch (S3Failure f) {
                xml.append("<Error><Key>").append(S3Xml.escape(key)).append("</Key>");
                if (versionId != null) {
                    xml.append("<VersionId>").append(S3Xml.escape(versionId)).append("</VersionId>");
                }
                xml.append("<Code>").append(f.code()).append("</Code><Message>").append(S3Xml.escape(f.getMessage())).append("</Message></Error>");
            } catch (software.amazon.awssdk.services.s3.model.S3Exception e) {
                if (e.statusCode() != 404) {
                    xml.append("<Error><Key>").append(S3Xml.escape(key)).append("</Key><Code>").append(e.awsErrorDetails().errorCode())
                            .append("</Code><Message>").append(S3Xml.escape(String.valueOf(e.awsErrorDetails().errorMessage()))).append("</Message></Error>");
                } else if (!quiet) {
                    xml.append("<Deleted><Key>").append(S3Xml.escape(key)).append("</Key></Deleted>");
                }
            }
        }
        byte[] out = xml.append("</DeleteResult>").toString().getBytes(StandardCharsets.UTF_8);
        res.setStatus(200);
        res.setContentType("application/xml");
        res.setHeader("x-amz-request-id", requestId());
        res.setContentLength(out.length);
        res.getOutputStream().write(out);
    }

    /** A request whose body was read here, handed on with the same bytes (its signature covers them). */
    private static final class CachedBody extends jakarta.servlet.http.HttpServletRequestWrapper {
        private final byte[] body;

        CachedBody(HttpServletRequest request, byte[] body) {
            super(request);
            this.body = body;
        }

        @Override
        public jakarta.servlet.ServletInputStream getInputStream() {
            java.io.ByteArrayInputStream in = new java.io.ByteArrayInputStream(body);
            return new jakarta.servlet.ServletInputStream() {
                @Override
                public boolean isFinished() {
                    return in.available() == 0;
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setReadListener(jakarta.servlet.ReadListener listener) {
                    throw new UnsupportedOperationException();
                }

                @Override
                public int read() {
                    return in.read();
                }

                @Override
                public int read(byte[] b, int off, int len) {
                    return in.read(b, off, len);
                }
            };
        }
    }

    // ---- object tags ------------------------------------------------------------------------------------------

    private void objectTagging(HttpServletRequest req, HttpServletResponse res, String uri, String bucket, String key, String versionId)
            throws IOException {
        byte[] body = body(req);
        String project = signedOwner(req, uri, body, bucket);
        Path file = ObjectTags.file(locator.projectDir(project).resolve(bucket), key, versionId).orElseThrow(() ->
                versionId == null ? new S3Failure(404, "NoSuchKey", "The specified key does not exist.")
                        : new S3Failure(404, "NoSuchVersion", "The specified version does not exist."));
        res.setHeader("x-amz-request-id", requestId());
        if (versionId != null) {
            res.setHeader("x-amz-version-id", versionId);
        }
        switch (req.getMethod()) {
            case "GET" -> {
                byte[] xml = ObjectTags.toXml(ObjectTags.read(file)).getBytes(StandardCharsets.UTF_8);
                res.setStatus(200);
                res.setContentType("application/xml");
                res.setContentLength(xml.length);
                res.getOutputStream().write(xml);
            }
            case "PUT" -> {
                ObjectTags.write(file, ObjectTags.fromXml(body));
                res.setStatus(200);
                res.setContentLength(0);
            }
            case "DELETE" -> {
                ObjectTags.write(file, Map.of());
                res.setStatus(204);
            }
            default -> throw new S3Failure(405, "MethodNotAllowed", "The specified method is not allowed against this resource.");
        }
    }

    /**
     * For a signed object request s3proxy answers: the tag count on GET/HEAD (before), the tags of a PUT's
     * {@code x-amz-tagging} header or of a copy's source (validated before, written on the object's file before it
     * is published: {@link #publish}). Returns null when no signer's project has the bucket; otherwise the bucket's
     * directory (resolved once, so a key revoked meanwhile cannot make it fail later) and what to write on that file
     * (null: nothing).
     */
    private ObjectWrite objectWrite(HttpServletRequest req, HttpServletResponse res, Map<String, String> query, String bucket, String key) {
        KeyDirectory.Entry signer = locator.entry(claimedKey(req, query));
        if (signer == null || signer.projectId() == null || !locator.hasBucket(signer.projectId(), bucket)) {
            return null;
        }
        Path bucketDir = locator.projectDir(signer.projectId()).resolve(bucket);
        String method = req.getMethod();
        expirationHeader(res, signer.projectId(), bucket, bucketDir, key, method);
        if (method.equals("GET") || method.equals("HEAD")) {
            if (query.keySet().stream().noneMatch(q -> !q.equals("versionId") && !q.startsWith("X-Amz-") && !q.startsWith("response-")
                    && !q.equals("partNumber") && !q.equals("AWSAccessKeyId") && !q.equals("Signature") && !q.equals("Expires"))) {
                ObjectTags.file(bucketDir, key, query.get("versionId")).map(ObjectTags::read).filter(t -> !t.isEmpty())
                        .ifPresent(t -> res.setHeader("x-amz-tagging-count", String.valueOf(t.size())));
            }
            return new ObjectWrite(bucketDir, null);
        }
        if (!method.equals("PUT") || query.containsKey("uploadId") || query.containsKey("partNumber") || query.containsKey("acl")) {
            return new ObjectWrite(bucketDir, null);
        }
        String copySource = req.getHeader("x-amz-copy-source");
        String header = req.getHeader("x-amz-tagging");
        if (copySource == null) {
            if (header == null) {
                return new ObjectWrite(bucketDir, null);
            }
            Map<String, String> tags = ObjectTags.fromHeader(header);
            return new ObjectWrite(bucketDir, f -> ObjectTags.write(f, tags));
        }
        Map<String, String> tags;
        if ("REPLACE".equalsIgnoreCase(req.getHeader("x-amz-tagging-directive"))) {
            tags = ObjectTags.fromHeader(header);
        } else {
            tags = copySourceTags(signer.projectId(), copySource);
        }
        return new ObjectWrite(bucketDir, f -> ObjectTags.write(f, tags));
    }

    /** What {@link #objectWrite} found: the signer's bucket directory, and what the write's object must carry (or null). */
    private record ObjectWrite(Path bucketDir, Publication.Attach attach) {
    }

    /**
     * Hands a write (PUT, copy, CompleteMultipartUpload) on to s3proxy with what its object must carry ({@code
     * attach}: tags, retention, legal hold) expected at its publication: {@link Publication} has it written on the
     * store's temporary file before that file is forced and renamed to the key. The version is never visible
     * without them, not even after a crash, and they never land on the version another write of the key published.
     */
    private static void publish(HttpServletRequest req, HttpServletResponse res, FilterChain chain, Path bucketDir,
                                String key, Publication.Attach attach) throws IOException, ServletException {
        Captured captured = new Captured(res);
        try (Publication.Scope scope = Publication.expect(bucketDir.resolve(KeyCodec.encode(key)), attach)) {
            chain.doFilter(req, captured);
            if (res.getStatus() == 200 && !scope.attached()) {
                afterPublication(req, res, bucketDir, key, attach);
            }
        }
        captured.send();
    }

    /**
     * Fails closed when a write was answered 200 without its file being published through the sealed file system
     * (so without what it must carry): sets that on the version the answer names (its {@code x-amz-version-id}; the
     * key's current file in a bucket without versioning), with a WARNING, or answers 500 InternalError when it cannot.
     * A write in an Object Lock bucket is never acknowledged without its retention or legal hold.
     */
    private static void afterPublication(HttpServletRequest req, HttpServletResponse res, Path bucketDir, String key, Publication.Attach attach) {
        String what = req.getMethod() + " " + req.getRequestURI();
        String versionId = res.getHeader("x-amz-version-id");
        Path file = ObjectTags.file(bucketDir, key, versionId).orElse(null);
        try {
            if (file == null) {
                throw new IOException("no file holds the version " + (versionId == null ? "(current)" : versionId) + " it answered");
            }
            attach.to(file);
        } catch (IOException | RuntimeException e) {
            LOG.warning(() -> what + " was answered 200 without publishing a file at its key through the sealed file system, and its "
                    + "tags or Object Lock settings cannot be set afterwards either (" + e + "): it is answered 500");
            throw new S3Failure(500, "InternalError", "The object was stored but its Object Lock settings or tags could not be set. "
                    + "Please check the object and try again.");
        }
        LOG.warning(() -> what + " was answered 200 without publishing a file at its key through the sealed file system: its tags "
                + "or Object Lock settings were set on the version afterwards");
    }

    /**
     * S3's {@code x-amz-expiration} on PUT, GET and HEAD of an object a lifecycle rule will expire: when
     * ({@code expiry-date}, as the rule computes it from the object's date) and which rule ({@code rule-id}).
     */
    private void expirationHeader(HttpServletResponse res, String project, String bucket, Path bucketDir, String key, String method) {
        if (!method.equals("PUT") && !method.equals("GET") && !method.equals("HEAD")) {
            return;
        }
        Optional<byte[]> xml = configs.read(project, bucket, BucketConfigs.LIFECYCLE);
        if (xml.isEmpty()) {
            return;
        }
        LifecycleRules rules;
        try {
            rules = LifecycleRules.parse(xml.get());
        } catch (S3Failure stale) {
            return;
        }
        rules.rules().stream().filter(r -> r.applies(key) && (r.expirationDays() != null || r.expirationDate() != null)).findFirst().ifPresent(r -> {
            java.time.Instant from = java.time.Instant.now();
            if (!method.equals("PUT")) {
                try {
                    from = Files.getLastModifiedTime(bucketDir.resolve(KeyCodec.encode(key))).toInstant();
                } catch (IOException absent) {
                    return;
                }
            }
            java.time.Instant due = r.expirationDate() != null ? r.expirationDate().atStartOfDay(java.time.ZoneOffset.UTC).toInstant()
                    : LifecycleRules.due(from, r.expirationDays(), java.time.Duration.ofDays(1));
            res.setHeader("x-amz-expiration", "expiry-date=\"" + java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME
                    .format(due.atZone(java.time.ZoneOffset.UTC)) + "\", rule-id=\"" + (r.id() == null ? "" : r.id()) + "\"");
        });
    }

    /** The tags of {@code /bucket/key[?versionId=…]} (x-amz-copy-source) in the project, none when not found. */
    private Map<String, String> copySourceTags(String project, String copySource) {
        String source = copySource.startsWith("/") ? copySource.substring(1) : copySource;
        String versionId = null;
        int q = source.indexOf("?versionId=");
        if (q >= 0) {
            versionId = source.substring(q + "?versionId=".length());
            source = source.substring(0, q);
        }
        int slash = source.indexOf('/');
        if (slash <= 0) {
            return Map.of();
        }
        String srcBucket = decode(source.substring(0, slash));
        String srcKey = decode(source.substring(slash + 1));
        if (!locator.hasBucket(project, srcBucket)) {
            return Map.of();
        }
        return ObjectTags.file(locator.projectDir(project).resolve(srcBucket), srcKey, versionId).map(ObjectTags::read).orElse(Map.of());
    }

    private void config(HttpServletResponse res, String method, String project, String bucket, String name, byte[] body,
                        String contentType, java.util.function.UnaryOperator<byte[]> validate, int putStatus, S3Failure none)
            throws IOException {
        switch (method) {
            case "GET" -> {
                byte[] stored = configs.read(project, bucket, name).orElseThrow(() -> none);
                res.setStatus(200);
                res.setContentType(contentType);
                res.setHeader("x-amz-request-id", requestId());
                res.setContentLength(stored.length);
                res.getOutputStream().write(stored);
            }
            case "PUT" -> {
                configs.write(project, bucket, name, validate.apply(body));
                res.setStatus(putStatus);
                res.setHeader("x-amz-request-id", requestId());
                res.setContentLength(0);
            }
            case "DELETE" -> {
                configs.delete(project, bucket, name);
                res.setStatus(204);
                res.setHeader("x-amz-request-id", requestId());
            }
            default -> throw new S3Failure(405, "MethodNotAllowed", "The specified method is not allowed against this resource.");
        }
    }

    private static byte[] body(HttpServletRequest req) throws IOException {
        InputStream in = req.getInputStream();
        String sha = req.getHeader("x-amz-content-sha256");
        if (sha != null && sha.startsWith("STREAMING-")) {
            in = sha.endsWith("TRAILER") ? new ChunkedInputStream(in, MAX_BODY, req.getHeader("x-amz-trailer")) : new ChunkedInputStream(in, MAX_BODY);
        }
        byte[] body = in.readNBytes(MAX_BODY + 1);
        if (body.length > MAX_BODY) {
            throw new S3Failure(400, "MaxMessageLengthExceeded", "Your request was too big.");
        }
        String md5 = req.getHeader("Content-MD5");
        if (md5 != null) {
            try {
                byte[] expected = java.util.Base64.getDecoder().decode(md5);
                byte[] actual = java.security.MessageDigest.getInstance("MD5").digest(body);
                if (!Arrays.equals(expected, actual)) {
                    throw new S3Failure(400, "BadDigest", "The Content-MD5 you specified did not match what we received.");
                }
            } catch (IllegalArgumentException | java.security.NoSuchAlgorithmException e) {
                throw new S3Failure(400, "InvalidDigest", "The Content-MD5 you specified was invalid.");
            }
        }
        return body;
    }

    /**
     * The project whose key signed the request (checked with s3proxy's signature code), when that project has the
     * bucket; 404 NoSuchBucket otherwise (another project's bucket is not there for this key).
     */
    private String signedOwner(HttpServletRequest req, String uri, byte[] body, String bucket) {
        String project = SignedRequest.verify(req, uri, body, locator::entry).projectId();
        if (project == null || !locator.hasBucket(project, bucket)) {
            throw new S3Failure(404, "NoSuchBucket", "The specified bucket does not exist");
        }
        return project;
    }

    // ---- helpers ---------------------------------------------------------------------------------------------

    private static boolean signed(HttpServletRequest req, Map<String, String> query) {
        return req.getHeader("Authorization") != null || query.containsKey("X-Amz-Algorithm") || query.containsKey("AWSAccessKeyId");
    }

    private static String claimedKey(HttpServletRequest req, Map<String, String> query) {
        String header = req.getHeader("Authorization");
        try {
            if (header != null && org.gaul.s3proxy.auth.S3AuthorizationHeader.hasAwsScheme(header)) {
                return new org.gaul.s3proxy.auth.S3AuthorizationHeader(header).getIdentity();
            }
        } catch (RuntimeException malformed) {
            return null;
        }
        String credential = query.get("X-Amz-Credential");
        if (credential != null) {
            int slash = credential.indexOf('/');
            return slash < 0 ? credential : credential.substring(0, slash);
        }
        return query.get("AWSAccessKeyId");
    }

    private static List<String> headerList(String value) {
        if (value == null || value.isBlank()) {
            return List.of();
        }
        return Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).map(s -> s.toLowerCase(Locale.ROOT)).toList();
    }

    /** The query string's parameters, decoded, without touching the request body (a form POST keeps it). */
    static Map<String, String> query(String raw) {
        Map<String, String> out = new HashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq));
            out.putIfAbsent(name, eq < 0 ? "" : decode(pair.substring(eq + 1)));
        }
        return out;
    }

    /** As s3proxy decodes the path, so both name the same bucket and key. */
    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException malformed) {
            return s;
        }
    }

    private static String requestId() {
        return "%016X".formatted(ThreadLocalRandom.current().nextLong());
    }

    static void error(HttpServletResponse res, S3Failure f) throws IOException {
        if (res.isCommitted()) {
            return;
        }
        res.resetBuffer();
        res.setStatus(f.status());
        res.setContentType("application/xml");
        res.setCharacterEncoding("UTF-8");
        String id = requestId();
        res.setHeader("x-amz-request-id", id);
        byte[] xml = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>" + f.code() + "</Code><Message>"
                + S3Xml.escape(f.getMessage()) + "</Message><RequestId>" + id + "</RequestId></Error>").getBytes(StandardCharsets.UTF_8);
        res.setContentLength(xml.length);
        res.getOutputStream().write(xml);
    }
}
