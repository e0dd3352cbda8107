package dev.strata.domain.backup;

import java.io.InputStream;
import java.io.OutputStream;

/**
 * Port: the backup repository (one S3 bucket per Strata), laid out per database under
 * {@code databases/<database id>/}: each engine's base backups there, and beside them, later, its continuous
 * archive (WAL, binlogs). Streams for drivers that upload themselves; {@link #s3()} for tools that speak S3.
 */
public interface BackupRepositoryAccess {

    /** The folder of one database's backups and archives, {@code databases/<id>} (no slashes around it). */
    static String databaseFolder(String databaseId) {
        return "databases/" + databaseId;
    }

    /** Where and how to reach the repository (secrets included: never log it). */
    S3Settings s3();

    /** Writes an object; it exists (whole) once the stream is closed without an exception, never after {@link Upload#abort}. */
    Upload upload(String key);

    /** An object being written. */
    abstract class Upload extends OutputStream {
        /** Gives the object up: nothing of it stays in the repository. */
        public abstract void abort();
    }

    InputStream download(String key);

    /** Size of an object, or -1 when it does not exist. */
    long size(String key);

    /** The keys of the objects under {@code prefix}, in key order. */
    java.util.List<String> keys(String prefix);

    /** Removes every object under {@code prefix}; their total size. */
    long deleteAll(String prefix);

    /** Total size of the objects under {@code prefix}. */
    long sizeOf(String prefix);

    /** The repository as S3 settings: endpoint host and port (always TLS here), bucket, region, key and CA file. */
    record S3Settings(String host, int port, boolean tls, String caFile, String bucket, String region, String accessKey,
                      String secretKey, boolean verifyTls) {
        @Override
        public String toString() {
            return "S3Settings[" + (tls ? "https" : "http") + "://" + host + ":" + port + "/" + bucket + "]";
        }
    }
}
