package dev.strata.it;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.HexFormat;

/** Further tenants for isolation tests, written straight into the metadata database (the API has no workspace creation). */
public final class Tenants {

    private Tenants() {
    }

    /** A new workspace with one API key (SHA-256 hashed, as Strata stores keys); its id. */
    public static String insertWorkspaceWithKey(String key, boolean revoked) throws Exception {
        String wsId = "ws_" + com.github.f4b6a3.ulid.UlidCreator.getUlid().toLowerCase();
        String hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
        try (Connection c = Metadata.connect()) {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO strata_workspace (id, version, name, created_at) VALUES (?, 1, ?, ?)")) {
                ps.setString(1, wsId);
                ps.setString(2, "Other workspace");
                ps.setTimestamp(3, Timestamp.from(Instant.now()));
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO strata_api_key (id, version, workspace_id, name, display_prefix, secret_hash, created_at, revoked_at) VALUES (?, 1, ?, 'test', 'strata_sk_', ?, ?, ?)")) {
                ps.setString(1, "key_" + com.github.f4b6a3.ulid.UlidCreator.getUlid().toLowerCase());
                ps.setString(2, wsId);
                ps.setString(3, hash);
                ps.setTimestamp(4, Timestamp.from(Instant.now()));
                ps.setTimestamp(5, revoked ? Timestamp.from(Instant.now()) : null);
                ps.executeUpdate();
            }
        }
        return wsId;
    }

    /** One more API key (named {@code name}, revoked or not) of the existing workspace {@code wsId}. */
    public static void insertKey(String wsId, String name, String key, boolean revoked) throws Exception {
        String hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
        try (Connection c = Metadata.connect();
             PreparedStatement ps = c.prepareStatement("INSERT INTO strata_api_key (id, version, workspace_id, name, display_prefix, secret_hash, created_at, revoked_at) VALUES (?, 1, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, "key_" + com.github.f4b6a3.ulid.UlidCreator.getUlid().toLowerCase());
            ps.setString(2, wsId);
            ps.setString(3, name);
            ps.setString(4, key.substring(0, Math.min(key.length(), 18)));
            ps.setString(5, hash);
            ps.setTimestamp(6, Timestamp.from(Instant.now()));
            ps.setTimestamp(7, revoked ? Timestamp.from(Instant.now()) : null);
            ps.executeUpdate();
        }
    }
}
