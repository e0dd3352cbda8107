package dev.strata.provisioning.storage.embedded;

import jakarta.servlet.http.HttpServletRequest;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.auth.AwsSignature;
import org.gaul.s3proxy.auth.S3AuthorizationHeader;

/**
 * Checks the signature of an S3 request that Strata answers itself (the bucket subresources s3proxy does not
 * implement: {@code ?cors}, {@code ?policy}, {@code ?lifecycle}), with s3proxy's own signature code: SigV4 in the
 * Authorization header or the query string (presigned), SigV2 likewise. Returns who signed it.
 */
final class SignedRequest {

    /** How far a signed date may be from now, as S3 allows. */
    private static final long MAX_SKEW_SECONDS = 15 * 60;
    private static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'");

    record Signer(String accessKeyId, String projectId) {
    }

    /** Where access keys are looked up: their secret and project, or null for a key that is unknown or revoked. */
    interface Keys {
        KeyDirectory.Entry find(String accessKeyId);
    }

    private SignedRequest() {
    }

    /**
     * The signer of {@code request} whose body is {@code payload} (already read, de-chunked), or an
     * {@link S3Failure} saying why not, as S3 would (AccessDenied, InvalidAccessKeyId, SignatureDoesNotMatch,
     * RequestTimeTooSkewed).
     */
    static Signer verify(HttpServletRequest request, String uri, byte[] payload, Keys keys) {
        String header = request.getHeader("Authorization");
        boolean presigned = false;
        if (header == null || !S3AuthorizationHeader.hasAwsScheme(header)) {
            presigned = true;
            if ("AWS4-HMAC-SHA256".equals(request.getParameter("X-Amz-Algorithm"))) {
                String credential = request.getParameter("X-Amz-Credential");
                String signedHeaders = request.getParameter("X-Amz-SignedHeaders");
                String signature = request.getParameter("X-Amz-Signature");
                if (credential == null || signedHeaders == null || signature == null) {
                    throw new S3Failure(403, "AccessDenied", "Access Denied");
                }
                header = "AWS4-HMAC-SHA256 Credential=" + credential + ", requestSignedHeaders=" + signedHeaders + ", Signature=" + signature;
            } else if (request.getParameter("AWSAccessKeyId") != null && request.getParameter("Signature") != null) {
                header = "AWS " + request.getParameter("AWSAccessKeyId") + ":" + request.getParameter("Signature");
            } else {
                throw new S3Failure(403, "AccessDenied", "Access Denied");
            }
        }
        S3AuthorizationHeader auth;
        try {
            auth = new S3AuthorizationHeader(header);
        } catch (IllegalArgumentException e) {
            throw new S3Failure(400, "InvalidArgument", "malformed Authorization: " + e.getMessage());
        }
        KeyDirectory.Entry key = keys.find(auth.getIdentity());
        if (key == null) {
            throw new S3Failure(403, "InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records.");
        }
        checkTime(request, auth, presigned);
        String expected;
        try {
            if (auth.getAuthenticationType() == AuthenticationType.AWS_V4) {
                String contentSha256 = request.getHeader("x-amz-content-sha256");
                if (!presigned && contentSha256 != null && contentSha256.matches("[0-9a-fA-F]{64}")) {
                    String actual = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(payload));
                    if (!actual.equalsIgnoreCase(contentSha256)) {
                        throw new S3Failure(400, "XAmzContentSHA256Mismatch", "The provided 'x-amz-content-sha256' header does not match what was computed.");
                    }
                }
                byte[] signedPayload = presigned ? new byte[0] : payload; // hashed unless the header says UNSIGNED/STREAMING
                expected = AwsSignature.createAuthorizationSignatureV4(request, auth, signedPayload, uri, key.secret(), presigned,
                        AwsSignature.pinnedPayloadHash(request), null).signature();
                if (presigned && !constantTimeEquals(expected, auth.getSignature())) {
                    expected = AwsSignature.createAuthorizationSignatureV4(request, auth, signedPayload, uri, key.secret(), true, null, null).signature();
                }
            } else {
                boolean bothDates = request.getHeader("Date") != null && request.getHeader("x-amz-date") != null;
                expected = AwsSignature.createAuthorizationSignature(request, uri, key.secret(), presigned, bothDates).signature();
                if (!constantTimeEquals(expected, auth.getSignature()) && uri.indexOf('/', 1) < 0) {
                    expected = AwsSignature.createAuthorizationSignature(request, uri + "/", key.secret(), presigned, bothDates).signature();
                }
            }
        } catch (S3Failure e) {
            throw e;
        } catch (Exception e) {
            throw new S3Failure(403, "SignatureDoesNotMatch", "The request signature could not be computed: " + e.getMessage());
        }
        if (!constantTimeEquals(expected, auth.getSignature())) {
            throw new S3Failure(403, "SignatureDoesNotMatch",
                    "The request signature we calculated does not match the signature you provided. Check your key and signing method.");
        }
        return new Signer(auth.getIdentity(), key.projectId());
    }

    private static void checkTime(HttpServletRequest request, S3AuthorizationHeader auth, boolean presigned) {
        long now = Instant.now().getEpochSecond();
        try {
            if (auth.getAuthenticationType() == AuthenticationType.AWS_V4) {
                String date = presigned ? request.getParameter("X-Amz-Date") : request.getHeader("x-amz-date");
                if (date == null) {
                    throw new S3Failure(403, "AccessDenied", "AWS authentication requires a valid Date or x-amz-date header");
                }
                long signedAt = LocalDateTime.parse(date, AMZ_DATE).toEpochSecond(ZoneOffset.UTC);
                if (presigned) {
                    long expires = Long.parseLong(request.getParameter("X-Amz-Expires"));
                    if (now > signedAt + expires || signedAt > now + MAX_SKEW_SECONDS) {
                        throw new S3Failure(403, "AccessDenied", "Request has expired");
                    }
                } else if (Math.abs(now - signedAt) > MAX_SKEW_SECONDS) {
                    throw new S3Failure(403, "RequestTimeTooSkewed", "The difference between the request time and the current time is too large.");
                }
            } else if (presigned) {
                if (now > Long.parseLong(request.getParameter("Expires"))) {
                    throw new S3Failure(403, "AccessDenied", "Request has expired");
                }
            } else {
                long date = request.getHeader("x-amz-date") != null ? request.getDateHeader("x-amz-date") : request.getDateHeader("Date");
                if (date < 0) {
                    throw new S3Failure(403, "AccessDenied", "AWS authentication requires a valid Date or x-amz-date header");
                }
                if (Math.abs(now - date / 1000) > MAX_SKEW_SECONDS) {
                    throw new S3Failure(403, "RequestTimeTooSkewed", "The difference between the request time and the current time is too large.");
                }
            }
        } catch (RuntimeException e) {
            if (e instanceof S3Failure f) {
                throw f;
            }
            throw new S3Failure(403, "AccessDenied", "AWS authentication requires a valid Date or x-amz-date header");
        }
    }

    private static boolean constantTimeEquals(String a, String b) {
        return a != null && b != null && MessageDigest.isEqual(a.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                b.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
}
