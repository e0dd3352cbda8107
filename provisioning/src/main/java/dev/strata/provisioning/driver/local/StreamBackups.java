package dev.strata.provisioning.driver.local;

import dev.strata.domain.backup.BackupCapability.BackupJob;
import dev.strata.domain.backup.BackupCapability.RestoreJob;
import dev.strata.domain.backup.BackupCapability.TakenBackup;
import dev.strata.domain.backup.BackupRepositoryAccess;
import dev.strata.provisioning.backup.SealedStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;

/**
 * Backups of engines whose tool writes a stream (mariadb-backup's xbstream, a Redis RDB, a tar of a stopped
 * server's files): sealed ({@link SealedStream}: zstd, then AES-256-GCM) on the way to
 * {@code databases/<id>/base/<backup id>/<name>.sbk}, then read back whole from the repository and compared (SHA-256
 * of the plain stream) before the backup counts as taken. A location is {@code <format>:<object key>}.
 */
final class StreamBackups {

    /** Writes the plain stream of a backup. */
    interface Producer {
        void writeTo(OutputStream out) throws IOException;
    }

    /** Reads the plain stream of a backup. */
    interface Consumer {
        void readFrom(InputStream in) throws IOException;
    }

    private StreamBackups() {
    }

    static String folder(String databaseId, String backupId) {
        return BackupRepositoryAccess.databaseFolder(databaseId) + "/base/" + backupId + "/";
    }

    static TakenBackup take(String databaseId, BackupJob job, String format, String name, Producer producer) {
        String key = folder(databaseId, job.backupId()) + name + ".sbk";
        BackupRepositoryAccess repo = job.repository();
        SealedStream.Sealing sealing;
        BackupRepositoryAccess.Upload upload = repo.upload(key);
        try {
            sealing = SealedStream.seal(upload, job.key(), job.backupId());
            producer.writeTo(sealing);
            sealing.close();
        } catch (IOException | RuntimeException e) {
            upload.abort();
            repo.deleteAll(folder(databaseId, job.backupId()));
            throw new IllegalStateException("storing the backup failed: " + e.getMessage(), e);
        }
        try (InputStream back = repo.download(key)) {
            byte[] stored = SealedStream.digestOf(back, job.key(), job.backupId());
            if (!MessageDigest.isEqual(stored, sealing.sha256Digest())) {
                throw new IllegalStateException("the backup read back from the repository differs from what was written");
            }
        } catch (IOException e) {
            throw new IllegalStateException("the backup could not be read back from the repository: " + e.getMessage(), e);
        }
        return new TakenBackup(format + ":" + key, sealing.storedBytes());
    }

    static String format(RestoreJob job) {
        int colon = job.location() == null ? -1 : job.location().indexOf(':');
        if (colon < 0) {
            throw new IllegalStateException("backup " + job.backupId() + " has no stored data");
        }
        return job.location().substring(0, colon);
    }

    static void read(RestoreJob job, Consumer consumer) {
        String key = job.location().substring(job.location().indexOf(':') + 1);
        try (InputStream in = SealedStream.open(job.repository().download(key), job.key(), job.backupId())) {
            consumer.readFrom(in);
        } catch (IOException e) {
            throw new IllegalStateException("reading backup " + job.backupId() + " failed: " + e.getMessage(), e);
        }
    }

    static void delete(RestoreJob job) {
        job.repository().deleteAll(folder(job.sourceDatabaseId(), job.backupId()));
    }
}
