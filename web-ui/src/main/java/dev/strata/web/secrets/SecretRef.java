package dev.strata.web.secrets;

import dev.strata.provisioning.secrets.SecretReveals.DatabaseField;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a page names instead of a secret: {@code database:<id>:password|uri|tlsUri} or {@code project:<id>:env:<NAME>}.
 * Parsing only checks the shape; whether the caller may see the thing is the service's question.
 */
public sealed interface SecretRef {

    Pattern DATABASE = Pattern.compile("database:([A-Za-z0-9_]{1,64}):(password|uri|tlsUri)");
    Pattern PROJECT = Pattern.compile("project:([A-Za-z0-9_]{1,64}):env:([A-Za-z0-9_]{1,128})");

    /** A field of a database's connection. */
    record Database(String databaseId, DatabaseField field) implements SecretRef {
        @Override
        public String text() {
            return "database:" + databaseId + ":" + field.wireName();
        }
    }

    /** A managed environment variable of a project. */
    record ProjectVariable(String projectId, String name) implements SecretRef {
        @Override
        public String text() {
            return "project:" + projectId + ":env:" + name;
        }
    }

    /** The reference as a page carries it ({@code data-secret-ref}). */
    String text();

    /** The reference {@code text} names, or empty when it has no known shape. */
    static Optional<SecretRef> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        Matcher m = DATABASE.matcher(text);
        if (m.matches()) {
            return Optional.of(new Database(m.group(1), DatabaseField.parse(m.group(2))));
        }
        m = PROJECT.matcher(text);
        if (m.matches()) {
            return Optional.of(new ProjectVariable(m.group(1), m.group(2)));
        }
        return Optional.empty();
    }
}
