package dev.strata.provisioning.metadata;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Properties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The upgrade from the H2 metadata file of Strata before 0.2: rows of an H2 file shaped as EclipseLink made it
 * (upper-case tables; text, integers, booleans, timestamps) land in a PostgreSQL metadata database shaped as
 * EclipseLink makes it now (lower case, a column more), in the PostgreSQL on 127.0.0.1:5432 that the suite uses.
 */
class LegacyH2MetadataTest {

    private static final String ADMIN_URL = "jdbc:postgresql://127.0.0.1:5432/postgres";
    private static final String DB = "strata_legacy_import_test";

    @TempDir
    Path dir;

    @BeforeEach
    void freshTarget() throws Exception {
        try (Connection c = DriverManager.getConnection(ADMIN_URL, "postgres", "postgres"); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + DB + " WITH (FORCE)");
            s.execute("CREATE DATABASE " + DB);
        }
        try (Connection c = target(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE strata_workspace (id VARCHAR(40) PRIMARY KEY, version BIGINT, name VARCHAR(200), created_at TIMESTAMP)");
            s.execute("CREATE TABLE strata_project (id VARCHAR(40) PRIMARY KEY, version BIGINT, workspace_id VARCHAR(40), name VARCHAR(200),"
                    + " generation BIGINT, sleep_requested BOOLEAN NOT NULL, updated_at TIMESTAMP, created_at TIMESTAMP, deleting_since TIMESTAMP)");
            s.execute("CREATE TABLE strata_reconciler_lease (id INTEGER PRIMARY KEY, holder VARCHAR(64))");
        }
    }

    @AfterEach
    void dropTarget() throws Exception {
        try (Connection c = DriverManager.getConnection(ADMIN_URL, "postgres", "postgres"); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + DB + " WITH (FORCE)");
        }
    }

    @Test
    void copiesEveryRowOfTheTablesBothHave() throws Exception {
        Instant created = Instant.parse("2026-11-30T08:15:30.123Z");
        Properties p = new Properties();
        p.setProperty("user", "strata");
        p.setProperty("password", "");
        try (Connection h2 = new org.h2.Driver().connect("jdbc:h2:file:" + dir.resolve("strata"), p); Statement s = h2.createStatement()) {
            s.execute("CREATE TABLE STRATA_WORKSPACE (ID VARCHAR(40) PRIMARY KEY, VERSION BIGINT, NAME VARCHAR(200), CREATED_AT TIMESTAMP)");
            s.execute("CREATE TABLE STRATA_PROJECT (ID VARCHAR(40) PRIMARY KEY, VERSION BIGINT, WORKSPACE_ID VARCHAR(40), NAME VARCHAR(200),"
                    + " GENERATION BIGINT, SLEEP_REQUESTED BOOLEAN NOT NULL, UPDATED_AT TIMESTAMP, CREATED_AT TIMESTAMP)");
            s.execute("CREATE TABLE STRATA_RECONCILER_LEASE (ID INTEGER PRIMARY KEY, HOLDER VARCHAR(64))");
            s.execute("CREATE TABLE SOMETHING_OLD (ID INTEGER)");
            try (PreparedStatement ws = h2.prepareStatement("INSERT INTO STRATA_WORKSPACE VALUES ('ws_1', 3, 'Default workspace', ?)")) {
                ws.setTimestamp(1, Timestamp.from(created));
                ws.executeUpdate();
            }
            try (PreparedStatement pr = h2.prepareStatement("INSERT INTO STRATA_PROJECT VALUES (?, 1, 'ws_1', ?, ?, ?, ?, ?)")) {
                for (int i = 0; i < 3; i++) {
                    pr.setString(1, "proj_" + i);
                    pr.setString(2, "Project Ünïcode " + i);
                    pr.setLong(3, 10 + i);
                    pr.setBoolean(4, i == 1);
                    pr.setTimestamp(5, Timestamp.from(created.plusSeconds(i)));
                    pr.setTimestamp(6, Timestamp.from(created));
                    pr.executeUpdate();
                }
            }
            s.execute("INSERT INTO STRATA_RECONCILER_LEASE VALUES (1, 'old holder')");
            s.execute("INSERT INTO SOMETHING_OLD VALUES (7)");
        }
        Path file = dir.resolve("strata.mv.db");
        assertThat(file).exists();

        try (Connection target = target()) {
            target.setAutoCommit(false);
            assertThat(LegacyH2Metadata.hasWorkspaces(target)).isFalse();
            int rows = new LegacyH2Metadata(file).copyInto(target);
            target.commit();
            assertThat(rows).isEqualTo(4); // 1 workspace + 3 projects; the lease and the unknown table are not copied
            assertThat(LegacyH2Metadata.hasWorkspaces(target)).isTrue();
            try (Statement s = target.createStatement();
                 ResultSet rs = s.executeQuery("SELECT id, name, generation, sleep_requested, updated_at, deleting_since FROM strata_project ORDER BY id")) {
                for (int i = 0; i < 3; i++) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getString("id")).isEqualTo("proj_" + i);
                    assertThat(rs.getString("name")).isEqualTo("Project Ünïcode " + i);
                    assertThat(rs.getLong("generation")).isEqualTo(10 + i);
                    assertThat(rs.getBoolean("sleep_requested")).isEqualTo(i == 1);
                    assertThat(rs.getTimestamp("updated_at").toInstant()).isEqualTo(created.plusSeconds(i));
                    assertThat(rs.getTimestamp("deleting_since")).isNull();
                }
                assertThat(rs.next()).isFalse();
            }
            try (Statement s = target.createStatement(); ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM strata_reconciler_lease")) {
                rs.next();
                assertThat(rs.getLong(1)).isZero();
            }
        }
        assertThat(Files.exists(file)).as("the H2 file is only read").isTrue();
    }

    private static Connection target() throws Exception {
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/" + DB, "postgres", "postgres");
    }
}
