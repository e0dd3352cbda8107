package dev.strata.provisioning.driver.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The PostgreSQL extensions a database owner may create, and the server settings that allow it.
 *
 * <p>The allow-list holds common extensions that cannot reach outside the database (no file, network or untrusted
 * language access). Of them, pgcrypto, uuid-ossp, pg_trgm, hstore and citext are "trusted" since PostgreSQL 13: the
 * owner (who has CREATE on the database) may create them without any help. pg_stat_statements, pgvector ({@code
 * vector}) and PostGIS are not marked trusted, so creating them needs a superuser; Strata loads Debian's
 * {@code pgextwlist} into every session, which runs {@code CREATE EXTENSION} of an allow-listed extension as the
 * bootstrap superuser and hands the privileges back afterwards. The owner never becomes superuser, and anything
 * outside the list keeps PostgreSQL's own rules (an untrusted extension such as {@code file_fdw} is refused with
 * "permission denied to create extension"). Without pgextwlist installed only the trusted ones can be created.
 *
 * <p>An extension is offered for a version only when its control file is installed for that version.
 */
public final class PostgresExtensions {

    /** The allow-list, in the order they are listed. */
    public static final List<String> ALLOWED = List.of(
            "pg_stat_statements", "pgcrypto", "uuid-ossp", "pg_trgm", "hstore", "citext", "vector", "postgis");

    /** Allow-listed extensions whose shared library must be loaded at server start to work. */
    static final List<String> PRELOADED = List.of("pg_stat_statements");

    /** The library that lets a non-superuser create the allow-listed untrusted extensions. */
    static final String WHITELIST_LIBRARY = "pgextwlist";

    private PostgresExtensions() {
    }

    /**
     * The allow-listed extensions the owner can create with the control files in this extension directory
     * ({@code <sharedir>/extension}): all installed ones with pgextwlist, otherwise the installed trusted ones.
     */
    public static List<String> offered(Path extensionDir, boolean whitelist) {
        return ALLOWED.stream()
                .filter(name -> Files.isRegularFile(extensionDir.resolve(name + ".control")))
                .filter(name -> whitelist || trusted(extensionDir.resolve(name + ".control")))
                .toList();
    }

    /** Whether a control file marks its extension trusted ({@code trusted = true}). */
    static boolean trusted(Path control) {
        try (Stream<String> lines = Files.lines(control)) {
            return lines.map(String::trim).anyMatch(l -> TRUSTED.matcher(l).matches());
        } catch (IOException | UncheckedIOException e) {
            return false;
        }
    }

    private static final Pattern TRUSTED = Pattern.compile("trusted\\s*=\\s*'?(true|on|yes|1)'?\\s*(#.*)?", Pattern.CASE_INSENSITIVE);

    /** Whether pgextwlist is installed where PostgreSQL loads session libraries from ({@code <pkglibdir>/plugins}). */
    static boolean whitelistInstalled(Path pkgLibDir) {
        return Files.isRegularFile(pkgLibDir.resolve("plugins").resolve(WHITELIST_LIBRARY + ".so"));
    }

    /**
     * The lines of the server's settings for these offered extensions: the libraries to preload (loading one that is
     * not installed would keep the server from starting, so only offered ones) and, with pgextwlist, the allow-list.
     */
    static String settings(List<String> offered, boolean whitelist) {
        StringBuilder sb = new StringBuilder();
        List<String> preload = PRELOADED.stream().filter(offered::contains).toList();
        if (!preload.isEmpty()) {
            sb.append("shared_preload_libraries = '").append(String.join(",", preload)).append("'\n");
        }
        if (whitelist && !offered.isEmpty()) {
            // the plugins directory is the one place PostgreSQL lets any session load a library from
            sb.append("local_preload_libraries = '").append(WHITELIST_LIBRARY).append("'\n")
                    .append("extwlist.extensions = '").append(String.join(",", offered)).append("'\n");
        }
        return sb.toString();
    }
}
