package dev.strata.provisioning.metadata;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * An H2 metadata file of an earlier Strata, read only, and the copy of its rows into the metadata database: every
 * table both have, the columns both have, row by row as JDBC objects (the column types EclipseLink generated for
 * either database map onto each other: text, integers, booleans, timestamps).
 */
final class LegacyH2Metadata {

    /** Tables not worth carrying over: the reconciler's lease is taken afresh. */
    private static final Set<String> SKIPPED = Set.of("strata_reconciler_lease");

    private final Path file;

    /** {@code file} is the {@code .mv.db} file. */
    LegacyH2Metadata(Path file) {
        this.file = file;
    }

    static boolean hasWorkspaces(Connection target) throws SQLException {
        try (Statement s = target.createStatement(); ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM strata_workspace")) {
            rs.next();
            return rs.getLong(1) > 0;
        }
    }

    /** Copies every row into {@code target} (in its current transaction); the number of rows copied. */
    int copyInto(Connection target) throws SQLException {
        String base = file.toString().substring(0, file.toString().length() - ".mv.db".length());
        int copied = 0;
        try (Connection h2 = new org.h2.Driver().connect("jdbc:h2:file:" + base + ";ACCESS_MODE_DATA=r;DB_CLOSE_ON_EXIT=FALSE",
                credentials())) {
            if (h2 == null) {
                throw new SQLException("the H2 driver refused " + base);
            }
            for (String table : tables(h2)) {
                Set<String> targetColumns = columns(target.getMetaData(), table);
                if (targetColumns.isEmpty() || SKIPPED.contains(table)) {
                    continue;
                }
                List<String> shared = new ArrayList<>(columns(h2.getMetaData(), table.toUpperCase(Locale.ROOT)));
                shared.retainAll(targetColumns);
                if (shared.isEmpty()) {
                    continue;
                }
                String cols = String.join(", ", shared);
                String marks = String.join(", ", shared.stream().map(c -> "?").toList());
                try (Statement read = h2.createStatement();
                     ResultSet rs = read.executeQuery("SELECT " + cols + " FROM " + table);
                     PreparedStatement write = target.prepareStatement("INSERT INTO " + table + " (" + cols + ") VALUES (" + marks + ")")) {
                    while (rs.next()) {
                        for (int i = 1; i <= shared.size(); i++) {
                            write.setObject(i, rs.getObject(i));
                        }
                        write.executeUpdate();
                        copied++;
                    }
                }
            }
        }
        return copied;
    }

    private static java.util.Properties credentials() {
        java.util.Properties p = new java.util.Properties();
        p.setProperty("user", "strata");
        p.setProperty("password", "");
        return p;
    }

    /** The H2 file's tables, lower case (as EclipseLink names them on PostgreSQL). */
    private static List<String> tables(Connection h2) throws SQLException {
        List<String> tables = new ArrayList<>();
        try (ResultSet rs = h2.getMetaData().getTables(null, "PUBLIC", "%", new String[] {"TABLE", "BASE TABLE"})) {
            while (rs.next()) {
                tables.add(rs.getString("TABLE_NAME").toLowerCase(Locale.ROOT));
            }
        }
        return tables;
    }

    private static Set<String> columns(DatabaseMetaData meta, String table) throws SQLException {
        Set<String> columns = new LinkedHashSet<>();
        try (ResultSet rs = meta.getColumns(null, null, table, "%")) {
            while (rs.next()) {
                columns.add(rs.getString("COLUMN_NAME").toLowerCase(Locale.ROOT));
            }
        }
        return columns;
    }
}
