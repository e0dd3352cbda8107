package dev.strata.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Secrets at rest: every secret this test makes Strata create or accept (the API key, the admin password, database
 * passwords, an S3 secret key) is searched for, as text and in base64, in a dump of the whole metadata database and
 * in every log file of the server and its data directory. None may be found; the API key's SHA-256 must be (keys
 * are stored as hashes).
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class SecretsAtRestIT {

    @Deployment(testable = false)
    static EnterpriseArchive ear() {
        return Deployments.strataEar();
    }

    private final Api api = Api.withBootstrapKey();

    @Test
    void noSecretIsStoredOrLoggedInTheClear() throws Exception {
        TestDatabases dbs = new TestDatabases(api, api.workspaceId());
        String project = api.post("/api/v1/projects", "{\"name\":\"secrets at rest\"}").text("id");
        String pg = dbs.create("secret-pg", "{\"name\":\"Secret PG\",\"slug\":\"secret-pg\",\"engine\":\"postgresql\",\"projectId\":\"" + project + "\"}");
        String redis = dbs.create("secret-redis", "{\"name\":\"Secret Redis\",\"slug\":\"secret-redis\",\"engine\":\"redis\"}");
        String bucket = null;
        try {
            dbs.awaitStatus(pg, "ready", Duration.ofSeconds(90));
            dbs.awaitStatus(redis, "ready", Duration.ofSeconds(60));
            Api.Reply b = api.post("/api/v1/storage/buckets", "{\"projectId\":\"" + project + "\",\"name\":\"secret-bucket\"}");
            assertThat(b.status()).as(b.raw()).isEqualTo(201);
            bucket = b.text("id");

            Map<String, String> secrets = new LinkedHashMap<>();
            secrets.put("API key", Api.KEY);
            secrets.put("admin password", System.getProperty("it.admin.password"));
            secrets.put("PostgreSQL password", dbs.connection(pg).path("password").asText());
            secrets.put("Redis password", dbs.connection(redis).path("password").asText());
            for (JsonNode v : api.get("/api/v1/projects/" + project + "/env").json().path("data")) {
                if (v.path("name").asText().equals("STORAGE_SECRET")) {
                    secrets.put("S3 secret key", v.path("value").asText());
                }
            }
            // backups of both databases: their backup keys, and the backup repository's own key, must not leak either
            for (String db : List.of(pg, redis)) {
                String bkp = api.post(dbs.base() + "/" + db + "/backups", "").text("id");
                await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
                        assertThat(api.get("/api/v1/workspaces/" + api.workspaceId() + "/backups/" + bkp).text("status")).isEqualTo("completed"));
            }
            for (String db : List.of(pg, redis)) {
                String sealed = sealedBackupKey(db);
                assertThat(sealed).as("a backup key is sealed at rest").startsWith("v1:");
                secrets.put("backup key of " + db, openSealed(sealed));
            }
            Path repoKey = Host.DATA_DIR.resolve("backup-repository.key");
            List<String> repoLines = Files.readAllLines(repoKey);
            assertThat(repoLines.get(1)).as("the repository's secret is sealed at rest").startsWith("v1:");
            assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(repoKey))).isEqualTo("rw-------");
            secrets.put("backup repository secret", openSealed(repoLines.get(1)));
            assertThat(secrets).hasSize(8).allSatisfy((k, v) -> assertThat(v).as(k).hasSizeGreaterThanOrEqualTo(16));

            String dump = metadataDump();
            String keyHash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Api.KEY.getBytes(StandardCharsets.UTF_8)));
            assertThat(dump).as("the API key is stored as its SHA-256").contains(keyHash);
            assertThat(dump).as("the dump has the databases").contains(pg).contains(redis);

            List<Path> logs = logFiles();
            assertThat(logs).as("log files searched").isNotEmpty();
            List<String> found = new ArrayList<>();
            for (Map.Entry<String, String> s : secrets.entrySet()) {
                for (String form : List.of(s.getValue(), Base64.getEncoder().encodeToString(s.getValue().getBytes(StandardCharsets.UTF_8)))) {
                    if (dump.contains(form)) {
                        found.add(s.getKey() + " in the metadata database");
                    }
                    for (Path log : logs) {
                        if (Files.readString(log, StandardCharsets.ISO_8859_1).contains(form)) {
                            found.add(s.getKey() + " in " + log);
                        }
                    }
                }
            }
            assertThat(found).isEmpty();
        } finally {
            dbs.deleteQuietly(pg);
            dbs.deleteQuietly(redis);
            if (bucket != null) {
                api.delete("/api/v1/storage/buckets/" + bucket);
            }
            api.delete("/api/v1/projects/" + project);
        }
    }

    private static String sealedBackupKey(String dbId) throws Exception {
        try (java.sql.Connection c = Metadata.connect();
             java.sql.PreparedStatement ps = c.prepareStatement("SELECT key_sealed FROM strata_backup_policy WHERE database_id = ?")) {
            ps.setString(1, dbId);
            try (java.sql.ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).as("policy of " + dbId).isTrue();
                return rs.getString(1);
            }
        }
    }

    /** Opens a value sealed by Strata's master key ({@code v1:} + base64 of nonce, ciphertext and tag; AES-256-GCM). */
    private static String openSealed(String sealed) throws Exception {
        byte[] key = Base64.getDecoder().decode(Files.readString(Host.DATA_DIR.resolve("master.key")).trim());
        byte[] in = Base64.getDecoder().decode(sealed.substring(3));
        javax.crypto.Cipher c = javax.crypto.Cipher.getInstance("AES/GCM/NoPadding");
        c.init(javax.crypto.Cipher.DECRYPT_MODE, new javax.crypto.spec.SecretKeySpec(key, "AES"), new javax.crypto.spec.GCMParameterSpec(128, in, 0, 12));
        return new String(c.doFinal(in, 12, in.length - 12), StandardCharsets.UTF_8);
    }

    /** {@code pg_dump} of the whole metadata database, as text. */
    private static String metadataDump() throws Exception {
        Path out = Files.createTempFile("strata-metadata", ".sql");
        ProcessBuilder pb = new ProcessBuilder("pg_dump", "-h", "127.0.0.1", "-p", Integer.toString(Metadata.port()), "-U", Metadata.user(),
                "--no-owner", Metadata.database()).redirectOutput(out.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put("PGPASSWORD", Metadata.password());
        Process p = pb.start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("pg_dump").isZero();
        String dump = Files.readString(out, StandardCharsets.UTF_8);
        Files.delete(out);
        return dump;
    }

    /** The server's logs and every log file under Strata's data directory (database servers' logs included). */
    private static List<Path> logFiles() throws Exception {
        List<Path> logs = new ArrayList<>();
        Path domainLogs = Path.of(System.getProperty("it.payara.home"), "glassfish", "domains", System.getProperty("it.domain"), "logs");
        for (Path root : List.of(domainLogs, Host.DATA_DIR)) {
            if (Files.isDirectory(root)) {
                try (Stream<Path> s = Files.walk(root)) {
                    s.filter(Files::isRegularFile).filter(f -> f.getFileName().toString().matches(".*\\.(log|out|err)(\\.\\d+)?$"))
                            .filter(Files::isReadable).forEach(logs::add);
                }
            }
        }
        return logs;
    }
}
