package dev.strata.provisioning.metadata;

import dev.strata.provisioning.config.Settings;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The metadata database, chosen by configuration when the server creates the pool: the PostgreSQL server at
 * {@code STRATA_DB_URL} when it is set (the production setting), otherwise the PostgreSQL server Strata runs itself
 * in the data directory ({@link EmbeddedMetadataServer}), started or adopted whenever the pool opens a connection.
 * Named as the class of the application's {@code @DataSourceDefinition}, so the EAR needs no JDBC resource
 * configured in the server and the application server still pools it.
 */
public class MetadataDataSource implements DataSource {

    private final DataSource target;
    private final EmbeddedMetadataServer embedded;

    public MetadataDataSource() {
        if (Settings.get("STRATA_DB_URL").isPresent()) {
            this.embedded = null;
            this.target = postgres(Settings.get("STRATA_DB_URL").get());
        } else {
            this.embedded = EmbeddedMetadataServer.running();
            PGSimpleDataSource ds = new PGSimpleDataSource();
            ds.setURL(embedded.jdbcUrl());
            ds.setUser(EmbeddedMetadataServer.USER);
            ds.setPassword(embedded.password());
            ds.setApplicationName("strata");
            this.target = ds;
        }
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

    @Override
    public Connection getConnection() throws SQLException {
        if (embedded != null) {
            // a new physical connection: the server may have been stopped or killed since (then it starts again)
            try {
                embedded.ensureRunning();
            } catch (IllegalStateException e) {
                throw new SQLException(e.getMessage(), "08001", e);
            }
        }
        return target.getConnection();
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        // the pool may pass the (empty) user of the definition; the configured credentials win
        return getConnection();
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
