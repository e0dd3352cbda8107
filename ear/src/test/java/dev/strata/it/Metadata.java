package dev.strata.it;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;

/**
 * Strata's metadata database as the tests reach it behind Strata's back: the PostgreSQL server that the default
 * setup runs in the data directory ({@code it.metadata.url}, user {@code strata}, its generated password file).
 */
public final class Metadata {

    private Metadata() {
    }

    public static String url() {
        return System.getProperty("it.metadata.url");
    }

    public static String user() {
        return System.getProperty("it.metadata.user");
    }

    public static String password() throws Exception {
        return Files.readString(Path.of(System.getProperty("it.metadata.password.file"))).trim();
    }

    public static int port() {
        String url = url();
        return Integer.parseInt(url.substring(url.lastIndexOf(':') + 1, url.lastIndexOf('/')));
    }

    public static String database() {
        return url().substring(url().lastIndexOf('/') + 1);
    }

    public static Connection connect() throws Exception {
        return DriverManager.getConnection(url(), user(), password());
    }
}
