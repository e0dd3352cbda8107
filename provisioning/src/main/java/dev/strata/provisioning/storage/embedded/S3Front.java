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
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.logging.Logger;
import org.gaul.s3proxy.checksum.ChunkedInputStream;

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
    private static final List<String> SUBRESOURCES = List.of("cors", "policy", "lifecycle", "tagging");

    private final ProjectKeyLocator locator;
    private final BucketConfigs configs;

    S3Front(ProjectKeyLocator locator, BucketConfigs configs) {
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
            if (key != null && query.containsKey("tagging")) {
                objectTagging(req, res, uri, bucket, key, query.get("versionId"));
                return;
            }
            String sub = key != null ? null : SUBRESOURCES.stream().filter(query::containsKey).findFirst().orElse(null);
            if (sub != null) {
                subresource(req, res, uri, bucket, sub);
                return;
            }
            String origin = req.getHeader("Origin");
            if (origin != null) {
                corsHeaders(req, res, query, bucket, origin);
            }
            if (key != null && signed(req, query)) {
                Runnable after = objectWrite(req, res, query, bucket, key);
                if (after != null) {
                    chain.doFilter(req, res);
                    if (res.getStatus() == 200) {
                        after.run();
                    }
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
        SignedRequest.Signer signer = SignedRequest.verify(req, uri, body, locator::entry);
        String project = signer.projectId();
        if (project == null || !locator.hasBucket(project, bucket)) {
            throw new S3Failure(404, "NoSuchBucket", "The specified bucket does not exist");
        }
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
                        BucketPolicy.parse(bucket, b);
                        return b;
                    }, 204, new S3Failure(404, "NoSuchBucketPolicy", "The bucket policy does not exist"));
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

    // ---- object tags ------------------------------------------------------------------------------------------

    private void objectTagging(HttpServletRequest req, HttpServletResponse res, String uri, String bucket, String key, String versionId)
            throws IOException {
        byte[] body = body(req);
        String project = SignedRequest.verify(req, uri, body, locator::entry).projectId();
        if (project == null || !locator.hasBucket(project, bucket)) {
            throw new S3Failure(404, "NoSuchBucket", "The specified bucket does not exist");
        }
        java.nio.file.Path file = ObjectTags.file(locator.projectDir(project).resolve(bucket), key, versionId).orElseThrow(() ->
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
     * {@code x-amz-tagging} header or of a copy's source (validated before, written after s3proxy stored the object).
     * Returns what to do once s3proxy answered 200, or null.
     */
    private Runnable objectWrite(HttpServletRequest req, HttpServletResponse res, Map<String, String> query, String bucket, String key) {
        KeyDirectory.Entry signer = locator.entry(claimedKey(req, query));
        if (signer == null || signer.projectId() == null || !locator.hasBucket(signer.projectId(), bucket)) {
            return null;
        }
        java.nio.file.Path bucketDir = locator.projectDir(signer.projectId()).resolve(bucket);
        String method = req.getMethod();
        expirationHeader(res, signer.projectId(), bucket, bucketDir, key, method);
        if (method.equals("GET") || method.equals("HEAD")) {
            if (query.keySet().stream().noneMatch(q -> !q.equals("versionId") && !q.startsWith("X-Amz-") && !q.startsWith("response-")
                    && !q.equals("partNumber") && !q.equals("AWSAccessKeyId") && !q.equals("Signature") && !q.equals("Expires"))) {
                ObjectTags.file(bucketDir, key, query.get("versionId")).map(ObjectTags::read).filter(t -> !t.isEmpty())
                        .ifPresent(t -> res.setHeader("x-amz-tagging-count", String.valueOf(t.size())));
            }
            return null;
        }
        if (!method.equals("PUT") || query.containsKey("uploadId") || query.containsKey("partNumber") || query.containsKey("acl")) {
            return null;
        }
        String copySource = req.getHeader("x-amz-copy-source");
        String header = req.getHeader("x-amz-tagging");
        if (copySource == null) {
            if (header == null) {
                return null;
            }
            Map<String, String> tags = ObjectTags.fromHeader(header);
            return () -> ObjectTags.file(bucketDir, key, null).ifPresent(f -> ObjectTags.write(f, tags));
        }
        Map<String, String> tags;
        if ("REPLACE".equalsIgnoreCase(req.getHeader("x-amz-tagging-directive"))) {
            tags = ObjectTags.fromHeader(header);
        } else {
            tags = copySourceTags(signer.projectId(), copySource);
        }
        return () -> ObjectTags.file(bucketDir, key, null).ifPresent(f -> ObjectTags.write(f, tags));
    }

    /**
     * S3's {@code x-amz-expiration} on PUT, GET and HEAD of an object a lifecycle rule will expire: when
     * ({@code expiry-date}, as the rule computes it from the object's date) and which rule ({@code rule-id}).
     */
    private void expirationHeader(HttpServletResponse res, String project, String bucket, java.nio.file.Path bucketDir, String key, String method) {
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
                    from = java.nio.file.Files.getLastModifiedTime(bucketDir.resolve(KeyCodec.encode(key))).toInstant();
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
