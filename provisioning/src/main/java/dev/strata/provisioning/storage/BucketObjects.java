package dev.strata.provisioning.storage;

import dev.strata.domain.shared.InvalidInputException;
import dev.strata.domain.shared.UnprocessableException;
import dev.strata.domain.storage.Bucket;
import dev.strata.domain.storage.ObjectStoreBackend;
import dev.strata.provisioning.auth.Caller;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * What a bucket holds, for the dashboard: one page of its objects (ListObjectsV2 with a continuation token) and a
 * short-lived presigned GET URL for each. Both go through the AWS SDK like any client's, signed with the project's
 * current storage key: the listing against the backend's {@link ObjectStoreBackend#internalEndpoint() internal
 * endpoint}, the download links against the endpoint users reach ({@link ObjectStoreBackend#endpoint()}, the
 * {@code STORAGE_ENDPOINT} of the project), so they work from the user's browser and stop working when the key is
 * revoked or after {@link #LINK_LIFETIME}.
 */
@Stateless
@TransactionAttribute(TransactionAttributeType.SUPPORTS)
public class BucketObjects {

    /** How long a download link works. */
    public static final Duration LINK_LIFETIME = Duration.ofMinutes(5);
    public static final int PAGE_SIZE = 50;
    private static final int MAX_PREFIX = 1024;
    private static final int MAX_TOKEN = 2048;

    @Inject
    Buckets buckets;

    @Inject
    ObjectStoreBackend backend;

    /** One object of a listing: its key, size, last change and a download link valid for {@link #LINK_LIFETIME}. */
    public record StoredObject(String key, long size, Instant lastModified, String downloadUrl) {
    }

    /** A page of objects; {@code nextToken} asks for the next page (null on the last). */
    public record ObjectPage(List<StoredObject> objects, String prefix, String nextToken, Instant linksExpire) {
    }

    /**
     * The caller's bucket's objects whose key starts with {@code prefix} (all when empty), from {@code token} on (the
     * {@code nextToken} of the page before, or empty for the first page).
     *
     * @throws dev.strata.domain.shared.NotFoundException for a bucket that is not the caller's
     */
    public ObjectPage list(Caller caller, String bucketId, String prefix, String token) {
        Bucket bucket = buckets.get(caller, bucketId);
        String p = prefix == null ? "" : prefix;
        String t = token == null || token.isBlank() ? null : token;
        if (p.length() > MAX_PREFIX) {
            throw new InvalidInputException("prefix", "prefix must be at most " + MAX_PREFIX + " characters (got " + p.length() + ")");
        }
        if (t != null && t.length() > MAX_TOKEN) {
            throw new InvalidInputException("token", "that page token is not one of this bucket's; start from the first page");
        }
        IssuedStorageKey key = buckets.currentKey(bucket.projectId()).orElseThrow(() -> new UnprocessableException(
                "the project has no active storage key (all were revoked): rotate one to see its objects"));
        var credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create(key.accessKeyId(), key.secret()));
        Region region = Region.of(backend.region());
        String name = bucket.name().value();
        ListObjectsV2Response page;
        try (S3Client s3 = S3Client.builder().endpointOverride(URI.create(backend.internalEndpoint())).forcePathStyle(true)
                .region(region).credentialsProvider(credentials)
                .httpClientBuilder(UrlConnectionHttpClient.builder().connectionTimeout(Duration.ofSeconds(5)).socketTimeout(Duration.ofSeconds(20)))
                .overrideConfiguration(c -> c.apiCallTimeout(Duration.ofSeconds(30)))
                .build()) {
            page = s3.listObjectsV2(r -> r.bucket(name).prefix(p.isEmpty() ? null : p).continuationToken(t).maxKeys(PAGE_SIZE));
        } catch (S3Exception e) {
            if (t != null && e.statusCode() == 400) {
                throw new InvalidInputException("token", "that page token is not one of this bucket's; start from the first page");
            }
            throw new UnprocessableException("the object store refused the listing: " + e.awsErrorDetails().errorMessage());
        } catch (SdkException e) {
            throw new UnprocessableException("the object store cannot be reached now: " + e.getMessage());
        }
        Instant expires = Instant.now().plus(LINK_LIFETIME);
        List<StoredObject> objects;
        try (S3Presigner presigner = S3Presigner.builder().endpointOverride(URI.create(backend.endpoint())).region(region)
                .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(true).build())
                .credentialsProvider(credentials).build()) {
            objects = page.contents().stream().map(o -> new StoredObject(o.key(), o.size() == null ? 0 : o.size(), o.lastModified(),
                    presigner.presignGetObject(r -> r.signatureDuration(LINK_LIFETIME)
                            .getObjectRequest(g -> g.bucket(name).key(o.key()))).url().toString())).toList();
        }
        return new ObjectPage(objects, p, Boolean.TRUE.equals(page.isTruncated()) ? page.nextContinuationToken() : null, expires);
    }
}
