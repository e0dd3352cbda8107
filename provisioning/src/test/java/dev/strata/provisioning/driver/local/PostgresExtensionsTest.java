package dev.strata.provisioning.driver.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which extensions are offered for an installation, and the server settings that go with them. */
class PostgresExtensionsTest {

    @TempDir
    Path dir;

    private void control(String name, String content) throws Exception {
        Files.writeString(dir.resolve(name + ".control"), content);
    }

    @Test
    void offersTheAllowListIntersectedWithTheInstalledControlFiles() throws Exception {
        control("pgcrypto", "comment = 'crypto'\ntrusted = true\n");
        control("citext", "trusted = true # case-insensitive\n");
        control("pg_stat_statements", "module_pathname = '$libdir/pg_stat_statements'\n");
        control("vector", "relocatable = true\n");
        control("file_fdw", "superuser = true\n"); // installed, but not allow-listed

        // with pgextwlist: every installed allow-listed one, in the allow-list's order
        assertThat(PostgresExtensions.offered(dir, true)).containsExactly("pg_stat_statements", "pgcrypto", "citext", "vector");
        // without it: only the trusted ones, which the owner can create on his own
        assertThat(PostgresExtensions.offered(dir, false)).containsExactly("pgcrypto", "citext");
    }

    @Test
    void nothingIsOfferedFromAnEmptyOrMissingDirectory() {
        assertThat(PostgresExtensions.offered(dir, true)).isEmpty();
        assertThat(PostgresExtensions.offered(dir.resolve("missing"), true)).isEmpty();
    }

    @Test
    void trustedIsReadFromTheControlFile() throws Exception {
        control("a", "trusted = true\n");
        control("b", "  trusted=on\n");
        control("c", "trusted = false\n");
        control("d", "# trusted = true\ncomment = 'x'\n");
        assertThat(PostgresExtensions.trusted(dir.resolve("a.control"))).isTrue();
        assertThat(PostgresExtensions.trusted(dir.resolve("b.control"))).isTrue();
        assertThat(PostgresExtensions.trusted(dir.resolve("c.control"))).isFalse();
        assertThat(PostgresExtensions.trusted(dir.resolve("d.control"))).isFalse();
        assertThat(PostgresExtensions.trusted(dir.resolve("missing.control"))).isFalse();
    }

    @Test
    void settingsPreloadPgStatStatementsAndListTheAllowedOnes() {
        assertThat(PostgresExtensions.settings(java.util.List.of("pg_stat_statements", "pgcrypto", "vector"), true)).isEqualTo(
                "shared_preload_libraries = 'pg_stat_statements'\n"
                        + "local_preload_libraries = 'pgextwlist'\n"
                        + "extwlist.extensions = 'pg_stat_statements,pgcrypto,vector'\n");
    }

    @Test
    void settingsLoadNothingThatIsNotInstalled() {
        // a preload of a missing library would keep the server from starting; a missing pgextwlist would refuse every login
        assertThat(PostgresExtensions.settings(java.util.List.of("pgcrypto"), false)).isEmpty();
        assertThat(PostgresExtensions.settings(java.util.List.of(), true)).isEmpty();
        assertThat(PostgresExtensions.settings(java.util.List.of("pg_stat_statements"), false))
                .isEqualTo("shared_preload_libraries = 'pg_stat_statements'\n");
    }

    @Test
    void whitelistIsFoundInThePluginsDirectory() throws Exception {
        assertThat(PostgresExtensions.whitelistInstalled(dir)).isFalse();
        Files.createDirectories(dir.resolve("plugins"));
        Files.writeString(dir.resolve("plugins/pgextwlist.so"), "");
        assertThat(PostgresExtensions.whitelistInstalled(dir)).isTrue();
    }
}
