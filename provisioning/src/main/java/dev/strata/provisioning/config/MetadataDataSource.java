package dev.strata.provisioning.config;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The metadata database, chosen by configuration when the server creates the pool: PostgreSQL when
 * {@code STRATA_DB_URL} is set (the production setting), otherwise an embedded H2 file database under
 * {@code STRATA_DATA_DIR/metadata}. Named as the class of the application's {@code @DataSourceDefinition},
 * so the EAR needs no JDBC resource configured in the server and the application server still pools it.
 */
public class MetadataDataSource implements DataSource {

    private final DataSource target;

    public MetadataDataSource() {
        this.target = Settings.get("STRATA_DB_URL").map(MetadataDataSource::postgres).orElseGet(MetadataDataSource::embedded);
    }

    private static DataSource postgres(String url) {
        if (!url.startsWith("jdbc:postgresql:")) {
            throw new IllegalStateException("STRATA_DB_URL must be a jdbc:postgresql: URL, got " + url.replaceAll("password=[^&]*", "password=***"));
        }
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL(url);
        Settings.get("STRATA_DB_USER").ifPresent(ds::setUser);
        Settings.get("STRATA_DB_PASSWORD").ifPresent(ds::setPassword);
        ds.setApplicationName("strata");
        return ds;
    }

    private static DataSource embedded() {
        Path dir = Settings.dataDir().resolve("metadata");
        try {
            Files.createDirectories(dir);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot create the metadata directory " + dir + ": " + e.getMessage(), e);
        }
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL("jdbc:h2:file:" + dir.resolve("strata") + ";DB_CLOSE_ON_EXIT=FALSE");
        ds.setUser("strata");
        ds.setPassword("");
        return ds;
    }

    @Override
    public Connection getConnection() throws SQLException {
        return target.getConnection();
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        // the pool may pass the (empty) user of the definition; the configured credentials win
        return target.getConnection();
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
        return target.getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
        target.setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
        target.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
        return target.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        return Logger.getLogger("dev.strata.metadata");
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        if (iface.isInstance(this)) {
            return iface.cast(this);
        }
        return target.unwrap(iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) throws SQLException {
        return iface.isInstance(this) || target.isWrapperFor(iface);
    }
}
