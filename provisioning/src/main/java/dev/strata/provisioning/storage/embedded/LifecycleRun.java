package dev.strata.provisioning.storage.embedded;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketVersioningStatus;
import software.amazon.awssdk.services.s3.model.ListObjectVersionsResponse;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * One pass of a bucket's lifecycle rules, through the S3 API with the project's internal key (so s3proxy keeps
 * doing the bookkeeping: delete markers, multipart stubs). The first enabled rule whose prefix a key has decides
 * for that key and action.
 */
final class LifecycleRun {

    private final S3Client s3;
    private final String bucket;
    private final LifecycleRules rules;
    private final Duration day;
    private final Instant now;

    LifecycleRun(S3Client s3, String bucket, LifecycleRules rules, Duration day, Instant now) {
        this.s3 = s3;
        this.bucket = bucket;
        this.rules = rules;
        this.day = day;
        this.now = now;
    }

    int apply() {
        return expireCurrent() + expireNoncurrentAndMarkers() + abortUploads();
    }

    private Optional<LifecycleRules.Rule> rule(String key, java.util.function.Predicate<LifecycleRules.Rule> has) {
        return rules.rules().stream().filter(r -> r.applies(key) && has.test(r)).findFirst();
    }

    private int expireCurrent() {
        if (rules.rules().stream().noneMatch(r -> r.enabled() && (r.expirationDays() != null || r.expirationDate() != null))) {
            return 0;
        }
        List<String> due = new ArrayList<>();
        for (S3Object o : s3.listObjectsV2Paginator(b -> b.bucket(bucket)).contents()) {
            rule(o.key(), r -> r.expirationDays() != null || r.expirationDate() != null).ifPresent(r -> {
                Instant at = r.expirationDate() != null ? r.expirationDate().atStartOfDay(ZoneOffset.UTC).toInstant()
                        : LifecycleRules.due(o.lastModified(), r.expirationDays(), day);
                if (!now.isBefore(at)) {
                    due.add(o.key());
                }
            });
        }
        int removed = 0;
        for (String key : due) {
            if (delete(key, null)) {
                removed++;
            }
        }
        return removed;
    }

    private record Entry(String key, String versionId, Instant lastModified, boolean latest, boolean marker) {
    }

    private int expireNoncurrentAndMarkers() {
        if (rules.rules().stream().noneMatch(r -> r.enabled() && (r.noncurrentDays() != null || r.expiredObjectDeleteMarker()))) {
            return 0;
        }
        BucketVersioningStatus status = s3.getBucketVersioning(b -> b.bucket(bucket)).status();
        if (status == null) {
            return 0;
        }
        List<Entry> entries = new ArrayList<>();
        String keyMarker = null;
        String versionMarker = null;
        do {
            String km = keyMarker;
            String vm = versionMarker;
            ListObjectVersionsResponse page = s3.listObjectVersions(b -> b.bucket(bucket).keyMarker(km).versionIdMarker(vm));
            page.versions().forEach(v -> entries.add(new Entry(v.key(), v.versionId(), v.lastModified(), v.isLatest(), false)));
            page.deleteMarkers().forEach(m -> entries.add(new Entry(m.key(), m.versionId(), m.lastModified(), m.isLatest(), true)));
            keyMarker = Boolean.TRUE.equals(page.isTruncated()) ? page.nextKeyMarker() : null;
            versionMarker = page.nextVersionIdMarker();
        } while (keyMarker != null);
        // each key's entries newest first: the latest (as the listing flags it) first, then by time (listings give
        // seconds only, so the flag, not the time, says which one is current)
        entries.sort(java.util.Comparator.comparing(Entry::key, KeyCodec.S3_ORDER)
                .thenComparing(Entry::latest, java.util.Comparator.reverseOrder())
                .thenComparing(Entry::lastModified, java.util.Comparator.reverseOrder()));
        int removed = 0;
        for (int i = 0; i < entries.size(); ) {
            int j = i;
            while (j < entries.size() && entries.get(j).key().equals(entries.get(i).key())) {
                j++;
            }
            List<Entry> ofKey = entries.subList(i, j);
            String key = ofKey.get(0).key();
            int kept = ofKey.size();
            for (int k = 1; k < ofKey.size(); k++) { // every entry but the newest is noncurrent, since its successor
                Entry e = ofKey.get(k);
                Instant noncurrentSince = ofKey.get(k - 1).lastModified();
                Optional<LifecycleRules.Rule> r = rule(key, x -> x.noncurrentDays() != null);
                if (r.isPresent() && !now.isBefore(LifecycleRules.due(noncurrentSince, r.get().noncurrentDays(), day))
                        && delete(key, e.versionId())) {
                    removed++;
                    kept--;
                }
            }
            Entry newest = ofKey.get(0);
            if (newest.marker() && kept == 1 && rule(key, LifecycleRules.Rule::expiredObjectDeleteMarker).isPresent()
                    && delete(key, newest.versionId())) {
                removed++;
            }
            i = j;
        }
        return removed;
    }

    /** Deletes (a version of) a key; false when Object Lock keeps it (the rule applies again once it ends). */
    private boolean delete(String key, String versionId) {
        try {
            s3.deleteObject(b -> b.bucket(bucket).key(key).versionId(versionId));
            return true;
        } catch (software.amazon.awssdk.services.s3.model.S3Exception e) {
            if (e.statusCode() == 403) {
                return false;
            }
            throw e;
        }
    }

    private int abortUploads() {
        if (rules.rules().stream().noneMatch(r -> r.enabled() && r.abortAfterDays() != null)) {
            return 0;
        }
        int aborted = 0;
        for (MultipartUpload u : s3.listMultipartUploads(b -> b.bucket(bucket)).uploads()) {
            Optional<LifecycleRules.Rule> r = rule(u.key(), x -> x.abortAfterDays() != null);
            if (r.isPresent() && u.initiated() != null && !now.isBefore(LifecycleRules.due(u.initiated(), r.get().abortAfterDays(), day))) {
                s3.abortMultipartUpload(b -> b.bucket(bucket).key(u.key()).uploadId(u.uploadId()));
                aborted++;
            }
        }
        return aborted;
    }
}
