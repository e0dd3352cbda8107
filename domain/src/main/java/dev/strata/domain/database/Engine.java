package dev.strata.domain.database;

import dev.strata.domain.shared.InvalidInputException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** The database software a database runs. */
public enum Engine {
    POSTGRESQL("postgresql"),
    MYSQL("mysql"),
    REDIS("redis"),
    MONGODB("mongodb");

    /** Wire names and the aliases people commonly type, all lowercase. */
    private static final Map<String, Engine> BY_NAME = new HashMap<>();
    private static final String CHOICES = Arrays.stream(values()).map(Engine::wireName).collect(Collectors.joining(", "));

    static {
        for (Engine e : values()) {
            BY_NAME.put(e.wireName, e);
        }
        BY_NAME.put("postgres", POSTGRESQL);
        BY_NAME.put("mariadb", MYSQL);
    }

    private final String wireName;

    Engine(String wireName) {
        this.wireName = wireName;
    }

    /** The name used in the API, the database and configuration, e.g. {@code postgresql}. */
    public String wireName() {
        return wireName;
    }

    /**
     * The engine named by {@code text}: a wire name or an alias ({@code postgres}, {@code mariadb}), ignoring
     * surrounding whitespace and case.
     *
     * @param field the input field named in the error, e.g. {@code engine}
     * @throws InvalidInputException if {@code text} is null, blank or names no engine
     */
    public static Engine parse(String field, String text) {
        String name = Inputs.required(field, text);
        // Locale.ROOT: no Turkish dotless i; and unlike equalsIgnoreCase, non-ASCII look-alikes such as
        // the long s in "mysql" stay unequal to ASCII letters.
        Engine engine = BY_NAME.get(name.toLowerCase(Locale.ROOT));
        if (engine == null) {
            throw new InvalidInputException(field,
                    field + " must be one of " + CHOICES + " (got " + Inputs.quoted(name) + ")");
        }
        return engine;
    }
}
