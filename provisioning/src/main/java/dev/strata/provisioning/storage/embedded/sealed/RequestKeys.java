package dev.strata.provisioning.storage.embedded.sealed;

import java.util.Base64;
import java.util.function.Supplier;

/**
 * The client keys (SSE-C) of the S3 request being served on this thread: the one that opens what the request reads
 * (its {@code x-amz-server-side-encryption-customer-key}, or for a copy its {@code x-amz-copy-source-…} one) and the
 * one that seals what it writes. s3proxy serves a request on one thread and opens every file it reads or writes for
 * the request before returning, so the provider finds them here when it opens a file. Keys are never stored.
 */
public final class RequestKeys {

    private static final ThreadLocal<byte[]> READ = new ThreadLocal<>();
    private static final ThreadLocal<byte[]> WRITE = new ThreadLocal<>();
    private static final ThreadLocal<String> WRITE_KMS = new ThreadLocal<>();

    private RequestKeys() {
    }

    /** Runs {@code body} with the given keys (base64, as S3 carries them; null for none). */
    public static <T> T with(String readKey, String writeKey, Supplier<T> body) {
        return with(readKey, writeKey, null, body);
    }

    /** The same, where what is written is sealed by the named key of Strata's key service (SSE-KMS) unless a client key is given. */
    public static <T> T with(String readKey, String writeKey, String writeKmsKeyId, Supplier<T> body) {
        byte[] oldRead = READ.get();
        byte[] oldWrite = WRITE.get();
        String oldKms = WRITE_KMS.get();
        READ.set(decode(readKey));
        WRITE.set(decode(writeKey));
        WRITE_KMS.set(writeKmsKeyId);
        try {
            return body.get();
        } finally {
            READ.set(oldRead);
            WRITE.set(oldWrite);
            WRITE_KMS.set(oldKms);
        }
    }

    static String writeKms() {
        return WRITE_KMS.get();
    }

    static byte[] read() {
        return READ.get();
    }

    static byte[] write() {
        return WRITE.get();
    }

    /** A 256-bit key, or null: a malformed one is judged (400) by the store before any file is opened. */
    private static byte[] decode(String key) {
        if (key == null) {
            return null;
        }
        try {
            byte[] raw = Base64.getDecoder().decode(key.trim());
            return raw.length == 32 ? raw : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
