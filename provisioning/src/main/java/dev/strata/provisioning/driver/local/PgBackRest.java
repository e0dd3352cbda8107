package dev.strata.provisioning.driver.local;

import dev.strata.domain.backup.BackupCapability.BackupJob;
import dev.strata.domain.backup.BackupCapability.RestoreJob;
import dev.strata.domain.backup.BackupCapability.TakenBackup;
import dev.strata.domain.backup.BackupRepositoryAccess;
import dev.strata.domain.backup.BackupRepositoryAccess.S3Settings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * pgBackRest for one PostgreSQL database: its repository is {@code databases/<db id>/pgbackrest} in the backup
 * bucket (stanza {@code db}), encrypted client-side with the database's backup key (aes-256-cbc) and compressed
 * with lz4. Its configuration file lives in the instance directory (0600, the account's: it holds the repository
 * key and the cipher pass, as the server's own files hold its data). WAL is archived there from the first backup on
 * (the server's {@code archive_command} is a no-op until this file exists), which is what a later point-in-time
 * restore replays. pgBackRest reaches the server on a Unix socket with peer authentication as {@code strata_admin}.
 */
final class PgBackRest {

    static final String STANZA = "db";
    static final String CONFIG = "pgbackrest.conf";
    /** Suffix of the location of a backup taken from a stopped server. */
    static final String OFFLINE = ";offline";
    private static final Pattern LABEL = Pattern.compile("new backup label = (\\S+)");
    private static final Duration BACKUP_TIMEOUT = Duration.ofHours(6);

    private final HostAccount account;
    private final LocalInstances instances;

    PgBackRest(HostAccount account, LocalInstances instances) {
        this.account = account;
        this.instances = instances;
    }

    /** The archive_command: archives through pgBackRest once the database has a backup configuration, a no-op before. */
    static String archiveCommand(Path instanceDir) {
        Path conf = instanceDir.resolve(CONFIG);
        return "test ! -f " + conf + " || pgbackrest --config=" + conf + " --stanza=" + STANZA + " archive-push %p";
    }

    /** Writes the database's pgBackRest configuration (repository folder {@code folder}), when it changed. */
    Path configure(Path instanceDir, Path conf, String folder, Path pgData, int port, Path socketDir, String cipherPass,
                   BackupRepositoryAccess repository) throws IOException {
        S3Settings s3 = repository.s3();
        if (!s3.tls()) {
            throw new IllegalStateException("pgBackRest 2.45 speaks S3 only over TLS: STRATA_BACKUP_S3_ENDPOINT must be an https:// URL");
        }
        Path logs = instanceDir.resolve("pgbackrest");
        if (!Files.isDirectory(logs)) {
            Files.createDirectories(logs);
            account.own(logs);
        }
        StringBuilder sb = new StringBuilder("# Managed by Strata: this database's backups (pgBackRest). Private: holds secrets.\n[global]\n")
                .append("repo1-type=s3\n")
                .append("repo1-path=/").append(folder).append("/pgbackrest\n")
                .append("repo1-s3-endpoint=").append(s3.host()).append('\n')
                .append("repo1-storage-port=").append(s3.port()).append('\n')
                .append("repo1-s3-bucket=").append(s3.bucket()).append('\n')
                .append("repo1-s3-region=").append(s3.region()).append('\n')
                .append("repo1-s3-uri-style=path\n")
                .append("repo1-s3-key=").append(s3.accessKey()).append('\n')
                .append("repo1-s3-key-secret=").append(s3.secretKey()).append('\n');
        if (s3.caFile() != null) {
            sb.append("repo1-storage-ca-file=").append(s3.caFile()).append('\n');
        }
        // Strata decides which backups go (retention, deletions): pgBackRest keeps every full backup until told
        sb.append("repo1-retention-full=9999999\n")
                .append("repo1-cipher-type=aes-256-cbc\n")
                .append("repo1-cipher-pass=").append(cipherPass).append('\n')
                .append("compress-type=lz4\n")
                .append("process-max=2\n")
                .append("start-fast=y\n")
                .append("log-path=").append(logs).append('\n')
                .append("lock-path=").append(logs).append('\n')
                .append("spool-path=").append(logs).append('\n')
                .append("log-level-console=warn\nlog-level-stderr=error\nlog-level-file=info\n")
                .append('[').append(STANZA).append("]\n")
                .append("pg1-path=").append(pgData).append('\n')
                .append("pg1-port=").append(port).append('\n')
                .append("pg1-socket-path=").append(socketDir).append('\n')
                .append("pg1-user=").append(PostgresLocalDriver.ADMIN_USER).append('\n')
                .append("pg1-database=postgres\n");
        String content = sb.toString();
        if (!Files.exists(conf) || !Files.readString(conf).equals(content)) {
            instances.writePrivate(conf, content);
        }
        return conf;
    }

    /** Creates the stanza (idempotent: pgBackRest accepts an existing one that matches). */
    void stanzaCreate(Path conf, boolean online) {
        List<String> cmd = new ArrayList<>(List.of("pgbackrest", "--config=" + conf, "--stanza=" + STANZA));
        if (!online) {
            cmd.add("--no-online");
        }
        cmd.add("stanza-create");
        run(cmd, Duration.ofMinutes(5), "stanza-create");
    }

    /** A full backup (online: the server runs; offline: it is cleanly stopped); then checked; its label and size. */
    TakenBackup backup(Path conf, boolean online, BackupJob job) {
        List<String> cmd = new ArrayList<>(List.of("pgbackrest", "--config=" + conf, "--stanza=" + STANZA, "--type=full",
                "--log-level-console=info", "--annotation=strata-backup=" + job.backupId()));
        if (!online) {
            cmd.add("--no-online");
        }
        cmd.add("backup");
        String out = run(cmd, BACKUP_TIMEOUT, "backup");
        Matcher m = LABEL.matcher(out);
        String label = null;
        while (m.find()) {
            label = m.group(1);
        }
        if (label == null) {
            throw new IllegalStateException("pgBackRest did not name the backup it made: " + tail(out));
        }
        // the repository's own check of every file of the backup (checksums) and of the WAL it needs
        run(List.of("pgbackrest", "--config=" + conf, "--stanza=" + STANZA, "--set=" + label, "verify"), BACKUP_TIMEOUT, "verify");
        long size = job.repository().sizeOf(BackupRepositoryAccess.databaseFolder(sourceOf(conf)) + "/pgbackrest/backup/" + STANZA + "/" + label + "/");
        // an offline backup (a stopped server's files) is restored without recovery: it needs no WAL
        return new TakenBackup(online ? label : label + OFFLINE, size, online);
    }

    /** The database id a configuration belongs to (its instance directory's name). */
    private static String sourceOf(Path conf) {
        return conf.getParent().getFileName().toString();
    }

    /**
     * Restores set {@code job.location()} into the empty directory {@code target}: to the end of that backup, or, with
     * a point in time, replaying the WAL archive up to that instant (the server promotes itself when it gets there).
     */
    void restore(Path conf, Path target, RestoreJob job) {
        boolean offline = job.location().endsWith(OFFLINE);
        List<String> cmd = new ArrayList<>(List.of("pgbackrest", "--config=" + conf, "--stanza=" + STANZA, "--set=" + label(job.location()),
                "--pg1-path=" + target));
        if (job.pointInTime() != null) {
            if (offline) {
                throw new IllegalStateException("backup " + job.backupId() + " was taken from a stopped server: it is no base for a point-in-time restore");
            }
            cmd.addAll(List.of("--type=time", "--target=" + recoveryTime(job.pointInTime()), "--target-action=promote"));
        } else {
            cmd.addAll(offline ? List.of("--type=none") : List.of("--type=immediate", "--target-action=promote"));
        }
        cmd.add("restore");
        run(cmd, BACKUP_TIMEOUT, "restore");
    }

    /** An instant as PostgreSQL's recovery_target_time reads it, in UTC with microseconds. */
    static String recoveryTime(java.time.Instant t) {
        return java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS").withZone(java.time.ZoneOffset.UTC).format(t) + "+00";
    }

    /** The pgBackRest set label of a location. */
    static String label(String location) {
        return location.endsWith(OFFLINE) ? location.substring(0, location.length() - OFFLINE.length()) : location;
    }

    /**
     * Kills the pgBackRest backups of a control plane that was killed (one backup of a database runs at a time, so
     * any other is a leftover; its lock would make this one fail). WAL archiving ({@code archive-push}) is left alone.
     */
    void killLeftovers(Path instanceDir) {
        List<HostProcesses.HostProcess> stale = HostProcesses.of(instanceDir).stream()
                .filter(p -> p.name().equals("pgbackrest") && !p.commandLine().contains("archive-"))
                .toList();
        if (!stale.isEmpty() && !HostProcesses.kill(stale, 10_000)) {
            throw new IllegalStateException("an earlier pgBackRest run did not stop: " + HostProcesses.describe(stale));
        }
    }

    /**
     * Removes one backup set (a no-op when it is gone already). pgBackRest never expires the newest full backup; when
     * it is the only one, the whole repository of the database goes (its WAL archive serves no backup any more, and
     * the next backup creates the stanza again); when newer ones exist, it throws and the deletion is tried again
     * after the next backup.
     */
    void expire(Path conf, String location, String folder, BackupRepositoryAccess repository) {
        String label = label(location);
        CommandResult r = account.runAsAccount(List.of("pgbackrest", "--config=" + conf, "--stanza=" + STANZA, "--set=" + label, "expire"),
                Duration.ofMinutes(30));
        if (r.ok() || r.output().contains("does not exist")) {
            return;
        }
        if (r.output().contains("[075]")) {
            CommandResult info = account.runAsAccount(List.of("pgbackrest", "--config=" + conf, "--stanza=" + STANZA, "--output=json", "info"),
                    Duration.ofMinutes(5));
            Matcher labels = Pattern.compile("\"label\":\"([^\"]+)\"").matcher(info.output());
            List<String> sets = new ArrayList<>();
            while (labels.find()) {
                sets.add(labels.group(1));
            }
            if (info.ok() && sets.equals(List.of(label))) {
                repository.deleteAll(folder + "/pgbackrest/");
                return;
            }
            throw new IllegalStateException("pgBackRest keeps its newest full backup " + label + " until the next one is taken; retried then");
        }
        throw new IllegalStateException("pgBackRest expire failed: " + r.tail());
    }

    private String run(List<String> cmd, Duration timeout, String what) {
        CommandResult r = account.runAsAccount(cmd, timeout);
        if (!r.ok()) {
            throw new IllegalStateException("pgBackRest " + what + " failed: " + tail(r.output()));
        }
        return r.output();
    }

    private static String tail(String out) {
        return new CommandResult(1, out).tail();
    }
}
